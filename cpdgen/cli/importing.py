"""`cpdgen import csv FILE`: records from a spreadsheet log, all or nothing."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import click

from cpdgen.cli import Options, global_options

MAX_CSV_BYTES = 20_000_000


class SchemaChoice(click.Choice):
    """A choice of a schema's enum values, read from the schema only when
    needed (so loading the command line stays light); completes in shells."""

    def __init__(self, kind_name: str, field_name: str):
        self.kind_name = kind_name
        self.field_name = field_name
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        from cpdgen.authoring.new_record import fields

        return next(f.choices for f in fields(self.kind_name) if f.name == self.field_name)


@click.group("import", short_help="Bring records in from a spreadsheet log (CSV).")
@global_options
def import_() -> None:
    """Bring records in from elsewhere: `cpdgen import csv FILE` takes a
    spreadsheet log."""


@import_.command("csv", short_help="Activities and training courses from a CSV spreadsheet log.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Take FIELD from the column named COLUMN (any case); repeatable, e.g. --map title='What I did'.",
)
@click.option(
    "--type",
    "default_type",
    type=SchemaChoice("activity", "type"),
    help="The type of activities whose row gives none.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be written, and write nothing.")
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Import the good rows even when some are refused (default: refuse all if any is refused).",
)
@global_options
@click.pass_obj
def csv_(
    options: Options, file: Path, mappings: tuple[str, ...], default_type: str | None, dry_run: bool, skip_bad: bool
) -> None:
    """Import CPD activities (and training courses) from FILE, a CSV export of
    a spreadsheet log: one row per activity, a header row naming the columns.

    \b
    Columns are found by name, in any case: title (or Activity, Name, Event,
    Course), type (Category), start (Date), end (Completion date), hours
    (Duration, Time), provider (Organiser), location (Venue), mode, status,
    description (Notes), outcomes, reflection, competences, tags, and kind
    (activity or training: a training row becomes a training course record).
    --map FIELD=COLUMN names any other column.

    \b
    Types are read tolerantly: Seminar and Event/Seminar are event, Self
    study is self-study, Course is training, Work experience is
    work-experience. Dates are YYYY-MM-DD, DD/MM/YYYY (day first, UK order)
    or 14 Mar 2025. Hours are 1.5, 1.5h, 90 min or 1:30. Blank rows are
    skipped. The file is UTF-8 (a BOM is fine), comma, semicolon or tab
    separated.

    Nothing is written unless every row can be taken (or --skip-bad is
    given): the rows refused are listed as FILE:ROW: reason, the header
    being row 1. No file is ever overwritten; a record already imported is
    left as it is. Everything written is validated, and removed again if it
    would not be valid.
    """
    from cpdgen.authoring import csv_import, new_record
    from cpdgen.common.errors import UsageError, UserError
    from cpdgen.validation.repository import validate_repository

    shown = str(file)
    overrides: dict[str, str] = {}
    for mapping in mappings:
        field_name, equals, column = mapping.partition("=")
        if not equals or not field_name.strip() or not column.strip():
            raise UsageError(f"--map {mapping}: write FIELD=COLUMN, e.g. --map title=Activity")
        overrides[field_name.strip().lower()] = column.strip()

    repo = options.repository()
    text = _read_csv(file, shown)
    try:
        table = csv_import.read_table(text)
        columns = csv_import.map_columns(table.header, overrides)
    except csv_import.MappingError as exc:
        raise UsageError(f"{shown}: {exc}") from None
    except Exception as exc:  # csv.Error: e.g. a field larger than the csv module allows
        import csv

        if isinstance(exc, csv.Error):
            raise UserError(f"{shown}: not readable as CSV: {exc}") from None
        raise

    records, problems = csv_import.convert(table, columns, default_type=default_type)
    if not records and not problems:
        raise UserError(f"{shown}: no rows to import below the header; nothing was written")
    plan = csv_import.plan_files(records, lambda rel: _existing_record(repo.root / rel), repo.relative(repo.records))
    problems = list(problems) + plan.problems
    writes = []
    for planned in plan.writes:
        found = new_record.check(planned.kind, planned.data, planned.path, repo.root)
        if found:
            problems.extend(csv_import.Problem(planned.row, message) for _, message in found)
        else:
            writes.append(planned)
    problems.sort(key=lambda problem: problem.row)
    refused_rows = sorted({problem.row for problem in problems})

    if columns.ignored and not options.quiet:
        click.echo(
            f"{shown}: columns not imported: {', '.join(columns.ignored)} (--map FIELD=COLUMN takes one)", err=True
        )
    for problem in problems:
        click.echo(f"{shown}:{problem.row}: {problem.message}", err=True)
    if not options.quiet:
        for row, path in plan.already:
            click.echo(f"{shown}:{row}: already imported: {path} holds this record; left as it is", err=True)

    if refused_rows and not skip_bad:
        count = len(refused_rows)
        raise UserError(
            f"{count} row{'s' if count != 1 else ''} refused (above); nothing {'would be ' if dry_run else ''}written. "
            f"Fix {'them' if count != 1 else 'it'}, or add --skip-bad to import the other {len(writes)}"
        )
    if dry_run:
        for planned in writes:
            click.echo(f"would write {planned.path}: {_summary(planned)}")
        click.echo(_totals(writes, refused_rows, plan.already, dry_run=True), err=True)
        return

    before = set(validate_repository(repo).errors)
    written = _write_all(repo.root, writes, shown)
    # Problems the new files bring, in them or elsewhere (say, an id taken by a list file).
    bad = [d for d in validate_repository(repo).errors if d not in before]
    if bad:
        _remove(repo.root, written)
        for problem in bad:
            click.echo(f"{problem.file}:{problem.line}:{problem.column}: error: {problem.message}", err=True)
        raise UserError("the imported records would not be valid (above); nothing was written")
    if not options.quiet:
        for planned in writes:
            click.echo(os.path.relpath(repo.root / planned.path, options.cwd))
        click.echo(_totals(writes, refused_rows, plan.already, dry_run=False), err=True)


def _read_csv(file: Path, shown: str) -> str:
    from cpdgen.common.errors import UserError

    try:
        with open(file, "rb") as handle:
            raw = handle.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise UserError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_CSV_BYTES:
        raise UserError(f"{shown}: larger than {MAX_CSV_BYTES:,} bytes; is it really a CPD log?")
    if raw.startswith(b"PK\x03\x04"):
        raise UserError(f"{shown}: this is a spreadsheet workbook (.xlsx or .ods), not CSV: save it as CSV UTF-8 first")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(f"{shown}: this is UTF-16 text; save it as CSV UTF-8")
    if b"\x00" in raw:
        raise UserError(f"{shown}: this is a binary file, not CSV text")
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            f"{shown}: not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}): "
            "save it as CSV UTF-8 (in Excel: Save As, CSV UTF-8)"
        ) from None


def _existing_record(path: Path):
    """The data of an existing record file, None if there is none."""
    from cpdgen.authoring import csv_import
    from cpdgen.loading.files import SourceError, read_text
    from cpdgen.loading.yamlparse import YAMLFileError, parse_yaml

    if not path.exists() and not path.is_symlink():
        return None
    try:
        return parse_yaml(read_text(path)).data
    except (SourceError, YAMLFileError, OSError):
        return csv_import.UNREADABLE


def _write_all(root: Path, writes: list, shown: str) -> list[Path]:
    """Write every planned record; on any failure remove what this run wrote
    (and the folders it made) and stop."""
    from cpdgen.authoring import new_record
    from cpdgen.common.atomic import write_atomic
    from cpdgen.common.errors import UserError

    written: list[Path] = []
    made: list[Path] = []
    try:
        for planned in writes:
            target = root / planned.path
            for folder in reversed(target.relative_to(root).parents):
                if str(folder) != "." and not (root / folder).exists():
                    made.append(root / folder)
            # a file name need not be valid text (e.g. Latin-1 bytes): show it readably
            source_name = os.fsencode(Path(shown).name).decode("utf-8", "replace")
            comment = f"Imported from {source_name}, row {planned.row}."
            write_atomic(
                target, new_record.render(planned.kind, planned.data, planned.path, comment=comment), create=True
            )
            written.append(target)
    except (OSError, UserError) as exc:
        _remove(root, written + made)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UserError(
            f"writing failed ({reason}); the {len(written)} file(s) written were removed, nothing was imported"
        ) from None
    except BaseException:
        _remove(root, written + made)
        raise
    return written + made


def _remove(root: Path, paths: list[Path]) -> None:
    """Remove files this run wrote, then the folders it made if empty."""
    for path in paths:
        if path.is_file():
            path.unlink(missing_ok=True)
    for path in sorted((p for p in paths if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            path.rmdir()


def _summary(planned) -> str:
    data = planned.data
    what = data.get("type", "training course") if planned.kind == "activity" else "training course"
    return f"{data['title']} ({what}, {data['hours']:g} h, {data['start']})"


def _totals(writes: list, refused: list[int], already: list, *, dry_run: bool) -> str:
    verb = "would import" if dry_run else "imported"
    parts = [f"{verb} {len(writes)} record{'s' if len(writes) != 1 else ''}"]
    if refused:
        parts.append(f"{len(refused)} row{'s' if len(refused) != 1 else ''} refused")
    if already:
        parts.append(f"{len(already)} already imported")
    return "; ".join(parts)
