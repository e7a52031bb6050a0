"""Writing files so that nothing is ever half-written or lost.

Every command that writes inside the records repository (`init`, `new`,
`import`, `declaration acknowledge|submit|start`) writes through here: the new
text goes to a temporary file in the same folder, is flushed to disk, and
then replaces the target in one `os.replace`, so a crash leaves the old file
or the new one, never a mixture. `create=True` refuses to replace a file
that exists (the check and the link are one atomic step).
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from cpdgen.errors import UserError


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
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = None
    if not create:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            pass
        if mode is not None and not mode & 0o222:
            raise UserError(f"{path} is read-only; cpdgen leaves it as it is (make it writable to let cpdgen change it)")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        binary = isinstance(text, bytes)
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode if mode is not None else 0o666 & ~_umask())
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
    _fsync_folder(path.parent)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _fsync_folder(folder: Path) -> None:
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


class FolderSwap:
    """Build a folder elsewhere, then put it in place in one step.

        with FolderSwap(output / "site") as staging:
            ... write everything into `staging` ...

    On success the old folder is renamed away and the staging folder renamed
    into its place (two renames in the same parent: the previous folder is
    whole until the moment it is replaced), then the old one is deleted. On
    any failure or interrupt the staging folder is removed and the previous
    folder is left exactly as it was.
    """

    def __init__(self, target: Path, *, enabled: bool = True, private: bool = False) -> None:
        self.target = Path(target)
        self.enabled = enabled  # False: a no-op, the folder is left as it is
        # mkdtemp makes 0700 folders: right for private output, but a site
        # must be readable by whatever serves it, as any folder the user makes.
        self.mode = 0o700 if private else 0o777 & ~_umask()
        self.staging: Path | None = None

    def __enter__(self) -> Path | None:
        if not self.enabled:
            return None
        parent = self.target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self._remove_leftovers()
            self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.building-", dir=parent))
            os.chmod(self.staging, self.mode)
        except OSError as exc:
            raise UserError(f"cannot write in {parent}: {exc.strerror or exc}; nothing was changed") from None
        return self.staging

    def _remove_leftovers(self) -> None:
        """Staging and old folders of builds that were killed (SIGKILL, power
        loss) before they could tidy up. Callers hold `exclusive_lock` on the
        parent, so no live build owns them."""
        import shutil

        for pattern in (f".{self.target.name}.building-*", f".{self.target.name}.old-*"):
            for leftover in self.target.parent.glob(pattern):
                if leftover.is_dir() and not leftover.is_symlink():
                    shutil.rmtree(leftover, ignore_errors=True)

    def __exit__(self, exc_type, exc, tb) -> None:
        import shutil

        if not self.enabled:
            return
        assert self.staging is not None
        if exc_type is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            return
        old = None
        try:
            if self.target.is_symlink() or self.target.is_file():
                raise UserError(f"{self.target} is not a folder cpdgen made; move it away and build again")
            if self.target.exists():
                old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
                shutil.rmtree(old, ignore_errors=True)
                os.replace(self.target, old)
            os.replace(self.staging, self.target)
        except OSError as exc:
            if old is not None and not self.target.exists():
                os.replace(old, self.target)  # put the previous folder back
            shutil.rmtree(self.staging, ignore_errors=True)
            raise UserError(f"cannot replace {self.target}: {exc.strerror or exc}; the previous one is unchanged") from None
        except UserError:
            shutil.rmtree(self.staging, ignore_errors=True)
            raise
        _fsync_folder(self.target.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def exclusive_lock(folder: Path, name: str = ".lock"):
    """Hold an exclusive lock on `folder` (a lock file in it): a second
    build or `serve` rebuild of the same output waits for the first."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stream = open(folder / name, "a+b")
    except OSError as exc:
        raise UserError(f"cannot write in {folder}: {exc.strerror or exc}; nothing was changed") from None
    try:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, builds are not run concurrently there
            fcntl = None
        if fcntl is not None:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        stream.close()  # closing releases the lock
