"""Failures a test cannot arrange for real."""

from __future__ import annotations

import pytest


def unwritable(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a read-only folder does to a non-root user (the tests may run as root)."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", kwargs.get("dir"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)


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
