"""Rules a schema cannot express: about one record's values together, or
across records (unique ids, references that must resolve)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable

from cpdgen.diagnostics import Diagnostic, error
from cpdgen.loading.files import SourceError, read_text
from cpdgen.loading.yamlparse import Document, YAMLFileError, parse_yaml
from cpdgen.model import Record, Records, Source
from cpdgen.validation.schema_messages import did_you_mean

HOURS_PER_DAY = 24
_YEAR_FILE = re.compile(r"[0-9]{4}")


class Locator:
    """Finds line and column for a path inside a record, re-reading the file
    only when a rule has something to report there (the common case, a valid
    repository, never pays for it)."""

    def __init__(self, root: Path):
        self.root = root
        self._documents: dict[str, Document | None] = {}

    def __call__(self, source: Source, *steps, key: bool = False) -> tuple[int, int]:
        if source.file not in self._documents:
            try:
                self._documents[source.file] = parse_yaml(read_text(self.root / source.file))
            except (SourceError, YAMLFileError):  # changed since it was checked
                self._documents[source.file] = None
        document = self._documents[source.file]
        return document.locate(source.path(*steps), key=key) if document else (1, 1)


class Report:
    """What a rule reports through: an error at a path inside a record."""

    def __init__(self, root: Path):
        self.locate = Locator(root)
        self.found: list[Diagnostic] = []

    def __call__(self, source: Source, steps: tuple, message: str) -> None:
        line, column = self.locate(source, *steps)
        self.found.append(error(source.file, line, column, message))

    def where(self, source: Source, *steps) -> str:
        """`file:line` of a place, for messages that point at a second one."""
        line, _ = self.locate(source, *steps)
        return f"{source.file}:{line}"


def check_records(records: Records, root: Path) -> list[Diagnostic]:
    """Every rule over every record; one list of diagnostics."""
    report = Report(root)
    for rule in RULES:
        rule(records, report)
    return report.found


def unique_ids(records: Records, report: Report) -> None:
    everything = [
        *((name, record.id, record.source) for name, items in records.items.items() for record in items),
        *records.unbuilt,
    ]
    first: dict[tuple[str, str], Source] = {}
    for kind_name, record_id, source in sorted(everything, key=lambda entry: (entry[2].file, entry[2].index or 0)):
        earlier = first.setdefault((kind_name, record_id), source)
        if earlier is not source:
            report(source, ("id",), f"duplicate {kind_name} id '{record_id}': already used at {report.where(earlier, 'id')}")


def dates_in_order(records: Records, report: Report) -> None:
    pairs: Iterable[tuple[Record, str, str]] = [
        *((item, "start", "end") for item in records.cpd_items),
        *((item, "start", "end") for item in records.qualifications),
        *((item, "start", "end") for item in records.employment),
        *((item, "created", "target") for item in records.objectives),
    ]
    for record, first, last in pairs:
        begin, finish = getattr(record, first), getattr(record, last)
        if begin is not None and finish is not None and finish < begin:
            report(record.source, (last,), f"'{last}' ({finish}) is before '{first}' ({begin})")


def hours_per_day(records: Records, report: Report) -> None:
    for item in records.cpd_items:
        days = (item.end - item.start).days + 1
        if days >= 1 and item.hours > HOURS_PER_DAY * days:
            span = "1 day" if days == 1 else f"{days} days"
            report(
                item.source,
                ("hours",),
                f"'hours' is {item.hours:g}, but {item.start} to {item.end} spans {span}: "
                f"at most {HOURS_PER_DAY * days} hours (24 a day)",
            )


def objective_references(records: Records, report: Report) -> None:
    objective_ids = records.ids("objective")
    for item in records.cpd_items:
        for index, objective_id in enumerate(item.objectives):
            if objective_id not in objective_ids:
                hint = did_you_mean(objective_id, objective_ids) or (
                    " (no objectives are recorded yet)" if not objective_ids else ""
                )
                report(item.source, ("objectives", index), f"no objective has the id '{objective_id}'{hint}")


def activity_references(records: Records, report: Report) -> None:
    item_ids = records.ids("activity", "training")
    for objective in records.objectives:
        for action_index, action in enumerate(objective.actions):
            for index, item_id in enumerate(action.activities):
                if item_id not in item_ids:
                    report(
                        objective.source,
                        ("actions", action_index, "activities", index),
                        f"no activity or training course has the id '{item_id}'{did_you_mean(item_id, item_ids)}",
                    )


def declaration_years(records: Records, report: Report) -> None:
    for declaration in records.declarations:
        name = declaration.id  # the file name: declarations are never in list files
        if not _YEAR_FILE.fullmatch(name):
            report(
                declaration.source,
                (),
                f"a declaration file is named after its review year, e.g. declarations/{declaration.year}.yaml",
            )
        elif int(name) != declaration.year:
            report(
                declaration.source,
                ("year",),
                f"'year' is {declaration.year} but the file is named {name}.yaml; "
                f"a declaration file is named after its year",
            )


RULES: tuple[Callable[[Records, Report], None], ...] = (
    unique_ids,
    dates_in_order,
    hours_per_day,
    objective_references,
    activity_references,
    declaration_years,
)

