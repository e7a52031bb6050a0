"""Changing a few keys of a YAML file and keeping every other byte.

`declaration acknowledge` and `submit` own a handful of keys (`reports.*`,
`submitted.*`); the rest of the file — comments, blank lines, quoting, key
order, the member's own layout — is the member's and must come back exactly
as it was. A YAML library's dump would rewrite it all, so the edit is made
in the text: the node tree gives the character span of each value, the new
values replace those spans, and missing keys are inserted after the last
entry of their section. Every edit is proved before it is returned: the new
text is parsed again and must hold exactly the old data with the new values.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from cpdgen.authoring.yamlwrite import scalar
from cpdgen.common.errors import UserError
from cpdgen.loading.yamlparse import YAMLFileError, parse_yaml

_Loader = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader  # libyaml's, when PyYAML has it

INDENT = "  "
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


class EditError(UserError):
    """The file is laid out in a way cpdgen cannot edit safely; nothing was written."""


def update_section(text: str, section: str, values: Mapping[str, Any], *, file: str) -> str:
    """`text` with the top-level mapping `section` holding `values` (other keys
    of the section, and everything else in the file, unchanged)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    root = _compose(text, file)
    if not isinstance(root, MappingNode) or root.flow_style:
        raise EditError(f"{file}: the declaration must be a block mapping (key: value lines) for cpdgen to edit it")
    entry = _entry(root, section)
    if entry is None:
        edited = _append_section(text, section, values, newline)
    else:
        key_node, value_node = entry
        if isinstance(value_node, ScalarNode) and value_node.tag.endswith(":null"):
            edited = _fill_empty_section(text, key_node, value_node, values, newline)
        elif isinstance(value_node, MappingNode) and value_node.flow_style:
            edited = _update_flow(text, value_node, values, file)
        elif isinstance(value_node, MappingNode):
            edited = _update_block(text, value_node, values, newline, file)
        else:
            raise EditError(
                f"{file}:{value_node.start_mark.line + 1}: '{section}' must be a mapping for cpdgen to edit it"
            )
    _prove(text, edited, section, values, file)
    return edited


def _compose(text: str, file: str) -> Node:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        problem = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else None
        raise EditError(f"{file}: cannot be edited, it is not valid YAML ({problem or exc})") from None
    if node is None:
        raise EditError(f"{file}: the file is empty; cpdgen edits a declaration that has at least its year")
    return node


def _entry(mapping: MappingNode, key: str) -> tuple[Node, Node] | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


# ---- the edits ----------------------------------------------------------------------


def _append_section(text: str, section: str, values: Mapping[str, Any], newline: str) -> str:
    if text and not text.endswith(("\n", "\r")):
        text += newline
    return text + f"{section}:{newline}" + _block(values, 1, newline)


def _fill_empty_section(text: str, key_node: Node, null_node: ScalarNode, values, newline: str) -> str:
    """`section:` or `section: ~` becomes a block under it; a comment on
    that line stays where it is."""
    start, end = null_node.start_mark.index, null_node.end_mark.index
    if end > start:  # drop a written `~` or `null`, and the spaces before it if nothing follows
        if _end_of_line(text, end) == end:
            while start > key_node.end_mark.index + 1 and text[start - 1] == " ":
                start -= 1
        text = text[:start] + text[end:]
    line_end = _end_of_line(text, key_node.end_mark.index)
    return text[:line_end] + newline + _block(values, 1, newline).rstrip("\r\n") + text[line_end:]


