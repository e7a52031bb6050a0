"""Where a member stands with each body: the current period, the required
hours and what counts towards them after units, caps and carry-over, each
floor and cap, and a projection at the member's recent pace
(docs/policies.md). Pure: records and policies in, values out.

How hours are counted, in order:
1. a completed activity or course counts in the period holding its
   completion date (`end`), and never before it is done (not after `as_of`);
2. its hours are converted to the policy's unit (e.g. 50-minute PDH);
3. caps are applied record by record, oldest first: a record counts only as
   far as every cap it falls under has room left;
4. hours carried in from earlier periods are used first, oldest first; what
   the period's own hours leave over beyond the required total is carried
   out (up to the limit, for `periods` periods); carried hours count towards
   the total and every floor except those listed in `not_towards`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter

from cpdgen.compute.hours import recommendation_rule
from cpdgen.compute.periods import Period, following, months_between, period_at, previous, share_owed
from cpdgen.compute.year import declaration_for
from cpdgen.model.policy import GroupCap, MemberTerms, Policy
from cpdgen.model.records import CPDItem, Records

PACE_DAYS = 365  # the member's pace is that of the last twelve months


def _round(value: float) -> float:
    return float(round(value + 0.0, 2))


@dataclass(frozen=True)
class RuleResult:
    """One rule of a body judged: `rule` is total, alternative, floor (hours),
    count (records) or cap; `required` is the least (the most, for a cap);
    `counted` what counts towards it (for a cap, the hours recorded under it
    before capping); `met` whether it holds (for a cap: nothing was lost)."""

    rule: str
    category: str | None
    label: str
    required: float
    counted: float
    met: bool
    projected: float
    unit: str

    def as_data(self) -> dict:
        return {
            "rule": self.rule,
            "category": self.category,
            "required": self.required,
            "counted": self.counted,
            "met": self.met,
        }


@dataclass(frozen=True)
class Projection:
    """At the pace of the last twelve months, where the period closes."""

    pace_per_month: float  # units a month over the last twelve months
    months_left: float
    projected: float  # the total at the period's end at that pace
    needed_per_month: float  # what closes the shortfall from now on


@dataclass(frozen=True)
class BodyCompliance:
    policy: Policy
    period: Period
    reason: str
    required: float
    counted: float
    carried_in: float
    carry_out: float
    rules: tuple[RuleResult, ...]
    projection: Projection

    @property
    def unit(self) -> str:
        return self.policy.requirement.unit.name

    @property
    def short(self) -> float:
        total = next(rule for rule in self.rules if rule.rule == "total")
        if total.met:
            return 0.0
        return _round(max(0.0, self.required - self.counted))

    @property
    def compliant(self) -> bool:
        """Every rule holds now (caps never fail a body: they only limit)."""
        return all(rule.met for rule in self.rules if rule.rule != "cap")

    @property
    def on_track(self) -> bool:
        """Compliant now, or every floor and the total reached by the period's
        end at the member's pace."""
        return self.compliant or all(
            rule.met or rule.projected >= rule.required for rule in self.rules if rule.rule != "cap"
        )

    def as_data(self) -> dict:
        """The body's entry of `compliance --format json` (a stable contract: docs/cli.md)."""
        return {
            "policy": self.policy.id,
            "name": self.policy.body,
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "required": self.required,
            "counted": self.counted,
            "short": self.short,
            "on_track": self.on_track,
            "carried_in": self.carried_in,
            "carry_out": self.carry_out,
            "rules": [rule.as_data() for rule in self.rules],
        }


_ORDER = attrgetter("end", "start", "title", "id")


class Ledger:
    """The completed activities and courses, oldest first, for slicing by date."""

    def __init__(self, items: Iterable[CPDItem]):
        # by completion date (then start, title, id, as compute.year.item_order), oldest first
        self.items = sorted((item for item in items if item.status == "completed"), key=_ORDER)
        self._ends = [item.end for item in self.items]

    @classmethod
    def of(cls, records: Records) -> Ledger:
        return cls(records.cpd_items)

    def between(self, start: date, end: date) -> Sequence[CPDItem]:
        """Completed from `start` to `end`, both included."""
        return self.items[bisect.bisect_left(self._ends, start) : bisect.bisect_right(self._ends, end)]

    @property
    def first(self) -> date | None:
        return self._ends[0] if self._ends else None


@dataclass(frozen=True)
class Tally:
    """One period's own records counted: after units and caps."""

    counted: float
    by_group: dict[str, float]  # counted (capped) units per floor group
    records: dict[str, int]  # completed records per floor group
    under_cap: dict[str, float]  # raw units under each cap


