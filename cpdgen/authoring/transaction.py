"""New files in a records repository as one change: written atomically,
validated with the rest of the repository, and all removed again if any
write fails or they bring a new problem. `init`, `new` and `import` write
through here, so none of them can leave a repository worse than it was.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from cpdgen.common.atomic import write_atomic
from cpdgen.common.diagnostics import Diagnostic
from cpdgen.common.errors import UserError
from cpdgen.common.wording import plural
from cpdgen.loading.files import Repository
from cpdgen.validation.repository import validate_repository


class WriteFailed(UserError):
    """A write failed part-way; what had been written is removed again.
    Its message is the failed write's own; `reason` is the bare cause."""

    def __init__(self, message: str, reason: str, removed: int) -> None:
        super().__init__(message)
        self.reason, self.removed = reason, removed


class WouldBeInvalid(Exception):
    """The new files bring these errors (in them or elsewhere, say an id
    taken by a list file); they were removed again."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        super().__init__(f"{plural(len(problems), 'new problem')}")
        self.problems = problems


class NewFiles:
    """Files created in one change, and the folders made for them, so that
    the change can be undone. Never replaces a file (`create=True`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: list[Path] = []
        self.folders: list[Path] = []

    def create(self, path: Path, text: str) -> None:
        """Write a new file; FileExistsUserError when one is there already."""
        missing = [folder for folder in path.parents if not folder.exists() and folder.is_relative_to(self.root)]
        write_atomic(path, text, create=True)
        self.folders.extend(reversed(missing))  # made by this write, outermost first
        self.files.append(path)

    def undo(self) -> None:
        """Remove the files written, then the folders made if empty."""
        for path in self.files:
            if path.is_file():
                path.unlink(missing_ok=True)
        for folder in sorted(self.folders, key=lambda f: len(f.parts), reverse=True):
            with contextlib.suppress(OSError):  # not empty: something else was put there meanwhile
                folder.rmdir()


def create_validated(repo: Repository, files: Sequence[tuple[Path, str]]) -> list[Path]:
    """Create `files` (path, text) as one change that must keep the
    repository valid: WriteFailed when a write fails, WouldBeInvalid when
    the files bring new errors; either way nothing of them is left."""
    before = set(validate_repository(repo).errors)
    written = NewFiles(repo.root)
    try:
        for path, text in files:
            written.create(path, text)
    except (OSError, UserError) as exc:
        written.undo()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise WriteFailed(str(exc), reason, len(written.files)) from None
    except BaseException:
        written.undo()
        raise
    new = [d for d in validate_repository(repo).errors if d not in before]
    if new:
        written.undo()
        raise WouldBeInvalid(new)
    return written.files


def shown_path(path: Path, cwd: Path) -> str:
    """A path as the member typed it: relative to the current folder."""
    return os.path.relpath(path, cwd)
