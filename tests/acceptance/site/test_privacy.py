"""Nothing private reaches output/site/ (docs/publishing.md; "Privacy by
construction").

A repository is written with a unique marker in every private place: private
records of every kind (each field, the id and file name, tags only they use),
contact details and membership/registration numbers, reflections and
evidence of public records, the declaration. The site is built through the
real CLI, and every file under output/site/ (names and bytes, sitemap and
feed included) is searched for every marker. Counts are checked too, and,
strongest of all, the site equals byte for byte the site of the same
repository with every private thing deleted by hand."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from helpers.repos import TmpRepo
from helpers.site import build, html_pages, new_repo, parse_file, site_files, write_yaml

BASE_URL = "https://jo.example.org/cpd/"

MARKERS: dict[str, str] = {}


def mark(place: str) -> str:
    """A unique marker for a private place (letters, digits and '-' only, so
    it is a valid id, tag, phone number, file name, ...)."""
    if place not in MARKERS:
        MARKERS[place] = f"PRIVMARK-{place}-{uuid.uuid4().hex[:10]}"
    return MARKERS[place]


# Public hours (completed): 2025: event 2 + self-study 3 + training 5 = 10;
# 2024: event 4. Private hours use odd figures that would show in any sum.
PUBLIC_TOTALS = {2024: 4.0, 2025: 10.0}
PRIVATE_HOURS = 7.25


def write_member(root: Path, *, with_private: bool, publish: bool = False) -> TmpRepo:
    """The member's repository; with_private=False writes the same public
    records with every private thing left out (the reference)."""
    p = with_private
    site: dict = {
        "title": "Jo Bloggs CPD",
        "base_url": BASE_URL,
        "publish": {"reflections": publish, "evidence": publish},
    }
    profile: dict = {
        "name": "Jo Bloggs",
        "headline": "Engineer",
        "location": "Leeds",
        "links": [{"label": "Home", "url": "https://jo.example.org/"}],
        "memberships": [{"body": "IET", "grade": "Member", "since": "2015-01-01"}],
        "registrations": [{"title": "CEng", "body": "Engineering Council", "since": "2018-02-01"}],
    }
    if p:
        profile["email"] = mark("email").lower() + "@example.org"
        profile["phone"] = "+44 " + mark("phone")
        profile["memberships"][0]["number"] = mark("membership-number")
        profile["registrations"][0]["number"] = mark("registration-number")
    repo = new_repo(root, {"policy": "iet", "site": site}, profile)

    # Public records, with private fields when with_private.
    shared_tag = "shared-tag"
    pub_act = {
        "title": "Public lecture",
        "type": "event",
        "start": "2025-03-04",
        "hours": 2,
        "description": "A public description.",
        "outcomes": "Learned things.",
        "tags": [shared_tag],
        "objectives": ["public-goal"],
    }
    if p:
        pub_act["reflection"] = f"Reflection {mark('public-reflection')}"
        pub_act["evidence"] = [f"evidence/{mark('evidence-path')}.pdf"]
        pub_act["objectives"] = ["public-goal", mark("private-objective-id")]
    write_yaml(repo, "records/activities/2025/public-lecture.yaml", pub_act)
    write_yaml(
        repo,
        "records/activities/2025/public-reading.yaml",
        {"title": "Public reading", "type": "self-study", "start": "2025-06-01", "hours": 3},
    )
    write_yaml(
        repo,
        "records/activities/2024/public-event.yaml",
        {"title": "Public event 2024", "type": "event", "start": "2024-05-01", "hours": 4, "tags": [shared_tag]},
    )
    pub_course = {"title": "Public course", "start": "2025-09-01", "hours": 5, "provider": "Public provider"}
    if p:
        pub_course["certificate"] = f"evidence/{mark('certificate-path')}.pdf"
        pub_course["reflection"] = mark("course-reflection")
    write_yaml(repo, "records/training/2025/public-course.yaml", pub_course)
    pub_qual = {"title": "MEng", "institution": "Leeds University", "status": "completed", "end": "2012-07-01"}
    if p:
        pub_qual["evidence"] = [f"evidence/{mark('qualification-evidence')}.pdf"]
    write_yaml(repo, "records/qualifications/meng.yaml", pub_qual)
    write_yaml(repo, "records/employment/acme.yaml", {"employer": "Acme", "role": "Engineer", "start": "2015-01-01"})
    goal = {
        "title": "Public goal",
        "status": "in-progress",
        "actions": [{"title": "Go to lectures", "status": "done", "activities": ["2025/public-lecture"]}],
    }
    # An action of a public objective is public; only its links to private records are not.
    goal["actions"].append({"title": "Private course action", "status": "planned", "activities": []})
    if p:
        goal["actions"][0]["activities"].append(mark("private-activity-id"))
        goal["actions"][1]["activities"].append(mark("private-training-id"))
    write_yaml(repo, "records/objectives/public-goal.yaml", goal)

    if not p:
        if publish:
            raise AssertionError("the reference is only needed without publishing")
        return repo

    for name in (
        "evidence-path",
        "certificate-path",
        "qualification-evidence",
        "private-evidence",
        "private-certificate",
        "private-qualification-evidence",
    ):
        repo.write(f"evidence/{mark(name)}.pdf", f"%PDF-1.4 {mark(name + '-content')}\n")

    # Private records of every kind, a marker in every field.
    write_yaml(
        repo,
        f"records/activities/{mark('private-activity-id')}.yaml",
        {
            "title": mark("private-activity-title"),
            "type": "event",
            "start": "2025-04-01",
            "hours": PRIVATE_HOURS,
            "provider": mark("private-activity-provider"),
            "location": mark("private-activity-location"),
            "description": mark("private-activity-description"),
            "outcomes": mark("private-activity-outcomes"),
            "reflection": mark("private-activity-reflection"),
            "tags": [mark("private-tag"), shared_tag],
            "evidence": [f"evidence/{mark('private-evidence')}.pdf"],
            "objectives": ["public-goal"],
            "private": True,
        },
    )
    # Alone in its year: no year page, no year in the chart or the lists.
    write_yaml(
        repo,
        "records/activities/2019/" + mark("private-2019-id") + ".yaml",
        {
            "title": mark("private-2019-title"),
            "type": "volunteering",
            "start": "2019-04-01",
            "hours": 13.5,
            "private": True,
        },
    )
    write_yaml(
        repo,
        "records/activities/2025/list.yaml",
        [
            {
                "id": mark("private-listed-id"),
                "title": mark("private-listed-title"),
                "type": "self-study",
                "start": "2025-07-01",
                "hours": 1.75,
                "private": True,
            },
        ],
    )
    write_yaml(
        repo,
        f"records/training/{mark('private-training-id')}.yaml",
        {
            "title": mark("private-training-title"),
            "start": "2025-05-01",
            "hours": 11,
            "provider": mark("private-training-provider"),
            "accredited_by": mark("private-training-accreditor"),
            "description": mark("private-training-description"),
            "outcomes": mark("private-training-outcomes"),
            "location": mark("private-training-location"),
            "certificate": f"evidence/{mark('private-certificate')}.pdf",
            "tags": [mark("private-training-tag")],
            "private": True,
        },
    )
    write_yaml(
        repo,
        f"records/qualifications/{mark('private-qualification-id')}.yaml",
        {
            "title": mark("private-qualification-title"),
            "institution": mark("private-institution"),
            "subject": mark("private-subject"),
            "grade": mark("private-grade"),
            "level": mark("private-level"),
            "status": "completed",
            "end": "2010-07-01",
            "evidence": [f"evidence/{mark('private-qualification-evidence')}.pdf"],
            "private": True,
        },
    )
    write_yaml(
        repo,
        f"records/employment/{mark('private-employment-id')}.yaml",
        {
            "employer": mark("private-employer"),
            "role": mark("private-role"),
            "start": "2010-01-01",
            "end": "2014-12-31",
            "location": mark("private-employment-location"),
            "employment_type": mark("private-employment-type"),
            "responsibilities": mark("private-responsibilities"),
            "achievements": mark("private-achievements"),
            "private": True,
        },
    )
    write_yaml(
        repo,
        f"records/objectives/{mark('private-objective-id')}.yaml",
        {
            "title": mark("private-objective-title"),
            "description": mark("private-objective-description"),
            "review": mark("private-objective-review"),
            "status": "in-progress",
            "tags": [mark("private-objective-tag")],
            "actions": [
                {"title": mark("private-action-title"), "status": "planned", "activities": ["2025/public-lecture"]}
            ],
            "private": True,
        },
    )
    write_yaml(
        repo,
        "records/declarations/2025.yaml",
        {
            "year": 2025,
            "monitoring": {"agreed": True, "date": "2026-01-10"},
            "employment_status": {
                "status": "employed",
                "professionally_active": True,
                "comments": mark("declaration-employment-comments"),
            },
            "compliance": {"statement": "met", "comments": mark("declaration-compliance-comments")},
            "tags": [mark("declaration-tag")],
            "extra": {"note": mark("declaration-extra")},
        },
    )
    return repo


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The member's site, and the reference site (private things deleted by hand)."""
    base = tmp_path_factory.mktemp("privacy")
    member = write_member(base / "member", with_private=True)
    reference = write_member(base / "reference", with_private=False)
    build(member, base / "member-out")
    build(reference, base / "reference-out")
    return {"site": base / "member-out" / "site", "reference": base / "reference-out" / "site", "repo": member.root}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[str, Path]:
    """The same member with publish: {reflections: true, evidence: true}."""
    base = tmp_path_factory.mktemp("published")
    member = write_member(base / "member", with_private=True, publish=True)
    build(member, base / "out")
    return {"site": base / "out" / "site", "repo": member.root}


