"""Dates as the file format writes them: ISO YYYY-MM-DD text, checked to be
real days in the years cpdgen takes (the one definition of that range: the
schemas' date format, `--year` and `--as-of` read it)."""

from __future__ import annotations

import re
from datetime import date

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The years a record's dates, a review year and --as-of may be in. The
# declaration schema's `year` bounds repeat them (JSON cannot import); a test
# holds them equal.
FIRST_YEAR = 1900
LAST_YEAR = 2999


def is_iso_date(value: str) -> bool:
    """YYYY-MM-DD and a real calendar day (no 2025-02-30, no 20250314)."""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def date_problem(value: str) -> str | None:
    """Why `value` is not a date cpdgen takes (words to follow the value), or None."""
    if not is_iso_date(value):
        return "is not a real date"
    if not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:  # YYYY-: the year is the first four digits
        return f"is outside the years cpdgen takes, {FIRST_YEAR} to {LAST_YEAR}"
    return None
