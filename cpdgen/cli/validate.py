"""`cpdgen validate`: check every record, report every problem at once."""

from __future__ import annotations

import os
import time

import click

from cpdgen.cli import Options, global_options
from cpdgen.common.errors import ExitCode
from cpdgen.validation.report import FORMATS


@click.command(short_help="Check every record; report every problem at once.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default=None,
    help="text (default), json, or github (Actions annotations; the default when GITHUB_ACTIONS=true).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@global_options
@click.pass_obj
def validate(options: Options, output_format: str | None, strict: bool) -> None:
    """Check the records against the schemas and the cross-record rules.

    Exit status 0 when valid, 1 when not (with --strict, warnings count too).
    """
    from cpdgen.validation.report import format_github, format_json, format_text
    from cpdgen.validation.repository import validate_repository

    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    repo = options.repository()
    started = time.perf_counter()
    result = validate_repository(repo, today=options.today)
    elapsed = time.perf_counter() - started

    if output_format == "json":
        click.echo(format_json(result, strict=strict))
    elif output_format == "github":
        click.echo(format_github(result))
    else:
        text = format_text(result, color=options.color(), quiet=options.quiet)
        if text:
            click.echo(text, color=options.color())
        if options.verbose:
            click.echo(f"checked {repo.relative(repo.records)}/ in {elapsed:.2f} s", err=True)
    failed = bool(result.errors) or (strict and bool(result.warnings))
    raise SystemExit(ExitCode.FAILED if failed else ExitCode.OK)
