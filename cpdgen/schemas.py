"""The JSON Schemas (draft-07): the single source of truth for the file format.

Loads them from `schemas/`, wires their cross-file `$ref`s together, and
builds one validator per record kind.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Callable

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from cpdgen.kinds import BY_NAME, CONFIG_SCHEMA_FILE
from cpdgen.resources import schemas_dir


@lru_cache(maxsize=None)
def load_schemas() -> dict[str, dict]:
    """Every schema file, by file name (e.g. "activity.schema.json")."""
    folder = schemas_dir()
    return {path.name: json.loads(path.read_text("utf-8")) for path in sorted(folder.glob("*.schema.json"))}


@lru_cache(maxsize=None)
def _registry() -> Registry:
    # Registered under their bare file names, so a relative "$ref":
    # "common.schema.json#/..." resolves here exactly as it does in an editor
    # that opens the files from disk: no network, no $id needed.
    return Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT7)) for name, schema in load_schemas().items()
    )


def record_definition(kind_name: str) -> dict:
    """The schema of one record of a kind (not of the file, which may be a list)."""
    kind = BY_NAME[kind_name]
    return load_schemas()[kind.schema_file]["definitions"][kind_name]


def field_names(kind_name: str) -> list[str]:
    return list(record_definition(kind_name)["properties"])


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_iso_date(value: str) -> bool:
    """YYYY-MM-DD and a real calendar day (no 2025-02-30, no 20250314)."""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def make_format_checker(path_check: Callable[[str], None], document_check: Callable[[str], None]) -> jsonschema.FormatChecker:
    """Format checks for our own formats. `path_check` and `document_check`
    raise ValueError with a plain-words message for a path that is not a file
    in the repository; they are the repository-aware part of the schema."""
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date", raises=ValueError)(_check_date)
    checker.checks("repo-path", raises=ValueError)(lambda value: _run(path_check, value))
    checker.checks("document", raises=ValueError)(lambda value: _run(document_check, value))
    checker.checks("email", raises=ValueError)(_check_email)
    checker.checks("uri", raises=ValueError)(_check_uri)
    return checker


def _run(check: Callable[[str], None], value: object) -> bool:
    if isinstance(value, str):
        check(value)
    return True


def _check_date(value: object) -> bool:
    if isinstance(value, str) and not is_iso_date(value):
        raise ValueError("not a real date")
    return True


def _check_email(value: object) -> bool:
    if isinstance(value, str) and ("@" not in value or value.startswith("@") or value.endswith("@") or " " in value):
        raise ValueError("not an email address")
    return True


def _check_uri(value: object) -> bool:
    if isinstance(value, str):
        scheme, _, rest = value.partition(":")
        if not scheme or not rest or not scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
            raise ValueError("not an absolute address like https://example.org/")
    return True


def inlined(ref: str) -> dict:
    """The schema at `ref` ("file.schema.json#/pointer") with every `$ref`
    replaced by what it points to.

    The files keep their `$ref`s (editors and people read those); validators
    get this self-contained copy, because resolving references dominated the
    cost of validation (about half of it). In draft-07 a `$ref`'s sibling
    keywords are ignored, so replacing the whole object is exact.
    """
    resolver = _registry().resolver()
    return _inline({"$ref": ref}, resolver, depth=0)


def _inline(node, resolver, depth: int):
    if depth > 50:  # the shipped schemas are not recursive; guard anyway
        raise RuntimeError("schema $ref nesting too deep (a recursive schema?)")
    if isinstance(node, dict):
        if "$ref" in node:
            resolved = resolver.lookup(node["$ref"])
            return _inline(resolved.contents, resolved.resolver, depth + 1)
        return {key: _inline(value, resolver, depth) if key not in ("enum", "const", "default") else value
                for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, resolver, depth) for item in node]
    return node


def record_validator(kind_name: str, format_checker: jsonschema.FormatChecker) -> jsonschema.Draft7Validator:
    kind = BY_NAME[kind_name]
    schema = inlined(f"{kind.schema_file}#/definitions/{kind_name}")
    return jsonschema.Draft7Validator(schema, format_checker=format_checker)


def config_validator(format_checker: jsonschema.FormatChecker) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(inlined(CONFIG_SCHEMA_FILE), format_checker=format_checker)


def export_schemas(out: Path) -> list[Path]:
    """Write the schemas, as shipped, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in load_schemas().items():
        target = out / name
        target.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(target)
    return written

