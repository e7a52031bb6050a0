"""Defects found in the adversarial review of the review-year commands
(hours, reports, declaration) and of init / new / import csv.

Each test reproduces one defect found there (now fixed) and keeps it fixed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cpdgen.cli import cli

from helpers.repos import TmpRepo

AFTER = ("--as-of", "2026-01-20")  # the 2025 review year is over

ACTIVITY = "title: A\ntype: event\nstart: 2025-03-01\nhours: 2\n"

COMPLETE_2025 = """\
year: 2025
monitoring:
  agreed: true
employment_status:
  status: employed
  professionally_active: true
hours:
  confirmed: true
compliance:
  statement: met
"""


def _item(repo: TmpRepo, number: int, *extra: str) -> dict:
    result = repo.run("declaration", "status", "--format", "json", *AFTER, *extra)
    return json.loads(result.stdout)["items"][number - 1]


# ---- 1. the reports digest misses objectives the Planning Report shows ----------------------


def test_editing_an_undated_objective_of_the_planning_report_invalidates_the_acknowledgement(repo: TmpRepo) -> None:
    repo.write("records/objectives/aim.yaml", "title: Undated aim\nstatus: in-progress\n")
    repo.write("records/declarations/2025.yaml", "year: 2025\n")
    planning = json.loads(repo.run("report", "planning", "--format", "json", *AFTER).stdout)
    assert [o["id"] for o in planning["objectives"]] == ["aim"]  # the report shows it
    assert repo.run("declaration", "acknowledge", *AFTER).exit_code == 0
    assert _item(repo, 2)["complete"] is True

    repo.write("records/objectives/aim.yaml", "title: A quite different aim\nstatus: in-progress\n")

    assert _item(repo, 2)["complete"] is False


def test_editing_an_overdue_open_objective_of_the_planning_report_invalidates_the_acknowledgement(
    repo: TmpRepo,
) -> None:
    aim = (
        "title: {t}\ncreated: 2020-01-01\ntarget: 2021-06-30\nstatus: in-progress\nactions:\n  - title: read the book\n"
    )
    repo.write("records/objectives/aim.yaml", aim.format(t="Learn Rust"))
    repo.write("records/declarations/2025.yaml", "year: 2025\n")
    planning = json.loads(repo.run("report", "planning", "--format", "json", *AFTER).stdout)
    assert [o["id"] for o in planning["objectives"]] == ["aim"]
    assert repo.run("declaration", "acknowledge", *AFTER).exit_code == 0

    repo.write("records/objectives/aim.yaml", aim.format(t="Learn Go instead"))

    assert _item(repo, 2)["complete"] is False


# ---- 2. a failed write is an internal error (exit 3) ----------------------------------------


def _unwritable(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a read-only folder does to a non-root user (the tests may run as root)."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", kwargs.get("dir"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)


def test_acknowledge_in_a_read_only_folder_fails_cleanly(repo: TmpRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    declaration = repo.write("records/declarations/2025.yaml", "year: 2025\n")
    _unwritable(monkeypatch)
    result = repo.run("declaration", "acknowledge", *AFTER)
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    assert declaration.read_text() == "year: 2025\n"


def test_start_in_a_read_only_folder_fails_cleanly(repo: TmpRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo.records / "declarations").mkdir()
    _unwritable(monkeypatch)
    result = repo.run("declaration", "start", *AFTER)
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output


def test_new_in_a_read_only_folder_fails_cleanly(repo: TmpRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo.records / "activities" / "2025").mkdir(parents=True)
    _unwritable(monkeypatch)
    result = repo.run(
        "new",
        "activity",
        "--title",
        "X",
        "--type",
        "event",
        "--start",
        "2025-01-01",
        "--hours",
        "1",
        "--no-interactive",
    )
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output


def test_new_when_the_year_folder_is_a_file_fails_cleanly(repo: TmpRepo) -> None:
    repo.write("records/activities/2031", "not a folder\n")
    result = repo.run(
        "new",
        "activity",
        "--title",
        "X",
        "--type",
        "event",
        "--start",
        "2031-01-01",
        "--hours",
        "1",
        "--no-interactive",
    )
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output


# ---- 3. --as-of whose review year is outside 1900-2999 ----------------------------------------


def test_status_with_an_as_of_in_year_one_is_not_an_internal_error(repo: TmpRepo) -> None:
    repo.write("records/activities/2025/a.yaml", ACTIVITY)
    result = repo.run("declaration", "status", "--as-of", "0001-01-01")
    assert result.exit_code in (1, 2), result.output
    assert "internal error" not in result.output


def test_start_never_writes_a_declaration_its_schema_rejects(repo: TmpRepo) -> None:
    result = repo.run("declaration", "start", "--as-of", "1900-06-01")
    assert result.exit_code == 2, result.output
    assert not (repo.records / "declarations" / "1899.yaml").exists()
    assert repo.run("validate").exit_code == 0


# ---- 4. status of a submitted declaration ----------------------------------------------------


def test_status_of_a_submitted_declaration_exits_0(repo: TmpRepo) -> None:
    repo.write("records/activities/2025/a.yaml", ACTIVITY)
    repo.write("evidence/cv.pdf", b"%PDF-1.4\n" + b"x" * 100)
    repo.write("records/declarations/2025.yaml", COMPLETE_2025 + "supporting_documents:\n  cv: evidence/cv.pdf\n")
    assert repo.run("declaration", "acknowledge", *AFTER).exit_code == 0
    assert repo.run("declaration", "submit", *AFTER).exit_code == 0
    repo.write("evidence/cv.pdf", b"%PDF-1.4\n" + b"x" * 600_000)  # the CV file replaced later
    assert repo.run("validate").exit_code == 0

    result = repo.run("declaration", "status", *AFTER)
    assert "Submitted" in result.output
    assert result.exit_code == 0, result.output


# ---- 5./6. acknowledge writes over what it should not -------------------------------------------


def test_acknowledge_keeps_a_symlinked_declaration_a_symlink(repo: TmpRepo) -> None:
    real = repo.write("shared/2025.yaml", "year: 2025\n")
    link = repo.records / "declarations" / "2025.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(Path("..") / ".." / "shared" / "2025.yaml")
    assert repo.run("validate").exit_code == 0
    result = repo.run("declaration", "acknowledge", *AFTER)
    assert link.is_symlink()
    if result.exit_code == 0:
        assert "acknowledged: true" in real.read_text()


def test_acknowledge_refuses_a_read_only_declaration_file(repo: TmpRepo) -> None:
    declaration = repo.write("records/declarations/2025.yaml", "year: 2025\n")
    declaration.chmod(0o444)
    try:
        result = repo.run("declaration", "acknowledge", *AFTER)
        assert result.exit_code == 1, result.output
        assert "internal error" not in result.output
        assert declaration.read_text() == "year: 2025\n"
    finally:
        declaration.chmod(0o644)


# ---- 7. init with a name or body of several lines -------------------------------------------------


def test_init_with_a_multi_line_name_leaves_no_invalid_repository(tmp_path: Path) -> None:
    target = tmp_path / "cpd"
    result = CliRunner().invoke(cli, ["init", str(target), "--name", "Jo\nBloggs", "--no-interactive"])
    assert "internal error" not in result.output
    if result.exit_code == 0:
        check = CliRunner().invoke(cli, ["--records", str(target / "records"), "validate"])
        assert check.exit_code == 0, check.output
    else:
        assert result.exit_code == 2, result.output
        assert not (target / "cpdgen.yaml").exists()


def test_init_with_a_multi_line_body_leaves_no_invalid_repository(tmp_path: Path) -> None:
    target = tmp_path / "cpd"
    result = CliRunner().invoke(
        cli, ["init", str(target), "--name", "Jo", "--body", "IET\npolicy: x", "--no-interactive"]
    )
    if result.exit_code == 0:
        check = CliRunner().invoke(cli, ["--records", str(target / "records"), "validate"])
        assert check.exit_code == 0, check.output
    else:
        assert result.exit_code == 2, result.output
        assert not (target / "cpdgen.yaml").exists()


# ---- 8. import csv of a file whose name is not UTF-8 ------------------------------------------------


def test_import_of_a_file_with_a_latin1_name_is_not_an_internal_error(repo: TmpRepo) -> None:
    name = os.fsdecode(b"caf\xe9.csv")  # as Python sees such a name on Linux
    sheet = repo.root / name
    sheet.write_text("Title,Type,Date,Hours\nX,event,2025-01-01,1\n", "utf-8")
    result = repo.run("import", "csv", name)
    assert "internal error" not in result.output
    assert result.exit_code == 0, result.output


# ---- 9. yamlwrite: a NEL character is not read back -------------------------------------------------


def test_new_keeps_a_title_with_a_nel_character(repo: TmpRepo) -> None:
    from cpdgen.loading.yamlparse import parse_yaml

    title = "x\x85y"
    result = repo.run(
        "new",
        "activity",
        "--title",
        title,
        "--type",
        "event",
        "--start",
        "2025-01-01",
        "--hours",
        "1",
        "--no-interactive",
    )
    written = list((repo.records / "activities").rglob("*.yaml"))
    if result.exit_code == 0:
        assert parse_yaml(written[0].read_text("utf-8")).data["title"] == title
    else:
        assert not written and "internal error" not in result.output
