"""The site's building blocks (page plan, chart, templates, cache, atomic
folder swap) and `cpdgen build` through the command line."""

from __future__ import annotations

import html.parser
import os
import shutil
from datetime import date

import pytest

from cpdgen.common.errors import UserError
from cpdgen.compute.hours import Hours
from cpdgen.output.cache import BuildCache, key_of
from cpdgen.output.folders import FolderSwap
from cpdgen.render.chart import axis, hours_chart
from cpdgen.render.site_plan import PER_PAGE, Page, objective_anchor, plan_site, safe_name
from cpdgen.render.templating import date_span, environment, long_date, month_year, words
from cpdgen.validation.settings import default_policy

from helpers.paths import DEMO_RECORDS
from helpers.records import act, course, objective, recs
from helpers.repos import TmpRepo, run_in

AS_OF = "2026-11-28"


# ---- the page plan ------------------------------------------------------------


def test_list_pages_hold_at_most_per_page_items_and_link_in_a_chain():
    items = [act(f"a{n:03}", start=f"2024-01-{1 + n % 28:02}") for n in range(PER_PAGE * 2 + 5)]
    pages = plan_site(recs(*items), default_policy())
    all_pages = [
        p
        for p in pages
        if p.path.startswith("activities/") and p.template == "activity_list.html" and p.context["view"] == "all"
    ]
    assert [p.path for p in all_pages] == ["activities/index.html", "activities/page-2.html", "activities/page-3.html"]
    assert [len(p.context["items"]) for p in all_pages] == [PER_PAGE, PER_PAGE, 5]
    assert all_pages[0].context["pager"]["next"] == "activities/page-2.html"
    assert all_pages[1].context["pager"]["previous"] == "activities/index.html"
    assert all_pages[2].context["pager"]["next"] is None
    shown = [s["item"].id for p in all_pages for s in p.context["items"]]
    assert sorted(shown) == sorted(i.id for i in items)  # every item once


def test_an_activity_and_a_course_with_the_same_id_get_two_pages():
    pages = plan_site(recs(act("2024/x"), course("2024/x")), default_policy())
    own = sorted(p.path for p in pages if p.template == "activity.html")
    assert own == ["activity/2024/x.html", "training/2024/x.html"]


def test_ids_that_slug_alike_get_distinct_file_names():
    pages = plan_site(recs(act("a b"), act("a?b"), act("A-B")), default_policy())
    paths = [p.path for p in pages if p.template == "activity.html"]
    assert len(set(paths)) == 3
    assert all(all(c.isalnum() or c in "/._-" for c in path) for path in paths)


def test_a_page_root_leads_back_to_the_site_root():
    assert Page("index.html", "home.html").root == ""
    assert Page("activities/2024/x.html", "activity.html").root == "../../"


def test_slug_keeps_names_safe():
    assert safe_name("IET Lecture: 2025!") == "iet-lecture-2025"
    assert safe_name("../..") == "x"
    assert safe_name("") == "x"


def test_objective_anchors_are_distinct_for_ids_that_slug_alike():
    assert objective_anchor("a b") != objective_anchor("a-b")


def test_a_changed_record_changes_only_the_keys_of_pages_showing_it():
    policy = default_policy()
    before = {
        p.path: p.fingerprint() for p in plan_site(recs(act("x", title="Old"), act("y", start="2023-01-01")), policy)
    }
    after = {
        p.path: p.fingerprint() for p in plan_site(recs(act("x", title="New"), act("y", start="2023-01-01")), policy)
    }
    changed = {path for path in before if before[path] != after[path]}
    assert "activity/x.html" in changed and "activity/y.html" not in changed
    assert "activities/year/2023/index.html" not in changed
    assert "activities/year/2024/index.html" in changed
    assert "planning.html" not in changed  # x serves no objective


