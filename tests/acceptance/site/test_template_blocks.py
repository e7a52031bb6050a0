"""The templates a member builds on: `base.html`'s blocks and the CV's pieces.

A member's `site_templates/base.html` that extends `builtin/base.html` and
overrides one block changes that part of every page and leaves every other
byte as cpdgen makes it; the examples in docs/publishing.md build. The
site's CV page and the PDF CV word jobs and study the same way (they share
`cv_macros.html`; checked here by what they print, not by what they import).
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from helpers.paths import PROJECT_ROOT
from helpers.repos import TmpRepo
from helpers.site import AS_OF, build, copy_demo, new_repo, parse_file, write_yaml

FOOTER = re.compile(r'<footer class="site-footer">\n.*?</footer>\n', re.S)
NAV = re.compile(r'    <nav class="nav" aria-label="Main">\n.*?</nav>\n', re.S)


def html_of(site: Path) -> dict[str, str]:
    """Every HTML page of a built site, by its "/"-separated path."""
    return {page.relative_to(site).as_posix(): page.read_text("utf-8") for page in sorted(site.rglob("*.html"))}


def root_of(path: str) -> str:
    """The page's way back to the site root, as the templates' `root` is."""
    return "../" * path.count("/")


@pytest.fixture(scope="module")
def demo_pages(tmp_path_factory) -> dict[str, str]:
    """The demo's pages with the built-in templates only."""
    root = tmp_path_factory.mktemp("builtin")
    build(copy_demo(root / "member"), root / "out")
    pages = html_of(root / "out" / "site")
    assert len(pages) > 100
    return pages


def demo_with_base(tmp_path: Path, base: str) -> dict[str, str]:
    """The demo's pages built with `base` as the member's site_templates/base.html."""
    repo = copy_demo(tmp_path / "member")
    repo.write("site_templates/base.html", base)
    build(repo, tmp_path / "out")
    return html_of(tmp_path / "out" / "site")


def test_a_members_footer_block_replaces_the_footer_of_every_page_and_nothing_else(demo_pages, tmp_path):
    pages = demo_with_base(
        tmp_path,
        """\
        {% extends "builtin/base.html" %}
        {% block footer %}
        <footer class="member"><p>MEMBER-FOOTER on {{ page.path }}</p></footer>
        {% endblock %}
        """,
    )
    assert pages.keys() == demo_pages.keys()
    for path, before in demo_pages.items():
        builtin = FOOTER.findall(before)
        assert len(builtin) == 1, path
        mine = f'<footer class="member"><p>MEMBER-FOOTER on {path}</p></footer>\n'
        assert pages[path] == before.replace(builtin[0], mine), path


def test_a_members_nav_block_replaces_the_menu_of_every_page_and_keeps_the_masthead(demo_pages, tmp_path):
    pages = demo_with_base(
        tmp_path,
        """\
        {% extends "builtin/base.html" %}
        {% block nav %}
        <nav aria-label="Main"><ul><li><a href="{{ root }}cv.html">MEMBER-NAV</a></li></ul></nav>
        {% endblock %}
        """,
    )
    assert pages.keys() == demo_pages.keys()
    for path, before in demo_pages.items():
        builtin = NAV.findall(before)
        assert len(builtin) == 1, path
        mine = f'<nav aria-label="Main"><ul><li><a href="{root_of(path)}cv.html">MEMBER-NAV</a></li></ul></nav>\n'
        assert pages[path] == before.replace(builtin[0], mine), path
        doc = parse_file(tmp_path / "out" / "site" / path)
        header = doc.find("header")
        assert header.find("nav").text() == "MEMBER-NAV" and "brand" in {n.get("class") for n in header.iter()}


def test_a_members_head_block_with_super_adds_to_the_head_of_every_page(demo_pages, tmp_path):
    pages = demo_with_base(
        tmp_path,
        """\
        {% extends "builtin/base.html" %}
        {% block head %}
        {{ super() }}
        <link rel="icon" href="{{ root }}static/favicon.svg">
        {% endblock %}
        """,
    )
    assert pages.keys() == demo_pages.keys()
    for path, before in demo_pages.items():
        assert before.count("</head>") == 1, path
        added = f'\n<link rel="icon" href="{root_of(path)}static/favicon.svg">\n'
        assert pages[path] == before.replace("</head>", added + "</head>"), path
        assert 'rel="stylesheet"' in pages[path].split("</head>")[0]  # super() kept the built-in head


