"""A spreadsheet log (CSV) → activity and training records, and the rows it
cannot take, with reasons (pure: text in, records and problems out), then
the import itself: `plan_import` reads the file and plans, `write_import`
writes the planned records as one change.

Rows are numbered as in the spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cpdgen.authoring import new_record
from cpdgen.authoring.human_input import match_choice, normal, parse_competences, parse_date, parse_hours
from cpdgen.common.dates import is_iso_date
from cpdgen.common.errors import UsageError, UserError
from cpdgen.common.wording import plural
from cpdgen.loading.files import Repository, SourceError, TextKind, read_text
from cpdgen.loading.yamlparse import YAMLFileError, parse_yaml
from cpdgen.model.competences import Framework
from cpdgen.model.kinds import BY_NAME
from cpdgen.render import record_csv

# The fields a column can fill, and the column names each is known by
# (compared after `human_input.normal`: lower case, words only, "(...)" dropped).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "activity",
        "activity title",
        "name",
        "event",
        "course",
        "course title",
        "topic",
        "subject",
        "what",
    ),
    "type": ("type", "category", "activity type", "cpd type", "cpd category", "type of activity", "type of cpd"),
    "start": (
        "start",
        "date",
        "start date",
        "from",
        "date started",
        "started",
        "began",
        "activity date",
        "date of activity",
    ),
    "end": ("end", "end date", "to", "completed", "completion date", "date completed", "finish", "finished", "until"),
    "hours": ("hours", "duration", "time", "cpd hours", "hrs", "time spent", "hours spent", "length"),
    "provider": (
        "provider",
        "organiser",
        "organizer",
        "organisation",
        "organization",
        "host",
        "run by",
        "delivered by",
        "trainer",
    ),
    "location": ("location", "venue", "place", "where"),
    "mode": ("mode", "format", "delivery", "attendance"),
    "status": ("status", "state"),
    "description": ("description", "details", "notes", "summary", "comments", "comment"),
    "outcomes": ("outcomes", "learning outcomes", "what i learned", "what i learnt", "learning", "key learning"),
    "reflection": ("reflection", "reflections", "reflective notes", "how applied", "application", "impact"),
    "competences": (
        "competences",
        "competencies",
        "competence",
        "competency",
        "uk spec",
        "ukspec",
        "uk spec competences",
    ),
    "tags": ("tags", "tag", "labels", "keywords"),
    "kind": ("kind", "record", "record type", "record kind"),
}
FIELDS = tuple(SYNONYMS)
REQUIRED_COLUMNS = ("title", "start", "hours")

KIND_SYNONYMS: dict[str, tuple[str, ...]] = {
    "activity": ("activity", "activities", "cpd activity", "cpd"),
    "training": ("training", "course", "training course", "courses"),
}


class MappingError(ValueError):
    """The columns cannot be matched to fields (a usage problem: --map fixes it)."""


@dataclass(frozen=True)
class Problem:
    row: int
    message: str


@dataclass(frozen=True)
class ImportedRow:
    row: int
    kind: str  # "activity" or "training" from a log; any kind from `cpdgen export csv`
    data: dict
    path: str | None = None  # where it must go (its id says), else named from its date and title


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells)


@dataclass
class Columns:
    by_field: dict[str, int]  # field → column index
    ignored: list[str] = field(default_factory=list)  # header names of unused columns

    def name(self, header: list[str], field_name: str) -> str:
        return header[self.by_field[field_name]]


# --- reading ---------------------------------------------------------------------


def read_table(text: str) -> Table:
    """The header and the rows of CSV text (comma, semicolon or tab
    separated, whichever the header uses most)."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise MappingError("the file has no header row (the first row names the columns)")
    header = [cell.strip() for cell in rows[0]]
    return Table(header, [(number, cells) for number, cells in enumerate(rows[1:], start=2)])


