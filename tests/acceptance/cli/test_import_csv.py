"""`cpdgen import csv`: a spreadsheet log in, all or nothing, with every refused row explained."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import Result

from cpdgen.authoring import csv_import
from cpdgen.loading.yamlparse import parse_yaml

from helpers.repos import TmpRepo


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "CPDGEN_JOBS", "CPDGEN_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def run(repo: TmpRepo, *args: str) -> Result:
    return repo.run(*args)


def tree(root: Path) -> dict[str, str]:
    """Every file and folder under root, with a digest of each file."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        found[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return found


# A log as people keep them: a BOM from Excel, columns named their way, UK and
# ISO dates, a blank row, a multi-line note, a bad hours cell, an unknown type,
# an impossible date, a training course, a column cpdgen has no field for.
MESSY = (
    "\ufeffDate,Activity,Category,Duration (hrs),Organiser,Notes,Cost (£)\r\n"
    "14/03/2025,IET Faraday lecture,Event/Seminar,1.5,IET,,0\r\n"
    '2025-04-02,"Reading: G99, part 2",Self study,2h,,"Two\r\nlines",\r\n'
    ",,,,,,\r\n"
    "03/05/2025,Site visit,Work experience,two,,,\r\n"
    "2025-05-20,Lunch with the team,Social,1,,,\r\n"
    "20/05/2025,Python for engineers,Course,90 min,Udemy,,12.99\r\n"
    "30/02/2025,Webinar on G99,Webinar,1,,,\r\n"
    "1 Jun 2025,Mentoring a graduate,volunteering,1:30,,,\r\n"
    "   ,  ,,,,,\r\n"
    "2025-06-10,,Seminar,1,,,\r\n"
)
MESSY_REPORT = (
    "log.csv: columns not imported: Cost (£) (--map FIELD=COLUMN takes one)\n"
    "log.csv:5: hours 'two' is not a number of hours (column 'Duration (hrs)')\n"
    "log.csv:6: type 'Social' is not a CPD category: use one of work-experience, volunteering, event, self-study, training"
    " (column 'Category')\n"
    "log.csv:8: '30/02/2025' is not a real date (read as day 30, month 2, year 2025) (column 'Date')\n"
    "log.csv:11: no title (column 'Activity' is empty)\n"
)
GOOD = {
    "records/activities/2025/2025-03-14-iet-faraday-lecture.yaml": {
        "title": "IET Faraday lecture", "type": "event", "start": "2025-03-14", "hours": 1.5, "provider": "IET",
    },
    "records/activities/2025/2025-04-02-reading-g99-part-2.yaml": {
        "title": "Reading: G99, part 2", "type": "self-study", "start": "2025-04-02", "hours": 2, "description": "Two\nlines\n",
    },
    "records/activities/2025/2025-05-20-python-for-engineers.yaml": {
        "title": "Python for engineers", "type": "training", "start": "2025-05-20", "hours": 1.5, "provider": "Udemy",
    },
    "records/activities/2025/2025-06-01-mentoring-a-graduate.yaml": {
        "title": "Mentoring a graduate", "type": "volunteering", "start": "2025-06-01", "hours": 1.5,
    },
}  # fmt: skip


@pytest.fixture
def messy(repo: TmpRepo) -> Path:
    path = repo.root / "log.csv"
    path.write_bytes(MESSY.encode("utf-8"))
    return path


def test_a_messy_sheet_is_refused_whole_with_every_bad_row_explained(repo: TmpRepo, messy: Path):
    before = tree(repo.root)
    result = run(repo, "import", "csv", "log.csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == MESSY_REPORT + (
        "cpdgen: 4 rows refused (above); nothing written. Fix them, or add --skip-bad to import the other 4\n"
    )
    assert tree(repo.root) == before


def test_skip_bad_imports_the_good_rows_and_they_validate(repo: TmpRepo, messy: Path):
    result = run(repo, "import", "csv", "log.csv", "--skip-bad")
    assert result.exit_code == 0, result.output
    assert result.stdout == "".join(f"{path}\n" for path in GOOD)
    assert result.stderr == MESSY_REPORT + "imported 4 records; 4 rows refused\n"
    for path, data in GOOD.items():
        assert parse_yaml((repo.root / path).read_text("utf-8")).data == data, path
    assert (repo.root / "records/activities/2025/2025-04-02-reading-g99-part-2.yaml").read_text("utf-8") == (
        "# yaml-language-server: $schema=../../../schemas/activity.schema.json\n"
        "# Imported from log.csv, row 3.\n"
        "title: 'Reading: G99, part 2'\n"
        "type: self-study\n"
        "start: 2025-04-02\n"
        "hours: 2\n"
        "description: |\n"
        "  Two\n"
        "  lines\n"
    )
    code, report = repo.validate_json()
    assert code == 0 and report["records"] == 5, report


