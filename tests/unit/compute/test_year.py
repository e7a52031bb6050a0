"""The review year (docs/declaration.md), the hours per category and the policy's
recommendation: pure computations on records built in memory."""

from __future__ import annotations

from datetime import date

import pytest

from cpdgen.compute.hours import Hours, category_rows, format_hours, recommendation, year_hours
from cpdgen.compute.reports import activity_report, activity_report_data, planning_report, planning_report_data
from cpdgen.compute.year import (
    completed_items,
    counts_in,
    declaration_for,
    default_year,
    employment_in,
    objective_open_in,
    overlaps,
    planned_in,
    planned_items,
    qualification_in,
)
from cpdgen.model.policy import Policy
from cpdgen.validation.settings import default_policy

from helpers.records import act, course, decl, job, objective, qual, recs

IET = default_policy()
CATEGORIES = ("work-experience", "volunteering", "event", "self-study", "training")


# ---- 1. year membership ------------------------------------------------------


@pytest.mark.parametrize(
    "item, year, expected",
    [
        (act("span", start="2024-12-30", end="2025-01-02"), 2025, True),
        (act("span", start="2024-12-30", end="2025-01-02"), 2024, False),
        (act("new-years-eve", start="2024-12-31"), 2024, True),
        (act("new-years-eve", start="2024-12-31"), 2025, False),
        (act("new-years-day", start="2025-01-01"), 2025, True),
        (act("new-years-day", start="2025-01-01"), 2024, False),
        (act("leap-day", start="2024-02-29"), 2024, True),
        (act("leap-day", start="2024-02-29"), 2023, False),
        (act("started-2023", start="2023-12-31", end="2024-01-01"), 2024, True),
        (act("started-2023", start="2023-12-31", end="2024-01-01"), 2023, False),
        (act("planned", status="planned"), 2024, False),
        (course("booked", status="booked"), 2024, False),
        (course("planned-course", status="planned"), 2024, False),
        (course("course-done"), 2024, True),
        (course("course-span", start="2024-12-20", end="2025-01-10"), 2025, True),
        (course("course-span", start="2024-12-20", end="2025-01-10"), 2024, False),
    ],
    ids=[
        "dec30-jan02-counts-in-end-year",
        "dec30-jan02-not-in-start-year",
        "dec31-in-its-year",
        "dec31-not-next-year",
        "jan1-in-its-year",
        "jan1-not-previous-year",
        "feb29-2024",
        "feb29-2024-not-2023",
        "dec31-to-jan1-in-2024",
        "dec31-to-jan1-not-2023",
        "planned-activity-never",
        "booked-course-never",
        "planned-course-never",
        "completed-course",
        "course-span-end-year",
        "course-span-not-start-year",
    ],
)
def test_counts_in(item, year, expected):
    assert counts_in(item, year) is expected
    assert (item in completed_items(recs(item), year)) is expected


def test_end_defaults_to_start():
    assert act("a", start="2024-05-05").end == date(2024, 5, 5)


@pytest.mark.parametrize(
    "item, year, expected",
    [
        (act("planned", status="planned", start="2024-03-01"), 2024, True),
        (act("planned", status="planned", start="2024-03-01"), 2025, False),
        (course("booked", status="booked", start="2024-11-01"), 2024, True),
        (course("planned", status="planned", start="2025-01-01"), 2025, True),
        # a planned span is dated by its start, not its end
        (act("planned-span", status="planned", start="2024-12-30", end="2025-01-02"), 2024, True),
        (act("planned-span", status="planned", start="2024-12-30", end="2025-01-02"), 2025, False),
        (act("done", start="2024-03-01"), 2024, False),
        (course("done"), 2024, False),
    ],
    ids=[
        "planned-activity",
        "planned-other-year",
        "booked-course",
        "planned-course-jan1",
        "planned-span-start-year",
        "planned-span-not-end-year",
        "completed-activity-not-planned",
        "completed-course-not-planned",
    ],
)
def test_planned_in(item, year, expected):
    assert planned_in(item, year) is expected
    assert (item in planned_items(recs(item), (year,))) is expected


