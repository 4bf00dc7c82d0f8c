"""ingest: corpus files -> pages -> clean text -> metadata -> chunks -> the index."""
