"""Rules across records, which no single file can settle: unique ids,
references that resolve, declaration files named after their year.
(Rules about one record's own values are in `record_rules`.)"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from cpdgen.common.diagnostics import Diagnostic, error, warning
from cpdgen.common.wording import did_you_mean
from cpdgen.loading.files import SourceError, read_text
from cpdgen.loading.yamlparse import Document, YAMLFileError, parse_yaml
from cpdgen.model.kinds import BY_NAME
from cpdgen.model.policy import Policy
from cpdgen.model.records import Records, Source

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

    def warn(self, source: Source, steps: tuple, message: str, *, key: bool = False) -> None:
        line, column = self.locate(source, *steps, key=key)
        self.found.append(warning(source.file, line, column, message))

    def where(self, source: Source, *steps) -> str:
        """`file:line` of a place, for messages that point at a second one."""
        line, _ = self.locate(source, *steps)
        return f"{source.file}:{line}"


def check_records(
    records: Records,
    root: Path,
    *,
    frozen_years: bool = True,
    policy: Policy | None = None,
    today: date | None = None,
) -> list[Diagnostic]:
    """Every rule over every record; one list of diagnostics. `frozen_years`:
    also check that submitted declarations' records are unchanged (and, with
    the `policy`, that each was ready to submit). With `today`, also warn of
    what is done after today."""
    from cpdgen.validation.submissions import submitted_years  # it builds on this module's Report

    report = Report(root)
    for rule in RULES:
        rule(records, report)
    if today is not None:
        done_after_today(records, report, today)
    if frozen_years:
        submitted_years(records, report, policy)
    return report.found


def unique_ids(records: Records, report: Report) -> None:
    everything = [
        *((name, record.id, record.source) for name, items in records.items.items() for record in items),
        *records.unbuilt,
        *((name, record.id, record.source) for name, record in records.examples),
    ]
    first: dict[tuple[str, str], Source] = {}
    for kind_name, record_id, source in sorted(everything, key=lambda entry: (entry[2].file, entry[2].index or 0)):
        earlier = first.setdefault((kind_name, record_id), source)
        if earlier is source:
            continue
        if BY_NAME[kind_name].single:
            report(source, (), f"a second {kind_name}: {earlier.file} is the {kind_name} already; keep one")
        else:
            report(
                source,
                ("id",),
                f"duplicate {kind_name} id '{record_id}': already used at {report.where(earlier, 'id')}",
            )


# A reference: where in a record (path), the kinds it may name, the id it names.
Reference = tuple[tuple, tuple[str, ...], str]


def references_of(kind_name: str, data: Mapping[str, Any]) -> Iterator[Reference]:
    """Every id a record names, from its data as written (valid or not, so a
    broken reference is reported beside a record's other errors): an
    activity's or course's `objectives`, an objective's actions' `activities`."""
    if kind_name in ("activity", "training"):
        for index, target in enumerate(_items(data.get("objectives"))):
            if isinstance(target, str):
                yield ("objectives", index), ("objective",), target
    elif kind_name == "objective":
        for action_index, action in enumerate(_items(data.get("actions"))):
            if isinstance(action, Mapping):
                for index, target in enumerate(_items(action.get("activities"))):
                    if isinstance(target, str):
                        yield ("actions", action_index, "activities", index), ("activity", "training"), target


def _items(value: Any) -> list:
    return value if isinstance(value, list) else []


def _built_references(records: Records) -> Iterator[tuple[Source, Reference]]:
    for item in records.cpd_items:
        for index, objective_id in enumerate(item.objectives):
            yield item.source, (("objectives", index), ("objective",), objective_id)
    for objective in records.objectives:
        for action_index, action in enumerate(objective.actions):
            for index, item_id in enumerate(action.activities):
                yield (
                    objective.source,
                    (("actions", action_index, "activities", index), ("activity", "training"), item_id),
                )


def references(records: Records, report: Report) -> None:
    """Every id named resolves, in valid records and in those that failed
    their schema alike (whose ids still count as existing)."""
    known: dict[tuple[str, ...], set[str]] = {}
    for source, (steps, kinds, target) in (*_built_references(records), *records.unbuilt_references):
        ids = known.get(kinds)
        if ids is None:
            ids = known[kinds] = records.ids(*kinds)
        if target in ids:
            continue
        if kinds == ("objective",):
            hint = did_you_mean(target, ids) or (" (no objectives are recorded yet)" if not ids else "")
            report(source, steps, f"no objective has the id '{target}'{hint}")
        else:
            report(source, steps, f"no activity or training course has the id '{target}'{did_you_mean(target, ids)}")


def done_after_today(records: Records, report: Report, today: date) -> None:
    """Something recorded as done on a day still to come is most likely a
    plan, or a mistyped date: a warning, as it may be a clock or `--as-of`."""
    for item in (*records.activities, *records.training):
        if item.status == "completed" and item.end > today:
            field = "end" if item.end != item.start else "start"
            called = "training course" if item in records.training else "activity"
            report.warn(
                item.source,
                (field,),
                f"this {called} is completed but its '{field}' is {item.end}, after "
                f"today ({today}): write 'status: planned' if it is still to come, or correct the date",
            )
    for qualification in records.qualifications:
        if qualification.status == "completed" and qualification.end is not None and qualification.end > today:
            report.warn(
                qualification.source,
                ("end",),
                f"this qualification is completed but its 'end' is {qualification.end}, after today ({today}): "
                "write 'status: in-progress' if it is still under way, or correct the date",
            )
    for objective in records.objectives:
        for index, action in enumerate(objective.actions):
            if action.done_on is not None and action.done_on > today:
                report.warn(
                    objective.source,
                    ("actions", index, "done_on"),
                    f"this action was done on {action.done_on}, after today ({today}): correct the date",
                )


def examples_remain(records: Records, report: Report) -> None:
    """`cpdgen init`'s examples count towards nothing; say so while any remain."""
    for kind_name, record in records.examples:
        report.warn(
            record.source,
            ("example",),
            f"an example {BY_NAME[kind_name].called} from cpdgen init: it counts towards no hours, report or "
            "declaration; make it your own (delete the line 'example: true') or delete it",
            key=True,
        )


def references_to_examples(records: Records, report: Report) -> None:
    """A record of the member's that names an example names nothing that counts."""
    examples = {(name, record.id): record for name, record in records.examples}
    for item in records.cpd_items:
        for index, objective_id in enumerate(item.objectives):
            if ("objective", objective_id) in examples:
                report.warn(
                    item.source,
                    ("objectives", index),
                    f"'{objective_id}' is an example objective ({examples['objective', objective_id].source.file}): "
                    "it counts towards nothing, so neither does this link",
                )
    for objective in records.objectives:
        for action_index, action in enumerate(objective.actions):
            for index, item_id in enumerate(action.activities):
                example = examples.get(("activity", item_id)) or examples.get(("training", item_id))
                if example is not None:
                    report.warn(
                        objective.source,
                        ("actions", action_index, "activities", index),
                        f"'{item_id}' is an example ({example.source.file}): it counts towards nothing, "
                        "so neither does this link",
                    )


def declaration_years(records: Records, report: Report) -> None:
    # A declaration that failed its schema is named after a year too.
    unbuilt = [(source, record_id) for kind, record_id, source in records.unbuilt if kind == "declaration"]
    for source, name in unbuilt:
        if not _YEAR_FILE.fullmatch(name):
            report(source, (), "a declaration file is named after its review year, e.g. declarations/2025.yaml")
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
    references,
    declaration_years,
    examples_remain,
    references_to_examples,
)