def test_planned_items_over_several_years_in_date_order():
    items = [
        act("p25", status="planned", start="2025-02-01"),
        course("b24", status="booked", start="2024-05-01"),
        act("p23", status="planned", start="2023-05-01"),
        act("done", start="2024-01-01"),
    ]
    assert [i.id for i in planned_items(recs(*items), (2024, 2025))] == ["b24", "p25"]


def test_completed_items_sorted_by_completion_date_then_title():
    items = [
        act("c", start="2024-09-01", title="C"),
        course("a", start="2024-01-10", end="2024-10-01", title="A"),
        act("b", start="2024-09-01", title="B"),
        act("other-year", start="2023-09-01"),
    ]
    assert [i.id for i in completed_items(recs(*items), 2024)] == ["b", "c", "a"]


@pytest.mark.parametrize(
    "item, category",
    [
        (course("c"), "training"),
        (act("t", type="training"), "training"),
        (act("w", type="work-experience"), "work-experience"),
        (act("v", type="volunteering"), "volunteering"),
        (act("e", type="event"), "event"),
        (act("s", type="self-study"), "self-study"),
    ],
    ids=["course-is-training", "activity-of-type-training", "work-experience", "volunteering", "event", "self-study"],
)
def test_category(item, category):
    assert item.category == category
    hours = year_hours(recs(item), IET, 2024)
    assert hours.by_category[category] == 1.0
    assert hours.total == 1.0


def test_qualifications_never_add_hours():
    items = [act("a", hours=2), qual("q", start="2023-09-01", end="2024-07-01"), qual("undated")]
    hours = year_hours(recs(*items), IET, 2024)
    assert hours.total == 2.0
    assert hours.by_category == {
        "work-experience": 0.0,
        "volunteering": 0.0,
        "event": 2.0,
        "self-study": 0.0,
        "training": 0.0,
    }


@pytest.mark.parametrize(
    "today, year",
    [
        (date(2026, 1, 1), 2025),
        (date(2026, 12, 31), 2025),
        (date(2025, 6, 15), 2024),
        (date(2024, 2, 29), 2023),
    ],
    ids=["jan1", "dec31", "midyear", "leap-day"],
)
def test_default_year(today, year):
    assert default_year(today) == year


@pytest.mark.parametrize(
    "start, end, year, expected",
    [
        (date(2024, 1, 1), date(2024, 12, 31), 2024, True),
        (date(2023, 1, 1), date(2023, 12, 31), 2024, False),
        (date(2023, 6, 1), date(2024, 1, 1), 2024, True),
        (date(2024, 12, 31), date(2026, 1, 1), 2024, True),
        (date(2025, 1, 1), None, 2024, False),
        (None, date(2024, 1, 1), 2024, True),
        (None, date(2023, 12, 31), 2024, False),
        (date(2020, 1, 1), None, 2024, True),
        (None, None, 2024, False),
    ],
    ids=[
        "whole-year",
        "year-before",
        "ends-jan1",
        "starts-dec31",
        "starts-after",
        "open-start-ends-jan1",
        "open-start-ends-before",
        "open-end",
        "undated",
    ],
)
def test_overlaps(start, end, year, expected):
    assert overlaps(start, end, year) is expected


@pytest.mark.parametrize(
    "record, expected",
    [
        (job("current", "2020-01-01"), True),
        (job("ended-in-year", "2020-01-01", "2024-03-31"), True),
        (job("ended-before", "2020-01-01", "2023-12-31"), False),
        (job("starts-dec31", "2024-12-31"), True),
        (job("starts-after", "2025-01-01"), False),
    ],
    ids=lambda v: v.id if hasattr(v, "id") else str(v),
)
def test_employment_in_2024(record, expected):
    assert employment_in(record, 2024) is expected


