"""`cpdgen serve`: preview the site on 127.0.0.1, rebuilt on every save."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click

from cpdgen.cli import Options, global_options


@click.command(short_help="Preview the site while you edit, rebuilt on every save.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port on 127.0.0.1 (0 picks a free one).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The output folder (default: output/ at the repository root); the site goes in its site/.",
)
@global_options
@click.pass_obj
def serve(options: Options, port: int, out: Path | None) -> None:
    """Build the site into OUT/site/ and serve it on http://127.0.0.1:PORT/
    (this computer only), rebuilding it whenever a record, cpdgen.yaml, a
    template or an evidence file changes.

    While the records are invalid, every page shows the errors instead, and
    the site comes back when they are fixed. Ctrl-C stops the server (exit
    status 0). The URL is printed even with --quiet.
    """
    from cpdgen.output.build import output_folder
    from cpdgen.output.serve import Preview

    repo = options.repository()
    preview = Preview(
        repo,
        output_folder(repo, out, options.cwd),
        today=lambda: options.today,
        quiet=options.quiet,
        verbose=options.verbose,
        color=options.color(sys.stderr),
    )
    preview.bind(port)  # a port in use stops here, before any build
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        preview.run(stop=stop, ready=lambda url: click.echo(f"Serving {url} — Ctrl-C to stop"))
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a preview ends: a normal stop, not an interrupted job
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not options.quiet:
        click.echo("Stopped.")
