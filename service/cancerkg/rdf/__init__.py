"""RDF terms, IRIs, parsing and result serialisation: no store, no SPARQL engine."""
