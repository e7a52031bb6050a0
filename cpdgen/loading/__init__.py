"""Loading: files on disk → data with source positions (no judgement yet)."""
