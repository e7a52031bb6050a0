"""Changing a few keys of a YAML file and keeping every other byte.

`declaration acknowledge` and `submit` own a handful of keys (`reports.*`,
`submitted.*`), and `declaration set` and `review` write the member's
answers one key at a time (`set_path`, which also removes a key); the rest
of the file — comments, blank lines, quoting, key order, the member's own
layout — is the member's and must come back exactly as it was. A YAML library's dump would rewrite it all, so the edit is made
in the text: the node tree gives the character span of each value, the new
values replace those spans, and missing keys are inserted after the last
entry of their section. A missing section goes where the file's comments
name it (`# monitoring:`, as the template `declaration start` writes has
it), else at the end. Every edit is proved before it is returned: the new
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


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()  # as a value for `set_path`: remove the key (and a section left empty)


def update_section(text: str, section: str, values: Mapping[str, Any], *, file: str) -> str:
    """`text` with the top-level mapping `section` holding `values` (other keys
    of the section, and everything else in the file, unchanged)."""
    newline = line_ending(text)
    root = _compose(text, file)
    if not isinstance(root, MappingNode) or root.flow_style:
        raise EditError(f"{file}: the declaration must be a block mapping (key: value lines) for cpdgen to edit it")
    entry = _entry(root, section)
    if entry is None:
        edited = _add_section(text, section, values, newline, file)
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


def _append_section(text: str, section: str, values: Mapping[str, Any], newline: str, *, plain: bool = False) -> str:
    if text and not text.endswith(("\n", "\r")):
        text += newline
    return text + f"{section}:{newline}" + _block(values, 1, newline, plain=plain)


_HEADER = re.compile(r"# ?[A-Za-z_][A-Za-z0-9_]*:")


def _add_section(
    text: str, section: str, values: Mapping[str, Any], newline: str, file: str, *, plain: bool = False
) -> str:
    """A new top-level section: after the comment lines that name it
    (`# section:` at the start of a line, and the commented lines under it),
    where a template put it; else at the end of the file."""
    anchor = re.search(rf"^# ?{re.escape(section)}:", text, re.MULTILINE)
    if anchor is not None:
        at = _next_line(text, anchor.start())
        while at < len(text):
            line = text[at : _end_of_line(text, at)]
            if not line.startswith("#") or line.strip() == "#" or _HEADER.match(line):
                break
            at = _next_line(text, at)
        if at == len(text) and not text.endswith(("\n", "\r")):
            text += newline
            at = len(text)
        candidate = text[:at] + f"{section}:{newline}" + _block(values, 1, newline, plain=plain) + text[at:]
        try:
            _prove(text, candidate, section, values, file)
        except EditError:
            pass  # the comment was somewhere else (in a block scalar, say): append instead
        else:
            return candidate
    return _append_section(text, section, values, newline, plain=plain)


def _fill_empty_section(
    text: str, key_node: Node, null_node: ScalarNode, values, newline: str, *, plain: bool = False
) -> str:
    """`section:` or `section: ~` becomes a block under it; a comment on
    that line stays where it is."""
    start, end = null_node.start_mark.index, null_node.end_mark.index
    if end > start:  # drop a written `~` or `null`, and the spaces before it if nothing follows
        if _end_of_line(text, end) == end:
            while start > key_node.end_mark.index + 1 and text[start - 1] == " ":
                start -= 1
        text = text[:start] + text[end:]
    line_end = _end_of_line(text, key_node.end_mark.index)
    indent = " " * key_node.start_mark.column + INDENT
    return text[:line_end] + newline + _block(values, 0, newline, indent, plain=plain).rstrip("\r\n") + text[line_end:]


def _update_block(
    text: str, mapping: MappingNode, values: Mapping[str, Any], newline: str, file: str, *, plain: bool = False
) -> str:
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
                edits.append(
                    (
                        line_end,
                        line_end,
                        newline + _block(value, 0, newline, indent + INDENT, plain=plain).rstrip("\r\n"),
                    )
                )
            else:
                block = _block(value, 0, newline, indent + INDENT, plain=plain).rstrip("\r\n")
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
        lines = _block(missing, 0, newline, indent, plain=plain)
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


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # YAML's line breaks (and Python's): CR LF, CR alone, LF


def line_ending(text: str) -> str:
    """The line break a file uses (its first), for the lines added to it; LF for a file of one line."""
    match = _LINE_BREAK.search(text)
    return match.group() if match else "\n"


def _end_of_line(text: str, index: int) -> int:
    """The index of the line break ending the line that holds `index`."""
    match = _LINE_BREAK.search(text, index)
    return match.start() if match else len(text)


def _break_length(text: str, end: int) -> int:
    return 2 if text.startswith("\r\n", end) else 1


def _after_line(text: str, index: int) -> int:
    """The start of the line after the one holding `index`."""
    if index > 0 and (text[index - 1] == "\n" or (text[index - 1] == "\r" and text[index : index + 1] != "\n")):
        return index
    end = _end_of_line(text, index)
    if end == len(text):
        return end
    return end + _break_length(text, end)


def _next_line(text: str, index: int) -> int:
    """The start of the line after the one holding `index` (the text's end on the last line)."""
    end = _end_of_line(text, index)
    return len(text) if end == len(text) else end + _break_length(text, end)


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


def _block(
    values: Mapping[str, Any], depth: int, newline: str, indent: str | None = None, *, plain: bool = False
) -> str:
    """Key: value lines. `plain`: words written plainly (status: employed),
    as a member writes an answer; else text is double-quoted, as the keys
    cpdgen owns are (digests)."""
    prefix = indent if indent is not None else INDENT * depth
    lines = []
    for key, value in values.items():
        if isinstance(value, Mapping):
            if value:
                lines.append(
                    f"{prefix}{_key(key)}:{newline}"
                    + _block(value, 0, newline, prefix + INDENT, plain=plain).rstrip("\r\n")
                )
            else:
                lines.append(f"{prefix}{_key(key)}: {{}}")
        else:
            literal = _literal(value, prefix + INDENT, newline)
            if literal is not None:
                lines.append(f"{prefix}{_key(key)}: {literal[0]}{newline}{literal[1]}")
            else:
                lines.append(f"{prefix}{_key(key)}: {_scalar(value, plain)}")
    return newline.join(lines) + newline


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9._/ -]*[A-Za-z0-9]|[A-Za-z]")


