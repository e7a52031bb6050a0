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
import os
import tempfile
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
    try:
        _write(path, text, create)
    except UserError:
        raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UserError(f"cannot write {path}: {reason}; nothing was changed") from None


def _write(path: Path, text: str | bytes, create: bool) -> None:
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
        if create:
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
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    fsync_folder(path.parent)


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
