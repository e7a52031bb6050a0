"""Cache files that are trusted whole or not at all.

A sealed file is a magic line, a BLAKE2b digest of the body, then the body:
`marshal` of plain values (never objects: marshal cannot make any, so a
foreign file can make nothing but data the caller still checks). A file
that is missing, truncated, of another format or altered in any byte reads
as None, and the caller starts afresh: a damaged cache costs time, never a
result. Writing is atomic (a temporary file, then one rename), and a cache
that cannot be written is no error.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

_DIGEST = 32


def read_sealed(path: Path, magic: bytes) -> Any | None:
    """The value sealed in `path` under `magic`, or None."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    return unseal(raw, magic)


def unseal(raw: bytes, magic: bytes) -> Any | None:
    head = len(magic) + _DIGEST
    if len(raw) < head or not raw.startswith(magic):
        return None
    body = raw[head:]
    if hashlib.blake2b(body, digest_size=_DIGEST).digest() != raw[len(magic) : head]:
        return None
    try:
        return marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None


def write_sealed(path: Path, magic: bytes, value: Any) -> bool:
    """Seal `value` into `path`; False (and nothing changed) if it cannot be written."""
    try:
        body = marshal.dumps(value)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(magic + hashlib.blake2b(body, digest_size=_DIGEST).digest() + body)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except (OSError, ValueError):
        return False
    return True
