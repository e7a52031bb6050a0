"""What the terminal commands show: hours, reports and the declaration
status as tables and text (and the same tables as CSV)."""

from __future__ import annotations

from datetime import date
from typing import Any

from cpdgen.common.wording import plural
from cpdgen.compute.checklist import DeclarationStatus
from cpdgen.compute.competences import Coverage
from cpdgen.compute.hours import Hours, Recommendation, category_rows, format_hours
from cpdgen.compute.reports import ActivityReport, PlanningReport, item_kind
from cpdgen.model.policy import Policy
from cpdgen.render.tables import Column, Table

_HOURS = Column("hours", "Hours", numeric=True, show=format_hours)


def year_span(year: int) -> str:
    return f"1 January – 31 December {year}"


def hours_table(hours: Hours, policy: Policy) -> Table:
    """The body's "Total CPD Hours" table."""
    return Table(
        f"CPD hours {hours.year} ({year_span(hours.year)})",
        (
            Column("category", "Key", brief=False),
            Column("label", "Activity Type"),
            Column("hours", "Total Hours", numeric=True, show=format_hours),
        ),
        tuple(category_rows(hours, policy)),
        last_row_is_total=True,
    )


def recommendation_note(advice: Recommendation, policy: Policy) -> str:
    text = (
        f"{policy.named_first} recommends {format_hours(advice.hours)} hours for {advice.period} ({advice.reason}); "
        f"{format_hours(advice.counted)} count towards it"
    )
    if advice.shortfall:
        return f"{text}: {format_hours(advice.shortfall)} short."
    return f"{text}."


def compliance_hint(policy: Policy) -> str | None:
    """For a body whose rules go beyond a yearly total (a unit, floors, caps
    on groups, alternatives, carry-over, a period on the renewal date), where
    to see them judged: the hours note above counts review years only."""
    requirement = policy.requirement
    beyond = (
        requirement.unit.minutes != 60
        or requirement.unit.name != "h"
        or requirement.floors
        or requirement.group_caps
        or requirement.alternatives
        or requirement.carry_over is not None
        or requirement.window.needs_renewal
    )
    if not beyond:
        return None
    return f"`cpdgen compliance` judges the {policy.short_name}'s current period by all its rules (floors, units, carry-over)."


def coverage_table(coverage: Coverage) -> Table:
    """`cpdgen hours --by competence`: a year's hours and activities per area
    of the competence framework, then those naming no competence, then the
    year's total, which counts each activity once."""
    framework = coverage.framework
    rows: list[tuple] = [
        (
            area.area.key,
            area.area.title,
            area.hours,
            area.activities,
            [f"{code} ({count})" for code, count, _ in area.by_code if count],
        )
        for area in coverage.areas
    ]
    rows.append(("", "No competence recorded", coverage.hours_without_competences, coverage.without_competences, []))
    rows.append(("", "All CPD (each activity once)", coverage.hours, coverage.items, []))
    return Table(
        f"CPD hours {coverage.year} by {framework.short_name or framework.id} area ({year_span(coverage.year or 0)})",
        (
            Column("area", "Area"),
            Column("title", "Title"),
            Column("hours", "Hours", numeric=True, show=format_hours),
            Column("activities", "Activities", numeric=True),
            Column("competences", "Competences (activities)"),
        ),
        tuple(rows),
        last_row_is_total=True,
    )


COVERAGE_NOTE = (
    "An activity counts in full in every area it developed a competence of, once per area, "
    "so the areas may add up to more than the total."
)


def _item_columns(policy: Policy, *, planned: bool = False) -> tuple[Column, ...]:
    """The columns of a table of activities and courses; for planned ones
    the date is when they are planned for, and their status (planned or
    booked) is shown."""
    return (
        Column("id", "Id", brief=False),
        Column("kind", "Kind", brief=False),
        Column("category", "Type", show=policy.label),
        Column("start", "Start", brief=False),
        Column("end", "Planned for" if planned else "Completed"),
        Column("title", "Title"),
        _HOURS,
        Column("status", "Status", brief=planned),
        Column("provider", "Provider"),
        Column("location", "Location", brief=False),
        Column("mode", "Mode", brief=False),
        Column("competences", "Competences", brief=False),
        Column("objectives", "Objectives", brief=False),
        Column("description", "Description", brief=False),
        Column("outcomes", "Outcomes", brief=False),
        Column("reflection", "Reflection", brief=False),
        Column("evidence", "Evidence", brief=False),
        Column("private", "Private", brief=False),
    )


def _item_row(item) -> tuple:
    return (
        item.id,
        item_kind(item),
        item.category,
        item.start.isoformat(),
        item.end.isoformat(),
        item.title,
        item.hours,
        item.status,
        item.provider,
        item.location,
        item.mode,
        item.competences,
        item.objectives,
        item.description,
        item.outcomes,
        item.reflection,
        item.evidence,
        item.private,
    )


