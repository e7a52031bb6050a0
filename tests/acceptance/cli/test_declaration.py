"""The declaration through the real command line: status, start,
acknowledge, submit, and a submitted year frozen by validate."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers.failures import unwritable
from helpers.paths import DEMO_RECORDS
from helpers.repos import TmpRepo

AFTER = ("--as-of", "2026-01-20")  # the 2025 review year is over; 2025 is the default year

ACTIVITY = """\
title: {title}
type: event
start: {start}
hours: {hours}
objectives: [grow]
"""

DECLARATION_2025 = """\
# yaml-language-server: $schema=../../schemas/declaration.schema.json
# My 2025 declaration. Comments like this one must survive every edit.
year: 2025
monitoring:
  agreed: true   # agreed on the phone
employment_status:
  status: employed
  professionally_active: true
employment_history:
  display: all
academic_study:
  display: none     # nothing new
hours:
  confirmed: true
compliance:
  statement: met

# TODO supporting documents: let cpdgen make them
supporting_documents:
  activity_report: generate
"""


@pytest.fixture
def member(repo: TmpRepo) -> TmpRepo:
    """A member with 32 hours in 2025, a little in 2024, and a 2025 declaration
    complete except for the reports."""
    repo.write("records/objectives/grow.yaml", "title: Grow\nstatus: in-progress\n")
    repo.write("records/employment/acme.yaml", "employer: Acme\nrole: Engineer\nstart: 2020-01-06\n")
    repo.write("records/activities/2025/lecture.yaml", ACTIVITY.format(title="Lecture", start="2025-03-14", hours=2))
    repo.write(
        "records/activities/2025/conference.yaml", ACTIVITY.format(title="Conference", start="2025-06-10", hours=24)
    )
    repo.write("records/training/2025/course.yaml", "title: Course\nstart: 2025-09-01\nhours: 6\nobjectives: [grow]\n")
    repo.write("records/activities/2024/old.yaml", ACTIVITY.format(title="Old", start="2024-05-01", hours=3))
    repo.write("records/declarations/2025.yaml", DECLARATION_2025)
    return repo


def status_json(repo: TmpRepo, *args: str) -> tuple[int, dict]:
    result = repo.run("declaration", "status", "--format", "json", *AFTER, *args)
    return result.exit_code, json.loads(result.stdout)


def item(data: dict, key: str) -> dict:
    return next(entry for entry in data["items"] if entry["key"] == key)


def test_status_json_is_the_spec_contract(member: TmpRepo):
    code, data = status_json(member)
    assert code == 1
    assert set(data) == {"year", "ready", "hours", "items"}
    assert data["year"] == 2025 and data["ready"] is False
    assert data["hours"] == {
        "work-experience": 0,
        "volunteering": 0,
        "event": 26,
        "self-study": 0,
        "training": 6,
        "total": 32,
    }
    assert [entry["number"] for entry in data["items"]] == list(range(1, 9))
    assert [entry["key"] for entry in data["items"]] == [
        "cpd-monitoring",
        "cpd-reports",
        "employment-status",
        "employment-history",
        "academic-study",
        "total-cpd-hours",
        "compliance-statement",
        "supporting-documents",
    ]
    for entry in data["items"]:
        assert set(entry) == {"number", "key", "mandatory", "complete", "problems"}
    assert [entry["number"] for entry in data["items"] if entry["mandatory"]] == [1, 2, 3, 6, 7]
    # only the reports are missing
    assert [entry["key"] for entry in data["items"] if entry["problems"]] == ["cpd-reports"]
    assert "cpdgen declaration acknowledge --year 2025" in item(data, "cpd-reports")["problems"][0]
    assert item(data, "academic-study")["complete"] is False and item(data, "academic-study")["problems"] == []


def test_status_csv_has_one_row_per_item(member: TmpRepo):
    import csv
    import io

    result = member.run("declaration", "status", "--format", "csv", *AFTER)
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["number"], r["mandatory"], r["complete"]) for r in rows] == [
        ("1", "true", "true"),
        ("2", "true", "false"),
        ("3", "true", "true"),
        ("4", "false", "true"),
        ("5", "false", "false"),
        ("6", "true", "true"),
        ("7", "true", "true"),
        ("8", "false", "true"),
    ]
    assert rows[1]["problems"].startswith("acknowledge the CPD Activity and Planning Reports")


def test_status_text_shows_the_legend_the_items_and_what_is_missing(member: TmpRepo):
    result = member.run("declaration", "status", *AFTER)
    assert result.exit_code == 1
    out = result.stdout
    assert "Legend: (M) Mandatory  (O) Optional  [x] Completed" in out
    assert "[x] (M) 1. CPD Monitoring" in out
    assert "[ ] (M) 2. CPD Reports" in out
    assert "[ ] (O) 5. Academic Study" in out
    assert "then run cpdgen declaration acknowledge --year 2025" in out
    assert "Total CPD Hours" in out and "32.0" in out
    assert "Not ready: 1 mandatory item incomplete." in out
    # `generate` names the PDF cpdgen will make
    assert "· activity_report: cpdgen makes output/private/cpd-activity-report-2025.pdf" in out


def test_the_whole_year_acknowledge_then_submit(member: TmpRepo):
    path = member.records / "declarations/2025.yaml"
    before = path.read_text()

    result = member.run("declaration", "acknowledge", *AFTER)
    assert result.exit_code == 0, result.output
    assert "Acknowledged the 2025 reports (3 activities and courses" in result.stdout
    acknowledged = path.read_text()
    # every line of the member's file is still there, in order; only reports was added
    assert acknowledged.startswith(before)
    assert acknowledged[len(before) :].startswith('reports:\n  acknowledged: true\n  date: 2026-01-20\n  digest: "')

    code, data = status_json(member)
    assert code == 0 and data["ready"] is True

    result = member.run("declaration", "submit", *AFTER)
    assert result.exit_code == 0, result.output
    submitted = path.read_text()
    assert submitted.startswith(acknowledged)
    assert "submitted:\n  date: 2026-01-20\n  digest: " in submitted
    assert '"2025/lecture": "' in submitted  # one digest per covered record

    assert member.validate_json()[0] == 0
    code, _ = status_json(member)
    assert code == 0
    assert "Submitted." in member.run("declaration", "status", *AFTER).stdout

    # submitting twice is refused, and says how to amend
    again = member.run("declaration", "submit", *AFTER)
    assert again.exit_code == 1 and "--amend" in again.output
    assert path.read_text() == submitted


def test_a_stale_acknowledgement_after_an_edit_in_the_year(member: TmpRepo):
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    member.write("records/activities/2025/lecture.yaml", ACTIVITY.format(title="Lecture", start="2025-03-14", hours=3))
    code, data = status_json(member)
    assert code == 1
    reports = item(data, "cpd-reports")
    assert reports["complete"] is False
    assert "the reports have changed since you acknowledged them on 2026-01-20" in reports["problems"][0]


def test_an_acknowledgement_stays_valid_after_an_edit_in_another_year(member: TmpRepo):
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    member.write("records/activities/2024/old.yaml", ACTIVITY.format(title="Old, renamed", start="2024-05-01", hours=5))
    member.write("records/activities/2026/new.yaml", ACTIVITY.format(title="New", start="2026-01-10", hours=1))
    code, data = status_json(member)
    assert code == 0, data
    assert item(data, "cpd-reports")["complete"] is True


def test_submit_refuses_what_is_not_ready_and_lists_it(member: TmpRepo):
    path = member.records / "declarations/2025.yaml"
    before = path.read_bytes()
    result = member.run("declaration", "submit", *AFTER)
    assert result.exit_code == 1
    assert "the 2025 declaration is not ready to submit:" in result.output
    assert "2. CPD Reports: acknowledge the CPD Activity and Planning Reports" in result.output
    assert path.read_bytes() == before


def test_submit_refuses_before_the_year_is_over(member: TmpRepo):
    assert member.run("declaration", "acknowledge", "--year", "2025", "--as-of", "2025-12-31").exit_code == 0
    result = member.run("declaration", "submit", "--year", "2025", "--as-of", "2025-12-31")
    assert result.exit_code == 1
    assert "not over until 31 December 2025" in result.output


def test_validate_names_the_records_changed_after_submission(member: TmpRepo):
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    assert member.run("declaration", "submit", *AFTER).exit_code == 0

    # an edit in another year is fine
    member.write("records/activities/2024/old.yaml", ACTIVITY.format(title="Old, renamed", start="2024-05-01", hours=5))
    assert member.validate_json()[0] == 0

    # an edit in the submitted year is an error at the changed record
    member.write("records/activities/2025/lecture.yaml", ACTIVITY.format(title="Lecture", start="2025-03-14", hours=3))
    member.write(
        "records/activities/2025/late.yaml", ACTIVITY.format(title="Late addition", start="2025-12-01", hours=1)
    )
    (member.records / "activities/2025/conference.yaml").unlink()
    code, data = member.validate_json()
    assert code == 1
    found = {(e["file"], e["message"].split(";")[0]) for e in data["errors"]}
    assert found == {
        (
            "records/activities/2025/lecture.yaml",
            "this activity has changed since the 2025 declaration submitted on 2026-01-20",
        ),
        (
            "records/activities/2025/late.yaml",
            "this activity now falls in 2025 since the 2025 declaration submitted on 2026-01-20",
        ),
        (
            "records/declarations/2025.yaml",
            "activity '2025/conference', which the 2025 declaration submitted on 2026-01-20 covers, is gone or no longer in 2025",
        ),
    }
    assert all("--amend" in e["message"] for e in data["errors"])
    # and every command that computes refuses to work on a changed submitted year
    assert member.run("hours", *AFTER).exit_code == 1

    # --amend records the change; validate is clean again
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    amended = member.run("declaration", "submit", "--amend", "--as-of", "2026-02-01", "--year", "2025")
    assert amended.exit_code == 0, amended.output
    text = (member.records / "declarations/2025.yaml").read_text()
    assert "  date: 2026-01-20\n" in text and "  amended: 2026-02-01\n" in text
    assert member.validate_json()[0] == 0


def test_changing_the_declarations_own_answers_after_submission_is_reported(member: TmpRepo):
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    assert member.run("declaration", "submit", *AFTER).exit_code == 0
    path = member.records / "declarations/2025.yaml"
    path.write_text(path.read_text().replace("display: none", "display: all"))
    code, data = member.validate_json()
    assert code == 1
    assert [e["message"].split(";")[0] for e in data["errors"]] == [
        "this declaration's answers have changed since it was submitted"
    ]


def test_a_covered_record_removed_with_its_digest_line_is_still_reported(member: TmpRepo):
    """The combined digest is the proof: removing a record and its line under
    submitted.records leaves no per-record difference, but the whole differs."""
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    assert member.run("declaration", "submit", *AFTER).exit_code == 0
    path = member.records / "declarations/2025.yaml"
    text = path.read_text()
    line = next(line for line in text.splitlines(keepends=True) if '"2025/conference":' in line)
    path.write_text(text.replace(line, ""))
    (member.records / "activities/2025/conference.yaml").unlink()

    code, data = member.validate_json()
    assert code == 1
    [found] = data["errors"]
    assert found["file"] == "records/declarations/2025.yaml"
    assert found["line"] == text[: text.index("  digest:", text.index("submitted:"))].count("\n") + 1
    assert "no longer matches its digest, though no record listed under 'submitted.records' differs" in found["message"]
    assert "--amend" in found["message"]
    status = member.run("declaration", "status", *AFTER)
    assert status.exit_code == 1
    assert "no longer matches its digest" in status.output


def _submission_by_hand(repo: TmpRepo, date: str) -> None:
    """A `submitted` block written by hand, its digests computed as cpdgen
    would (as if copied from a submitted PDF's attachment)."""
    from cpdgen.compute.digest import combined_digest, declaration_records, nested, record_digests
    from cpdgen.compute.year import declaration_for
    from cpdgen.loading.files import find_repository
    from cpdgen.validation.repository import validate_repository

    result = validate_repository(find_repository(repo.root))
    digests = record_digests(declaration_records(result.records, 2025, declaration_for(result.records, 2025)))
    lines = [f'submitted:\n  date: {date}\n  digest: "{combined_digest(digests)}"\n  records:\n']
    for kind, ids in nested(digests).items():
        lines.append(f"    {kind}:\n")
        lines.extend(f'      "{record_id}": "{value}"\n' for record_id, value in ids.items())
    path = repo.records / "declarations/2025.yaml"
    path.write_text(path.read_text() + "".join(lines))


def test_a_hand_written_submission_of_a_declaration_not_ready_is_reported(member: TmpRepo):
    # the reports were never acknowledged: `submit` would refuse
    _submission_by_hand(member, "2026-01-20")
    code, data = member.validate_json()
    assert code == 1
    [found] = data["errors"]
    assert found["file"] == "records/declarations/2025.yaml"
    assert "says it was submitted, but it is not ready to submit" in found["message"]
    assert "2. CPD Reports: acknowledge the CPD Activity and Planning Reports" in found["message"]
    status = member.run("declaration", "status", *AFTER)
    assert status.exit_code == 1 and "would have refused it" in status.output


def test_a_hand_written_submission_dated_in_its_year_is_reported(member: TmpRepo):
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    _submission_by_hand(member, "2025-12-31")
    code, data = member.validate_json()
    assert code == 1
    [found] = data["errors"]
    assert "says it was submitted on 2025-12-31, before the 2025 review year ended" in found["message"]
    # the same block dated after the year is what `submit` writes: valid
    path = member.records / "declarations/2025.yaml"
    path.write_text(path.read_text().replace("date: 2025-12-31", "date: 2026-01-02"))
    assert member.validate_json()[0] == 0


@pytest.mark.parametrize(
    ("block", "missing"),
    [("submitted:\n  date: 2026-01-20\n", "digest"), ('submitted:\n  digest: "' + "a" * 64 + '"\n', "date")],
)
def test_a_partial_submitted_block_is_reported(member: TmpRepo, block: str, missing: str):
    path = member.records / "declarations/2025.yaml"
    path.write_text(path.read_text() + block)
    code, data = member.validate_json()
    assert code == 1
    [found] = data["errors"]
    assert f"'submitted' has no {missing}, so it is not a submission" in found["message"]


def test_acknowledge_without_a_declaration_creates_nothing(repo: TmpRepo):
    result = repo.run("declaration", "acknowledge", *AFTER)
    assert result.exit_code == 1
    assert "there is no declaration for 2025" in result.output
    assert "cpdgen declaration start --year 2025" in result.output
    assert not (repo.records / "declarations").exists()


def test_start_creates_a_valid_template_once(repo: TmpRepo):
    result = repo.run("declaration", "start", *AFTER)
    assert result.exit_code == 0, result.output
    path = repo.records / "declarations/2025.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schemas/declaration.schema.json\n")
    assert "\nyear: 2025\n" in text and "# 7. Compliance Statement (mandatory)" in text
    assert repo.validate_json()[0] == 0
    code, data = status_json(repo)
    assert code == 1 and item(data, "cpd-monitoring")["complete"] is False
    again = repo.run("declaration", "start", *AFTER)
    assert again.exit_code == 1 and "exists already" in again.output
    assert path.read_text() == text


