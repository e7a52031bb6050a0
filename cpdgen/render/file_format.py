"""docs/file-format.md, generated from the JSON Schemas so it cannot drift
from them. `python docs/generate.py` rewrites it; a test holds the committed
file to what this module makes now.
"""

from __future__ import annotations

from collections.abc import Iterator

from cpdgen.loading.schemas import documented, documented_record_schema, load_schemas
from cpdgen.model.kinds import CONFIG_SCHEMA_FILE, KINDS, Kind

GENERATED_NOTE = (
    "<!-- Generated from schemas/*.schema.json by `python docs/generate.py`: "
    "do not edit by hand; edit the schemas and run that. -->"
)

INTRO = """\
Each record is a YAML file in the folder of its kind, below `records/`.
A file holds one record (a mapping of the fields below), or, where the
kind allows it, a list of records each with an `id`. A one-record file's id
is its path below the kind folder without `.yaml`
(`records/activities/2025/iet-lecture.yaml` is `2025/iet-lecture`).

- Dates are written `YYYY-MM-DD` and must be real days.
- Only `true` and `false` are booleans; `yes` stays text.
- Write hours as decimals: `1.5`, not `1:30`.
- Paths (evidence, certificates, documents) are relative to the repository
  root, with forward slashes, and must name a file inside it.
- Fields not listed are errors (typos must not pass silently), except under
  `extra:`, a free-form mapping for data of your own.
- Start each file with a modeline so YAML-aware editors complete and check it,
  e.g. `# yaml-language-server: $schema=../../../schemas/activity.schema.json`
  (`cpdgen new` and `cpdgen init` write it for you; `cpdgen schema` writes the
  schemas into `schemas/`).

The same information is in the schemas themselves (`cpdgen schema`), which
editors show as you type."""


def file_format_markdown() -> str:
    schemas = load_schemas()
    parts = ["# The file format", "", GENERATED_NOTE, "", INTRO, "", "## Contents", ""]
    parts += [f"- [{_heading(kind)}](#{_anchor(_heading(kind))})" for kind in KINDS]
    parts += [f"- [{_SETTINGS}](#{_anchor(_SETTINGS)})", ""]
    for kind in KINDS:
        document = schemas[kind.schema_file]
        parts += [f"## {_heading(kind)}", "", _where(kind), "", document.get("description", ""), ""]
        parts += list(_object_tables(documented_record_schema(kind.name), path=""))
    config = schemas[CONFIG_SCHEMA_FILE]
    parts += [f"## {_SETTINGS}", "", config.get("description", ""), ""]
    parts += list(_object_tables(documented(CONFIG_SCHEMA_FILE), path=""))
    return "\n".join(parts).rstrip("\n") + "\n"


_SETTINGS = "Settings: cpdgen.yaml"


def _heading(kind: Kind) -> str:
    return f"{kind.name.capitalize()}"


def _anchor(heading: str) -> str:
    return "".join(ch for ch in heading.lower().replace(" ", "-") if ch.isalnum() or ch == "-")


def _where(kind: Kind) -> str:
    if kind.single:
        return f"One file: `records/{kind.folder}`."
    if not kind.list_files:
        return f"`records/{kind.folder}/YYYY.yaml`, one file per year, each holding one record."
    return f"`records/{kind.folder}/**/*.yaml`: one record per file, or a list of records each with an `id`."


# --- schema walking -------------------------------------------------------------------


def _object_tables(node: dict, path: str) -> Iterator[str]:
    """The table of an object's fields, then a table for each nested object.
    `node` has its `$ref`s resolved (`schemas.documented`)."""
    properties = node.get("properties", {})
    required = set(node.get("required", ()))
    if path:
        yield f"### `{path}`"
        yield ""
        if node.get("description"):
            yield node["description"]
            yield ""
    yield "| field | required | value | description |"
    yield "|---|---|---|---|"
    nested = []
    for name, sub in properties.items():
        yield (
            f"| `{name}` | {'yes' if name in required else ''} | {_escape(_value(sub))} "
            f"| {_escape(_description(sub))} |"
        )
        child = f"{path}.{name}" if path else name
        if sub.get("type") == "object" and sub.get("properties"):
            nested.append((sub, child))
        items = sub.get("items")
        if isinstance(items, dict) and _is_object(items) and items.get("properties"):
            nested.append((items, f"{child}[]"))
    yield ""
    for name, sub in properties.items():
        choices = _choices(sub)
        if choices:
            yield f"Values of `{path + '.' if path else ''}{name}`:"
            yield ""
            yield from (f"- `{value}`: {described}" for value, described in choices)
            yield ""
    for sub, child in nested:
        yield from _object_tables(sub, child)


def _is_object(node: dict) -> bool:
    """An object, or (like an entry of `policies`) a name or an object."""
    kind = node.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind)


def _choices(node: dict) -> list[tuple[str, str]]:
    descriptions = node.get("enumDescriptions")
    if "enum" in node and descriptions:
        return list(zip(node["enum"], descriptions))
    return []


def _description(node: dict) -> str:
    text = node.get("description", "")
    if "default" in node:
        text += f" Default: `{_literal(node['default'])}`."
    return text.strip()


def _literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_FORMATS = {
    "date": "date `YYYY-MM-DD`",
    "repo-path": "path of a file in the repository",
    "document": "path of a document in the repository, or `generate`",
    "email": "email address",
    "uri": "web address (https://...)",
}


def _value(node: dict) -> str:
    """What a field holds, in words."""
    if "enum" in node:
        return "one of " + ", ".join(f"`{value}`" for value in node["enum"])
    kind = node.get("type")
    if kind == "string":
        if node.get("format") in _FORMATS:
            return _FORMATS[node["format"]]
        if "pattern" in node:
            if len(node["pattern"]) <= 20:
                return f"text matching `{node['pattern'].strip('^$')}`"
            return f"text ({node['patternErrorMessage']})" if node.get("patternErrorMessage") else "text (a pattern)"
        return "text" if node.get("minLength") else "text, may be empty (Markdown)"
    if kind == "number":
        bound = " more than 0" if node.get("exclusiveMinimum") == 0 else ""
        return f"number{bound}"
    if kind == "integer":
        if "minimum" in node and "maximum" in node:
            return f"whole number {node['minimum']} to {node['maximum']}"
        return "whole number"
    if kind == "boolean":
        return "`true` or `false`"
    if kind == "array":
        items = node.get("items", {})
        if items.get("type") == "object":
            described = "list of mappings (see `[]` below)"
        elif _is_object(items):
            described = "list of names or mappings (see `[]` below)"
        else:
            described = f"list of {_value(items)}"
        return described + (", no repeats" if node.get("uniqueItems") else "")
    if kind == "object":
        if node.get("properties"):
            return "mapping (see below)"
        return "mapping, free-form"
    return "any value"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
