"""The text of a new declaration file (`cpdgen declaration start`): the
checklist as commented sections, built from the policy (items, order) and the
declaration schema (fields, choices, descriptions), so it cannot drift from
either."""

from __future__ import annotations

from typing import Any

from cpdgen.compute.checklist import SECTIONS
from cpdgen.model.policy import Policy

# Sections cpdgen writes itself; the template only says so.
_WRITTEN_BY_CPDGEN = {"reports": "acknowledge", "submitted": "submit"}


def declaration_template(year: int, policy: Policy, schema: dict[str, Any], modeline: str) -> str:
    """`schema` is the declaration's record schema, `schemas.documented`;
    `modeline` the file's first line, pointing editors at it."""
    properties = schema["properties"]
    lines = [
        modeline.rstrip("\n"),
        f"# CPD Declaration for the {year} review year (1 January - 31 December {year}), {policy.short_name}.",
        f"# `cpdgen declaration review --year {year}` walks you through it item by item and writes your",
        f"# answers here (`cpdgen declaration set KEY=VALUE` sets one); `cpdgen declaration status --year {year}`",
        "# shows what is left. Or uncomment and fill in each section by hand; comments you write are kept.",
        f"year: {year}",
    ]
    for item in policy.checklist:
        section = SECTIONS[item.key]
        spec = properties[section]
        need = "mandatory" if item.mandatory else "optional"
        lines += ["", f"# {item.number}. {item.title} ({need})"]
        if section in _WRITTEN_BY_CPDGEN:
            lines.append(f"# {section}: written by `cpdgen declaration {_WRITTEN_BY_CPDGEN[section]} --year {year}`")
            continue
        lines.append(f"# {section}:")
        lines += _fields(spec, year, depth=1)
    return "\n".join(lines) + "\n"


def _fields(spec: dict[str, Any], year: int, depth: int) -> list[str]:
    lines = []
    indent = "  " * depth
    for name, field in spec.get("properties", {}).items():
        if field.get("type") == "object":
            lines.append(f"# {indent}{name}:")
            lines += _fields(field, year, depth + 1)
            continue
        example = _example(name, field, year)
        lines.append(f"# {indent}{name}: {example}".rstrip() + f"   # {_explain(field)}".rstrip())
    return lines


def _example(name: str, field: dict[str, Any], year: int) -> str:
    if "enum" in field:
        return field["enum"][0]
    if field.get("type") == "boolean":
        return "true"
    if field.get("format") == "date":
        # periods (out of employment) lie in the year; the rest is done after it
        return {"from": f"{year}-03-01", "to": f"{year}-06-30"}.get(name, f"{year + 1}-01-15")
    if field.get("format") == "document":
        return "generate"
    return ""


def _explain(field: dict[str, Any]) -> str:
    text = field.get("description", "")
    if "enum" in field:
        text = f"one of: {', '.join(field['enum'])}. {text}"
    return text