def test_the_commands_refuse_invalid_records(member: TmpRepo):
    member.write("records/activities/2025/broken.yaml", "title: Broken\ntype: seminar\nstart: 2025-01-01\nhours: 1\n")
    for args in (("hours",), ("report", "activity"), ("declaration", "status"), ("declaration", "acknowledge")):
        result = member.run(*args, *AFTER)
        assert result.exit_code == 1, args
        assert "records/activities/2025/broken.yaml:2:7: error:" in result.output
        assert "fix it first" in result.output
    assert "reports:" not in (member.records / "declarations/2025.yaml").read_text()


def test_a_crash_while_writing_leaves_the_old_file(member: TmpRepo, monkeypatch):
    path = member.records / "declarations/2025.yaml"
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    result = member.run("declaration", "acknowledge", *AFTER)
    assert result.exit_code != 0
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["2025.yaml"]  # no temporary file left behind


def test_a_utf8_bom_and_crlf_survive_an_edit(member: TmpRepo):
    path = member.records / "declarations/2025.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + DECLARATION_2025.replace("\n", "\r\n").encode())
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf# yaml-language-server")
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert raw.startswith(b"\xef\xbb\xbf" + DECLARATION_2025.replace("\n", "\r\n").encode())


def test_a_file_of_cr_line_endings_keeps_them_in_the_lines_cpdgen_adds(member: TmpRepo):
    path = member.records / "declarations/2025.yaml"
    path.write_bytes(DECLARATION_2025.replace("\n", "\r").encode())
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    raw = path.read_bytes()
    assert b"\n" not in raw and raw.startswith(DECLARATION_2025.replace("\n", "\r").encode())
    assert b"acknowledged: true\r" in raw
    assert member.run("validate").exit_code == 0


