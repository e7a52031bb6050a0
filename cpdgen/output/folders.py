"""Output folders that change whole or not at all.

`cpdgen build` writes into staging folders beside its targets and swaps them
in together at the end (`FolderSwap`); only folders cpdgen made (they hold
`MARKER`) are ever replaced; `exclusive_lock` serialises builds of one output.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cpdgen.common.atomic import current_umask, fsync_folder, reason
from cpdgen.common.errors import UserError

MARKER = ".cpdgen"  # in every folder a FolderSwap made: only such folders are ever replaced
MARKER_TEXT = "This folder is made by cpdgen and replaced whole by its next build:\nkeep no files of your own in it.\n"


class FolderSwap:
    """Build folders elsewhere, then put them all in place at once.

        with FolderSwap([output / "site", output / "private"]) as (site, private):
            ... write everything into the staging folders ...

    Each staging folder sits beside its target. On success every existing
    target is renamed away and its staging folder renamed into its place; if
    any rename fails, all are put back, so the targets change together or not
    at all. On any failure or interrupt before that, the staging folders are
    removed and the targets are left exactly as they were.

    A target is replaced only if cpdgen made it (it holds `MARKER`) or it is
    empty: a folder of the user's that happens to have the name is never
    deleted. `private` targets are made 0700.
    """

    def __init__(self, targets: list[Path], *, private: frozenset[Path] | set[Path] = frozenset()) -> None:
        self.targets = [Path(target) for target in targets]
        self.private = {Path(target) for target in private}
        self.stagings: list[Path] = []

    def __enter__(self) -> list[Path]:
        for target in self.targets:
            _check_replaceable(target)
        try:
            for target in self.targets:
                target.parent.mkdir(parents=True, exist_ok=True)
                staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
                self.stagings.append(staging)
                # mkdtemp makes 0700 folders: right for private output, but a site
                # must be readable by whatever serves it, as any folder the user makes.
                os.chmod(staging, 0o700 if target in self.private else 0o777 & ~current_umask())
                (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        except OSError as exc:
            self._discard()
            raise UserError(f"cannot write in {target.parent}: {reason(exc, target)}; nothing was changed") from None
        return list(self.stagings)

    def _discard(self) -> None:
        for staging in self.stagings:
            shutil.rmtree(staging, ignore_errors=True)

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            if not issubclass(exc_type, BuildStopped):
                self._discard()
            return
        swapped: list[tuple[Path, Path | None, Path]] = []  # (target, its previous folder, the new one's staging)
        try:
            for target in self.targets:
                _check_replaceable(target)  # again: it may have changed during the build
            for target, staging in zip(self.targets, self.stagings):
                old = target.with_name(f".{target.name}.old-{os.getpid()}") if target.exists() else None
                if old is not None:
                    os.replace(target, old)
                swapped.append((target, old, staging))
                os.replace(staging, target)
        except (OSError, UserError) as exc:
            for target, old, staging in reversed(swapped):  # put every previous folder back
                if not staging.exists() and target.exists():
                    os.replace(target, staging)  # the new one, out of the way again
                if old is not None:
                    os.replace(old, target)
            self._discard()
            if isinstance(exc, UserError):
                raise
            raise UserError(
                f"cannot replace {exc.filename or self.targets[0].parent}: {exc.strerror or exc}; "
                "the previous output is unchanged"
            ) from None
        for target, old, _ in swapped:
            fsync_folder(target.parent)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            # Leftovers of killed or stopped builds go after the swap, not before: a build stopped
            # for a waiting save (BuildStopped) should not make the next one wait for them too.
            remove_leftovers(target)


def marked_folder(folder: Path, *, private: bool = False) -> None:
    """Make `folder` as a build would (with its marker) if it does not exist
    or is empty, so that a file written into it alone (`cpdgen declaration pdf`) leaves a
    folder the next build may replace."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        return  # a folder with files in it is left as it is: the build will say if it is not cpdgen's
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o777)
        if private:
            os.chmod(folder, 0o700)
        (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot make {folder}: {reason(exc, folder / MARKER)}; nothing was written") from None


def _check_replaceable(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise UserError(f"{target} is not a folder cpdgen made; move it away and build again")
    if target.is_dir() and not (target / MARKER).is_file() and any(target.iterdir()):
        raise UserError(
            f"{target} holds files cpdgen did not make (it has no {MARKER} file); "
            "cpdgen replaces this folder whole, so move it away or choose another --out"
        )


def remove_leftovers(target: Path) -> None:
    """Staging and old folders of builds that were killed (SIGKILL, power
    loss) before they could tidy up. Callers hold `exclusive_lock`, so no
    live build owns them."""
    for pattern in (f".{target.name}.building-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


class BuildStopped(Exception):
    """What a build's checkpoint raises to stop it (the preview server, when
    a save comes). Its staging folders are left for the next build to remove
    (`remove_leftovers`): removing 13,000 linked pages took a stopped build
    a quarter of a second, while the save waited."""


@contextmanager
def exclusive_lock(folder: Path, name: str = ".lock") -> Iterator[None]:
    """Hold an exclusive lock on `folder` (a lock file in it): a second
    build or `serve` rebuild of the same output waits for the first."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock_file = folder / name
        lock_file.touch()
    except OSError as exc:
        raise UserError(f"cannot write in {folder}: {reason(exc, folder / name)}; nothing was changed") from None
    with open(lock_file, "a+b") as stream:  # closing it releases the lock
        if sys.platform != "win32":  # no flock there: builds are not run concurrently on Windows
            import fcntl

            fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
        yield
