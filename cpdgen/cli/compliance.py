"""`cpdgen compliance`: every body cpdgen.yaml names, side by side."""

from __future__ import annotations

import json

import click

from cpdgen.cli import Options, global_options
from cpdgen.common.errors import ExitCode


@click.command(short_help="Where you stand with every body: period, hours counted, each rule, on track or not.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@global_options
@click.pass_obj
def compliance(options: Options, output_format: str) -> None:
    """Every body cpdgen.yaml names (policy: or policies:) side by side on
    today (or --as-of): the current period, the hours required and counted
    (after units, caps and carry-over), each floor and cap, what is carried
    in and out, the shortfall, and whether at your pace over the last twelve
    months the period will close compliant.

    Exits 0 when every body is on track, 1 otherwise. --format json is a
    stable contract (docs/cli.md).
    """
    from cpdgen.compute.compliance import compliance as judge
    from cpdgen.render.compliance import compliance_notes, compliance_table
    from cpdgen.render.tables import to_terminal

    _, result = options.checked()
    bodies = [(body.policy, body.terms) for body in result.bodies or ()] or [(result.policy, None)]
    found = judge(result.records, bodies, options.today)
    if output_format == "json":
        click.echo(json.dumps(found.as_data(), indent=2, ensure_ascii=False))
    else:
        click.echo(to_terminal([compliance_table(found)], compliance_notes(found), color=options.color()))
    if not found.on_track:
        raise SystemExit(ExitCode.FAILED)
