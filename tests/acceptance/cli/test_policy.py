"""Choosing the body's rules in cpdgen.yaml, through the command line: the
built-in IET policy or a repository's own policy file, and its mistakes
reported at their place.

And the policy file shown in docs/declaration.md works as written: another
body's rules (150 hours over a rolling three years, a cap on a category,
three checklist items) are a file, not code."""

from __future__ import annotations

import json
import re

import pytest

from helpers.paths import PROJECT_ROOT
from helpers.repos import TmpRepo

# ---- choosing a policy in cpdgen.yaml (through the command line) -------------------------


MYBODY = """\
id: mybody
body: My Engineering Body
short_name: MEB
categories:
  - key: training
    label: Courses
  - key: event
    label: Events
  - key: work-experience
    label: Practice
  - key: volunteering
    label: Giving back
  - key: self-study
    label: Reading
total_label: All CPD
requirement:
  period_years: 2
  caps:
    self-study: 5
  rules:
    - hours: 50
      reason: the two-year target
checklist:
  - {number: 1, key: cpd-monitoring, title: Monitoring, mandatory: true}
  - {number: 2, key: total-cpd-hours, title: Hours, mandatory: true}
supporting_documents:
  max_bytes: 100000
  formats:
    .pdf: pdf
  types:
    - key: cv
      title: CV
"""


def add_activities(repo):
    repo.write("records/activities/a.yaml", "title: Reading\ntype: self-study\nstart: 2024-03-01\nhours: 8\n")
    repo.write("records/activities/b.yaml", "title: Seminar\ntype: event\nstart: 2024-12-31\nhours: 1.5\n")
    repo.write("records/training/c.yaml", "title: Course\nstart: 2023-05-01\nhours: 6\n")


def errors_of(repo):
    code, payload = repo.validate_json()
    return code, payload["errors"]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_fixture_repo_uses_iet(repo):
    add_activities(repo)
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "year": 2024,
        "hours": {"work-experience": 0, "volunteering": 0, "event": 1.5, "self-study": 8, "training": 0, "total": 9.5},
    }


@pytest.mark.parametrize("location", ["mybody.yaml", "policies/mybody.yaml", "policies/mybody.yml"])
def test_repo_policy_file_is_used(repo, location):
    repo.write(location, MYBODY)
    repo.write("cpdgen.yaml", f"policy: {location}\n")
    add_activities(repo)
    assert errors_of(repo) == (0, [])
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    # the policy's category order, not the IET's
    assert list(payload["hours"]) == ["training", "event", "work-experience", "volunteering", "self-study", "total"]
    assert payload["hours"]["total"] == 9.5
    table = repo.run("hours", "--year", "2024")
    assert table.exit_code == 0, table.output
    for label in ("Courses", "Events", "Practice", "Giving back", "Reading", "All CPD"):
        assert label in table.stdout
    assert "Event/Seminar" not in table.stdout
    # two years counted, self-study capped at 5: 5 + 1.5 + 6 = 12.5 of 50
    assert (
        "MEB recommends 50.0 hours for 2023–2024 (the two-year target); 12.5 count towards it: 37.5 short."
        in " ".join(table.stdout.split())
    )


def test_unknown_policy_name(repo):
    repo.write("cpdgen.yaml", "# settings\nsite:\n  title: Mine\npolicy: ieet\n")
    code, errors = errors_of(repo)
    assert code == 1
    assert len(errors) == 1
    assert (errors[0]["file"], errors[0]["line"], errors[0]["column"]) == ("cpdgen.yaml", 4, 9)
    assert "no built-in policy is called 'ieet' (did you mean 'iet'?)" in errors[0]["message"]
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 1
    assert "cpdgen.yaml:4:9:" in result.stderr and "did you mean 'iet'?" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_policy_missing_a_category(repo):
    text = MYBODY.replace("  - key: volunteering\n    label: Giving back\n", "")
    repo.write("mybody.yaml", text)
    repo.write("cpdgen.yaml", "policy: mybody.yaml\n")
    code, errors = errors_of(repo)
    assert code == 1
    assert [(e["file"], e["line"], e["column"]) for e in errors] == [("mybody.yaml", line_of(text, "categories:"), 1)]
    assert "missing: volunteering" in errors[0]["message"]
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 1
    assert f"mybody.yaml:{line_of(text, 'categories:')}:1:" in result.stderr