def test_importing_again_adds_nothing_and_says_so(repo: TmpRepo, messy: Path):
    assert run(repo, "import", "csv", "log.csv", "--skip-bad").exit_code == 0
    before = tree(repo.root)
    again = run(repo, "import", "csv", "log.csv", "--skip-bad")
    assert again.exit_code == 0
    assert tree(repo.root) == before
    assert (
        "log.csv:2: already imported: records/activities/2025/2025-03-14-iet-faraday-lecture.yaml holds this record; left as it is\n"
        in again.stderr
    )
    assert again.stderr.endswith("imported 0 records; 4 rows refused; 4 already imported\n")


def test_dry_run_writes_nothing_and_shows_what_it_would(repo: TmpRepo, messy: Path):
    before = tree(repo.root)
    result = run(repo, "import", "csv", "log.csv", "--dry-run", "--skip-bad")
    assert result.exit_code == 0
    assert result.stdout == (
        "would write records/activities/2025/2025-03-14-iet-faraday-lecture.yaml: IET Faraday lecture (event, 1.5 h, 2025-03-14)\n"
        "would write records/activities/2025/2025-04-02-reading-g99-part-2.yaml: Reading: G99, part 2 (self-study, 2 h, 2025-04-02)\n"
        "would write records/activities/2025/2025-05-20-python-for-engineers.yaml: Python for engineers (training, 1.5 h, 2025-05-20)\n"
        "would write records/activities/2025/2025-06-01-mentoring-a-graduate.yaml: Mentoring a graduate (volunteering, 1.5 h, 2025-06-01)\n"
    )
    assert result.stderr.endswith("would import 4 records; 4 rows refused\n")
    assert tree(repo.root) == before
    refused = run(repo, "import", "csv", "log.csv", "--dry-run")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.endswith(
        "4 rows refused (above); nothing would be written. Fix them, or add --skip-bad to import the other 4\n"
    )
    assert tree(repo.root) == before


def test_a_write_failing_part_way_removes_everything_this_run_wrote(repo: TmpRepo, messy: Path, monkeypatch):
    import cpdgen.authoring.transaction

    real = cpdgen.authoring.transaction.write_atomic
    calls = []

    def failing(path, text, *, create=False):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(path, text, create=create)

    monkeypatch.setattr(cpdgen.authoring.transaction, "write_atomic", failing)
    before = tree(repo.root)
    result = run(repo, "import", "csv", "log.csv", "--skip-bad")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "cpdgen: writing failed (No space left on device); the 2 files written were removed, nothing was imported\n"
    )
    assert tree(repo.root) == before  # no files, and no folders it made either
    assert len(calls) == 3


def test_records_the_repository_rejects_together_are_all_removed(repo: TmpRepo):
    # The rows are fine one by one, but one takes an id a list file holds.
    repo.write(
        "records/activities/list.yaml",
        """\
        - id: 2025/2025-01-10-talk
          title: Talk
          type: event
          start: 2025-01-10
          hours: 1
        """,
    )
    repo.write("log.csv", "Title,Date,Hours,Type\nFirst,2025-01-09,1,event\nTalk,2025-01-10,1,event\n")
    before = tree(repo.root)
    result = run(repo, "import", "csv", "log.csv")
    assert result.exit_code == 1
    assert "duplicate" in result.stderr.lower() or "id '2025/2025-01-10-talk'" in result.stderr
    assert result.stderr.endswith("cpdgen: the imported records would not be valid (above); nothing was written\n")
    assert tree(repo.root) == before


def test_an_existing_different_record_is_never_overwritten(repo: TmpRepo):
    mine = repo.write(
        "records/activities/2025/2025-01-10-talk.yaml", "title: Talk\ntype: event\nstart: 2025-01-10\nhours: 3\n"
    )
    repo.write("log.csv", "Title,Date,Hours,Type\nTalk,2025-01-10,1,event\n")
    result = run(repo, "import", "csv", "log.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "log.csv:2: records/activities/2025/2025-01-10-talk.yaml exists already and holds a different record; not overwritten\n"
    )
    assert mine.read_text() == "title: Talk\ntype: event\nstart: 2025-01-10\nhours: 3\n"


