"""The site is accessible as axe-core judges it: every kind of page of the
demo site (each template, each filter), at 1280 px and 390 px, in the light
and the dark scheme, has no violation. axe-core is the npm package's axe.min.js (`.ci/run` installs it
into a cache folder; `AXE_CORE_JS` names another copy), injected through
Playwright into Debian's Chromium; no browser is downloaded.

Also what axe cannot see: the chart's text renders at 12 px or more on a
phone, its colours are 3:1 against the chart's background in both schemes,
and the hours table scrolls inside its own box (never the page)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from helpers.contrast import contrast
from helpers.site import build, copy_demo, html_pages

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")

AXE_PLACES = (
    os.environ.get("AXE_CORE_JS", ""),
    str(
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        / "cpdgen-ci/axe/node_modules/axe-core/axe.min.js"
    ),
    "/usr/share/nodejs/axe-core/axe.min.js",
)
AXE = next((Path(p) for p in AXE_PLACES if p and Path(p).is_file()), None)
if AXE is None:
    if os.environ.get("CI"):
        raise RuntimeError(
            "axe-core is missing: .ci/run installs it (npm install axe-core) into ~/.cache/cpdgen-ci/axe"
        )
    pytest.skip("axe-core's axe.min.js is not installed (see .ci/run)", allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("axe-demo")
    build(copy_demo(base / "member", base_url="https://sian.example.org/cpd/"), base / "out")
    return base / "out" / "site"


def every_kind_of_page(site: Path) -> list[Path]:
    """Every page whose template stands alone, and of each kind that has many
    pages (activity pages, list pages by type, year, tag, competence) the
    first two and the last: each template and each filter at least twice."""
    groups: dict[tuple[str, ...], list[Path]] = {}
    for path in html_pages(site):
        parts = path.relative_to(site).parts
        kind = (parts[0], parts[1]) if parts[0] == "activities" and len(parts) > 2 else (parts[0], str(len(parts)))
        groups.setdefault(kind, []).append(path)
    chosen = []
    for pages in groups.values():
        chosen += pages if len(pages) <= 3 else [*pages[:2], pages[-1]]
    return sorted(chosen)


def _violations(browser, site: Path, pages: list[Path], width: int) -> list[str]:
    """axe's violations on each page in both schemes: the page is loaded
    once and its colour scheme switched, which is what the media query sees."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    found = []
    try:
        for path in pages:
            page.emulate_media(color_scheme="light")
            page.goto(path.as_uri(), wait_until="load")
            page.add_script_tag(path=str(AXE))
            # The theme fades colours on hover; off, so axe sees each scheme's final colours, not a fade.
            page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                result = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                    ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"
                )
                found += [f"{path.relative_to(site)} @{width} {scheme}: {v}" for v in result]
    finally:
        context.close()
    return found


def test_every_kind_of_page_is_checked(demo):
    pages = {path.relative_to(demo).as_posix() for path in every_kind_of_page(demo)}
    assert {"index.html", "cv.html", "planning.html", "competences.html", "search.html"} <= pages
    for prefix in ("activity/", "training/", "years/", "activities/type/", "activities/tag/", "activities/competence/"):
        assert sum(1 for name in pages if name.startswith(prefix)) >= 2, prefix


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_on_any_kind_of_page(browser, demo, width):
    assert _violations(browser, demo, every_kind_of_page(demo), width) == []


_RGB = "c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number)"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_chart_is_legible_on_a_phone(browser, demo, scheme):
    """At 390 px: every chart text at 12 px or more as rendered, every bar
    colour 3:1 against the card it sits on, neighbours in a bar apart by
    3:1 or a gap of the card's colour, and the table scrolls in its box."""
    context = browser.new_context(viewport={"width": 390, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        for name in ("index.html", "years/2025.html"):
            page.goto((demo / name).as_uri())
            sizes = page.eval_on_selector_all(
                "svg.chart text",
                "els => els.map(e => e.getBoundingClientRect().height && parseFloat(getComputedStyle(e).fontSize))",
            )
            assert sizes and min(sizes) >= 12, (name, sizes)
            heights = page.eval_on_selector_all("svg.chart text", "els => els.map(e => e.getBBox().height)")
            assert min(heights) >= 12, (name, heights)  # the glyphs' box, as drawn (no viewBox scaling)
            card = page.evaluate(
                f"(({_RGB}))(getComputedStyle(document.querySelector('svg.chart').closest('.card')).backgroundColor)"
            )
            segments = page.eval_on_selector_all(
                "svg.chart rect.seg",
                f"els => els.map(e => [({_RGB})(getComputedStyle(e).fill), ({_RGB})(getComputedStyle(e).stroke), "
                "parseFloat(getComputedStyle(e).strokeWidth), e.parentNode === els[0].parentNode])",
            )
            assert segments
            for fill, stroke, stroke_width, _ in segments:
                assert contrast(tuple(fill), tuple(card)) >= 3, (name, scheme, fill, card)
                assert tuple(stroke) == tuple(card) and stroke_width >= 2, (name, stroke, stroke_width)
        page.goto((demo / "index.html").as_uri())
        scroller = page.evaluate(
            "(() => { const s = document.querySelector('.table-scroll'); const t = s.querySelector('table');"
            " return [s.clientWidth, t.scrollWidth, getComputedStyle(s).overflowX, s.tabIndex,"
            " document.documentElement.scrollWidth, innerWidth]; })()"
        )
        box, table, overflow, tab_index, page_width, viewport = scroller
        assert overflow == "auto" and tab_index == 0  # it scrolls, and a keyboard can scroll it
        assert page_width <= viewport  # the page itself never scrolls sideways
        if table > box:
            assert page.is_visible(".scroll-hint")  # and says so on a phone
    finally:
        context.close()


def test_axe_finds_no_violation_in_the_published_progress_with_each_body(browser, tmp_path):
    """The home page's cards per body (shown only with site.publish.compliance), both widths and schemes."""
    repo = copy_demo(tmp_path / "member")
    settings = yaml.safe_load((repo.root / "cpdgen.yaml").read_text("utf-8"))
    settings["policies"] = ["iet", {"policy": "texas-pe", "renewal": "2026-06-30"}, "engineers-australia"]
    del settings["policy"]
    settings["site"]["publish"]["compliance"] = True
    (repo.root / "cpdgen.yaml").write_text(yaml.safe_dump(settings), "utf-8")
    build(repo, tmp_path / "out")
    site = tmp_path / "out" / "site"
    assert "body-card" in (site / "index.html").read_text("utf-8")
    for width in WIDTHS:
        assert _violations(browser, site, [site / "index.html"], width) == []