@pytest.mark.parametrize(
    "old, new, needle, fragment",
    [
        ("    label: Events\n", "    lable: Events\n", "lable:", "(did you mean 'label'?)"),
        ("total_label: All CPD\n", "total_lable: All CPD\n", "total_lable", "unknown field 'total_lable'"),
        ("  period_years: 2\n", "  period_years: 0\n", "period_years", "period_years"),
        ("  - key: event\n", "  - key: seminar\n", "key: seminar", "seminar"),
        ("key: total-cpd-hours", "key: total-hours", "key: total-hours", "total-hours"),
    ],
    ids=["typo-in-category", "typo-top-level", "period-zero", "unknown-category", "unknown-checklist-key"],
)
def test_bad_policy_file_errors_with_positions(repo, old, new, needle, fragment):
    assert old in MYBODY
    text = MYBODY.replace(old, new)
    repo.write("policies/mybody.yaml", text)
    repo.write("cpdgen.yaml", "policy: policies/mybody.yaml\n")
    code, errors = errors_of(repo)
    assert code == 1
    hits = [e for e in errors if fragment in e["message"]]
    assert hits, errors
    assert all(e["file"] == "policies/mybody.yaml" for e in errors)
    assert hits[0]["line"] == line_of(text, needle)
    assert hits[0]["column"] >= 1
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 1
    assert f"policies/mybody.yaml:{hits[0]['line']}:{hits[0]['column']}:" in result.stderr


def test_bad_format_extension_is_reported_at_its_own_line(repo):
    text = MYBODY.replace("    .pdf: pdf\n", "    .pdf: pdf\n    .PDF: pdf\n")
    repo.write("mybody.yaml", text)
    repo.write("cpdgen.yaml", "policy: mybody.yaml\n")
    code, errors = errors_of(repo)
    assert code == 1
    [hit] = [e for e in errors if "'.PDF'" in e["message"]]
    assert (hit["line"], hit["column"]) == (line_of(text, ".PDF"), 5)


def test_policy_with_repeated_checklist_number(repo):
    text = MYBODY.replace("{number: 2, key: total-cpd-hours", "{number: 1, key: total-cpd-hours")
    repo.write("mybody.yaml", text)
    repo.write("cpdgen.yaml", "policy: mybody.yaml\n")
    code, errors = errors_of(repo)
    assert code == 1
    assert [(e["line"], e["message"]) for e in errors] == [
        (line_of(text, "key: total-cpd-hours"), "checklist number 1 is used twice")
    ]


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("../outside.yaml", "leaves the repository"),
        ("policies/../../outside.yaml", "leaves the repository"),
        ("/tmp/outside.yaml", "must be a path relative to the repository root"),
        ("policies/nothere.yaml", "no such file 'policies/nothere.yaml'"),
    ],
    ids=["dotdot", "dotdot-inside", "absolute", "missing-file"],
)
def test_policy_path_refused(repo, name, fragment):
    (repo.root.parent / "outside.yaml").write_text(MYBODY, "utf-8")
    repo.write("policies/other.yaml", MYBODY)
    repo.write("cpdgen.yaml", f"policy: {name}\n")
    code, errors = errors_of(repo)
    assert code == 1
    assert len(errors) == 1
    assert (errors[0]["file"], errors[0]["line"], errors[0]["column"]) == ("cpdgen.yaml", 1, 9)
    assert errors[0]["message"].startswith("policy: ") and fragment in errors[0]["message"]
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 1 and "cpdgen.yaml:1:9:" in result.stderr


def test_policy_file_is_not_yaml(repo):
    repo.write("mybody.yaml", "id: [unclosed\n")
    repo.write("cpdgen.yaml", "policy: mybody.yaml\n")
    code, errors = errors_of(repo)
    assert code == 1
    assert errors and all(e["file"] == "mybody.yaml" and e["line"] >= 1 for e in errors)


# ---- the policy file of docs/declaration.md -------------------------------------------


