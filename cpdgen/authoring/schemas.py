"""`cpdgen schema`: cpdgen's JSON Schemas, as shipped, written into a folder."""

from __future__ import annotations

import json
from pathlib import Path

from cpdgen.loading.schemas import load_schemas


def export_schemas(out: Path) -> list[Path]:
    """Write the schemas, as shipped, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in load_schemas().items():
        target = out / name
        target.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(target)
    return written