def _scalar(value: Any, plain: bool) -> str:
    word = isinstance(value, str) and _WORD.fullmatch(value) and ": " not in value and " #" not in value
    if plain and word and value.lower() not in _RESERVED:
        return value
    return scalar(value, quoted=True)


def _literal(value: Any, indent: str, newline: str) -> tuple[str, str] | None:
    """Text of several lines as a literal block (`|`, or `|-` without a final
    line break): (the indicator, the indented lines without a final break).
    None where a block would not hold the text exactly."""
    if not isinstance(value, str) or "\n" not in value.rstrip("\n") or value.endswith("\n\n"):
        return None
    if value[:1] in (" ", "\t") or any(ch in value for ch in ("\r", "\t", "\x85", "\u2028", "\u2029")):
        return None
    if not all(line.isprintable() for line in value.split("\n")):
        return None
    body = value[:-1] if value.endswith("\n") else value
    lines = newline.join(f"{indent}{line}" if line else "" for line in body.split("\n"))
    return ("|" if value.endswith("\n") else "|-"), lines


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


# ---- one key at a time ------------------------------------------------------------------


def set_path(text: str, path: tuple[str, ...], value: Any, *, file: str) -> str:
    """`text` with the key at `path` (e.g. ("compliance", "out_of_employment",
    "from")) set to the scalar `value`, or removed when `value` is DELETE (a
    mapping it leaves empty goes too); sections and mappings on the way are
    made as needed. Every other byte stays; the result is proved as
    `update_section`'s is."""
    if len(path) < 2 and value is not DELETE:
        raise ValueError("set_path sets a key inside a section")
    newline = line_ending(text)
    root = _compose(text, file)
    if not isinstance(root, MappingNode) or root.flow_style:
        raise EditError(f"{file}: the declaration must be a block mapping (key: value lines) for cpdgen to edit it")
    parent: MappingNode = root
    for depth, key in enumerate(path):
        entry = _entry(parent, key)
        rest = path[depth + 1 :]
        if entry is None:
            if value is DELETE:
                return text
            nested = _nested(rest, value)
            if parent is root:
                edited = _add_section(text, key, nested, newline, file, plain=True)
            elif parent.flow_style:
                edited = _update_flow(text, parent, {key: nested}, file)
            else:
                edited = _update_block(text, parent, {key: nested}, newline, file, plain=True)
            break
        key_node, node = entry
        if not rest:
            if value is DELETE:
                if len(parent.value) == 1 and parent is not root:
                    return set_path(text, path[:-1], DELETE, file=file)
                edited = _remove_entry(text, parent, key_node, node, file)
            elif isinstance(node, ScalarNode):
                edited = _replace_scalar(text, parent, key_node, node, value, newline)
            else:
                raise EditError(
                    f"{file}:{node.start_mark.line + 1}: '{key}' should be a single value for cpdgen to set it"
                )
            break
        if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
            if value is DELETE:
                return text
            edited = _fill_empty_section(text, key_node, node, _nested(rest, value), newline, plain=True)
            break
        if not isinstance(node, MappingNode):
            raise EditError(f"{file}:{node.start_mark.line + 1}: '{key}' must be a mapping for cpdgen to edit it")
        parent = node
    _prove_path(text, edited, path, value, file)
    return edited