@pytest.mark.parametrize(
    "record, expected",
    [
        (qual("in-progress", start="2023-09-01", status="in-progress"), True),
        (qual("finished-before", start="2019-09-01", end="2023-07-01"), False),
        (qual("awarded-in-year", start="2022-09-01", end="2024-07-01"), True),
        (qual("starts-after", start="2025-09-01", status="in-progress"), False),
        (qual("undated"), False),
        (qual("only-end-in-year", end="2024-06-30"), True),
    ],
    ids=lambda v: v.id if hasattr(v, "id") else str(v),
)
def test_qualification_in_2024(record, expected):
    assert qualification_in(record, 2024) is expected


@pytest.mark.parametrize(
    "record, expected",
    [
        (objective("open", created="2023-01-01"), True),
        (objective("undated"), True),
        (objective("created-after", created="2025-01-01"), False),
        (objective("created-dec31", created="2024-12-31"), True),
        (
            objective(
                "achieved-before",
                status="achieved",
                created="2022-01-01",
                actions=[{"title": "x", "status": "done", "done_on": "2023-11-30"}],
            ),
            False,
        ),
        (
            objective(
                "achieved-in-year",
                status="achieved",
                created="2022-01-01",
                actions=[{"title": "x", "status": "done", "done_on": "2024-01-01"}],
            ),
            True,
        ),
        (objective("cancelled-target-before", status="cancelled", created="2022-01-01", target="2023-06-30"), False),
        (objective("achieved-no-dates", status="achieved", created="2022-01-01"), True),
        (objective("deferred-old", status="deferred", created="2020-01-01", target="2021-01-01"), True),
    ],
    ids=lambda v: v.id if hasattr(v, "id") else str(v),
)
def test_objective_open_in_2024(record, expected):
    assert objective_open_in(record, 2024) is expected


def test_declaration_for():
    d24, d25 = decl(2024), decl(2025)
    records = recs(d24, d25)
    assert declaration_for(records, 2024) is d24
    assert declaration_for(records, 2025) is d25
    assert declaration_for(records, 2023) is None


# ---- 2. hours ------------------------------------------------------------------


@pytest.mark.parametrize(
    "items, expected",
    [
        (
            [],
            {
                "work-experience": 0.0,
                "volunteering": 0.0,
                "event": 0.0,
                "self-study": 0.0,
                "training": 0.0,
                "total": 0.0,
            },
        ),
        (
            [
                act("w1", type="work-experience", hours=7.5),
                act("w2", type="work-experience", hours=4),
                act("v", type="volunteering", hours=2),
                act("e", type="event", hours=1.5),
                act("s", type="self-study", hours=3.25),
                course("c", hours=6),
                act("t", type="training", hours=1),
            ],
            {
                "work-experience": 11.5,
                "volunteering": 2.0,
                "event": 1.5,
                "self-study": 3.25,
                "training": 7.0,
                "total": 25.25,
            },
        ),
        (
            [act("a", type="self-study", hours=0.1), act("b", type="self-study", hours=0.2)],
            {
                "work-experience": 0.0,
                "volunteering": 0.0,
                "event": 0.0,
                "self-study": 0.3,
                "training": 0.0,
                "total": 0.3,
            },
        ),
        (
            [act("a", type="event", hours=0.1), act("b", type="volunteering", hours=0.2)],
            {
                "work-experience": 0.0,
                "volunteering": 0.2,
                "event": 0.1,
                "self-study": 0.0,
                "training": 0.0,
                "total": 0.3,
            },
        ),
        (
            [
                act("a", hours=2),
                act("planned", hours=5, status="planned"),
                course("booked", hours=7, status="booked"),
                act("last-year", hours=11, start="2023-12-31"),
                act("next-year", hours=13, start="2025-01-01"),
                act("span-into-2025", hours=17, start="2024-12-30", end="2025-01-02"),
            ],
            {
                "work-experience": 0.0,
                "volunteering": 0.0,
                "event": 2.0,
                "self-study": 0.0,
                "training": 0.0,
                "total": 2.0,
            },
        ),
        (
            [
                act("span-from-2023", type="work-experience", hours=16, start="2023-12-30", end="2024-01-02"),
                course("leap", hours=3, start="2024-02-29"),
            ],
            {
                "work-experience": 16.0,
                "volunteering": 0.0,
                "event": 0.0,
                "self-study": 0.0,
                "training": 3.0,
                "total": 19.0,
            },
        ),
    ],
    ids=[
        "nothing",
        "every-category",
        "0.1+0.2-same-category",
        "0.1+0.2-total",
        "only-completed-in-year",
        "span-and-leap-day",
    ],
)
def test_year_hours_2024(items, expected):
    hours = year_hours(recs(*items), IET, 2024)
    assert hours.year == 2024
    assert hours.as_data() == expected
    assert hours.total == expected["total"]


