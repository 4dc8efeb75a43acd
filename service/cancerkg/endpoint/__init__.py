"""The SPARQL protocol, federation rules and the query workers, apart from any web framework."""
