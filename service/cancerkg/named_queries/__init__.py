"""The named query library: catalogue, typed parameter binding, running."""
