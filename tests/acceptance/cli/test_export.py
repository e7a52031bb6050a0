"""`cpdgen export csv`: every record out as CSV, and back in through
`cpdgen import csv` exactly as it was (private records, Markdown, lists,
nested values), through the real command line."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from cpdgen.authoring.yamlwrite import dump_document
from cpdgen.loading.files import find_repository
from cpdgen.loading.yamlparse import parse_yaml
from cpdgen.model.records import Records, as_data
from cpdgen.validation.repository import validate_repository

from helpers.paths import PROJECT_ROOT
from helpers.repos import TmpRepo, run_in


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "CPDGEN_JOBS", "CPDGEN_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def loaded(root: Path) -> Records:
    result = validate_repository(find_repository(root))
    assert not result.errors, [problem.message for problem in result.errors]
    return result.records


def by_id(records: Records) -> dict[tuple[str, str], dict]:
    """Every record's fields (all of them: private, tags, evidence, ...), by kind and id."""
    found = {}
    for kind, items in records.items.items():
        for record in items:
            found[(kind, record.id)] = as_data(record)
    for kind, record in records.examples:
        found[(kind, record.id)] = {**as_data(record), "example": True}
    return found


def fresh_repository(parent: Path) -> TmpRepo:
    """A repository as `cpdgen init` makes it, its examples and placeholder profile deleted."""
    made = run_in(parent, "init", "new-home")
    assert made.exit_code == 0, made.output
    target = TmpRepo(parent / "new-home")
    for folder in ("activities", "training", "qualifications", "employment", "objectives"):
        shutil.rmtree(target.records / folder)
    (target.records / "profile.yaml").unlink()
    return target


