"""Finding the records repository and its record files, and reading them safely."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cpdgen.common.diagnostics import Diagnostic, error, one_line, warning
from cpdgen.common.errors import UsageError
from cpdgen.common.wording import did_you_mean
from cpdgen.model.kinds import BY_FOLDER, KINDS, PROFILE, YAML_SUFFIXES, Kind

CONFIG_NAME = "cpdgen.yaml"
RECORDS_NAME = "records"
PROFILE_FILES = ("profile.yaml", "profile.yml")
MAX_FILE_BYTES = 1_000_000  # 1 MB: records are small text; anything bigger is a mistake


@dataclass(frozen=True)
class Repository:
    root: Path  # the repository root; record paths are relative to it
    records: Path  # the records folder
    use_cache: bool = True  # whether validation may use the persistent cache (`cpdgen --no-cache`)

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    def relative(self, path: Path) -> str:
        """`path` as the user sees it: relative to the root, forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def find_repository(start: Path, records: Path | None = None) -> Repository:
    """The repository that holds `start`: the nearest folder upward with a
    `cpdgen.yaml` or a `records/`. `records` names the records folder directly
    (its parent is then the root)."""
    if records is not None:
        records = records.resolve()
        if not records.is_dir():
            raise UsageError(f"--records {records}: no such folder")
        if (records / RECORDS_NAME).is_dir() and not _holds_records(records):
            raise UsageError(
                f"--records {records} looks like a repository root; "
                f"name its records folder: --records {records / RECORDS_NAME}"
            )
        return Repository(records.parent, records)
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / RECORDS_NAME).is_dir():
            return Repository(folder, folder / RECORDS_NAME)
    raise UsageError(
        f"no records repository here: no {CONFIG_NAME} or {RECORDS_NAME}/ in {start} or any folder above it. "
        "Run 'cpdgen init' to create one, or pass --records DIR."
    )


def _holds_records(folder: Path) -> bool:
    return any((folder / name).exists() for name in (*PROFILE_FILES, *(k.folder for k in KINDS)))


@dataclass(frozen=True)
class SourceFile:
    """A record file found on disk and the kind its folder gives it."""

    location: str  # its path, as the folder listing gives it (a Path for each of 10,000 files costs 20 ms)
    rel: str  # repo-relative, POSIX
    kind: Kind
    default_id: str  # the path below the kind folder, without the suffix
    link: bool = False  # a symbolic link (to a file inside the repository)

    @property
    def path(self) -> Path:
        return Path(self.location)


# How deep folders below records/ may nest: far more than any records need,
# and well within Python's recursion limit (discovery recurses per folder).
MAX_FOLDER_DEPTH = 64


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def discover(repo: Repository) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every record file below `repo.records`, in a stable order, and warnings
    for files that are there but will be ignored (a typo'd folder name must not
    hide records silently)."""
    sources: list[SourceFile] = []
    notes: list[Diagnostic] = []
    if repo.records.is_dir():
        records_rel = repo.relative(repo.records)
        _walk(str(repo.records), records_rel, (), repo.root.resolve(), sources, notes)
    return sources, notes


def _walk(
    folder: str,
    folder_rel: str,
    parts: tuple[str, ...],
    root: Path,
    sources: list[SourceFile],
    notes: list[Diagnostic],
) -> None:
    # os.scandir rather than pathlib: directory entries carry their type, and
    # string paths keep discovery cheap for repositories of many thousand files.
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        notes.append(error(folder_rel, 1, 1, f"cannot read the folder: {exc.strerror}"))
        return
    for entry in entries:
        name = entry.name
        rel = f"{folder_rel}/{name}"
        if name.startswith("."):
            continue
        if not _is_utf8(name):
            # os gives such a name with its bytes as lone surrogates, which no
            # id, page name, digest or terminal can hold: refused here, once.
            notes.append(
                error(
                    one_line(rel),
                    1,
                    1,
                    f"the {'folder' if entry.is_dir(follow_symlinks=False) else 'file'} name '{one_line(name)}' is "
                    "not UTF-8 text (it was written in another encoding): rename it; not read",
                )
            )
            continue
        if entry.is_dir(follow_symlinks=False):
            if len(parts) >= MAX_FOLDER_DEPTH:
                notes.append(
                    error(rel, 1, 1, f"folders nested more than {MAX_FOLDER_DEPTH} deep below records/; not read")
                )
                continue
            _walk(entry.path, rel, (*parts, name), root, sources, notes)
            continue
        if entry.is_symlink():
            try:
                target = Path(entry.path).resolve(strict=True)
            except (OSError, RuntimeError):  # dangling, or a loop of links
                notes.append(
                    error(rel, 1, 1, "a symbolic link that leads nowhere (a missing file or a loop); not read")
                )
                continue
            if target.is_dir():
                notes.append(warning(rel, 1, 1, "ignored: a symbolic link to a folder is not followed"))
                continue
            if not target.is_relative_to(root):
                notes.append(error(rel, 1, 1, "a symbolic link that leads outside the repository; not read"))
                continue
        if not entry.is_file():  # a FIFO or device would block or never end
            notes.append(warning(rel, 1, 1, "ignored: not a regular file"))
            continue
        if not name.endswith(YAML_SUFFIXES):
            if name.lower() != "readme.md":
                notes.append(warning(rel, 1, 1, "ignored: not a .yaml file"))
            continue
        top = parts[0] if parts else name
        kind = PROFILE if top in PROFILE_FILES else BY_FOLDER.get(top)
        if kind is None or kind.single != (not parts):
            folders = [k.folder for k in KINDS if not k.single]
            hint = did_you_mean(top, folders) if parts else ""
            listed = ", ".join(f"{name}/" for name in folders)
            notes.append(
                warning(rel, 1, 1, f"ignored: records belong in {PROFILE.folder} or one of the folders {listed}{hint}")
            )
            continue
        below = "/".join((*parts[1:], name)) if parts else name
        sources.append(SourceFile(entry.path, rel, kind, below.rsplit(".", 1)[0], link=entry.is_symlink()))


class SourceError(Exception):
    """A file that cannot be read as YAML text at all."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


