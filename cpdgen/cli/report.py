"""`cpdgen report activity|planning`: the year's CPD reports."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from cpdgen.cli import Options, global_options, year_option
from cpdgen.common.errors import UsageError


def output_option(command):
    """-o/--output FILE, for the commands that write a PDF."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(),
        default=None,
        metavar="FILE",
        help="Where to write the PDF (default: under output/private/ at the repository root; "
        "a folder: the usual file name in it).",
    )(command)


def write_pdf_file(options: Options, repo, result, document: str, year: int | None, output: str | None) -> Path:
    """Render one PDF and write it atomically to `output` (relative to the
    current folder) or to its place under output/ at the repository root."""
    from cpdgen.cli.build import OUTPUT, refuse_records_folder
    from cpdgen.compute import documents
    from cpdgen.compute.documents import generated_file
    from cpdgen.output.build import CACHE, PRIVATE_CACHE
    from cpdgen.output.cache import BuildCache
    from cpdgen.output.folders import marked_folder
    from cpdgen.render.pdf import make_pdf, write_pdf

    default = repo.root / OUTPUT / generated_file(document, year or 0)
    target = default if output is None else options.cwd / output
    if output is not None and (target.is_dir() or output.endswith(("/", os.sep))):
        target = target / default.name  # a folder (one ending in / may not exist yet)
    refuse_records_folder(repo, target, "-o")
    data = make_pdf(result, repo.root, document, year, today=options.today)
    if target.parent.resolve() == default.parent.resolve():
        marked_folder(default.parent, private=True)  # output/private/ as `cpdgen build` makes it
    write_pdf(target, data)
    if target.resolve().parent == default.resolve().parent:
        # A file of the last build was replaced: its cache entry no longer describes it.
        BuildCache(repo.root / OUTPUT / CACHE / PRIVATE_CACHE, default.parent).forget()
    if not options.quiet:
        try:
            shown = target.resolve().relative_to(options.cwd.resolve())
        except ValueError:
            shown = target
        click.echo(f"Wrote {shown} ({len(data):,} bytes).")
    warning = documents.too_big_to_upload(document, len(data), result.policy)
    if warning:
        click.echo(f"cpdgen: warning: {shown if not options.quiet else target.name} {warning}", err=True)
    return target


@click.command(short_help="The CPD Activity or Planning Report of a year.")
@click.argument("which", type=click.Choice(["activity", "planning"]))
@year_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv", "pdf"]),
    default="table",
    show_default=True,
    help="table (the terminal), json (every field), csv (for a spreadsheet) or pdf (the equivalent report to upload).",
)
@output_option
@global_options
@click.pass_obj
def report(options: Options, which: str, year: int | None, output_format: str, output: Path | None) -> None:
    """The CPD Activity Report (what was done in the year) or the CPD
    Planning Report (objectives, actions and plans) of a review year.

    json has every field; csv has one row per activity (activity) or per
    action and planned item (planning), for a spreadsheet; pdf writes the
    equivalent report for the body's upload form to
    output/private/cpd-activity-report-YYYY.pdf (or -o FILE).
    """
    from cpdgen.compute.reports import activity_report, activity_report_data, planning_report, planning_report_data
    from cpdgen.render.tables import to_csv, to_terminal
    from cpdgen.render.text import activity_tables, planning_sheet, planning_tables, planning_text

    if output is not None and output_format != "pdf":
        raise UsageError("-o/--output is for --format pdf; the other formats print to standard output")
    year = options.year(year)
    repo, result = options.checked()
    policy = result.policy
    if output_format == "pdf":
        from cpdgen.render.pdf import ACTIVITY_REPORT, PLANNING_REPORT

        write_pdf_file(options, repo, result, ACTIVITY_REPORT if which == "activity" else PLANNING_REPORT, year, output)
        return
    if which == "activity":
        computed = activity_report(result.records, policy, year)
        data, tables = activity_report_data(computed, policy), activity_tables(computed, policy)
    else:
        computed = planning_report(result.records, year)
        data, tables = planning_report_data(computed, policy), planning_tables(computed, policy)
    if output_format == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif output_format == "csv":
        sheet = planning_sheet(*tables) if which == "planning" else tables[0]
        click.echo(to_csv(sheet), nl=False)
    elif which == "planning":
        click.echo(planning_text(computed, policy, color=options.color()))
    else:
        click.echo(to_terminal(tables, color=options.color()))
