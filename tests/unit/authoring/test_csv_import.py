"""The pure core of `cpdgen import csv` (`cpdgen.authoring.csv_import`):
spreadsheet dates, hours and types read tolerantly, columns matched loosely,
rows numbered as the spreadsheet numbers them. The command itself is
tests/acceptance/cli/test_import_csv.py."""

from __future__ import annotations

import pytest

from cpdgen.authoring import csv_import


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-03-14", "2025-03-14"), ("14/03/2025", "2025-03-14"), ("4/3/2025", "2025-03-04"), ("14.03.2025", "2025-03-14"),
     ("14-03-2025", "2025-03-14"), ("2025-03-14 00:00:00", "2025-03-14"), ("14 Mar 2025", "2025-03-14"),
     ("14 March 2025", "2025-03-14"), (" 2025-3-4 ", "2025-03-04")],
)  # fmt: skip
def test_dates(text: str, expected: str):
    assert csv_import.parse_spreadsheet_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("03/14/2025", "'03/14/2025' is not a real date (read as day 3, month 14, year 2025)"),
     ("14/03/25", "date '14/03/25': write the year in full (e.g. 14/03/2025)"),
     ("March", "'March' is not a date: write YYYY-MM-DD, DD/MM/YYYY (day first, UK order) or 14 Mar 2025"),
     ("2025-02-29", "'2025-02-29' is not a real date")],
)  # fmt: skip
def test_bad_dates(text: str, message: str):
    with pytest.raises(ValueError) as caught:
        csv_import.parse_spreadsheet_date(text)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "hours"),
    [("1.5", 1.5), ("2", 2), ("2h", 2), ("1.5 hrs", 1.5), ("3 hours", 3), ("90 min", 1.5), ("45 mins", 0.75),
     ("1:30", 1.5), ("1h30", 1.5), ("1h 30m", 1.5), (".5", 0.5), ("20 minutes", 0.33)],
)  # fmt: skip
def test_hours(text: str, hours: float):
    assert csv_import.parse_hours(text) == hours


@pytest.mark.parametrize(
    ("text", "message"),
    [("two", "hours 'two' is not a number of hours"), ("1,5", "hours '1,5' is not a number of hours (write 1.5, not 1,5)"),
     ("0", "hours '0' must be more than 0"), ("", "hours '' is not a number of hours")],
)  # fmt: skip
def test_bad_hours(text: str, message: str):
    with pytest.raises(ValueError) as caught:
        csv_import.parse_hours(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "type_"),
    [("Seminar", "event"), ("Event/Seminar", "event"), ("EVENT", "event"), ("Work experience", "work-experience"),
     ("work-experience", "work-experience"), ("Self study", "self-study"), ("Self-study", "self-study"),
     ("Course", "training"), ("Training", "training"), ("Volunteering", "volunteering"), ("Conference", "event"),
     ("Lunch", None), ("", None)],
)  # fmt: skip
def test_types_are_read_tolerantly(text: str, type_: str | None):
    assert csv_import.match_type(text) == type_


def test_type_synonyms_name_only_real_types_and_cover_every_one():
    from cpdgen.authoring.new_record import fields

    types = next(f.choices for f in fields("activity") if f.name == "type")
    assert set(csv_import.TYPE_SYNONYMS) == set(types)
    modes = next(f.choices for f in fields("activity") if f.name == "mode")
    assert set(csv_import.MODE_SYNONYMS) == set(modes)


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
