"""The PDFs: what `cpdgen build` makes for the demo member, checked from the
outside (pypdf text, qpdf, metadata, the embedded JSON), and the PDF commands.

The demo PDFs are rendered once for the module (`built`); tests that need a
different repository render only the document they look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pypdf
import pytest

from cpdgen.compute.documents import DECLARATION_PDF, generated_file
from cpdgen.compute.hours import format_hours

from helpers.paths import DEMO_RECORDS, PROJECT_ROOT
from helpers.repos import TmpRepo, run_in

AS_OF = "2026-11-29"  # the default review year is 2025; 2024 is submitted
YEARS = (2024, 2025)  # every year with a declaration file, and the default year
PRIVATE_TITLE = "Investigation of a protection maloperation at a 132 kV customer substation"
MEMBERSHIP_NUMBER = "1175624"
MAX_BYTES = 500_000


def copy_demo(root: Path) -> TmpRepo:
    """The demo member (records, evidence, settings) in a folder of its own."""
    shutil.copytree(DEMO_RECORDS, root / "records")
    shutil.copytree(PROJECT_ROOT / "evidence", root / "evidence")
    shutil.copy(PROJECT_ROOT / "cpdgen.yaml", root / "cpdgen.yaml")
    return TmpRepo(root)


def loaded(root: Path):
    from cpdgen.loading.files import find_repository
    from cpdgen.validation.repository import validate_repository

    result = validate_repository(find_repository(root))
    assert not result.errors
    return result


def flat(text: str) -> str:
    """Whitespace (line breaks of wrapped lines) as single spaces; a line
    broken after a hyphen joined again."""
    return re.sub(r"(\w-) (?=\w)", r"\1", " ".join(text.split()))


@dataclass
class Pdf:
    path: Path

    @cached_property
    def reader(self) -> pypdf.PdfReader:
        return pypdf.PdfReader(self.path)

    @cached_property
    def pages(self) -> list[str]:
        return [page.extract_text() for page in self.reader.pages]

    @cached_property
    def text(self) -> str:
        return "\n".join(self.pages)

    @cached_property
    def words(self) -> str:
        return flat(self.text)


@dataclass
class Built:
    repo: TmpRepo
    pdfs: dict[str, Pdf] = field(default_factory=dict)

    def pdf(self, document: str, year: int | None = None) -> Pdf:
        return self.pdfs[generated_file(document, year or 0)]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """The demo's PDFs, made through the seam `cpdgen build` calls, into
    output/private/ with the build's cache beside them (so a later
    `cpdgen build` finds them current)."""
    from datetime import date

    from cpdgen.output.build import CACHE, PRIVATE, PRIVATE_CACHE
    from cpdgen.output.cache import BuildCache
    from cpdgen.output.folders import MARKER, marked_folder
    from cpdgen.output.pdfs import build_pdfs

    repo = copy_demo(tmp_path_factory.mktemp("pdf") / "demo")
    output = repo.root / "output"
    cache = BuildCache(output / CACHE / PRIVATE_CACHE, output / PRIVATE)
    marked_folder(output / PRIVATE, private=True)  # as a build leaves it
    result = loaded(repo.root)
    made = build_pdfs(
        result.records, result.policy, repo.root, output / PRIVATE, cache, today=date.fromisoformat(AS_OF)
    )
    cache.save()
    assert sorted(made) == sorted(path.name for path in (output / PRIVATE).iterdir() if path.name != MARKER)
    made = Built(repo)
    for path in sorted((output / "private").glob("*.pdf")):
        made.pdfs[path.relative_to(output).as_posix()] = Pdf(path)
    return made


# ---- which PDFs, where, how big ---------------------------------------------------------------


def test_the_build_makes_the_cv_and_three_pdfs_per_year(built: Built):
    expected = {generated_file("cv", 0)} | {
        generated_file(document, year)
        for year in YEARS
        for document in (DECLARATION_PDF, "activity_report", "planning_report")
    }
    assert set(built.pdfs) == expected


def test_every_pdf_is_far_below_the_upload_limit(built: Built):
    sizes = {name: pdf.path.stat().st_size for name, pdf in built.pdfs.items()}
    print("PDF sizes:", json.dumps(sizes, indent=1))
    assert all(0 < size < MAX_BYTES for size in sizes.values()), sizes
    assert max(sizes.values()) < MAX_BYTES / 2, sizes


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed (Debian package qpdf)")
def test_qpdf_check_passes_on_every_pdf(built: Built):
    for name, pdf in built.pdfs.items():
        check = subprocess.run(["qpdf", "--check", str(pdf.path)], capture_output=True, text=True)
        assert check.returncode == 0, f"{name}: {check.stdout}{check.stderr}"
        assert "No syntax or stream encoding errors" in check.stdout


def test_metadata_title_author_language_tags_and_pdfa(built: Built):
    titles = {
        DECLARATION_PDF: "CPD Declaration 2025",
        "activity_report": "CPD Activity Report 2025",
        "planning_report": "CPD Planning Report 2025",
    }
    for document, title in titles.items():
        reader = built.pdf(document, 2025).reader
        assert reader.metadata.title == title
        assert reader.metadata.author == "Siân Hughes"
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "en-GB"
        assert root["/MarkInfo"]["/Marked"].value is True
        assert "/StructTreeRoot" in root
        xmp = root["/Metadata"].get_object().get_data()
        assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp
        assert reader.outline, "bookmarks (the PDF outline) are missing"
    assert built.pdf("cv").reader.metadata.title == "Curriculum Vitae"


def test_fonts_are_embedded_and_subset(built: Built):
    for name, pdf in built.pdfs.items():
        fonts = {}
        for page in pdf.reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                for descendant in font.get("/DescendantFonts", [font]):
                    descendant = descendant.get_object()
                    fonts[descendant["/BaseFont"]] = descendant["/FontDescriptor"].get_object()
        assert fonts, name
        for base_font, descriptor in fonts.items():
            assert re.match(r"/[A-Z]{6}\+", base_font), f"{name}: {base_font} is not a subset"
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), (
                f"{name}: {base_font} not embedded"
            )


def test_identical_input_gives_identical_bytes(built: Built, tmp_path: Path):
    """`declaration pdf` for the same records and --as-of writes the build's bytes."""
    result = built.repo.run("declaration", "pdf", "--as-of", AS_OF, "-o", str(tmp_path / "again.pdf"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again.pdf").read_bytes() == built.pdf(DECLARATION_PDF, 2025).path.read_bytes()


@pytest.fixture(scope="module")
def site(built: Built) -> Path:
    """`cpdgen build` after the PDFs above: the site, and the PDFs reused."""
    before = {name: pdf.path.stat().st_ino for name, pdf in built.pdfs.items()}
    result = built.repo.run("build", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert " and 7 PDFs " in result.stdout
    after = {name: (built.repo.root / "output" / name).stat().st_ino for name in before}
    assert after == before  # linked from the previous build, not rendered again
    return built.repo.root / "output" / "site"


def test_cpdgen_build_reuses_unchanged_pdfs_and_keeps_them_off_the_site(site: Path):
    assert site.is_dir()
    assert not list(site.rglob("*.pdf"))


# ---- what they say -------------------------------------------------------------------------------


def test_the_hours_tables_match_cpdgen_hours(built: Built):
    policy = loaded(built.repo.root).policy
    for year in YEARS:
        result = built.repo.run("hours", "--year", str(year), "--format", "json", "--as-of", AS_OF)
        hours = json.loads(result.stdout)["hours"]
        expected = [f"{policy.label(key)} {format_hours(value)}" for key, value in hours.items() if key != "total"]
        expected.append(f"{policy.total_label} {format_hours(hours['total'])}")
        for document in (DECLARATION_PDF, "activity_report"):
            lines = [flat(line) for line in built.pdf(document, year).text.splitlines()]
            position = lines.index(expected[0])
            assert lines[position : position + len(expected)] == expected, (document, year)


def test_the_activity_report_lists_every_activity_and_course_of_the_year(built: Built):
    from cpdgen.compute.year import completed_items

    records = loaded(built.repo.root).records
    for year in YEARS:
        titles = [item.title for item in completed_items(records, year)]
        assert len(titles) > 8
        # A submitted declaration carries the report as appendix A; a draft does not repeat it.
        for document in ("activity_report", *([DECLARATION_PDF] if year == 2024 else [])):
            words = built.pdf(document, year).words
            missing = [title for title in titles if flat(title) not in words]
            assert not missing, (document, year, missing)
        # every item also has its dates, type, hours and provider line
        item = completed_items(records, year)[0]
        assert (
            f"{loaded(built.repo.root).policy.label(item.category)} · {format_hours(item.hours)} hours"
            in built.pdf("activity_report", year).words
        )


def test_the_planning_report_has_each_objective_and_its_actions(built: Built):
    from cpdgen.compute.reports import planning_report

    records = loaded(built.repo.root).records
    report = planning_report(records, 2025)
    words = built.pdf("planning_report", 2025).words
    assert report.objectives
    for plan in report.objectives:
        assert flat(plan.objective.title) in words
        for action_plan in plan.actions:
            assert flat(action_plan.action.title) in words
        for item in plan.items:
            assert flat(item.title) in words
    for item in report.planned:
        assert flat(item.title) in words


def test_the_reports_have_page_numbers_a_running_header_and_contents(built: Built):
    pdf = built.pdf("activity_report", 2025)
    count = len(pdf.pages)
    assert count >= 3
    for number, text in enumerate(pdf.pages, 1):
        assert f"Page {number} of {count}" in text
    assert "Siân Hughes CEng MIET" in pdf.pages[1] and "Review year 2025" in pdf.pages[1]
    # the table of contents gives each activity's page
    from cpdgen.compute.year import completed_items

    titles = [item.title for item in completed_items(loaded(built.repo.root).records, 2025)]
    contents = pdf.pages[0][pdf.pages[0].index("Activities and courses") :]
    for title in titles[:6]:
        page = int(re.search(re.escape(title) + r" (\d+)\n", contents)[1])
        assert page > 1 and title in pdf.pages[page - 1].split("Activities and courses", 1)[-1], title


def test_the_declaration_has_every_part(built: Built):
    pdf = built.pdf(DECLARATION_PDF, 2024)
    words = pdf.words
    policy = loaded(built.repo.root).policy
    for item in policy.checklist:
        assert f"{item.number}. {item.title}" in words
    assert "Legend: Mandatory Optional ✓ Completed" in words
    for part in (
        "Member",
        "MEMBERSHIP_NUMBER",
        "612847",
        "Employment Status",
        "Professionally active Yes",
        "Hafren Power Systems",
        "MSc",
        "I have met",
        "Equivalent CPD Activity Report",
        "Appendix A: the CPD Activity Report 2024",
        "Appendix B: the CPD Planning Report 2024",
        "sian-hughes-cv-2024.pdf",
        "Appendix A",
        "Appendix B",
        "CPD Activity Report 2024",
        "CPD Planning Report 2024",
    ):
        assert part.replace("MEMBERSHIP_NUMBER", MEMBERSHIP_NUMBER) in words, part
    # submitted: the date on page 1, the digest only in the verification block at the end; no watermark
    submitted = loaded(built.repo.root).records.declarations[0].submitted
    assert "Submitted on 20 January 2025" in flat(pdf.pages[0]) and submitted["digest"] not in flat(pdf.pages[0])
    assert submitted["digest"] in pdf.pages[-1].split("Verification", 1)[1].replace("\n", "").replace(" ", "")
    assert "DRAFT" not in pdf.text


def test_the_declaration_reads_in_order(built: Built):
    first = flat(built.pdf(DECLARATION_PDF, 2025).pages[0])
    positions = [
        first.index(part) for part in ("CPD Declaration 2025", "Siân Hughes", "Not submitted", "Contents", "Member")
    ]
    assert positions == sorted(positions)


def test_the_unsubmitted_declaration_says_draft_on_every_page(built: Built):
    pdf = built.pdf(DECLARATION_PDF, 2025)
    assert all("DRAFT" in text for text in pdf.pages)


def test_private_records_are_in_the_pdfs(built: Built):
    assert PRIVATE_TITLE in built.pdf("activity_report", 2025).words
    assert MEMBERSHIP_NUMBER in built.pdf("cv").words


def test_private_records_are_not_on_the_site(site: Path):
    for page in site.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".xml", ".txt", ".json"):
            text = page.read_text("utf-8")
            assert PRIVATE_TITLE not in text, page
            assert MEMBERSHIP_NUMBER not in text, page


def test_checklist_item_8_generate_names_a_pdf_the_build_makes(built: Built):
    result = built.repo.run("declaration", "status", "--year", "2024", "--as-of", AS_OF)
    named = re.findall(r"cpdgen makes output/(\S+\.pdf)", result.stdout)
    assert named == ["private/cpd-planning-report-2024.pdf", "private/cpd-activity-report-2024.pdf"]
    for name in named:
        assert name in built.pdfs


# ---- the embedded year ------------------------------------------------------------------------


def attachment(pdf: Pdf, year: int) -> dict:
    files = pdf.reader.attachments
    assert list(files)[0] == f"cpd-declaration-{year}.json"
    # PDF/A-3: each file is associated with the document, once: the year as its data, evidence as a supplement
    associated = [entry.get_object() for entry in pdf.reader.trailer["/Root"]["/AF"]]
    assert len(associated) == len(files)
    relationships = {str(entry["/F"]): str(entry["/AFRelationship"]) for entry in associated}
    assert relationships == {name: "/Data" if name.endswith(".json") else "/Supplement" for name in files}
    (data,) = files[f"cpd-declaration-{year}.json"]
    return json.loads(data.decode("utf-8"))


def test_the_declaration_carries_its_year_as_json(built: Built):
    from cpdgen.compute.checklist import year_status
    from cpdgen.loading.documents import inspect_documents
    from cpdgen.render.pdf import declaration_data

    result = loaded(built.repo.root)
    for year in YEARS:
        embedded = attachment(built.pdf(DECLARATION_PDF, year), year)
        status = year_status(
            result.records, result.policy, year, lambda paths: inspect_documents(built.repo.root, paths)
        )
        assert embedded == json.loads(json.dumps(declaration_data(result.records, result.policy, status)))
        hours = json.loads(built.repo.run("hours", "--year", str(year), "--format", "json").stdout)["hours"]
        assert embedded["hours"] == hours
        assert embedded["year"] == year
        assert PRIVATE_TITLE in json.dumps(embedded, ensure_ascii=False) or year != 2025
    # the submitted year: the digest of what it covers is the one recorded at submission
    submitted = result.records.declarations[0]
    assert submitted.year == 2024
    embedded = attachment(built.pdf(DECLARATION_PDF, 2024), 2024)
    assert embedded["digest"] == submitted.submitted["digest"]
    assert embedded["status"]["submitted"]["digest"] == submitted.submitted["digest"]


# ---- the draft, then the submission --------------------------------------------------------------

COMPLETE_2025 = """\
year: 2025
monitoring: {agreed: true, date: 2026-01-12}
employment_status: {status: employed, professionally_active: true}
employment_history: {display: all}
academic_study: {display: none}
hours: {confirmed: true}
compliance: {statement: met, comments: "Comfortably over the **30 hours**."}
supporting_documents: {planning_report: generate, activity_report: generate, cv: generate}
"""


def test_draft_until_submitted_then_the_final_pdf(tmp_path: Path):
    repo = copy_demo(tmp_path / "demo")
    (repo.records / "declarations/2025.yaml").write_text(COMPLETE_2025, "utf-8")
    after = ("--as-of", "2026-01-20")
    assert repo.run("declaration", "acknowledge", *after).exit_code == 0
    target = repo.root / "output" / generated_file(DECLARATION_PDF, 2025)

    draft = repo.run("declaration", "pdf", *after)
    assert draft.exit_code == 0, draft.output
    assert draft.stdout.strip() == f"Wrote output/private/cpd-declaration-2025.pdf ({target.stat().st_size:,} bytes)."
    text = Pdf(target).words
    assert "DRAFT" in text and "Not submitted" in text and "ready to submit" in text

    submitted = repo.run("declaration", "submit", *after)
    assert submitted.exit_code == 0, submitted.output
    assert "Wrote output/private/cpd-declaration-2025.pdf" in submitted.stdout
    final = Pdf(target)
    assert "DRAFT" not in final.text and "Not submitted" not in final.words
    digest = loaded(repo.root).records.declarations[1].submitted["digest"]
    assert "Submitted on 20 January 2026" in final.words and digest in final.text.replace("\n", "").replace(" ", "")
    assert "Comfortably over the 30 hours." in final.words  # comments are Markdown
    assert attachment(final, 2025)["digest"] == digest
    assert final.reader.metadata["/CreationDate"].startswith("D:20260120")


def test_submit_says_so_when_the_pdf_cannot_be_written(tmp_path: Path):
    repo = copy_demo(tmp_path / "demo")
    (repo.records / "declarations/2025.yaml").write_text(COMPLETE_2025, "utf-8")
    after = ("--as-of", "2026-01-20")
    assert repo.run("declaration", "acknowledge", *after).exit_code == 0
    (repo.root / "output").write_text("a file where the output folder goes")
    result = repo.run("declaration", "submit", *after)
    assert result.exit_code == 1
    assert "the 2025 declaration is submitted, but its PDF was not written" in result.stderr
    assert "Traceback" not in result.output
    assert loaded(repo.root).records.declarations[1].submitted["digest"]


# ---- the commands: paths and errors -------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> TmpRepo:
    """A member with a little in 2025: quick to render."""
    repo = TmpRepo(tmp_path_factory.mktemp("small") / "member")
    repo.write("cpdgen.yaml", "policy: iet\n")
    repo.write("records/profile.yaml", "name: Jo Bloggs\n")
    repo.write("records/activities/talk.yaml", "title: A talk\ntype: event\nstart: 2025-03-14\nhours: 2\n")
    (repo.root / "sub").mkdir()
    return repo


def test_report_pdf_default_path_and_o_relative_to_the_current_folder(small: TmpRepo):
    result = small.run("report", "activity", "--format", "pdf", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    default = small.root / "output" / generated_file("activity_report", 2025)
    assert default.read_bytes().startswith(b"%PDF-")
    assert "A talk" in Pdf(default).words

    result = run_in(small.root / "sub", "report", "planning", "--format", "pdf", "-o", "plan.pdf", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().startswith("Wrote plan.pdf (")
    assert Pdf(small.root / "sub" / "plan.pdf").reader.metadata.title == "CPD Planning Report 2025"

    # a folder: the usual name inside it
    result = run_in(small.root / "sub", "declaration", "pdf", "--year", "2025", "--output", ".", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (small.root / "sub" / "cpd-declaration-2025.pdf").is_file()
    assert not list((small.root / "sub").glob(".*.tmp"))


def test_o_is_only_for_pdf(small: TmpRepo):
    result = small.run("report", "activity", "-o", "x.pdf")
    assert result.exit_code == 2
    assert "-o/--output is for --format pdf" in result.stderr
    assert not (small.root / "x.pdf").exists()


@pytest.mark.parametrize(
    ("output", "why"),
    [
        ("a-file/report.pdf", "cannot write {root}/a-file/report.pdf: {root}/a-file is not a folder"),
        ("/dev/null", "/dev/null is not a regular file"),
        pytest.param(
            "/proc/report.pdf",
            "cannot write /proc/report.pdf: /proc takes no new files",
            marks=(pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")),
        ),
    ],
)
def test_an_unwritable_output_is_one_clear_line(small: TmpRepo, output: str, why: str):
    (small.root / "a-file").write_text("x")
    result = small.run("report", "activity", "--format", "pdf", "-o", output, "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert result.stderr == f"cpdgen: {why.format(root=small.root)}" + (
        "; nothing was changed\n" if "cannot write" in why else "; cpdgen writes only files\n"
    )
    assert "Traceback" not in result.output


def test_invalid_records_exit_1_and_write_no_pdf(tmp_path: Path):
    repo = TmpRepo(tmp_path / "member")
    repo.write("cpdgen.yaml", "policy: iet\n")
    repo.write("records/profile.yaml", "name: Jo Bloggs\n")
    repo.write("records/activities/bad.yaml", "title: Bad\ntype: seminar\nstart: 2025-03-14\nhours: 2\n")
    for args in (
        ("report", "activity", "--format", "pdf"),
        ("report", "planning", "--format", "pdf", "-o", "p.pdf"),
        ("declaration", "pdf"),
        ("declaration", "pdf", "-o", "d.pdf"),
    ):
        result = repo.run(*args, "--as-of", AS_OF)
        assert result.exit_code == 1, args
        assert "records/activities/bad.yaml:2:7: error: 'type' must be one of" in result.stderr
        assert "Traceback" not in result.output
    assert not list(repo.root.rglob("*.pdf"))
    assert not (repo.root / "output").exists()


# ---- safety: escaping, sanitising, the URL fetcher ---------------------------------------------------

HOSTILE = """\
title: "<script>alert('title')</script> Talk"
type: event
start: 2025-03-14
hours: 2
provider: "<img src=http://evil.example/p.png>"
description: |
  <script>alert(1)</script>
  [click me](javascript:alert(2)) and <a href="javascript:alert(3)">this</a>
  <img src="http://evil.example/x.png" onerror="alert(4)">
  <iframe src="http://evil.example/"></iframe>
  <style>body { background: url(http://evil.example/bg.png) }</style>
  [a fine link](https://example.org/ok)
outcomes: "<svg onload=alert(5)>x</svg>"
"""


def test_hostile_markdown_is_escaped_and_sanitised(tmp_path: Path):
    from datetime import date

    from cpdgen.output.pdfs import pdf_maker
    from cpdgen.render.pdf import ACTIVITY_REPORT

    repo = TmpRepo(tmp_path / "member")
    repo.write("cpdgen.yaml", "policy: iet\n")
    repo.write("records/profile.yaml", "name: Jo <b>Bloggs</b>\n")
    repo.write("records/activities/hostile.yaml", HOSTILE)
    result = loaded(repo.root)
    maker = pdf_maker(result.records, result.policy, repo.root, date(2026, 11, 29))
    for document, year in ((ACTIVITY_REPORT, 2025), (DECLARATION_PDF, 2025), ("cv", None)):
        html = maker.job(document, year).html
        lowered = html.lower()
        for bad in (
            "<script",
            "javascript:",
            "<img",
            "<iframe",
            "<svg",
            "onerror",
            "onload",
            "evil.example/bg",
            "<b>bloggs",
        ):
            assert bad not in lowered, (document, bad)
        assert "<style>" not in lowered and "<link " in lowered  # only the package's own stylesheet
    html = maker.job(ACTIVITY_REPORT, 2025).html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Talk" in html
    assert 'href="https://example.org/ok"' in html
    pdf_bytes = maker.render(maker.job(ACTIVITY_REPORT, 2025))
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf_bytes)
    pdf = Pdf(path)
    assert "<script>alert('title')</script> Talk" in pdf.words  # shown as text
    assert b"/JavaScript" not in pdf_bytes and b"/JS " not in pdf_bytes
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for page in pdf.reader.pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    ]
    assert uris == ["https://example.org/ok"]
    assert not any(
        "/Image" in str(xobject.get_object().get("/Subtype"))
        for page in pdf.reader.pages
        for xobject in page["/Resources"].get("/XObject", {}).values()
    )


def test_a_member_template_cannot_make_weasyprint_fetch_anything(tmp_path: Path, monkeypatch):
    """A member's own template naming remote and local files: each is refused,
    the PDF still renders."""
    from datetime import date

    from cpdgen.output.pdfs import pdf_maker
    from cpdgen.render import pdf_assets

    repo = TmpRepo(tmp_path / "member")
    repo.write("cpdgen.yaml", "policy: iet\n")
    repo.write("records/profile.yaml", "name: Jo Bloggs\n")
    repo.write(
        "site_templates/pdf/cv.html",
        """\
        {% extends "builtin/pdf/cv.html" %}
        {% block content %}<link rel="stylesheet" href="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">
        <img src="../../secret.png"><p>Mine</p>{{ super() }}{% endblock %}
        """,
    )
    repo.write("secret.png", b"\x89PNG\r\n\x1a\n")
    asked, served = [], []
    original = pdf_assets.PdfAssets.fetch

    def spy(self, url):
        asked.append(url)
        asset = original(self, url)
        served.append(url)
        return asset

    monkeypatch.setattr(pdf_assets.PdfAssets, "fetch", spy)
    result = loaded(repo.root)
    maker = pdf_maker(result.records, result.policy, repo.root, date(2026, 11, 29))
    (tmp_path / "cv.pdf").write_bytes(maker.render(maker.job("cv", None)))
    assert "Mine" in Pdf(tmp_path / "cv.pdf").words
    assert len(asked) == 4 and [url.rsplit("/", 1)[-1] for url in served] == ["pdf.css"]


# ---- start-up -----------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["validate"], ["hours", "--format", "json"]])
def test_weasyprint_is_not_imported_unless_a_pdf_is_made(args: list[str]):
    code = (
        "import sys\n"
        "from cpdgen.cli import cli\n"
        f"try:\n    cli({args!r}, prog_name='cpdgen')\nexcept SystemExit:\n    pass\n"
        "print('WEASYPRINT', 'weasyprint' in sys.modules, 'cpdgen.render.pdf' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert "WEASYPRINT False False" in done.stderr, done.stderr


# ---- in the assessor's words -------------------------------------------------------------------


TOOL_WORDS = re.compile(
    r"cpdgen|made by|Prepared with|monitoring\.agreed|hours\.confirmed|compliance\.statement|--year"
)


@pytest.mark.parametrize("document", ["declaration", "activity_report", "planning_report", "cv"])
@pytest.mark.parametrize("year", YEARS)
def test_no_tool_internals_in_what_goes_to_the_body(built: Built, document: str, year: int):
    """No command lines, dotted keys, "made by cpdgen" or "Prepared with
    cpdgen"; no 64-digit digest on page 1 (the verification block at the end
    of a declaration holds them). Attachment names may say .json; a page may not."""
    pdf = built.pdf(document, None if document == "cv" else year)
    for number, page in enumerate(pdf.pages, 1):
        found = TOOL_WORDS.search(flat(page))
        assert found is None, f"page {number}: {found and found.group(0)}"
    assert not re.search(r"\b[0-9a-f]{64}\b", pdf.pages[0])


def test_a_draft_says_in_words_what_is_missing(built: Built):
    words = flat(built.pdf(DECLARATION_PDF, 2025).pages[1])
    assert "The CPD Activity and Planning Reports have not been acknowledged yet." in words
    assert "The hours have not been confirmed yet." in words
    assert "No compliance statement has been given yet." in words


def test_the_checklist_displays_as_the_portal_and_item_8_agrees_with_the_appendices(built: Built):
    draft = flat(built.pdf(DECLARATION_PDF, 2025).pages[1])
    # 2025: display not chosen for items 4 and 5 shows None; a draft carries no
    # appendices, so the reports not uploaded are their own PDFs until submitted
    assert "4. Employment History (Optional) None – Not included" in draft
    assert (
        "Equivalent CPD Planning Report – Separate PDF" in draft
        and "Equivalent CPD Activity Report – Separate PDF" in draft
    )
    assert "Appendix A" not in draft and "Appendix B" not in draft
    items = flat(built.pdf(DECLARATION_PDF, 2025).pages[2])
    assert "Not uploaded; the same report is cpd-activity-report-2025.pdf (appendix A once submitted)" in items
    assert "CV/Career History – Not given" in draft
    submitted = built.pdf(DECLARATION_PDF, 2024).words
    assert "4. Employment History (Optional) All ✓ Completed" in submitted
    assert "Equivalent CPD Planning Report ✓ Appendix B" in submitted
    assert "CV/Career History ✓ Given" in submitted


def test_a_draft_declaration_leaves_the_reports_to_their_own_pdfs(built: Built):
    """A draft is the checklist and statements (a few pages, a few seconds
    to print); the submitted declaration carries both reports in full."""
    draft, report = built.pdf(DECLARATION_PDF, 2025), built.pdf("activity_report", 2025)
    assert "Appendix A: CPD Activity Report 2025" not in draft.words
    assert "The reports A draft does not repeat the CPD Activity and Planning Reports" in draft.words
    assert "cpd-activity-report-2025.pdf" in draft.words and "cpd-planning-report-2025.pdf" in draft.words
    assert "in this draft they are the separate PDFs" in draft.words
    assert PRIVATE_TITLE not in draft.words and PRIVATE_TITLE in report.words
    assert len(draft.pages) <= 4 < len(draft.pages) + len(report.pages)
    submitted = built.pdf(DECLARATION_PDF, 2024).words
    assert "Appendix A: CPD Activity Report 2024" in submitted and "Appendix B: CPD Planning Report 2024" in submitted
    assert "They follow as appendices A and B." in submitted


def test_competences_are_printed_with_their_titles_and_covered_per_area(built: Built):
    report = built.pdf("activity_report", 2025).words
    assert "Competences: A1 Maintain and extend knowledge; E2 Health, safety and risk" in report
    assert "UK-SPEC competences developed" in report
    assert re.search(r"A\. Knowledge and understanding \d+ [\d.]+ A1 \(\d+\)", report)
    planning = built.pdf("planning_report", 2025).words
    assert re.search(r"Competences: [A-E]\d [A-Z][a-z]", planning)


def test_evidence_travels_with_the_activity_report_and_the_declaration(built: Built):
    from cpdgen.render.pdf import EVIDENCE_SHARE

    for document in ("activity_report", DECLARATION_PDF):
        pdf = built.pdf(document, 2025)
        attached = pdf.reader.attachments
        assert {"nec4-ecc-pm-accreditation.pdf", "iec-62443-essentials-certificate.pdf"} <= set(attached), document
        data = attached["nec4-ecc-pm-accreditation.pdf"][0]
        assert data == (PROJECT_ROOT / "evidence/2025/nec4-ecc-pm-accreditation.pdf").read_bytes()
        assert pdf.path.stat().st_size < MAX_BYTES
    assert "certificate: nec4-ecc-pm-accreditation.pdf (attached)" in built.pdf("activity_report", 2025).words
    assert "beside the 2 evidence files of the activity report" in built.pdf(DECLARATION_PDF, 2025).words
    assert EVIDENCE_SHARE * MAX_BYTES < MAX_BYTES


def test_evidence_too_large_to_carry_is_listed_with_size_and_digest(tmp_path: Path):
    import hashlib

    repo = copy_demo(tmp_path / "demo")
    big = bytes(range(256)) * 1200  # 307,200 bytes: over half the upload limit
    repo.write("evidence/2025/site-photos.pdf", b"%PDF-1.4\n" + big)
    rel = "records/training/2025/2025-02-04-nec4-ecc-pm-accreditation.yaml"
    text = (repo.root / rel).read_text("utf-8")
    (repo.root / rel).write_text(text + "evidence: [evidence/2025/site-photos.pdf]\n", "utf-8")
    result = run_in(repo.root, "report", "activity", "--format", "pdf", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    pdf = Pdf(repo.root / "output/private/cpd-activity-report-2025.pdf")
    assert "site-photos.pdf" not in pdf.reader.attachments
    assert "nec4-ecc-pm-accreditation.pdf" in pdf.reader.attachments
    digest = hashlib.sha256((repo.root / "evidence/2025/site-photos.pdf").read_bytes()).hexdigest()
    assert "site-photos.pdf (listed below)" in pdf.words
    assert "site-photos.pdf 307,209 bytes Listed" in pdf.words and digest[:40] in pdf.words.replace(" ", "")
    assert pdf.path.stat().st_size < MAX_BYTES


def test_a_met_statement_beside_a_shortfall_is_noted_in_the_draft(tmp_path: Path):
    repo = TmpRepo(tmp_path / "member")
    repo.write("records/profile.yaml", "name: Jo Bloggs\n")
    repo.write("records/activities/2025/talk.yaml", "title: Talk\ntype: event\nstart: 2025-03-14\nhours: 19.5\n")
    repo.write(
        "records/declarations/2025.yaml",
        "year: 2025\nemployment_status:\n  status: employed\n  professionally_active: true\n"
        "compliance:\n  statement: met\n",
    )
    result = run_in(repo.root, "declaration", "pdf", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    words = Pdf(repo.root / "output/private/cpd-declaration-2025.pdf").words
    assert "I have met the IET's CPD requirements for 2025. Note: The IET recommends 30.0 hours" in words
    assert "10.5 short. The statement is the member's own; the shortfall never blocks a submission." in words


# ---- characters beyond Latin: fonts that have them, or a warning -------------------------------------

WORLD = "IET 講演会 한국어 ひらがな カタカナ 中文 🙂 ✓"


def _fonts_of(reader: pypdf.PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            names.add(str(font.get_object().get("/BaseFont", "")).split("+")[-1])
    return names


def test_chinese_japanese_korean_and_emoji_print_with_fonts_that_have_them(repo, tmp_path, monkeypatch, caplog):
    import logging

    from cpdgen.render.glyphs import Coverage

    if Coverage().missing(WORLD):
        pytest.skip("the fonts .ci/run installs (fonts-wqy-microhei, fonts-symbola) are missing here")
    repo.write(
        "records/activities/world.yaml",
        f'title: "{WORLD}"\ntype: event\nstart: 2025-03-14\nhours: 2\ndescription: "学习 🙂"\n',
    )
    weasyprint_log = logging.getLogger("weasyprint")  # cpdgen quietens it; here its warnings are wanted
    monkeypatch.setattr(weasyprint_log, "setLevel", lambda level: None)
    monkeypatch.setattr(weasyprint_log, "level", logging.WARNING)
    with caplog.at_level(logging.WARNING):
        result = repo.run("report", "activity", "--format", "pdf", "--year", "2025", "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert not [r.getMessage() for r in caplog.records if ".notdef" in r.getMessage()]
    pdf = Pdf(tmp_path / "r.pdf")
    for word in WORLD.split():
        assert word in pdf.text
    fonts = _fonts_of(pdf.reader)
    assert any(f.startswith("WenQuanYi") for f in fonts) and any(f.startswith("Symbola") for f in fonts), fonts


def test_a_character_no_font_has_is_a_warning_naming_the_record_and_the_character(repo, tmp_path):
    repo.write(
        "records/activities/odd.yaml", 'title: "Private use \U000f0001"\ntype: event\nstart: 2025-03-14\nhours: 2\n'
    )
    result = repo.run("report", "activity", "--format", "pdf", "--year", "2025", "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.stderr.splitlines() if "no installed font" in line]
    assert warning.startswith("cpdgen: warning: records/activities/odd.yaml: ") and "(U+F0001)" in warning
    built = repo.run("build", "--as-of", AS_OF)
    assert built.exit_code == 0, built.output
    assert "records/activities/odd.yaml" in built.stderr and "(U+F0001)" in built.stderr
    again = repo.run("build", "--as-of", AS_OF)  # the PDFs are reused: the warning stays
    assert "(U+F0001)" in again.stderr


@pytest.mark.parametrize("name, text", [
    ("activity-report.html", '{% extends "builtin/pdf/activity-report.html" %}\n'),  # a template
    ("pdf.css", "html { color: #000; }\n"),  # an asset: WeasyPrint would go on without it
])  # fmt: skip
def test_a_pdf_template_or_asset_of_the_members_that_cannot_be_read_is_named(repo, monkeypatch, name, text):
    from helpers.failures import unreadable

    repo.write(f"site_templates/pdf/{name}", text)
    unreadable(monkeypatch, repo.root / "site_templates" / "pdf" / name)
    result = repo.run("report", "activity", "--format", "pdf", "--year", "2025")
    assert result.exit_code == 1, result.output
    assert result.stderr == f"cpdgen: cannot read site_templates/pdf/{name}: Permission denied\n"
    assert not (repo.root / "output").exists()


def test_counts_of_one_are_worded_in_the_singular_in_the_reports_and_messages(repo, tmp_path):
    repo.write("records/activities/a.yaml", "title: A\ntype: event\nstart: 2025-01-01\nhours: 1\n")
    result = repo.run("report", "activity", "--format", "pdf", "--year", "2025", "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 0, result.output
    text = flat(Pdf(tmp_path / "r.pdf").text)
    assert "1 activity or training course completed" in text and "The one activity names no competence." in text
    assert not re.search(r"\b1 (activities|courses|objectives|items)\b", text)
    assert repo.run("declaration", "start", "--year", "2025", "--as-of", "2026-02-01").exit_code == 0
    done = repo.run("declaration", "acknowledge", "--year", "2025", "--as-of", "2026-02-01")
    assert done.exit_code == 0, done.output
    assert "(1 activity or course, 0 objectives, 0 planned)" in done.stdout
