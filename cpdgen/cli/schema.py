"""`cpdgen schema`: export the JSON Schemas, e.g. for an editor or another tool."""

from __future__ import annotations

from pathlib import Path

import click

from cpdgen.cli import Options, global_options


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder to write the schemas into (default: schemas/ at the root of the records "
    "repository, where record files' modelines point; outside one, ./schemas).",
)
@global_options
@click.pass_obj
def schema(options: Options, out: Path | None) -> None:
    """Write cpdgen's JSON Schemas (draft-07) into a folder."""
    from cpdgen.authoring.schemas import export_schemas
    from cpdgen.common.errors import UsageError

    if out is None:
        try:
            target = options.repository().root / "schemas"
        except UsageError:  # not in a records repository: here
            target = options.cwd / "schemas"
    else:
        target = out if out.is_absolute() else options.cwd / out
    written = export_schemas(target)
    if not options.quiet:
        for path in written:
            click.echo(str(path))
