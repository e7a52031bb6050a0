"""A persistent cache of checked record files, so that a repository of many
thousand records is not parsed and schema-checked again on every command.

What is kept, per record file: the digest of its bytes and everything
`FileChecker.check` made of them (diagnostics, the schema-valid records'
data with defaults filled in, the ids of the others), as plain values, plus
every path check the file's records needed and its answer. A file is taken
from the cache only when its bytes hash the same, it is of the same kind at
the same place, and every path it names still answers the same; otherwise
it is checked again. Cross-record rules always run on the whole repository.

The whole cache is keyed by a digest of everything else a verdict could
depend on (`context_digest`): cpdgen's version and the bytes of its own code,
schemas and policies, the Python and library versions that judge (PyYAML
and libyaml, jsonschema, fastjsonschema), the repository's place, and the
bytes of `cpdgen.yaml` and of the policy files it names. A cache written
under any other context is ignored and replaced, never trusted.

The file is sealed (`common.sealed`: `MAGIC`, a BLAKE2b digest of the body,
then `marshal` of plain values only: no objects are ever rebuilt from it but
through the model's own constructors). A truncated, garbled or otherwise
unexpected cache is ignored as a whole; it can cost time, never a verdict.

Where: `$CPDGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/cpdgen`, else the
platform's cache folder (`~/.cache/cpdgen`, `~/Library/Caches/cpdgen`,
`%LOCALAPPDATA%\\cpdgen\\Cache`). `cpdgen --no-cache` neither reads nor
writes it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import cpdgen
from cpdgen.common.diagnostics import Severity
from cpdgen.common.resources import policies_dir, schemas_dir
from cpdgen.common.sealed import read_sealed, write_sealed
from cpdgen.common.user_cache import cache_dir
from cpdgen.loading.files import Repository, SourceFile
from cpdgen.model.records import BUILDERS

FORMAT = 2
MAGIC = b"cpdgen records cache 1\n"
# The libraries whose behaviour decides a verdict, by import name and distribution.
JUDGES = (
    ("yaml", "pyyaml"),
    ("jsonschema", "jsonschema"),
    ("fastjsonschema", "fastjsonschema"),
    ("regress", "regress"),
)

# One file's entry: (digest, kind, default id, path checks, record count,
#   diagnostics (file, line, column, message, severity),
#   built records (filled data, id, index in a list file or None, is an example),
#   unbuilt ids (kind, id, index or None),
#   the references of unbuilt records (index or None, (path, kinds, id))).
Entry = tuple


def cache_file(repo: Repository) -> Path:
    """The cache of one repository: one file, named by where the repository is."""
    place = os.fsencode(str(repo.records.resolve()))
    return cache_dir() / f"records-{hashlib.blake2b(place, digest_size=12).hexdigest()}.bin"


def file_digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=20).digest()


_CODE_DIGEST: bytes | None = None


def code_digest() -> bytes:
    """A digest of cpdgen's own code, schemas and policies (the bytes, so an
    edited checkout or another build of the same version never matches)."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        digest = hashlib.blake2b(cpdgen.__version__.encode())
        package = Path(cpdgen.__file__).resolve().parent
        for base in dict.fromkeys((package, schemas_dir(), policies_dir())):
            for folder, folders, names in os.walk(base):
                folders[:] = sorted(name for name in folders if name != "__pycache__")
                for name in sorted(names):
                    if name.endswith((".py", ".json", ".yaml", ".yml")):
                        path = os.path.join(folder, name)
                        digest.update(os.fsencode(os.path.relpath(path, base)) + b"\0")
                        with open(path, "rb") as handle:
                            digest.update(handle.read())
                        digest.update(b"\0")
        _CODE_DIGEST = digest.digest()
    return _CODE_DIGEST


def library_versions() -> list[str]:
    """The Python and judging libraries' versions, read from where they are
    installed without importing them (the installed distribution's folder
    name carries its version)."""
    found = [sys.version, sys.implementation.cache_tag or ""]
    for module, distribution in JUDGES:
        spec = importlib.util.find_spec(module)
        origin = spec.origin if spec is not None and spec.origin else ""
        found.append(origin)
        if origin:
            site = os.path.dirname(os.path.dirname(origin))
            try:
                names = os.listdir(site)
            except OSError:
                names = []
            prefix = distribution.lower().replace("-", "_") + "-"
            found.extend(
                sorted(
                    name
                    for name in names
                    if name.lower().startswith(prefix) and name.endswith((".dist-info", ".egg-info"))
                )
            )
    try:
        import yaml

        found.append(f"libyaml {yaml.__with_libyaml__} {getattr(yaml, '__version__', '')}")
        if yaml.__with_libyaml__:
            from yaml import _yaml

            found.append(_yaml.get_version_string())
    except ImportError:  # pragma: no cover - PyYAML is a dependency
        found.append("no yaml")
    return found


def context_digest(repo: Repository, policy_names: Iterable[str]) -> bytes:
    """Everything besides a file's own bytes that a verdict may depend on."""
    digest = hashlib.blake2b()
    parts = [
        f"format {FORMAT}",
        cpdgen.__version__,
        *library_versions(),
        str(repo.root.resolve()),
        str(repo.records.resolve()),
    ]
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(code_digest())
    for path in (repo.config_file, *(repo.root / name for name in policy_names)):
        digest.update(os.fsencode(str(path)) + b"\0")
        try:
            with open(path, "rb") as handle:
                digest.update(b"file\0" + handle.read())
        except OSError:
            digest.update(b"none\0")
    return digest.digest()


