"""jsonschema errors → plain words, at the place in the file they concern.

jsonschema's own messages are written for programmers ("'x' is not one of
[...]", "Additional properties are not allowed"). Here each error becomes a
sentence that names the field, says what is allowed and, for a near-miss,
what was probably meant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cpdgen.common.wording import did_you_mean
from cpdgen.loading.yamlparse import is_plain_number

if TYPE_CHECKING:
    from jsonschema import ValidationError

_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
    "null": "empty",
}
_YAML11_BOOLEANS = {"yes", "no", "on", "off", "y", "n", "true", "false"}
_CLOCK = re.compile(r"\d+:\d{2}")


@dataclass(frozen=True)
class SchemaProblem:
    """A schema error translated: where (path into the record, and whether at
    the key rather than the value) and what."""

    path: tuple
    message: str
    at_key: bool = False


def field_label(path: Iterable) -> str:
    """`actions[2].status` for ("actions", 2, "status")."""
    label = ""
    for step in path:
        if isinstance(step, int):
            label += f"[{step}]"
        else:
            label += f".{step}" if label else str(step)
    return label


def describe_value(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"'{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)  # pragma: no cover - YAML gives no other types


ScalarLookup = Callable[[tuple], "tuple[str, bool] | None"]


def _no_scalars(path: tuple) -> None:
    return None


def translate(error: ValidationError, scalar: ScalarLookup = _no_scalars) -> list[SchemaProblem]:
    """One jsonschema error as one or more problems (an unknown-fields error
    becomes one problem per unknown field, each at its own key). `scalar`
    gives a value's text as written and whether it was quoted, so hints can
    quote the user's own words."""
    path = tuple(error.absolute_path)
    name = field_label(path)
    subject = f"'{name}'" if name else "the record"
    value: Any = error.instance
    shown = _as_written(value, scalar(path))
    keyword = error.validator
    # The schema's value for the failed keyword (an enum's options, a pattern, a bound).
    expected: Any = error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}

    if "propertyNames" in error.relative_schema_path:
        # the error is about a key of the mapping at `path`, and `value` is that key
        key = str(value)
        allowed = [str(option) for option in expected] if keyword == "enum" else []
        hint = did_you_mean(key, allowed) if allowed else ""
        if allowed:
            rule = f"allowed here: {', '.join(allowed)}"
        elif keyword == "pattern":
            rule = schema.get("patternErrorMessage") or f"keys here must match the pattern {expected}"
        elif keyword == "minLength":
            rule = "a key must not be empty"
        else:
            rule = error.message
        return [SchemaProblem((*path, key), f"'{key}' is not allowed as a key in {subject}{hint}; {rule}", at_key=True)]

    if keyword == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        unknown = [key for key in value if key not in schema.get("properties", {})]
        problems = []
        for key in unknown:
            hint = did_you_mean(key, allowed)
            if not hint:
                hint = f"; allowed here: {', '.join(allowed)}"
                if "extra" in allowed:
                    hint += " (put data of your own under 'extra:')"
            where = f" in {subject}" if name else ""
            problems.append(SchemaProblem((*path, key), f"unknown field '{key}'{where}{hint}", at_key=True))
        return problems

    if keyword == "required":
        # jsonschema reports each missing field as its own error, whose
        # message starts with the field's repr; the schema lists them all.
        missing = next((k for k in expected if error.message.startswith(repr(k))), None)
        where = f" in {subject}" if name else ""
        return [SchemaProblem(path, f"missing required field '{missing}'{where}")] if missing else []

    if keyword == "type":
        return [SchemaProblem(path, _type_message(subject, expected, value, schema, scalar(path)))]

    if keyword == "enum":
        options = [str(option) for option in expected]
        hint = did_you_mean(value, options) if isinstance(value, str) else ""
        if not hint and isinstance(value, str):
            hint = _described_as(value, options, schema.get("enumDescriptions", []))
        return [SchemaProblem(path, f"{subject} must be one of: {', '.join(options)}; got {shown}{hint}")]

    if keyword == "format":
        return [SchemaProblem(path, _format_message(subject, error))]

    if keyword == "pattern":
        explanation = schema.get("patternErrorMessage") or f"It must match the pattern {expected}."
        return [SchemaProblem(path, f"{subject}: {describe_value(value)} is not valid. {explanation}")]

    if keyword == "exclusiveMinimum":
        return [SchemaProblem(path, f"{subject} must be more than {expected:g}; got {shown}")]
    if keyword == "minimum":
        return [SchemaProblem(path, f"{subject} must be at least {expected:g}; got {shown}")]
    if keyword == "maximum":
        return [SchemaProblem(path, f"{subject} must be at most {expected:g}; got {shown}")]
    if keyword == "minLength":
        return [SchemaProblem(path, f"{subject} must not be empty")]
    if keyword == "uniqueItems":
        seen, repeated = set(), None
        for item in value:
            marker = repr(item)
            if marker in seen:
                repeated = item
                break
            seen.add(marker)
        return [SchemaProblem(path, f"{subject} lists {describe_value(repeated)} more than once")]

    # Keywords the shipped schemas do not use on their own; keep jsonschema's words.
    return [SchemaProblem(path, f"{subject}: {error.message}")]


