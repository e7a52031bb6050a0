"""`cpdgen import csv FILE`: records from a spreadsheet log, all or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import click

from cpdgen.cli import Options, echo_problems, global_options
from cpdgen.cli.params import HumanChoice
from cpdgen.common.errors import UserError
from cpdgen.common.wording import plural


@click.group("import", short_help="Bring records in from a spreadsheet log (CSV).")
@global_options
def import_() -> None:
    """Bring records in from elsewhere: `cpdgen import csv FILE` takes a
    spreadsheet log."""


@import_.command("csv", short_help="Activities and courses from a CSV spreadsheet log, or a `cpdgen export csv` file.")
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
    type=HumanChoice("activity", "type"),
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
    work-experience. Dates are YYYY-MM-DD, DD/MM/YYYY (day first, UK order),
    14 Mar 2025, today or yesterday. Hours are 1.5, 1.5h, 90 min or 1:30
    (as `cpdgen new` reads them). Blank rows are
    skipped. The file is UTF-8 (a BOM is fine), comma, semicolon or tab
    separated.

    A file written by `cpdgen export csv` (its header starts kind,id) is
    read exactly instead: every kind and field, each record to the file its
    id names (docs/export.md).

    Nothing is written unless every row can be taken (or --skip-bad is
    given): the rows refused are listed as FILE:ROW: reason, the header
    being row 1. No file is ever overwritten; a record already imported is
    left as it is. Everything written is validated, and removed again if it
    would not be valid.
    """
    from cpdgen.authoring import csv_import
    from cpdgen.authoring.transaction import WouldBeInvalid, WriteFailed

    shown = str(file)
    overrides = csv_import.parse_mappings(mappings)
    repo = options.repository()
    plan = csv_import.plan_import(repo, file, shown, overrides, default_type, options.today)
    if plan.ignored_columns and not options.quiet:
        click.echo(
            f"{shown}: columns not imported: {', '.join(plan.ignored_columns)} (--map FIELD=COLUMN takes one)", err=True
        )
    for problem in plan.problems:
        click.echo(f"{shown}:{problem.row}: {problem.message}", err=True)
    if not options.quiet:
        for row, path in plan.already:
            click.echo(f"{shown}:{row}: already imported: {path} holds this record; left as it is", err=True)
    refusal = plan.refusal(dry_run=dry_run)
    if refusal and not skip_bad:
        raise UserError(refusal)
    if dry_run:
        for planned in plan.writes:
            click.echo(f"would write {planned.path}: {csv_import.summary(planned)}")
        click.echo(plan.totals(dry_run=True), err=True)
        return
    try:
        written = csv_import.write_import(repo, plan)
    except WriteFailed as exc:
        raise UserError(
            f"writing failed ({exc.reason}); the {plural(exc.removed, 'file')} written "
            f"{'was' if exc.removed == 1 else 'were'} removed, nothing was imported"
        ) from None
    except WouldBeInvalid as exc:
        echo_problems(exc.problems)
        raise UserError("the imported records would not be valid (above); nothing was written") from None
    if not options.quiet:
        for written_path in written:
            click.echo(os.path.relpath(written_path, options.cwd))
        click.echo(plan.totals(dry_run=False), err=True)
