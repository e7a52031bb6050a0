"""`cpdgen compliance` on the terminal: every body side by side, one
column each, one row per figure and per rule (blank where a body has no
such rule)."""

from __future__ import annotations

from cpdgen.compute.compliance import BodyCompliance, Compliance, RuleResult
from cpdgen.compute.hours import format_hours
from cpdgen.render.tables import Column, Table

_RULE_WORDS = {"floor": "At least", "count": "At least", "cap": "At most", "alternative": "Or"}


def amount(value: float, unit: str) -> str:
    return f"{format_hours(value)} {unit}"


def _rule_cell(rule: RuleResult) -> str:
    mark = "yes" if rule.met else ("over" if rule.rule == "cap" else "no")
    if rule.rule == "count":
        return f"{rule.counted:g} of {rule.required:g} records: {mark}"
    return f"{format_hours(rule.counted)} of {format_hours(rule.required)}: {mark}"


def _rule_label(rule: RuleResult) -> str:
    if rule.rule == "alternative":
        return rule.label[0].upper() + rule.label[1:]
    return f"{_RULE_WORDS[rule.rule]}: {rule.label}"


def _figures(body: BodyCompliance) -> list[tuple[str, str]]:
    unit = body.unit
    projection = body.projection
    figures = [
        ("Period", body.period.label()),
        ("Required", amount(body.required, unit)),
        ("Because", body.reason),
        ("Counted", amount(body.counted, unit)),
    ]
    if body.policy.requirement.carry_over is not None:
        figures += [("Carried in", amount(body.carried_in, unit)), ("Carry out", amount(body.carry_out, unit))]
    else:
        figures += [("Carried in", "-"), ("Carry out", "-")]
    figures += [
        ("Short", amount(body.short, unit) if body.short else "none"),
        ("Pace (last 12 months)", f"{amount(projection.pace_per_month, unit)} a month"),
        ("At that pace, by the end", amount(projection.projected, unit)),
        (
            "Needed from now",
            f"{amount(projection.needed_per_month, unit)} a month" if not body.compliant else "nothing",
        ),
        ("On track", "yes" if body.on_track else "NO"),
    ]
    return figures


def compliance_table(result: Compliance) -> Table:
    """One column per body; the figures, then every rule any body has."""
    bodies = result.bodies
    rows: dict[str, list[str]] = {}
    if not any(body.policy.requirement.carry_over for body in bodies):
        skip = {"Carried in", "Carry out"}
    else:
        skip = set()
    for index, body in enumerate(bodies):
        cells = [
            *_figures(body),
            *((_rule_label(rule), _rule_cell(rule)) for rule in body.rules if rule.rule != "total"),
        ]
        for label, cell in cells:
            if label in skip:
                continue
            rows.setdefault(label, [""] * len(bodies))[index] = cell
    columns = (
        Column("what", ""),
        *(Column(body.policy.id, body.policy.short_name) for body in bodies),
    )
    return Table(
        f"Compliance on {result.as_of.isoformat()}",
        columns,
        tuple((label, *cells) for label, cells in rows.items()),
    )


def compliance_notes(result: Compliance) -> list[str]:
    behind = [body.policy.short_name for body in result.bodies if not body.on_track]
    if not behind:
        return ["On track with every body."]
    return [f"Not on track: {', '.join(behind)}."]