def _replace_scalar(text: str, parent: MappingNode, key_node: Node, node: ScalarNode, value: Any, newline: str) -> str:
    """A scalar value replaced where it stands; text of several lines as a
    literal block under its key (a comment after the old value stays on the
    key's line, after the block indicator)."""
    literal = None if parent.flow_style else _literal(value, " " * key_node.start_mark.column + INDENT, newline)
    if literal is None:
        return text[: node.start_mark.index] + _scalar(value, True) + text[node.end_mark.index :]
    indicator, lines = literal
    if node.style in ("|", ">"):  # a block already: it ends after its last line break
        return text[: node.start_mark.index] + indicator + newline + lines + newline + text[node.end_mark.index :]
    line_end = _end_of_line(text, node.end_mark.index)
    rest = text[node.end_mark.index : line_end]  # spaces and a comment, if any
    return text[: node.start_mark.index] + indicator + rest + newline + lines + text[line_end:]


def _nested(path: tuple[str, ...], value: Any) -> Any:
    """{a: {b: value}} for ("a", "b"); the value itself for ()."""
    for key in reversed(path):
        value = {key: value}
    return value


def _remove_entry(text: str, mapping: MappingNode, key_node: Node, value_node: Node, file: str) -> str:
    """Remove `key: value` from a block mapping: its lines, and a comment at
    the end of its last line; comments on lines of their own stay."""
    if mapping.flow_style:
        raise EditError(
            f"{file}:{key_node.start_mark.line + 1}: cpdgen removes keys only from block mappings; remove it by hand"
        )
    line_start = text.rfind("\n", 0, key_node.start_mark.index) + 1
    if text[line_start : key_node.start_mark.index].strip():
        raise EditError(
            f"{file}:{key_node.start_mark.line + 1}: the key shares its line with another; remove it by hand"
        )
    end = _after_line(text, _content_end(text, value_node))
    return text[:line_start] + text[end:]


def _prove_path(old_text: str, new_text: str, path: tuple[str, ...], value: Any, file: str) -> None:
    """The edited text must parse to the old data with exactly this change."""
    try:
        old = parse_yaml(old_text).data
        new_document = parse_yaml(new_text)
    except YAMLFileError:
        raise EditError(f"{file}: cpdgen could not edit this file safely; nothing was written") from None
    expected = copy.deepcopy(old)
    if value is DELETE:
        _delete(expected, path)
    else:
        node = expected
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[path[-1]] = value
    if new_document.problems or new_document.data != expected:
        raise EditError(
            f"{file}: cpdgen could not set {'.'.join(path)} without changing more "
            "(is an anchor or alias involved?); nothing was written"
        )


def _delete(data: dict, path: tuple[str, ...]) -> None:
    """Remove the key at `path`, then any mapping on the way left empty."""
    parents = [data]
    for key in path[:-1]:
        parents.append(parents[-1][key])
    parents[-1].pop(path[-1], None)
    for depth in range(len(path) - 1, 0, -1):
        if not parents[depth]:
            parents[depth - 1].pop(path[depth - 1], None)
