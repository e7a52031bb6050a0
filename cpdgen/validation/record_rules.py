"""Rules about one record's values together, which a schema cannot express:
dates in order, at most 24 hours a day, an id the file name can give.

They run on the raw data of every record, valid or not, wherever the fields
they need are well formed, so a date mistake is reported in the same run as
a typo elsewhere in the record.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from cpdgen.common.dates import date_problem
from cpdgen.common.wording import plural
from cpdgen.loading import schemas
from cpdgen.model.kinds import Kind
from cpdgen.validation.schema import matches_pattern
from cpdgen.validation.schema_messages import ScalarLookup, SchemaProblem

HOURS_PER_DAY = 24


def check_record_values(kind: Kind, data: dict, scalar: ScalarLookup, default_id: str | None) -> list[SchemaProblem]:
    problems = []
    for first, last in kind.date_order:
        begin, finish = _date(_at(data, first)), _date(_at(data, last))
        if begin and finish and finish < begin:
            problems.append(SchemaProblem(tuple(last.split(".")), f"'{last}' ({finish}) is before '{first}' ({begin})"))
    if kind.counts_hours:
        problems.extend(_hours_per_day(data, scalar))
    if default_id is not None and "id" not in data:
        problems.extend(_id_from_file_name(kind, default_id))
    return problems


def _hours_per_day(data: dict, scalar: ScalarLookup) -> list[SchemaProblem]:
    start = _date(data.get("start"))
    end = _date(data.get("end")) or start
    hours = data.get("hours")
    if start is None or end is None or end < start or not isinstance(hours, (int, float)) or not _is_number(hours):
        return []
    if hours <= 0:
        return []  # the schema and the date-order rule speak about those
    days = (end - start).days + 1
    if hours <= HOURS_PER_DAY * days:
        return []
    written = scalar(("hours",))
    shown = written[0] if written else f"{hours:.10g}"
    span = plural(days, "day")
    return [
        SchemaProblem(
            ("hours",),
            f"'hours' is {shown}, but {start} to {end} spans {span}: at most {HOURS_PER_DAY * days} hours (24 a day)",
        )
    ]


def _id_from_file_name(kind: Kind, default_id: str) -> list[SchemaProblem]:
    """A record's id defaults to its file's path; that path must make a valid
    id, or nothing could ever refer to the record."""
    id_schema = schemas.record_schema(kind.name)["properties"].get("id")
    if id_schema is None or matches_pattern(id_schema["pattern"], default_id):
        return []
    suggestion = re.sub(r"[\s\\]+", "-", default_id).strip("-./")
    return [
        SchemaProblem(
            (),
            f"the file's name gives this {kind.name} the id '{default_id}', which is not a valid id: "
            f"rename the file (e.g. {suggestion}.yaml) or give it an 'id:'",
        )
    ]


def _at(data: dict, dotted: str) -> Any:
    """The value at a dotted path (`compliance.out_of_employment.to`), or None."""
    value: Any = data
    for step in dotted.split("."):
        value = value.get(step) if isinstance(value, dict) else None
    return value


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and date_problem(value) is None else None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
