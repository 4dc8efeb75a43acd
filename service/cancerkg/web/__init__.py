"""The HTTP shell (FastAPI): parses requests, calls the core, renders responses. No SPARQL or RDF
logic lives here; the core never imports this package."""