def _caps(policy: Policy) -> tuple[GroupCap, ...]:
    requirement = policy.requirement
    return tuple(GroupCap((key,), hours) for key, hours in requirement.caps.items()) + requirement.group_caps


def tally(policy: Policy, items: Sequence[CPDItem], *, capped: bool = True) -> Tally:
    """A period's records counted in the policy's unit, caps applied record
    by record, oldest first (`capped=False`: none applied)."""
    requirement = policy.requirement
    unit = requirement.unit
    caps = _caps(policy) if capped else ()
    cap_groups = [[policy.group(key) for key in cap.groups] for cap in caps]
    floor_keys = [floor.group for floor in requirement.floors]
    floor_groups = {key: policy.group(key) for key in floor_keys}
    if not caps and not floor_keys:  # nothing to apply record by record
        return Tally(_round(sum(unit.of(item.hours) for item in items)), {}, {}, {})
    room = [cap.hours for cap in caps]
    raw = [0.0] * len(caps)
    by_group = dict.fromkeys(floor_keys, 0.0)
    counts = dict.fromkeys(floor_keys, 0)
    counted = 0.0
    for item in items:
        value = unit.of(item.hours)
        category, tags = item.category, item.tags
        allowed = value
        under = [i for i, groups in enumerate(cap_groups) if any(g.holds(category, tags) for g in groups)]
        for i in under:
            raw[i] += value
            allowed = min(allowed, max(0.0, room[i]))
        for i in under:
            room[i] -= allowed
        counted += allowed
        for key, group in floor_groups.items():
            if group.holds(category, tags):
                by_group[key] += allowed
                counts[key] += 1
    return Tally(
        _round(counted),
        {key: _round(value) for key, value in by_group.items()},
        counts,
        {cap.key: _round(value) for cap, value in zip(caps, raw)},
    )


@dataclass(frozen=True)
class _Step:
    period: Period
    tally: Tally
    required: float
    reason: str
    carried_in: float
    carry_out: float
    batches_out: tuple[tuple[float, int], ...]  # (units, periods lived) carried out


def _required(records: Records, policy: Policy, period: Period, terms: MemberTerms | None) -> tuple[float, float, str]:
    """(required total, share owed, reason) for a period."""
    rule = recommendation_rule(policy, declaration_for(records, period.end.year))
    share = share_owed(period, terms, policy.requirement.pro_rata)
    reason = rule.reason if share == 1.0 else f"{rule.reason}, {share:.0%} of the period (pro rata)"
    return _round(rule.hours * share), share, reason


def _step(
    records: Records,
    policy: Policy,
    ledger: Ledger,
    period: Period,
    as_of: date,
    terms: MemberTerms | None,
    batches_in: tuple[tuple[float, int], ...],
) -> _Step:
    required, _, reason = _required(records, policy, period, terms)
    own = tally(policy, ledger.between(period.start, min(period.end, as_of)))
    carry = policy.requirement.carry_over
    carried_in = _round(sum(units for units, _ in batches_in))
    if carry is None:
        return _Step(period, own, required, reason, 0.0, 0.0, ())
    need = required
    left: list[tuple[float, int]] = []
    for units, lived in sorted(batches_in, key=lambda batch: -batch[1]):  # oldest first
        used = min(units, need)
        need -= used
        if units - used > 0 and lived + 1 <= carry.periods:
            left.append((units - used, lived + 1))
    own_left = max(0.0, own.counted - need)
    if own_left > 0:
        left.append((own_left, 1))
    # Within the limit, the newest hours are kept (they live longest).
    room = carry.limit
    kept: list[tuple[float, int]] = []
    for units, lived in sorted(left, key=lambda batch: batch[1]):
        taken = min(units, room)
        if taken > 0:
            kept.append((_round(taken), lived))
            room -= taken
    return _Step(period, own, required, reason, carried_in, _round(sum(u for u, _ in kept)), tuple(kept))


def _steps(
    records: Records, policy: Policy, ledger: Ledger, current: Period, as_of: date, terms: MemberTerms | None
) -> list[_Step]:
    """The periods up to the current one: from the first record's (for
    carry-over) or as many as the alternatives look back."""
    window = policy.requirement.window
    periods = [current]
    back = max((alt.years for alt in policy.requirement.alternatives), default=1) - 1
    first = ledger.first
    while back > 0 or (policy.requirement.carry_over is not None and first is not None and periods[0].start > first):
        periods.insert(0, previous(window, periods[0], terms))
        back -= 1
    steps: list[_Step] = []
    batches: tuple[tuple[float, int], ...] = ()
    for period in periods:
        step = _step(records, policy, ledger, period, as_of, terms, batches)
        steps.append(step)
        batches = step.batches_out
    return steps