def map_columns(header: list[str], overrides: dict[str, str]) -> Columns:
    """Which column fills which field: by name (and synonyms), with
    `overrides` (field → column name, any case) taking precedence."""
    normal_header = [normal(name) for name in header]
    by_field: dict[str, int] = {}
    for field_name, column in overrides.items():
        if field_name not in SYNONYMS:
            raise MappingError(f"--map {field_name}=...: no such field; fields are {', '.join(FIELDS)}")
        matches = [i for i, name in enumerate(header) if name.lower() == column.strip().lower()]
        if not matches:
            raise MappingError(f"--map {field_name}={column}: no column '{column}'; the columns are {_listed(header)}")
        by_field[field_name] = matches[0]
    taken = set(by_field.values())
    for field_name, names in SYNONYMS.items():
        if field_name in by_field:
            continue
        matches = [i for i, name in enumerate(normal_header) if name in names and i not in taken]
        if len(matches) > 1:
            both = " and ".join(f"'{header[i]}'" for i in matches)
            raise MappingError(
                f"columns {both} could both be the {field_name}; say which with --map {field_name}=COLUMN"
            )
        if matches:
            by_field[field_name] = matches[0]
            taken.add(matches[0])
    missing = [name for name in REQUIRED_COLUMNS if name not in by_field]
    if missing:
        details = "; ".join(
            f"no column for the {name} (e.g. {', '.join(repr(s.title()) for s in SYNONYMS[name][:3])})"
            for name in missing
        )
        hint = " ".join(f"--map {name}=COLUMN" for name in missing)
        raise MappingError(f"{details}; the columns are {_listed(header)}: name them with {hint}")
    ignored = [name for i, name in enumerate(header) if i not in taken and name]
    return Columns(by_field, ignored)


def _listed(header: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in header)


# --- values -------------------------------------------------------------------------


def _split(text: str) -> list[str]:
    return [item for item in re.split(r"[,;\s]+", text.strip()) if item]


# --- rows → records ---------------------------------------------------------------


def convert(
    table: Table,
    columns: Columns,
    *,
    default_type: str | None = None,
    today: date | None = None,
    framework: Framework | None = None,
) -> tuple[list[ImportedRow], list[Problem]]:
    """Every row as a record, or as the reasons it cannot be one. Blank rows
    are skipped silently. Cells are read as `cpdgen new` reads what is typed
    (`human_input`): `today` lets a cell say today or yesterday, and
    competence codes are checked against `framework`."""
    return _each_row(table, lambda cells: _row(table.header, columns, cells, default_type, today, framework))


def _each_row(
    table: Table, read: Callable[[list[str]], tuple[tuple | None, list[str]]]
) -> tuple[list[ImportedRow], list[Problem]]:
    """`read` each row that is not blank: its record's fields, or the reasons it cannot be one."""
    records: list[ImportedRow] = []
    problems: list[Problem] = []
    for number, cells in table.rows:
        if not any(cell.strip() for cell in cells):
            continue
        record, reasons = read(cells)
        if reasons:
            problems.extend(Problem(number, reason) for reason in reasons)
        else:
            assert record is not None
            records.append(ImportedRow(number, *record))
    return records, problems


