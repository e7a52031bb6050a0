"""Supporting documents (checklist item 8) as the model knows them: the
keyword that asks cpdgen to make one, and the facts the loader reads of a file."""

from __future__ import annotations

from dataclasses import dataclass

GENERATE = "generate"  # in a declaration: the member asks cpdgen to make this document
HEAD_BYTES = 16  # how much of a file the loader reads: enough for every format's signature


@dataclass(frozen=True)
class DocumentFacts:
    """What the loader found at a supporting document's path."""

    path: str
    problem: str | None = None  # the path is unusable (missing, outside the repository, a folder...)
    size: int = 0
    head: bytes = b""  # the first HEAD_BYTES bytes
    is_word_zip: bool = False  # a zip with word/document.xml in it