def test_hours_are_in_policy_order_with_total_last():
    hours = year_hours(recs(course("c"), act("w", type="work-experience")), IET, 2024)
    assert list(hours.by_category) == list(CATEGORIES)
    assert list(hours.as_data()) == ["work-experience", "volunteering", "event", "self-study", "training", "total"]
    rows = category_rows(hours, IET)
    assert [label for _, label, _ in rows] == [
        "Work experience",
        "Volunteering",
        "Event/Seminar",
        "Self-study",
        "Training",
        "Total CPD Hours",
    ]
    assert rows[-1] == ("total", "Total CPD Hours", 2.0)


def test_total_of_tenths_is_exact():
    items = [act(f"a{i}", type=CATEGORIES[i % 5], hours=0.1) for i in range(10)]
    assert year_hours(recs(*items), IET, 2024).total == 1.0


@pytest.mark.parametrize(
    "value, text",
    [
        (30, "30.0"),
        (30.0, "30.0"),
        (1.5, "1.5"),
        (1.25, "1.25"),
        (0, "0.0"),
        (0.3, "0.3"),
        (0.1 + 0.2, "0.3"),
        (12.75, "12.75"),
        (100, "100.0"),
        (2.1, "2.1"),
    ],
    ids=["30", "30.0", "1.5", "1.25", "0", "0.3", "0.1+0.2", "12.75", "100", "2.1"],
)
def test_format_hours(value, text):
    assert format_hours(value) == text


# ---- 3. recommendation -----------------------------------------------------------


@pytest.mark.parametrize(
    "declaration, hours, reason",
    [
        (None, 30.0, "professionally active"),
        (decl(), 30.0, "professionally active"),
        (decl(employment_status={"status": "employed", "professionally_active": True}), 30.0, "professionally active"),
        (
            decl(employment_status={"status": "self-employed", "professionally_active": True}),
            30.0,
            "professionally active",
        ),
        (decl(employment_status={"status": "employed"}), 30.0, "professionally active"),
        (
            decl(employment_status={"status": "employed", "professionally_active": False, "comments": "ill"}),
            0.0,
            "not professionally active",
        ),
        (decl(employment_status={"professionally_active": False}), 0.0, "not professionally active"),
        (
            decl(
                employment_status={"status": "employed", "professionally_active": False},
                compliance={"out_of_employment": {"from": "2024-03-01"}},
            ),
            0.0,
            "not professionally active",
        ),
        (
            decl(
                employment_status={"status": "employed", "professionally_active": True},
                compliance={"statement": "met", "out_of_employment": {"from": "2024-03-01", "to": "2024-09-01"}},
            ),
            10.0,
            "partly active (out of employment for part of the year)",
        ),
        (decl(employment_status={"status": "career-break", "professionally_active": True}), 10.0, "partly active"),
        (decl(employment_status={"status": "unemployed", "professionally_active": True}), 10.0, "partly active"),
        (decl(employment_status={"status": "retired", "professionally_active": True}), 10.0, "partly active"),
        (decl(employment_status={"status": "student", "professionally_active": True}), 10.0, "partly active"),
        (
            decl(employment_status={"status": "retired", "professionally_active": False}),
            0.0,
            "not professionally active",
        ),
    ],
    ids=[
        "no-declaration",
        "empty-declaration",
        "employed-active",
        "self-employed-active",
        "active-not-said",
        "active-false",
        "active-false-no-status",
        "active-false-beats-out-of-employment",
        "out-of-employment",
        "career-break",
        "unemployed",
        "retired",
        "student",
        "retired-not-active",
    ],
)
def test_iet_recommendation(declaration, hours, reason):
    advice = recommendation(recs(act("a", hours=4)), IET, 2024, declaration)
    assert advice.hours == hours
    assert advice.reason == reason
    assert advice.counted == 4.0
    assert advice.period == "2024"
    assert (advice.first_year, advice.last_year) == (2024, 2024)


