"""The lossless CSV of records: what `cpdgen export csv` writes and `cpdgen
import csv` reads back exactly. Both directions live here, so they cannot
drift apart (pure: data in, text out, and back).

The header is `kind`, `id`, then the fields of the kinds exported, named as
in the file format (schema order, kind after kind). A row is one record; it
fills its own kind's columns only. A cell is:

* empty: the field is absent (not written in the record's file);
* text as it is, Markdown included (line breaks, quotes, commas, trailing
  spaces: CSV quoting carries them);
* `true` / `false` for a yes-or-no field, a number as the file holds it
  (`2`, `1.5`);
* a list of text (tags, competences, objectives, evidence): the items joined
  by `; `, or a JSON array where an item would not survive that (it holds a
  `;`, a line break, space at either end, or is empty; or the first item
  starts with `[`);
* a mapping or a list of mappings (an objective's actions, a profile's
  memberships, a declaration's sections, `extra`): JSON.

Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return as a formula (CSV injection). Such a cell is written with a
leading `'`, as is a cell that starts with `'` itself and an empty text (a
lone `'`), and reading drops one leading `'`: every cell survives exactly.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cpdgen.loading import schemas
from cpdgen.model.kinds import BY_NAME, KINDS

HEADER_START = ("kind", "id")
LIST_SEPARATOR = "; "
_ESCAPED_START = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER = re.compile(r"-?\d+")


class CellError(ValueError):
    """A cell that cannot be the value of its field (the message says why)."""


def exported_kinds(names: Iterable[str] | None = None) -> list[str]:
    """The kinds, in the file format's order (`names`: only those)."""
    wanted = set(names) if names is not None else None
    return [kind.name for kind in KINDS if wanted is None or kind.name in wanted]


def fields(kind_name: str) -> list[str]:
    """A kind's fields as columns, in schema order (the id has its own column)."""
    return [name for name in schemas.record_schema(kind_name)["properties"] if name != "id"]


def header(kind_names: Sequence[str]) -> list[str]:
    columns = list(HEADER_START)
    for kind_name in kind_names:
        columns.extend(name for name in fields(kind_name) if name not in columns)
    return columns


def is_export_header(cells: Sequence[str]) -> bool:
    """Whether a CSV header is this format's (it starts `kind,id`)."""
    return tuple(cell.strip() for cell in cells[:2]) == HEADER_START


# --- writing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    kind: str
    id: str  # "" for the profile, which has none of its own
    data: dict  # the record as its file holds it, without the id
    source: str = ""  # its file, for messages


def to_csv(rows: Sequence[Row], kind_names: Sequence[str]) -> str:
    columns = header(kind_names)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        unknown = set(row.data) - set(columns)
        if unknown:  # the schemas forbid other fields: a record here is one they passed
            raise ValueError(f"{row.kind} {row.id}: fields {sorted(unknown)} have no column")
        cells = [row.kind, _escape(row.id) if row.id else ""]
        cells.extend(encode(row.data[name]) if name in row.data else "" for name in columns[2:])
        for name, cell in zip(columns, cells):
            if "\x00" in cell:  # a text file cannot hold one, and import would refuse the file
                where = f"{row.source}: " if row.source else ""
                raise CellError(f"{where}{name} holds a NUL character (\\0), which a CSV file cannot carry")
        writer.writerow(cells)
    return out.getvalue()


def encode(value: Any) -> str:
    """One field's value as its cell (never empty: an empty cell is an absent field)."""
    return _escape(_text_of(value))


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        if value and all(_plain_item(item) for item in value) and not value[0].startswith("["):
            return LIST_SEPARATOR.join(value)
        return _json(value)
    return _json(value)


def _plain_item(item: str) -> bool:
    return bool(item) and item == item.strip() and ";" not in item and not any(ch in item for ch in "\r\n")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _escape(text: str) -> str:
    return "'" + text if not text or text.startswith(_ESCAPED_START) else text


def unescape(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


# --- reading ----------------------------------------------------------------------


def is_date(kind_name: str, field_name: str) -> bool:
    """Whether a kind's field is a date (YYYY-MM-DD text)."""
    return schemas.record_schema(kind_name)["properties"].get(field_name, {}).get("format") == "date"


def decode(kind_name: str, field_name: str, cell: str) -> Any:
    """The value of a non-empty cell for a field of a kind, as its schema
    types it; CellError if the cell cannot be one."""
    spec = schemas.record_schema(kind_name)["properties"].get(field_name)
    if spec is None:
        raise CellError(f"{BY_NAME[kind_name].a} has no field {field_name}")
    text = unescape(cell)
    shape = spec.get("type")
    if shape == "string":
        return text
    if shape == "boolean":  # a spreadsheet saves TRUE and FALSE
        if text.lower() not in ("true", "false"):
            raise CellError(f"'{text}' is not true or false")
        return text.lower() == "true"
    if shape == "integer":
        if not _NUMBER.fullmatch(text.strip()):
            raise CellError(f"'{text}' is not a whole number")
        return int(text)
    if shape == "number":
        return _number(text)
    if shape == "array" and spec.get("items", {}).get("type") == "string":
        if text.startswith("["):
            return _json_value(text, list)
        return [item.strip() for item in text.split(";")]
    return _json_value(text, dict if shape == "object" else list if shape == "array" else object)


def _number(text: str) -> int | float:
    written = text.strip()
    if _NUMBER.fullmatch(written):
        return int(written)
    try:
        return float(written)
    except ValueError:
        raise CellError(f"'{text}' is not a number") from None


def _json_value(text: str, shape: type) -> Any:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise CellError(f"not JSON ({exc})") from None
    if shape is not object and not isinstance(value, shape):
        raise CellError(f"JSON of a {'mapping' if shape is dict else 'list'} expected")
    return value
