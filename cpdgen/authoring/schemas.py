"""`cpdgen schema`: cpdgen's JSON Schemas, as shipped, written into a folder."""

from __future__ import annotations

import json
from pathlib import Path

from cpdgen.common.atomic import write_all_atomic
from cpdgen.common.errors import UsageError, UserError
from cpdgen.loading.schemas import load_schemas


def export_schemas(out: Path) -> list[Path]:
    """Write the schemas, as shipped, into `out`, all of them or none (a
    folder, made if need be; anything else is refused before writing)."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is not a folder: --out names the folder to write the schemas into")
    files = [
        (out / name, json.dumps(schema, indent=2, ensure_ascii=False) + "\n") for name, schema in load_schemas().items()
    ]
    made = not out.exists()
    try:
        write_all_atomic(files)
    except UserError:
        if made and out.is_dir() and not any(out.iterdir()):
            out.rmdir()  # nothing was written: not even the folder stays
        raise
    return [path for path, _ in files]
