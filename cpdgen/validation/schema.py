"""The validators built from the schemas: jsonschema (which explains) and
fastjsonschema gates (which only answer yes or no, fast), with cpdgen's
format checks (`date`, `repo-path`, `document`, `email`, `uri`, `competence`) shared by both.

`pattern` has JSON Schema's ECMA-262 semantics in both, through one engine
(regress): Python's `re` differs (`$` matches before a final newline, `\\d`
and `\\w` take any script's digits and letters, `\\s` misses U+FEFF), so a
value must never be judged by `re` against a schema's pattern."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import regress

from cpdgen.common.dates import date_problem
from cpdgen.loading.paths import check_repo_path
from cpdgen.loading.schemas import record_schema
from cpdgen.model.competences import Framework
from cpdgen.model.documents import GENERATE

if TYPE_CHECKING:
    import jsonschema

FormatChecks = dict[str, Callable[[str], None]]


def format_checks(
    path_check: Callable[[str], None],
    document_check: Callable[[str], None],
    framework: Framework | None = None,
) -> FormatChecks:
    """cpdgen's formats, each a function of a string that raises ValueError
    (in plain words) when the value is wrong. `path_check` and
    `document_check` are the repository-aware part of the schema: a path
    must name a file in the repository; `framework`, the policy's competence
    framework, the codes a `competence` may be (any, without one)."""
    return {
        "date": _check_date,
        "text": _check_text,
        "repo-path": path_check,
        "document": document_check,
        "email": _check_email,
        "uri": _check_uri,
        "competence": partial(_check_competence, framework, frozenset(framework.codes) if framework else None),
    }


def _check_competence(framework: Framework | None, codes: frozenset[str] | None, value: str) -> None:
    if framework is not None and codes is not None and value not in codes:
        raise ValueError(framework.refusal([value]))


def check_document(root: Path, value: str) -> None:
    """A supporting document: a repository file, or `generate`."""
    if value != GENERATE:
        if value.strip().lower() == GENERATE:
            raise ValueError(f"write '{GENERATE}' in lower case to have cpdgen make this document")
        check_repo_path(root, value)


def format_checker(checks: FormatChecks) -> jsonschema.FormatChecker:
    import jsonschema

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
    problem = date_problem(value)
    if problem is not None:
        raise ValueError(problem)


# Characters that show nothing: format and other invisible controls (Cc, Cf,
# unassigned, surrogates, private use), separators, and the letters and
# symbols that are blank by design (Hangul fillers, the braille blank).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_SIGNS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _visible(char: str) -> bool:
    return not char.isspace() and char not in _BLANK_SIGNS and unicodedata.category(char) not in _INVISIBLE_CATEGORIES


def _check_text(value: str) -> None:
    """Text shows something: a title of only zero-width spaces or a
    byte-order mark is as blank as one of spaces."""
    if "!" <= value[:1] <= "~":  # the common case: it starts with a visible ASCII character
        return
    if value.strip() and not any(_visible(char) for char in value):  # all spaces: the pattern says "blank"
        raise ValueError("it holds only invisible characters (such as a zero-width space); write some text")


@cache
def _email_atom() -> re.Pattern[str]:
    # Compiled on first use: classes up to U+10FFFF take 9 ms to compile, which every command paid at import.
    return re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+")


@cache
def _host_label() -> re.Pattern[str]:
    return re.compile(
        r"[A-Za-z0-9_\u0080-\U0010ffff](?:[A-Za-z0-9_\-\u0080-\U0010ffff]*[A-Za-z0-9_\u0080-\U0010ffff])?"
    )


def _check_email(value: str) -> None:
    """An address as people write them: dot-separated words before one @
    (no leading, trailing or doubled dot), a host name after it."""
    local, at, domain = value.rpartition("@")
    if (
        not at
        or any(char.isspace() or not char.isprintable() for char in value)
        or not all(_email_atom().fullmatch(word) for word in local.split("."))
        or not all(_host_label().fullmatch(label) for label in domain.split("."))
    ):
        raise ValueError("not an email address")


def _ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")


def _check_uri(value: str) -> None:
    """An absolute address: a scheme, then no space or control character;
    a web address has a host name."""
    scheme, _, rest = value.partition(":")
    if not _SCHEME.fullmatch(scheme) or not rest or any(char.isspace() or not char.isprintable() for char in value):
        raise ValueError("not an absolute address like https://example.org/")
    if scheme.lower() in ("http", "https"):
        try:
            host = urlsplit(value).hostname or ""
        except ValueError:  # a bracketed host that is no IP address
            host = ""
        if not (_ip_address(host) or (host and all(_host_label().fullmatch(p) for p in host.rstrip(".").split(".")))):
            raise ValueError("not an absolute address like https://example.org/")


_COMPILED: dict[str, regress.Regex] = {}


def matches_pattern(pattern: str, value: str) -> bool:
    """Whether `value` matches a schema's `pattern` as JSON Schema means it:
    ECMA-262, unanchored unless the pattern says `^`/`$`."""
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        compiled = _COMPILED[pattern] = regress.Regex(pattern)
    try:
        return compiled.find(value) is not None
    except UnicodeEncodeError:  # a lone surrogate (a name's byte that is not UTF-8): some character, not text
        return compiled.find(_SURROGATES.sub("\ufffd", value)) is not None


_SURROGATES = re.compile("[\ud800-\udfff]")


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Any:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not matches_pattern(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _draft7() -> type[jsonschema.Draft7Validator]:
    """Draft-07 with `pattern` judged by the ECMA-262 engine. jsonschema is
    imported only here, where a validator is made (44 ms with what it
    imports): the fast gates answer for valid files, and jsonschema
    explains the others."""
    import jsonschema

    return jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": _ecma_pattern})


_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples"})  # values, not schemas


def patterns_as_formats(schema: dict) -> tuple[dict, dict[str, Callable[[object], bool]]]:
    """For the fast gate (fastjsonschema compiles `pattern` with Python's
    `re`): the schema with each `pattern` replaced by a format, and the
    formats, which match with the same ECMA-262 engine as jsonschema. A
    `pattern` keyword is one whose value is a string: a property named
    "pattern" would have a schema (a mapping)."""
    formats: dict[str, Callable[[object], bool]] = {}
    names: dict[str, str] = {}

    def check(pattern: str) -> Callable[[object], bool]:
        compiled = regress.Regex(pattern)

        def holds(value: object) -> bool:
            if not isinstance(value, str):
                return True
            try:
                return compiled.find(value) is not None
            except UnicodeEncodeError:
                return matches_pattern(pattern, value)

        return holds

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {
            key: value if key in _DATA_KEYWORDS else walk(value)
            for key, value in node.items()
            if not (key == "pattern" and isinstance(value, str))
        }
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            name = names.setdefault(pattern, f"cpdgen-pattern-{len(names)}")
            formats[name] = check(pattern)
            out["allOf"] = [*out.get("allOf", []), {"format": name}]
        return out

    return walk(schema), formats


def schema_validator(schema: dict, checks: FormatChecks | None = None) -> jsonschema.Draft7Validator:
    """A draft-07 validator of `schema` whose `pattern` is ECMA-262's, with
    cpdgen's formats if `checks` are given. Every jsonschema validator of
    cpdgen is made here."""
    return _draft7()(schema, format_checker=format_checker(checks) if checks is not None else None)


def record_validator(kind_name: str, checks: FormatChecks) -> jsonschema.Draft7Validator:
    """The validator that judges a record and explains every error."""
    return schema_validator(record_schema(kind_name), checks)


def record_gate(kind_name: str, checks: FormatChecks) -> Callable[[Any], bool]:
    """A fast yes/no answer to "is this record valid?" (`schema_gate`).
    Every record is asked it first, and jsonschema only about the records
    it rejects, for the plain-words explanation; tests hold the two to the
    same verdicts."""
    return schema_gate(record_schema(kind_name), checks)


def schema_gate(schema: dict, checks: FormatChecks) -> Callable[[Any], bool]:
    """A fast yes/no answer to "is this valid?", from `schema` compiled to
    Python by fastjsonschema: about twenty times faster than jsonschema, but
    with programmer's messages, so jsonschema explains what it rejects."""
    import fastjsonschema  # only what compiles a gate pays for it

    schema, pattern_formats = patterns_as_formats(schema)
    formats = {**{name: _holds(check) for name, check in checks.items()}, **pattern_formats}
    # Without the detailed exceptions (which embed each rule's schema): a third of the
    # code, compiled in 15 ms, not 40. Without filling in defaults: a gate only answers,
    # it never changes the data (defaults come from `schemas.with_defaults`, after).
    validate = fastjsonschema.compile(schema, formats=formats, detailed_exceptions=False, use_default=False)

    def is_valid(data: Any) -> bool:
        try:
            validate(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return is_valid