def activity_tables(report: ActivityReport, policy: Policy) -> list[Table]:
    """The activities and courses (the CSV table), the hours, the study."""
    items = Table(
        f"CPD Activity Report {report.year}: activities and training courses completed in the year",
        _item_columns(policy),
        tuple(_item_row(item) for item in report.items),
        empty=f"no completed activity or training course in {report.year}",
    )
    study = Table(
        "Academic study",
        (
            Column("id", "Id", brief=False),
            Column("title", "Qualification"),
            Column("institution", "Institution"),
            Column("status", "Status"),
            Column("end", "Award"),
        ),
        tuple(
            (q.id, q.title, q.institution, q.status, q.end.isoformat() if q.end else None)
            for q in report.qualifications
        ),
        empty=f"no academic study in {report.year}",
    )
    return [items, hours_table(report.hours, policy), study]


def planning_tables(report: PlanningReport, policy: Policy) -> list[Table]:
    """One row per action (objectives without actions get one row), and the
    planned activities and courses."""
    rows: list[tuple[Any, ...]] = []
    for plan in report.objectives:
        objective = plan.objective
        head = (
            objective.id,
            objective.title,
            objective.priority,
            objective.status,
            objective.target.isoformat() if objective.target else None,
            len(plan.items),
        )
        if not plan.actions:
            rows.append((*head, None, None, None, None, ()))
        for action_plan in plan.actions:
            action = action_plan.action
            when = action.done_on or action.target
            rows.append(
                (
                    *head,
                    action.title,
                    action.status,
                    when.isoformat() if when else None,
                    action.done_on.isoformat() if action.done_on else None,
                    tuple(i.id for i in action_plan.items),
                )
            )
    objectives = Table(
        f"CPD Planning Report {report.year}: objectives open in the year and their actions",
        (
            Column("objective_id", "Id", brief=False),
            Column("objective", "Objective"),
            Column("priority", "Priority"),
            Column("objective_status", "Status"),
            Column("objective_target", "Target"),
            Column("served_in_year", f"Done in {report.year}", numeric=True),
            Column("action", "Action"),
            Column("action_status", "Action status"),
            Column("action_date", "Due / done"),
            Column("action_done_on", "Done on", brief=False),
            Column("action_activities", "Activities", brief=False),
        ),
        tuple(rows),
        empty=f"no objective open in {report.year}",
    )
    return [objectives, planned_table(report, policy)]


def planned_table(report: PlanningReport, policy: Policy) -> Table:
    return Table(
        f"Planned activities and training courses ({report.year}–{report.year + 1})",
        _item_columns(policy, planned=True),
        tuple(_item_row(item) for item in report.planned),
        empty="nothing planned",
    )


def planning_text(report: PlanningReport, policy: Policy, *, color: bool) -> str:
    """The planning report for a person: each objective with its actions
    beneath it, then the plans (the CSV is `planning_sheet`)."""
    import click

    from cpdgen.render.tables import to_terminal

    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    lines = [style(f"CPD Planning Report {report.year}: objectives open in the year", bold=True), ""]
    if not report.objectives:
        lines.append(f"  no objective open in {report.year}")
    for number, plan in enumerate(report.objectives, 1):
        objective = plan.objective
        facts = [
            f"{objective.priority} priority" if objective.priority else None,
            objective.status.replace("-", " "),
            f"target {objective.target}" if objective.target else None,
            f"{plural(len(plan.items), 'activity', 'activities')} in {report.year}",
        ]
        lines.append(style(f"{number}. {objective.title}", bold=True))
        lines.append("   " + " · ".join(fact for fact in facts if fact))
        for action_plan in plan.actions:
            action = action_plan.action
            when = action.done_on or action.target
            state = f"{action.status} {when}" if when else action.status
            linked = f" ({len(action_plan.items)} linked)" if action_plan.items else ""
            lines.append(f"   - [{state}] {action.title}{linked}")
        lines.append("")
    return "\n".join(lines) + "\n" + to_terminal([planned_table(report, policy)], color=color)


def planning_sheet(objectives: Table, planned: Table) -> Table:
    """Both planning tables in one sheet for CSV, told apart by `section`;
    the planned items' columns are prefixed `planned_`."""
    columns = (
        Column("section", "Section"),
        *objectives.columns,
        *(Column(f"planned_{column.key}", column.label) for column in planned.columns),
    )
    rows = (
        *(("objective", *row, *(None,) * len(planned.columns)) for row in objectives.rows),
        *(("planned", *(None,) * len(objectives.columns), *row) for row in planned.rows),
    )
    return Table(objectives.title, columns, tuple(rows))


# ---- the declaration status -------------------------------------------------------------------


def checklist_table(status: DeclarationStatus) -> Table:
    return Table(
        f"CPD Declaration {status.year}: checklist",
        (
            Column("number", "#", numeric=True),
            Column("key", "Key"),
            Column("title", "Item"),
            Column("mandatory", "Mandatory"),
            Column("complete", "Complete"),
            Column("problems", "Problems"),
        ),
        tuple((i.number, i.key, i.title, i.mandatory, i.complete, i.problems) for i in status.items),
    )


