"""YAML text → plain data, safely, keeping the node tree for source positions.

PyYAML's own loaders implement YAML 1.1, whose implicit typing surprises
people who keep records by hand: `yes`/`no`/`on`/`off` become booleans,
`1:30` becomes 90, `2025-03-14` becomes a date object, `0777` an octal int,
and duplicate keys silently overwrite each other. cpdgen composes the node
tree with libyaml (C, fast) and builds the data itself with strict rules, a
subset of YAML 1.2's core schema:

* only `true` and `false` are booleans; only `null`, `~` and nothing are null;
* integers are decimal digits, floats are decimal with an optional exponent;
* everything else plain (dates, times, `1:30`, `0o17`, `.inf`) stays text,
  to be judged by the schema;
* YAML's non-specific tag `!` makes a scalar text, as the spec says
  (`- ! 12` is the string "12");
* duplicate keys are errors; so are tags other than YAML's standard ones;
* alias expansion is bounded (a "billion laughs" file fails in milliseconds)
  and recursive aliases are refused.

Positions are not recorded while building data (that is the hot path); a
`Document` keeps its node tree and looks a path up only when a problem has to
be reported there.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

if TYPE_CHECKING:
    from yaml import BaseLoader as _BaseLoader
else:  # libyaml's C parser; the pure-Python one (PyYAML built without libyaml) is a slow but equal stand-in
    _BaseLoader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

# How many values one file may expand to through aliases before we refuse it.
# A real records file of the maximum size (1 MB) has far fewer values.
MAX_VALUES = 200_000
# How deeply lists and mappings may nest. Records are a few levels deep; a
# limit keeps hostile files away from Python's recursion limit.
MAX_DEPTH = 64
# Longest integer read as a number (Python refuses over 4,300 digits, and
# floats overflow long before); longer digit runs are identifiers: quote them.
MAX_DIGITS = 18

_PLAIN = "!cpdgen/plain"  # our marker: an untagged plain scalar, typed below
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_STANDARD_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}

_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?")
_NULLS = {"", "~", "null"}
_PROPERTY_ENDS = frozenset(" \t\r\n,[]{}")  # what ends a tag or anchor


class _Loader(_BaseLoader):
    """libyaml's composer with a resolver that only tells plain from quoted."""

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP


@dataclass(frozen=True)
class YAMLProblem:
    """A problem in the YAML text itself, 1-based position."""

    line: int
    column: int
    message: str


