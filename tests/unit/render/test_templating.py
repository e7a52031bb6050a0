"""The Jinja environment (`cpdgen.render.templating`): a member's templates
override and extend the built-in ones, record text is escaped and never
evaluated, dates read as the body writes them."""

from __future__ import annotations

import os
from datetime import date

import jinja2
import pytest

from cpdgen.render.site_plan import Page
from cpdgen.render.templating import date_span, environment, long_date, month_year, words


def test_member_templates_override_and_extend_the_builtin_ones(tmp_path):
    (tmp_path / "site_templates").mkdir()
    (tmp_path / "site_templates" / "tags.html").write_text(
        '{% extends "builtin/tags.html" %}{% block title %}MINE{% endblock %}', encoding="utf-8"
    )
    site = {"title": "T", "base_url": None, "initials": "T", "competences": False, "latest_year": None}
    env = environment(tmp_path, globals_={"site": site, "profile": None})
    page = Page("activities/tags.html", "tags.html", title="Tags")
    out = env.get_template("tags.html").render(page=page, root="../", tags=[])
    assert "<title>MINE</title>" in out and "Activities by tag" in out


def test_templates_escape_record_text_and_never_evaluate_it(tmp_path):
    env = environment(None)
    out = env.from_string("{{ text }}|{{ md | markdown }}").render(
        text="<b>{{ 7*7 }}</b>", md="{{ 7*7 }} <script>x</script>"
    )
    assert "&lt;b&gt;" in out and "49" not in out and "<script>" not in out


def test_dates_read_as_the_body_writes_them():
    assert long_date(date(2025, 3, 4)) == "4 March 2025"
    assert month_year(date(2019, 3, 1)) == "March 2019"
    assert date_span(date(2025, 2, 4), date(2025, 2, 6)) == "4–6 February 2025"
    assert date_span(date(2025, 1, 30), date(2025, 2, 2)) == "30 January – 2 February 2025"
    assert date_span(date(2024, 12, 30), date(2025, 1, 2)) == "30 December 2024 – 2 January 2025"
    assert words("in-progress") == "In progress"


def test_an_activitys_span_reads_as_the_body_writes_it_with_machine_dates():
    from types import SimpleNamespace

    from cpdgen.render.templating import when

    def shown(start, end):
        return str(when(SimpleNamespace(start=start, end=end)))

    assert shown(date(2024, 4, 16), date(2024, 4, 18)) == (
        '<time datetime="2024-04-16">16</time>–<time datetime="2024-04-18">18 April 2024</time>'
    )
    assert ">30 January</time> – <time" in shown(date(2025, 1, 30), date(2025, 2, 2))
    assert ">30 December 2024</time> – <time" in shown(date(2024, 12, 30), date(2025, 1, 2))
    assert shown(date(2025, 3, 4), date(2025, 3, 4)) == '<time datetime="2025-03-04">4 March 2025</time>'


def test_counts_are_worded_by_the_plural_and_noun_filters():
    from cpdgen.render.templating import environment

    env = environment(None)
    text = env.from_string(
        '{{ 1 | plural("activity", "activities") }}; {{ 2 | plural("tag") }}; <b>1</b> {{ 1 | noun("action") }}'
    )
    assert text.render() == "1 activity; 2 tags; <b>1</b> action"


def _member_template(root, text: str) -> None:
    folder = root / "site_templates"
    folder.mkdir(exist_ok=True)
    (folder / "note.html").write_text(text, encoding="utf-8")


