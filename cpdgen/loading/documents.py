"""Reading the facts of supporting documents for the checklist (the I/O half
of `cpdgen.compute.documents`)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from cpdgen.loading.paths import check_repo_path
from cpdgen.model.documents import GENERATE, HEAD_BYTES, DocumentFacts


def inspect_documents(root: Path, paths: Iterable[str]) -> dict[str, DocumentFacts]:
    return {path: inspect_document(root, path) for path in paths if path and path != GENERATE}


def inspect_document(root: Path, path: str) -> DocumentFacts:
    try:
        check_repo_path(root, path)  # inside the repository, an existing regular file
    except ValueError as exc:
        return DocumentFacts(path, problem=str(exc))
    target = root / path
    try:
        size = target.stat().st_size
        with target.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
    except OSError as exc:
        return DocumentFacts(path, problem=f"cannot be read: {exc.strerror or exc}")
    return DocumentFacts(path, size=size, head=head, is_word_zip=_is_word_zip(target, head))


def _is_word_zip(target: Path, head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(target) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
