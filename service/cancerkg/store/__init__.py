"""The Store protocol, its three backends, opening a store and the release folders."""
