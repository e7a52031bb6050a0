"""The JSON Schemas (draft-07): the single source of truth for the file format.

Loads them from `schemas/` and wires their cross-file `$ref`s together: the
schema documents, with defaults and descriptions, for every stage that reads
the format. The validators built from them are `cpdgen.validation.schema`.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from cpdgen.common.resources import schemas_dir
from cpdgen.model.kinds import (
    BY_NAME,
    CONFIG_SCHEMA_FILE,
    FRAMEWORK_SCHEMA_FILE,
    GUIDE_SCHEMA_FILE,
    POLICY_SCHEMA_FILE,
)


@cache
def load_schemas() -> dict[str, dict]:
    """Every schema file, by file name (e.g. "activity.schema.json")."""
    folder = schemas_dir()
    return {path.name: json.loads(path.read_text("utf-8")) for path in sorted(folder.glob("*.schema.json"))}


def _lookup(ref: str, base: str) -> tuple[Any, str]:
    """What a `$ref` in the schema file `base` points to, and the file that
    is in. The shipped schemas refer only to each other, by bare file name
    ("common.schema.json#/definitions/date", or "#/definitions/x" within
    the same file), as an editor opening them from disk resolves them: a
    JSON pointer (RFC 6901) into one of them. Resolved here rather than by
    `referencing`, whose import (with attrs) cost 25 ms of every command."""
    name, _, pointer = ref.partition("#")
    name = name or base
    schemas = load_schemas()
    if name not in schemas:
        raise RuntimeError(f"{base}: $ref {ref!r} names no schema file of cpdgen")  # a bug in the shipped schemas
    node: Any = schemas[name]
    for token in pointer.split("/")[1:] if pointer else ():
        token = token.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(token)] if isinstance(node, list) else node[token]
        except (KeyError, IndexError, ValueError, TypeError):
            raise RuntimeError(f"{base}: $ref {ref!r} leads nowhere") from None
    return node, name


def inlined(ref: str) -> dict:
    """The schema at `ref` ("file.schema.json#/pointer") with every `$ref`
    replaced by what it points to.

    The files keep their `$ref`s (editors and people read those); validators
    get this self-contained copy, because resolving references dominated the
    cost of validation (about half of it). In draft-07 a `$ref`'s sibling
    keywords are ignored, so replacing the whole object is exact.
    """
    return _inline({"$ref": ref}, "", depth=0, documented=False)


def documented(ref: str) -> dict:
    """Like `inlined`, but a `$ref`'s own description (and other sibling
    keywords) win over the referenced ones: what people should read about a
    field, for generated templates and docs. Not for validating."""
    return _inline({"$ref": ref}, "", depth=0, documented=True)


def _inline(node: Any, base: str, depth: int, documented: bool) -> Any:
    """`node`, of the schema file `base`, with its `$ref`s replaced."""
    if depth > 50:  # the shipped schemas are not recursive; guard anyway
        raise RuntimeError("schema $ref nesting too deep (a recursive schema?)")
    if isinstance(node, dict):
        if "$ref" in node:
            contents, found_in = _lookup(node["$ref"], base)
            target = _inline(contents, found_in, depth + 1, documented)
            if documented:
                target = {**target, **{key: value for key, value in node.items() if key != "$ref"}}
            return target
        return {
            key: _inline(value, base, depth, documented) if key not in ("enum", "const", "default") else value
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_inline(item, base, depth, documented) for item in node]
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


@cache
def policy_schema() -> dict:
    return inlined(POLICY_SCHEMA_FILE)


@cache
def framework_schema() -> dict:
    return inlined(FRAMEWORK_SCHEMA_FILE)


@cache
def guide_schema() -> dict:
    return inlined(GUIDE_SCHEMA_FILE)
