"""The JSON Schemas (draft-07): the single source of truth for the file format.

Loads them from `schemas/`, wires their cross-file `$ref`s together, and
builds one validator per record kind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from cpdgen.common.resources import schemas_dir
from cpdgen.model.kinds import BY_NAME, CONFIG_SCHEMA_FILE, POLICY_SCHEMA_FILE


@cache
def load_schemas() -> dict[str, dict]:
    """Every schema file, by file name (e.g. "activity.schema.json")."""
    folder = schemas_dir()
    return {path.name: json.loads(path.read_text("utf-8")) for path in sorted(folder.glob("*.schema.json"))}


@cache
def _registry() -> Registry:
    # Registered under their bare file names, so a relative "$ref":
    # "common.schema.json#/..." resolves here exactly as it does in an editor
    # that opens the files from disk: no network, no $id needed.
    return Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT7)) for name, schema in load_schemas().items()
    )


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


FormatChecks = dict[str, Callable[[str], None]]


def format_checks(path_check: Callable[[str], None], document_check: Callable[[str], None]) -> FormatChecks:
    """cpdgen's formats, each a function of a string that raises ValueError
    (in plain words) when the value is wrong. `path_check` and
    `document_check` are the repository-aware part of the schema: a path
    must name a file in the repository."""
    return {
        "date": _check_date,
        "repo-path": path_check,
        "document": document_check,
        "email": _check_email,
        "uri": _check_uri,
    }


def format_checker(checks: FormatChecks) -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())
    for name, check in checks.items():
        checker.checks(name, raises=ValueError)(_for_strings(check))
    return checker


def _for_strings(check: Callable[[str], None]) -> Callable[[object], bool]:
    def run(value: object) -> bool:
        if isinstance(value, str):  # other types are the "type" keyword's business
            check(value)
        return True

    return run


def _holds(check: Callable[[str], None]) -> Callable[[object], bool]:
    def holds(value: object) -> bool:
        try:
            _for_strings(check)(value)
        except ValueError:
            return False
        return True

    return holds


def _check_date(value: str) -> None:
    if not is_iso_date(value):
        raise ValueError("not a real date")


def _check_email(value: str) -> None:
    if "@" not in value or value.startswith("@") or value.endswith("@") or " " in value:
        raise ValueError("not an email address")


def _check_uri(value: str) -> None:
    scheme, _, rest = value.partition(":")
    if not scheme or not rest or not scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
        raise ValueError("not an absolute address like https://example.org/")


def inlined(ref: str) -> dict:
    """The schema at `ref` ("file.schema.json#/pointer") with every `$ref`
    replaced by what it points to.

    The files keep their `$ref`s (editors and people read those); validators
    get this self-contained copy, because resolving references dominated the
    cost of validation (about half of it). In draft-07 a `$ref`'s sibling
    keywords are ignored, so replacing the whole object is exact.
    """
    resolver = _registry().resolver()
    return _inline({"$ref": ref}, resolver, depth=0, documented=False)


def documented(ref: str) -> dict:
    """Like `inlined`, but a `$ref`'s own description (and other sibling
    keywords) win over the referenced ones: what people should read about a
    field, for generated templates and docs. Not for validating."""
    resolver = _registry().resolver()
    return _inline({"$ref": ref}, resolver, depth=0, documented=True)


def _inline(node, resolver, depth: int, documented: bool):
    if depth > 50:  # the shipped schemas are not recursive; guard anyway
        raise RuntimeError("schema $ref nesting too deep (a recursive schema?)")
    if isinstance(node, dict):
        if "$ref" in node:
            resolved = resolver.lookup(node["$ref"])
            target = _inline(resolved.contents, resolved.resolver, depth + 1, documented)
            if documented:
                target = {**target, **{key: value for key, value in node.items() if key != "$ref"}}
            return target
        return {
            key: _inline(value, resolver, depth, documented) if key not in ("enum", "const", "default") else value
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_inline(item, resolver, depth, documented) for item in node]
    return node


def with_defaults(schema: dict, data: Any) -> Any:
    """`data` with the schema's `default`s filled in where a field is absent,
    at every level. The schemas are the one place defaults are written
    (editors show them); the model never repeats them."""
    if isinstance(data, dict) and "properties" in schema:
        filled = dict(data)
        for name, subschema in schema["properties"].items():
            if name in filled:
                filled[name] = with_defaults(subschema, filled[name])
            elif "default" in subschema:
                filled[name] = subschema["default"]
            elif _holds_defaults(subschema):  # e.g. site.publish.* in cpdgen.yaml
                filled[name] = with_defaults(subschema, {})
        return filled
    if isinstance(data, list) and isinstance(schema.get("items"), dict):
        return [with_defaults(schema["items"], item) for item in data]
    return data


def _holds_defaults(schema: dict) -> bool:
    return any(
        "default" in subschema or _holds_defaults(subschema) for subschema in schema.get("properties", {}).values()
    )


@cache
def record_schema(kind_name: str) -> dict:
    """The self-contained schema of one record of a kind (not of its file,
    which may hold a list)."""
    return inlined(_record_ref(kind_name))


@cache
def config_schema() -> dict:
    return inlined(CONFIG_SCHEMA_FILE)


def documented_record_schema(kind_name: str) -> dict:
    return documented(_record_ref(kind_name))


def _record_ref(kind_name: str) -> str:
    return f"{BY_NAME[kind_name].schema_file}#/definitions/{kind_name}"


def record_validator(kind_name: str, checks: FormatChecks) -> jsonschema.Draft7Validator:
    """The validator that judges a record and explains every error."""
    return jsonschema.Draft7Validator(record_schema(kind_name), format_checker=format_checker(checks))


def record_gate(kind_name: str, checks: FormatChecks) -> Callable[[Any], bool]:
    """A fast yes/no answer to "is this record valid?", from the same schema
    compiled to Python by fastjsonschema (about twenty times faster than
    jsonschema, but with programmer's messages). Large repositories ask it
    first and ask jsonschema only about the records it rejects, for the
    plain-words explanation; tests hold the two to the same verdicts."""
    import fastjsonschema  # only large repositories pay for compiling

    validate = fastjsonschema.compile(
        record_schema(kind_name), formats={name: _holds(check) for name, check in checks.items()}
    )

    def is_valid(data: Any) -> bool:
        try:
            validate(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return is_valid


def config_validator(checks: FormatChecks) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(config_schema(), format_checker=format_checker(checks))


@cache
def policy_schema() -> dict:
    return inlined(POLICY_SCHEMA_FILE)


def policy_validator(checks: FormatChecks) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(policy_schema(), format_checker=format_checker(checks))


def export_schemas(out: Path) -> list[Path]:
    """Write the schemas, as shipped, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in load_schemas().items():
        target = out / name
        target.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(target)
    return written