@pytest.mark.parametrize(
    "hours, declaration, shortfall",
    [
        ([12.5], None, 17.5),
        ([29.9], None, 0.1),
        ([10, 20], None, 0.0),
        ([35], None, 0.0),
        ([0.1, 0.2], None, 29.7),
        ([], decl(employment_status={"status": "student", "professionally_active": True}), 10.0),
        ([4], decl(employment_status={"status": "student", "professionally_active": True}), 6.0),
        ([], decl(employment_status={"professionally_active": False, "comments": "ill"}), 0.0),
    ],
    ids=["12.5-of-30", "29.9-of-30", "exactly-30", "over-30", "0.3-of-30", "nothing-of-10", "4-of-10", "not-active"],
)
def test_shortfall(hours, declaration, shortfall):
    items = [act(f"a{i}", hours=h, type=CATEGORIES[i % 5]) for i, h in enumerate(hours)]
    advice = recommendation(recs(*items), IET, 2024, declaration)
    assert advice.counted == round(sum(hours), 2)
    assert advice.shortfall == shortfall


def custom_policy_data(period_years=3, caps=None, hours=150):
    return {
        "id": "rolling",
        "body": "The Rolling Institution",
        "short_name": "RI",
        "categories": [{"key": key, "label": key.title()} for key in CATEGORIES],
        "total_label": "All hours",
        "requirement": {
            "period_years": period_years,
            "caps": caps if caps is not None else {"self-study": 20},
            "rules": [{"hours": hours, "reason": "three-year target"}],
        },
        "checklist": [{"number": 1, "key": "cpd-monitoring", "title": "Monitoring", "mandatory": True}],
        "supporting_documents": {
            "max_bytes": 1000,
            "formats": {".pdf": "pdf"},
            "types": [{"key": "cv", "title": "CV"}],
        },
    }


ROLLING = Policy.from_data(custom_policy_data())


def test_custom_policy_counts_three_years_and_caps_self_study():
    items = [
        act("ss-2021", type="self-study", hours=50, start="2021-12-31"),  # before the period
        act("ev-2021", type="event", hours=100, start="2021-06-01"),  # before the period
        act("ss-2022", type="self-study", hours=10, start="2022-01-01"),
        act("ss-2023", type="self-study", hours=15, start="2023-05-01"),
        act("ev-2023", type="event", hours=12.5, start="2023-05-01"),
        course("tr-2024", hours=40, start="2024-03-01"),
        act("ss-2024", type="self-study", hours=1, start="2024-12-31"),
        act("ev-2025", type="event", hours=500, start="2025-01-01"),  # after the review year
        act("planned-2024", type="event", hours=60, status="planned", start="2024-06-01"),
    ]
    advice = recommendation(recs(*items), ROLLING, 2024, None)
    # self-study 10 + 15 + 1 = 26, capped at 20; event 12.5; training 40
    assert advice.counted == 72.5
    assert advice.hours == 150.0
    assert advice.reason == "three-year target"
    assert advice.shortfall == 77.5
    assert (advice.first_year, advice.last_year) == (2022, 2024)
    assert advice.period == "2022–2024"
    # the year's own hours are never capped
    assert year_hours(recs(*items), ROLLING, 2024).as_data()["total"] == 41.0


