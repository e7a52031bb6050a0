"""The review year (docs/declaration.md): which records belong to a year,
and the declaration of a year: pure computations on records built in memory."""

from __future__ import annotations

from datetime import date

import pytest

from cpdgen.compute.hours import year_hours
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
from cpdgen.validation.settings import default_policy

from helpers.records import act, course, decl, job, objective, qual, recs

IET = default_policy()


# ---- year membership ----------------------------------------------------------


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