class RecordCache:
    """The entries of one repository's cache, as read at the start of a run;
    `save` writes what this run knows when anything changed."""

    def __init__(self, path: Path, context: bytes):
        finish_writing()  # a write still under way in this process is read, not raced
        self.path = path
        self.context = context
        self.entries: dict[str, Entry] = {}
        self.changed = False
        self._load()

    def _load(self) -> None:
        entries = _entries(read_sealed(self.path, MAGIC), self.context)
        if entries is None:
            self.changed = True
            return
        self.entries = entries

    def lookup(self, source: SourceFile, digest: bytes, check: Callable[[str, str], str | None]) -> Entry | None:
        """The entry of `source` if its bytes and every path check still agree."""
        entry = self.entries.get(source.rel)
        if entry is None or entry[0] != digest or entry[1] != source.kind.name or entry[2] != source.default_id:
            return None
        for name, value, message in entry[3]:
            if check(name, value) != message:
                return None
        return entry

    def store(self, rel: str, entry: Entry) -> None:
        if self.entries.get(rel) != entry:
            self.entries[rel] = entry
            self.changed = True

    def keep_only(self, rels: set[str]) -> None:
        """Forget files that are gone."""
        gone = [rel for rel in self.entries if rel not in rels]
        for rel in gone:
            del self.entries[rel]
        self.changed = self.changed or bool(gone)

    def save(self, *, behind: bool = False) -> None:
        """Write the cache (`common.sealed`: atomic, checksummed) if anything
        changed; a cache that cannot be written is no error. behind=True:
        in a thread, while the run goes on (the entries must not change
        after); `finish_writing` waits for it."""
        global _writing
        if not self.changed:
            return
        self.changed = False
        value = (FORMAT, self.context, self.entries)
        if not behind:
            write_sealed(self.path, MAGIC, value)
            return
        finish_writing()
        _writing = threading.Thread(target=write_sealed, args=(self.path, MAGIC, value), name="cpdgen-cache")
        _writing.start()


# The record cache being written behind a run (`RecordCache.save`), if any.
_writing: threading.Thread | None = None


def finish_writing() -> None:
    """Wait for a record cache written behind the run (before a command
    returns, and before the cache is read again)."""
    global _writing
    if _writing is not None:
        _writing.join()
        _writing = None


def _entries(loaded: Any, context: bytes) -> dict[str, Entry] | None:
    """The entries of a cache file's sealed value, or None if it is not one
    written under this very context (or is of an unexpected shape)."""
    if not (isinstance(loaded, tuple) and len(loaded) == 3 and loaded[0] == FORMAT and loaded[1] == context):
        return None
    entries = loaded[2]
    if not isinstance(entries, dict):
        return None
    for rel, entry in entries.items():
        if not (isinstance(rel, str) and _is_entry(entry)):
            return None
    return entries


def _is_entry(entry: Any) -> bool:
    """The shape `encode` writes, down to the types of the values the
    decoder relies on (the records' data is checked by their builders)."""
    if not (isinstance(entry, tuple) and len(entry) == 9):
        return False
    digest, kind, default_id, checks, count, diagnostics, built, unbuilt, references = entry
    return (
        isinstance(digest, bytes)
        and isinstance(kind, str)
        and kind in BUILDERS
        and isinstance(default_id, str)
        and isinstance(count, int)
        and _all(checks, lambda c: len(c) == 3 and _strs(c[:2]) and (c[2] is None or isinstance(c[2], str)))
        and _all(
            diagnostics,
            lambda d: (
                len(d) == 5
                and isinstance(d[0], str)
                and isinstance(d[1], int)
                and isinstance(d[2], int)
                and isinstance(d[3], str)
                and d[4] in _SEVERITIES
            ),
        )
        and _all(
            built,
            lambda b: len(b) == 4 and isinstance(b[0], dict) and _index(b[2]) and isinstance(b[3], bool),
        )
        and _all(unbuilt, lambda u: len(u) == 3 and _strs(u[:2]) and u[0] in BUILDERS and _index(u[2]))
        and _all(references, _is_reference)
    )


def _is_reference(item: tuple) -> bool:
    """(index, (path, kinds, id)): what an unbuilt record names, and where."""
    if not (len(item) == 2 and _index(item[0]) and isinstance(item[1], tuple) and len(item[1]) == 3):
        return False
    path, kinds, target = item[1]
    return (
        isinstance(path, tuple)
        and all(isinstance(part, str | int) for part in path)
        and isinstance(kinds, tuple)
        and _strs(kinds)
        and isinstance(target, str)
    )


_SEVERITIES = {severity.value for severity in Severity}


def _all(items: Any, test: Callable[[tuple], bool]) -> bool:
    return isinstance(items, tuple) and all(isinstance(item, tuple) and test(item) for item in items)


def _strs(values: tuple) -> bool:
    return all(isinstance(value, str) for value in values)


def _index(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))
