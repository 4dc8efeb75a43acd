"""Answers about the graph built on the store: descriptions, relations, stats, VoID, coverage."""
