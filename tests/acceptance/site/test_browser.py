"""The site in a real browser (issue 4 "Tests"): Debian's Chromium driven by
Playwright, pages opened from file:// with JavaScript off and on. No console
error, no failed request, no request to any host, internal links resolve;
the hostile corpus fires no dialog; the home page fits a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.hostile import write_hostile
from helpers.site import build, copy_demo, html_pages, is_external, new_repo, write_yaml

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("browser-demo")
    build(copy_demo(base / "member", base_url="https://sian.example.org/cpd/"), base / "out")
    return base / "out" / "site"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("browser-hostile")
    build(write_hostile(base / "member"), base / "out")
    return base / "out" / "site"


class Watch:
    """Everything a page does that it should not."""

    def __init__(self, page) -> None:
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", self._failed)
        page.on("request", lambda r: r.url.startswith("file://") or self.problems.append(f"request: {r.url}"))
        page.on("dialog", self._dialog)

    def _failed(self, request) -> None:
        # Chromium drops a favicon it was still fetching when the test moves to
        # the next page; the icon's file is there (the links test checks it).
        if request.url.endswith("/static/favicon.svg") and "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"failed: {request.url} {request.failure}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def _visit_all(browser, site: Path, *, javascript: bool) -> tuple[Watch, dict[str, list[tuple[str, str]]]]:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    watch = Watch(page)  # any request that is not file:// is reported by Watch
    links: dict[str, list[tuple[str, str]]] = {}
    try:
        for path in html_pages(site):
            page.goto(path.as_uri(), wait_until="load")
            # Read the links from the DOM the browser built (hrefs as written, and as resolved).
            hrefs = (
                page.eval_on_selector_all("a[href]", "els => els.map(e => [e.getAttribute('href'), e.href])")
                if javascript
                else _links_without_js(page)
            )
            links[path.relative_to(site).as_posix()] = [tuple(h) for h in hrefs]
    finally:
        context.close()
    return watch, links


def _links_without_js(page) -> list[tuple[str, str]]:
    from urllib.parse import urljoin

    from helpers.site import parse_html

    doc = parse_html(page.content())
    return [(a.get("href"), urljoin(page.url, a.get("href"))) for a in doc.find_all("a") if a.get("href") is not None]


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_every_demo_page_loads_cleanly_from_file(browser, demo, javascript):
    watch, links = _visit_all(browser, demo, javascript=javascript)
    assert len(links) == len(html_pages(demo)) > 100
    assert watch.problems == []
    assert watch.dialogs == []
    from urllib.parse import unquote, urlsplit

    broken = []
    ids_cache: dict[Path, set[str]] = {}
    for name, hrefs in links.items():
        for written, resolved in hrefs:
            if is_external(written):
                continue
            parts = urlsplit(resolved)
            assert parts.scheme == "file", (name, written)
            target = Path(unquote(parts.path))
            if not target.is_file():
                broken.append((name, written))
                continue
            if parts.fragment:
                if target not in ids_cache:
                    from helpers.site import ids_of

                    ids_cache[target] = ids_of(target)
                if unquote(parts.fragment) not in ids_cache[target]:
                    broken.append((name, written))
    assert broken == []


def test_the_hostile_corpus_fires_no_dialog(browser, hostile):
    watch, links = _visit_all(browser, hostile, javascript=True)
    assert len(links) > 20
    assert watch.dialogs == []
    assert [p for p in watch.problems if not p.startswith("console")] == []  # no request anywhere


def test_events_on_hostile_pages_fire_no_dialog(browser, hostile):
    """Event handlers would fire on hover, focus, click of a non-link, toggle;
    there must be none to fire."""
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page)
    try:
        for name in ("index.html", "planning.html", "cv.html", "activity/plain.html"):
            page.goto((hostile / name).as_uri())
            page.evaluate("""() => { for (const e of document.querySelectorAll('main *')) {
                for (const type of ['mouseover', 'mouseenter', 'focus', 'toggle', 'load', 'error'])
                    e.dispatchEvent(new Event(type));
                if (e.tagName !== 'A' && e.click) e.click();
                if (e.focus) e.focus(); } }""")
            page.wait_for_timeout(50)
    finally:
        context.close()
    assert watch.dialogs == []


def _overflowing(browser, site: Path, names) -> list[tuple[str, int]]:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    wide = []
    try:
        for name in names:
            page.goto((site / name).as_uri())
            width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if width > inner:
                wide.append((name, width))
    finally:
        context.close()
    return wide


def test_home_page_fits_a_phone(browser, demo):
    assert _overflowing(browser, demo, ["index.html"]) == []


def test_most_pages_fit_a_phone(browser, demo):
    names = [
        "cv.html",
        "years/2025.html",
        "activities/index.html",
        "activities/tags.html",
        "training/2025/2025-11-04-iec-62443-essentials.html",
    ]
    assert _overflowing(browser, demo, names) == []


def test_planning_fits_a_phone(browser, demo):
    assert _overflowing(browser, demo, ["planning.html"]) == []


def test_competences_fits_a_phone(browser, demo):
    """Its tables scroll inside their own frames, hidden words included (hours per area and year)."""
    assert _overflowing(browser, demo, ["competences.html"]) == []


def test_pages_of_a_very_long_tag_and_id_fit_a_phone(browser, tmp_path):
    repo = new_repo(tmp_path / "member")
    long_tag = "t" * 300
    activity = {"id": "l" * 300, "title": "x" * 200, "type": "event", "start": "2025-06-01", "hours": 1,
                "tags": [long_tag, "short"]}  # fmt: skip
    write_yaml(repo, "records/activities/list.yaml", [activity])
    build(repo, tmp_path / "out")
    site = tmp_path / "out" / "site"
    names = [
        p.relative_to(site).as_posix()
        for p in html_pages(site)
        if "/tag/" in p.as_posix() or "activity/" in p.as_posix()
    ]
    assert len(names) == 3
    assert _overflowing(browser, site, [*names, "activities/tags.html", "activities/index.html", "index.html"]) == []


def test_clicking_a_profile_link_runs_no_script(browser, tmp_path):
    repo = new_repo(
        tmp_path / "member",
        profile={"name": "Jo", "links": [{"label": "My homepage", "url": "javascript:alert(document.domain)"}]},
    )
    write_yaml(repo, "records/activities/a.yaml", {"title": "A", "type": "event", "start": "2025-01-01", "hours": 1})
    build(repo, tmp_path / "out")
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page)
    try:
        page.goto((tmp_path / "out" / "site" / "index.html").as_uri())
        page.click("text=My homepage")
        page.wait_for_timeout(200)
    finally:
        context.close()
    assert watch.dialogs == []
