"""The page plan (`cpdgen.render.site_plan`): the pages of a site, their
paths and list pages, and the fingerprints that decide which pages a build
renders again."""

from __future__ import annotations

from dataclasses import replace

from cpdgen.render.site_plan import PER_PAGE, Page, objective_anchor, plan_site, safe_name
from cpdgen.validation.settings import default_policy

from helpers.records import act, course, objective, recs


def test_list_pages_hold_at_most_per_page_items_and_link_in_a_chain():
    items = [act(f"a{n:03}", start=f"2024-01-{1 + n % 28:02}") for n in range(PER_PAGE * 2 + 5)]
    pages = plan_site(recs(*items), default_policy())
    all_pages = [
        p
        for p in pages
        if p.path.startswith("activities/")
        and p.template == "activity_list.html"
        and p.context["view"]["kind"] == "all"
    ]
    assert [p.path for p in all_pages] == ["activities/index.html", "activities/page-2.html", "activities/page-3.html"]
    assert [len(p.context["items"]) for p in all_pages] == [PER_PAGE, PER_PAGE, 5]
    assert all_pages[0].context["pager"]["next"] == "activities/page-2.html"
    assert all_pages[1].context["pager"]["previous"] == "activities/index.html"
    assert all_pages[2].context["pager"]["next"] is None
    shown = [s["item"].id for p in all_pages for s in p.context["items"]]
    assert sorted(shown) == sorted(i.id for i in items)  # every item once
    grouped = [e["item"].id for p in all_pages for g in p.context["groups"] for e in g["entries"]]
    assert grouped == shown  # the year groups hold the page's items, in order


def test_completed_work_is_newest_first_in_year_groups_and_planned_work_apart_soonest_first():
    items = [
        act("old", start="2023-05-01"),
        act("new", start="2025-02-01"),
        act("mid", start="2024-03-01", end="2025-01-10"),  # counts in 2025, when it ended
        act("later", start="2027-03-01", status="planned"),
        act("soon", start="2026-12-01", status="planned"),
    ]
    page = next(p for p in plan_site(recs(*items), default_policy()) if p.path == "activities/index.html")
    groups = page.context["groups"]
    assert [(g["year"], [e["item"].id for e in g["entries"]]) for g in groups] == [
        (2025, ["new", "mid"]),
        (2023, ["old"]),
    ]
    assert [g["count"] for g in groups] == [2, 1] and groups[0]["hours"] == 2.0
    assert [s["item"].id for s in page.context["planned"]] == ["soon", "later"]
    assert page.context["summary"]["completed"] == 3 and page.context["summary"]["planned"] == 2


def test_a_year_split_across_pages_says_it_continues_with_the_whole_years_figures():
    items = [act(f"a{n:02}", start=f"2024-{1 + n % 12:02}-{1 + n % 28:02}") for n in range(PER_PAGE + 3)]
    pages = [p for p in plan_site(recs(*items), default_policy()) if p.path.startswith("activities/page-2")]
    (group,) = pages[0].context["groups"]
    assert group["continued"] and group["count"] == PER_PAGE + 3 and len(group["entries"]) == 3


def test_filters_by_competence_area_and_code_get_pages_only_where_an_item_names_them():
    from dataclasses import replace

    items = [replace(act("x"), competences=("A1", "E3")), replace(act("y"), competences=("E3",)), act("z")]
    pages = {p.path: p for p in plan_site(recs(*items), default_policy())}
    assert {"activities/competence/a/index.html", "activities/competence/a1/index.html",
            "activities/competence/e/index.html", "activities/competence/e3/index.html"} <= set(pages)  # fmt: skip
    assert "activities/competence/b/index.html" not in pages and "activities/competence/a2/index.html" not in pages
    e3 = pages["activities/competence/e3/index.html"]
    assert sorted(s["item"].id for s in e3.context["items"]) == ["x", "y"]
    areas = {a["key"]: a["count"] for a in e3.context["facets"]["areas"]}
    assert areas == {"A": 1, "E": 2}
    assert "competences.html" in pages
    assert "competences.html" not in {p.path for p in plan_site(recs(act("z")), default_policy())}


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
    records = [act("y", start="2023-01-01"), act("w", start="2022-01-01")]
    before = {p.path: p.fingerprint() for p in plan_site(recs(act("x", title="Old"), *records), policy)}
    after = {p.path: p.fingerprint() for p in plan_site(recs(act("x", title="New"), *records), policy)}
    changed = {path for path in before if before[path] != after[path]}
    assert "activity/x.html" in changed
    assert "activity/y.html" in changed  # x is its newer neighbour: its title is on y's page
    assert "activity/w.html" not in changed
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
    assert before["activity/y.html"] == after["activity/y.html"]  # z is x's neighbour, not y's
    assert before["activities/index.html"] != after["activities/index.html"]  # lists the new year


def test_planning_links_activities_that_serve_an_objective():
    plan = objective("grow", actions=[{"title": "Do it", "status": "done", "activities": ["x"]}])
    pages = plan_site(recs(act("x", objectives=["grow"]), plan), default_policy())
    planning = next(p for p in pages if p.path == "planning.html")
    (entry,) = planning.context["objectives"]
    assert entry["done"] == 1 and entry["total"] == 1 and entry["cancelled"] == 0
    assert [item.id for item, _ in entry["served_by"]] == ["x"]
    assert [item.id for item, _ in entry["actions"][0]["activities"]] == ["x"]