def _as_written(value: Any, written: tuple[str, bool] | None) -> str:
    """`value` described for a message, numbers as the user wrote them
    (1e-400, not 0; 24.0000001, not 24)."""
    if written and not written[1] and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"the number {written[0]}"
    return describe_value(value)


def _described_as(value: str, options: list[str], descriptions: list[str]) -> str:
    """A hint from the schema's `enumDescriptions` (which editors show too):
    'seminar' finds 'event', described as Event/Seminar."""
    word = value.lower()
    for option, description in zip(options, descriptions):
        if re.search(rf"\b{re.escape(word)}s?\b", description.lower()):
            return f" (did you mean '{option}'? {description})"
    return ""


def _type_message(subject: str, expected: Any, value: Any, schema: dict, written: tuple[str, bool] | None) -> str:
    wanted = [expected] if isinstance(expected, str) else list(expected)
    words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
    text, quoted = written if written else (None, False)
    if schema.get("format") == "date" and not isinstance(value, str):
        return f"{subject} must be a date written YYYY-MM-DD (e.g. 2025-03-14); got {describe_value(value)}"
    message = f"{subject} must be {words}; got {_as_written(value, written)}"
    if "boolean" in wanted and isinstance(value, str) and value.lower() in _YAML11_BOOLEANS:
        message += " (only true and false are booleans; write true or false without quotes)"
    elif ("number" in wanted or "integer" in wanted) and isinstance(value, str):
        if _CLOCK.fullmatch(value.strip()):
            hours, minutes = value.strip().split(":")
            message += f" (write hours as a decimal number: {int(hours) + int(minutes) / 60:g} for {value})"
        elif quoted and is_plain_number(value.strip()):
            message += " (remove the quotes to make it a number)"
    elif "string" in wanted and (isinstance(value, (int, float, bool))):
        shown = text if text is not None else (str(value).lower() if isinstance(value, bool) else str(value))
        message += f" (put it in quotes to keep it as text: '{shown}')"
    elif "array" in wanted and isinstance(value, str):
        message += f" (write a list: [{value}] or one '- item' per line)"
    return message


def _format_message(subject: str, error: ValidationError) -> str:
    value: Any = error.instance
    cause = error.cause
    fmt = error.validator_value
    if fmt == "date":
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            return f"{subject}: {describe_value(value)} {cause or 'is not a real date'}"
        return f"{subject} must be a date written YYYY-MM-DD (e.g. 2025-03-14); got {describe_value(value)}"
    if fmt in ("repo-path", "document", "competence", "text") and cause is not None:
        return f"{subject}: {cause}"
    if fmt == "email":
        return f"{subject}: {describe_value(value)} is not an email address"
    if fmt == "uri":
        return f"{subject}: {describe_value(value)} is not a full address like https://example.org/"
    return f"{subject}: {describe_value(value)} is not a valid {fmt}"  # pragma: no cover - all formats above