def _pace(policy: Policy, ledger: Ledger, as_of: date) -> Tally:
    """The last twelve months' records counted (caps aside), for the pace."""
    return tally(policy, ledger.between(as_of - timedelta(days=PACE_DAYS - 1), as_of), capped=False)


def body_compliance(
    records: Records, policy: Policy, as_of: date, terms: MemberTerms | None = None, ledger: Ledger | None = None
) -> BodyCompliance:
    """Where the member stands with one body on `as_of`."""
    ledger = ledger or Ledger.of(records)
    requirement = policy.requirement
    unit = requirement.unit.name
    current = period_at(requirement.window, as_of, terms)
    steps = _steps(records, policy, ledger, current, as_of, terms)
    step = steps[-1]
    own = step.tally
    months_left = months_between(as_of, current.end)
    pace = _pace(policy, ledger, as_of)
    per_month = pace.counted / 12
    counted = _round(own.counted + step.carried_in)
    share = share_owed(current, terms, requirement.pro_rata)
    rules: list[RuleResult] = []

    alternatives = []
    for alternative in requirement.alternatives:
        over = _round(sum(s.tally.counted for s in steps[-alternative.years :]))
        alternatives.append(
            RuleResult(
                "alternative",
                None,
                f"or {alternative.hours:g} {unit} over {alternative.years} periods",
                alternative.hours,
                over,
                over >= alternative.hours,
                _round(over + per_month * months_left),
                unit,
            )
        )
    total_met = counted >= step.required or any(alt.met for alt in alternatives)
    total_projected = _round(counted + per_month * months_left)
    if any(alt.projected >= alt.required for alt in alternatives):
        total_projected = max(total_projected, step.required)
    rules.append(
        RuleResult("total", None, policy.total_label, step.required, counted, total_met, total_projected, unit)
    )
    rules.extend(alternatives)
    carry = requirement.carry_over
    for floor in requirement.floors:
        group = policy.group(floor.group)
        if floor.records is not None:
            got = float(own.records[floor.group])
            pace_of = pace.records[floor.group] / 12
            rules.append(
                RuleResult(
                    "count",
                    floor.group,
                    group.label,
                    float(floor.records),
                    got,
                    got >= floor.records,
                    _round(got + pace_of * months_left),
                    "records",
                )
            )
            continue
        carried = step.carried_in if carry is not None and floor.group not in carry.not_towards else 0.0
        got = _round(own.by_group[floor.group] + carried)
        wanted = _round((floor.hours or 0.0) * share)
        pace_of = pace.by_group[floor.group] / 12
        rules.append(
            RuleResult(
                "floor", floor.group, group.label, wanted, got, got >= wanted, _round(got + pace_of * months_left), unit
            )
        )
    for cap in _caps(policy):
        recorded = own.under_cap[cap.key]
        label = " + ".join(policy.group(key).label for key in cap.groups)
        rules.append(RuleResult("cap", cap.key, label, cap.hours, recorded, recorded <= cap.hours, recorded, unit))
    short = max(0.0, step.required - counted) if not total_met else 0.0
    needs = [short] + [max(0.0, r.required - r.counted) for r in rules if r.rule == "floor"]
    needed = max(needs)
    projection = Projection(
        _round(per_month),
        _round(months_left),
        total_projected,
        _round(needed / months_left) if months_left > 0 else _round(needed),
    )
    return BodyCompliance(
        policy, current, step.reason, step.required, counted, step.carried_in, step.carry_out, tuple(rules), projection
    )


@dataclass(frozen=True)
class Compliance:
    as_of: date
    bodies: tuple[BodyCompliance, ...]

    @property
    def on_track(self) -> bool:
        return all(body.on_track for body in self.bodies)

    def as_data(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "bodies": [body.as_data() for body in self.bodies]}


def compliance(records: Records, bodies: Iterable[tuple[Policy, MemberTerms | None]], as_of: date) -> Compliance:
    """Every body side by side; the records are sorted once for all of them."""
    ledger = Ledger.of(records)
    return Compliance(as_of, tuple(body_compliance(records, policy, as_of, terms, ledger) for policy, terms in bodies))


def deadlines(policy: Policy, as_of: date, terms: MemberTerms | None, count: int = 2) -> list[Period]:
    """The current period and the `count - 1` after it: each ends on a deadline."""
    period = period_at(policy.requirement.window, as_of, terms)
    found = [period]
    while len(found) < count:
        period = following(policy.requirement.window, period, terms)
        found.append(period)
    return found
