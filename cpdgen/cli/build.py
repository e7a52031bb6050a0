"""`cpdgen build`: the portfolio site and the PDFs under output/."""

from __future__ import annotations

import gc
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from cpdgen.cli import Options, global_options
from cpdgen.common.collector import collector_paused


@contextmanager
def progress_bar(options: Options):
    """A rich progress bar on a terminal (unless --quiet); None elsewhere."""
    if options.quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("Building"), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True), transient=True
    ) as bar:
        task = bar.add_task("pages", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@click.command(short_help="Build the portfolio site and the PDFs.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The output folder (default: output/ at the repository root); site/ and private/ go in it.",
)
@click.option("--site-only", is_flag=True, help="Build the site only, not the PDFs.")
@global_options
@click.pass_obj
def build(options: Options, out: Path | None, site_only: bool) -> None:
    """Build the public portfolio site into OUT/site/ and the private PDFs
    (declarations, CPD reports, CV) into OUT/private/.

    Nothing private reaches site/. The build is atomic: if it fails or is
    interrupted, the previous output stays as it was. Pages whose records
    and templates did not change are reused from the last build.
    """
    from cpdgen.output.build import build as run_build
    from cpdgen.output.build import output_folder

    folder = output_folder(options.repository(), out, options.cwd)  # a wrong --out fails before the work
    repo, result = options.checked()
    # No cyclic collection while building: its full passes walk every object (0.4 s
    # of a 10,000-record rebuild) and find next to nothing; the process ends soon after.
    try:
        with collector_paused(), progress_bar(options) as progress:
            summary = run_build(result, repo.root, folder, options.today, pdfs=not site_only, progress=progress)
    finally:
        gc.unfreeze()
    if not options.quiet:
        click.echo(summary.line())
    for warning in summary.warnings:
        click.echo(f"cpdgen: warning: {warning}", err=True)