def leaks(site: Path, markers) -> list[str]:
    found = []
    for rel, data in site_files(site).items():
        lowered_name, lowered = rel.lower(), data.lower()
        for marker in markers:
            if marker.lower() in lowered_name:
                found.append(f"{marker} in the file name {rel}")
            if marker.lower().encode() in lowered:
                found.append(f"{marker} in {rel}")
    return found


def test_the_markers_are_planted_and_the_site_is_built(built):
    assert len(MARKERS) > 40
    files = site_files(built["site"])
    assert {"index.html", "sitemap.xml", "feed.xml", "planning.html", "cv.html"} <= set(files)
    # The markers are really in the repository the site was built from.
    repo_text = "".join(p.read_text("utf-8") for p in (built["repo"] / "records").rglob("*.yaml"))
    repo_text += "".join(p.as_posix() for p in built["repo"].rglob("*"))
    missing = [m for m in MARKERS.values() if m.lower() not in repo_text.lower() and not m.endswith("content")]
    content_markers = [m for k, m in MARKERS.items() if k.endswith("-content")]
    assert not [m for m in missing if m not in content_markers]


def test_no_marker_anywhere_under_site(built):
    assert leaks(built["site"], MARKERS.values()) == []


def test_no_file_name_derives_from_a_private_id(built):
    names = set(site_files(built["site"]))
    assert not any("private" in name.lower() for name in names), sorted(names)
    assert not any("2019" in name for name in names), "a year with only private records got pages"


