"""The folder cpdgen keeps its caches in, for this user: the record cache
(`validation.cache`) and the compiled templates (`render.templating`).
Everything in it can be deleted at any time; it costs time only."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def cache_dir() -> Path:
    """The folder cpdgen keeps its caches in, for this user."""
    override = os.environ.get("CPDGEN_CACHE_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "cpdgen"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "cpdgen"
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA", "").strip()
        return (Path(local) if local else Path.home() / "AppData" / "Local") / "cpdgen" / "Cache"
    return Path.home() / ".cache" / "cpdgen"
