"""Paths in records (evidence, certificates, supporting documents) must name a
file inside the repository. These checks back the schemas' `repo-path` and
`document` formats, so every path field declared in a schema gets them."""

from __future__ import annotations

import difflib
import re
from pathlib import Path, PurePosixPath

GENERATE = "generate"  # a supporting document cpdgen makes itself

_DRIVE = re.compile(r"^[A-Za-z]:")


def check_repo_path(root: Path, value: str) -> None:
    """Raise ValueError, in plain words, unless `value` names an existing file
    inside the repository at `root` (also through symbolic links)."""
    if not value:
        return  # the schema's minLength reports an empty path
    if value.startswith(("/", "~")) or _DRIVE.match(value) or "\\" in value:
        raise ValueError(
            f"'{value}' must be a path relative to the repository root with forward slashes, e.g. evidence/2025/certificate.pdf"
        )
    parts = PurePosixPath(value).parts
    if ".." in parts:
        raise ValueError(f"'{value}' leaves the repository ('..'); evidence must be kept inside it")
    target = root / value
    if not target.exists():
        if target.is_symlink():
            raise ValueError(f"'{value}' is a symbolic link to a file that does not exist")
        raise ValueError(f"no such file '{value}'{_nearby(root, value)}")
    try:
        target.resolve().relative_to(root.resolve())
    except ValueError:
        raise ValueError(f"'{value}' is a symbolic link that leads outside the repository") from None
    if not target.is_file():
        raise ValueError(f"'{value}' is a folder, not a file")


def check_document(root: Path, value: str) -> None:
    """A supporting document: a repository file, or `generate`."""
    if value != GENERATE:
        check_repo_path(root, value)


def _nearby(root: Path, value: str) -> str:
    """A hint naming a similarly spelt file in the same folder, if any."""
    folder = (root / value).parent
    try:
        names = [entry.name for entry in folder.iterdir()] if folder.is_dir() else []
    except OSError:
        return ""
    close = difflib.get_close_matches(PurePosixPath(value).name, names, n=1, cutoff=0.6)
    if not close:
        return ""
    suggestion = PurePosixPath(value).parent / close[0]
    return f" (did you mean '{suggestion.as_posix()}'?)"