def test_planning_changes_when_an_activity_linked_only_from_an_action_is_renamed():
    plan = objective("grow", actions=[{"title": "Do it", "status": "done", "activities": ["x"]}])
    policy = default_policy()
    before = {p.path: p.fingerprint() for p in plan_site(recs(act("x", title="Old"), plan), policy)}
    after = {p.path: p.fingerprint() for p in plan_site(recs(act("x", title="New"), plan), policy)}
    assert before["planning.html"] != after["planning.html"]


def test_a_new_tag_or_year_changes_the_list_pages_but_not_other_activity_pages():
    policy = default_policy()
    old = recs(act("x", start="2024-01-01"), act("y", start="2024-02-01"))
    new = recs(act("x", start="2024-01-01"), act("y", start="2024-02-01"), act("z", start="2020-01-01"))
    before = {p.path: p.fingerprint() for p in plan_site(old, policy)}
    after = {p.path: p.fingerprint() for p in plan_site(new, policy)}
    assert before["activity/x.html"] == after["activity/x.html"]
    assert before["activities/index.html"] != after["activities/index.html"]  # lists the new year


def test_planning_links_activities_that_serve_an_objective():
    plan = objective("grow", actions=[{"title": "Do it", "status": "done", "activities": ["x"]}])
    pages = plan_site(recs(act("x", objectives=["grow"]), plan), default_policy())
    planning = next(p for p in pages if p.path == "planning.html")
    (entry,) = planning.context["objectives"]
    assert entry["done"] == 1 and entry["total"] == 1
    assert [item.id for item, _ in entry["served_by"]] == ["x"]
    assert [item.id for item, _ in entry["actions"][0]["activities"]] == ["x"]


# ---- the chart ------------------------------------------------------------------


@pytest.mark.parametrize("value, top", [(1, 1), (8, 8), (29.5, 30), (43.5, 50), (101, 120), (450, 500)])
def test_axis_reaches_the_value_in_round_steps(value, top):
    found, intervals = axis(value)
    assert found == pytest.approx(top) and found >= value and 1 <= intervals <= 6


def test_chart_has_a_bar_per_category_with_hours_and_an_accessible_name():
    policy = default_policy()
    keys = policy.category_keys
    years = [Hours(2024, {k: (2.0 if k == keys[0] else 0.0) for k in keys}), Hours(2025, dict.fromkeys(keys, 1.5))]
    svg = str(hours_chart(years, policy))
    assert 'role="img"' in svg and '<title id="chart-title">' in svg and "<desc" in svg
    assert svg.count("<rect") == 1 + len(keys) + len(keys)  # 2024: one bar; 2025: all; plus the legend swatches
    assert "2025, Training: 1.5 h" in svg


def test_chart_escapes_category_labels():
    from dataclasses import replace

    policy = default_policy()
    hostile = replace(policy, categories=tuple(replace(c, label=c.label + "<script>") for c in policy.categories))
    svg = str(hours_chart([Hours(2024, dict.fromkeys(policy.category_keys, 1.0))], hostile))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


# ---- templates ------------------------------------------------------------------


def test_member_templates_override_and_extend_the_builtin_ones(tmp_path):
    (tmp_path / "site_templates").mkdir()
    (tmp_path / "site_templates" / "tags.html").write_text(
        '{% extends "builtin/tags.html" %}{% block title %}MINE{% endblock %}', encoding="utf-8"
    )
    env = environment(tmp_path, globals_={"site": {"title": "T", "base_url": None}, "profile": None})
    page = Page("activities/tags.html", "tags.html", title="Tags")
    out = env.get_template("tags.html").render(page=page, root="../", tags=[])
    assert "<title>MINE</title>" in out and "Activities by tag" in out


def test_templates_escape_record_text_and_never_evaluate_it(tmp_path):
    env = environment(None)
    out = env.from_string("{{ text }}|{{ md | markdown }}").render(
        text="<b>{{ 7*7 }}</b>", md="{{ 7*7 }} <script>x</script>"
    )
    assert "&lt;b&gt;" in out and "49" not in out and "<script>" not in out


