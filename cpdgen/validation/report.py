"""Reporters: a `ValidationResult` → text for people, JSON for programs,
GitHub Actions annotations for CI. No decisions are made here."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from cpdgen.common.diagnostics import Diagnostic, one_line
from cpdgen.common.wording import plural

if TYPE_CHECKING:  # only for annotations: the CLI imports this module at start-up
    from cpdgen.validation.repository import ValidationResult

FORMATS = ("text", "json", "github")  # the choices of `validate --format`


def summary_line(result: ValidationResult) -> str:
    where = f"{plural(result.record_count, 'record')} in {plural(result.files, 'file')}"
    errors, warnings = len(result.errors), len(result.warnings)
    if not errors and not warnings:
        return f"{where}: all valid"
    parts = [plural(errors, "error")] if errors or not warnings else []
    if warnings:
        parts.append(plural(warnings, "warning"))
    return f"{where}: {', '.join(parts)}"


def format_text(result: ValidationResult, *, color: bool, quiet: bool = False) -> str:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    lines = []
    for d in result.diagnostics:
        if quiet and not d.is_error:
            continue
        if not color:
            lines.append(d.text())
            continue
        label = style("error", fg="red", bold=True) if d.is_error else style("warning", fg="yellow", bold=True)
        lines.append(f"{style(d.location, bold=True)} {label}: {d.shown_message}")
    if not quiet:
        closing = summary_line(result)
        lines.append(style(closing, fg="red" if result.errors else ("yellow" if result.warnings else "green")))
    return "\n".join(lines)


def format_json(result: ValidationResult, *, strict: bool = False) -> str:
    ok = result.ok and not (strict and result.warnings)
    payload = {
        "ok": ok,
        "records": result.record_count,
        "errors": [d.as_dict() for d in result.errors],
        "warnings": [d.as_dict() for d in result.warnings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    """GitHub's escapes for CR and LF, then every other line break or control
    character as in the text format: one annotation stays one line."""
    return one_line(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(d: Diagnostic) -> str:
    command = "error" if d.is_error else "warning"
    return (
        f"::{command} file={_escape_property(d.file)},line={d.line},col={d.column},title=cpdgen::"
        f"{_escape_data(d.message)}"
    )


def format_github(result: ValidationResult) -> str:
    lines = [github_annotation(d) for d in result.diagnostics]
    lines.append(summary_line(result))
    return "\n".join(lines)
