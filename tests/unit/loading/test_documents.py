"""Supporting documents on real files (checklist item 8): `inspect_document`
and `inspect_documents`, and item 8 and readiness through the checklist. The
judgement on `DocumentFacts` alone is tests/unit/compute/test_documents.py."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from cpdgen.compute.checklist import YearFacts, evaluate
from cpdgen.compute.digest import reports_digest
from cpdgen.compute.documents import document_problems
from cpdgen.loading.documents import inspect_document, inspect_documents
from cpdgen.model.records import Records, Source, build_declaration
from cpdgen.validation.settings import default_policy

from helpers.documents import GIF87, GIF89, JPEG, OLE, PDF, PNG, ZIP

IET = default_policy()
RULES = IET.documents


# ---- inspect_document on real files -------------------------------------------------------


def write(root: Path, rel: str, data: bytes) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return rel


def word_docx() -> bytes:
    """A minimal but real .docx: a zip holding word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>CV</w:t></w:r></w:p></w:body></w:document>',
        )
    return buffer.getvalue()


def other_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a word document")
    return buffer.getvalue()


def padded(head: bytes, size: int) -> bytes:
    return head + b"\0" * (size - len(head))


@pytest.mark.parametrize(
    "rel, data, fragments",
    [
        ("evidence/cv.pdf", padded(PDF, 2000), []),
        ("evidence/CV.PDF", padded(PDF, 2000), []),
        ("evidence/cv.pdf", padded(PDF, 499_999), []),
        ("evidence/cv.pdf", padded(PDF, 500_000), ["is 500,000 bytes"]),
        ("evidence/cv.docx", word_docx(), []),
        ("evidence/cv.docx", other_zip(), ["contents are not a file of any format the body takes"]),
        ("evidence/cv.docx", ZIP + b"this is not really a zip archive", ["contents are not a file of any format"]),
        ("evidence/cv.doc", padded(OLE, 4096), []),
        ("evidence/cv.doc", word_docx(), ["is named .doc but its contents are a Word (.docx) file"]),
        ("evidence/cv.pdf", padded(PNG, 300), ["is named .pdf but its contents are a PNG file"]),
        ("evidence/cv.png", padded(PNG, 300), []),
        ("evidence/cv.gif", padded(GIF89, 300), []),
        ("evidence/cv.jpg", padded(JPEG, 300), []),
        ("evidence/cv.jpeg", padded(JPEG, 300), []),
        ("evidence/cv.pdf", b"", ["is empty"]),
        ("evidence/cv.pdf", b"%PD", ["contents are not a file of any format"]),
        ("evidence/cv.txt", b"%PDF-1.4 but named .txt", ["has the extension .txt"]),
    ],
    ids=[
        "pdf",
        "upper-case-PDF",
        "499999-bytes",
        "500000-bytes",
        "real-docx",
        "zip-without-word-document",
        "corrupt-zip-named-docx",
        "doc-ole",
        "docx-named-doc",
        "png-named-pdf",
        "png",
        "gif",
        "jpg",
        "jpeg",
        "empty-file",
        "short-file",
        "txt",
    ],
)
def test_inspect_real_files(tmp_path, rel, data, fragments):
    write(tmp_path, rel, data)
    document = inspect_document(tmp_path, rel)
    assert document.problem is None
    assert document.size == len(data)
    assert document.head == data[:16]
    problems = document_problems("cv", document, RULES, "the IET")
    assert len(problems) == len(fragments), problems
    for problem, fragment in zip(problems, fragments):
        assert fragment in problem


def test_inspect_recognises_a_real_docx_and_not_another_zip(tmp_path):
    assert inspect_document(tmp_path, write(tmp_path, "a.docx", word_docx())).is_word_zip is True
    assert inspect_document(tmp_path, write(tmp_path, "b.docx", other_zip())).is_word_zip is False
    assert inspect_document(tmp_path, write(tmp_path, "c.docx", ZIP + b"junk")).is_word_zip is False
    assert inspect_document(tmp_path, write(tmp_path, "d.pdf", padded(PDF, 100))).is_word_zip is False