def test_a_body_named_without_an_article_is_named_so_in_every_sentence(repo, tmp_path):
    own = MYBODY.replace("short_name: MEB", "short_name: Engineers Ireland\nin_text: Engineers Ireland").replace(
        "period_years: 2", "period_years: 1"
    )
    repo.write("mybody.yaml", own)
    repo.write("cpdgen.yaml", "policy: mybody.yaml\n")
    add_activities(repo)
    table = repo.run("hours", "--year", "2024")
    assert table.exit_code == 0, table.output
    said = " ".join(table.stdout.split())
    assert "Engineers Ireland recommends 50.0 hours" in said and "The Engineers Ireland" not in said
    assert repo.run("build", "--site-only", "--out", str(tmp_path / "out"), "--as-of", "2025-02-01").exit_code == 0
    pages = " ".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out" / "site").rglob("*.html"))
    assert "Engineers Ireland asks for" in pages and "he Engineers Ireland asks" not in pages
    repo.write("mybody.yaml", MYBODY)
    assert "The MEB recommends" in " ".join(repo.run("hours", "--year", "2024").stdout.split())


def _example_policy() -> str:
    text = (PROJECT_ROOT / "docs" / "declaration.md").read_text("utf-8")
    return re.search(r"```yaml\n(id: mybody\n.*?)```", text, re.S).group(1)


def test_the_documented_policy_drives_hours_and_the_checklist(repo: TmpRepo):
    repo.write("policies/mybody.yaml", _example_policy())
    repo.write("cpdgen.yaml", "policy: policies/mybody.yaml\n")
    for year, hours in ((2023, 40), (2024, 40), (2025, 40)):
        repo.write(
            f"records/activities/{year}/work.yaml",
            f"title: Work\ntype: work-experience\nstart: {year}-05-01\nend: {year}-05-10\nhours: {hours}\n",
        )
        repo.write(
            f"records/activities/{year}/study.yaml",
            f"title: Study\ntype: self-study\nstart: {year}-06-01\nend: {year}-06-10\nhours: 30\n",
        )
    repo.write(
        "records/declarations/2025.yaml", "year: 2025\nhours:\n  confirmed: true\ncompliance:\n  statement: met\n"
    )

    table = repo.run("hours", "--year", "2025", "--as-of", "2026-02-01")
    assert table.exit_code == 0, table.output
    assert "Work-based learning" in table.stdout and "Private study" in table.stdout and "Total" in table.stdout
    # 3 x 40 h of work + min(3 x 30, 50) h of study = 170 h count towards 150 h over 2023-2025
    assert "The IoS recommends 150.0 hours for 2023–2025 (practising); 170.0 count towards it." in table.stdout

    status = repo.run("declaration", "status", "--format", "json", "--as-of", "2026-02-01")
    data = json.loads(status.stdout)
    assert [(i["number"], i["key"], i["complete"]) for i in data["items"]] == [
        (1, "cpd-reports", False),
        (2, "total-cpd-hours", True),
        (3, "compliance-statement", True),
    ]
    assert status.exit_code == 1  # the reports are not acknowledged yet
    assert repo.run("declaration", "acknowledge", "--as-of", "2026-02-01").exit_code == 0
    assert repo.run("declaration", "status", "--as-of", "2026-02-01").exit_code == 0


def test_a_shortfall_over_the_rolling_period_is_a_warning_not_a_block(repo: TmpRepo):
    repo.write("policies/mybody.yaml", _example_policy())
    repo.write("cpdgen.yaml", "policy: policies/mybody.yaml\n")
    repo.write(
        "records/activities/2025/study.yaml",
        "title: Study\ntype: self-study\nstart: 2025-06-01\nend: 2025-06-10\nhours: 80\n",
    )
    repo.write(
        "records/declarations/2025.yaml", "year: 2025\nhours:\n  confirmed: true\ncompliance:\n  statement: met\n"
    )
    assert repo.run("declaration", "acknowledge", "--as-of", "2026-02-01").exit_code == 0
    result = repo.run("declaration", "status", "--as-of", "2026-02-01")
    assert result.exit_code == 0  # ready: a shortfall never blocks
    assert (
        "the hours that count for 2023–2025 are 50.0, below the 150.0 the IoS recommends (practising)" in result.stdout
    )