LEGEND = "Legend: (M) Mandatory  (O) Optional  [x] Completed"


def status_text(status: DeclarationStatus, policy: Policy, declaration_file: str, *, today: date, color: bool) -> str:
    import click

    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    year = status.year
    lines = [style(f"CPD Declaration {year}", bold=True) + f" ({year_span(year)}) · {policy.short_name}"]
    if status.declaration is None:
        lines.append(f"{declaration_file} does not exist yet: `cpdgen declaration start --year {year}` creates it")
    elif status.submitted:
        submitted = status.declaration.submitted
        lines.append(
            f"{declaration_file} · submitted on {submitted.get('date', '?')} (digest {submitted['digest'][:12]}…)"
        )
    else:
        lines.append(f"{declaration_file} · not submitted")
    lines += ["", LEGEND, ""]
    for item in status.items:
        mark = style("[x]", fg="green") if item.complete else ("[ ]" if not item.problems else style("[ ]", fg="red"))
        kind = style("(M)", fg="yellow") if item.mandatory else "(O)"
        lines.append(f"  {mark} {kind} {item.number}. {item.title}")
        for problem in item.problems:
            lines.append(f"          - {problem}")
        if not item.complete and not item.problems:
            for advice in item.advice:
                lines.append(f"          · {advice}")
        for note in item.notes:
            lines.append(f"          · {note}")
    lines.append("")
    for key, label, value in category_rows(status.hours, policy):
        text = f"  {label:<22}{format_hours(value):>8}"
        lines.append(style(text, bold=True) if key == "total" else text)
    lines.append("  " + recommendation_note(status.recommendation, policy))
    if status.examples:
        lines.append("")
        lines.append(
            style(
                "Example records from cpdgen init (they count towards nothing; submitting waits until they go):",
                fg="red",
            )
        )
        lines += [f"  - {file}" for file in status.examples]
        lines.append("  Make each your own (delete its line 'example: true') or delete it.")
    if status.warnings:
        lines.append("")
        lines.append(style("Warnings (worth a look; they never block a submission):", fg="yellow"))
        lines += [f"  ! {warning}" for warning in status.warnings]
    lines.append("")
    incomplete = [item for item in status.items if item.mandatory and not item.complete]
    if status.submitted:
        lines.append(
            style(
                f"Submitted. The {year} records are frozen: `cpdgen validate` reports any change to them.", fg="green"
            )
        )
    elif status.ready:
        if today <= date(year, 12, 31):
            lines.append(style(f"Ready, but the {year} review year is not over until 31 December {year}.", fg="green"))
        else:
            lines.append(style(f"Ready to submit: `cpdgen declaration submit --year {year}`.", fg="green", bold=True))
    else:
        wrong = [item for item in status.items if item.problems and not item.mandatory]
        parts = []
        if incomplete:
            parts.append(f"{plural(len(incomplete), 'mandatory item')} incomplete")
        if wrong:
            parts.append(f"{plural(len(wrong), 'optional item')} with problems")
        if status.examples:
            parts.append(f"{plural(len(status.examples), 'example record')} in the year")
        lines.append(style(f"Not ready: {' and '.join(parts)}.", fg="red", bold=True))
    return "\n".join(lines)


def display_label(value: str | None) -> str:
    """A `display` answer as the body's form shows it: All, Review year, None."""
    return (value or "none").replace("-", " ").capitalize()


def checklist_summary(status: DeclarationStatus, policy: Policy) -> str:
    """The checklist as the body's form lays it out (Display in Application,
    Complete), the supporting documents under item 8, then the notes that
    never block: the end of `declaration review`."""
    from cpdgen.compute.checklist import SECTIONS
    from cpdgen.model.documents import GENERATE

    answers = status.declaration
    width = max(len(f"{item.number}. {item.title}") for item in status.items) + 2
    lines = [f"  {'Checklist':<{width + 4}}{'Display in Application':<25}Complete"]
    for item in status.items:
        section = getattr(answers, SECTIONS[item.key], {}) if answers else {}
        shown = display_label(section.get("display")) if item.key in ("employment-history", "academic-study") else ""
        mark = "✓" if item.complete else ("✗" if item.problems else "–")
        kind = "(M)" if item.mandatory else "(O)"
        lines.append(f"  {f'{item.number}. {item.title}':<{width}}{kind} {shown:<25}{mark}")
        if item.key == "supporting-documents":
            given = answers.supporting_documents if answers else {}
            for document_type in policy.documents.types:
                value = given.get(document_type.key)
                said = "generated from your records" if value == GENERATE else (value or "not given")
                lines.append(f"       {document_type.title:<34}{said}")
    if status.warnings:
        lines += ["", "Notes (worth a look; they never block a submission):"]
        lines += [f"  ! {warning}" for warning in status.warnings]
    return "\n".join(lines)
