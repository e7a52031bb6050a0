"""`cpdgen hours` and `cpdgen report` through the real command line."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import yaml

from cpdgen.common.resources import builtin_frameworks

from helpers.paths import PROJECT_ROOT
from helpers.repos import TmpRepo

CATEGORY_KEYS = ["work-experience", "volunteering", "event", "self-study", "training", "total"]


@pytest.fixture
def member(repo: TmpRepo) -> TmpRepo:
    repo.write(
        "records/objectives/grow.yaml",
        """\
        title: Grow
        status: in-progress
        priority: high
        actions:
          - title: Go to a lecture
            status: done
            done_on: 2025-03-14
            activities: [2025/lecture]
          - title: Take the course
            status: planned
            target: 2026-03-01
            activities: [2026/booked]
        """,
    )
    repo.write("records/activities/2025/lecture.yaml", "title: Lecture\ntype: event\nstart: 2025-03-14\nhours: 1.5\n")
    repo.write(
        "records/activities/2025/new-year.yaml",
        "title: Over new year\ntype: work-experience\nstart: 2024-12-30\nend: 2025-01-02\nhours: 10\n",
    )
    repo.write(
        "records/activities/2025/training-type.yaml",
        "title: A training activity\ntype: training\nstart: 2025-12-31\nhours: 2.25\n",
    )
    repo.write(
        "records/activities/2025/planned.yaml",
        "title: Planned\ntype: self-study\nstart: 2025-11-01\nhours: 5\nstatus: planned\n",
    )
    repo.write(
        "records/training/2025/course.yaml",
        "title: Course, with a comma\nstart: 2025-06-01\nhours: 7\nprovider: 'Acme \"Training\"'\n",
    )
    repo.write(
        "records/training/2026/booked.yaml", "title: Booked course\nstart: 2026-02-01\nhours: 7\nstatus: booked\n"
    )
    repo.write(
        "records/qualifications/msc.yaml",
        "title: MSc\ninstitution: Uni\nstatus: completed\nstart: 2023-09-01\nend: 2025-07-01\n",
    )
    return repo


def test_hours_json_is_the_spec_contract(member: TmpRepo):
    result = member.run("hours", "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == {
        "year": 2025,
        "hours": {
            "work-experience": 10,
            "volunteering": 0,
            "event": 1.5,
            "self-study": 0,
            "training": 9.25,
            "total": 20.75,
        },
    }
    assert list(data["hours"]) == CATEGORY_KEYS


def test_hours_default_year_is_the_one_before_as_of(member: TmpRepo):
    assert json.loads(member.run("hours", "--format", "json", "--as-of", "2026-01-01").stdout)["year"] == 2025
    assert json.loads(member.run("hours", "--format", "json", "--as-of", "2025-12-31").stdout)["hours"]["total"] == 0


def test_hours_table_has_the_bodys_labels_and_the_recommendation(member: TmpRepo):
    result = member.run("hours", "--year", "2025")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    labels = ["Work experience", "Volunteering", "Event/Seminar", "Self-study", "Training", "Total CPD Hours"]
    rows = [line for line in lines if any(line.strip().startswith(label) for label in labels)]
    assert [row.split("  ")[0].strip() for row in rows] == labels
    assert rows[-1].split()[-1] == "20.75"
    assert (
        "The IET recommends 30.0 hours for 2025 (professionally active); 20.75 count towards it: 9.25 short."
        in result.stdout
    )


def test_hours_csv_round_trips(member: TmpRepo):
    result = member.run("hours", "--year", "2025", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["category"] for row in rows] == CATEGORY_KEYS
    assert {row["category"]: float(row["hours"]) for row in rows}["training"] == 9.25
    assert rows[-1]["label"] == "Total CPD Hours"


def test_activity_report_json_lists_the_years_items_in_full(member: TmpRepo):
    data = json.loads(member.run("report", "activity", "--year", "2025", "--format", "json").stdout)
    assert [item["title"] for item in data["items"]] == [
        "Over new year",
        "Lecture",
        "Course, with a comma",
        "A training activity",
    ]
    course = data["items"][2]
    assert course["kind"] == "training" and course["category"] == "training" and course["category_label"] == "Training"
    assert data["hours"]["total"] == 20.75
    assert [q["title"] for q in data["qualifications"]] == ["MSc"]
    assert "source" not in course


def test_activity_report_csv_has_every_item_and_field(member: TmpRepo):
    result = member.run("report", "activity", "--year", "2025", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["title"] for row in rows] == ["Over new year", "Lecture", "Course, with a comma", "A training activity"]
    assert rows[2]["provider"] == 'Acme "Training"'
    assert {"id", "kind", "category", "start", "end", "hours", "outcomes", "reflection", "evidence"} <= set(rows[0])
    assert rows[0]["start"] == "2024-12-30" and rows[0]["end"] == "2025-01-02"


def test_activity_report_table_and_an_empty_year(member: TmpRepo):
    out = member.run("report", "activity", "--year", "2025").stdout
    assert "Over new year" in out and "Planned" not in out
    empty = member.run("report", "activity", "--year", "2019")
    assert empty.exit_code == 0
    assert "no completed activity or training course in 2019" in empty.stdout


def test_planning_report_json_and_csv(member: TmpRepo):
    data = json.loads(member.run("report", "planning", "--year", "2025", "--format", "json").stdout)
    assert [o["title"] for o in data["objectives"]] == ["Grow"]
    grow = data["objectives"][0]
    assert [a["title"] for a in grow["actions"]] == ["Go to a lecture", "Take the course"]
    assert grow["actions"][1]["activities"] == ["2026/booked"]
    assert grow["served_by"] == ["2025/lecture"]
    assert [p["title"] for p in data["planned"]] == ["Planned", "Booked course"]

    rows = list(
        csv.DictReader(io.StringIO(member.run("report", "planning", "--year", "2025", "--format", "csv").stdout))
    )
    assert [(r["section"], r["action"] or r["planned_title"]) for r in rows] == [
        ("objective", "Go to a lecture"),
        ("objective", "Take the course"),
        ("planned", "Planned"),
        ("planned", "Booked course"),
    ]


def test_planning_report_text(member: TmpRepo):
    out = member.run("report", "planning", "--year", "2025").stdout
    assert "1. Grow" in out
    assert "- [done 2025-03-14] Go to a lecture (1 linked)" in out
    assert "- [planned 2026-03-01] Take the course (1 linked)" in out
    planned = out[out.index("Planned activities and training courses") :]
    header = next(line for line in planned.splitlines() if "Title" in line)
    assert "Planned for" in header and "Status" in header and "Completed" not in header


@pytest.mark.parametrize("args", [("hours", "--year", "twenty"), ("report", "weekly"), ("hours", "--format", "xml")])
def test_wrong_usage_exits_2(member: TmpRepo, args):
    assert member.run(*args).exit_code == 2


def test_demo_hours_agree_with_the_demo_declaration_status():
    repo = TmpRepo(PROJECT_ROOT)
    hours = json.loads(repo.run("hours", "--year", "2024", "--format", "json").stdout)
    status = json.loads(repo.run("declaration", "status", "--year", "2024", "--format", "json").stdout)
    assert hours["hours"] == status["hours"]
    assert hours["hours"]["total"] == 43.5
    assert status["ready"] is True  # submitted, and its records unchanged since


def test_csv_cells_that_a_spreadsheet_would_run_are_kept_as_text(member: TmpRepo):
    member.write(
        "records/activities/2025/formula.yaml",
        "title: '=HYPERLINK(\"http://x.example\",\"click\")'\ntype: event\nstart: 2025-05-05\nhours: 1\nprovider: '@acme'\n",
    )
    rows = list(
        csv.DictReader(io.StringIO(member.run("report", "activity", "--year", "2025", "--format", "csv").stdout))
    )
    row = next(r for r in rows if "HYPERLINK" in r["title"])
    assert row["title"] == '\'=HYPERLINK("http://x.example","click")'
    assert row["provider"] == "'@acme"


@pytest.fixture
def mapped(repo: TmpRepo) -> TmpRepo:
    """2025 by hand: a (2 h, A1 E3), b (1.5 h, A1 A2), c (a 7 h course, no
    competence); a planned activity and a 2026 one do not count.
    Areas: A 3.5 h in 2 (b once, though it names A1 and A2), E 2 h in 1;
    no competence 7 h in 1; the total 10.5 h in 3, each once."""
    repo.write(
        "records/activities/2025/a.yaml",
        "title: A\ntype: event\nstart: 2025-03-01\nhours: 2\ncompetences: [A1, E3]\n",
    )
    repo.write(
        "records/activities/2025/b.yaml",
        "title: B\ntype: self-study\nstart: 2025-04-01\nhours: 1.5\ncompetences: [A1, A2]\n",
    )
    repo.write("records/training/2025/c.yaml", "title: C\nstart: 2025-05-01\nhours: 7\n")
    repo.write(
        "records/activities/2025/planned.yaml",
        "title: P\ntype: event\nstart: 2025-06-01\nhours: 4\nstatus: planned\ncompetences: [B1]\n",
    )
    repo.write(
        "records/activities/2026/later.yaml", "title: L\ntype: event\nstart: 2026-01-02\nhours: 9\ncompetences: [C1]\n"
    )
    return repo


def test_hours_by_competence_json_counts_each_area_once_per_activity(mapped: TmpRepo):
    result = mapped.run("hours", "--by", "competence", "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["year"], data["framework"], data["hours"], data["activities"]) == (2025, "uk-spec", 10.5, 3)
    assert data["without_competences"] == {"hours": 7.0, "activities": 1}
    areas = {area["area"]: (area["hours"], area["activities"]) for area in data["areas"]}
    assert areas == {"A": (3.5, 2), "B": (0, 0), "C": (0, 0), "D": (0, 0), "E": (2.0, 1)}
    a = next(area for area in data["areas"] if area["area"] == "A")
    assert [(c["code"], c["activities"], c["hours"]) for c in a["competences"]] == [("A1", 2, 3.5), ("A2", 1, 1.5)]
    assert "once per area" in data["counting"]
    # the total is the body's total for the year
    plain = json.loads(mapped.run("hours", "--year", "2025", "--format", "json").stdout)
    assert plain["hours"]["total"] == data["hours"]


def test_hours_by_competence_table_and_csv(mapped: TmpRepo):
    text = mapped.run("hours", "--by", "competence", "--year", "2025")
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert lines[0] == "CPD hours 2025 by UK-SPEC area (1 January – 31 December 2025)"
    row_a = next(line for line in lines if line.startswith("A "))
    assert re.fullmatch(r"A\s+Knowledge and understanding\s+3\.5\s+2\s+A1 \(2\), A2 \(1\)", row_a)
    assert any("All CPD (each activity once)" in line and "10.5" in line for line in lines)
    assert "once per area" in text.stdout.replace("\n", " ")
    table = list(
        csv.DictReader(
            io.StringIO(mapped.run("hours", "--by", "competence", "--year", "2025", "--format", "csv").stdout)
        )
    )
    assert [(row["area"], row["hours"], row["activities"]) for row in table] == [
        ("A", "3.5", "2"), ("B", "0", "0"), ("C", "0", "0"), ("D", "0", "0"), ("E", "2", "1"),
        ("", "7", "1"), ("", "10.5", "3"),
    ]  # fmt: skip
    assert table[-1]["title"] == "All CPD (each activity once)"


def test_hours_by_something_else_is_wrong_usage(mapped: TmpRepo):
    result = mapped.run("hours", "--by", "colour")
    assert result.exit_code == 2 and "colour" in result.stderr


def test_hours_by_competence_needs_a_framework_and_says_so(mapped: TmpRepo):
    policy = yaml.safe_load((builtin_frameworks()["uk-spec"].parent.parent / "iet.yaml").read_text("utf-8"))
    del policy["competence_framework"]
    mapped.write("policies/mine.yaml", yaml.safe_dump(policy, sort_keys=False))
    mapped.write("cpdgen.yaml", "policy: policies/mine.yaml\n")
    assert mapped.run("hours", "--year", "2025").exit_code == 0
    result = mapped.run("hours", "--by", "competence", "--year", "2025")
    assert result.exit_code == 1 and not result.stdout
    assert "names no competence framework: --by competence needs one" in result.stderr
    assert "Traceback" not in result.output
