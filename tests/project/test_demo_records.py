"""The demo member in records/ is valid and as rich as the issue promises."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cpdgen.cli import cli
from cpdgen.loading.files import find_repository
from cpdgen.model.kinds import BY_FOLDER, PROFILE
from cpdgen.validation.repository import validate_repository

from helpers.paths import DEMO_RECORDS, PROJECT_ROOT


@pytest.fixture(scope="module")
def demo():
    return validate_repository(find_repository(PROJECT_ROOT, DEMO_RECORDS))


def test_demo_records_validate_strictly_through_the_cli():
    result = CliRunner().invoke(cli, ["validate", "--records", str(DEMO_RECORDS), "--strict", "--format", "json"])
    payload = json.loads(result.stdout)
    assert result.exit_code == 0, payload
    assert payload["ok"] is True
    assert payload["errors"] == [] and payload["warnings"] == []
    assert payload["records"] >= 80


def test_demo_member_is_rich_enough(demo):
    records = demo.records
    assert records.profile is not None and records.profile.registrations
    activities = records.activities
    assert len(activities) >= 60
    assert {a.type for a in activities} == {"work-experience", "volunteering", "event", "self-study", "training"}
    for year in (2022, 2023, 2024, 2025):
        assert any(a.completed and a.end.year == year for a in activities), year
    assert any(a.private for a in activities)
    assert records.training
    assert len(records.qualifications) == 2
    assert len(records.employment) == 3
    assert sum(1 for e in records.employment if e.end is None) == 1
    assert len(records.objectives) >= 4
    linked = {i for o in records.objectives for action in o.actions for i in action.activities}
    assert len(linked) >= 10


def test_demo_declarations_2024_submitted_and_2025_half_done(demo):
    by_year = {d.year: d for d in demo.records.declarations}
    assert by_year[2024].submitted.get("date")
    assert not by_year[2025].submitted
    assert by_year[2025].monitoring.get("agreed") is True
    assert not by_year[2025].hours.get("confirmed")


def test_every_demo_file_names_its_schema_for_editors():
    for path in sorted(DEMO_RECORDS.rglob("*.yaml")):
        first = path.read_text("utf-8").splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), path
        schema = (path.parent / first[len(prefix) :]).resolve()
        parts = path.relative_to(DEMO_RECORDS).parts
        kind = BY_FOLDER.get(parts[0], PROFILE)
        assert schema == (PROJECT_ROOT / "schemas" / kind.schema_file).resolve(), path
        assert schema.is_file()


def test_demo_evidence_stays_small():
    for path in (PROJECT_ROOT / "evidence").rglob("*"):
        if path.is_file():
            assert path.stat().st_size < 500_000, path
