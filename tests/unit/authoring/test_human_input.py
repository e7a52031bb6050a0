"""What a person types, read the same everywhere (`cpdgen.authoring.human_input`):
`cpdgen new` options and prompts, `import csv` cells, `declaration set`
values and `review` answers all go through these parsers."""

from __future__ import annotations

from datetime import date

import pytest

from cpdgen.authoring import human_input
from cpdgen.validation.settings import default_policy

TODAY = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-03-14", "2025-03-14"), ("14/03/2025", "2025-03-14"), ("4/3/2025", "2025-03-04"), ("14.03.2025", "2025-03-14"),
     ("14-03-2025", "2025-03-14"), ("2025-03-14 00:00:00", "2025-03-14"), ("14 Mar 2025", "2025-03-14"),
     ("14 March 2025", "2025-03-14"), (" 2025-3-4 ", "2025-03-04"), ("today", "2026-01-15"), ("Yesterday", "2026-01-14")],
)  # fmt: skip
def test_dates(text: str, expected: str):
    assert human_input.parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("03/14/2025", "'03/14/2025' is not a real date (read as day 3, month 14, year 2025)"),
     ("14/03/25", "date '14/03/25': write the year in full (e.g. 14/03/2025)"),
     ("March", "'March' is not a date: write YYYY-MM-DD, DD/MM/YYYY (day first, UK order), 14 Mar 2025, today or yesterday"),
     ("2025-02-29", "'2025-02-29' is not a real date")],
)  # fmt: skip
def test_bad_dates(text: str, message: str):
    with pytest.raises(ValueError) as caught:
        human_input.parse_date(text, TODAY)
    assert str(caught.value).startswith(message)


def test_today_means_nothing_where_today_is_not_known():
    with pytest.raises(ValueError, match="write YYYY-MM-DD, DD/MM/YYYY \\(day first, UK order\\) or 14 Mar 2025$"):
        human_input.parse_date("today")


@pytest.mark.parametrize(
    ("text", "hours"),
    [("1.5", 1.5), ("2", 2), ("2h", 2), ("1.5 hrs", 1.5), ("3 hours", 3), ("90 min", 1.5), ("45 mins", 0.75),
     ("1:30", 1.5), ("1h30", 1.5), ("1h 30m", 1.5), (".5", 0.5), ("20 minutes", 0.33)],
)  # fmt: skip
def test_hours(text: str, hours: float):
    assert human_input.parse_hours(text) == hours


@pytest.mark.parametrize(
    ("text", "message"),
    [("two", "hours 'two' is not a number of hours"), ("1,5", "hours '1,5' is not a number of hours (write 1.5, not 1,5)"),
     ("0", "hours '0' must be more than 0"), ("", "hours '' is not a number of hours")],
)  # fmt: skip
def test_bad_hours(text: str, message: str):
    with pytest.raises(ValueError) as caught:
        human_input.parse_hours(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "type_"),
    [("Seminar", "event"), ("Event/Seminar", "event"), ("EVENT", "event"), ("webinar", "event"),
     ("Work experience", "work-experience"), ("work-experience", "work-experience"), ("Self study", "self-study"),
     ("Self-study", "self-study"), ("self", "self-study"), ("Course", "training"), ("Training", "training"),
     ("Volunteering", "volunteering"), ("mentoring", "volunteering"), ("Conference", "event"), ("Lunch", None), ("", None)],
)  # fmt: skip
def test_types_are_read_tolerantly(text: str, type_: str | None):
    assert human_input.match_choice("activity", "type", text) == type_


def test_dotted_fields_and_other_kinds_have_their_choices():
    assert human_input.parse_choice("declaration", "employment_status.status", "Career break") == "career-break"
    assert human_input.parse_choice("declaration", "compliance.statement", "not met") == "not-met"
    assert human_input.parse_choice("training", "mode", "face to face") == "in-person"
    with pytest.raises(ValueError, match="'Employd' is not one of employed, self-employed.*did you mean 'employed'"):
        human_input.parse_choice("declaration", "employment_status.status", "Employd")


def test_synonyms_name_only_real_values_and_cover_every_one():
    assert set(human_input.TYPE_SYNONYMS) == set(human_input.choices("activity", "type"))
    assert set(human_input.MODE_SYNONYMS) == set(human_input.choices("activity", "mode"))


@pytest.mark.parametrize(
    ("text", "value"), [("yes", True), ("Y", True), ("true", True), ("no", False), ("False", False)]
)
def test_yes_and_no(text: str, value: bool):
    assert human_input.parse_yes_no(text) is value


def test_neither_yes_nor_no():
    with pytest.raises(ValueError, match="'maybe' is not yes or no"):
        human_input.parse_yes_no("maybe")


@pytest.mark.parametrize(
    ("values", "codes"),
    [(["A1,E3"], ["A1", "E3"]), (["[B2, E3]"], ["B2", "E3"]), (["b2 e3", "B2"], ["B2", "E3"]), (["'A1'"], ["A1"])],
)
def test_competence_codes_however_they_are_listed(values: list[str], codes: list[str]):
    assert human_input.parse_competences(values, default_policy().competences) == codes


def test_competence_codes_are_the_frameworks():
    with pytest.raises(ValueError) as caught:
        human_input.parse_competences(["A1 A5 c9"], default_policy().competences)
    assert str(caught.value).startswith("A5, C9 are not UK-SPEC competences: the codes are A1 A2 B1")
