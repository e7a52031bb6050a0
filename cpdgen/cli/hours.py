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
@click.option(
    "--by",
    type=click.Choice(["category", "competence"]),
    default="category",
    show_default=True,
    help="category: the body's table; competence: per area of the competence framework (UK-SPEC A-E).",
)
@policy_option
@global_options
@click.pass_obj
def hours(options: Options, year: int | None, output_format: str, by: str, policy_name: str | None) -> None:
    """The CPD hours of a review year per category, and the total.

    Counts completed activities and training courses whose completion date
    (end, else start) falls in the year; training courses count as Training.
    With several bodies in cpdgen.yaml, --policy NAME shows one body's
    categories and recommendation (default: the first).

    --by competence: hours and activities per area of the policy's
    competence framework (UK-SPEC A-E), from the competences each record
    names. An activity counts in full in every area it developed, once per
    area, so the areas may add up to more than the total, which counts each
    activity once.
    """
    if by == "competence":
        _by_competence(options, year, output_format, policy_name)
        return
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


def _by_competence(options: Options, year: int | None, output_format: str, policy_name: str | None) -> None:
    from cpdgen.common.errors import UserError
    from cpdgen.compute.competences import competence_coverage
    from cpdgen.render.tables import to_csv, to_terminal
    from cpdgen.render.text import COVERAGE_NOTE, coverage_table

    year = options.year(year)
    _, result = options.checked()
    policy = result.body(policy_name).policy
    framework = policy.competences
    if framework is None:
        raise UserError(f"the {policy.short_name} policy names no competence framework: --by competence needs one")
    coverage = competence_coverage(result.records, framework, year)
    if output_format == "json":
        click.echo(json.dumps({**coverage.as_data(), "counting": COVERAGE_NOTE}, indent=2))
    elif output_format == "csv":
        click.echo(to_csv(coverage_table(coverage)), nl=False)
    else:
        click.echo(to_terminal([coverage_table(coverage)], [COVERAGE_NOTE], color=options.color()))