def test_the_site_equals_the_site_of_the_records_without_private_things(built):
    """Any difference (a count, a sum, a year, a tag, a page name) would reveal them."""
    member, reference = site_files(built["site"]), site_files(built["reference"])
    assert sorted(member) == sorted(reference)
    differing = [name for name in member if member[name] != reference[name]]
    assert differing == []


def _number(text: str) -> float:
    return float(text.strip())


def test_home_chart_and_table_show_public_hours_only(built):
    home = parse_file(built["site"] / "index.html")
    table = next(t for t in home.find_all("table") if "by-year" in t.get("class", ""))
    years = [int(th.text()) for th in table.find("thead").find_all("th")[1:]]
    total_row = table.find("tbody").find_all("tr")[-1]
    totals = dict(zip(years, (_number(td.text()) for td in total_row.find_all("td"))))
    assert totals == PUBLIC_TOTALS
    svg = next(s for s in home.find_all("svg") if s.get("class") == "chart")
    bar_titles = [n.text() for n in svg.find_all("title")][1:]
    assert not any("2019" in t for t in bar_titles)
    chart_sum = {}
    for title in bar_titles:
        found = re.match(r"(\d{4}), .*: ([\d.]+) h", title)
        if found:
            chart_sum[int(found[1])] = chart_sum.get(int(found[1]), 0) + float(found[2])
    assert chart_sum == PUBLIC_TOTALS


