"""`cpdgen report activity|planning`: the year's CPD reports."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cpdgen.cli import Options, global_options, policy_option, year_option
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


def write_pdf_file(
    options: Options, repo, result, document: str, year: int | None, output: str | None, policy=None
) -> Path:
    """Write one PDF (to -o, else under output/) and say where, and whether
    the body's upload form would take it (by `policy`, default the first body's)."""
    from cpdgen.output.pdfs import write_pdf_file as write

    policy = policy or result.policy
    written = write(repo, result.records, policy, document, year, output, cwd=options.cwd, today=options.today)
    try:
        shown = written.path.resolve().relative_to(options.cwd.resolve())
    except ValueError:
        shown = written.path
    if not options.quiet:
        click.echo(f"Wrote {shown} ({written.size:,} bytes).")
    if written.too_big:
        click.echo(f"cpdgen: warning: {shown if not options.quiet else written.path.name} {written.too_big}", err=True)
    for warning in written.unprintable:
        click.echo(f"cpdgen: warning: {warning}", err=True)
    return written.path


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
@policy_option
@global_options
@click.pass_obj
def report(
    options: Options, which: str, year: int | None, output_format: str, output: str | None, policy_name: str | None
) -> None:
    """The CPD Activity Report (what was done in the year) or the CPD
    Planning Report (objectives, actions and plans) of a review year.

    json has every field; csv has one row per activity (activity) or per
    action and planned item (planning), for a spreadsheet; pdf writes the
    equivalent report for the body's upload form to
    output/private/cpd-activity-report-YYYY.pdf (or -o FILE). With several
    bodies in cpdgen.yaml, --policy NAME uses one body's categories and
    labels (default: the first).

    The csv is a report to read, not to import: `cpdgen export csv` writes
    every record, every field, in a form `cpdgen import csv` reads back.
    """
    from cpdgen.compute.reports import activity_report, activity_report_data, planning_report, planning_report_data
    from cpdgen.render.tables import to_csv, to_terminal
    from cpdgen.render.text import activity_tables, planning_sheet, planning_tables, planning_text

    if output is not None and output_format != "pdf":
        raise UsageError("-o/--output is for --format pdf; the other formats print to standard output")
    year = options.year(year)
    repo, result = options.checked()
    policy = result.body(policy_name).policy
    if output_format == "pdf":
        from cpdgen.render.pdf import ACTIVITY_REPORT, PLANNING_REPORT

        document = ACTIVITY_REPORT if which == "activity" else PLANNING_REPORT
        write_pdf_file(options, repo, result, document, year, output, policy)
        return
    if which == "activity":
        activities = activity_report(result.records, policy, year)
        if output_format == "json":
            click.echo(json.dumps(activity_report_data(activities, policy), indent=2, ensure_ascii=False))
        elif output_format == "csv":
            click.echo(to_csv(activity_tables(activities, policy)[0]), nl=False)
        else:
            click.echo(to_terminal(activity_tables(activities, policy), color=options.color()))
    else:
        planning = planning_report(result.records, year)
        if output_format == "json":
            click.echo(json.dumps(planning_report_data(planning, policy), indent=2, ensure_ascii=False))
        elif output_format == "csv":
            click.echo(to_csv(planning_sheet(*planning_tables(planning, policy))), nl=False)
        else:
            click.echo(planning_text(planning, policy, color=options.color()))
