"""Validation: schemas and cross-record rules over the loaded records (see repository.py)."""
