"""Reading the evidence files records name (`evidence`, a course's
`certificate`), for the PDFs that carry them: their bytes, size and SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cpdgen.loading.paths import check_repo_path

# Read no more than this of one file: anything larger is listed, never carried.
MAX_READ = 20_000_000


@dataclass(frozen=True)
class EvidenceFile:
    path: str  # repository-relative, as the record names it
    size: int = 0
    sha256: str = ""
    data: bytes | None = None  # None when the file is too large to carry (or unreadable)
    problem: str | None = None  # why it could not be read


def read_evidence(root: Path, path: str, limit: int = MAX_READ) -> EvidenceFile:
    """An evidence file's facts; its bytes when it is at most `limit` bytes."""
    try:
        check_repo_path(root, path)
    except ValueError as exc:
        return EvidenceFile(path, problem=str(exc))
    target = root / path
    try:
        size = target.stat().st_size
        digest = hashlib.sha256()
        kept = bytearray()
        with target.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 16), b""):
                digest.update(chunk)
                if size <= limit:
                    kept.extend(chunk)
    except OSError as exc:
        return EvidenceFile(path, problem=f"cannot be read: {exc.strerror or exc}")
    return EvidenceFile(path, size, digest.hexdigest(), bytes(kept) if size <= limit else None)
