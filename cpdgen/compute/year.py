"""The review year: a calendar year, 1 January to 31 December (docs/declaration.md, "What belongs to a review year")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cpdgen.model.records import CPDItem, Employment, Objective, Qualification, Record, Records

# Statuses that mean "not done yet" for activities and training courses.
PLANNED_STATUSES = ("planned", "booked")
# Objective statuses after which an objective is closed.
CLOSED_OBJECTIVE_STATUSES = ("achieved", "cancelled")


def default_year(today: date) -> int:
    """The year a member declares in: the calendar year before today."""
    return today.year - 1


def first_day(year: int) -> date:
    return date(year, 1, 1)


def last_day(year: int) -> date:
    return date(year, 12, 31)


def year_of(item: CPDItem) -> int | None:
    """The review year an activity or course counts in: that of its
    completion date (`end`, which defaults to `start`), once completed."""
    return item.end.year if item.completed else None


def counts_in(item: CPDItem, year: int) -> bool:
    return year_of(item) == year


def planned_in(item: CPDItem, year: int) -> bool:
    """Planned or booked, and dated (by its start) in `year`."""
    return item.status in PLANNED_STATUSES and item.start.year == year


def completed_items(records: Records, year: int) -> list[CPDItem]:
    """The year's completed activities and courses, by completion date."""
    return sorted((item for item in records.cpd_items if counts_in(item, year)), key=item_order)


def planned_items(records: Records, years: Iterable[int]) -> list[CPDItem]:
    """Planned and booked activities and courses dated in any of `years`."""
    return sorted((item for item in records.cpd_items if any(planned_in(item, year) for year in years)), key=item_order)


def item_order(item: CPDItem) -> tuple:
    """Oldest first, by completion date."""
    return (item.end, item.start, item.title, item.id)


def overlaps(start: date | None, end: date | None, year: int) -> bool:
    """A span [start, end] (either end open) meets the year. Undated is not."""
    if start is None and end is None:
        return False
    return (start is None or start <= last_day(year)) and (end is None or end >= first_day(year))


def employment_in(job: Employment, year: int) -> bool:
    return overlaps(job.start, job.end or date.max, year)


def qualification_in(qualification: Qualification, year: int) -> bool:
    return overlaps(qualification.start, qualification.end, year)


def shown_employment(records: Records, year: int, display: str | None) -> list[Employment]:
    """The employments a declaration shows: `all` of them up to the end of
    the year, those of the `review-year`, or none (`none`, or not chosen)."""
    if display == "review-year":
        return [job for job in records.employment if employment_in(job, year)]
    if display == "all":
        return [job for job in records.employment if job.start <= last_day(year)]
    return []


def shown_qualifications(records: Records, year: int, display: str | None) -> list[Qualification]:
    """Likewise for academic study (undated study counts under `all`)."""
    if display == "review-year":
        return [q for q in records.qualifications if qualification_in(q, year)]
    if display == "all":
        return [q for q in records.qualifications if q.start is None or q.start <= last_day(year)]
    return []


def objective_open_in(objective: Objective, year: int) -> bool:
    """Open at some time during the year: created by its end (or undated) and
    not closed before it began. A closed objective's closing date is taken as
    its latest action completion, else its target."""
    if objective.created is not None and objective.created > last_day(year):
        return False
    if objective.status in CLOSED_OBJECTIVE_STATUSES:
        dates = [action.done_on for action in objective.actions if action.done_on] or (
            [objective.target] if objective.target else []
        )
        if dates and max(dates) < first_day(year):
            return False
    return True


def declaration_for(records: Records, year: int):
    """The declaration of `year`, or None (at most one: files are named by year)."""
    return next((d for d in records.declarations if d.year == year), None)


def part_of_year(record: Record, year: int) -> bool:
    """Whether a record would be part of the year's declaration: an activity
    or course completed in it or planned for it or the year after (the
    reports), an objective open in it, a job or study begun by its end (the
    employment history and academic study shown under `all`)."""
    if isinstance(record, CPDItem):
        return counts_in(record, year) or any(planned_in(record, y) for y in (year, year + 1))
    if isinstance(record, Objective):
        return objective_open_in(record, year)
    if isinstance(record, Employment):
        return record.start <= last_day(year)
    if isinstance(record, Qualification):
        return record.start is None or record.start <= last_day(year)
    return False


def examples_in(records: Records, year: int) -> list[Record]:
    """The examples (`example: true`, kept out of the records) that would be
    part of the year were they real: a declaration is not submitted while any is."""
    return [record for _, record in records.examples if part_of_year(record, year)]