def _update_block(text: str, mapping: MappingNode, values: Mapping[str, Any], newline: str, file: str) -> str:
    indent = " " * mapping.start_mark.column
    edits: list[tuple[int, int, str]] = []
    missing: dict[str, Any] = {}
    for key, value in values.items():
        entry = _entry(mapping, key)
        if entry is None:
            missing[key] = value
            continue
        _, old = entry
        if isinstance(value, Mapping):
            if not isinstance(old, MappingNode) or old.flow_style or not old.value:
                # `records: {}` or a scalar: the new block goes on the lines below
                line_end = _end_of_line(text, old.end_mark.index)
                edits.append((old.start_mark.index, old.end_mark.index, ""))
                edits.append((line_end, line_end, newline + _block(value, 0, newline, indent + INDENT).rstrip("\r\n")))
            else:
                block = _block(value, 0, newline, indent + INDENT).rstrip("\r\n")
                edits.append((old.start_mark.index, _content_end(text, old), block[len(indent + INDENT) :]))
        else:
            if not isinstance(old, ScalarNode):
                raise EditError(
                    f"{file}:{old.start_mark.line + 1}: '{key}' should be a single value for cpdgen to set it"
                )
            edits.append((old.start_mark.index, old.end_mark.index, scalar(value, quoted=True)))
    if missing:
        last_value = mapping.value[-1][1]
        at = _after_line(text, _content_end(text, last_value))
        lines = _block(missing, 0, newline, indent)
        if at == len(text) and not text.endswith(("\n", "\r")):
            lines = newline + lines.rstrip("\r\n")
        edits.append((at, at, lines))
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _update_flow(text: str, mapping: MappingNode, values: Mapping[str, Any], file: str) -> str:
    edits = []
    missing = []
    for key, value in values.items():
        if isinstance(value, Mapping):
            rendered = json.dumps(value, sort_keys=False)
        else:
            rendered = scalar(value, quoted=True)
        entry = _entry(mapping, key)
        if entry is None:
            missing.append(f"{_key(key)}: {rendered}")
        elif isinstance(entry[1], ScalarNode) or isinstance(value, Mapping):
            edits.append((entry[1].start_mark.index, entry[1].end_mark.index, rendered))
        else:
            raise EditError(
                f"{file}:{entry[1].start_mark.line + 1}: '{key}' should be a single value for cpdgen to set it"
            )
    if missing:
        close = text.rindex("}", mapping.start_mark.index, mapping.end_mark.index)
        separator = ", " if mapping.value else ""
        edits.append((close, close, separator + ", ".join(missing)))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


# ---- positions ------------------------------------------------------------------------


def _end_of_line(text: str, index: int) -> int:
    """The index of the line break ending the line that holds `index`."""
    match = re.compile(r"\r?\n").search(text, index)
    return match.start() if match else len(text)


def _after_line(text: str, index: int) -> int:
    """The start of the line after the one holding `index`."""
    if index > 0 and text[index - 1] == "\n":
        return index
    end = _end_of_line(text, index)
    if end == len(text):
        return end
    return end + (2 if text.startswith("\r\n", end) else 1)


def _content_end(text: str, node: Node) -> int:
    """Where a value's own text ends: a block node's end mark may lie past
    trailing blank lines and comments, which belong to what follows."""
    end = node.end_mark.index
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        return end  # a block scalar's last line break is part of it
    while isinstance(node, MappingNode) and node.value and not node.flow_style:
        node = node.value[-1][1]
        end = node.end_mark.index
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            return end
    return end


# ---- rendering ------------------------------------------------------------------------


def _block(values: Mapping[str, Any], depth: int, newline: str, indent: str | None = None) -> str:
    prefix = indent if indent is not None else INDENT * depth
    lines = []
    for key, value in values.items():
        if isinstance(value, Mapping):
            if value:
                lines.append(
                    f"{prefix}{_key(key)}:{newline}" + _block(value, 0, newline, prefix + INDENT).rstrip("\r\n")
                )
            else:
                lines.append(f"{prefix}{_key(key)}: {{}}")
        else:
            lines.append(f"{prefix}{_key(key)}: {scalar(value, quoted=True)}")
    return newline.join(lines) + newline


def _key(key: str) -> str:
    if _PLAIN_KEY.fullmatch(key) and key.lower() not in _RESERVED:
        return key
    return json.dumps(key, ensure_ascii=False)


# ---- the proof ---------------------------------------------------------------------------


def _prove(old_text: str, new_text: str, section: str, values: Mapping[str, Any], file: str) -> None:
    """The edited text must parse to the old data with exactly the new values."""
    try:
        old = parse_yaml(old_text).data
        new_document = parse_yaml(new_text)
    except YAMLFileError:
        raise EditError(f"{file}: cpdgen could not edit this file safely; nothing was written") from None
    expected = copy.deepcopy(old)
    current = expected.get(section)
    merged = dict(current) if isinstance(current, dict) else {}
    merged.update(copy.deepcopy(dict(values)))
    expected[section] = merged
    if new_document.problems or new_document.data != expected:
        raise EditError(
            f"{file}: cpdgen could not edit this file without changing more than '{section}' "
            "(is an anchor or alias involved?); nothing was written"
        )