def test_the_demo_goes_out_and_comes_back_record_for_record(tmp_path):
    out = tmp_path / "demo.csv"
    exported = run_in(PROJECT_ROOT, "export", "csv", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    demo = loaded(PROJECT_ROOT)
    assert f"{len(demo)} records" in exported.stderr

    target = fresh_repository(tmp_path)
    shutil.copytree(PROJECT_ROOT / "evidence", target.root / "evidence", dirs_exist_ok=True)
    imported = target.run("import", "csv", str(out))
    assert imported.exit_code == 0, imported.output
    assert f"imported {len(demo)} records" in imported.stderr

    before, after = by_id(demo), by_id(loaded(target.root))
    assert set(after) == set(before)
    for key, fields in before.items():
        assert after[key] == fields, key
    private = [key for key, fields in before.items() if fields.get("private")]
    assert private, "the demo has private records, so this test sees them"
    assert all(after[key]["private"] is True for key in private)
    kinds = {kind for kind, _ in before}
    assert kinds == {"profile", "activity", "training", "qualification", "employment", "objective", "declaration"}

    # and what came back exports the same again (submitted declarations still match their digests)
    again = target.run("export", "csv")
    assert again.exit_code == 0, again.output
    rows_again = list(csv.reader(io.StringIO(again.stdout, newline="")))
    rows_first = list(csv.reader(io.StringIO(out.read_text("utf-8"), newline="")))
    assert rows_again[0] == rows_first[0]
    assert sorted(rows_again[1:]) == sorted(rows_first[1:])  # list files became one file a record: another order


HOSTILE = [
    {
        "id": "2025/hostile",
        "title": '=HYPERLINK("http://evil.example","click"), with "quotes"',
        "type": "event",
        "start": "2025-03-14",
        "end": "2025-03-15",
        "hours": 1.333333,
        "status": "completed",
        "provider": "'Quoted' Ltd",
        "location": "+44 Cardiff",
        "description": "",
        "outcomes": '- first, a list\n- second "quoted"\r\n\nTrailing spaces  \n',
        "reflection": "@someone said: =1+1;\ttab",
        "competences": ["A1", "E3"],
        "evidence": ["evidence/a;b.pdf", "evidence/plain.pdf"],
        "private": True,
        "tags": ["-minus", "with space", "semi;colon"],
        "extra": {"cost": 12.5, "nested": [None, True, {"=": "="}]},
    },
    {
        "id": "odd//id",
        "title": "An id no file name can say",
        "type": "self-study",
        "start": "2025-01-02",
        "hours": 2,
        "private": False,
        "tags": [],
    },
]


def test_hostile_values_come_back_exactly(repo, tmp_path):
    for name in ("a;b.pdf", "plain.pdf"):
        repo.write(f"evidence/{name}", b"%PDF-1.4\n")
    repo.write("records/activities/hostile.yaml", json.dumps(HOSTILE, indent=2))  # JSON is YAML: a list file
    repo.write(
        "records/objectives/plan.yaml",
        dump_document(
            {
                "title": "Plan",
                "status": "in-progress",
                "actions": [{"title": 'Do, then "review"', "status": "done", "activities": ["2025/hostile"]}],
            }
        ),
    )
    out = tmp_path / "out.csv"
    exported = repo.run("export", "csv", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"), newline="")))
    hostile = next(row for row in rows if row["id"] == "2025/hostile")
    assert hostile["title"].startswith("'=")  # a spreadsheet shows it as text
    assert hostile["location"].startswith("'+") and hostile["reflection"].startswith("'@")
    assert hostile["description"] == "'"  # an empty text, not an absent one
    assert hostile["private"] == "true"

    target = TmpRepo(tmp_path / "target")
    target.write("cpdgen.yaml", "policy: iet\n")
    for name in ("a;b.pdf", "plain.pdf"):
        target.write(f"evidence/{name}", b"%PDF-1.4\n")
    imported = target.run("import", "csv", str(out))
    assert imported.exit_code == 0, imported.output
    assert by_id(loaded(target.root)) == by_id(loaded(repo.root))
    # the file holds exactly what the member wrote: no defaults added, an empty text kept
    written = parse_yaml((target.records / "activities/2025/hostile.yaml").read_text("utf-8")).data
    assert written == {key: value for key, value in HOSTILE[0].items() if key != "id"}
    odd = parse_yaml((target.records / "activities/2025/2025-01-02-an-id-no-file-name-can-say.yaml").read_text()).data
    assert odd["id"] == "odd//id" and odd["private"] is False and odd["tags"] == []


def test_one_kind_and_standard_output(repo):
    repo.write("records/employment/acme.yaml", "employer: Acme\nrole: Engineer\nstart: 2020-01-01\n")
    result = repo.run("export", "csv", "--kind", "employment")
    assert result.exit_code == 0, result.output
    header, row = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert header[:4] == ["kind", "id", "employer", "role"] and "title" not in header
    assert row[:4] == ["employment", "acme", "Acme", "Engineer"]


def test_export_refuses_invalid_records_and_a_file_inside_records(repo):
    repo.write("records/activities/bad.yaml", "title: x\n")
    result = repo.run("export", "csv")
    assert result.exit_code == 1 and "fix them first" in result.stderr and not result.stdout
    (repo.records / "activities/bad.yaml").unlink()
    inside = repo.run("export", "csv", "-o", "records/out.csv")
    assert inside.exit_code == 2 and "inside the records folder" in inside.stderr
    assert not (repo.records / "out.csv").exists()


def test_a_bad_cell_in_an_export_is_named_by_row_and_column_and_nothing_is_written(repo, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "kind,id,title,type,start,hours,private\r\n"
        "activity,2025/a,Fine,event,2025-01-01,1,\r\n"
        "activity,2025/b,Bad,event,2025-01-02,1,maybe\r\n"
        "widget,x,Bad kind,event,2025-01-02,1,\r\n",
        "utf-8",
    )
    result = repo.run("import", "csv", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:3: 'maybe' is not true or false (column 'private')" in result.stderr
    assert f"{bad}:4: kind 'widget' is not one of" in result.stderr
    assert not (repo.records / "activities").exists()
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("kind,id,title,colour\r\nactivity,a,x,red\r\n", "utf-8")
    refused = repo.run("import", "csv", str(unknown))
    assert refused.exit_code == 2 and "column 'colour' is no field of any record kind" in refused.stderr


def test_importing_the_same_export_twice_leaves_everything_as_it_is(repo, tmp_path):
    repo.write("records/activities/2025/x.yaml", "title: X\ntype: event\nstart: 2025-01-01\nhours: 1\nprivate: true\n")
    out = tmp_path / "out.csv"
    assert repo.run("export", "csv", "-o", str(out)).exit_code == 0
    again = repo.run("import", "csv", str(out))
    assert again.exit_code == 0, again.output
    assert "already imported" in again.stderr and "imported 0 records" in again.stderr


def test_an_export_a_spreadsheet_saved_again_is_still_read(repo, tmp_path):
    """Spreadsheets save TRUE for true and may rewrite ISO dates day first."""
    saved = tmp_path / "saved.csv"
    saved.write_text(
        "kind,id,title,type,start,end,hours,private\r\n"
        "activity,2025/talk,Talk,event,14/03/2025,2025-03-15,1.5,TRUE\r\n"
        "activity,2025/bad-date,Talk,event,03/14/25,,1,\r\n",
        "utf-8",
    )
    refused = repo.run("import", "csv", str(saved))
    assert refused.exit_code == 1
    assert f"{saved}:3: date '03/14/25': write the year in full" in refused.stderr
    saved.write_text("\r\n".join(saved.read_text("utf-8").splitlines()[:2]) + "\r\n", "utf-8")
    imported = repo.run("import", "csv", str(saved))
    assert imported.exit_code == 0, imported.output
    data = parse_yaml((repo.records / "activities/2025/talk.yaml").read_text("utf-8")).data
    assert (data["start"], data["end"], data["private"]) == ("2025-03-14", "2025-03-15", True)


def test_dry_run_of_an_export_names_every_kind_and_log_options_are_refused(repo, tmp_path):
    repo.write("records/employment/acme.yaml", "employer: Acme\nrole: Engineer\nstart: 2020-01-01\n")
    out = tmp_path / "out.csv"
    assert repo.run("export", "csv", "--kind", "employment", "-o", str(out)).exit_code == 0
    (repo.records / "employment/acme.yaml").unlink()
    dry = repo.run("import", "csv", str(out), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would write records/employment/acme.yaml: Engineer, Acme (job)" in dry.stdout
    assert not (repo.records / "employment/acme.yaml").exists()
    mapped = repo.run("import", "csv", str(out), "--map", "title=role")
    assert mapped.exit_code == 2 and "this file is a cpdgen export" in mapped.stderr


def test_a_value_no_csv_file_can_carry_is_refused_by_name_before_anything_is_written(repo, tmp_path):
    repo.write(
        "records/activities/x.yaml", '{"title": "a\\u0000b", "type": "event", "start": "2025-01-01", "hours": 1}\n'
    )
    out = tmp_path / "out.csv"
    result = repo.run("export", "csv", "-o", str(out))
    assert result.exit_code == 1
    assert "records/activities/x.yaml: title holds a NUL character" in result.stderr
    assert not out.exists()


def test_an_id_that_would_leave_the_folder_is_refused_as_an_id(repo, tmp_path):
    hostile = tmp_path / "ids.csv"
    hostile.write_text(
        "kind,id,title,type,start,hours\r\n"
        "activity,../../evil,T,event,2025-01-01,1\r\n"
        "activity,a\\b,T2,event,2025-01-02,1\r\n",
        "utf-8",
    )
    result = repo.run("import", "csv", str(hostile))
    assert result.exit_code == 1
    assert f"{hostile}:2: 'id': '../../evil' is not valid." in result.stderr
    assert f"{hostile}:3: 'id': 'a\\b' is not valid." in result.stderr
    assert not (repo.records / "activities").exists() and not (repo.root.parent / "evil.yaml").exists()
