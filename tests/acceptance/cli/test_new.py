"""`cpdgen new KIND`: a valid record file from options or prompts, never an overwrite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner, Result

from cpdgen import __version__
from cpdgen.authoring import new_record
from cpdgen.cli import cli
from cpdgen.loading import schemas
from cpdgen.loading.yamlparse import parse_yaml
from cpdgen.model.kinds import BY_NAME

from helpers.failures import unwritable
from helpers.paths import PROJECT_ROOT
from helpers.repos import TmpRepo, run_in


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "CPDGEN_JOBS", "CPDGEN_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def run(repo: TmpRepo, *args: str, input: str | None = None, cwd: Path | None = None) -> Result:
    return run_in(cwd or repo.root, *args, input=input)


def record_files(repo: TmpRepo) -> set[str]:
    return {p.relative_to(repo.root).as_posix() for p in repo.records.rglob("*") if p.is_file()}


def assert_valid(repo: TmpRepo) -> None:
    code, report = repo.validate_json()
    assert code == 0 and report["errors"] == [] and report["warnings"] == [], report


# One valid set of options per kind, and the file it makes.
EVERY_KIND = {
    "activity": (
        ["--title", "IET lecture: grid forming", "--type", "event", "--start", "2025-03-14", "--hours", "1.5",
         "--provider", "IET", "--competences", "A1,e3", "--competences", "B2", "--tags", "iet", "--private"],
        "records/activities/2025/2025-03-14-iet-lecture-grid-forming.yaml",
    ),
    "training": (
        ["--title", "NEC4 essentials", "--start", "2025-02-04", "--end", "2025-02-05", "--hours", "14",
         "--status", "booked", "--accredited-by", "CPD Certification Service", "--mode", "online"],
        "records/training/2025/2025-02-04-nec4-essentials.yaml",
    ),
    "qualification": (
        ["--title", "MSc Power Engineering", "--institution", "University of Strathclyde", "--status", "in-progress",
         "--start", "2024-09-20"],
        "records/qualifications/msc-power-engineering.yaml",
    ),
    "employment": (
        ["--employer", "Hafren Power Systems", "--role", "Principal Engineer", "--start", "2020-01-06",
         "--responsibilities", "Protection studies.\nA team of four."],
        "records/employment/hafren-power-systems-principal-engineer.yaml",
    ),
    "objective": (
        ["--title", "Functional safety competence", "--priority", "high", "--target", "2026-12-31",
         "--action", "Take a course", "--action", "Apply it"],
        "records/objectives/functional-safety-competence.yaml",
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(EVERY_KIND))
def test_new_from_options_writes_a_valid_record_for_every_kind(repo: TmpRepo, kind: str):
    args, expected = EVERY_KIND[kind]
    result = run(repo, "new", kind, *args, "--as-of", "2025-06-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{expected}\n"
    text = (repo.root / expected).read_text("utf-8")
    depth = expected.count("/")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={'../' * depth}schemas/{BY_NAME[kind].schema_file}"
    assert_valid(repo)


def test_new_profile_only_when_there_is_none(tmp_path: Path):
    repo = TmpRepo(tmp_path / "m")
    repo.write("cpdgen.yaml", "policy: iet\n")
    result = run(
        repo, "new", "profile", "--name", "Dr Priya Raman", "--post-nominals", "CEng MIET", "--membership", "IET"
    )
    assert result.exit_code == 0, result.output
    assert (repo.records / "profile.yaml").read_text("utf-8") == (
        "# yaml-language-server: $schema=../schemas/profile.schema.json\n"
        "name: Dr Priya Raman\n"
        "post_nominals: CEng MIET\n"
        "memberships:\n"
        "  - body: IET\n"
    )
    assert_valid(repo)
    again = run(repo, "new", "profile", "--name", "Someone Else")
    assert again.exit_code == 1
    assert again.stderr == "cpdgen: records/profile.yaml exists already: edit it (a repository has one profile)\n"


def test_the_file_holds_exactly_what_was_given(repo: TmpRepo):
    args, expected = EVERY_KIND["activity"]
    assert run(repo, "new", "activity", *args).exit_code == 0
    assert (repo.root / expected).read_text("utf-8") == (
        "# yaml-language-server: $schema=../../../schemas/activity.schema.json\n"
        "title: 'IET lecture: grid forming'\n"
        "type: event\n"
        "start: 2025-03-14\n"
        "hours: 1.5\n"
        "provider: IET\n"
        "competences: [A1, E3, B2]\n"
        "private: true\n"
        "tags: [iet]\n"
    )


def test_objective_gets_created_today_and_its_actions(repo: TmpRepo):
    args, expected = EVERY_KIND["objective"]
    assert run(repo, "new", "objective", *args, "--as-of", "2025-06-01").exit_code == 0
    data = parse_yaml((repo.root / expected).read_text("utf-8")).data
    assert data == {
        "title": "Functional safety competence",
        "created": "2025-06-01",
        "target": "2026-12-31",
        "priority": "high",
        "actions": [{"title": "Take a course"}, {"title": "Apply it"}],
    }


def test_awkward_titles_read_back_exactly_and_name_the_file_plainly(repo: TmpRepo):
    title = "2025: “Yes” — Siân's #1 talk, [draft]: 1:30"
    result = run(
        repo, "new", "activity", "--title", title, "--type", "self-study", "--start", "2025-01-02", "--hours", "2"
    )
    assert result.exit_code == 0, result.output
    path = repo.root / "records/activities/2025/2025-01-02-2025-yes-sians-1-talk-draft-1-30.yaml"
    assert parse_yaml(path.read_text("utf-8")).data["title"] == title
    assert_valid(repo)
    numeric = run(repo, "new", "objective", "--title", "2025", "--as-of", "2025-01-01")
    assert numeric.exit_code == 0, numeric.output
    assert "title: '2025'\n" in (repo.root / "records/objectives/2025.yaml").read_text("utf-8")
    assert_valid(repo)


def test_today_and_yesterday_follow_as_of(repo: TmpRepo):
    result = run(repo, "new", "activity", "--title", "Reading", "--type", "self-study", "--start", "yesterday",
                 "--end", "today", "--hours", "3", "--as-of", "2025-03-01")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = parse_yaml((repo.root / "records/activities/2025/2025-02-28-reading.yaml").read_text("utf-8")).data
    assert (data["start"], data["end"]) == ("2025-02-28", "2025-03-01")


# --- refusing ---------------------------------------------------------------------------------


def test_missing_required_values_off_a_terminal_are_a_usage_error_listing_the_options(repo: TmpRepo):
    before = record_files(repo)
    result = run(repo, "new", "activity", "--title", "Talk")
    assert result.exit_code == 2
    assert result.stderr == (
        "cpdgen: new activity: missing --type, --start, --hours (give them as options, or add --interactive to be asked)\n"
    )
    assert record_files(repo) == before


def test_invalid_values_are_refused_before_anything_is_written(repo: TmpRepo):
    before = record_files(repo)
    result = run(repo, "new", "activity", "--title", "Conference", "--type", "event", "--start", "2025-03-14",
                 "--end", "2025-03-12", "--hours", "8", "--evidence", "evidence/nope.pdf")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        "cpdgen: new activity: nothing written, the values are not valid:\n"
        "  --evidence: 'evidence[0]': no such file 'evidence/nope.pdf'\n"
        "  --end: 'end' (2025-03-12) is before 'start' (2025-03-14)\n"
    )
    too_long = run(repo, "new", "activity", "--title", "Conference", "--type", "event", "--start", "2025-03-14",
                   "--hours", "25")  # fmt: skip
    assert too_long.exit_code == 2
    assert (
        "--hours: 'hours' is 25, but 2025-03-14 to 2025-03-14 spans 1 day: at most 24 hours (24 a day)"
        in too_long.stderr
    )
    assert record_files(repo) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--start", "14/13/2025"],
            "Invalid value for --start: '14/13/2025' is not a real date (read as day 14, month 13",
        ),
        (["--start", "March"], "Invalid value for --start: 'March' is not a date: write YYYY-MM-DD, DD/MM/YYYY"),
        (["--type", "lunch"], "Invalid value for '--type': 'lunch' is not one of work-experience, volunteering"),
        (["--hours", "two"], "Invalid value for '--hours': hours 'two' is not a number of hours"),
        (["--hours", "1,5"], "hours '1,5' is not a number of hours (write 1.5, not 1,5)"),
        (
            ["--competences", "[B2, A5]"],
            "Invalid value for --competences: A5 is not a UK-SPEC competence: the codes are A1 A2",
        ),
    ],
)
def test_malformed_options_are_usage_errors(repo: TmpRepo, args: list[str], message: str):
    """What a person types is read as `import csv` reads it (see the test
    below); what no reading makes sense of is refused, saying why."""
    base = {"--title": "T", "--type": "event", "--start": "2025-03-14", "--hours": "1"}
    base.update(dict(zip(args[::2], args[1::2])))
    result = run(repo, "new", "activity", *[item for pair in base.items() for item in pair])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (repo.records / "activities").exists()


def test_never_overwrites_a_record(repo: TmpRepo):
    path = repo.write(
        "records/activities/2025/2025-03-14-talk.yaml", "title: Mine\ntype: event\nstart: 2025-03-14\nhours: 1\n"
    )
    result = run(repo, "new", "activity", "--title", "Talk", "--type", "event", "--start", "2025-03-14", "--hours", "2")
    assert result.exit_code == 1
    assert result.stderr == (
        "cpdgen: records/activities/2025/2025-03-14-talk.yaml exists already; "
        "cpdgen never overwrites a file (edit it, or give another title)\n"
    )
    assert path.read_text() == "title: Mine\ntype: event\nstart: 2025-03-14\nhours: 1\n"


def test_titles_without_latin_letters_get_numbered_names_not_refused(repo: TmpRepo):
    made = []
    for title in ("講演会", "Доклад", "講演会"):
        result = run(
            repo, "new", "activity", "--title", title, "--type", "event", "--start", "2025-03-14", "--hours", "1"
        )
        assert result.exit_code == 0, result.output
        made.append(result.stdout.strip())
    folder = "records/activities/2025/2025-03-14-activity"
    assert made == [f"{folder}.yaml", f"{folder}-2.yaml", f"{folder}-3.yaml"]
    titles = [(repo.root / path).read_text(encoding="utf-8") for path in made]
    assert ["講演会" in titles[0], "Доклад" in titles[1], "講演会" in titles[2]] == [True, True, True]
    assert run(repo, "validate").exit_code == 0


def test_a_record_the_repository_would_reject_is_reported_and_not_kept(repo: TmpRepo):
    result = run(repo, "new", "activity", "--title", "Talk", "--type", "event", "--start", "2025-03-14", "--hours", "2",
                 "--objectives", "no-such-objective")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "records/activities/2025/2025-03-14-talk.yaml:6:14: error: no objective has the id 'no-such-objective' (no objectives are recorded yet)\n"
        "cpdgen: records/activities/2025/2025-03-14-talk.yaml would not be valid, so it was not kept\n"
    )
    assert not (repo.records / "activities/2025/2025-03-14-talk.yaml").exists()


def test_an_id_taken_by_a_list_file_is_caught_and_nothing_kept(repo: TmpRepo):
    repo.write(
        "records/activities/many.yaml",
        """\
        - id: 2025/2025-03-14-talk
          title: Talk
          type: event
          start: 2025-03-14
          hours: 1
        """,
    )
    result = run(repo, "new", "activity", "--title", "Talk", "--type", "event", "--start", "2025-03-14", "--hours", "2")
    assert result.exit_code == 1
    assert "would not be valid, so it was not kept" in result.stderr
    assert record_files(repo) == {"records/profile.yaml", "records/activities/many.yaml"}


def test_outside_a_repository_is_a_usage_error(tmp_path: Path):
    result = run(TmpRepo(tmp_path), "new", "objective", "--title", "Something")
    assert result.exit_code == 2
    assert "no records repository here" in result.stderr and "cpdgen init" in result.stderr


def test_records_option_names_a_records_folder_of_another_name(tmp_path: Path):
    repo = TmpRepo(tmp_path / "m")
    repo.write("cpd-data/profile.yaml", "name: Jo Bloggs\n")
    result = run(repo, "new", "activity", "--records", "cpd-data", "--title", "Talk", "--type", "event",
                 "--start", "2025-03-14", "--hours", "1")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "cpd-data/activities/2025/2025-03-14-talk.yaml\n"
    assert not (repo.root / "records").exists()
    imported = repo.write("log.csv", "Title,Date,Hours,Type\nReading,2025-03-15,2,self-study\n")
    result = run(repo, "import", "csv", str(imported), "--records", "cpd-data")
    assert result.exit_code == 0, result.output
    assert result.stdout == "cpd-data/activities/2025/2025-03-15-reading.yaml\n"
    assert run(repo, "validate", "--records", "cpd-data").exit_code == 0


def test_from_a_sub_folder_the_path_printed_is_relative_to_it(repo: TmpRepo):
    (repo.records / "activities").mkdir()
    result = run(repo, "new", "objective", "--title", "Learn Rust", cwd=repo.records / "activities")
    assert result.exit_code == 0, result.output
    assert result.stdout == "../objectives/learn-rust.yaml\n"


# --- prompts ---------------------------------------------------------------------------------------


def test_prompts_ask_for_what_options_did_not_give(repo: TmpRepo):
    answers = "\n".join([
        "",                    # title: required, asked again
        "IET Faraday lecture",
        "lunch",               # type: not a category, asked again
        "Seminar",             # a spreadsheet's word for event
        "",                    # start: today (as of)
        "2025-02-30",          # end: not a date, asked again
        "",                    # end: the same day
        "0",                   # hours: must be more than 0
        "1,5",                 # hours: not a number
        "1.5",
        "IET",                 # provider
        "",                    # status: the default
        "", "", "",            # outcomes, reflection, competences: skipped
    ]) + "\n"  # fmt: skip
    result = run(repo, "new", "activity", "--interactive", "--as-of", "2025-03-14", input=answers)
    assert result.exit_code == 0, result.output
    assert result.stdout == "records/activities/2025/2025-03-14-iet-faraday-lecture.yaml\n"
    assert (repo.records / "activities/2025/2025-03-14-iet-faraday-lecture.yaml").read_text("utf-8") == (
        "# yaml-language-server: $schema=../../../schemas/activity.schema.json\n"
        "title: IET Faraday lecture\n"
        "type: event\n"
        "start: 2025-03-14\n"
        "hours: 1.5\n"
        "provider: IET\n"
    )
    prompts = result.stderr
    for choice, described in zip(*_enum("activity", "type")):
        assert f"  {choice:<16} {described}\n" in prompts
    assert "Type (work-experience, volunteering, event, self-study, training): " in prompts
    assert "Start [2025-03-14]: " in prompts
    assert "Error: hours '0' must be more than 0" in prompts
    assert "Error: hours '1,5' is not a number of hours (write 1.5, not 1,5)" in prompts
    assert "Status (completed, planned) [completed]: " in prompts
    assert_valid(repo)


def test_prompts_on_a_terminal_by_default_and_skip_what_options_gave(repo: TmpRepo, monkeypatch):
    monkeypatch.setattr("cpdgen.cli.new._is_terminal", lambda: True)
    result = run(repo, "new", "training", "--title", "NEC4 ECC", "--hours", "14", "--as-of", "2025-02-04",
                 input="\n2025-02-05\n\nboo\n\n\n\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Title" not in result.stderr and "Hours" not in result.stderr
    data = parse_yaml((repo.records / "training/2025/2025-02-04-nec4-ecc.yaml").read_text("utf-8")).data
    assert data == {"title": "NEC4 ECC", "start": "2025-02-04", "end": "2025-02-05", "hours": 14, "status": "booked"}


def test_prompts_for_employment_say_what_a_blank_means(repo: TmpRepo):
    result = run(repo, "new", "employment", "--interactive", "--as-of", "2025-01-06",
                 input="Hafren Power Systems\nPrincipal Engineer\n\n\nCardiff\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "End (blank: the current job): " in result.stderr and "Location (optional): " in result.stderr
    data = parse_yaml(
        (repo.root / "records/employment/hafren-power-systems-principal-engineer.yaml").read_text("utf-8")
    ).data
    assert data == {
        "employer": "Hafren Power Systems",
        "role": "Principal Engineer",
        "start": "2025-01-06",
        "location": "Cardiff",
    }


def test_quiet_writes_and_prints_nothing(repo: TmpRepo):
    result = run(repo, "new", "objective", "--title", "Learn Rust", "--quiet")
    assert result.exit_code == 0 and result.output == ""
    assert (repo.records / "objectives/learn-rust.yaml").is_file()


def test_no_interactive_on_a_terminal_asks_nothing(repo: TmpRepo, monkeypatch):
    monkeypatch.setattr("cpdgen.cli.new._is_terminal", lambda: True)
    result = run(repo, "new", "objective", "--no-interactive", input="should not be read\n")
    assert result.exit_code == 2
    assert "missing --title" in result.stderr


# --- options come from the schemas ---------------------------------------------------------------------


def _enum(kind: str, field: str) -> tuple[list[str], list[str]]:
    sub = json.loads((PROJECT_ROOT / "schemas" / f"{kind}.schema.json").read_text())["definitions"][kind]["properties"][
        field
    ]
    return sub["enum"], sub.get("enumDescriptions", [])


def test_choices_and_help_come_from_the_schema():
    command = cli.commands["new"].get_command(None, "activity")
    params = {p.name: p for p in command.params}
    assert list(params["type"].type.choices) == _enum("activity", "type")[0]
    assert list(params["mode"].type.choices) == list(schemas.record_schema("activity")["properties"]["mode"]["enum"])
    written = json.loads((PROJECT_ROOT / "schemas/activity.schema.json").read_text())["definitions"]["activity"][
        "properties"
    ]
    assert params["title"].help == written["title"]["description"]
    # Every field of the schema is an option, except id and extra (and nested objects).
    skipped = {"id", "extra"}
    assert set(params) - {"interactive", "records", "as_of", "quiet", "verbose"} == set(written) - skipped
    objective = {p.name: p for p in cli.commands["new"].get_command(None, "objective").params}
    assert objective["actions"].opts == ["--action"]


def test_new_lists_the_kinds(repo: TmpRepo):
    result = run(repo, "new", "--help")
    assert result.exit_code == 0
    for kind in new_record.NEW_KINDS:
        assert f"  {kind} " in result.stdout
    assert "declaration" not in result.stdout.split("Commands:")[1]


def test_a_declaration_is_pointed_to_its_own_command(repo: TmpRepo):
    result = run(repo, "new", "declaration", "--year", "2025")
    assert result.exit_code == 2
    assert "a declaration is started with: cpdgen declaration start --year YEAR" in result.stderr


def test_unknown_kind_is_a_usage_error(repo: TmpRepo):
    result = run(repo, "new", "activites")
    assert result.exit_code == 2
    assert "No such command 'activites'" in result.stderr


# --- shell completion and --version ----------------------------------------------------------------------


def completions(args: list[str], incomplete: str) -> list[str]:
    return [
        item.value for item in ShellComplete(cli, {}, "cpdgen", "_CPDGEN_COMPLETE").get_completions(args, incomplete)
    ]


def test_completion_of_commands_kinds_and_types():
    assert {"init", "new", "import", "validate"} <= set(completions([], ""))
    assert completions(["new"], "") == list(new_record.NEW_KINDS)
    assert completions(["new"], "q") == ["qualification"]
    assert completions(["new", "activity", "--type"], "") == _enum("activity", "type")[0]
    assert completions(["new", "activity", "--type"], "se") == ["self-study"]
    assert completions(["new", "training", "--status"], "") == ["completed", "booked", "planned"]
    assert completions(["import", "csv", "--type"], "w") == ["work-experience"]
    assert "csv" in completions(["import"], "")


def test_bash_completion_script_through_the_environment_variable():
    result = CliRunner().invoke(cli, [], env={"_CPDGEN_COMPLETE": "bash_source"}, prog_name="cpdgen")
    assert result.exit_code == 0
    assert "_CPDGEN_COMPLETE=bash_complete" in result.stdout and "complete -o nosort -F" in result.stdout
    result = CliRunner().invoke(
        cli,
        [],
        env={"_CPDGEN_COMPLETE": "bash_complete", "COMP_WORDS": "cpdgen new tr", "COMP_CWORD": "2"},
        prog_name="cpdgen",
    )
    assert result.stdout.split() == ["plain,training"]


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"cpdgen, version {__version__}\n"


# --- regressions: defects found in the adversarial review of the review-year commands
# (hours, reports, declaration) and of init / new / import csv. Each test reproduces one
# defect found there (now fixed) and keeps it fixed.


# -- a failed write was an internal error (exit 3) ----------------------------------------


def test_new_in_a_read_only_folder_fails_cleanly(repo: TmpRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo.records / "activities" / "2025").mkdir(parents=True)
    unwritable(monkeypatch)
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


# -- yamlwrite: a NEL character was not read back -------------------------------------------------


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
