"""Writing `cpdgen calendar -o FILE`: the iCalendar file, atomically."""

from __future__ import annotations

from pathlib import Path

from cpdgen.common.atomic import write_atomic
from cpdgen.common.errors import UserError


def write_calendar(path: Path, text: str) -> Path:
    """Write the calendar to `path` (a folder takes cpd-deadlines.ics in it)."""
    target = path / "cpd-deadlines.ics" if path.is_dir() else path
    try:
        write_atomic(target, text.encode("utf-8"))
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
