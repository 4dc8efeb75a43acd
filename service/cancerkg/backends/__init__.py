"""Store backends: pyoxigraph on disk (default), rdflib in memory, remote SPARQL."""