def test_the_demo_2025_declaration_keeps_every_comment(tmp_path: Path):
    """The demo's half-done 2025 declaration is full of comments."""
    import shutil

    root = tmp_path / "demo"
    shutil.copytree(DEMO_RECORDS, root / "records")
    shutil.copytree(DEMO_RECORDS.parent / "evidence", root / "evidence")
    shutil.copy(DEMO_RECORDS.parent / "cpdgen.yaml", root / "cpdgen.yaml")
    demo = TmpRepo(root)
    path = root / "records/declarations/2025.yaml"
    before = path.read_text()
    result = demo.run("declaration", "acknowledge", *AFTER)
    assert result.exit_code == 0, result.output
    after = path.read_text()
    # Only lines added, and where the member's comment about the reports is.
    import difflib

    diff = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert all(line.startswith("+ ") for line in diff), diff
    lines = after.splitlines()
    assert lines[lines.index("reports:") - 1] == "# being anonymised."


def test_generate_in_the_wrong_case_gets_a_hint(member: TmpRepo):
    path = member.records / "declarations/2025.yaml"
    path.write_text(path.read_text().replace("activity_report: generate", "activity_report: Generate"))
    code, data = member.validate_json()
    assert code == 1
    assert [e["message"] for e in data["errors"]] == [
        "'supporting_documents.activity_report': write 'generate' in lower case to have cpdgen make this document"
    ]


