"""Plain data → YAML text for new record files, written the way a person would.

Used by `init`, `new` and `import` to write records that read back exactly
as given by cpdgen's strict loader (`cpdgen.loading.yamlparse`) and by the
YAML 1.1 and 1.2 readers in editors:

* dates (`2025-03-14`) are written plain: cpdgen keeps them as text and the
  schema checks them;
* any other string that some reader could take for a number, a boolean or a
  null (`'12'`, `'1e3'`, `'yes'`, `'1:30'`, `'null'`) is quoted, as is
  anything YAML would read differently (`'a: b'`, `'#x'`);
* text with line breaks becomes a literal block (`|`), so Markdown stays
  readable;
* lists of short plain scalars are written in flow style (`[A1, E3]`), lists
  of mappings as blocks.

Only the shapes records use are supported: mappings with string keys, lists,
strings, numbers and booleans.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from cpdgen.common.dates import is_iso_date
from cpdgen.loading.yamlparse import is_plain_number

INDENT = "  "
_FLOW_WIDTH = 80  # flow lists longer than this are written as blocks
_LOOKS_LIKE_VALUE = {"true", "false", "null", "~", ""}


def modeline(schema_path: str) -> str:
    """The first line of every generated YAML file: tells YAML-aware editors
    (the yaml-language-server) which schema completes and checks the file."""
    return f"# yaml-language-server: $schema={schema_path}\n"


def dump_document(data: dict, *, header: str = "") -> str:
    """A YAML document for the mapping `data`, after `header` (comment lines)."""
    return header + "".join(_mapping_lines(data, 0))


def scalar(value: Any, *, quoted: bool = False) -> str:
    """One scalar as YAML text (no line breaks: see `dump_document`).
    `quoted`: text other than a date in double quotes, as the keys cpdgen
    owns in a member's file are written (`yamledit`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to a record")
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return _quoted(value) if quoted and not is_iso_date(value) else _string(value)
    raise TypeError(f"cannot write a {type(value).__name__} as a YAML scalar")


# Characters YAML reads as line breaks (or that vanish from plain and single-
# quoted text): only double quotes with escapes keep them.
_NEEDS_ESCAPES = ("\x85", "\u2028", "\u2029", "\r", "\t")


def _string(text: str) -> str:
    if is_iso_date(text):
        return text
    if any(ch in text for ch in _NEEDS_ESCAPES) or not text.isprintable() and "\n" not in text:
        return _quoted(text)
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10**9, default_style=None)
    dumped = dumped.removesuffix("\n...\n").removesuffix("\n")
    plain = not dumped.startswith(("'", '"'))
    if plain and (is_plain_number(text) or text.lower() in _LOOKS_LIKE_VALUE):
        return "'" + text.replace("'", "''") + "'"
    return dumped


def _is_block_text(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value


def _literal_block(text: str, depth: int) -> list[str] | None:
    """`text` as a literal block scalar's lines (after the key), or None where
    a block cannot carry it faithfully (then it is written quoted)."""
    if any(ch in text for ch in "\r\t\x85\u2028\u2029") or text[:1] == " " or text.strip() == "":
        return None
    if any(line != line.rstrip(" ") for line in text.split("\n")):
        return None  # trailing spaces are invisible in a block; keep them explicit
    stripped = text.rstrip("\n")
    trailing = len(text) - len(stripped)
    chomp = {0: "-", 1: ""}.get(trailing, "+")
    pad = INDENT * (depth + 1)
    body = [f"{pad}{line}" if line else "" for line in stripped.split("\n")]
    body.extend([""] * max(0, trailing - 1))
    return [f"|{chomp}", *body]


def _mapping_lines(data: dict, depth: int) -> list[str]:
    lines = []
    pad = INDENT * depth
    for key, value in data.items():
        if not isinstance(key, str):
            raise TypeError("record keys are strings")
        name = _string(key)
        if isinstance(value, dict):
            if not value:
                lines.append(f"{pad}{name}: {{}}\n")
            else:
                lines.append(f"{pad}{name}:\n")
                lines.extend(_mapping_lines(value, depth + 1))
        elif isinstance(value, list):
            lines.extend(_list_lines(name, value, depth))
        elif _is_block_text(value):
            block = _literal_block(value, depth)
            if block is None:
                lines.append(f"{pad}{name}: {_quoted(value)}\n")
            else:
                head, *body = block
                lines.append(f"{pad}{name}: {head}\n")
                lines.extend(f"{line}\n" for line in body)
        else:
            lines.append(f"{pad}{name}: {scalar(value)}\n")
    return lines


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=10**9, default_style='"').rstrip("\n")


def _list_lines(name: str, items: list, depth: int) -> list[str]:
    pad = INDENT * depth
    if not items:
        return [f"{pad}{name}: []\n"]
    if all(not isinstance(item, (dict, list)) and not _is_block_text(item) for item in items):
        flow = "[" + ", ".join(_flow_scalar(item) for item in items) + "]"
        if len(pad) + len(name) + len(flow) + 2 <= _FLOW_WIDTH:
            return [f"{pad}{name}: {flow}\n"]
    lines = [f"{pad}{name}:\n"]
    for item in items:
        if isinstance(item, dict) and item:
            first, *rest = _mapping_lines(item, depth + 2)
            lines.append(f"{pad}{INDENT}- {first[len(INDENT * (depth + 2)) :]}")
            lines.extend(rest)
        elif isinstance(item, (dict, list)):
            raise TypeError("lists of lists or of empty mappings are not record shapes")
        elif _is_block_text(item):
            lines.append(f"{pad}{INDENT}- {_quoted(item)}\n")
        else:
            lines.append(f"{pad}{INDENT}- {scalar(item)}\n")
    return lines


def _flow_scalar(value: Any) -> str:
    text = scalar(value)
    if isinstance(value, str) and not text.startswith(("'", '"')) and any(ch in text for ch in ",[]{}"):
        return "'" + value.replace("'", "''") + "'"
    return text