def test_year_pages_show_public_hours_and_counts_only(built):
    for year, total in PUBLIC_TOTALS.items():
        page = parse_file(built["site"] / "years" / f"{year}.html")
        rows = page.find("table").find("tbody").find_all("tr")
        assert _number(rows[-1].find("td").text()) == total
        items = [li for li in page.find("main").find_all("li") if "entry" in (li.get("class") or "").split()]
        expected = {2024: 1, 2025: 3}[year]
        assert len(items) == expected
        assert f"in {expected} activit" in page.find("main").text()
    assert not (built["site"] / "years" / "2019.html").exists()


def _count(page: Path) -> int:
    text = next(p for p in parse_file(page).find_all("p") if "count" in p.get("class", "")).text()
    return int(text.split()[0])


def test_list_counts_exclude_private_records(built):
    site = built["site"]
    assert _count(site / "activities" / "index.html") == 4  # 3 activities and the course
    assert _count(site / "activities" / "year" / "2025" / "index.html") == 3
    assert _count(site / "activities" / "tag" / "shared-tag" / "index.html") == 2
    tags = parse_file(site / "activities" / "tags.html").find("main")
    chip = next(a for a in tags.find_all("a") if a.text().split()[0] == "shared-tag")
    assert chip.text().split() == ["shared-tag", "2"]
    assert not (site / "activities" / "type" / "volunteering").exists()  # only a private record has the type


def test_the_search_index_preview_image_and_favicon_hold_public_data_only(built):
    """Markers are text: the PNG is checked against the reference (above) and
    here for what it is drawn from; the index and favicon are text, searched
    like every page."""
    import json

    site = built["site"]
    text = (site / "static" / "search-index.js").read_text("utf-8")
    index = json.loads(text[len("window.CPD_INDEX = ") : -2])
    assert sorted(e["title"] for e in index) == [
        "Public course",
        "Public event 2024",
        "Public lecture",
        "Public reading",
    ]
    assert leaks(site, MARKERS.values()) == []
    assert (site / "static" / "og-image.png").read_bytes() == (
        built["reference"] / "static" / "og-image.png"
    ).read_bytes()
    planted = (site / "static" / "favicon.svg").read_text("utf-8")
    assert ">JB</text>" in planted


def test_feed_and_sitemap_list_public_pages_only(built):
    import xml.etree.ElementTree as ET

    feed = ET.parse(built["site"] / "feed.xml").getroot()
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 4
    sitemap = ET.parse(built["site"] / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(loc.startswith(BASE_URL) for loc in locs)
    assert {loc[len(BASE_URL) :] for loc in locs} == {
        p.relative_to(built["site"]).as_posix() for p in html_pages(built["site"])
    }


def test_planning_keeps_the_public_action_but_not_its_private_link(built):
    planning = parse_file(built["site"] / "planning.html").find("main")
    links = {a.get("href") for a in planning.find_all("a")}
    assert "activity/2025/public-lecture.html" in links
    assert "Private course action" in planning.text()  # the action itself is public


# --- publishing reflections and evidence -------------------------------------------------


def test_published_reflections_and_evidence_appear(published):
    site = published["site"]
    page = parse_file(site / "activity" / "2025" / "public-lecture.html").find("main")
    assert MARKERS["public-reflection"] in page.text()
    evidence = f"evidence/{MARKERS['evidence-path']}.pdf"
    hrefs = [a.get("href") for a in page.find_all("a")]
    assert f"../../files/{evidence}" in hrefs
    assert (site / "files" / evidence).read_bytes() == (published["repo"] / evidence).read_bytes()
    certificate = f"evidence/{MARKERS['certificate-path']}.pdf"
    assert (site / "files" / certificate).is_file()
    course = parse_file(site / "training" / "2025" / "public-course.html").find("main")
    assert f"../../files/{certificate}" in [a.get("href") for a in course.find_all("a")]


def test_publishing_still_keeps_private_records_and_contact_details_off(published):
    public_places = {
        "public-reflection",
        "course-reflection",
        "evidence-path",
        "certificate-path",
        "qualification-evidence",
        "evidence-path-content",
        "certificate-path-content",
        "qualification-evidence-content",
    }
    private = [m for k, m in MARKERS.items() if k not in public_places]
    assert leaks(published["site"], private) == []
