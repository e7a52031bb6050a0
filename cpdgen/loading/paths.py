"""Paths in records (evidence, certificates, supporting documents) must name a
file inside the repository. This check backs the schemas' `repo-path` and
`document` formats (`cpdgen.validation.schema`), so every path field declared
in a schema gets it, and the loader of supporting documents uses it too."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from cpdgen.common.wording import closest

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
        raise ValueError(f"'{value}' leaves the repository ('..'); files cpdgen reads must be inside it")
    target = root / value
    try:
        if not target.exists():
            if target.is_symlink():
                raise ValueError(f"'{value}' is a symbolic link to a file that does not exist")
            raise ValueError(f"no such file '{value}'{_nearby(root, value)}")
        inside = target.resolve().is_relative_to(root.resolve())
        is_dir, is_file = target.is_dir(), target.is_file()
    except (OSError, RuntimeError) as exc:  # name too long, symlink loop, no permission
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ValueError(f"cannot use '{value}': {reason}") from None
    if not inside:
        raise ValueError(f"'{value}' is a symbolic link that leads outside the repository")
    if is_dir:
        raise ValueError(f"'{value}' is a folder, not a file")
    if not is_file:
        raise ValueError(f"'{value}' is not a regular file (a pipe or a device?)")


def _nearby(root: Path, value: str) -> str:
    """A hint naming a similarly spelt file in the same folder, if any."""
    folder = (root / value).parent
    try:
        names = [entry.name for entry in folder.iterdir()] if folder.is_dir() else []
    except OSError:
        return ""
    match = closest(PurePosixPath(value).name, names)
    if not match:
        return ""
    suggestion = PurePosixPath(value).parent / match
    return f" (did you mean '{suggestion.as_posix()}'?)"
