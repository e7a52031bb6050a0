"""One range of years everywhere: record dates, the declaration's year, --year, --as-of, typed dates."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cpdgen.authoring.human_input import parse_date
from cpdgen.cli import AS_OF_RANGE, cli
from cpdgen.common.dates import FIRST_YEAR, LAST_YEAR, date_problem
from cpdgen.loading.schemas import record_schema


def test_the_declaration_schema_bounds_its_year_by_the_same_range():
    year = record_schema("declaration")["properties"]["year"]
    assert (year["minimum"], year["maximum"]) == (FIRST_YEAR, LAST_YEAR)
    assert (AS_OF_RANGE[0].year - 1, AS_OF_RANGE[1].year) == (FIRST_YEAR, LAST_YEAR)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1900-01-01", None),
        ("2999-12-31", None),
        ("1899-12-31", "is outside the years cpdgen takes, 1900 to 2999"),
        ("0225-03-14", "is outside the years cpdgen takes, 1900 to 2999"),
        ("9999-12-31", "is outside the years cpdgen takes, 1900 to 2999"),
        ("2025-02-30", "is not a real date"),
    ],
)
def test_date_problem(value: str, problem: str | None):
    assert date_problem(value) == problem


@pytest.mark.parametrize("typed", ["14/03/0225", "0225-03-14", "31 Dec 9999"])
def test_a_typed_date_outside_the_range_is_refused(typed: str):
    with pytest.raises(ValueError, match="outside the years cpdgen takes, 1900 to 2999"):
        parse_date(typed)


@pytest.mark.parametrize("year", [str(FIRST_YEAR - 1), str(LAST_YEAR + 1)])
def test_year_outside_the_range_is_a_usage_error(year: str):
    result = CliRunner().invoke(cli, ["hours", "--year", year])
    assert result.exit_code == 2
    assert f"{FIRST_YEAR}<=x<={LAST_YEAR}" in result.output.replace(" ", "") or str(LAST_YEAR) in result.output
