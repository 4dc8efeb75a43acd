"""From source files to a published release: parse, infer, summarise, load, dump."""
