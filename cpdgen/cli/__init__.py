"""The command line: thin click commands over the rest of the package.

Global options are accepted both before and after the command name
(`cpdgen --records R validate` and `cpdgen validate --records R`).
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click

from cpdgen import __version__
from cpdgen.common.dates import FIRST_YEAR, LAST_YEAR
from cpdgen.common.diagnostics import Diagnostic
from cpdgen.common.errors import ExitCode, UserError
from cpdgen.common.wording import plural

ISSUES_URL = "the issue tracker of the cpdgen repository you installed it from"


@dataclass
class Options:
    """What the global options say, merged from the group and the command."""

    records: Path | None = None
    as_of: date | None = None
    quiet: bool = False
    verbose: bool = False
    no_cache: bool = False
    cwd: Path = field(default_factory=Path.cwd)

    @property
    def today(self) -> date:
        return self.as_of or date.today()

    def color(self, stream=None) -> bool:
        """Colour only on a terminal, and never when NO_COLOR is set."""
        if os.environ.get("NO_COLOR"):
            return False
        stream = stream or sys.stdout
        return bool(getattr(stream, "isatty", lambda: False)())

    def repository(self):
        from dataclasses import replace

        from cpdgen.loading.files import find_repository

        repo = find_repository(self.cwd, self.records)
        return replace(repo, use_cache=False) if self.no_cache else repo

    def year(self, year: int | None) -> int:
        """The review year asked for, else the one before today."""
        from cpdgen.compute.year import default_year

        return year if year is not None else default_year(self.today)

    def checked(self, *, check_submitted: bool = True):
        """(repository, validation result) for commands that compute from the
        records: they refuse to work on invalid records, whose hours and
        reports would be wrong, and show why on standard error."""
        from cpdgen.validation.report import format_text
        from cpdgen.validation.repository import validate_repository

        repo = self.repository()
        result = validate_repository(repo, check_submitted=check_submitted, today=self.today)
        if result.errors:
            click.echo(format_text(result, color=self.color(sys.stderr), quiet=True), err=True)
            count = len(result.errors)
            raise UserError(
                f"{plural(count, 'error')} in the repository (above): fix {'them' if count != 1 else 'it'} first; "
                "`cpdgen validate` checks again"
            )
        return repo, result

    def checked_declaration(self, *, check_submitted: bool = True):
        """As `checked`, for the declaration commands: the declaration belongs
        to the first body of cpdgen.yaml, which must have a checklist."""
        repo, result = self.checked(check_submitted=check_submitted)
        if not result.policy.has_checklist:
            raise UserError(
                f"the {result.policy.short_name} policy has no declaration checklist, so there is no declaration "
                "to work on; cpdgen compliance shows where you stand with it (the declaration belongs to the "
                "first body of cpdgen.yaml)"
            )
        return repo, result


def echo_problems(problems: Iterable[Diagnostic], indent: str = "") -> None:
    """Diagnostics on standard error, one line each."""
    for problem in problems:
        click.echo(f"{indent}{problem.text()}", err=True)


def year_option(command: Callable) -> Callable:
    """--year, for every command about a review year."""
    return click.option(
        "--year",
        type=click.IntRange(FIRST_YEAR, LAST_YEAR),
        default=None,
        help="The review year (default: the year before today, or before --as-of).",
    )(command)


def policy_option(command: Callable) -> Callable:
    """--policy NAME, for the commands that count hours by one body's rules."""
    return click.option(
        "--policy",
        "policy_name",
        metavar="NAME",
        default=None,
        help="Count by this body's rules: one of the policies cpdgen.yaml lists (default: the first).",
    )(command)


# Review years run FIRST_YEAR to LAST_YEAR (common.dates); "today" must leave a year before it.
AS_OF_RANGE = (date(FIRST_YEAR + 1, 1, 1), date(LAST_YEAR, 12, 31))


def _parse_date(ctx, param, value):
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date written YYYY-MM-DD") from None
    if not AS_OF_RANGE[0] <= parsed <= AS_OF_RANGE[1]:
        raise click.BadParameter(f"'{value}' is out of range: give a date from {AS_OF_RANGE[0]} to {AS_OF_RANGE[1]}")
    return parsed


