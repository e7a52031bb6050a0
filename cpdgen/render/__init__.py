"""Records into text: terminal tables and text, the site's pages (HTML), the PDFs (HTML, then bytes by WeasyPrint), the file-format doc. Writes nothing."""
