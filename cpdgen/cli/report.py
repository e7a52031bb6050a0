"""`cpdgen report activity|planning`: the year's CPD reports."""

from __future__ import annotations

import json

import click

from cpdgen.cli import Options, global_options, year_option


@click.command(short_help="The CPD Activity or Planning Report of a year.")
@click.argument("which", type=click.Choice(["activity", "planning"]))
@year_option
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@global_options
@click.pass_obj
def report(options: Options, which: str, year: int | None, output_format: str) -> None:
    """The CPD Activity Report (what was done in the year) or the CPD
    Planning Report (objectives, actions and plans) of a review year.

    json has every field; csv has one row per activity (activity) or per
    action and planned item (planning), for a spreadsheet.
    """
    from cpdgen.compute.reports import activity_report, activity_report_data, planning_report, planning_report_data
    from cpdgen.render.tables import to_csv, to_terminal
    from cpdgen.render.text import activity_tables, planning_sheet, planning_tables, planning_text

    year = options.year(year)
    _, result = options.checked()
    policy = result.policy
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

