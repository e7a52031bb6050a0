"""`cpdgen schema`: export the JSON Schemas, e.g. for an editor or another tool."""

from __future__ import annotations

from pathlib import Path

import click

from cpdgen.cli import Options, global_options


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="The folder to write the schemas into.",
)
@global_options
@click.pass_obj
def schema(options: Options, out: Path) -> None:
    """Write cpdgen's JSON Schemas (draft-07) into a folder."""
    from cpdgen.schemas import export_schemas

    target = out if out.is_absolute() else options.cwd / out
    written = export_schemas(target)
    if not options.quiet:
        for path in written:
            click.echo(str(path))
