"""Supporting documents (checklist item 8): is each file what the body takes?

The shell (`cpdgen.loading.documents`) reads the facts of each file; the
judgement here is pure."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from cpdgen.model.documents import DocumentFacts
from cpdgen.model.policy import DocumentRules, Policy

# The PDFs cpdgen makes (docs/declaration.md, "The PDFs"), below output/: the declaration itself and,
# by supporting-document type, the ones a `generate` entry stands for. The one
# place their names are written.
DECLARATION_PDF = "declaration"
GENERATED_FILES = {
    DECLARATION_PDF: "private/cpd-declaration-{year}.pdf",
    "planning_report": "private/cpd-planning-report-{year}.pdf",
    "activity_report": "private/cpd-activity-report-{year}.pdf",
    "cv": "private/cv.pdf",
}


def generated_type(name: str) -> str | None:
    """The document type of a file name cpdgen generates, or None."""
    for document_type, pattern in GENERATED_FILES.items():
        file_pattern = re.escape(pattern.rpartition("/")[2]).replace(re.escape("{year}"), r"\d{4}")
        if re.fullmatch(file_pattern, name):
            return document_type
    return None


def generated_file(document_type: str, year: int) -> str:
    """Where cpdgen puts the PDF of `document_type` (DECLARATION_PDF, or a
    supporting-document type) for `year`, relative to output/."""
    return GENERATED_FILES[document_type].format(year=year)


# How each format's contents begin.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "jpeg": (b"\xff\xd8\xff",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),  # OLE2 compound file
    "docx": (b"PK\x03\x04",),  # a zip; `is_word_zip` says whether it holds a Word document
}
FORMAT_NAMES = {"pdf": "PDF", "png": "PNG", "gif": "GIF", "jpeg": "JPEG", "doc": "Word (.doc)", "docx": "Word (.docx)"}


def sniff(facts: DocumentFacts) -> str | None:
    """The format the contents really are, or None."""
    for name, signatures in _SIGNATURES.items():
        if facts.head.startswith(signatures):
            if name == "docx" and not facts.is_word_zip:
                return None
            return name
    return None


def fits(size: int, rules: DocumentRules) -> bool:
    """Small enough for the body's upload form."""
    return size < rules.max_bytes


def too_big_to_upload(document: str, size: int, policy: Policy) -> str | None:
    """The body's upload form takes documents under its size limit."""
    if document not in {kind.key for kind in policy.documents.types} or fits(size, policy.documents):
        return None
    return f"is {size:,} bytes: {policy.named}'s upload form takes documents under {policy.documents.max_bytes:,} bytes"


def document_problems(field: str, facts: DocumentFacts, rules: DocumentRules, body: str) -> list[str]:
    """Why the document at `field` would not be accepted; empty when it would. `body` names the
    body in a sentence (`Policy.named`: "the IET")."""
    where = f"supporting_documents.{field}: '{facts.path}'"
    if facts.problem:
        return [f"{where}: {facts.problem}"]
    problems = []
    suffix = PurePosixPath(facts.path).suffix.lower()
    expected = rules.formats.get(suffix)
    if expected is None:
        allowed = " ".join(rules.formats)
        problems.append(
            f"{where} has {'the extension ' + suffix if suffix else 'no extension'}; {body} takes {allowed}"
        )
    if not fits(facts.size, rules):
        problems.append(f"{where} is {facts.size:,} bytes; {body} takes files smaller than {rules.max_bytes:,} bytes")
    if facts.size == 0:
        problems.append(f"{where} is empty")
    elif expected is not None:
        actual = sniff(facts)
        if actual != expected:
            found = f"a {FORMAT_NAMES[actual]} file" if actual else "not a file of any format the body takes"
            problems.append(f"{where} is named {suffix} but its contents are {found}")
    return problems
