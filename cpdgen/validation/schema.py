"""The validators built from the schemas: jsonschema (which explains) and
fastjsonschema gates (which only answer yes or no, fast), with cpdgen's
format checks (`date`, `repo-path`, `document`, `email`, `uri`) shared by both."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema

from cpdgen.common.dates import is_iso_date
from cpdgen.loading.paths import check_repo_path
from cpdgen.loading.schemas import config_schema, framework_schema, guide_schema, policy_schema, record_schema
from cpdgen.model.documents import GENERATE

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


def check_document(root: Path, value: str) -> None:
    """A supporting document: a repository file, or `generate`."""
    if value != GENERATE:
        if value.strip().lower() == GENERATE:
            raise ValueError(f"write '{GENERATE}' in lower case to have cpdgen make this document")
        check_repo_path(root, value)


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


def policy_validator(checks: FormatChecks) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(policy_schema(), format_checker=format_checker(checks))


def framework_validator(checks: FormatChecks) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(framework_schema(), format_checker=format_checker(checks))


def guide_validator(checks: FormatChecks) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(guide_schema(), format_checker=format_checker(checks))