@dataclass(frozen=True)
class TextKind:
    """A kind of text file cpdgen reads, with its size limit and the words
    that tell a member how to save it right when it is not that."""

    max_bytes: int
    cannot_read: str  # {reason}
    too_large: str  # {size}, {limit}
    utf16: str
    binary: str
    not_utf8: str  # {byte}, {line}
    signatures: tuple[tuple[bytes, str], ...] = ()  # other formats it may really be, and what to say


RECORD_TEXT = TextKind(
    max_bytes=MAX_FILE_BYTES,
    cannot_read="cannot read the file: {reason}",
    too_large="file is too large ({size:,} bytes; the limit is {limit:,}): records are short text",
    utf16="this file is UTF-16 text; save it as UTF-8",
    binary="this is a binary file, not YAML text",
    not_utf8="not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8",
)


def read_text(path: Path, kind: TextKind = RECORD_TEXT) -> str:
    """The text of a file, refusing what cannot be one of `kind`: too large,
    binary, or not UTF-8 (a byte-order mark is dropped). Reads at most one
    byte more than the limit. Raises SourceError at the place at fault."""
    return decode_text(read_bytes(path, kind), path, kind)


def read_bytes(path: Path | str, kind: TextKind = RECORD_TEXT) -> bytes:
    """A file's bytes, at most one more than `kind` allows (`decode_text`
    then refuses it as too large). Raises SourceError if it cannot be read."""
    try:
        with open(path, "rb") as handle:
            # Sized from the file's length: a read of the limit allocates the
            # limit (1 MB) for every small file, which took two thirds of the
            # reading time. A file that grew since is read on, to the limit.
            want = min(os.fstat(handle.fileno()).st_size, kind.max_bytes) + 1
            raw = handle.read(want)
            if len(raw) == want and want <= kind.max_bytes:
                raw += handle.read(kind.max_bytes + 1 - want)
            return raw
    except OSError as exc:
        raise SourceError(1, 1, kind.cannot_read.format(reason=exc.strerror or exc)) from None


def decode_text(raw: bytes, path: Path | str, kind: TextKind = RECORD_TEXT) -> str:
    """`raw`, read from `path` by `read_bytes`, as text; see `read_text`."""
    if len(raw) > kind.max_bytes:
        size = os.path.getsize(path)
        raise SourceError(1, 1, kind.too_large.format(size=size, limit=kind.max_bytes))
    for signature, message in kind.signatures:
        if raw.startswith(signature):
            raise SourceError(1, 1, message)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(1, 1, kind.utf16)
    if b"\x00" in raw:
        line, column = _position(raw, raw.index(b"\x00"))
        raise SourceError(line, column, kind.binary)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        raise SourceError(line, column, kind.not_utf8.format(byte=raw[exc.start], line=line)) from None


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, like libyaml's marks) of a byte."""
    before = raw[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column
