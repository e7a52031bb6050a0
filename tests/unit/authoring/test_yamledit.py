"""Editing a declaration's own keys keeps every other byte of the file."""

from __future__ import annotations

import difflib
import re

import pytest

from cpdgen.authoring.yamledit import EditError, update_section
from cpdgen.loading.yamlparse import parse_yaml

ACK = {"acknowledged": True, "date": "2026-01-20", "digest": "0123456789abcdef" * 4}


def _added_lines(before: str, after: str) -> list[str]:
    """The lines the edit added or replaced (`+` lines of a diff)."""
    return [line[2:] for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("+ ")]


def _removed_lines(before: str, after: str) -> list[str]:
    return [line[2:] for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("- ")]


LAYOUTS = {
    "section absent, comments at the end": (
        "# head comment\nyear: 2025   # the year\n\n# reports: later\n# TODO hours\n",
        [],
    ),
    "no final newline": ("year: 2025", []),
    "empty section with a comment": ("year: 2025\nreports:   # fill in\nhours:\n  confirmed: true\n", []),
    "section is ~": ("year: 2025\nreports: ~\nhours: {confirmed: true}\n", ["reports: ~"]),
    "block section with comments inside": (
        "year: 2025\nreports:\n  # why not yet\n  acknowledged: false   # keep this note\n\n# between sections\nhours:\n  confirmed: true\n",
        ["  acknowledged: false   # keep this note"],
    ),
    "block section with a stale digest": (
        "year: 2025\nreports:\n  acknowledged: true\n  date: 2025-01-02\n  digest: 'aaaa'\n",
        ["  date: 2025-01-02", "  digest: 'aaaa'"],
    ),
    "flow section": (
        "year: 2025\nreports: {acknowledged: false}  # flow\n",
        ["reports: {acknowledged: false}  # flow"],
    ),
    "empty flow section": ("year: 2025\nreports: {}\n", ["reports: {}"]),
    "section before a block scalar": (
        "year: 2025\nreports:\n  acknowledged: false\nemployment_status:\n  comments: |\n    Line one.\n\n    Line two.\n\n# tail\n",
        ["  acknowledged: false"],
    ),
    "four-space indentation": ("year: 2025\nreports:\n    acknowledged: false\n", ["    acknowledged: false"]),
    "non-ASCII text before it": (
        "# Siân's declaration — 2025\nyear: 2025\nreports:\n  acknowledged: false\n",
        ["  acknowledged: false"],
    ),
}