def test_progress_leaves_cancelled_actions_out():
    actions = [
        {"title": t, "status": s} for t, s in [("a", "done"), ("b", "done"), ("c", "cancelled"), ("d", "planned")]
    ]
    planning = next(
        p for p in plan_site(recs(objective("grow", actions=actions)), default_policy()) if p.path == "planning.html"
    )
    (entry,) = planning.context["objectives"]
    assert (entry["done"], entry["total"], entry["cancelled"]) == (2, 3, 1)


def test_shares_are_whole_percent_adding_up_to_a_hundred():
    from cpdgen.compute.hours import Hours
    from cpdgen.render.site_plan import shares

    found = shares(Hours(2025, {"a": 2.0, "b": 4.0, "c": 7.5, "d": 3.5, "e": 23.0}))
    assert found == {"a": 5, "b": 10, "c": 19, "d": 9, "e": 57} and sum(found.values()) == 100
    assert sum(shares(Hours(2025, {"a": 1.0, "b": 1.0, "c": 1.0})).values()) == 100
    assert shares(Hours(2025, {"a": 0.0})) == {"a": 0}


def test_the_cv_does_not_repeat_the_subject_or_the_level_the_title_says():
    from cpdgen.render.site_plan import study_level, study_subject

    title = "MEng Electrical and Electronic Engineering"
    assert study_subject(title, "Electrical and Electronic Engineering") is None
    assert study_subject(title, "Power systems") == "Power systems"
    assert study_level(title, "Level 7 (MEng)") == "Level 7"
    assert study_level("BEng Mechanical", "Level 7 (MEng)") == "Level 7 (MEng)"
    assert study_level(title, None) is None


def test_credentials_spell_out_registrations_and_take_marks_from_grades_or_bodies():
    from cpdgen.model.records import Membership, Profile, Registration, Source
    from cpdgen.render.site_plan import credentials, initials

    profile = Profile(
        id="profile", source=Source("records/profile.yaml"), name="Siân Hughes",
        registrations=(Registration(title="CEng", body="Engineering Council"),),
        memberships=(
            Membership(body="The Institution of Engineering and Technology (IET)", grade="Member (MIET)"),
            Membership(body="Women's Engineering Society (WES)", grade="Member"),
            Membership(body="Royal Aeronautical Society", grade="Fellow"),
        ),
    )  # fmt: skip
    found = [(c["mark"], c["name"], c["body"]) for c in credentials(profile)]
    assert found == [
        ("CEng", "Chartered Engineer", "Engineering Council"),
        ("MIET", "Member", "The Institution of Engineering and Technology"),
        ("WES", "Member", "Women's Engineering Society"),
        ("RAS", "Fellow", "Royal Aeronautical Society"),
    ]
    assert initials("Siân Hughes") == "SH" and initials("Jo") == "J" and initials("Mary-Jane van Dyke") == "MD"


def test_a_disambiguated_tag_name_never_takes_a_name_already_given():
    # "x!" slugs to "x", and its disambiguated name "x-" + hash("x!") is the slug of "X-6E0BE0".
    from cpdgen.render.site_plan import tag_paths

    tags = ["X-6E0BE0", "x", "x!"]
    paths = tag_paths(tags)
    assert len(set(paths.values())) == 3
    pages = plan_site(recs(replace(act("a"), tags=tuple(tags))), default_policy())
    assert len({p.path for p in pages}) == len(pages)


def test_a_disambiguated_item_name_never_takes_a_name_already_given():
    from cpdgen.render.site_plan import _short_hash

    # "a b" and "a?b" both slug to "a-b"; an older id already has the name that would tell "a?b" apart.
    hashed = f"a-b-{_short_hash('a?b')}"
    items = [act(hashed, start="2024-01-01"), act("a b", start="2024-01-02"), act("a?b", start="2024-01-03")]
    pages = plan_site(recs(*items), default_policy())
    own = [p.path for p in pages if p.template == "activity.html"]
    assert len(set(own)) == 3


def test_an_item_page_never_needs_a_folder_where_another_page_is_a_file():
    items = [act("x.html/y", start="2024-01-01"), act("x", start="2024-01-02")]
    own = [p.path for p in plan_site(recs(*items), default_policy()) if p.template == "activity.html"]
    files = set(own)
    folders = {"/".join(path.split("/")[:n]) for path in own for n in range(1, path.count("/") + 1)}
    assert len(files) == 2 and not files & folders


def test_page_names_are_bounded_distinct_and_the_same_in_every_build():
    from cpdgen.render.site_plan import MAX_NAME

    long_tag, other_tag = "t" * 300, "t" * 300 + "u"
    items = [
        replace(act("a" * 300, start="2024-01-01"), tags=(long_tag, other_tag)),
        act("a" * 299 + "b", start="2024-01-02"),
        act("/".join(["d"] * 200), start="2024-01-03"),
        act("e" * 80 + "/" + "f" * 300, start="2024-01-04"),
    ]
    paths = [p.path for p in plan_site(recs(*items), default_policy())]
    assert len(set(paths)) == len(paths)
    assert all(len(part) <= MAX_NAME + len(".html") for path in paths for part in path.split("/"))
    assert max(len(path) for path in paths) <= 200
    again = [p.path for p in plan_site(recs(*reversed(items)), default_policy())]
    assert sorted(again) == sorted(paths)
