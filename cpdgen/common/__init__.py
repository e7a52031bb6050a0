"""Shared vocabulary of every stage: errors and exit codes, diagnostics, wording, dates, atomic writes, where cpdgen's own files are. Imports nothing else of cpdgen."""