# ---- regressions: defects found in the adversarial review of the review-year commands
# (hours, reports, declaration) and of init / new / import csv. Each test reproduces one
# defect found there (now fixed) and keeps it fixed.


ACTIVITY_2025 = "title: A\ntype: event\nstart: 2025-03-01\nhours: 2\n"

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


# -- the reports digest missed objectives the Planning Report shows ----------------------


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


# -- a failed write was an internal error (exit 3) ----------------------------------------


def test_acknowledge_in_a_read_only_folder_fails_cleanly(repo: TmpRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    declaration = repo.write("records/declarations/2025.yaml", "year: 2025\n")
    unwritable(monkeypatch)
    result = repo.run("declaration", "acknowledge", *AFTER)
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    assert declaration.read_text() == "year: 2025\n"


def test_start_in_a_read_only_folder_fails_cleanly(repo: TmpRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo.records / "declarations").mkdir()
    unwritable(monkeypatch)
    result = repo.run("declaration", "start", *AFTER)
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output


# -- --as-of whose review year is outside 1900-2999 ----------------------------------------


def test_status_with_an_as_of_in_year_one_is_not_an_internal_error(repo: TmpRepo) -> None:
    repo.write("records/activities/2025/a.yaml", ACTIVITY_2025)
    result = repo.run("declaration", "status", "--as-of", "0001-01-01")
    assert result.exit_code in (1, 2), result.output
    assert "internal error" not in result.output


def test_start_never_writes_a_declaration_its_schema_rejects(repo: TmpRepo) -> None:
    result = repo.run("declaration", "start", "--as-of", "1900-06-01")
    assert result.exit_code == 2, result.output
    assert not (repo.records / "declarations" / "1899.yaml").exists()
    assert repo.run("validate").exit_code == 0


# -- status of a submitted declaration ----------------------------------------------------


def test_status_of_a_submitted_declaration_exits_0(repo: TmpRepo) -> None:
    repo.write("records/activities/2025/a.yaml", ACTIVITY_2025)
    repo.write("evidence/cv.pdf", b"%PDF-1.4\n" + b"x" * 100)
    repo.write("records/declarations/2025.yaml", COMPLETE_2025 + "supporting_documents:\n  cv: evidence/cv.pdf\n")
    assert repo.run("declaration", "acknowledge", *AFTER).exit_code == 0
    assert repo.run("declaration", "submit", *AFTER).exit_code == 0
    repo.write("evidence/cv.pdf", b"%PDF-1.4\n" + b"x" * 600_000)  # the CV file replaced later
    assert repo.run("validate").exit_code == 0

    result = repo.run("declaration", "status", *AFTER)
    assert "Submitted" in result.output
    assert result.exit_code == 0, result.output


# -- acknowledge wrote over what it should not -------------------------------------------


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


# --- the examples cpdgen init writes count towards nothing ------------------------------------------


def test_examples_count_towards_nothing_and_hold_back_a_submission(member: TmpRepo):
    """An example (`example: true`) is kept out of the records everything
    computes from: the hours, the reports, the declaration and its digest
    never see it; `validate` warns while it remains; `submit` refuses while
    one is in the year, naming it, and goes ahead once it is gone."""
    example = member.write(
        "records/activities/2025/example.yaml",
        "title: 'Example: IET webinar'\ntype: event\nstart: 2025-11-20\nhours: 12\nexample: true\n",
    )
    job = member.write(
        "records/employment/example-job.yaml",
        "employer: Example Ltd\nrole: Engineer\nstart: 2022-01-06\nexample: true\n",
    )
    hours = json.loads(member.run("hours", "--format", "json", *AFTER).stdout)["hours"]
    assert hours["total"] == 32 and hours["event"] == 26
    report = json.loads(member.run("report", "activity", "--format", "json", *AFTER).stdout)
    assert "Example" not in json.dumps(report)
    code, checked = member.validate_json()
    assert code == 0
    assert sorted(w["file"] for w in checked["warnings"]) == [
        "records/activities/2025/example.yaml",
        "records/employment/example-job.yaml",
    ]
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    status = member.run("declaration", "status", *AFTER)
    assert status.exit_code == 1
    assert "Example records from cpdgen init" in status.stdout
    assert "  - records/activities/2025/example.yaml\n  - records/employment/example-job.yaml\n" in status.stdout
    assert "Not ready: 2 example records in the year." in status.stdout
    refused = member.run("declaration", "submit", *AFTER)
    assert refused.exit_code == 1
    assert "example records from cpdgen init are in the year (records/activities/2025/example.yaml, " in refused.stderr
    assert "submitted" not in (member.records / "declarations/2025.yaml").read_text("utf-8")
    example.unlink()
    job.write_text(job.read_text("utf-8").replace("example: true\n", ""), "utf-8")  # made the member's own
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    submitted = member.run("declaration", "submit", *AFTER)
    assert submitted.exit_code == 0, submitted.output
    text = (member.records / "declarations/2025.yaml").read_text("utf-8")
    assert "example-job" in text  # now a job of the member's, covered by the submission


def test_a_link_to_an_example_is_a_warning_not_a_dangling_reference(member: TmpRepo):
    member.write(
        "records/objectives/example-goal.yaml", "title: 'Example: a goal'\nstatus: in-progress\nexample: true\n"
    )
    member.write("records/activities/2025/talk.yaml", ACTIVITY.replace("[grow]", "[example-goal]").format(
        title="Talk", start="2025-04-01", hours=1))  # fmt: skip
    code, checked = member.validate_json()
    assert code == 0, checked["errors"]
    [link] = [w for w in checked["warnings"] if w["file"] == "records/activities/2025/talk.yaml"]
    assert "'example-goal' is an example objective (records/objectives/example-goal.yaml)" in link["message"]
    assert link["line"] == 5
