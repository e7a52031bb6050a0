"""Rendering: computed values → text for people (terminal tables, and later
the HTML site and the PDFs) and for programs (JSON, CSV)."""