def _store(name: str):
    def callback(ctx: click.Context, param, value):
        if value is not None and value is not False:
            setattr(ctx.ensure_object(Options), name, value)
        return value

    return callback


def global_options(command: Callable) -> Callable:
    """The options every command takes; the value closest to the command wins."""
    options = [
        click.option(
            "--records",
            type=click.Path(file_okay=False, path_type=Path),
            expose_value=False,
            callback=_store("records"),
            help="The records folder (default: records/ of the repository holding the current folder).",
        ),
        click.option(
            "--as-of",
            metavar="DATE",
            expose_value=False,
            callback=lambda ctx, p, v: _store("as_of")(ctx, p, _parse_date(ctx, p, v)),
            help="Take DATE (YYYY-MM-DD) as today.",
        ),
        click.option(
            "--quiet", "-q", is_flag=True, expose_value=False, callback=_store("quiet"), help="Print errors only."
        ),
        click.option("--verbose", "-v", is_flag=True, expose_value=False, callback=_store("verbose"), help="Say more."),
        click.option(
            "--no-cache",
            is_flag=True,
            expose_value=False,
            callback=_store("no_cache"),
            help="Check every record file afresh, without the cache of checked files (docs/performance.md).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


class _OutputClosed(BaseException):
    """What read cpdgen's output closed it (`cpdgen hours | head -1`).
    A BaseException, as KeyboardInterrupt, so that no handler of errors
    takes it for a bug on its way to main()."""


class _Group(click.Group):
    """Turns user errors into one-line messages and anything else into an
    internal-error report, never a bare traceback."""

    def invoke(self, ctx: click.Context):
        try:
            try:
                return super().invoke(ctx)
            finally:
                cache = sys.modules.get("cpdgen.validation.cache")  # loaded only by commands that validate
                if cache is not None:
                    cache.finish_writing()  # what a command wrote behind its work is on disk before it ends
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except UserError as exc:
            click.echo(f"cpdgen: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("cpdgen: interrupted", err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except BrokenPipeError:
            raise _OutputClosed from None  # not a bug: main() ends quietly
        except Exception:
            options = ctx.find_object(Options)
            click.echo(
                "cpdgen: internal error: this is a bug in cpdgen, not a problem with your records.\n"
                f"Please report it on {ISSUES_URL}, with the command you ran, `cpdgen --version` and this trace:",
                err=True,
            )
            if options is None or options.verbose or os.environ.get("CPDGEN_DEBUG"):
                traceback.print_exc()
            else:
                error = sys.exc_info()[1]
                click.echo(f"  {type(error).__name__}: {error} (run with --verbose for the full trace)", err=True)
            ctx.exit(ExitCode.INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="cpdgen")
@global_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Keep CPD records as YAML in git: validate them, walk the annual CPD
    declaration, build a portfolio site and the PDFs.

    Runs on the records repository that holds the current folder (the nearest
    folder upward with a cpdgen.yaml or a records/ folder).
    """
    ctx.ensure_object(Options)


def _register() -> None:
    from cpdgen.cli import (
        build,
        calendar,
        compliance,
        declaration,
        export,
        hours,
        importing,
        init,
        new,
        report,
        schema,
        serve,
        validate,
    )

    cli.add_command(validate.validate)
    cli.add_command(hours.hours)
    cli.add_command(report.report)
    cli.add_command(compliance.compliance)
    cli.add_command(calendar.calendar)
    cli.add_command(declaration.declaration)
    cli.add_command(build.build)
    cli.add_command(serve.serve)
    cli.add_command(schema.schema)
    cli.add_command(init.init)
    cli.add_command(new.new)
    cli.add_command(importing.import_)
    cli.add_command(export.export)


_register()


def main() -> None:
    """The `cpdgen` program. When what reads its output goes away (`| head`),
    it stops quietly with status 141, as a program killed by SIGPIPE does;
    the recipe of Python's documentation for SIGPIPE: the rest of the output
    goes to /dev/null, so the flush at exit cannot fail again."""
    try:
        try:
            cli(prog_name="cpdgen")
        finally:
            sys.stdout.flush()  # inside the try: output still buffered can meet the closed pipe
    except (BrokenPipeError, _OutputClosed):
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a stream without a file descriptor
                os.dup2(devnull, stream.fileno())
        sys.exit(ExitCode.OUTPUT_CLOSED)
