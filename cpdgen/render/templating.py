"""The Jinja2 environment every HTML output (site pages, PDF documents) is
rendered with.

Templates are looked up first in the member's own `site_templates/` folder,
then in cpdgen's built-in one, so a member overrides any template by giving
a file the same name. The built-in ones stay reachable as
`builtin/NAME`, so a member's `base.html` can `{% extends "builtin/base.html" %}`
and change one block (as Pelican's themes do).

Autoescaping is on for every template; Markdown fields go through the
`markdown` filter (`render.markup`), which returns sanitised HTML.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable, Mapping

import jinja2
from markupsafe import Markup

from cpdgen.compute.hours import format_hours
from cpdgen.render.markup import markdown_html, safe_url
from cpdgen.resources import templates_dir

BUILTIN_PREFIX = "builtin"
MEMBER_TEMPLATES = "site_templates"  # the member's overrides, at the repository root


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")  # fmt: skip


def long_date(value: date | None) -> str:
    """14 March 2025, as the body writes dates (in English whatever the locale)."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}" if value else ""


def when(item) -> Markup:
    """An activity's date, or its span when it ends on another day, as <time>s."""
    start = f'<time datetime="{item.start.isoformat()}">{long_date(item.start)}</time>'
    if item.end and item.end != item.start:
        return Markup(f'{start} – <time datetime="{item.end.isoformat()}">{long_date(item.end)}</time>')
    return Markup(start)


def span(dates: tuple[date | None, date | None], open_end: str = "present") -> str:
    """Mar 2019 – Sep 2023; an open end reads `open_end`."""
    start, end = dates
    first = f"{_MONTHS[start.month - 1][:3]} {start.year}" if start else ""
    last = f"{_MONTHS[end.month - 1][:3]} {end.year}" if end else open_end
    return f"{first} – {last}".strip()


def template_folders(repository_root: Path | None) -> list[Path]:
    """Where templates are looked up, first match wins."""
    builtin = templates_dir()
    folders = []
    if repository_root is not None:
        member = repository_root / MEMBER_TEMPLATES
        if member.is_dir() and member.resolve() != builtin.resolve():
            folders.append(member)
    return [*folders, builtin]


def environment(repository_root: Path | None, *, globals_: Mapping[str, Any] | None = None,
                filters: Mapping[str, Callable] | None = None) -> jinja2.Environment:
    folders = template_folders(repository_root)
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({BUILTIN_PREFIX: jinja2.FileSystemLoader(str(folders[-1]))}),
        jinja2.FileSystemLoader([str(folder) for folder in folders]),
    ])  # fmt: skip
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update({"markdown": markdown_html, "hours": format_hours, "long_date": long_date, "when": when, "span": span,
                        "safe_url": safe_url})
    env.filters.update(filters or {})
    env.globals.update(globals_ or {})
    return env
