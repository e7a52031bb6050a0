"""Failures a test cannot arrange for real."""

from __future__ import annotations

import pytest


def unwritable(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a read-only folder does to a non-root user (the tests may run as root)."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", kwargs.get("dir"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)


def full_disk_at(monkeypatch: pytest.MonkeyPatch, nth: int) -> None:
    """The `nth` temporary file cpdgen makes (common.atomic stages every write in one) meets a full disk."""
    import tempfile

    real, made = tempfile.mkstemp, []

    def fails(*args, **kwargs):
        made.append(1)
        if len(made) == nth:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", fails)


def unreadable(monkeypatch: pytest.MonkeyPatch, path) -> None:
    """What a file without read permission does to a non-root user: opening
    `path` for reading fails (the tests may run as root)."""
    import builtins
    import io
    import os

    real_open = builtins.open
    refused = os.path.realpath(path)

    def guarded(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and "r" in mode and os.path.realpath(file) == refused:
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)
