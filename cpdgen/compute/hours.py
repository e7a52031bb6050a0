"""Hours per category for a review year, and the body's recommendation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cpdgen.compute.year import completed_items
from cpdgen.model.policy import HoursRule, Policy
from cpdgen.model.records import CPDItem, Declaration, Records

TOTAL_KEY = "total"  # the total's key in the machine-readable forms


def sum_hours(values: Iterable[float]) -> float:
    # Hours are written to a quarter or a tenth; rounding the sum to 1/100
    # keeps 0.1 + 0.2 from showing as 0.30000000000000004 anywhere.
    return float(round(sum(values), 2))


@dataclass(frozen=True)
class Hours:
    """A year's completed hours per policy category, in the policy's order."""

    year: int
    by_category: Mapping[str, float]

    @property
    def total(self) -> float:
        return sum_hours(self.by_category.values())

    def as_data(self) -> dict[str, float]:
        """{category: hours, ..., "total": hours}, as in `hours --format json`."""
        return {**self.by_category, TOTAL_KEY: self.total}


def hours_of(items: Iterable[CPDItem], policy: Policy, year: int) -> Hours:
    totals: dict[str, list[float]] = {key: [] for key in policy.category_keys}
    for item in items:
        totals[item.category].append(item.hours)  # the policy covers every category (checked on load)
    return Hours(year, {key: sum_hours(values) for key, values in totals.items()})


def year_hours(records: Records, policy: Policy, year: int) -> Hours:
    return hours_of(completed_items(records, year), policy, year)


@dataclass(frozen=True)
class Recommendation:
    """What the policy recommends for the period ending with a review year,
    and how many recorded hours count towards it (after any caps)."""

    hours: float
    reason: str
    first_year: int
    last_year: int
    counted: float

    @property
    def shortfall(self) -> float:
        return round(max(0.0, self.hours - self.counted), 2)

    @property
    def period(self) -> str:
        return str(self.last_year) if self.first_year == self.last_year else f"{self.first_year}–{self.last_year}"


def recommendation_rule(policy: Policy, declaration: Declaration | None) -> HoursRule:
    """The first policy rule that fits the member's declared situation
    (no declaration: the rules are asked with nothing declared)."""
    status_section = declaration.employment_status if declaration else {}
    compliance = declaration.compliance if declaration else {}
    requirement = policy.requirement
    return next(
        (
            rule
            for rule in requirement.rules
            if rule.applies(
                status_section.get("professionally_active"),
                bool(compliance.get("out_of_employment")),
                status_section.get("status"),
            )
        ),
        requirement.rules[-1],
    )


def recommendation(records: Records, policy: Policy, year: int, declaration: Declaration | None) -> Recommendation:
    """What the policy asks for the period ending with `year`, and what counts."""
    requirement = policy.requirement
    rule = recommendation_rule(policy, declaration)
    first_year = year - requirement.period_years + 1
    per_category: dict[str, float] = {}
    for period_year in range(first_year, year + 1):
        for key, value in year_hours(records, policy, period_year).by_category.items():
            per_category[key] = per_category.get(key, 0.0) + value
    counted = sum_hours(min(value, requirement.caps.get(key, value)) for key, value in per_category.items())
    return Recommendation(rule.hours, rule.reason, first_year, year, counted)


def format_hours(value: float) -> str:
    """1.5 → "1.5", 30 → "30.0", 1.25 → "1.25": as the body's table shows them."""
    text = f"{value:.2f}"
    return text[:-1] if text.endswith("0") else text


def category_rows(hours: Hours, policy: Policy) -> list[tuple[str, str, float]]:
    """(key, label, hours) for each category and then the total."""
    return [
        *((key, policy.label(key), value) for key, value in hours.by_category.items()),
        (TOTAL_KEY, policy.total_label, hours.total),
    ]


def yearly_guidance(policy: Policy) -> float | None:
    """The hours a year the policy asks of a professionally active member
    (its last, unconditional rule), for the site's guidance marks; None when
    the policy counts over a period longer than a year, where a yearly
    figure would be an average the body never states."""
    if policy.requirement.period_years != 1 or not policy.requirement.rules:
        return None
    return policy.requirement.rules[-1].hours or None
