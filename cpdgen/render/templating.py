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

from cpdgen.compute.hours import format_hours
from cpdgen.render.markup import markdown_html
from cpdgen.resources import templates_dir

BUILTIN_PREFIX = "builtin"
MEMBER_TEMPLATES = "site_templates"  # the member's overrides, at the repository root


def long_date(value: date | None) -> str:
    """14 March 2025, as the body writes dates."""
    return f"{value.day} {value:%B %Y}" if value else ""


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
    env.filters.update({"markdown": markdown_html, "hours": format_hours, "long_date": long_date})
    env.filters.update(filters or {})
    env.globals.update(globals_ or {})
    return env
