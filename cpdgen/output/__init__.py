"""The write side into output/: builds (atomic folder swaps, the incremental cache), the site's and the PDFs' files, and `serve`."""
