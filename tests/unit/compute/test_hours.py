"""The hours per category and the policy's recommendation (docs/declaration.md):
pure computations on records built in memory."""

from __future__ import annotations

import pytest

from cpdgen.compute.hours import Hours, category_rows, format_hours, recommendation, year_hours
from cpdgen.model.policy import Policy
from cpdgen.validation.settings import default_policy

from helpers.records import act, course, decl, recs

IET = default_policy()
CATEGORIES = ("work-experience", "volunteering", "event", "self-study", "training")


# ---- hours ----------------------------------------------------------------------


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


# ---- recommendation ---------------------------------------------------------------


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


def test_hours_value_object():
    hours = Hours(2024, {"event": 0.1, "training": 0.2})
    assert hours.total == 0.3
    assert hours.as_data() == {"event": 0.1, "training": 0.2, "total": 0.3}
