"""What an incremental build may reuse from the previous one.

Every output file is rendered from inputs that are summed up in a key (a
hash of the data the page shows and of the templates). The cache remembers
each file's key; when a file's key is the same as last time, the previous
file is linked into the new build instead of being rendered again.

The cache file is removed before a build swaps its output in and written
again only after, so a cache never describes output that is not on disk.

The site links its previous files in a thread (`start_linking`) while the
build validates its plan and keys the pages: linking 13,000 files is a
third of a second of system calls, which need not wait for the keys.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
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
        self._linker: threading.Thread | None = None
        self._linked: set[str] = set()
        self._stop = threading.Event()

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
        thread (the system calls release the interpreter). `finish_linking`
        then keeps those whose keys are unchanged; `stop_linking` (always,
        in a `finally`) waits for the thread."""
        self._stop.clear()
        self._linker = threading.Thread(target=self._link_all, args=(staging,), name="cpdgen-link", daemon=True)
        self._linker.start()

    def _link_all(self, staging: Path) -> None:
        folders: set[Path] = set()
        for relative in sorted(self.previous):
            if self._stop.is_set():
                return
            source = self.previous_folder / relative
            target = staging / relative
            try:
                if target.parent not in folders:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(target.parent)
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
            except OSError:
                continue  # not reused: it is rendered again
            self._linked.add(relative)

    def stop_linking(self) -> None:
        if self._linker is not None:
            self._stop.set()
            self._linker.join()
            self._linker = None

    def finish_linking(self, staging: Path) -> set[str]:
        """Wait for the linking thread, then remove from `staging` every linked
        file whose key changed or that is no page any more (and the folders
        that leaves empty), before anything is written: a new page is never
        written through a link into last build's file. Returns the files kept."""
        if self._linker is not None:
            self._linker.join()
            self._linker = None
        kept: set[str] = set()
        for relative in self._linked:
            if self.keys.get(relative) == self.previous.get(relative):
                kept.add(relative)
                continue
            target = staging / relative
            target.unlink()
            folder = target.parent
            while folder != staging:
                try:
                    folder.rmdir()  # only while empty
                except OSError:
                    break
                folder = folder.parent
        self._linked = set()
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

    def save(self) -> None:
        """After the swap: describe what is now on disk."""
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.file.with_suffix(".tmp")
            temporary.write_text(
                json.dumps({"version": CACHE_VERSION, "files": self.keys}, sort_keys=True), encoding="utf-8"
            )
            os.replace(temporary, self.file)
        except OSError:
            pass  # a missing cache only costs time
