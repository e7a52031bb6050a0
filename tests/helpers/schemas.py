"""The JSON Schemas the project ships (schemas/ at the top of the repository):
the folder, and their names written out by hand."""

from __future__ import annotations

from helpers.paths import PROJECT_ROOT

SCHEMAS = PROJECT_ROOT / "schemas"
SCHEMA_FILES = {
    f"{name}.schema.json"
    for name in (
        "activity",
        "training",
        "qualification",
        "employment",
        "objective",
        "profile",
        "declaration",
        "common",
        "config",
        "policy",
        "framework",
        "guide",
    )
}