@pytest.mark.parametrize("text, replaced", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_only_the_owned_keys_change(text: str, replaced: list[str]):
    edited = update_section(text, "reports", ACK, file="d.yaml")
    # the data is the old data with exactly the new values
    before, after = parse_yaml(text).data, parse_yaml(edited).data
    assert after["reports"] == {**(before.get("reports") or {}), **ACK}
    assert {k: v for k, v in after.items() if k != "reports"} == {k: v for k, v in before.items() if k != "reports"}
    # and no line of the file was lost except the ones holding the replaced values
    assert _removed_lines(text, edited) == replaced
    for added in _added_lines(text, edited):
        assert any(value in added for value in ("acknowledged", "date", "digest", "reports")), added


def test_crlf_files_keep_crlf_everywhere():
    text = "year: 2025\r\n# note\r\nreports:\r\n  acknowledged: false\r\n"
    edited = update_section(text, "reports", ACK, file="d.yaml")
    assert edited.count("\n") == edited.count("\r\n")
    assert edited.startswith("year: 2025\r\n# note\r\nreports:\r\n")


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_every_line_ending_is_kept_in_new_and_edited_lines(newline):
    text = "year: 2025\n# note\nreports:\n  acknowledged: false\ncompliance:\n  statement: met\n".replace("\n", newline)
    edited = update_section(text, "reports", ACK, file="d.yaml")
    edited = set_path(edited, ("compliance", "comments"), "Why.\nTwo lines.\n", file="d.yaml")
    edited = set_path(edited, ("monitoring", "agreed"), True, file="d.yaml")
    assert edited.startswith("year: 2025\n# note\nreports:\n".replace("\n", newline))
    assert re.findall(r"\r\n|\r|\n", edited) == [newline] * len(re.findall(r"\r\n|\r|\n", edited))
    assert parse_yaml(edited).data["compliance"] == {"statement": "met", "comments": "Why.\nTwo lines.\n"}
    assert parse_yaml(edited).data["monitoring"] == {"agreed": True}


def test_nested_values_replace_the_old_block_and_keep_what_follows():
    text = "year: 2024\nsubmitted:\n  date: 2025-01-20\n  digest: 'x'\n  records:\n    activity:\n      a: '1111111111111111'\n# after\nextra: {}\n"
    values = {
        "date": "2025-01-20",
        "digest": "y",
        "records": {"activity": {"2024/a": "0123456789abcdef"}, "declaration": {"answers": "1" * 16}},
    }
    edited = update_section(text, "submitted", values, file="d.yaml")
    assert parse_yaml(edited).data["submitted"] == values
    assert edited.endswith("# after\nextra: {}\n")
    assert '"2024/a": "0123456789abcdef"' in edited  # ids that look like numbers are quoted


def test_values_that_look_like_other_types_stay_strings():
    digest = "1" * 64  # all digits: unquoted, it would be a (huge) number
    edited = update_section("year: 2025\n", "reports", {"digest": digest}, file="d.yaml")
    assert parse_yaml(edited).data["reports"]["digest"] == digest


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("year: 2025\nbase: &b {acknowledged: false}\nreports: *b\n", id="section is an alias"),
        pytest.param("year: 2025\nreports: [1, 2]\n", id="section is a list"),
        pytest.param("[year, 2025]\n", id="file is not a mapping"),
        pytest.param("{year: 2025}\n", id="file is a flow mapping"),
        pytest.param("year: 2025\nreports:\n  acknowledged: [true]\n", id="owned key holds a list"),
    ],
)
def test_layouts_it_cannot_edit_safely_are_refused(text: str):
    with pytest.raises(EditError) as caught:
        update_section(text, "reports", ACK, file="records/declarations/2025.yaml")
    assert "records/declarations/2025.yaml" in str(caught.value)


# ---- one key at a time: set_path (declaration set and review) -----------------------------------

from datetime import date  # noqa: E402

from cpdgen.authoring.declaration_file import declaration_template  # noqa: E402
from cpdgen.authoring.yamledit import DELETE, set_path  # noqa: E402
from cpdgen.loading import schemas  # noqa: E402
from cpdgen.validation.settings import default_policy  # noqa: E402


def _template() -> str:
    return declaration_template(2025, default_policy(), schemas.documented_record_schema("declaration"), "# modeline\n")


def test_a_new_section_goes_under_the_template_comments_that_name_it():
    text = _template()
    edited = set_path(text, ("monitoring", "agreed"), True, file="d.yaml")
    edited = set_path(edited, ("monitoring", "date"), date(2026, 1, 12).isoformat(), file="d.yaml")
    assert all(
        line.startswith("+ ") for line in difflib.ndiff(text.splitlines(), edited.splitlines()) if line[:1] in "+-"
    )
    lines = edited.splitlines()
    at = lines.index("monitoring:")
    assert lines[at - 1].startswith("#   date:") and lines[at + 1 : at + 3] == ["  agreed: true", "  date: 2026-01-12"]
    assert lines[at + 3] == "" and lines[at + 4].startswith("# 2. CPD Reports")
    assert parse_yaml(edited).data == {"year": 2025, "monitoring": {"agreed": True, "date": "2026-01-12"}}


