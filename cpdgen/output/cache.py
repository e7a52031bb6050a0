"""What an incremental build may reuse from the previous one.

Every output file is rendered from inputs that are summed up in a key (a
hash of the data the page shows and of the templates). The cache remembers
each file's key; when a file's key is the same as last time, the previous
file is linked into the new build instead of being rendered again.

The cache file is removed before a build swaps its output in and written
again only after, so a cache never describes output that is not on disk.

The site links its previous files in a forked process (`start_linking`)
while the build plans and keys its pages: linking 13,000 files is a third
of a second of system calls, which need not wait for the keys.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import multiprocessing.process
import os
import shutil
from multiprocessing.connection import Connection
from pathlib import Path

CACHE_VERSION = 1


def key_of(*parts: str | bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        # surrogateescape: a file name that is not UTF-8 is keyed by its bytes
        digest.update(part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def files_digest(folders, pattern: str = "*") -> str:
    """One key for the files matching `pattern` below `folders` (names and
    contents): what an output was rendered with, besides its data."""
    parts: list[str | bytes] = []
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob(pattern) if p.is_file()):
            try:
                content = path.read_bytes()
            except OSError:
                content = b"unreadable"
            parts += [str(folder), path.relative_to(folder).as_posix(), content]
    return key_of(*parts)


class BuildCache:
    """Keys of the files of one output folder (`site` or `private`)."""

    def __init__(self, cache_file: Path, previous_folder: Path) -> None:
        self.file = cache_file
        self.previous_folder = previous_folder
        self.previous: dict[str, str] = self._load()
        self.keys: dict[str, str] = {}
        self.reused = 0
        self._linker: multiprocessing.process.BaseProcess | None = None
        self._report: Connection | None = None

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if (
            not isinstance(data, dict)
            or data.get("version") != CACHE_VERSION
            or not isinstance(data.get("files"), dict)
        ):
            return {}
        return {str(k): str(v) for k, v in data["files"].items()}

    def reuse(self, relative: str, key: str, staging: Path) -> bool:
        """Put last build's `relative` into `staging` if its key is `key`."""
        self.keys[relative] = key
        if self.previous.get(relative) != key:
            return False
        source = self.previous_folder / relative
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            try:
                shutil.copyfile(source, target)
            except OSError:
                return False
        self.reused += 1
        return True

    def start_linking(self, staging: Path) -> None:
        """Begin linking every file of the last build into `staging`, in a
        forked process (a thread would get the interpreter only between
        this one's steps of planning: a link per switch interval), so the
        system calls run beside the planning. `finish_linking` then keeps
        those whose keys are unchanged; `stop_linking` (always, in a
        `finally`) ends the process. Without fork, `finish_linking` links."""
        if not self.previous or "fork" not in multiprocessing.get_all_start_methods():
            return
        receiving, sending = multiprocessing.Pipe(duplex=False)
        self._linker = multiprocessing.get_context("fork").Process(
            target=_link_and_report, args=(self.previous_folder, staging, sorted(self.previous), sending), daemon=True
        )
        self._linker.start()
        sending.close()
        self._report = receiving

    def stop_linking(self) -> None:
        if self._linker is not None:
            self._linker.terminate()
            self._linker.join()
            self._linker = None
        if self._report is not None:
            self._report.close()
            self._report = None

    def finish_linking(self, staging: Path) -> set[str]:
        """Wait for the linking, then remove from `staging` every linked file
        whose key changed or that is no page any more (and the folders that
        leaves empty), before anything is written: a new page is never
        written through a link into last build's file. Returns the files kept."""
        wanted = sorted(self.previous)
        if self._linker is None:
            linked = set(wanted) - set(link_files(self.previous_folder, staging, wanted))
        else:
            assert self._report is not None
            try:
                failed = self._report.recv()
            except (EOFError, OSError):
                failed = None  # the process died: whatever it linked is removed below
            self._linker.join()
            self._linker = None
            linked = set(wanted) - set(failed) if isinstance(failed, list) else set()
            if failed is None:
                for relative in wanted:
                    _remove(staging, relative)
        kept: set[str] = set()
        for relative in linked:
            if self.keys.get(relative) == self.previous.get(relative):
                kept.add(relative)
            else:
                _remove(staging, relative)
        self.reused = len(kept)
        return kept

    def record(self, relative: str, key: str) -> None:
        self.keys[relative] = key

    def forget(self) -> None:
        """Before the swap: the old keys no longer describe what will be on disk."""
        try:
            self.file.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass

    def drop(self, relatives) -> None:
        """Forget the keys of the files `relatives` on disk, now: before
        they are changed outside a build. Raises OSError where the cache
        file cannot be rewritten (then change nothing)."""
        gone = set(relatives)
        if not gone.intersection(self.previous):
            return
        self.previous = {k: v for k, v in self.previous.items() if k not in gone}
        self._write(self.previous)

    def save(self) -> None:
        """After the swap: describe what is now on disk."""
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self._write(self.keys)
        except OSError:
            pass  # a missing cache only costs time

    def _write(self, files: dict[str, str]) -> None:
        temporary = self.file.with_suffix(".tmp")
        temporary.write_text(json.dumps({"version": CACHE_VERSION, "files": files}, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.file)


def link_files(source: Path, target: Path, relatives: list[str]) -> list[str]:
    """Hard-link (else copy) each of `relatives` from `source` into `target`;
    the ones that could not be, which are then rendered again."""
    failed: list[str] = []
    folders: set[Path] = set()
    for relative in relatives:
        made = target / relative
        try:
            if made.parent not in folders:
                made.parent.mkdir(parents=True, exist_ok=True)
                folders.add(made.parent)
            try:
                os.link(source / relative, made)
            except OSError:
                shutil.copyfile(source / relative, made)
        except OSError:
            failed.append(relative)
    return failed


def _link_and_report(source: Path, target: Path, relatives: list[str], report: Connection) -> None:
    """In the forked linking process."""
    report.send(link_files(source, target, relatives))
    report.close()


def _remove(staging: Path, relative: str) -> None:
    """A linked file that is not kept, and each folder that leaves empty."""
    target = staging / relative
    try:
        target.unlink()
    except FileNotFoundError:
        return
    folder = target.parent
    while folder != staging:
        try:
            folder.rmdir()  # only while empty
        except OSError:
            break
        folder = folder.parent