def _row(
    header: list[str],
    columns: Columns,
    cells: list[str],
    default_type: str | None,
    today: date | None,
    framework: Framework | None,
) -> tuple[tuple[str, dict] | None, list[str]]:
    reasons: list[str] = []
    extra_cells = [cell for cell in cells[len(header) :] if cell.strip()]
    if extra_cells:
        reasons.append(
            f"{plural(len(cells), 'cell')} but only {plural(len(header), 'column')}: is a separator inside an unquoted value?"
        )

    def cell(field_name: str) -> str:
        index = columns.by_field.get(field_name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def column(field_name: str) -> str:
        return f"column '{columns.name(header, field_name)}'"

    kind = "activity"
    if cell("kind"):
        matched_kind = _match_kind(cell("kind"))
        if matched_kind is None:
            reasons.append(f"kind '{cell('kind')}' is not activity or training ({column('kind')})")
        else:
            kind = matched_kind

    values: dict[str, Any] = {}
    if cell("title"):
        values["title"] = cell("title")
    else:
        reasons.append(f"no title ({column('title')} is empty)")

    if kind == "activity":
        written = cell("type")
        if written:
            matched = match_choice("activity", "type", written)
            if matched is None:
                reasons.append(
                    f"type '{written}' is not a CPD category: use one of {', '.join(new_record.choices('activity', 'type'))} ({column('type')})"
                )
            values["type"] = matched
        elif default_type:
            values["type"] = default_type
        else:
            where = f"{column('type')} is empty" if "type" in columns.by_field else "no type column"
            reasons.append(f"no type ({where}); give --type for rows without one")

    for date_field in ("start", "end"):
        written = cell(date_field)
        if not written:
            if date_field == "start":
                reasons.append(f"no date ({column('start')} is empty)")
            continue
        try:
            values[date_field] = parse_date(written, today)
        except ValueError as exc:
            reasons.append(f"{exc} ({column(date_field)})")
    if values.get("end") and values["end"] == values.get("start"):
        del values["end"]  # the default: the same day

    if cell("hours"):
        try:
            values["hours"] = parse_hours(cell("hours"))
        except ValueError as exc:
            reasons.append(f"{exc} ({column('hours')})")
    else:
        reasons.append(f"no hours ({column('hours')} is empty)")

    for choice_field in ("status", "mode"):
        written = cell(choice_field)
        if written:
            matched = match_choice(kind, choice_field, written)
            if matched is None:
                reasons.append(
                    f"{choice_field} '{written}' is not one of {', '.join(new_record.choices(kind, choice_field))} ({column(choice_field)})"
                )
            values[choice_field] = matched

    for text_field in ("provider", "location", "description", "outcomes", "reflection"):
        if cell(text_field):
            values[text_field] = _text(cell(text_field))
    if cell("competences"):
        try:
            values["competences"] = parse_competences([cell("competences")], framework)
        except ValueError as exc:
            reasons.append(f"{exc} ({column('competences')})")
    if cell("tags"):
        values["tags"] = _split(cell("tags"))
    if reasons:
        return None, reasons
    return (kind, new_record.build_record(kind, values)), []


def convert_exported(table: Table, records_folder: str = new_record.RECORDS) -> tuple[list[ImportedRow], list[Problem]]:
    """The rows of a `cpdgen export csv` file as records, exactly as they
    were exported (`render.record_csv`): any kind, every field, no reading
    between the lines. A row with an id goes to the file that id names."""
    columns = table.header
    known = {name for kind_name in record_csv.exported_kinds() for name in record_csv.fields(kind_name)}
    unknown = [name for name in columns[2:] if name not in known]
    if unknown:
        raise MappingError(
            f"column {_listed(unknown)} is no field of any record kind (a file from cpdgen export csv "
            "names its columns as the file format does)"
        )
    twice = sorted({name for name in columns if columns.count(name) > 1})
    if twice:
        raise MappingError(f"column {_listed(twice)} appears more than once")
    return _each_row(table, lambda cells: _exported_row(columns, cells, records_folder))


def _exported_row(
    columns: list[str], cells: list[str], records_folder: str
) -> tuple[tuple[str, dict, str] | None, list[str]]:
    if any(cell for cell in cells[len(columns) :]):
        return None, [f"{len(cells)} cells but only {len(columns)} columns: is a separator inside an unquoted value?"]
    kind_name = cells[0].strip()
    if kind_name not in BY_NAME:
        return None, [f"kind '{kind_name}' is not one of {', '.join(record_csv.exported_kinds())} (column 'kind')"]
    kind = BY_NAME[kind_name]
    own = record_csv.fields(kind_name)
    reasons: list[str] = []
    values: dict[str, Any] = {}
    for index, name in enumerate(columns[2:], start=2):
        cell = cells[index] if index < len(cells) else ""
        if cell == "":
            continue
        if name not in own:
            reasons.append(f"{kind.a} has no field {name}, but column '{name}' has a value")
            continue
        try:
            value = record_csv.decode(kind_name, name, cell)
            if record_csv.is_date(kind_name, name) and not is_iso_date(value):
                value = parse_date(value)  # as a spreadsheet may have saved it again: 14/03/2025
            values[name] = value
        except (record_csv.CellError, ValueError) as exc:
            reasons.append(f"{exc} (column '{name}')")
    if reasons:
        return None, reasons
    data = {name: values[name] for name in own if name in values}
    record_id = record_csv.unescape(cells[1]) if len(cells) > 1 and cells[1] else None
    if kind.single:
        return (kind_name, data, f"{records_folder}/{kind.folder}"), []
    if record_id is not None and _id_names_a_file(record_id):
        return (kind_name, data, f"{records_folder}/{kind.folder}/{record_id}.yaml"), []
    try:
        path = new_record.record_path(kind_name, data, records_folder)
    except KeyError as exc:
        return None, [f"no id, and no {exc.args[0]} to name the file by (column 'id' is empty)"]
    if record_id is not None:  # an id no file name can say: the file says it
        data = {"id": record_id, **data}
    return (kind_name, data, path), []


def _id_names_a_file(record_id: str) -> bool:
    """Whether a file at <kind folder>/<id>.yaml would have exactly this id."""
    parts = record_id.split("/")
    plain = all(ch.isprintable() and not ch.isspace() and ch != "\\" for ch in record_id)
    return plain and all(part and not part.startswith(".") for part in parts)


def _match_kind(text: str) -> str | None:
    written = normal(text)
    return next((kind for kind, words in KIND_SYNONYMS.items() if written in (normal(w) for w in words)), None)


def _text(value: str) -> str:
    """A cell's text; a cell of several lines becomes Markdown with a final newline."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value + "\n" if "\n" in value else value


# --- file names ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRecord:
    row: int
    kind: str
    path: str  # relative to the repository root
    data: dict


@dataclass
class Plan:
    writes: list[PlannedRecord] = field(default_factory=list)
    already: list[tuple[int, str]] = field(default_factory=list)  # (row, path): the same record is there
    problems: list[Problem] = field(default_factory=list)


def plan_files(
    records: list[ImportedRow], existing: Callable[[str], Any], records_folder: str = new_record.RECORDS
) -> Plan:
    """A file for each record. `existing(path)` gives the data of the record
    file at `path` (repository-relative), None when there is none, or
    `UNREADABLE`. Two rows with the same date and title get distinct names
    (…-2.yaml); an existing file is never replaced: a row whose record is
    already there, the same, is noted, and one that differs is refused, or,
    when the title gives no name of its own (a non-Latin title), numbered
    past it as `cpdgen new` does."""
    plan = Plan()
    taken: set[str] = set()
    for record in records:
        if record.path is not None:
            path = record.path
            if path in taken:
                plan.problems.append(Problem(record.row, f"a record above goes to {path} too: is an id given twice?"))
                continue
        else:

            def in_use(path: str, data: dict = record.data) -> bool:
                there = existing(path)
                return path in taken or (there is not None and there != data)

            base = new_record.free_record_path(record.kind, record.data, in_use, records_folder)
            path, number = base, 1
            while path in taken:
                number += 1
                path = new_record.numbered(base, number)
        taken.add(path)
        there = existing(path)
        if there is None:
            plan.writes.append(PlannedRecord(record.row, record.kind, path, record.data))
        elif there == record.data:
            plan.already.append((record.row, path))
        else:
            plan.problems.append(
                Problem(record.row, f"{path} exists already and holds a different record; not overwritten")
            )
    return plan


UNREADABLE = object()


# --- the import, from file to files ---------------------------------------------------------

MAX_CSV_BYTES = 20_000_000
CSV_TEXT = TextKind(
    max_bytes=MAX_CSV_BYTES,
    cannot_read="cannot read: {reason}",
    too_large="larger than {limit:,} bytes; is it really a CPD log?",
    utf16="this is UTF-16 text; save it as CSV UTF-8",
    binary="this is a binary file, not CSV text",
    not_utf8="not UTF-8 text (byte 0x{byte:02x} on line {line}): save it as CSV UTF-8 (in Excel: Save As, CSV UTF-8)",
    signatures=(
        (b"PK\x03\x04", "this is a spreadsheet workbook (.xlsx or .ods), not CSV: save it as CSV UTF-8 first"),
    ),
)


def parse_mappings(mappings: tuple[str, ...]) -> dict[str, str]:
    """--map FIELD=COLUMN options → {field: column}."""
    overrides: dict[str, str] = {}
    for mapping in mappings:
        field_name, equals, column = mapping.partition("=")
        if not equals or not field_name.strip() or not column.strip():
            raise UsageError(f"--map {mapping}: write FIELD=COLUMN, e.g. --map title=Activity")
        overrides[field_name.strip().lower()] = column.strip()
    return overrides


@dataclass
class ImportPlan:
    """What importing a CSV file would do: the files to write, the rows
    refused (with reasons), the rows whose record is there already."""

    shown: str  # the CSV file as the member named it
    ignored_columns: list[str]
    writes: list[PlannedRecord]
    problems: list[Problem]
    already: list[tuple[int, str]]

    @property
    def refused_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})

    def refusal(self, *, dry_run: bool) -> str | None:
        """Why nothing is imported (some rows refused, no --skip-bad), or None."""
        count = len(self.refused_rows)
        if not count:
            return None
        return (
            f"{plural(count, 'row')} refused (above); nothing {'would be ' if dry_run else ''}written. "
            f"Fix {'them' if count != 1 else 'it'}, or add --skip-bad to import the other {len(self.writes)}"
        )

    def totals(self, *, dry_run: bool) -> str:
        verb = "would import" if dry_run else "imported"
        parts = [f"{verb} {plural(len(self.writes), 'record')}"]
        if self.refused_rows:
            parts.append(f"{plural(len(self.refused_rows), 'row')} refused")
        if self.already:
            parts.append(f"{len(self.already)} already imported")
        return "; ".join(parts)


def plan_import(
    repo: Repository,
    file: Path,
    shown: str,
    overrides: dict[str, str],
    default_type: str | None,
    today: date | None = None,
) -> ImportPlan:
    """Read the CSV file and plan a record file for each row; writes nothing."""
    from cpdgen.validation.settings import load_settings

    framework = load_settings(repo)[1].competences
    try:
        # the csv module reads line ends itself, so a cell's own \r\n survives (exported Markdown)
        text = read_text(file, CSV_TEXT)
    except SourceError as exc:
        raise UserError(f"{shown}: {exc.message}") from None
    records_folder = repo.relative(repo.records)
    ignored: list[str] = []
    try:
        table = read_table(text)
        if record_csv.is_export_header(table.header):
            if overrides or default_type:
                raise MappingError("--map and --type are for spreadsheet logs; this file is a cpdgen export")
            records, problems = convert_exported(table, records_folder)
        else:
            columns = map_columns(table.header, overrides)
            ignored = columns.ignored
            records, problems = convert(table, columns, default_type=default_type, today=today, framework=framework)
    except MappingError as exc:
        raise UsageError(f"{shown}: {exc}") from None
    except csv.Error as exc:  # e.g. a field larger than the csv module allows
        raise UserError(f"{shown}: not readable as CSV: {exc}") from None
    if not records and not problems:
        raise UserError(f"{shown}: no rows to import below the header; nothing was written")
    plan = plan_files(records, lambda rel: _existing_record(repo.root / rel), records_folder)
    problems = list(problems) + plan.problems
    writes = []
    for planned in plan.writes:
        found = new_record.check(planned.kind, planned.data, planned.path, repo.root)
        if found:
            problems.extend(Problem(planned.row, message) for _, message in found)
        else:
            writes.append(planned)
    problems.sort(key=lambda problem: problem.row)
    return ImportPlan(shown, ignored, writes, problems, plan.already)


def _existing_record(path: Path) -> Any:
    """The data of an existing record file, None if there is none."""
    if not path.exists() and not path.is_symlink():
        return None
    try:
        return parse_yaml(read_text(path)).data
    except (SourceError, YAMLFileError, OSError):
        return UNREADABLE


def write_import(repo: Repository, plan: ImportPlan) -> list[Path]:
    """Write the planned records as one change (`transaction.create_validated`):
    all of them, or none if a write fails or they would not be valid."""
    from cpdgen.authoring.transaction import create_validated

    # a file name need not be valid text (e.g. Latin-1 bytes): show it readably
    source_name = os.fsencode(Path(plan.shown).name).decode("utf-8", "replace")
    files = [
        (
            repo.root / planned.path,
            new_record.render(
                planned.kind, planned.data, planned.path, comment=f"Imported from {source_name}, row {planned.row}."
            ),
        )
        for planned in plan.writes
    ]
    create_validated(repo, files)
    return [path for path, _ in files]


def summary(planned: PlannedRecord) -> str:
    """One line about a record to import, for --dry-run."""
    data = planned.data
    if planned.kind not in ("activity", "training"):
        kind = BY_NAME[planned.kind]
        named = data.get("title") or data.get("name") or data.get("year")
        if planned.kind == "employment":
            named = f"{data.get('role')}, {data.get('employer')}"
        return f"{named} ({kind.called})"
    what = data.get("type", "training course") if planned.kind == "activity" else "training course"
    return f"{data['title']} ({what}, {data['hours']:g} h, {data['start']})"
