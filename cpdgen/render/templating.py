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

import hashlib
import os
import stat
from collections.abc import Callable, Mapping
from contextlib import contextmanager, suppress
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from cpdgen.common.errors import UserError
from cpdgen.common.resources import templates_dir
from cpdgen.common.user_cache import cache_dir
from cpdgen.common.wording import noun, plural
from cpdgen.compute.hours import format_hours
from cpdgen.render.markup import markdown_html, safe_url

BUILTIN_PREFIX = "builtin"
MEMBER_TEMPLATES = "site_templates"  # the member's overrides, at the repository root


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")  # fmt: skip


def long_date(value: date | None) -> str:
    """14 March 2025, as the body writes dates (in English whatever the locale)."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}" if value else ""


def when(item) -> Markup:
    """An activity's date, or its span when it ends on another day, as
    <time>s and as the body writes spans: 16–18 April 2024, 30 January –
    2 February 2025, 30 December 2024 – 2 January 2025."""
    start, end = item.start, item.end

    def stamp(value: date, text: str) -> str:
        return f'<time datetime="{value.isoformat()}">{text}</time>'

    if not end or end == start:
        return Markup(stamp(start, long_date(start)))
    if start.year != end.year:
        first = long_date(start)
    elif start.month != end.month:
        first = f"{start.day} {_MONTHS[start.month - 1]}"
    else:
        return Markup(f"{stamp(start, str(start.day))}–{stamp(end, long_date(end))}")
    return Markup(f"{stamp(start, first)} – {stamp(end, long_date(end))}")


def day(value: date | str | None) -> str:
    """A date, or a date the member wrote (YYYY-MM-DD text), as 14 March 2025."""
    if isinstance(value, str):
        try:
            return long_date(date.fromisoformat(value))
        except ValueError:
            return value
    return long_date(value)


def date_span(start: date | None, end: date | None = None) -> str:
    """4–6 February 2025, 30 January – 2 February 2025, 14 March 2025."""
    if not start or not end or start == end:
        return long_date(end or start)
    if start.year != end.year:
        return f"{long_date(start)} – {long_date(end)}"
    if start.month != end.month:
        return f"{start.day} {_MONTHS[start.month - 1]} – {long_date(end)}"
    return f"{start.day}–{long_date(end)}"


def short_date(value: date | None) -> str:
    """9 Dec: a day in a list that says the year elsewhere."""
    return f"{value.day} {_MONTHS[value.month - 1][:3]}" if value else ""


def short_day(value: date | None) -> str:
    """12 Jul 2023."""
    return f"{short_date(value)} {value.year}" if value else ""


def short_month(value: date | None) -> str:
    """Dec 2025."""
    return f"{_MONTHS[value.month - 1][:3]} {value.year}" if value else ""


def month_year(value: date | None) -> str:
    """March 2019."""
    return f"{_MONTHS[value.month - 1]} {value.year}" if value else ""


def words(value: str | None) -> str:
    """in-progress → In progress: a schema value as words."""
    return value.replace("-", " ").capitalize() if value else ""


def yes_no(value: Any) -> str:
    return "Yes" if value is True else "No" if value is False else "Not stated"


@contextmanager
def template_errors(repository_root: Path | None):
    """Turn a mistake in a member's own template (a syntax error, an
    undefined name, a failing filter) into a `UserError` naming the file and
    line, as a mistake in a record is: it is theirs to fix, not a cpdgen bug.
    An error in a built-in template is left to surface as the bug it is."""
    try:
        yield
    except UserError:
        raise
    except OSError as exc:  # a template of the member's that cannot be read
        mine = _in_member_folders(exc.filename, template_folders(repository_root)[:-1])
        if mine is None:
            raise
        shown = mine.relative_to(repository_root.resolve()).as_posix() if repository_root else str(mine)
        raise UserError(f"cannot read {shown}: {exc.strerror or exc}") from None
    except Exception as exc:
        folders = template_folders(repository_root)[:-1]  # the member's, not the built-in one
        place = _member_frame(exc, folders)
        if place is None:
            raise
        path, line = place
        shown = path.relative_to(repository_root).as_posix() if repository_root else str(path)
        reason = exc.message if isinstance(exc, jinja2.TemplateSyntaxError) else str(exc)
        raise UserError(f"{shown}:{line}: error in your template: {reason}") from None


def _in_member_folders(filename: Any, folders: list[Path]) -> Path | None:
    if not isinstance(filename, str):
        return None
    path = Path(filename).resolve()
    return path if any(path.is_relative_to(folder.resolve()) for folder in folders) else None


def _member_frame(exc: Exception, folders: list[Path]) -> tuple[Path, int] | None:
    """(file, line) in a member's template where `exc` arose, if it did."""
    inside = [folder.resolve() for folder in folders]

    def mine(filename: str | None) -> Path | None:
        if not filename:
            return None
        path = Path(filename).resolve()
        return path if any(path.is_relative_to(folder) for folder in inside) else None

    if isinstance(exc, jinja2.TemplateSyntaxError):
        path = mine(exc.filename)
        if path is not None:
            return path, exc.lineno
    found = None
    traceback = exc.__traceback__
    while traceback is not None:  # the innermost frame in a member's template wins
        path = mine(traceback.tb_frame.f_code.co_filename)
        if path is not None:
            found = (path, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def template_folders(repository_root: Path | None) -> list[Path]:
    """Where templates are looked up, first match wins."""
    builtin = templates_dir()
    folders = []
    if repository_root is not None:
        member = repository_root / MEMBER_TEMPLATES
        if member.is_dir() and member.resolve() != builtin.resolve():
            folders.append(member)
    return [*folders, builtin]


_OPTIONS: dict[str, Any] = {
    "autoescape": True,
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's bytecode cache, where a file that cannot be read or written
    (a full disk, a folder made read-only) only means compiling again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def _compiled_templates(env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """Templates compiled by an earlier run, in the user's cache folder:
    compiling them took 0.15 s of every command that renders. Jinja takes
    one only if the template's source is the same, under the same Jinja
    bytecode version and Python. What else shapes the compiled code names
    the folder: the Jinja version, the options, and each filter and test
    with what it is passed (a filter that takes the context is called
    otherwise). Compiled code is run, so the folder must be this user's
    own, which no one else may write to. None (compile every time) where
    it cannot be so."""
    shape = [
        jinja2.__version__,
        sorted((key, getattr(value, "__name__", repr(value))) for key, value in _OPTIONS.items()),
        sorted((name, str(getattr(function, "jinja_pass_arg", None))) for name, function in env.filters.items()),
        sorted((name, str(getattr(function, "jinja_pass_arg", None))) for name, function in env.tests.items()),
    ]
    key = hashlib.blake2b(repr(shape).encode(), digest_size=8).hexdigest()
    folder = cache_dir() / f"templates-{key}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(found.st_mode) or found.st_mode & 0o022:
        return None  # a link, or a folder others may write to: code planted there would run
    if hasattr(os, "getuid") and found.st_uid != os.getuid():
        return None
    return _CompiledTemplates(str(folder))


def _at_render_time(function: Callable) -> Callable:
    """`function` as a filter Jinja calls when rendering, never when
    compiling: Jinja works out a filter of constants (`{{ "A1" | competence }}`)
    at compile time unless it takes the context, and a compiled template is
    kept (`_compiled_templates`) beyond a change of the policy or of cpdgen."""

    @jinja2.pass_context
    @wraps(function)
    def at_render_time(context: Any, *args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return at_render_time


def environment(
    repository_root: Path | None,
    *,
    globals_: Mapping[str, Any] | None = None,
    filters: Mapping[str, Callable] | None = None,
) -> jinja2.Environment:
    folders = template_folders(repository_root)
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({BUILTIN_PREFIX: jinja2.FileSystemLoader(str(folders[-1]))}),
        jinja2.FileSystemLoader([str(folder) for folder in folders]),
    ])  # fmt: skip
    env = jinja2.Environment(loader=loader, **_OPTIONS)
    own: dict[str, Callable] = {
        "markdown": markdown_html,
        "hours": format_hours,
        "long_date": long_date,
        "when": when,
        "safe_url": safe_url,
        "day": day,
        "date_span": date_span,
        "month_year": month_year,
        "short_date": short_date,
        "short_day": short_day,
        "short_month": short_month,
        "words": words,
        "yes_no": yes_no,
        "plural": plural,  # {{ n | plural("activity", "activities") }}: "1 activity", "2 activities"
        "noun": noun,  # the word alone, for a count shown apart
    }
    own.update(filters or {})
    env.filters.update({name: _at_render_time(function) for name, function in own.items()})
    env.globals.update(globals_ or {})
    env.bytecode_cache = _compiled_templates(env)  # once its filters are known: they shape the compiled code
    return env
