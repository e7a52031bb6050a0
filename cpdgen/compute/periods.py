"""The periods a body counts CPD over (docs/policies.md, "Windows"), and
how much of a period a member owes (pro rata). Pure date arithmetic.

- calendar-year: 1 January to 31 December;
- anchored-year: a year ending on each anniversary of the member's renewal date;
- rolling: the N calendar years ending with the current one (they overlap);
- biennium: two calendar years from a `first_year` on, or two years ending
  on the member's renewal date (its anniversaries every other year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from cpdgen.model.policy import ANCHORED_YEAR, BIENNIUM, ROLLING, MemberTerms, Window

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True, order=True)
class Period:
    """A span of days, both ends included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        if self.start == date(self.start.year, 1, 1) and self.end == date(self.end.year, 12, 31):
            return str(self.end.year) if self.start.year == self.end.year else f"{self.start.year}–{self.end.year}"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def anniversary(day: date, year: int) -> date:
    """`day`'s month and day in `year` (29 February becomes 28 February)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def _anchored(day: date, renewal: date, years: int) -> Period:
    """The period of `years` years ending on an anniversary of `renewal`
    (every `years` years from it) that holds `day`."""
    step = (day.year - renewal.year) // years
    end = anniversary(renewal, renewal.year + step * years)
    while end < day:
        step += 1
        end = anniversary(renewal, renewal.year + step * years)
    while True:
        before = anniversary(renewal, renewal.year + (step - 1) * years)
        if before < day:
            return Period(before + timedelta(days=1), end)
        step -= 1
        end = before


def period_at(window: Window, day: date, terms: MemberTerms | None = None) -> Period:
    """The window's period that holds `day` (for a rolling window: the
    `years` calendar years ending with `day`'s year)."""
    renewal = terms.renewal if terms else None
    if window.kind == ANCHORED_YEAR:
        if renewal is None:
            raise ValueError("an anchored-year window needs the member's renewal date")
        return _anchored(day, renewal, 1)
    if window.kind == BIENNIUM:
        if renewal is not None:
            return _anchored(day, renewal, 2)
        first = day.year - (day.year - window.first_year) % 2
        return Period(date(first, 1, 1), date(first + 1, 12, 31))
    if window.kind == ROLLING:
        return Period(date(day.year - window.years + 1, 1, 1), date(day.year, 12, 31))
    return Period(date(day.year, 1, 1), date(day.year, 12, 31))


def previous(window: Window, period: Period, terms: MemberTerms | None = None) -> Period:
    """The period before `period` (for a rolling window: a year earlier)."""
    if window.kind == ROLLING:
        return Period(date(period.start.year - 1, 1, 1), date(period.end.year - 1, 12, 31))
    return period_at(window, period.start - timedelta(days=1), terms)


def following(window: Window, period: Period, terms: MemberTerms | None = None) -> Period:
    """The period after `period`."""
    if window.kind == ROLLING:
        return Period(date(period.start.year + 1, 1, 1), date(period.end.year + 1, 12, 31))
    return period_at(window, period.end + timedelta(days=1), terms)


def _overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> int:
    return max(0, (min(a_end, b_end) - max(a_start, b_start)).days + 1)


def share_owed(period: Period, terms: MemberTerms | None, pro_rata: frozenset[str]) -> float:
    """The share of a full period's requirement the member owes: 1.0 unless
    the policy prorates for `joined` (the days from the joining date on),
    `inactive` (less the days of spans not professionally active) and
    `part-time` (times the fraction worked)."""
    if terms is None or not pro_rata:
        return 1.0
    start = period.start
    if "joined" in pro_rata and terms.joined is not None:
        if terms.joined > period.end:
            return 0.0
        start = max(start, terms.joined)
    active = (period.end - start).days + 1
    if "inactive" in pro_rata:
        covered: list[tuple[date, date]] = []
        for span_start, span_end in sorted(terms.inactive):
            span_start, span_end = max(span_start, start), min(span_end, period.end)
            if span_start > span_end:
                continue
            if covered and span_start <= covered[-1][1] + timedelta(days=1):
                covered[-1] = (covered[-1][0], max(covered[-1][1], span_end))
            else:
                covered.append((span_start, span_end))
        active -= sum(_overlap(s, e, start, period.end) for s, e in covered)
    share = max(0, active) / period.days
    if "part-time" in pro_rata:
        share *= terms.part_time
    return share


def months_between(after: date, until: date) -> float:
    """Months from the end of `after` to the end of `until` (0 when `until` is not later)."""
    return max(0, (until - after).days) / DAYS_PER_MONTH
