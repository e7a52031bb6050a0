"""The Activity and Planning Reports (docs/declaration.md): pure computations
on records built in memory."""

from __future__ import annotations

from cpdgen.compute.hours import year_hours
from cpdgen.compute.reports import activity_report, activity_report_data, planning_report, planning_report_data
from cpdgen.validation.settings import default_policy

from helpers.records import act, course, objective, qual, recs

IET = default_policy()


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
