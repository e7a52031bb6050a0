"""Supporting documents (checklist item 8): the pure judgement on
`DocumentFacts` (sniff, document_problems), and which generated PDFs are
too big to upload. `inspect_document` on real files is
tests/unit/loading/test_documents.py."""

from __future__ import annotations

import pytest

from cpdgen.compute.documents import document_problems, sniff
from cpdgen.model.documents import DocumentFacts
from cpdgen.validation.settings import default_policy

from helpers.documents import GIF87, GIF89, JPEG, OLE, PDF, PNG, ZIP

IET = default_policy()
RULES = IET.documents


def facts(path, head=b"", size=1000, is_word_zip=False, problem=None):
    return DocumentFacts(path, problem=problem, size=size, head=head[:16], is_word_zip=is_word_zip)


# ---- sniff ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head, is_word_zip, expected",
    [
        (PDF, False, "pdf"),
        (PNG, False, "png"),
        (GIF87, False, "gif"),
        (GIF89, False, "gif"),
        (JPEG, False, "jpeg"),
        (OLE, False, "doc"),
        (ZIP, True, "docx"),
        (ZIP, False, None),
        (b"", False, None),
        (b"GIF8", False, None),
        (b"%PDF", False, None),
        (b"hello world", False, None),
        (b"\x89PNG\r\n", False, None),
    ],
    ids=[
        "pdf",
        "png",
        "gif87a",
        "gif89a",
        "jpeg",
        "doc-ole",
        "word-zip",
        "plain-zip",
        "empty",
        "truncated-gif",
        "truncated-pdf",
        "text",
        "truncated-png",
    ],
)
def test_sniff(head, is_word_zip, expected):
    assert sniff(facts("x", head, is_word_zip=is_word_zip)) == expected


# ---- document_problems on facts -------------------------------------------------------------


@pytest.mark.parametrize(
    "document, fragments",
    [
        (facts("evidence/cv.pdf", PDF), []),
        (facts("evidence/CV.PDF", PDF), []),
        (facts("evidence/cv.Pdf", PDF), []),
        (facts("evidence/cv.png", PNG), []),
        (facts("evidence/cv.gif", GIF87), []),
        (facts("evidence/cv.gif", GIF89), []),
        (facts("evidence/cv.jpg", JPEG), []),
        (facts("evidence/cv.jpeg", JPEG), []),
        (facts("evidence/cv.JPG", JPEG), []),
        (facts("evidence/cv.doc", OLE), []),
        (facts("evidence/cv.docx", ZIP, is_word_zip=True), []),
        (facts("evidence/cv.pdf", PDF, size=499_999), []),
        (
            facts("evidence/cv.pdf", PDF, size=500_000),
            ["is 500,000 bytes; the IET takes files smaller than 500,000 bytes"],
        ),
        (facts("evidence/cv.pdf", PDF, size=2_000_000), ["is 2,000,000 bytes"]),
        (facts("evidence/cv.pdf", PNG), ["is named .pdf but its contents are a PNG file"]),
        (facts("evidence/cv.png", JPEG), ["is named .png but its contents are a JPEG file"]),
        (facts("evidence/cv.jpg", GIF89), ["is named .jpg but its contents are a GIF file"]),
        (facts("evidence/cv.gif", PDF), ["is named .gif but its contents are a PDF file"]),
        (facts("evidence/cv.doc", ZIP, is_word_zip=True), ["is named .doc but its contents are a Word (.docx) file"]),
        (facts("evidence/cv.docx", OLE), ["is named .docx but its contents are a Word (.doc) file"]),
        (
            facts("evidence/cv.docx", ZIP),
            ["is named .docx but its contents are not a file of any format the body takes"],
        ),
        (facts("evidence/cv.pdf", b"", size=0), ["'evidence/cv.pdf' is empty"]),
        (
            facts("evidence/cv.txt", b"plain text"),
            ["has the extension .txt; the IET takes .pdf .doc .docx .png .jpg .jpeg .gif"],
        ),
        (facts("evidence/cv.zip", ZIP, is_word_zip=True), ["has the extension .zip"]),
        (facts("evidence/cv.pdf.exe", PDF), ["has the extension .exe"]),
        (facts("evidence/cv", PDF), ["has no extension"]),
        (facts("evidence/cv.txt", b"x", size=600_000), ["has the extension .txt", "is 600,000 bytes"]),
        (
            facts("evidence/cv.png", PDF, size=500_000),
            ["is 500,000 bytes", "is named .png but its contents are a PDF file"],
        ),
        (
            facts("evidence/cv.pdf", problem="no such file 'evidence/cv.pdf'", size=10**9),
            ["'evidence/cv.pdf': no such file"],
        ),
    ],
    ids=[
        "pdf",
        "upper-case-PDF",
        "mixed-case-Pdf",
        "png",
        "gif87a",
        "gif89a",
        "jpg",
        "jpeg",
        "upper-case-JPG",
        "doc",
        "docx",
        "499999-bytes-accepted",
        "500000-bytes-refused",
        "2MB-refused",
        "png-named-pdf",
        "jpeg-named-png",
        "gif-named-jpg",
        "pdf-named-gif",
        "docx-named-doc",
        "doc-named-docx",
        "zip-without-word-named-docx",
        "empty-pdf",
        "txt-extension",
        "zip-extension",
        "double-extension",
        "no-extension",
        "bad-extension-and-too-big",
        "too-big-and-wrong-contents",
        "unusable-path-only",
    ],
)
def test_document_problems(document, fragments):
    problems = document_problems("cv", document, RULES, "the IET")
    assert len(problems) == len(fragments), problems
    for problem, fragment in zip(problems, fragments):
        assert problem.startswith(f"supporting_documents.cv: '{document.path}'")
        assert fragment in problem


def test_document_problems_name_the_field():
    [problem] = document_problems("planning_report", facts("p.gif", PDF), RULES, "the IET")
    assert problem.startswith("supporting_documents.planning_report: 'p.gif'")


def test_too_big_to_upload_applies_to_upload_documents_only():
    from cpdgen.compute.documents import generated_type, too_big_to_upload

    policy = default_policy()
    assert too_big_to_upload("cv", 499_999, policy) is None
    assert "500,000" in too_big_to_upload("cv", 500_000, policy)
    assert too_big_to_upload("declaration", 9_000_000, policy) is None  # not an upload
    assert [
        generated_type(n)
        for n in (
            "cv.pdf",
            "cpd-planning-report-2025.pdf",
            "cpd-declaration-2024.pdf",
            "cpd-activity-report-x.pdf",
            "notes.pdf",
        )
    ] == ["cv", "planning_report", "declaration", None, None]