def test_dates_read_as_the_body_writes_them():
    assert long_date(date(2025, 3, 4)) == "4 March 2025"
    assert month_year(date(2019, 3, 1)) == "March 2019"
    assert date_span(date(2025, 2, 4), date(2025, 2, 6)) == "4–6 February 2025"
    assert date_span(date(2025, 1, 30), date(2025, 2, 2)) == "30 January – 2 February 2025"
    assert date_span(date(2024, 12, 30), date(2025, 1, 2)) == "30 December 2024 – 2 January 2025"
    assert words("in-progress") == "In progress"


# ---- the build cache and the folder swap ------------------------------------------


def test_cache_reuses_a_file_only_when_its_key_is_unchanged(tmp_path):
    previous, staging, cache_file = tmp_path / "prev", tmp_path / "stage", tmp_path / "cache.json"
    (previous / "a").mkdir(parents=True)
    (previous / "a" / "p.html").write_text("old page")
    first = BuildCache(cache_file, previous)
    first.record("a/p.html", key_of("v1"))
    first.save()
    second = BuildCache(cache_file, previous)
    assert not second.reuse("a/p.html", key_of("v2"), staging)
    assert second.reuse("a/p.html", key_of("v1"), staging)
    assert (staging / "a" / "p.html").read_text() == "old page" and second.reused == 1
    second.forget()
    assert not cache_file.exists()
    assert BuildCache(cache_file, previous).previous == {}


@pytest.mark.parametrize("content", ["not json", '{"version": 0, "files": {}}', '["x"]'])
def test_a_broken_or_foreign_cache_file_is_ignored(tmp_path, content):
    (tmp_path / "c.json").write_text(content)
    assert BuildCache(tmp_path / "c.json", tmp_path).previous == {}


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_folder_swap_replaces_the_folders_only_on_success(tmp_path):
    from cpdgen.output.folders import MARKER

    with FolderSwap([tmp_path / "site"]) as (staging,):
        (staging / "old.html").write_text("old")
    assert _names(tmp_path / "site") == [MARKER, "old.html"]
    with pytest.raises(RuntimeError), FolderSwap([tmp_path / "site"]) as (staging,):
        (staging / "new.html").write_text("new")
        raise RuntimeError("half-way")
    assert _names(tmp_path) == ["site"]
    assert _names(tmp_path / "site") == [MARKER, "old.html"]
    with FolderSwap([tmp_path / "site"]) as (staging,):
        (staging / "new.html").write_text("new")
    assert _names(tmp_path) == ["site"]
    assert _names(tmp_path / "site") == [MARKER, "new.html"]


def test_folder_swap_never_replaces_a_folder_of_the_users(tmp_path):
    mine = tmp_path / "site"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious")
    with pytest.raises(UserError, match="holds files cpdgen did not make"), FolderSwap([mine]) as (staging,):
        (staging / "index.html").write_text("x")
    assert _names(mine) == ["thesis.docx"] and _names(tmp_path) == ["site"]
    (tmp_path / "empty").mkdir()
    with FolderSwap([tmp_path / "empty"]) as (staging,):  # an empty folder may be replaced
        (staging / "index.html").write_text("x")
    assert "index.html" in _names(tmp_path / "empty")


def test_folder_swap_refuses_to_replace_a_file(tmp_path):
    (tmp_path / "site").write_text("mine")
    with pytest.raises(UserError, match="not a folder cpdgen made"), FolderSwap([tmp_path / "site"]) as (staging,):
        (staging / "x").write_text("x")
    assert (tmp_path / "site").read_text() == "mine"
    assert _names(tmp_path) == ["site"]


def test_folder_swap_puts_every_folder_back_when_one_cannot_be_replaced(tmp_path, monkeypatch):
    from cpdgen.output import folders

    for name in ("site", "private"):
        with FolderSwap([tmp_path / name]) as (staging,):
            (staging / "v1").write_text("1")
    real = os.replace
    calls = []

    def failing(source, target):
        calls.append((source, target))
        if len(calls) == 4:  # site swapped in; private's staging rename fails
            raise OSError(28, "No space left on device")
        return real(source, target)

    monkeypatch.setattr(folders.os, "replace", failing)
    with (
        pytest.raises(UserError, match="No space left on device; the previous output is unchanged"),
        FolderSwap([tmp_path / "site", tmp_path / "private"]) as stagings,
    ):
        for staging in stagings:
            (staging / "v2").write_text("2")
    monkeypatch.setattr(folders.os, "replace", real)
    assert _names(tmp_path) == ["private", "site"]
    for name in ("site", "private"):
        assert "v1" in _names(tmp_path / name) and "v2" not in _names(tmp_path / name)


