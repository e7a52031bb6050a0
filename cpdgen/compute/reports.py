"""The CPD Activity Report and CPD Planning Report of a review year (docs/declaration.md).

The Activity Report lists the year's completed activities and courses in
full, with the hours, and the academic study that falls in the year (the body
shows qualifications in the reports, never with hours). The Planning Report
lists the objectives open during the year with their actions and the
activities that served them, and the planned activities and courses of the
year and of the year ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cpdgen.compute.hours import Hours, hours_of
from cpdgen.compute.year import completed_items, objective_open_in, planned_items, qualification_in
from cpdgen.model.policy import Policy
from cpdgen.model.records import Action, CPDItem, Objective, Qualification, Record, Records, Training, as_data


def item_kind(item: CPDItem) -> str:
    return "training" if isinstance(item, Training) else "activity"


@dataclass(frozen=True)
class ActivityReport:
    year: int
    items: tuple[CPDItem, ...]
    hours: Hours
    qualifications: tuple[Qualification, ...]


@dataclass(frozen=True)
class ActionPlan:
    action: Action
    items: tuple[CPDItem, ...]  # the linked activities and courses (any year)


@dataclass(frozen=True)
class ObjectivePlan:
    objective: Objective
    actions: tuple[ActionPlan, ...]
    items: tuple[CPDItem, ...]  # the year's completed items that served it


@dataclass(frozen=True)
class PlanningReport:
    year: int
    objectives: tuple[ObjectivePlan, ...]
    planned: tuple[CPDItem, ...]


def activity_report(records: Records, policy: Policy, year: int) -> ActivityReport:
    items = tuple(completed_items(records, year))
    return ActivityReport(year, items, hours_of(items, policy, year), tuple(study_of(records, year)))


def planning_report(records: Records, year: int) -> PlanningReport:
    year_items = completed_items(records, year)
    everything = records.cpd_items
    by_id: dict[str, list[int]] = {}  # an id may name an activity and a course
    for position, item in enumerate(everything):
        by_id.setdefault(item.id, []).append(position)

    def linked_items(action: Action) -> tuple[CPDItem, ...]:
        positions = sorted({p for item_id in action.activities for p in by_id.get(item_id, ())})
        return tuple(everything[p] for p in positions)

    plans = []
    for objective in objectives_of(records, year):
        actions = tuple(ActionPlan(action, linked_items(action)) for action in objective.actions)
        linked = {i for action in objective.actions for i in action.activities}
        served = tuple(item for item in year_items if objective.id in item.objectives or item.id in linked)
        plans.append(ObjectivePlan(objective, actions, served))
    return PlanningReport(year, tuple(plans), tuple(plans_of(records, year)))


# What each report shows: one definition, for the reports and for the digest
# that `declaration acknowledge` records of them.


def study_of(records: Records, year: int) -> list[Qualification]:
    return [q for q in records.qualifications if qualification_in(q, year)]


def objectives_of(records: Records, year: int) -> list[Objective]:
    return sorted((o for o in records.objectives if objective_open_in(o, year)), key=objective_order)


def plans_of(records: Records, year: int) -> list[CPDItem]:
    """The planned and booked items of the year and of the year ahead."""
    return planned_items(records, (year, year + 1))


def shown_in_reports(records: Records, year: int) -> list[tuple[str, Record]]:
    """(kind, record) for every record the year's two reports show."""
    return [
        *((item_kind(item), item) for item in completed_items(records, year)),
        *(("qualification", q) for q in study_of(records, year)),
        *(("objective", o) for o in objectives_of(records, year)),
        *((item_kind(item), item) for item in plans_of(records, year)),
    ]


_PRIORITY = {"high": 0, "medium": 1, "low": 2}


def objective_order(objective: Objective) -> tuple:
    """High priority first, then the nearest target."""
    return (_PRIORITY.get(objective.priority or "", 3), objective.target or objective.created or _FAR, objective.id)


_FAR = date.max


# ---- machine-readable forms (report --format json|csv) ----------------------


def item_data(item: CPDItem, policy: Policy) -> dict[str, Any]:
    """One activity or course, with its kind and category label."""
    return {
        "kind": item_kind(item),
        "category": item.category,
        "category_label": policy.label(item.category),
        **as_data(item),
    }


def activity_report_data(report: ActivityReport, policy: Policy) -> dict[str, Any]:
    return {
        "report": "activity",
        "year": report.year,
        "hours": report.hours.as_data(),
        "items": [item_data(item, policy) for item in report.items],
        "qualifications": [as_data(q) for q in report.qualifications],
    }


def planning_report_data(report: PlanningReport, policy: Policy) -> dict[str, Any]:
    return {
        "report": "planning",
        "year": report.year,
        "objectives": [
            {
                **as_data(plan.objective),
                "actions": [
                    {**as_data(action_plan.action), "activities": [item.id for item in action_plan.items]}
                    for action_plan in plan.actions
                ],
                "served_by": [item.id for item in plan.items],
            }
            for plan in report.objectives
        ],
        "planned": [item_data(item, policy) for item in report.planned],
    }