def _compiles(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiles from source from now on."""
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def spy(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    return compiled


def test_templates_compiled_once_are_taken_from_the_users_cache_folder(tmp_path, monkeypatch):
    """A later run loads what an earlier one compiled (compiling took 0.15 s
    of every command that renders); an edited template is compiled afresh."""
    monkeypatch.setenv("CPDGEN_CACHE_DIR", str(tmp_path / "cache"))
    _member_template(tmp_path, "first {{ n }}")
    compiled = _compiles(monkeypatch)
    assert environment(tmp_path).get_template("note.html").render(n=1) == "first 1"
    assert compiled == ["note.html"]
    assert list((tmp_path / "cache").glob("templates-*/*.cache"))
    assert environment(tmp_path).get_template("note.html").render(n=2) == "first 2"
    assert compiled == ["note.html"]  # the second environment compiled nothing
    _member_template(tmp_path, "second {{ n }}")
    assert environment(tmp_path).get_template("note.html").render(n=3) == "second 3"
    assert compiled == ["note.html", "note.html"]


def test_a_damaged_compiled_template_is_compiled_again(tmp_path, monkeypatch):
    monkeypatch.setenv("CPDGEN_CACHE_DIR", str(tmp_path / "cache"))
    _member_template(tmp_path, "{% for i in range(n) %}{{ i }}{% endfor %}")
    assert environment(tmp_path).get_template("note.html").render(n=3) == "012"
    [bucket] = (tmp_path / "cache").glob("templates-*/*.cache")
    raw = bucket.read_bytes()
    for damaged in (b"", raw[: len(raw) // 2], raw[:-8] + b"\xff" * 8, b"garbage" * 40):
        bucket.write_bytes(damaged)
        compiled = _compiles(monkeypatch)
        assert environment(tmp_path).get_template("note.html").render(n=4) == "0123"
        assert compiled == ["note.html"]


def test_templates_render_when_the_cache_folder_cannot_be_made(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CPDGEN_CACHE_DIR", str(blocker / "cache"))
    _member_template(tmp_path, "ok {{ n }}")
    env = environment(tmp_path)
    assert env.bytecode_cache is None
    assert env.get_template("note.html").render(n=1) == "ok 1"


def test_a_filter_of_constants_is_not_baked_into_the_compiled_template(tmp_path, monkeypatch):
    """Jinja's optimizer would evaluate `{{ "a1" | shout }}` once, at compile
    time; kept compiled, the answer would outlive a change of the filter (a
    policy's framework, a new cpdgen)."""
    monkeypatch.setenv("CPDGEN_CACHE_DIR", str(tmp_path / "cache"))
    _member_template(tmp_path, '{{ "a1" | shout }}')
    first = environment(tmp_path, filters={"shout": lambda value: value.upper()})
    assert first.get_template("note.html").render() == "A1"
    second = environment(tmp_path, filters={"shout": lambda value: value + "!"})
    assert second.get_template("note.html").render() == "a1!"


def test_templates_render_when_compiled_ones_cannot_be_read_or_written(tmp_path, monkeypatch):
    import jinja2.bccache

    monkeypatch.setenv("CPDGEN_CACHE_DIR", str(tmp_path / "cache"))
    _member_template(tmp_path, "ok {{ n }}")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(jinja2.bccache.tempfile, "NamedTemporaryFile", refuse)  # a folder made read-only
    assert environment(tmp_path).get_template("note.html").render(n=1) == "ok 1"
    monkeypatch.undo()
    monkeypatch.setenv("CPDGEN_CACHE_DIR", str(tmp_path / "cache"))
    assert environment(tmp_path).get_template("note.html").render(n=2) == "ok 2"  # now written
    [bucket] = (tmp_path / "cache").glob("templates-*/*.cache")
    real_open = open

    def failing_open(path, *args, **kwargs):
        if str(path) == str(bucket):
            raise OSError(5, "Input/output error")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    assert environment(tmp_path).get_template("note.html").render(n=3) == "ok 3"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes are POSIX")
def test_compiled_templates_are_used_only_from_a_folder_no_one_else_may_write(tmp_path, monkeypatch):
    """Compiled code is run: from a folder others may write to, or one that
    is a link, it would run what they planted there."""
    monkeypatch.setenv("CPDGEN_CACHE_DIR", str(tmp_path / "cache"))
    env = environment(tmp_path)
    assert env.bytecode_cache is not None
    [folder] = (tmp_path / "cache").glob("templates-*")
    assert folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o777)
    assert environment(tmp_path).bytecode_cache is None
    folder.chmod(0o700)
    elsewhere = tmp_path / "elsewhere"
    folder.rename(elsewhere)
    folder.symlink_to(elsewhere)
    assert environment(tmp_path).bytecode_cache is None
    folder.unlink()
    elsewhere.rename(folder)
    monkeypatch.setattr(os, "getuid", lambda: folder.stat().st_uid + 1)  # another user's folder
    assert environment(tmp_path).bytecode_cache is None


def test_filters_passed_otherwise_get_compiled_templates_of_their_own(tmp_path, monkeypatch):
    """A template compiled where a filter took no context calls it without
    one: loaded where the filter takes it (or the other way), it would call
    it wrongly. The filters' names and how each is called name the folder."""
    from cpdgen.render.templating import _compiled_templates

    monkeypatch.setenv("CPDGEN_CACHE_DIR", str(tmp_path / "cache"))
    env = environment(tmp_path)
    assert env.bytecode_cache is not None
    plain = jinja2.Environment()
    plain.filters = {**env.filters, "noun": lambda value, word: word}  # one filter called without the context
    other = _compiled_templates(plain)
    assert other is not None and other.directory != env.bytecode_cache.directory
    assert environment(tmp_path).bytecode_cache.directory == env.bytecode_cache.directory
