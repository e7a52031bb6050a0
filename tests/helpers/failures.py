"""Failures a test cannot arrange for real."""

from __future__ import annotations

import pytest


def unwritable(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a read-only folder does to a non-root user (the tests may run as root)."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", kwargs.get("dir"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
