"""The page plan (`cpdgen.render.site_plan`): the pages of a site, their
paths and list pages, and the fingerprints that decide which pages a build
renders again."""

from __future__ import annotations

from cpdgen.render.site_plan import PER_PAGE, Page, objective_anchor, plan_site, safe_name
from cpdgen.validation.settings import default_policy

from helpers.records import act, course, objective, recs


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