def test_titles_without_latin_letters_are_numbered_past_existing_files_and_found_again(repo: TmpRepo):
    repo.write(
        "records/activities/2025/2025-01-10-activity.yaml", "title: 講演会\ntype: event\nstart: 2025-01-10\nhours: 3\n"
    )
    repo.write("log.csv", "Title,Date,Hours,Type\nДоклад,2025-01-10,1,event\n研讨会,2025-01-10,2,event\n")
    result = run(repo, "import", "csv", "log.csv")
    assert result.exit_code == 0, result.output
    folder = repo.records / "activities" / "2025"
    assert sorted(p.name for p in folder.iterdir()) == [
        "2025-01-10-activity-2.yaml", "2025-01-10-activity-3.yaml", "2025-01-10-activity.yaml"
    ]  # fmt: skip
    assert "Доклад" in (folder / "2025-01-10-activity-2.yaml").read_text(encoding="utf-8")
    again = run(repo, "import", "csv", "log.csv")
    assert "2 already imported" in again.stderr and len(list(folder.iterdir())) == 3


def test_the_same_date_and_title_twice_get_distinct_files(repo: TmpRepo):
    repo.write("log.csv", "Title,Date,Hours,Type\nStand-up,2025-01-10,0.25,work\nStand-up,2025-01-10,0.5,work\n")
    result = run(repo, "import", "csv", "log.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "records/activities/2025/2025-01-10-stand-up.yaml\nrecords/activities/2025/2025-01-10-stand-up-2.yaml\n"
    )
    assert repo.validate_json()[0] == 0


def test_map_names_columns_and_type_fills_rows_without_one(repo: TmpRepo):
    repo.write(
        "log.csv", "What I did;When;Effort;Kind of thing\nRead BS 7671;2025-02-01;3;\nWebinar;01/02/2025;1;seminar\n"
    )
    result = run(repo, "import", "csv", "log.csv", "--map", "title=what i did", "--map", "start=When",
                 "--map", "hours=EFFORT", "--map", "type=Kind of thing", "--type", "self-study")  # fmt: skip
    assert result.exit_code == 0, result.output
    first = parse_yaml((repo.root / "records/activities/2025/2025-02-01-read-bs-7671.yaml").read_text("utf-8")).data
    assert first["type"] == "self-study"
    second = parse_yaml((repo.root / "records/activities/2025/2025-02-01-webinar.yaml").read_text("utf-8")).data
    assert second["type"] == "event"


def test_a_kind_column_makes_training_course_records(repo: TmpRepo):
    repo.write("log.csv", "Record,Title,Date,End date,Hours,Status,Mode\n"
                          "Training,NEC4 ECC,04/02/2025,05/02/2025,14,Booked,Face to face\n"
                          "Activity,Reading,2025-02-10,,2,,\n")  # fmt: skip
    result = run(repo, "import", "csv", "log.csv", "--type", "self-study")
    assert result.exit_code == 0, result.output
    data = parse_yaml((repo.root / "records/training/2025/2025-02-04-nec4-ecc.yaml").read_text("utf-8")).data
    assert data == {
        "title": "NEC4 ECC",
        "start": "2025-02-04",
        "end": "2025-02-05",
        "hours": 14,
        "status": "booked",
        "mode": "in-person",
    }
    assert (
        (repo.root / "records/training/2025/2025-02-04-nec4-ecc.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=../../../schemas/training.schema.json\n")
    )
    assert repo.validate_json()[0] == 0


def test_rows_the_schema_refuses_are_reported_too(repo: TmpRepo):
    repo.write(
        "log.csv", "Title,Date,End,Hours,Type\nMarathon,2025-01-10,,30,event\nBackwards,2025-01-10,2025-01-09,1,event\n"
    )
    result = run(repo, "import", "csv", "log.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "log.csv:2: 'hours' is 30, but 2025-01-10 to 2025-01-10 spans 1 day: at most 24 hours (24 a day)",
        "log.csv:3: 'end' (2025-01-09) is before 'start' (2025-01-10)",
    ]


# --- files that are not a usable log ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02binary", "cpdgen: log.csv: this is a binary file, not CSV text\n"),
        ("Title,Date,Hours\nCaf\u00e9 talk,2025-01-01,1\n".encode("latin-1"),
         "cpdgen: log.csv: not UTF-8 text (byte 0xe9 on line 2): save it as CSV UTF-8 (in Excel: Save As, CSV UTF-8)\n"),
        (b"PK\x03\x04workbook", "cpdgen: log.csv: this is a spreadsheet workbook (.xlsx or .ods), not CSV: save it as CSV UTF-8 first\n"),
        ("Title,Date,Hours\n".encode("utf-16"), "cpdgen: log.csv: this is UTF-16 text; save it as CSV UTF-8\n"),
    ],
)  # fmt: skip
def test_unreadable_files_get_a_clear_error_and_no_traceback(repo: TmpRepo, content: bytes, message: str):
    (repo.root / "log.csv").write_bytes(content)
    result = run(repo, "import", "csv", "log.csv")
    assert result.exit_code == 1
    assert result.stderr == message


