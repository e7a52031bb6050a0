"""The pure core of `cpdgen import csv` (`cpdgen.authoring.csv_import`):
columns matched loosely, rows numbered as the spreadsheet numbers them.
Cells are read by `human_input` (tests/unit/authoring/test_human_input.py). The command itself is
tests/acceptance/cli/test_import_csv.py."""

from __future__ import annotations

from cpdgen.authoring import csv_import


def test_every_field_a_column_can_fill_is_a_field_of_an_activity_or_training():
    from cpdgen.authoring.new_record import fields

    known = {f.name for f in fields("activity")} | {f.name for f in fields("training")} | {"kind"}
    assert set(csv_import.FIELDS) <= known


def test_column_names_are_matched_loosely():
    columns = csv_import.map_columns(
        ["Date ", "ACTIVITY", "Duration (hours)", "cpd_category", "Learning outcomes", "x"], {}
    )
    assert columns.by_field == {"start": 0, "title": 1, "hours": 2, "type": 3, "outcomes": 4}
    assert columns.ignored == ["x"]


def test_blank_rows_are_skipped_silently():
    table = csv_import.read_table("Title,Date,Hours,Type\n\n,,,\n  , ,\t,\nTalk,2025-01-01,1,event\n")
    records, problems = csv_import.convert(table, csv_import.map_columns(table.header, {}))
    assert problems == []
    assert [(r.row, r.data["title"]) for r in records] == [(5, "Talk")]


def test_row_numbers_count_spreadsheet_rows_even_with_multi_line_cells():
    table = csv_import.read_table(
        'Title,Date,Hours,Type,Notes\nA,2025-01-01,1,event,"one\ntwo\nthree"\nB,2025-01-01,x,event,\n'
    )
    _, problems = csv_import.convert(table, csv_import.map_columns(table.header, {}))
    assert problems == [csv_import.Problem(3, "hours 'x' is not a number of hours (column 'Hours')")]
