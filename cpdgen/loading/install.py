"""Where the running cpdgen was installed from: the installer's PEP 610
record (`direct_url.json`: a VCS URL, a folder, an archive, or nothing for a
package index) and, for a folder that is a git checkout, its origin and
commit. `cpdgen init` writes the workflow that installs cpdgen in CI from it."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from cpdgen import __version__


@dataclass(frozen=True)
class InstallSource:
    version: str
    direct_url: dict[str, Any] | None  # PEP 610; None: from a package index, or not installed at all
    installed: bool = True  # False: run from a source tree without an installation
    git_origin: str | None = None  # a folder install that is a git checkout: its `origin`
    git_commit: str | None = None
    git_dirty: bool = False  # that checkout has uncommitted changes


def _direct_url_text() -> tuple[bool, str | None]:
    """(installed, the text of direct_url.json or None)."""
    try:
        distribution = metadata.distribution("cpdgen")
    except metadata.PackageNotFoundError:
        return False, None
    return True, distribution.read_text("direct_url.json")


def install_source() -> InstallSource:
    installed, text = _direct_url_text()
    try:
        direct_url = json.loads(text) if text else None
    except ValueError:
        direct_url = None
    if not isinstance(direct_url, dict):
        return InstallSource(__version__, None, installed)
    folder = local_path(direct_url.get("url", ""))
    if "dir_info" in direct_url and folder is not None and (folder / ".git").exists():
        origin = _git(folder, "remote", "get-url", "origin")
        commit = _git(folder, "rev-parse", "HEAD")
        dirty = bool(_git(folder, "status", "--porcelain", "--untracked-files=no"))
        return InstallSource(__version__, direct_url, True, origin, commit, dirty)
    return InstallSource(__version__, direct_url, True)


def local_path(url: str) -> Path | None:
    """The folder or file a file:// URL names, or None for any other URL."""
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None
