"""`cpdgen export csv`: every record as a spreadsheet that `import csv` reads back."""

from __future__ import annotations

from pathlib import Path

import click

from cpdgen.cli import Options, global_options
from cpdgen.model.kinds import KINDS


@click.group("export", short_help="Write the records out (CSV) for a spreadsheet or another repository.")
@global_options
def export() -> None:
    """Write the records out: `cpdgen export csv` writes every record as one
    CSV file that `cpdgen import csv` reads back exactly."""


@export.command("csv", short_help="Every record as CSV, lossless: `cpdgen import csv` reads it back exactly.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice([kind.name for kind in KINDS]),
    help="Only records of this kind (repeatable; default: every kind).",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write (default: standard output).",
)
@global_options
@click.pass_obj
def csv_(options: Options, kinds: tuple[str, ...], out: Path | None) -> None:
    """Write every record (or those of --kind) as CSV: one row a record, the
    columns `kind`, `id` and then the fields as the file format names them.

    \b
    Lossless: `cpdgen import csv FILE` in another repository writes the same
    records again (same ids, same values, private ones included). An empty
    cell is a field not given; lists are joined with '; ' (or JSON where an
    item holds a ';'); an objective's actions, a profile's memberships and a
    declaration's sections are JSON; a cell a spreadsheet would run as a
    formula (=, +, -, @) starts with a ' that import drops again.

    Private records and fields are included: the file is for you, not for
    publishing. Evidence files are not copied: copy evidence/ along.
    """
    from cpdgen.common.wording import plural
    from cpdgen.output.export import export_csv, write_export

    repo, result = options.checked()
    text, count = export_csv(repo, result.records, kinds or None)
    if out is None:
        click.echo(text, nl=False)
        return
    target = out if out.is_absolute() else options.cwd / out
    write_export(repo, target, text)
    if not options.quiet:
        click.echo(f"{out}: {plural(count, 'record')}", err=True)
