"""`cpdgen build` through the command line: the site it writes, where, and
what it refuses. Its building blocks (page plan, chart, templates, cache,
atomic folder swap) are tested in tests/unit/render/ and tests/unit/output/."""

from __future__ import annotations

import html.parser
import os
import re
import shutil

import pytest

from helpers.paths import DEMO_RECORDS
from helpers.repos import TmpRepo, run_in

AS_OF = "2026-11-28"


# ---- cpdgen build ---------------------------------------------------------------


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_build_out_never_deletes_folders_of_the_users(repo, tmp_path):
    out = tmp_path / "mystuff"
    (out / "site").mkdir(parents=True)
    (out / "site" / "thesis.docx").write_text("precious")
    result = repo.run("build", "--site-only", "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "holds files cpdgen did not make" in result.stderr and "Traceback" not in result.output
    assert (out / "site" / "thesis.docx").read_text() == "precious"
    assert _names(out / "site") == ["thesis.docx"]


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.hrefs.append(value)


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    shutil.copytree(DEMO_RECORDS, root / "records")
    shutil.copy(DEMO_RECORDS.parent / "cpdgen.yaml", root / "cpdgen.yaml")
    for extra in ("evidence",):
        if (DEMO_RECORDS.parent / extra).is_dir():
            shutil.copytree(DEMO_RECORDS.parent / extra, root / extra)
    result = run_in(root, "build", "--site-only", "--as-of", AS_OF)
    return TmpRepo(root), result


def test_build_prints_one_summary_line_and_writes_the_site(demo_build):
    repo, result = demo_build
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    pages = sum(1 for p in (repo.root / "output" / "site").rglob("*.html"))
    assert lines[0].startswith(f"Built {pages} pages from ") and lines[0].endswith(" s")
    assert (repo.root / "output" / "site" / "static" / "style.css").is_file()
    assert not (repo.root / "output" / "private").exists()  # --site-only


def test_every_internal_link_of_the_demo_site_leads_to_a_file(demo_build):
    repo, _ = demo_build
    site = repo.root / "output" / "site"
    checked = 0
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            assert not href.startswith("/"), f"{page}: absolute link {href}"
            path, _, fragment = href.partition("#")
            target = (page.parent / path).resolve() if path else page
            assert target.is_file(), f"{page.relative_to(site)}: {href} leads nowhere"
            if fragment:
                assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), (
                    f"{page.relative_to(site)}: no #{fragment}"
                )
            checked += 1
    assert checked > 500


def test_the_demo_year_page_shows_the_hours_of_cpdgen_hours(demo_build):
    import json

    repo, _ = demo_build
    hours = json.loads(repo.run("hours", "--year", "2024", "--format", "json", "--as-of", AS_OF).stdout)["hours"]
    text = (repo.root / "output" / "site" / "years" / "2024.html").read_text(encoding="utf-8")
    # the demo's 2024 activities are all public, so the site's table is the declared one
    assert f"{hours['total']:.1f}" in text


def test_a_second_build_reuses_every_page_and_gives_the_same_bytes(demo_build, tmp_path):
    repo, first = demo_build
    site = repo.root / "output" / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    again = repo.run("build", "--site-only", "--as-of", AS_OF)
    assert again.exit_code == 0
    pages = len([p for p in before if p.suffix == ".html"])
    assert f"({pages} unchanged)" in again.stdout
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before