@pytest.mark.parametrize(
    ("csv_text", "args", "message"),
    [
        ("Name,Hours\nx,1\n", [], "cpdgen: log.csv: no column for the start (e.g. 'Start', 'Date', 'Start Date'); "
         "the columns are 'Name', 'Hours': name them with --map start=COLUMN\n"),
        ("Title,Date,Start date,Hours\n", [], "cpdgen: log.csv: columns 'Date' and 'Start date' could both be the start; "
         "say which with --map start=COLUMN\n"),
        ("Title,Date,Hours\n", ["--map", "titel=Title"], "cpdgen: log.csv: --map titel=...: no such field; fields are "
         + ", ".join(csv_import.FIELDS) + "\n"),
        ("Title,Date,Hours\n", ["--map", "title=Name"], "cpdgen: log.csv: --map title=Name: no column 'Name'; "
         "the columns are 'Title', 'Date', 'Hours'\n"),
        ("Title,Date,Hours\n", ["--map", "title"], "cpdgen: --map title: write FIELD=COLUMN, e.g. --map title=Activity\n"),
        ("\n\n", [], "cpdgen: log.csv: the file has no header row (the first row names the columns)\n"),
    ],
)  # fmt: skip
def test_columns_that_cannot_be_matched_are_usage_errors(repo: TmpRepo, csv_text: str, args: list[str], message: str):
    repo.write("log.csv", csv_text)
    result = run(repo, "import", "csv", "log.csv", *args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_a_missing_file_is_a_usage_error(repo: TmpRepo):
    result = run(repo, "import", "csv", "nope.csv")
    assert result.exit_code == 2
    assert "'nope.csv' does not exist" in result.stderr


def test_help_says_which_date_formats(repo: TmpRepo):
    result = run(repo, "import", "csv", "--help")
    assert "YYYY-MM-DD, DD/MM/YYYY (day first, UK order)" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    "text", ["Title,Date,Hours\n", "Title,Date,Hours\n\n,,\n"], ids=["header-only", "blank-rows-only"]
)
def test_a_sheet_without_data_rows_is_said_to_be_empty(repo: TmpRepo, text: str):
    repo.write("log.csv", text)
    before = sorted(p.relative_to(repo.root) for p in repo.root.rglob("*"))
    result = run(repo, "import", "csv", "log.csv")
    assert result.exit_code == 1
    assert "log.csv: no rows to import below the header; nothing was written" in result.stderr
    assert sorted(p.relative_to(repo.root) for p in repo.root.rglob("*")) == before


# --- regressions: defects found in the adversarial review of the review-year commands
# (hours, reports, declaration) and of init / new / import csv. Each test reproduces one
# defect found there (now fixed) and keeps it fixed.


# -- import csv of a file whose name is not UTF-8 ------------------------------------------------


def test_import_of_a_file_with_a_latin1_name_is_not_an_internal_error(repo: TmpRepo) -> None:
    name = os.fsdecode(b"caf\xe9.csv")  # as Python sees such a name on Linux
    sheet = repo.root / name
    sheet.write_text("Title,Type,Date,Hours\nX,event,2025-01-01,1\n", "utf-8")
    result = repo.run("import", "csv", name)
    assert "internal error" not in result.output
    assert result.exit_code == 0, result.output


def test_cells_are_read_as_cpdgen_new_reads_what_is_typed(repo: TmpRepo):
    """One parser for everything typed (`human_input`): today in a cell, a
    type's beginning, competence codes as a list, and a code UK-SPEC does not
    have refused with the list of those it has."""
    repo.write(
        "log.csv",
        "Date,Title,Type,Hours,Competences\n"
        'today,Reading the G99 update,self,45 min,"[a1, E3]"\n'
        "yesterday,Site walk-down,work,2,A5\n",
    )
    refused = run(repo, "import", "csv", "log.csv", "--as-of", "2025-06-02")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "log.csv:3: A5 is not a UK-SPEC competence: the codes are A1 A2 B1 B2 B3 C1 C2 C3 C4 D1 D2 D3 E1 E2 E3 E4 E5"
        " (column 'Competences')\n"
    )
    result = run(repo, "import", "csv", "log.csv", "--as-of", "2025-06-02", "--skip-bad")
    assert result.exit_code == 0, result.output
    data = parse_yaml((repo.records / "activities/2025/2025-06-02-reading-the-g99-update.yaml").read_text("utf-8")).data
    assert (data["start"], data["type"], data["hours"], data["competences"]) == (
        "2025-06-02",
        "self-study",
        0.75,
        ["A1", "E3"],
    )