@pytest.mark.parametrize(
    ("text", "path", "value", "expected"),
    [
        ("year: 2025\nhours:\n  confirmed: false   # check the course\n", ("hours", "confirmed"), True,
         "year: 2025\nhours:\n  confirmed: true   # check the course\n"),
        ("year: 2025\ncompliance:\n  statement: met\n", ("compliance", "out_of_employment", "from"), "2025-03-01",
         "year: 2025\ncompliance:\n  statement: met\n  out_of_employment:\n    from: 2025-03-01\n"),
        ("year: 2025\ncompliance:\n  out_of_employment:\n", ("compliance", "out_of_employment", "to"), "2025-06-30",
         "year: 2025\ncompliance:\n  out_of_employment:\n    to: 2025-06-30\n"),
        ("year: 2025\nmonitoring:   # later\n", ("monitoring", "agreed"), True,
         "year: 2025\nmonitoring:   # later\n  agreed: true\n"),
        ("year: 2025\nhours: {confirmed: false}\n", ("hours", "confirmed"), True, "year: 2025\nhours: {confirmed: true}\n"),
        ("year: 2025\r\ncompliance:\r\n  statement: met\r\n", ("compliance", "comments"), "Why.\nTwo lines.\n",
         "year: 2025\r\ncompliance:\r\n  statement: met\r\n  comments: |\r\n    Why.\r\n    Two lines.\r\n"),
        ("year: 2025\ncompliance:\n  comments: old   # keep\n  statement: met\n", ("compliance", "comments"), "New.\nLines.",
         "year: 2025\ncompliance:\n  comments: |-   # keep\n    New.\n    Lines.\n  statement: met\n"),
        ("year: 2025\ncompliance:\n  comments: |\n    Old.\n    Text.\n  statement: met\n", ("compliance", "comments"),
         "New.\n\nTwo paragraphs.\n",
         "year: 2025\ncompliance:\n  comments: |\n    New.\n\n    Two paragraphs.\n  statement: met\n"),
        ("year: 2025\nemployment_status:\n  status: employed\n", ("employment_status", "status"), "career-break",
         "year: 2025\nemployment_status:\n  status: career-break\n"),
        ("year: 2025\n", ("supporting_documents", "cv"), "yes", "year: 2025\nsupporting_documents:\n  cv: \"yes\"\n"),
    ],
)  # fmt: skip
def test_set_path_sets_one_key_and_keeps_every_other_byte(text, path, value, expected):
    assert set_path(text, path, value, file="d.yaml") == expected


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        ("year: 2025\nmonitoring:\n  agreed: false\n  date: 2026-01-12   # when\n# next\nhours:\n  confirmed: true\n",
         ("monitoring", "date"), "year: 2025\nmonitoring:\n  agreed: false\n# next\nhours:\n  confirmed: true\n"),
        ("year: 2025\ncompliance:\n  statement: met\n  out_of_employment:\n    from: 2025-03-01\n  comments: x\n",
         ("compliance", "out_of_employment", "from"), "year: 2025\ncompliance:\n  statement: met\n  comments: x\n"),
        ("year: 2025\nsupporting_documents:\n  cv: generate\n", ("supporting_documents", "cv"), "year: 2025\n"),
        ("year: 2025\n", ("supporting_documents", "cv"), "year: 2025\n"),
        ("year: 2025\nmonitoring:\n", ("monitoring", "date"), "year: 2025\nmonitoring:\n"),
    ],
)  # fmt: skip
def test_set_path_removes_a_key_and_a_mapping_it_leaves_empty(text, path, expected):
    assert set_path(text, path, DELETE, file="d.yaml") == expected


def test_set_path_refuses_what_it_cannot_do_safely():
    with pytest.raises(EditError, match="removes keys only from block mappings"):
        set_path("year: 2025\nhours: {confirmed: true, x: 1}\n", ("hours", "confirmed"), DELETE, file="d.yaml")
    with pytest.raises(EditError, match="'compliance' must be a mapping"):
        set_path("year: 2025\ncompliance: met\n", ("compliance", "statement"), "met", file="d.yaml")
    with pytest.raises(EditError, match="could not set monitoring.agreed"):
        set_path("year: 2025\nx: &a {agreed: false}\nmonitoring: *a\n", ("monitoring", "agreed"), True, file="d.yaml")