def test_build_refuses_invalid_records_and_leaves_the_output(tmp_path):
    repo = TmpRepo(tmp_path / "m")
    repo.write("records/profile.yaml", "name: Jo\n")
    repo.write("records/activities/a.yaml", "title: A\ntype: event\nstart: 2024-01-01\nhours: 1\n")
    assert repo.run("build", "--site-only", "--as-of", AS_OF).exit_code == 0
    index = (repo.root / "output" / "site" / "index.html").read_bytes()
    repo.write("records/activities/a.yaml", "title: A\ntype: event\nstart: 2024-01-01\nhours: [\n")
    result = repo.run("build", "--site-only", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert (
        "records/activities/a.yaml:5:1: error: YAML syntax error" in result.stderr and "Traceback" not in result.output
    )
    assert (repo.root / "output" / "site" / "index.html").read_bytes() == index


@pytest.mark.parametrize("where, named", [
    ("/", "the root of the file system"), ("~", "your home folder"), (".", "the repository itself"),
])  # fmt: skip
def test_build_out_refuses_the_root_home_and_the_repository(repo, tmp_path, monkeypatch, where, named):
    monkeypatch.setenv("HOME", str(tmp_path))
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    out = os.path.expanduser(where)
    for command in (["build", "--site-only"], ["serve", "--port", "0"]):
        result = repo.run(*command, "--out", out, "--as-of", AS_OF)
        assert result.exit_code == 2, result.output
        assert f"that is {named};" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert not any(os.path.exists(f"/{name}") for name in ("site", "private", ".cache"))


def test_build_out_into_a_folder_of_other_files_is_refused_and_into_its_own_output_again_allowed(repo, tmp_path):
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious")
    result = repo.run("build", "--site-only", "--out", str(mine), "--as-of", AS_OF)
    assert result.exit_code == 1 and "holds files cpdgen did not make" in result.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["thesis.docx"]
    out = tmp_path / "out"
    for _ in range(2):
        assert repo.run("build", "--site-only", "--out", str(out), "--as-of", AS_OF).exit_code == 0


def test_build_out_puts_the_output_where_asked(repo, tmp_path):
    result = repo.run("build", "--site-only", "--out", str(tmp_path / "elsewhere"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere" / "site" / "index.html").is_file()
    assert not (repo.root / "output").exists()


@pytest.mark.parametrize(
    ("out", "why"),
    [
        ("{tmp}/blocker/out", "{tmp}/blocker is not a folder"),
        ("/dev/null", "/dev/null is not a folder"),
        pytest.param(
            "/proc/cpdgen-out",
            "/proc takes no new files",
            marks=pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc"),
        ),
    ],
)
def test_build_out_where_no_folder_can_be_is_a_one_line_error(repo, tmp_path, out, why):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    result = repo.run("build", "--site-only", "--out", out.format(tmp=tmp_path), "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("cpdgen: ") and len(result.stderr.strip().splitlines()) == 1
    assert why.format(tmp=tmp_path) in result.stderr and "nothing was changed" in result.stderr
    assert blocker.read_text() == "a file"


def test_an_empty_repository_builds_a_site_that_says_so(repo):
    result = repo.run("build", "--site-only", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    home = (repo.root / "output" / "site" / "index.html").read_text(encoding="utf-8")
    assert "Jo Bloggs" in home and "No activities recorded yet." in home


def test_build_in_parallel_gives_the_same_site_as_serial(tmp_path, monkeypatch):
    import cpdgen.output.site as site_module

    repo = TmpRepo(tmp_path / "m")
    repo.write("records/profile.yaml", "name: Jo\n")
    for n in range(30):
        repo.write(
            f"records/activities/a{n}.yaml", f"title: A {n}\ntype: event\nstart: 2024-01-{n % 28 + 1:02}\nhours: 1\n"
        )
    assert repo.run("build", "--site-only", "--out", "serial", "--as-of", AS_OF).exit_code == 0
    monkeypatch.setattr(site_module, "PARALLEL_PAGES", 1)
    monkeypatch.setattr(site_module, "_CHUNK", 3)
    result = repo.run("build", "--site-only", "--out", "parallel", "--as-of", AS_OF, env={"CPDGEN_JOBS": "2"})
    assert result.exit_code == 0, result.output

    def files(folder):
        base = repo.root / folder / "site"
        return {p.relative_to(base): p.read_bytes() for p in base.rglob("*") if p.is_file()}

    assert files("parallel") == files("serial") and len(files("serial")) > 30


def test_help_and_validate_do_not_import_the_renderers():
    import subprocess
    import sys

    code = (
        "import sys; from click.testing import CliRunner; from cpdgen.cli import cli;"
        "CliRunner().invoke(cli, ['--help']); CliRunner().invoke(cli, ['validate', '--records', sys.argv[1]]);"
        "print(sorted(m for m in ('jinja2', 'markdown', 'nh3', 'weasyprint', 'watchfiles') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(DEMO_RECORDS)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_javascript_profile_link_is_shown_as_text_not_a_link(repo):
    repo.write(
        "records/profile.yaml",
        """\
        name: Jo
        links:
          - label: Evil
            url: "javascript:alert(1)"
          - label: Good
            url: https://example.org/
        """,
    )
    assert repo.run("build", "--site-only", "--as-of", AS_OF).exit_code == 0
    home = (repo.root / "output" / "site" / "index.html").read_text(encoding="utf-8")
    assert "javascript:" not in home and '<li><span class="button">Evil</span></li>' in home
    assert '<a class="button" href="https://example.org/" rel="me noopener noreferrer">Good <svg' in home


def test_build_on_a_terminal_shows_a_progress_bar_and_elsewhere_none(repo):
    import pty
    import subprocess
    import sys

    controller, terminal = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    process = subprocess.run(
        [sys.executable, "-m", "cpdgen", "build", "--site-only", "--as-of", AS_OF],
        cwd=repo.root,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        timeout=120,
    )
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    assert process.returncode == 0
    assert b"Building" in seen and b"Built " in seen
    piped = subprocess.run(
        [sys.executable, "-m", "cpdgen", "build", "--site-only", "--as-of", AS_OF],
        cwd=repo.root,
        capture_output=True,
        timeout=120,
    )
    assert b"Building" not in piped.stderr + piped.stdout and piped.stdout.startswith(b"Built ")


def test_the_feed_holds_completed_activities_and_is_dated_by_the_newest(repo):
    import xml.etree.ElementTree as ET

    repo.write("cpdgen.yaml", "policy: iet\nsite:\n  base_url: https://jo.example.org/cpd\n")
    repo.write("records/activities/done.yaml", "title: Done one\ntype: event\nstart: 2024-05-01\nhours: 1\n")
    repo.write(
        "records/activities/plan.yaml",
        "title: Planned one\ntype: event\nstart: 2027-01-01\nhours: 1\nstatus: planned\n",
    )
    assert repo.run("build", "--site-only", "--as-of", AS_OF).exit_code == 0
    feed = ET.parse(repo.root / "output" / "site" / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert [e.findtext(f"{atom}title") for e in feed.findall(f"{atom}entry")] == ["Done one"]
    assert feed.findtext(f"{atom}updated") == "2024-05-01T00:00:00Z"
    assert feed.find(f"{atom}entry/{atom}link").get("href") == "https://jo.example.org/cpd/activity/done.html"


def test_a_pdf_made_on_its_own_leaves_a_folder_the_next_build_may_replace(repo):
    from cpdgen.output.folders import MARKER

    made = repo.run("report", "activity", "--format", "pdf", "--year", "2025", "--as-of", AS_OF)
    assert made.exit_code == 0, made.output
    private = repo.root / "output" / "private"
    assert (private / MARKER).is_file() and private.stat().st_mode & 0o777 == 0o700
    result = repo.run("build", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (private / "cpd-activity-report-2025.pdf").is_file() and (private / "cv.pdf").is_file()


def test_an_activity_id_cannot_take_the_place_of_a_list_page(repo):
    for record_id in ("index", "tags", "page-2", "tag/okay/index", "year/2025/index", "type/self-study/index"):
        repo.write(
            f"records/activities/{record_id}.yaml",
            f'title: "COLLIDE {record_id}"\ntype: self-study\nstart: 2025-06-03\nhours: 1\ntags: [okay]\n',
        )
    assert repo.run("build", "--site-only", "--as-of", AS_OF).exit_code == 0
    site = repo.root / "output" / "site"
    assert "<h1>Activities</h1>" in (site / "activities" / "index.html").read_text(encoding="utf-8")
    assert "Activities by tag" in (site / "activities" / "tags.html").read_text(encoding="utf-8")
    for list_page in (
        "activities/tag/okay/index.html",
        "activities/year/2025/index.html",
        "activities/type/self-study/index.html",
    ):
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", (site / list_page).read_text(encoding="utf-8"), re.S)
        assert heading and "COLLIDE" not in heading[1]
    assert (site / "activity" / "index.html").is_file() and (
        site / "activity" / "tag" / "okay" / "index.html"
    ).is_file()


def test_tags_and_ids_that_slug_alike_or_run_long_build_pages_that_all_link(repo):
    long_id, long_tag = "l" * 300, "t" * 300
    repo.write(
        "records/activities/list.yaml",
        f'- id: {long_id}\n  title: "LONG"\n  type: event\n  start: 2025-06-01\n  hours: 1\n'
        f'  tags: ["X-6E0BE0", x, "x!", {long_tag}]\n'
        f'- id: {long_id}2\n  title: "LONGER"\n  type: event\n  start: 2025-06-02\n  hours: 1\n'
        f"  tags: [{long_tag}2]\n",
    )
    assert repo.run("validate").exit_code == 0
    result = repo.run("build", "--site-only", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    site = repo.root / "output" / "site"
    assert max(len(p.name) for p in site.rglob("*")) <= 80
    tags = _Links()
    tags.feed((site / "activities" / "tags.html").read_text(encoding="utf-8"))
    tag_pages = {href for href in tags.hrefs if "/tag/" in href}
    assert len(tag_pages) == 5
    headings = set()
    for href in tag_pages:
        page = (site / "activities" / href).resolve()
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
        headings.add(heading[1].strip())
    assert len(headings) == 5  # each tag its own page
    activity_pages = [p for p in (site / "activity").iterdir() if p.suffix == ".html"]
    assert len(activity_pages) == 2
    again = repo.run("build", "--site-only", "--as-of", AS_OF)
    assert again.exit_code == 0 and sorted((site / "activity").iterdir()) == sorted(activity_pages)


@pytest.mark.parametrize("unreadable_file", ["evidence/slides.pdf", "site_templates/home.html"])
def test_a_file_build_cannot_read_is_named_as_unreadable(repo, monkeypatch, unreadable_file):
    from helpers.failures import unreadable

    repo.write("cpdgen.yaml", "policy: iet\nsite:\n  publish:\n    evidence: true\n")
    repo.write("evidence/slides.pdf", b"%PDF-1.4\n%%EOF\n")
    repo.write("site_templates/home.html", '{% extends "builtin/home.html" %}\n')
    repo.write(
        "records/activities/a.yaml",
        "title: A\ntype: event\nstart: 2025-01-01\nhours: 1\nevidence: [evidence/slides.pdf]\n",
    )
    assert repo.run("build", "--site-only", "--as-of", AS_OF).exit_code == 0
    before = sorted(p.relative_to(repo.root) for p in repo.root.rglob("*"))
    unreadable(monkeypatch, repo.root / unreadable_file)
    result = repo.run("build", "--site-only", "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"cpdgen: cannot read {unreadable_file}: Permission denied"), result.stderr
    assert "write" not in result.stderr and "Traceback" not in result.output
    assert sorted(p.relative_to(repo.root) for p in repo.root.rglob("*")) == before


ONE_OF_EACH = {
    "records/activities/a.yaml": "title: A\ntype: event\nstart: 2025-01-01\nhours: 1\ntags: [t]\ncompetences: [A1]\n"
    "objectives: [goal]\n",
    "records/activities/p.yaml": "title: P\ntype: event\nstart: 2026-12-01\nhours: 1\nstatus: planned\n",
    "records/objectives/goal.yaml": "title: Goal\nstatus: in-progress\nactions:\n  - title: Do\n    status: done\n"
    "    done_on: 2025-02-01\n    activities: [a]\n",
}
ONE_PLURAL = re.compile(r"\b1 (?:[a-z]+ )?(activities|tags|objectives|actions|records|courses|items|files|areas)\b")


def test_counts_of_one_are_worded_in_the_singular_on_every_page(repo):
    for path, text in ONE_OF_EACH.items():
        repo.write(path, text)
    result = repo.run("build", "--site-only", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    found = []
    for page in (repo.root / "output" / "site").rglob("*.html"):
        text = " ".join(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")).split())
        found += [(page.name, m.group()) for m in ONE_PLURAL.finditer(text)]
        found += [(page.name, m) for m in re.findall(r'aria-label="1 activities"', page.read_text(encoding="utf-8"))]
    assert found == [], found


@pytest.mark.parametrize("template, text, line, reason", [
    ("home.html", '{% extends "builtin/home.html" %}\n{% block content %}{{ foo( }}{% endblock %}\n', 2, "unexpected"),
    ("home.html", "<p>\n{{ profile.nosuch }}\n</p>\n", 2, "has no attribute 'nosuch'"),
    ("item_entry.html", "{% if %}\n", 1, "Expected an expression"),
    ("activity.html", '{% extends "builtin/activity.html" %}{% block content %}\n\n{{ item.hours | nosuchfilter }}{% endblock %}', 3, "nosuchfilter"),
])  # fmt: skip
def test_a_mistake_in_a_members_template_is_reported_at_its_line(repo, template, text, line, reason):
    repo.write("records/activities/a.yaml", "title: A\ntype: event\nstart: 2024-01-01\nhours: 1\n")
    repo.write(f"site_templates/{template}", text)
    result = repo.run("build", "--site-only", "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"cpdgen: site_templates/{template}:{line}: error in your template:")
    assert reason in result.stderr and "internal error" not in result.stderr
    assert not (repo.root / "output" / "site").exists()


def test_a_mistake_in_a_members_pdf_template_is_reported_at_its_line(repo):
    repo.write("site_templates/pdf/cv.html", "<html>\n{{ member.nosuch.deeper }}\n</html>\n")
    result = repo.run("report", "activity", "--format", "pdf", "--year", "2025", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output  # the activity report does not use cv.html
    result = repo.run("build", "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("cpdgen: site_templates/pdf/cv.html:2: error in your template:")


@pytest.mark.parametrize("args", [
    ("build", "--site-only", "--out", "records"),
    ("build", "--site-only", "--out", "records/activities/out"),
    ("report", "activity", "--format", "pdf", "--year", "2025", "-o", "records/report.pdf"),
    ("report", "activity", "--format", "pdf", "--year", "2025", "-o", "records"),
])  # fmt: skip
def test_no_output_is_ever_written_inside_records(repo, args):
    before = sorted(p.relative_to(repo.root) for p in repo.root.rglob("*"))
    result = repo.run(*args, "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert "inside the records folder" in result.stderr
    assert sorted(p.relative_to(repo.root) for p in repo.root.rglob("*")) == before


def test_a_static_link_leading_out_is_refused_and_inside_links_are_copied(repo):
    static = repo.root / "site_templates" / "static"
    static.mkdir(parents=True)
    (static / "extra.css").write_text("body { color: black; }")
    (static / "alias.css").symlink_to("extra.css")
    assert repo.run("build", "--site-only", "--as-of", AS_OF).exit_code == 0
    site = repo.root / "output" / "site" / "static"
    assert (site / "alias.css").read_text() == "body { color: black; }" and not (site / "alias.css").is_symlink()
    assert (site / "style.css").is_file()  # the built-in one is still there
    (static / "recs").symlink_to(repo.records)
    result = repo.run("build", "--site-only", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "site_templates/static/recs is a link that leads out of its static/ folder" in result.stderr
    assert not (repo.root / "output" / "site" / "static" / "recs").exists()


def test_a_dangling_static_link_is_a_one_line_error(repo):
    static = repo.root / "site_templates" / "static"
    static.mkdir(parents=True)
    (static / "gone.css").symlink_to(static / "missing.css")
    result = repo.run("build", "--site-only", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stderr.startswith("cpdgen: cannot copy site_templates/static/gone.css: No such file or directory")


def test_base_url_must_be_a_web_address(repo):
    repo.write("cpdgen.yaml", 'policy: iet\nsite:\n  base_url: "javascript:alert(1)//"\n')
    result = repo.run("build", "--site-only", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "cpdgen.yaml:3:13: error: 'site.base_url'" in result.stderr and "^https?://" in result.stderr
    assert not (repo.root / "output").exists()


def test_later_progress_on_an_objective_leaves_a_submitted_year_complete(tmp_path):
    """The demo's 2024 is submitted; an objective of it achieved (or deferred)
    later changes the live planning report, but not the year as submitted."""
    import json

    root = tmp_path / "demo"
    shutil.copytree(DEMO_RECORDS, root / "records")
    shutil.copy(DEMO_RECORDS.parent / "cpdgen.yaml", root / "cpdgen.yaml")
    shutil.copytree(DEMO_RECORDS.parent / "evidence", root / "evidence")
    repo = TmpRepo(root)
    target = repo.records / "objectives" / "grid-connections-currency.yaml"
    text = target.read_text(encoding="utf-8")
    assert "status: achieved" in text
    target.write_text(text.replace("status: achieved", "status: deferred"), encoding="utf-8")
    assert repo.run("validate", "--as-of", AS_OF).exit_code == 0  # not an edit of the submitted year
    status = json.loads(
        repo.run("declaration", "status", "--year", "2024", "--format", "json", "--as-of", AS_OF).stdout
    )
    assert all(item["complete"] for item in status["items"] if item["mandatory"]), status["items"]
    # an edit the submission covers still shows
    import re

    activity = sorted((repo.records / "activities" / "2024").glob("*.yaml"))[1]
    activity.write_text(
        re.sub(r"^hours: .*$", "hours: 0.25", activity.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8"
    )
    checked = repo.run("validate", "--as-of", AS_OF)
    assert checked.exit_code == 1 and "since the 2024 declaration submitted" in checked.stdout


def test_pdf_output_paths_are_checked(repo, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = repo.run("report", "activity", "--format", "pdf", "--year", "2025", "-o", str(fifo), "--as-of", AS_OF)
    assert result.exit_code == 1 and "is not a regular file" in result.stderr
    assert fifo.is_fifo()
    result = repo.run("report", "activity", "--format", "pdf", "--year", "2025", "-o", "newdir/", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (repo.root / "newdir" / "cpd-activity-report-2025.pdf").is_file()
    (repo.root / "output" / "private").mkdir(parents=True)  # empty: cpdgen may take it
    result = repo.run("report", "activity", "--format", "pdf", "--year", "2025", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert repo.run("build", "--as-of", AS_OF).exit_code == 0


def test_an_upload_pdf_over_the_size_limit_is_a_warning(repo, monkeypatch):
    from cpdgen.compute.documents import too_big_to_upload as real
    from cpdgen.output import build, pdfs

    for module in (build, pdfs):  # the two places output sizes are judged
        monkeypatch.setattr(
            module, "too_big_to_upload", lambda document, size, policy: real(document, size * 1000, policy)
        )  # as if 1,000 times larger
    result = repo.run("report", "activity", "--format", "pdf", "--year", "2025", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert "warning: cpd-activity-report-2025.pdf" not in result.stdout
    assert "upload form takes documents under 500,000 bytes" in result.stderr
    built = repo.run("build", "--as-of", AS_OF)
    assert built.exit_code == 0
    assert "warning: private/cv.pdf is " in built.stderr and "private/cpd-declaration" not in built.stderr
