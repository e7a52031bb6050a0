"""Dates as the file format writes them: ISO YYYY-MM-DD text, checked to be real days."""

from __future__ import annotations

import re
from datetime import date

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_iso_date(value: str) -> bool:
    """YYYY-MM-DD and a real calendar day (no 2025-02-30, no 20250314)."""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
