"""The lossless CSV of records: every value a field can hold comes back as it went."""

from __future__ import annotations

import csv
import io

import pytest

from cpdgen.render import record_csv
from cpdgen.render.record_csv import CellError, Row, decode, encode, unescape


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Plain"),
        ("title", '=HYPERLINK("http://evil")'),
        ("title", "+1 more"),
        ("title", "-dash first"),
        ("title", "@mention"),
        ("title", "'quoted' first"),
        ("title", "''"),
        ("title", "\tTab first"),
        ("title", "2024"),
        ("title", "true"),
        ("title", "[not a list]"),
        ("description", ""),
        ("description", 'Line one, with a comma\nline "two"  \n\n- a list\r\n'),
        ("description", "  leading and trailing  "),
        ("hours", 2),
        ("hours", 1.5),
        ("hours", 2.0),
        ("hours", 1.333333333333),
        ("private", True),
        ("private", False),
        ("tags", ["a", "b c"]),
        ("tags", ["semi;colon", "x"]),
        ("tags", ["[bracket", "x"]),
        ("tags", [" spaced "]),
        ("tags", ["multi\nline"]),
        ("tags", ["=SUM(A1)"]),
        ("tags", []),
        ("competences", ["A1", "E3"]),
        ("extra", {"nested": [1, 2.5, None, True, {"k": "v"}], "text": "=1+1"}),
        ("extra", {}),
    ],
)
def test_every_value_comes_back_exactly(field, value):
    cell = encode(value)
    assert cell != ""  # an empty cell means "absent"
    back = decode("activity", field, cell)
    assert back == value
    assert type(back) is type(value)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "'x"])
def test_a_cell_a_spreadsheet_would_run_starts_with_an_apostrophe(text):
    assert encode(text) == "'" + text
    assert not encode(["=x", "y"]).startswith("=")
    assert unescape(encode(text)) == text


def test_lists_are_joined_with_semicolons_where_that_is_exact():
    assert encode(["A1", "E3"]) == "A1; E3"
    assert encode(["a;b"]) == '["a;b"]'
    assert decode("activity", "competences", "A1;E3") == ["A1", "E3"]  # as a person might retype it


def test_nested_values_are_json():
    actions = [{"title": 'Read, then "do"', "status": "done", "activities": ["2025/x"]}]
    assert decode("objective", "actions", encode(actions)) == actions


@pytest.mark.parametrize(
    ("field", "cell", "message"),
    [
        ("private", "yes", "'yes' is not true or false"),
        ("hours", "two", "'two' is not a number"),
        ("extra", "{broken", "not JSON"),
        ("extra", "[1]", "JSON of a mapping expected"),
        ("nonsense", "x", "an activity has no field nonsense"),
    ],
)
def test_a_cell_that_cannot_be_its_fields_value_is_refused_in_words(field, cell, message):
    with pytest.raises(CellError, match=message):
        decode("activity", field, cell)


def test_the_header_is_kind_id_then_each_kinds_fields_once():
    columns = record_csv.header(["activity", "training"])
    assert columns[:4] == ["kind", "id", "title", "type"]
    assert len(columns) == len(set(columns))
    assert {"certificate", "accredited_by", "private", "tags", "evidence"} <= set(columns)
    assert "id" not in columns[2:]


def test_absent_fields_are_empty_cells_and_csv_quoting_carries_the_rest():
    text = record_csv.to_csv(
        [Row("activity", "2025/x", {"title": 'A "quoted", title', "description": "two\nlines"})], ["activity"]
    )
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    cells = dict(zip(header, row))
    assert cells["title"] == 'A "quoted", title'
    assert cells["description"] == "two\nlines"
    assert cells["hours"] == "" and cells["private"] == ""
    assert record_csv.is_export_header(header)
