"""`cpdgen hours`: the year's CPD hours per category, as the body's table."""

from __future__ import annotations

import json

import click

from cpdgen.cli import Options, global_options, policy_option, year_option


@click.command(short_help="The CPD hours of a year per category, and the total.")
@year_option
@click.option(
    "--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@policy_option
@global_options
@click.pass_obj
def hours(options: Options, year: int | None, output_format: str, policy_name: str | None) -> None:
    """The CPD hours of a review year per category, and the total.

    Counts completed activities and training courses whose completion date
    (end, else start) falls in the year; training courses count as Training.
    With several bodies in cpdgen.yaml, --policy NAME shows one body's
    categories and recommendation (default: the first).
    """
    from cpdgen.compute.hours import recommendation, year_hours
    from cpdgen.compute.year import declaration_for
    from cpdgen.render.tables import to_csv, to_terminal
    from cpdgen.render.text import compliance_hint, hours_table, recommendation_note

    year = options.year(year)
    _, result = options.checked()
    policy = result.body(policy_name).policy
    table_hours = year_hours(result.records, policy, year)
    if output_format == "json":
        click.echo(json.dumps({"year": year, "hours": table_hours.as_data()}, indent=2))
    elif output_format == "csv":
        click.echo(to_csv(hours_table(table_hours, policy)), nl=False)
    else:
        advice = recommendation(result.records, policy, year, declaration_for(result.records, year))
        notes = [recommendation_note(advice, policy), compliance_hint(policy)]
        click.echo(to_terminal([hours_table(table_hours, policy)], [n for n in notes if n], color=options.color()))
