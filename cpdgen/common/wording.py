"""Small helpers for messages, shared by every stage that talks to the user."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` was probably meant to be (a typo away), if any."""
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """ " (did you mean 'x'?)" for a near miss, else ""."""
    match = closest(word, choices) if isinstance(word, str) else None
    return f" (did you mean '{match}'?)" if match else ""


def plural(count: int, word: str, plural_form: str | None = None) -> str:
    """ "1 record", "2 records", "0 errors"; `plural_form` where adding s is wrong."""
    return f"{count} {noun(count, word, plural_form)}"


def noun(count: int, word: str, plural_form: str | None = None) -> str:
    """The word alone, as `plural` words it: for a count shown apart ("<b>2</b> objectives")."""
    return word if count == 1 else (plural_form or word + "s")
