"""SHACL validation of submissions in the context of the published graph."""
