"""`cpdgen calendar`: every body's deadlines as an iCalendar file."""

from __future__ import annotations

from pathlib import Path

import click

from cpdgen.cli import Options, global_options


@click.command(short_help="Every body's CPD deadlines as an iCalendar (.ics) file, with reminders.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Where to write the .ics file (default: standard output; a folder: cpd-deadlines.ics in it).",
)
@global_options
@click.pass_obj
def calendar(options: Options, output: Path | None) -> None:
    """The end of each body's current CPD period and of the next, as
    all-day events with a reminder four weeks before, for any calendar
    program. Importing the file again updates the events (each has a stable
    UID) rather than adding copies.
    """
    from cpdgen.compute.compliance import compliance
    from cpdgen.render.calendar import calendar_text

    _, result = options.checked()
    bodies = result.bodies
    standing = compliance(result.records, [(body.policy, body.terms) for body in bodies], options.today)
    text = calendar_text(zip(bodies, standing.bodies), options.today)
    if output is None:
        click.echo(text.encode("utf-8"), nl=False)  # bytes: the CRLF line ends as RFC 5545 has them
        return
    from cpdgen.output.calendar import write_calendar

    written = write_calendar(options.cwd / output, text)
    if not options.quiet:
        count = len(standing.bodies)
        click.echo(
            f"Wrote {written.relative_to(options.cwd) if written.is_relative_to(options.cwd) else written} "
            f"({count} {'body' if count == 1 else 'bodies'}, {count * 2} deadlines)."
        )
