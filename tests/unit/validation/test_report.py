"""The reporters (`cpdgen.validation.report`), driven with hand-made results.

These pin the output contracts of `cpdgen validate` independently of the
validation itself: the text lines and the closing summary, the JSON shape,
and GitHub Actions workflow commands with GitHub's escaping rules.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from cpdgen.cli import Options
from cpdgen.common.diagnostics import Diagnostic, Severity, error, warning
from cpdgen.model.records import Records
from cpdgen.validation.report import (
    format_github,
    format_json,
    format_text,
    github_annotation,
    summary_line,
)
from cpdgen.validation.repository import ValidationResult
from cpdgen.validation.settings import default_policy, default_settings

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def make_result(*diagnostics: Diagnostic, files: int = 3, records: int = 3) -> ValidationResult:
    return ValidationResult(Records(), default_settings(), default_policy(), files, records, list(diagnostics))


E1 = error("records/activities/2025/a.yaml", 4, 8, "hours must be more than 0")
E2 = error("records/training/b.yaml", 2, 1, "unknown field 'titel'; did you mean 'title'?")
W1 = warning("records/notes.txt", 1, 1, "ignored: not a .yaml file")


# --- the summary line -------------------------------------------------------


@pytest.mark.parametrize(
    ("diagnostics", "files", "records", "expected"),
    [
        ((), 3, 3, "3 records in 3 files: all valid"),
        ((), 1, 1, "1 record in 1 file: all valid"),
        ((), 0, 0, "0 records in 0 files: all valid"),
        ((), 2, 5, "5 records in 2 files: all valid"),
        ((E1, E2, W1), 3, 3, "3 records in 3 files: 2 errors, 1 warning"),
        ((E1,), 1, 1, "1 record in 1 file: 1 error"),
        ((E1, E2), 2, 2, "2 records in 2 files: 2 errors"),
        ((W1,), 1, 1, "1 record in 1 file: 1 warning"),
        ((W1, W1), 4, 4, "4 records in 4 files: 2 warnings"),
        ((E1, W1, W1), 4, 4, "4 records in 4 files: 1 error, 2 warnings"),
    ],
)
def test_summary_line_counts_and_plurals(diagnostics, files, records, expected):
    assert summary_line(make_result(*diagnostics, files=files, records=records)) == expected


# --- text -------------------------------------------------------------------


def test_text_lines_are_path_line_column_severity_message_then_summary():
    text = format_text(make_result(E1, E2, W1), color=False)
    assert text.splitlines() == [
        "records/activities/2025/a.yaml:4:8: error: hours must be more than 0",
        "records/training/b.yaml:2:1: error: unknown field 'titel'; did you mean 'title'?",
        "records/notes.txt:1:1: warning: ignored: not a .yaml file",
        "3 records in 3 files: 2 errors, 1 warning",
    ]


def test_text_all_valid_is_the_summary_only():
    assert format_text(make_result(), color=False) == "3 records in 3 files: all valid"


def test_text_quiet_prints_errors_only_and_no_summary():
    text = format_text(make_result(E1, W1), color=False, quiet=True)
    assert text.splitlines() == ["records/activities/2025/a.yaml:4:8: error: hours must be more than 0"]
    assert format_text(make_result(W1), color=False, quiet=True) == ""
    assert format_text(make_result(), color=False, quiet=True) == ""


def test_text_without_colour_has_no_ansi_codes():
    text = format_text(make_result(E1, W1), color=False)
    assert "\x1b" not in text


def test_text_with_colour_has_ansi_codes_around_the_same_text():
    coloured = format_text(make_result(E1, W1), color=True)
    assert ANSI.search(coloured), "color=True must produce ANSI escape codes"
    # Colour is decoration only: stripped, it is the plain report.
    assert ANSI.sub("", coloured) == format_text(make_result(E1, W1), color=False)
    # The error label is red (31), the warning label yellow (33).
    assert "\x1b[31m" in coloured and "\x1b[33m" in coloured


def test_text_colour_of_the_summary_follows_the_outcome():
    assert "\x1b[32m" in format_text(make_result(), color=True)  # green: all valid
    assert "\x1b[33m" in format_text(make_result(W1), color=True).splitlines()[-1]  # yellow
    assert "\x1b[31m" in format_text(make_result(E1), color=True).splitlines()[-1]  # red


class _Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_colour_decision_terminal_only_and_no_color_honoured(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    options = Options()
    assert options.color(_Stream(tty=True)) is True
    assert options.color(_Stream(tty=False)) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert options.color(_Stream(tty=True)) is False


# --- json -------------------------------------------------------------------


def test_json_shape_is_exactly_the_contract():
    payload = json.loads(format_json(make_result(E1, E2, W1, records=7)))
    assert set(payload) == {"ok", "records", "errors", "warnings"}
    assert payload["ok"] is False
    assert payload["records"] == 7
    assert payload["errors"] == [
        {"file": "records/activities/2025/a.yaml", "line": 4, "column": 8, "message": "hours must be more than 0"},
        {
            "file": "records/training/b.yaml",
            "line": 2,
            "column": 1,
            "message": "unknown field 'titel'; did you mean 'title'?",
        },
    ]
    assert payload["warnings"] == [
        {"file": "records/notes.txt", "line": 1, "column": 1, "message": "ignored: not a .yaml file"}
    ]
    for entry in payload["errors"] + payload["warnings"]:
        assert set(entry) == {"file", "line", "column", "message"}
        assert type(entry["line"]) is int and type(entry["column"]) is int


def test_json_ok_and_strict():
    assert json.loads(format_json(make_result()))["ok"] is True
    assert json.loads(format_json(make_result(), strict=True))["ok"] is True
    # Warnings alone: ok, unless strict.
    assert json.loads(format_json(make_result(W1)))["ok"] is True
    assert json.loads(format_json(make_result(W1), strict=True))["ok"] is False
    assert json.loads(format_json(make_result(E1)))["ok"] is False


def test_json_keeps_non_ascii_text_intact():
    d = error("records/activities/café.yaml", 1, 1, "‘Siân’ is not a date")
    payload = json.loads(format_json(make_result(d)))
    assert payload["errors"][0]["file"] == "records/activities/café.yaml"
    assert payload["errors"][0]["message"] == "‘Siân’ is not a date"


# --- github -----------------------------------------------------------------

ANNOTATION = re.compile(
    r"^::(?P<command>error|warning) file=(?P<file>[^,:]*),line=(?P<line>\d+),col=(?P<col>\d+)(?:,title=[^,:]*)?::(?P<data>.*)$"
)


def test_github_annotations_for_errors_and_warnings():
    lines = format_github(make_result(E1, W1, files=2, records=2)).splitlines()
    first, second = (ANNOTATION.match(line) for line in lines[:2])
    assert first and first["command"] == "error"
    assert (first["file"], first["line"], first["col"]) == ("records/activities/2025/a.yaml", "4", "8")
    assert first["data"] == "hours must be more than 0"
    assert second and second["command"] == "warning" and second["file"] == "records/notes.txt"
    assert lines[2] == "2 records in 2 files: 1 error, 1 warning"
    assert len(lines) == 3


def test_github_annotation_escapes_data_per_github_rules():
    d = error("records/a.yaml", 3, 5, "100% wrong\r\nsecond line: a, b")
    line = github_annotation(d)
    match = ANNOTATION.match(line)
    assert match, line
    # Data: only %, CR and LF are escaped (":" and "," are left alone).
    assert match["data"] == "100%25 wrong%0D%0Asecond line: a, b"
    assert "\n" not in line and "\r" not in line


def test_github_annotation_escapes_properties_per_github_rules():
    d = Diagnostic("records/odd,name:50%\n.yaml", 1, 2, "bad", Severity.WARNING)
    line = github_annotation(d)
    assert line.startswith("::warning file=records/odd%2Cname%3A50%25%0A.yaml,line=1,col=2")
    assert line.endswith("::bad")


def test_github_escaping_escapes_percent_first():
    # A literal "%0A" in the text must survive as text, not become a newline.
    d = error("records/%0A.yaml", 1, 1, "literally %0A")
    line = github_annotation(d)
    assert "file=records/%250A.yaml," in line
    assert line.endswith("::literally %250A")