@pytest.mark.parametrize(
    "caps, counted",
    [
        ({}, 36.0),
        ({"self-study": 20}, 30.0),
        ({"self-study": 0}, 10.0),
        ({"self-study": 100}, 36.0),
        ({"self-study": 20, "event": 5}, 25.0),
    ],
    ids=["no-caps", "cap-20", "cap-0", "cap-above-hours", "two-caps"],
)
def test_caps(caps, counted):
    policy = Policy.from_data(custom_policy_data(caps=caps))
    items = [
        act("s1", type="self-study", hours=13, start="2022-02-01"),
        act("s2", type="self-study", hours=13, start="2024-02-01"),
        act("e", type="event", hours=10, start="2023-02-01"),
    ]
    assert recommendation(recs(*items), policy, 2024, None).counted == counted


def test_one_year_period_ignores_other_years():
    policy = Policy.from_data(custom_policy_data(period_years=1, caps={}))
    items = [act("a", hours=5, start="2023-12-31"), act("b", hours=7, start="2024-01-01")]
    advice = recommendation(recs(*items), policy, 2024, None)
    assert advice.counted == 7.0
    assert advice.period == "2024"


def test_custom_policy_order_and_labels():
    data = custom_policy_data()
    data["categories"] = list(reversed(data["categories"]))
    policy = Policy.from_data(data)
    hours = year_hours(recs(act("a", type="event", hours=2)), policy, 2024)
    assert list(hours.as_data()) == ["training", "self-study", "event", "volunteering", "work-experience", "total"]
    assert category_rows(hours, policy)[-1] == ("total", "All hours", 2.0)
    assert policy.label("event") == "Event"


# ---- the reports (docs/declaration.md) -----------------------------------------------------


def test_activity_report_lists_the_years_completed_items_and_study():
    items = [
        act("a", hours=2, start="2024-03-01"),
        course("c", hours=3, start="2024-12-31"),
        act("planned", status="planned"),
        act("old", start="2023-01-01"),
        qual("q", start="2023-09-01", status="in-progress"),
        qual("old-q", start="2010-09-01", end="2014-07-01"),
    ]
    report = activity_report(recs(*items), IET, 2024)
    assert [i.id for i in report.items] == ["a", "c"]
    assert report.hours.as_data() == year_hours(recs(*items), IET, 2024).as_data()
    assert [q.id for q in report.qualifications] == ["q"]
    data = activity_report_data(report, IET)
    assert data["report"] == "activity" and data["year"] == 2024
    assert [(i["id"], i["kind"], i["category_label"]) for i in data["items"]] == [
        ("a", "activity", "Event/Seminar"),
        ("c", "training", "Training"),
    ]
    assert data["hours"]["total"] == 5.0
    assert "source" not in data["items"][0]


def test_planning_report_lists_open_objectives_and_planned_items():
    items = [
        objective("open", created="2023-01-01", actions=[{"title": "do", "status": "planned", "activities": ["a"]}]),
        objective("closed-before", status="achieved", created="2020-01-01", target="2022-01-01"),
        act("a", start="2024-02-01"),
        act("served", start="2024-05-01", objectives=["open"]),
        act("p", status="planned", start="2024-11-01"),
        course("next", status="booked", start="2025-02-01"),
        act("later", status="planned", start="2026-02-01"),
    ]
    report = planning_report(recs(*items), 2024)
    assert [plan.objective.id for plan in report.objectives] == ["open"]
    assert [i.id for i in report.objectives[0].items] == ["a", "served"]
    assert [i.id for i in report.objectives[0].actions[0].items] == ["a"]
    assert [i.id for i in report.planned] == ["p", "next"]
    data = planning_report_data(report, IET)
    assert data["objectives"][0]["served_by"] == ["a", "served"]
    assert data["objectives"][0]["actions"][0]["activities"] == ["a"]
    assert [p["id"] for p in data["planned"]] == ["p", "next"]


def test_hours_value_object():
    hours = Hours(2024, {"event": 0.1, "training": 0.2})
    assert hours.total == 0.3
    assert hours.as_data() == {"event": 0.1, "training": 0.2, "total": 0.3}
