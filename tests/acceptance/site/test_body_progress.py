"""The home page's progress with each body: shown only when cpdgen.yaml
publishes it (site.publish.compliance), counted from the public records
only, checked in the HTML and in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.site import activity, build, new_repo, parse_file, write_yaml

SETTINGS = {
    "policies": ["iet", {"policy": "texas-pe", "renewal": "2026-06-30"}],
    "site": {"publish": {"compliance": True}},
}


def member(root: Path, settings: dict):
    repo = new_repo(root, settings)
    write_yaml(repo, "records/activities/a.yaml", activity("Public seminar", start="2026-02-01", hours=6))
    write_yaml(repo, "records/activities/b.yaml", activity("Ethics", start="2026-03-01", hours=1.5, tags=["ethics"]))
    write_yaml(repo, "records/activities/c.yaml", activity("Private", start="2026-04-01", hours=8, private=True))
    return repo


def progress_section(site: Path):
    home = parse_file(site / "index.html")
    return next((n for n in home.find_all("section") if n.get("aria-labelledby") == "bodies-heading"), None)


def test_published_progress_shows_each_body_from_public_records(tmp_path: Path):
    repo = member(tmp_path / "member", SETTINGS)
    build(repo, tmp_path / "out")  # --as-of 2026-11-28
    section = progress_section(tmp_path / "out/site")
    assert section is not None
    cards = [li for li in section.find_all("li") if "body-card" in (li.get("class") or "")]
    assert [card.find("h3").text() for card in cards] == [
        "The Institution of Engineering and Technology",
        "Texas Board of Professional Engineers and Land Surveyors",
    ]
    iet, texas = (" ".join(card.text().split()) for card in cards)
    assert "7.5 of 30.0 h" in iet  # 6 + 1.5: the private 8 hours are not on the site
    assert "until 31 December 2026" in iet and "behind" in iet
    assert "2026-07-01 – 2027-06-30" in texas and "0.0 of 15.0 PDH" in texas
    assert "Ethics, roles and the Act: 0.0 of 1.0" in texas
    bars = [card.find("progress") for card in cards]
    assert [bar.get("value") for bar in bars] == ["25.0", "0.0"]


def test_not_published_by_default(tmp_path: Path):
    settings = {"policies": SETTINGS["policies"]}
    repo = member(tmp_path / "member", settings)
    build(repo, tmp_path / "out")
    assert progress_section(tmp_path / "out/site") is None
    assert "Progress with each body" not in (tmp_path / "out/site/index.html").read_text("utf-8")


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
def test_the_progress_cards_show_and_fit_a_phone_in_chromium(tmp_path: Path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed")
    repo = member(tmp_path / "member", SETTINGS)
    build(repo, tmp_path / "out")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True)
        try:
            for width in (375, 1280):
                page = browser.new_page(viewport={"width": width, "height": 800})
                page.goto((tmp_path / "out/site/index.html").as_uri())
                cards = page.locator(".body-card")
                assert cards.count() == 2
                assert all(cards.nth(i).is_visible() for i in range(2))
                box = cards.nth(1).bounding_box()
                assert box is not None and box["x"] + box["width"] <= width
                scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                assert scroll <= inner
                page.close()
        finally:
            browser.close()
