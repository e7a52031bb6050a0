"""Records written by cpdgen read back exactly, by cpdgen and by YAML 1.1 readers."""

from __future__ import annotations

import datetime

import pytest
import yaml

from cpdgen.authoring.yamlwrite import dump_document, modeline, scalar
from cpdgen.loading.yamlparse import parse_yaml

AWKWARD = [
    "yes", "No", "on", "y", "true", "False", "null", "~", "", " ", "12", "0777", "1e3", "1.5", "-1", ".inf", "1:30",
    "a: b", "#x", "x #y", "-x", "- x", "@at", "`tick", "%p", "!tag", "&anchor", "*alias", "[a]", "{a}", "a,b", "|", ">",
    "?", "'q'", '"dq"', "Siân", "“quoted”", "trail ", " lead", "tab\there", "back\\slash",
]  # fmt: skip
BLOCKS = ["one\ntwo\n", "one\ntwo", "one\n\ntwo\n\n\n", "- a list\n  - nested\n", "  indented first\nline\n",
          "trailing  \nspaces\n", "\n", "crlf\r\nline\n", "x\n"]  # fmt: skip


@pytest.mark.parametrize("value", AWKWARD + BLOCKS)
def test_strings_read_back_exactly(value: str):
    data = {"title": value, "tags": [value, "z"], "actions": [{"title": value, "done_on": "2025-01-02"}]}
    text = dump_document(data)
    assert parse_yaml(text).data == data, text
    # YAML 1.1 readers (PyYAML, many tools) agree; only the date becomes a date there.
    loaded = yaml.safe_load(text)
    assert loaded["title"] == value and loaded["tags"] == [value, "z"], text
    assert loaded["actions"][0] == {"title": value, "done_on": datetime.date(2025, 1, 2)}


def test_dates_are_plain_and_numbers_and_booleans_are_values():
    text = dump_document({"start": "2025-03-14", "hours": 1.5, "whole": 2.0, "count": 3, "private": True, "ok": False})
    assert text == "start: 2025-03-14\nhours: 1.5\nwhole: 2\ncount: 3\nprivate: true\nok: false\n"


def test_markdown_is_a_literal_block():
    assert dump_document({"outcomes": "- one\n- two\n"}) == "outcomes: |\n  - one\n  - two\n"
    assert dump_document({"note": "a\nb"}) == "note: |-\n  a\n  b\n"


def test_lists_flow_when_short_and_block_when_long():
    assert dump_document({"competences": ["A1", "E3"]}) == "competences: [A1, E3]\n"
    long = [f"evidence/2025/certificate-{n}.pdf" for n in range(4)]
    assert dump_document({"evidence": long}) == "evidence:\n" + "".join(f"  - {item}\n" for item in long)
    assert parse_yaml(dump_document({"evidence": long})).data == {"evidence": long}


def test_nested_mappings_and_the_header():
    text = dump_document({"extra": {"a": {"b": "1"}}, "empty": {}}, header=modeline("../schemas/x.schema.json"))
    assert text == "# yaml-language-server: $schema=../schemas/x.schema.json\nextra:\n  a:\n    b: '1'\nempty: {}\n"


def test_values_a_record_cannot_hold_are_refused():
    with pytest.raises(ValueError):
        scalar(float("nan"))
    with pytest.raises(TypeError):
        scalar(object())