@pytest.mark.parametrize(
    "rel, fragment",
    [
        ("evidence/missing.pdf", "no such file 'evidence/missing.pdf'"),
        ("evidence/cv.pfd", "did you mean 'evidence/cv.pdf'?"),
        ("evidence", "is a folder, not a file"),
        ("../outside.pdf", "leaves the repository"),
        ("evidence/../../outside.pdf", "leaves the repository"),
        ("/etc/passwd", "must be a path relative to the repository root"),
        ("evidence\\cv.pdf", "forward slashes"),
    ],
    ids=["missing", "near-miss", "folder", "dotdot", "dotdot-inside", "absolute", "backslash"],
)
def test_inspect_unusable_paths(tmp_path, rel, fragment):
    root = tmp_path / "repo"
    write(root, "evidence/cv.pdf", padded(PDF, 100))
    write(tmp_path, "outside.pdf", padded(PDF, 100))
    document = inspect_document(root, rel)
    assert document.problem is not None and fragment in document.problem
    [problem] = document_problems("cv", document, RULES, "the IET")
    assert problem == f"supporting_documents.cv: '{rel}': {document.problem}"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_inspect_refuses_a_symlink_leading_outside(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    write(tmp_path, "secret.pdf", padded(PDF, 100))
    (root / "evidence").mkdir()
    try:
        os.symlink(tmp_path / "secret.pdf", root / "evidence" / "cv.pdf")
    except OSError:
        pytest.skip("cannot create symbolic links here")
    document = inspect_document(root, "evidence/cv.pdf")
    assert document.problem and "outside the repository" in document.problem


def test_inspect_documents_skips_generate_and_empty(tmp_path):
    write(tmp_path, "cv.pdf", padded(PDF, 100))
    found = inspect_documents(tmp_path, ["generate", "cv.pdf", "", "missing.png"])
    assert set(found) == {"cv.pdf", "missing.png"}
    assert found["cv.pdf"].problem is None and found["missing.png"].problem


# ---- through the checklist: item 8 and readiness ----------------------------------------------


def ready_declaration(records, **documents):
    return build_declaration(
        {
            "year": 2024,
            "monitoring": {"agreed": True},
            "reports": {"acknowledged": True, "digest": reports_digest(records, 2024)},
            "employment_status": {"status": "employed", "professionally_active": True},
            "hours": {"confirmed": True},
            "compliance": {"statement": "not-met", "comments": "No records this year."},
            "supporting_documents": documents,
        },
        "2024",
        Source("records/declarations/2024.yaml"),
    )


@pytest.mark.parametrize(
    "documents, files, ready, complete",
    [
        ({}, {}, True, False),
        ({"cv": "generate"}, {}, True, True),
        ({"cv": "evidence/cv.pdf"}, {"evidence/cv.pdf": padded(PDF, 1000)}, True, True),
        ({"cv": "evidence/cv.PDF"}, {"evidence/cv.PDF": padded(PDF, 1000)}, True, True),
        ({"cv": "evidence/cv.docx"}, {"evidence/cv.docx": word_docx()}, True, True),
        ({"cv": "evidence/cv.pdf"}, {}, False, False),
        ({"cv": "evidence/cv.pdf"}, {"evidence/cv.pdf": padded(PDF, 500_000)}, False, False),
        ({"cv": "evidence/cv.pdf"}, {"evidence/cv.pdf": padded(PDF, 499_999)}, True, True),
        ({"cv": "evidence/cv.pdf"}, {"evidence/cv.pdf": padded(PNG, 1000)}, False, False),
        ({"cv": "evidence/cv.docx"}, {"evidence/cv.docx": other_zip()}, False, False),
        ({"cv": "evidence/cv.odt"}, {"evidence/cv.odt": other_zip()}, False, False),
        (
            {"planning_report": "generate", "activity_report": "evidence/a.gif", "cv": "evidence/cv.jpg"},
            {"evidence/a.gif": padded(GIF87, 100), "evidence/cv.jpg": padded(JPEG, 100)},
            True,
            True,
        ),
        (
            {"planning_report": "generate", "activity_report": "evidence/a.gif", "cv": "evidence/cv.jpg"},
            {"evidence/a.gif": padded(GIF87, 100), "evidence/cv.jpg": padded(PNG, 100)},
            False,
            False,
        ),
    ],
    ids=[
        "nothing",
        "generate",
        "pdf",
        "upper-case-PDF",
        "real-docx",
        "missing-file",
        "500000-bytes",
        "499999-bytes",
        "png-named-pdf",
        "zip-named-docx",
        "odt",
        "three-good",
        "one-bad-of-three",
    ],
)
def test_item8_through_the_checklist(tmp_path, documents, files, ready, complete):
    for rel, data in files.items():
        write(tmp_path, rel, data)
    records = Records()
    declaration = ready_declaration(records, **documents)
    found = inspect_documents(tmp_path, documents.values())
    status = evaluate(YearFacts(2024, declaration, records, IET, found))
    item8 = status.items[7]
    assert (item8.number, item8.mandatory) == (8, False)
    assert item8.complete is complete
    assert bool(item8.problems) is (not ready)
    assert status.ready is ready
    assert all(i.complete for i in status.items if i.mandatory)  # only item 8 stands in the way
    if not ready:
        assert all(m.startswith("8. Supporting Documents: supporting_documents.") for m in status.missing)