def _publishing_examples() -> list[str]:
    guide = (PROJECT_ROOT / "docs" / "publishing.md").read_text("utf-8")
    blocks = re.findall(r"```jinja\n(.*?)```", guide, re.S)
    return [block for block in blocks if '{% extends "builtin/base.html" %}' in block]


def test_the_base_html_examples_in_the_publishing_guide_build(tmp_path):
    examples = _publishing_examples()
    assert len(examples) >= 2  # the footer and the head examples
    for number, example in enumerate(examples):
        repo = new_repo(tmp_path / f"member{number}")
        repo.write("site_templates/base.html", example)
        build(repo, tmp_path / f"out{number}")
        home = (tmp_path / f"out{number}" / "site" / "index.html").read_text("utf-8")
        for line in example.splitlines():
            shown = line.strip().replace("{{ root }}", "")  # the home page is at the root
            if shown.startswith("<") and "{" not in shown:
                assert shown in home, (number, shown)


# ---- the CV's pieces: the same words on the site and in the PDF ---------------------------------

JOBS = {
    "now": {
        "employer": "Hafren & Co",
        "role": "Lead Engineer",
        "start": "2019-03-04",
        "location": "Cardiff",
        "employment_type": "full-time",
        "responsibilities": "Protection studies.",
    },
    "before": {
        "employer": "Acme Power",
        "role": "Graduate Engineer",
        "start": "2015-06-01",
        "end": "2019-02-28",
        "employment_type": "part-time",
        "responsibilities": "Settings.",
    },
}
STUDY = {
    "msc": {"title": "MSc Power Systems", "institution": "Strathclyde", "subject": "Grid integration",
            "start": "2021-09-20", "end": "2023-11-30", "status": "completed", "grade": "Merit"},
    "phd": {"title": "PhD Grid Forming", "institution": "Cardiff University", "start": "2024-09-01",
            "status": "in-progress"},
    "cert": {"title": "Certificate in Earthing", "institution": "A College", "end": "2014-06-30",
             "status": "completed"},
}  # fmt: skip

JOB_LINES = {  # (role, employer, dates line) of each job: the dates are cv_macros' job_dates on both
    ("Lead Engineer", "Hafren & Co", "March 2019 – present"),
    ("Graduate Engineer", "Acme Power", "June 2015 – February 2019"),
}
STUDY_DATES = {"September 2021 – November 2023", "September 2024", "June 2014"}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def cv(tmp_path_factory) -> tuple[Path, str]:
    """(the site's cv.html, the PDF CV's text) of a member with an open job,
    a closed one, and study with both dates, a start only and an end only."""
    repo: TmpRepo = new_repo(tmp_path_factory.mktemp("cv") / "member", profile={"name": "Jo Bloggs"})
    for name, job in JOBS.items():
        write_yaml(repo, f"records/employment/{name}.yaml", job)
    for name, study in STUDY.items():
        write_yaml(repo, f"records/qualifications/{name}.yaml", study)
    result = repo.run("build", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    output = repo.root / "output"
    reader = pypdf.PdfReader(output / "private" / "cv.pdf")
    return output / "site" / "cv.html", flat("\n".join(page.extract_text() for page in reader.pages))


def _classed(doc, name: str):
    return [node for node in doc.iter() if name in (node.get("class") or "").split()]


def test_the_site_cv_and_the_pdf_cv_give_a_job_the_same_title_and_dates_line(cv):
    page, pdf = cv
    doc = parse_file(page)
    site_jobs = {
        (flat(job.find("h3").text()), flat(_classed(job, "cv-org")[0].text()), flat(_classed(job, "cv-when")[0].text()))
        for job in _classed(doc, "job")
    }
    assert site_jobs == JOB_LINES
    for role, employer, dates in site_jobs:
        assert f"{role}, {employer}" in pdf and dates in pdf, (role, employer, dates)


def test_the_site_cv_and_the_pdf_cv_give_study_the_same_dates_title_and_status(cv):
    page, pdf = cv
    doc = parse_file(page)
    dates = [flat(_classed(q, "cv-when")[0].text()) for q in _classed(doc, "qualification") if _classed(q, "cv-when")]
    assert set(dates) == STUDY_DATES
    for dates in STUDY_DATES:
        assert dates in pdf, dates
    for text in (flat(doc.find("main").text()), pdf):
        # One month known: that month alone, no dangling dash, on both.
        assert "September 2024 –" not in text and "– June 2014" not in text
        assert "In progress" in text
        for study in STUDY.values():
            assert study["title"] in text
