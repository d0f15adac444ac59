"""Offline tools, not part of a run: the builder of the embedded snapshot from raw CBS files."""