def test_build_out_never_deletes_folders_of_the_users(repo, tmp_path):
    out = tmp_path / "mystuff"
    (out / "site").mkdir(parents=True)
    (out / "site" / "thesis.docx").write_text("precious")
    result = repo.run("build", "--site-only", "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "holds files cpdgen did not make" in result.stderr and "Traceback" not in result.output
    assert (out / "site" / "thesis.docx").read_text() == "precious"
    assert _names(out / "site") == ["thesis.docx"]


# ---- cpdgen build ---------------------------------------------------------------


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


def test_build_out_puts_the_output_where_asked(repo, tmp_path):
    result = repo.run("build", "--site-only", "--out", str(tmp_path / "elsewhere"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere" / "site" / "index.html").is_file()
    assert not (repo.root / "output").exists()


def test_build_out_onto_a_file_is_a_one_line_error(repo, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    result = repo.run("build", "--site-only", "--out", str(blocker / "out"), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stderr.startswith("cpdgen: ") and len(result.stderr.strip().splitlines()) == 1
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


@pytest.mark.parametrize("url, kept", [
    ("https://example.org/", True), ("HTTP://EXAMPLE.ORG", True), ("mailto:jo@example.org", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("data:text/html,x", False), ("vbscript:x", False),
    ("", False), (None, False),
])  # fmt: skip
def test_safe_url_keeps_web_and_mail_addresses_only(url, kept):
    from cpdgen.render.markup import safe_url

    assert safe_url(url) == (url if kept else None)


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
    assert "javascript:" not in home and "<li>Evil</li>" in home
    assert '<a href="https://example.org/" rel="noopener noreferrer">Good</a>' in home


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


def test_the_site_folder_is_readable_by_others_and_the_private_one_is_not(tmp_path):
    old = os.umask(0o022)
    try:
        with FolderSwap([tmp_path / "site", tmp_path / "private"], private={tmp_path / "private"}) as (site, private):
            (site / "index.html").write_text("x")
            (private / "a.pdf").write_text("x")
    finally:
        os.umask(old)
    assert (tmp_path / "site").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "private").stat().st_mode & 0o777 == 0o700


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
    assert "<h1>All activities</h1>" in (site / "activities" / "index.html").read_text(encoding="utf-8")
    assert "Activities by tag" in (site / "activities" / "tags.html").read_text(encoding="utf-8")
    for list_page in (
        "activities/tag/okay/index.html",
        "activities/year/2025/index.html",
        "activities/type/self-study/index.html",
    ):
        assert "COLLIDE" not in (site / list_page).read_text(encoding="utf-8").split("<h1>")[1].split("</h1>")[0]
    assert (site / "activity" / "index.html").is_file() and (
        site / "activity" / "tag" / "okay" / "index.html"
    ).is_file()


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


def test_public_view_drops_extra_and_gates_objective_reviews_with_reflections():
    from dataclasses import replace

    from cpdgen.compute.public import PublishRules, public_view

    plan = replace(objective("grow"), review="How it went", extra={"salary": "secret"})
    item = replace(act("x"), extra={"note": "secret"}, reflection="Thoughts")
    hidden = public_view(recs(item, plan), PublishRules())
    assert hidden.objectives[0].review is None and hidden.objectives[0].extra == {}
    assert hidden.activities[0].extra == {} and hidden.activities[0].reflection is None
    shown = public_view(recs(item, plan), PublishRules(reflections=True))
    assert shown.objectives[0].review == "How it went" and shown.activities[0].reflection == "Thoughts"
    assert shown.objectives[0].extra == {}


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
