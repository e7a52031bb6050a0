"""Writing files so that nothing is ever half-written or lost.

Every command that writes inside the records repository (`init`, `new`,
`import`, `declaration acknowledge|submit|start`) writes through here: the new
text goes to a temporary file in the same folder, is flushed to disk, and
then replaces the target in one `os.replace`, so a crash leaves the old file
or the new one, never a mixture. `create=True` refuses to replace a file
that exists (the check and the link are one atomic step).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cpdgen.common.errors import UserError


class FileExistsUserError(UserError):
    """The file to be created is already there; nothing was written."""


def write_atomic(path: Path, text: str | bytes, *, create: bool = False) -> None:
    """Write `text` (UTF-8, newlines as given; or bytes as they are) to
    `path` atomically.

    create=True: fail with `FileExistsUserError` when `path` exists.
    Otherwise the file is replaced, keeping its permission bits; a symbolic
    link is followed (its target is replaced, the link stays), and a file
    without write permission is refused, not overwritten. Any failure is a
    `UserError` naming the file, with nothing written.
    """
    path = Path(path)
    staged = _Staged.write(path, text, create)
    try:
        staged.commit()
    except OSError as exc:
        raise UserError(f"cannot write {path}: {reason(exc, path)}; nothing was changed") from None
    finally:
        staged.discard()
    fsync_folder(staged.path.parent)


def write_all_atomic(files: Sequence[tuple[Path, str | bytes]]) -> None:
    """Write several files as one change, all or nothing: every new text is
    written to a temporary file beside its target first, and only once all
    are written are they renamed into place; if a rename fails, the files
    already replaced are put back as they were. Files are replaced as
    `write_atomic` replaces one (permissions kept, links followed, read-only
    files refused). Any failure is a `UserError` naming the file, with
    nothing changed."""
    staged: list[_Staged] = []
    try:
        for path, text in files:
            staged.append(_Staged.write(Path(path), text, create=False))
        _commit_all(staged)
    finally:
        for one in staged:
            one.discard()
    for folder in dict.fromkeys(one.path.parent for one in staged):
        fsync_folder(folder)


def _commit_all(staged: list[_Staged]) -> None:
    backups: list[tuple[_Staged, str | None]] = []
    done: list[tuple[_Staged, str | None]] = []
    current = staged[0] if staged else None
    try:
        for one in staged:
            current = one
            backups.append((one, one.backup()))
        for one, backup in backups:
            current = one
            one.commit()
            done.append((one, backup))
    except OSError as exc:
        for one, backup in reversed(done):  # put back what was replaced already
            with contextlib.suppress(OSError):
                if backup is None:
                    os.unlink(one.path)
                else:
                    os.replace(backup, one.path)
        assert current is not None
        raise UserError(f"cannot write {current.path}: {reason(exc, current.path)}; nothing was changed") from None
    finally:
        for _, backup in backups:
            if backup is not None and os.path.exists(backup):
                os.unlink(backup)


class _Staged:
    """A file's new bytes written beside it, not yet in its place."""

    def __init__(self, path: Path, temporary: str, create: bool) -> None:
        self.path, self.temporary, self.create = path, temporary, create

    @classmethod
    def write(cls, path: Path, text: str | bytes, create: bool) -> _Staged:
        try:
            return cls._write(path, text, create)
        except UserError:
            raise
        except OSError as exc:
            raise UserError(f"cannot write {path}: {reason(exc, path)}; nothing was changed") from None

    @classmethod
    def _write(cls, path: Path, text: str | bytes, create: bool) -> _Staged:
        if not create and path.is_symlink():
            path = path.resolve()  # the member's file is the link's target
        if path.exists() and not path.is_file():
            # a folder, a device (/dev/null), a pipe: renaming over it would replace it
            raise UserError(f"{path} is not a regular file; cpdgen writes only files")
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = None
        if not create:
            with contextlib.suppress(FileNotFoundError):
                mode = path.stat().st_mode & 0o7777
            if mode is not None and not mode & 0o222:
                raise UserError(
                    f"{path} is read-only; cpdgen leaves it as it is (make it writable to let cpdgen change it)"
                )
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            data = text if isinstance(text, bytes) else text.encode("utf-8")  # newlines as given
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, mode if mode is not None else 0o666 & ~current_umask())
        except BaseException:
            os.unlink(temporary)
            raise
        return cls(path, temporary, create)

    def backup(self) -> str | None:
        """A second name for the file this one replaces (None: there is none), to put it back."""
        if not self.path.exists():
            return None
        backup = f"{self.temporary}.old"
        try:
            os.link(self.path, backup)
        except OSError:  # file systems without hard links
            shutil.copy2(self.path, backup)
        return backup

    def commit(self) -> None:
        path, temporary = self.path, self.temporary
        if self.create:
            try:
                os.link(temporary, path)  # fails if path exists: no race with another writer
            except FileExistsError:
                raise FileExistsUserError(f"{path} exists already; cpdgen never overwrites a file") from None
            except OSError:  # file systems without hard links
                if path.exists():
                    raise FileExistsUserError(f"{path} exists already; cpdgen never overwrites a file") from None
                os.replace(temporary, path)
        else:
            os.replace(temporary, path)

    def discard(self) -> None:
        if os.path.exists(self.temporary):
            os.unlink(self.temporary)


def reason(exc: OSError, path: Path) -> str:
    """Why `path` could not be written, in words: the folder in the way
    named where a file stands where a folder should be."""
    existing = next((folder for folder in Path(path).parents if folder.exists()), None)
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and existing is not None and not existing.is_dir():
        return f"{existing} is not a folder"
    if exc.errno == errno.ENOENT and existing is not None and existing.is_dir():
        return f"{existing} takes no new files"  # /proc, /sys
    return exc.strerror or str(exc)


def current_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders can't be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