class YAMLFileError(Exception):
    """The text is not usable YAML at all (the data cannot be built)."""

    def __init__(self, problem: YAMLProblem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Document:
    """The data of one YAML file, with the node tree it was built from.

    `problems` holds the non-fatal ones (duplicate keys): the data is still
    usable, with the first occurrence of each key kept.
    """

    data: Any
    root: Node | None
    problems: list[YAMLProblem] = field(default_factory=list)

    def _steps(self, path: Iterable) -> Iterator[tuple[Node | None, Node]]:
        """(key node or None, value node) for each step of `path` that exists
        in the tree; stops where the path leads nowhere."""
        node = self.root
        for step in path:
            if isinstance(node, MappingNode) and isinstance(step, str):
                pair = next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == step), None)
                if pair is None:
                    return
                key_node, node = pair
            elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                key_node, node = None, node.value[step]
            else:
                return
            yield key_node, node

    def node_at(self, path: Iterable) -> Node | None:
        """The node holding the value at `path`, or None if there is none."""
        path = tuple(path)
        steps = list(self._steps(path))
        if len(steps) != len(path):
            return None
        return steps[-1][1] if steps else self.root

    def scalar(self, path: Iterable) -> tuple[str, bool] | None:
        """The text of the scalar at `path` as written, and whether it was
        quoted; None where there is no scalar. Messages quote the user's own
        text (07700 900123 keeps its zero)."""
        node = self.node_at(path)
        if not isinstance(node, ScalarNode):
            return None
        return node.value, node.style in ("'", '"')

    def locate(self, path: Iterable, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at `path`, or of its key when
        `key` is true. A path that leads nowhere (a missing field) stops at the
        deepest node that exists, which is where the user has to look."""
        if self.root is None:
            return 1, 1
        mark = self.root.start_mark
        for key_node, node in self._steps(path):
            mark = key_node.start_mark if key and key_node is not None else node.start_mark
        return mark.line + 1, mark.column + 1


def parse_yaml(text: str) -> Document:
    """Parse one YAML document. Raises `YAMLFileError` for unusable text."""
    if len(text) > _SMALL:
        _refuse_deep_nesting(text)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise YAMLFileError(_problem_from_marked(exc, text)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line, column = _position(text, exc.position)
        raise YAMLFileError(
            YAMLProblem(
                line, column, f"the file contains a control character (#x{exc.character:04X}) that YAML does not allow"
            )
        ) from None
    except RecursionError:  # libyaml's composer recurses once per level
        raise YAMLFileError(YAMLProblem(1, 1, _too_deep())) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error is one of the above
        raise YAMLFileError(YAMLProblem(1, 1, f"YAML error: {' '.join(str(exc).split())}")) from None
    finally:
        loader.dispose()
    if root is None:
        return Document(None, None)
    builder = _Builder(text)
    data = builder.build(root)
    return Document(data, root, builder.problems)


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _problem_from_marked(exc: yaml.MarkedYAMLError, text: str) -> YAMLProblem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "but found another document" in problem:
        return YAMLProblem(line, column, "a records file holds one YAML document; remove the second '---'")
    if "maximum nesting depth" in problem:  # newer libyaml's own limit (1,000 levels)
        return YAMLProblem(line, column, _too_deep())
    message = f"{context}: {problem}" if context else problem
    started = exc.context_mark
    if started is not None and mark is not None and started.line != mark.line:
        message += f" (it began at line {started.line + 1}, column {started.column + 1})"
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        message += " (YAML indents with spaces, not tabs)"
    return YAMLProblem(line, column, f"YAML syntax error: {message}")


# libyaml's composer recurses in C once per nesting level, and tens of
# thousands of levels overflow the C stack (a crash, not an exception). A file
# this small cannot nest deeply enough for that; larger ones are scanned first
# with the event parser, which does not recurse.
_SMALL = 4096


def _refuse_deep_nesting(text: str) -> None:
    depth = 0
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    raise YAMLFileError(YAMLProblem(line, column, _too_deep()))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass  # the composer reports syntax errors, with the same words as for small files
    finally:
        loader.dispose()


def _too_long(value: str) -> str:
    shown = value if len(value) <= 24 else value[:20] + "..."
    return (
        f"the number {shown} is too large to be a number here; if it is a reference or an identifier, put it in quotes"
    )


def is_plain_number(text: str) -> bool:
    """Would `text`, written without quotes, be read as a number?"""
    return bool(_INT.fullmatch(text) or _FLOAT.fullmatch(text))


def _too_deep() -> str:
    return f"lists and mappings are nested more than {MAX_DEPTH} levels deep; records never need that"


class _Builder:
    """Builds plain Python data from a composed node tree."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tagged = "!" in text  # no tag anywhere, the common case: nothing to look for
        self.problems: list[YAMLProblem] = []
        self.budget = MAX_VALUES
        self.active: set[int] = set()  # ids of collections being built: cycles

    def fail(self, node: Node, message: str) -> YAMLFileError:
        return YAMLFileError(YAMLProblem(node.start_mark.line + 1, node.start_mark.column + 1, message))

    def build(self, node: Node) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self.fail(
                node,
                f"this file holds more than {MAX_VALUES:,} values (counting what aliases, *name, repeat); "
                "a records file never needs that many",
            )
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        marker = id(node)
        if marker in self.active:
            raise self.fail(node, "an alias refers to the collection that contains it (recursive alias)")
        if len(self.active) >= MAX_DEPTH:
            raise self.fail(node, _too_deep())
        self.active.add(marker)
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ:
                    raise self.fail(node, f"unsupported YAML tag '{node.tag}' (write a plain list)")
                return [self.build(child) for child in node.value]
            if node.tag != _MAP or not isinstance(node, MappingNode):
                raise self.fail(node, f"unsupported YAML tag '{node.tag}' (write a plain mapping)")
            return self.mapping(node)
        finally:
            self.active.discard(marker)

    def mapping(self, node: MappingNode) -> dict:
        result: dict[str, Any] = {}
        seen: dict[str, Node] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "a key must be plain text, not a list or mapping")
            key = key_node.value
            if key == "<<" and key_node.tag == _PLAIN:
                self.merge(value_node, merged)
                continue
            if key in seen:
                first = seen[key].start_mark.line + 1
                mark = key_node.start_mark
                self.problems.append(
                    YAMLProblem(mark.line + 1, mark.column + 1, f"duplicate key '{key}' (first given on line {first})")
                )
                continue
            seen[key] = key_node
            result[key] = self.build(value_node)
        if merged:  # keys written in the mapping itself win over merged ones
            return {**merged, **result}
        return result

    def merge(self, node: Node, into: dict) -> None:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        for source in sources:
            value = self.build(source)
            if not isinstance(value, dict):
                raise self.fail(source, "'<<' merges mappings only")
            for key, item in value.items():
                into.setdefault(key, item)

    def _non_specific(self, node: ScalarNode) -> bool:
        """Whether a scalar resolved as plain carries the non-specific tag `!`
        (libyaml resolves `! 12` as it does `12`; YAML says it is text). A
        plain scalar never starts with `!` or `&`, so its properties, a tag
        and an anchor in either order, are what stands there."""
        text, at = self.text, node.start_mark.index
        if text[at : at + 1] not in ("!", "&"):
            return False
        while at < len(text) and text[at] in "!&":
            end = at
            while end < len(text) and text[end] not in _PROPERTY_ENDS:
                end += 1
            if text[at:end] == "!":
                return True
            at = end
            while at < len(text) and text[at] in " \t\r\n":
                at += 1
        return False

    def scalar(self, node: ScalarNode) -> Any:
        value = node.value
        tag = node.tag
        if tag == _PLAIN:
            if self.tagged and self._non_specific(node):
                return value
            if value in _NULLS:
                return None
            if value == "true":
                return True
            if value == "false":
                return False
            first = value[0]
            if first.isdigit() or first in "+-.":
                if _INT.fullmatch(value):
                    if len(value.lstrip("+-")) > MAX_DIGITS:
                        raise self.fail(node, _too_long(value))
                    return int(value)
                if _FLOAT.fullmatch(value):
                    number = float(value)
                    if not math.isfinite(number):
                        raise self.fail(node, _too_long(value))
                    return number
            return value
        if tag == _STR:
            return value
        if tag in _STANDARD_SCALAR_TAGS:  # explicit !!int, !!bool ...: same rules, strictly
            typed = self.scalar(ScalarNode(_PLAIN, value, node.start_mark, node.end_mark))
            expected = tag.rsplit(":", 1)[1]
            kinds: dict[str, type | tuple[type, ...]] = {
                "int": int,
                "float": (int, float),
                "bool": bool,
                "null": type(None),
            }
            if not isinstance(typed, kinds[expected]) or (expected != "bool" and isinstance(typed, bool)):
                raise self.fail(node, f"'{value}' is not a valid !!{expected}")
            return float(typed) if expected == "float" and isinstance(typed, (int, float)) else typed
        raise self.fail(node, f"unsupported YAML tag '{tag}'; records hold plain text, numbers, lists and mappings")
