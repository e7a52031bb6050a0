"""`cpdgen validate` end to end: exit status, repository discovery, the text,
JSON and GitHub output contracts, internal errors, the parallel path, and
the light start-up of the command line.

Most tests go through click's CliRunner; a few start the real program
(`python -m cpdgen`) in a subprocess, where stdout is a real pipe or terminal.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cpdgen
import cpdgen.validation.repository
from cpdgen.cli import ISSUES_URL, cli
from cpdgen.common.parallel import PARALLEL_THRESHOLD

from helpers.paths import PROJECT_ROOT
from helpers.repos import TmpRepo, run_in

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
TEXT_LINE = re.compile(
    r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): (?P<message>.+)$"
)
ANNOTATION = re.compile(
    r"^::(?P<command>error|warning) file=(?P<file>[^,:]*),line=(?P<line>\d+),col=(?P<col>\d+)(?:,title=[^,:]*)?::(?P<data>.+)$"
)
SUMMARY = re.compile(r"^\d+ records? in \d+ files?: (all valid|.*)$")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    """Tests must not depend on the environment they run in (CI sets
    GITHUB_ACTIONS=true, a developer may set NO_COLOR or CPDGEN_JOBS)."""
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "CPDGEN_JOBS", "CPDGEN_DEBUG", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def activity(title: str = "IET lecture", start: str = "2025-03-14", hours: float = 2, kind: str = "event") -> str:
    return f"title: {title}\ntype: {kind}\nstart: {start}\nhours: {hours}\n"


def invoke(args: list[str], cwd: Path, env: dict | None = None):
    """CliRunner, started in `cwd`."""
    return run_in(cwd, *args, env=env)


def run_cpdgen(args: list[str], cwd: Path, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """The real program in a subprocess (this checkout first on the path)."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_ACTIONS", "NO_COLOR", "CPDGEN_JOBS", "CPDGEN_DEBUG", "FORCE_COLOR")
    }
    environ["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    environ.update(env or {})
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "cpdgen", *args], cwd=cwd, env=environ, text=True, timeout=120, **kw)


@pytest.fixture
def mixed(repo: TmpRepo) -> TmpRepo:
    """Three record files (profile + two activities): two errors in one
    activity, and one ignored file (a warning)."""
    repo.write("records/activities/2025/good.yaml", activity())
    repo.write(
        "records/activities/2025/bad.yaml",
        """\
        title: Broken
        type: event
        start: 2025-03-14
        hours: 0
        colour: red
        """,
    )
    repo.write("records/notes.txt", "not a record\n")
    return repo


# --- exit status ------------------------------------------------------------


def test_valid_repository_exits_0_with_summary(repo: TmpRepo):
    repo.write("records/activities/2025/a.yaml", activity())
    result = repo.run("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == ["2 records in 2 files: all valid"]


def test_invalid_repository_exits_1(mixed: TmpRepo):
    result = mixed.run("validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "3 records in 3 files: 2 errors, 1 warning"


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--no-such-option"],
        ["--no-such-option", "validate"],
        ["validate", "--format", "xml"],
        ["validate", "--format"],
        ["--as-of", "2025-13-01", "validate"],
        ["validate", "--as-of", "2025-13-01"],
        ["validate", "--as-of", "14/03/2025"],
        ["validate", "extra-argument"],
        ["no-such-command"],
    ],
)
def test_misuse_exits_2_without_traceback(repo: TmpRepo, args):
    result = repo.run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_bad_as_of_names_the_option(repo: TmpRepo):
    result = repo.run("validate", "--as-of", "2025-13-01")
    assert result.exit_code == 2
    assert "--as-of" in result.stderr and "2025-13-01" in result.stderr


@pytest.mark.parametrize("args", [["--as-of", "2025-06-30", "validate"], ["validate", "--as-of", "2025-06-30"]])
def test_a_good_as_of_is_accepted_before_and_after_the_command(repo: TmpRepo, args):
    result = repo.run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1 record in 1 file: all valid"


def test_misuse_real_process(repo: TmpRepo):
    for args in (["validate", "--format", "xml"], ["--as-of", "2025-13-01", "validate"], ["validate", "--bogus"]):
        proc = run_cpdgen(args, cwd=repo.root)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stdout == ""
        assert "Usage:" in proc.stderr


def test_records_pointing_at_a_missing_folder_exits_2(repo: TmpRepo, tmp_path: Path):
    missing = tmp_path / "nowhere" / "records"
    result = repo.run("validate", "--records", str(missing))
    assert result.exit_code == 2
    assert "--records" in result.stderr and "no such folder" in result.stderr
    assert "Traceback" not in result.output


def test_records_pointing_at_a_file_exits_2(repo: TmpRepo):
    result = repo.run("validate", "--records", "cpdgen.yaml")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_outside_any_repository_exits_2_and_says_what_to_do(tmp_path: Path):
    empty = tmp_path / "not-a-repo"
    empty.mkdir()
    result = invoke(["validate"], cwd=empty)
    assert result.exit_code == 2
    assert result.stdout == ""
    message = result.stderr
    assert "no records repository" in message
    assert "cpdgen init" in message and "--records" in message
    assert "Traceback" not in message


def test_outside_any_repository_real_process(tmp_path: Path):
    empty = tmp_path / "not-a-repo"
    empty.mkdir()
    proc = run_cpdgen(["validate"], cwd=empty)
    assert proc.returncode == 2
    assert "no records repository" in proc.stderr and "cpdgen init" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_malformed_cpdgen_jobs_is_a_usage_error_not_a_bug(repo: TmpRepo):
    result = repo.run("validate", env={"CPDGEN_JOBS": "abc"})
    assert result.exit_code == 2
    assert "CPDGEN_JOBS" in result.stderr
    assert "internal error" not in result.stderr


# --- finding the repository -------------------------------------------------


def test_found_from_a_nested_subfolder(repo: TmpRepo):
    repo.write("records/activities/2025/a.yaml", activity())
    deep = repo.root / "evidence" / "2025" / "deep"
    deep.mkdir(parents=True)
    result = invoke(["validate"], cwd=deep)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2 records in 2 files: all valid"


def test_found_from_inside_the_records_folder_paths_stay_root_relative(mixed: TmpRepo):
    result = invoke(["validate"], cwd=mixed.records / "activities" / "2025")
    assert result.exit_code == 1
    files = {m["file"] for m in map(TEXT_LINE.match, result.stdout.splitlines()) if m}
    assert files == {"records/activities/2025/bad.yaml", "records/notes.txt"}


def test_found_with_records_folder_only(tmp_path: Path):
    repo = TmpRepo(tmp_path / "no-settings")
    repo.write("records/profile.yaml", "name: Jo Bloggs\n")
    result = invoke(["validate"], cwd=repo.root / "records")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1 record in 1 file: all valid"


def test_folder_with_only_cpdgen_yaml_is_a_repository(tmp_path: Path):
    """cpdgen.yaml alone marks the repository: validate runs on it (and
    reports the missing profile) rather than saying there is no repository."""
    repo = TmpRepo(tmp_path / "settings-only")
    repo.write("cpdgen.yaml", "policy: iet\n")
    sub = repo.root / "notes"
    sub.mkdir()
    code, data = TmpRepo(sub).validate_json()
    assert code == 1
    assert data["records"] == 0
    assert [e["file"] for e in data["errors"]] == ["records/profile.yaml"]
    assert "profile is missing" in data["errors"][0]["message"]
    result = invoke(["validate"], cwd=sub)
    assert "no records repository" not in result.output
    assert result.stdout.splitlines()[-1] == "0 records in 0 files: 1 error"


def test_nearest_repository_wins(repo: TmpRepo):
    """A repository nested inside another: the nearest one upward is used."""
    inner = TmpRepo(repo.root / "projects" / "inner")
    inner.write("records/profile.yaml", "name: Inner\n")
    inner.write("records/activities/a.yaml", activity())
    inner.write("records/activities/b.yaml", activity())
    code, data = inner.validate_json()
    assert (code, data["records"]) == (0, 3)
    code, data = repo.validate_json()
    assert (code, data["records"]) == (0, 1)


@pytest.mark.parametrize("before", [True, False], ids=["before-command", "after-command"])
def test_records_option_before_and_after_the_command(mixed: TmpRepo, tmp_path: Path, before: bool):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    records = str(mixed.records)
    args = ["--records", records, "validate"] if before else ["validate", "--records", records]
    result = invoke(args, cwd=elsewhere)
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "3 records in 3 files: 2 errors, 1 warning"
    # Paths are relative to the repository root (the parent of --records).
    assert lines[0].startswith("records/activities/2025/bad.yaml:")


def test_records_option_relative_path_and_other_folder_name(tmp_path: Path):
    repo = TmpRepo(tmp_path / "member")
    repo.write("cpd/profile.yaml", "name: Jo\n")
    repo.write("cpd/activities/x.yaml", activity(hours=0))
    result = invoke(["validate", "--records", "member/cpd"], cwd=tmp_path)
    assert result.exit_code == 1
    match = TEXT_LINE.match(result.stdout.splitlines()[0])
    assert match and match["file"] == "cpd/activities/x.yaml" and match["line"] == "4"


def test_records_after_the_command_wins_over_before(mixed: TmpRepo, repo_factory_valid):
    valid = repo_factory_valid
    result = invoke(["--records", str(mixed.records), "validate", "--records", str(valid.records)], cwd=valid.root)
    assert result.exit_code == 0, result.output
    result = invoke(["--records", str(valid.records), "validate", "--records", str(mixed.records)], cwd=valid.root)
    assert result.exit_code == 1, result.output


@pytest.fixture
def repo_factory_valid(tmp_path: Path) -> TmpRepo:
    valid = TmpRepo(tmp_path / "valid")
    valid.write("records/profile.yaml", "name: Valid\n")
    return valid


def test_records_before_command_real_process(mixed: TmpRepo, tmp_path: Path):
    proc = run_cpdgen(["--records", str(mixed.records), "validate", "--format", "json"], cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["ok"] is False and data["records"] == 3 and len(data["errors"]) == 2


# --- text format ------------------------------------------------------------


def test_text_lines_point_at_the_problems(mixed: TmpRepo):
    result = mixed.run("validate")
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    parsed = [TEXT_LINE.match(line) for line in lines[:3]]
    assert all(parsed), lines
    assert [(m["file"], m["line"], m["column"], m["severity"]) for m in parsed] == [
        ("records/activities/2025/bad.yaml", "4", "8", "error"),
        ("records/activities/2025/bad.yaml", "5", "1", "error"),
        ("records/notes.txt", "1", "1", "warning"),
    ]
    assert "colour" in parsed[1]["message"]
    assert "\\" not in result.stdout
    assert lines[3] == "3 records in 3 files: 2 errors, 1 warning"


@pytest.mark.parametrize("fmt", ["text", "github", "text-colour"])
def test_a_value_with_a_line_break_cannot_forge_a_diagnostic(repo: TmpRepo, fmt: str):
    """Every diagnostic is one line, whatever its values hold: a newline, a
    carriage return, a Unicode line separator or a terminal escape in a record
    is written as an escape, never as itself."""
    forged = "records/fake.yaml:1:1: error: forged"
    repo.write(
        "records/activities/2025/talk.yaml",
        'title: T\ntype: "seminar\\n' + forged + '\\r\\u2028\\u0085\\e[7m"\nstart: 2025-03-14\nhours: 1\n',
    )
    args = ["validate", "--format", "github" if fmt == "github" else "text"]
    result = repo.run(*args, env={"FORCE_COLOR": "1"} if fmt == "text-colour" else None)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2, lines  # the diagnostic and the summary
    assert ANSI.sub("", lines[0]).startswith(("records/activities/2025/talk.yaml:", "::error file="))
    assert ("%0A" if fmt == "github" else "\\n") + forged in lines[0]
    assert not re.search("[\r\u2028\u0085]", result.stdout)
    assert "\x1b[7m" not in result.stdout
    assert "\\x1b[7m" in lines[0] and "\\u2028" in lines[0] and "\\x85" in lines[0]


def test_completed_after_today_is_a_warning(repo: TmpRepo):
    """Done on a day still to come is most likely a plan: warned at the date,
    by today or --as-of, and not an error (a clock may be wrong)."""
    repo.write("records/activities/2025/talk.yaml", activity(start="2025-12-20"))
    repo.write("records/activities/2025/plan.yaml", activity(start="2025-12-21") + "status: planned\n")
    repo.write(
        "records/objectives/grow.yaml",
        "title: Grow\nactions:\n  - title: Read\n    status: done\n    done_on: 2025-12-24\n",
    )
    repo.write(
        "records/qualifications/msc.yaml",
        "title: MSc\ninstitution: Uni\nstatus: completed\nstart: 2024-09-01\nend: 2025-12-10\n",
    )
    result = repo.run("validate", "--as-of", "2025-12-03")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines == [
        "records/activities/2025/talk.yaml:3:8: warning: this activity is completed but its 'start' is 2025-12-20, "
        "after today (2025-12-03): write 'status: planned' if it is still to come, or correct the date",
        "records/objectives/grow.yaml:5:14: warning: this action was done on 2025-12-24, after today (2025-12-03): "
        "correct the date",
        "records/qualifications/msc.yaml:5:6: warning: this qualification is completed but its 'end' is 2025-12-10, "
        "after today (2025-12-03): write 'status: in-progress' if it is still under way, or correct the date",
        "5 records in 5 files: 3 warnings",
    ]
    assert repo.run("validate", "--as-of", "2025-12-24").stdout.endswith(": all valid\n")
    assert repo.run("validate", "--strict", "--as-of", "2025-12-03").exit_code == 1


@pytest.fixture
def latin1_names(repo: TmpRepo) -> TmpRepo:
    """A record file and a folder whose names are Latin-1 bytes, not UTF-8."""
    folder = os.fsencode(repo.records / "activities/2025")
    os.makedirs(folder)
    for name in (b"caf\xe9.yaml", b"d\xe9ep/talk.yaml"):
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as stream:
            stream.write(activity().encode())
    repo.write("records/activities/2025/fine.yaml", activity())
    return repo


def test_names_that_are_not_utf8_are_refused_by_validate(latin1_names: TmpRepo):
    result = latin1_names.run("validate")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "records/activities/2025/caf\\xe9.yaml:1:1: error: the file name 'caf\\xe9.yaml' is not UTF-8 text (it was "
        "written in another encoding): rename it; not read",
        "records/activities/2025/d\\xe9ep:1:1: error: the folder name 'd\\xe9ep' is not UTF-8 text (it was "
        "written in another encoding): rename it; not read",
        "2 records in 2 files: 2 errors",
    ]
    code, data = latin1_names.validate_json()
    assert code == 1 and [e["file"] for e in data["errors"]] == [
        "records/activities/2025/caf\\xe9.yaml",
        "records/activities/2025/d\\xe9ep",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ("build", "--as-of", "2026-01-20"),
        ("declaration", "status", "--as-of", "2026-01-20"),
        ("declaration", "acknowledge", "--as-of", "2026-01-20"),
        ("declaration", "submit", "--as-of", "2026-01-20"),
        ("hours", "--as-of", "2026-01-20"),
    ],
)
def test_names_that_are_not_utf8_stop_the_commands_cleanly(latin1_names: TmpRepo, args: tuple[str, ...]):
    latin1_names.write("records/declarations/2025.yaml", "year: 2025\n")
    result = run_cpdgen(list(args), latin1_names.root)
    assert result.returncode == 1, result.stderr
    assert "is not UTF-8 text" in result.stderr and "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


def test_folders_nested_too_deep_are_an_error_not_a_crash(repo: TmpRepo):
    from cpdgen.loading.files import MAX_FOLDER_DEPTH

    deep = repo.records / "activities" / "/".join(["d"] * (MAX_FOLDER_DEPTH + 5))
    deep.mkdir(parents=True)
    (deep / "talk.yaml").write_text(activity())
    result = run_cpdgen(["validate"], repo.root)
    assert result.returncode == 1, result.stderr
    [line, summary] = result.stdout.splitlines()
    assert line.endswith(f"error: folders nested more than {MAX_FOLDER_DEPTH} deep below records/; not read")
    assert line.startswith("records/activities/" + "d/" * (MAX_FOLDER_DEPTH - 1) + "d:1:1:")


def test_text_all_valid_singular(tmp_path: Path):
    repo = TmpRepo(tmp_path / "solo")
    repo.write("records/profile.yaml", "name: Jo\n")
    result = repo.run("validate")
    assert result.exit_code == 0
    assert result.stdout == "1 record in 1 file: all valid\n"


def test_text_counts_records_of_list_files(repo: TmpRepo):
    repo.write(
        "records/activities/2025.yaml",
        """\
        - id: one
          title: One
          type: event
          start: 2025-01-10
          hours: 1
        - id: two
          title: Two
          type: self-study
          start: 2025-02-10
          hours: 3
        """,
    )
    result = repo.run("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "3 records in 2 files: all valid"


def test_ignored_files_are_warnings(repo: TmpRepo):
    repo.write("records/stray.yaml", activity())  # a .yaml outside any kind folder
    repo.write("records/activites/2025/typo.yaml", activity())  # a misspelt kind folder
    repo.write("records/activities/2025/notes.txt", "notes\n")  # not YAML
    repo.write("records/todo.txt", "later\n")
    result = repo.run("validate")
    assert result.exit_code == 0, result.output
    warned = {}
    for line in result.stdout.splitlines()[:-1]:
        m = TEXT_LINE.match(line)
        assert m and m["severity"] == "warning", line
        warned[m["file"]] = m["message"]
    assert set(warned) == {
        "records/stray.yaml",
        "records/activites/2025/typo.yaml",
        "records/activities/2025/notes.txt",
        "records/todo.txt",
    }
    assert all("ignored" in message for message in warned.values())
    assert result.stdout.splitlines()[-1] == "1 record in 1 file: 4 warnings"


def test_warning_singular(repo: TmpRepo):
    repo.write("records/todo.txt", "later\n")
    result = repo.run("validate")
    assert result.stdout.splitlines()[-1] == "1 record in 1 file: 1 warning"


@pytest.mark.parametrize("where", ["after", "before", "short"])
def test_quiet_prints_only_errors(mixed: TmpRepo, where: str):
    args = {"after": ["validate", "--quiet"], "before": ["--quiet", "validate"], "short": ["validate", "-q"]}[where]
    result = mixed.run(*args)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(TEXT_LINE.match(line)["severity"] == "error" for line in lines)
    assert not any("records in" in line for line in lines)


def test_quiet_with_only_warnings_prints_nothing(repo: TmpRepo):
    repo.write("records/todo.txt", "later\n")
    result = repo.run("validate", "--quiet")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_strict_turns_warnings_into_exit_1(repo: TmpRepo):
    repo.write("records/todo.txt", "later\n")
    assert repo.run("validate").exit_code == 0
    result = repo.run("validate", "--strict")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "1 record in 1 file: 1 warning"
    assert repo.run("validate", "--strict", "--format", "github").exit_code == 1


def test_strict_without_warnings_is_still_0(repo: TmpRepo):
    assert repo.run("validate", "--strict").exit_code == 0


def test_verbose_reports_timing_on_stderr_only(repo: TmpRepo):
    result = repo.run("validate", "--verbose")
    assert result.exit_code == 0
    assert result.stdout.strip() == "1 record in 1 file: all valid"
    assert re.search(r"checked records/ in \d+\.\d+ s", result.stderr)


def test_no_colour_through_clirunner(mixed: TmpRepo):
    for env in (None, {"NO_COLOR": "1"}):
        result = mixed.run("validate", env=env)
        assert not ANSI.search(result.output), result.output


def test_no_colour_when_piped_real_process(mixed: TmpRepo):
    proc = run_cpdgen(["validate"], cwd=mixed.root)
    assert proc.returncode == 1
    assert "\x1b" not in proc.stdout and "\x1b" not in proc.stderr
    assert proc.stdout.splitlines()[-1] == "3 records in 3 files: 2 errors, 1 warning"


def _run_on_terminal(args: list[str], cwd: Path, env: dict | None = None) -> tuple[int, str]:
    pty = pytest.importorskip("pty")
    import select

    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cpdgen", *args],
            cwd=cwd,
            stdout=slave,
            stderr=subprocess.PIPE,
            env={
                **{k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS", "FORCE_COLOR")},
                "PYTHONPATH": str(PROJECT_ROOT),
                "TERM": "xterm",
                **(env or {}),
            },
        )
    finally:
        os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the other end is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = proc.wait(timeout=60)
    return code, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color(mixed: TmpRepo):
    code, output = _run_on_terminal(["validate"], mixed.root)
    assert code == 1
    assert ANSI.search(output), output
    assert "2 errors, 1 warning" in ANSI.sub("", output)
    code, output = _run_on_terminal(["validate"], mixed.root, env={"NO_COLOR": "1"})
    assert code == 1
    assert not ANSI.search(output), output
    assert "3 records in 3 files: 2 errors, 1 warning" in output


# --- json format ------------------------------------------------------------


def test_json_contract_invalid(mixed: TmpRepo):
    result = mixed.run("validate", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"ok", "records", "errors", "warnings"}
    assert data["ok"] is False
    assert data["records"] == 3
    assert len(data["errors"]) == 2 and len(data["warnings"]) == 1
    for entry in data["errors"] + data["warnings"]:
        assert set(entry) == {"file", "line", "column", "message"}
        assert type(entry["line"]) is int and type(entry["column"]) is int
        assert entry["line"] >= 1 and entry["column"] >= 1
        assert isinstance(entry["file"], str) and isinstance(entry["message"], str) and entry["message"]
    assert data["errors"][0] == {
        "file": "records/activities/2025/bad.yaml",
        "line": 4,
        "column": 8,
        "message": data["errors"][0]["message"],
    }
    assert data["warnings"][0]["file"] == "records/notes.txt"


def test_json_contract_valid(repo: TmpRepo):
    repo.write("records/activities/2025/a.yaml", activity())
    code, data = repo.validate_json()
    assert code == 0
    assert data == {"ok": True, "records": 2, "errors": [], "warnings": []}


def test_json_strict_with_warnings_is_not_ok(repo: TmpRepo):
    repo.write("records/todo.txt", "later\n")
    code, data = repo.validate_json()
    assert (code, data["ok"], len(data["warnings"])) == (0, True, 1)
    code, data = repo.validate_json("--strict")
    assert (code, data["ok"]) == (1, False)
    assert data["errors"] == [] and len(data["warnings"]) == 1


def test_json_is_only_json_on_stdout_even_with_verbose(mixed: TmpRepo):
    result = mixed.run("validate", "--format", "json", "--verbose")
    json.loads(result.stdout)  # nothing else mixed into stdout


# --- github format ----------------------------------------------------------


def test_github_format_lines(mixed: TmpRepo):
    result = mixed.run("validate", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    annotations = [ANNOTATION.match(line) for line in lines[:-1]]
    assert all(annotations), lines
    assert [(a["command"], a["file"], a["line"], a["col"]) for a in annotations] == [
        ("error", "records/activities/2025/bad.yaml", "4", "8"),
        ("error", "records/activities/2025/bad.yaml", "5", "1"),
        ("warning", "records/notes.txt", "1", "1"),
    ]
    assert lines[-1] == "3 records in 3 files: 2 errors, 1 warning"


def test_github_format_is_the_default_on_github_actions(mixed: TmpRepo):
    result = mixed.run("validate", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=records/activities/2025/bad.yaml,line=4,col=8")
    # An explicit --format still wins.
    result = mixed.run("validate", "--format", "json", env={"GITHUB_ACTIONS": "true"})
    assert json.loads(result.stdout)["ok"] is False
    result = mixed.run("validate", "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert TEXT_LINE.match(result.stdout.splitlines()[0])
    # Anything but "true" is not GitHub Actions.
    result = mixed.run("validate", env={"GITHUB_ACTIONS": "false"})
    assert TEXT_LINE.match(result.stdout.splitlines()[0])


def test_github_format_real_process_on_github_actions(mixed: TmpRepo):
    proc = run_cpdgen(["validate"], cwd=mixed.root, env={"GITHUB_ACTIONS": "true"})
    assert proc.returncode == 1
    assert sum(1 for line in proc.stdout.splitlines() if ANNOTATION.match(line)) == 3


# --- internal errors ----------------------------------------------------------


def _boom(*args, **kwargs):
    raise RuntimeError("boom in the engine")


@pytest.mark.parametrize("target", ["validate_repository", "check_records"])
def test_internal_error_is_reported_not_dumped(repo: TmpRepo, monkeypatch, target: str):
    monkeypatch.setattr(cpdgen.validation.repository, target, _boom)
    result = repo.run("validate")
    assert result.exit_code == 3
    assert "internal error" in result.stderr
    assert ISSUES_URL in result.stderr and "report" in result.stderr.lower()
    assert "RuntimeError" in result.stderr and "boom in the engine" in result.stderr
    assert "Traceback" not in result.output
    assert "--verbose" in result.stderr


@pytest.mark.parametrize("where", ["after", "before"])
def test_internal_error_with_verbose_shows_the_trace(repo: TmpRepo, monkeypatch, where: str):
    monkeypatch.setattr(cpdgen.validation.repository, "validate_repository", _boom)
    args = ["validate", "--verbose"] if where == "after" else ["--verbose", "validate"]
    result = repo.run(*args)
    assert result.exit_code == 3
    assert "internal error" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: boom in the engine" in result.stderr


_CRASH = """
import sys
import cpdgen.validation.repository
def boom(*args, **kwargs):
    raise RuntimeError("boom in the engine")
cpdgen.validation.repository.validate_repository = boom
from cpdgen.cli import main
main()
"""


@pytest.mark.parametrize("verbose", [False, True])
def test_internal_error_real_process(repo: TmpRepo, verbose: bool):
    environ = {k: v for k, v in os.environ.items() if k not in ("CPDGEN_DEBUG", "GITHUB_ACTIONS")}
    environ["PYTHONPATH"] = str(PROJECT_ROOT)
    args = ["validate", "--verbose"] if verbose else ["validate"]
    proc = subprocess.run(
        [sys.executable, "-c", _CRASH, *args], cwd=repo.root, env=environ, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3
    assert "internal error" in proc.stderr and ISSUES_URL in proc.stderr
    assert ("Traceback (most recent call last)" in proc.stderr) is verbose


# --- a closed pipe ------------------------------------------------------------

PIPE_RUNS = 5  # the failure was a race: how far the reader got before closing


def _cpdgen_command(*args: str) -> str:
    return " ".join([sys.executable, "-m", "cpdgen", *args])


def _pipe_environment() -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("CPDGEN_DEBUG", "GITHUB_ACTIONS", "NO_COLOR")}
    environ["PYTHONPATH"] = str(PROJECT_ROOT)
    return environ


@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_a_closed_pipe_ends_quietly_with_status_141(tmp_path: Path, reader: str):
    """`cpdgen ... | head -1` in a real shell: whenever the reader goes away
    before cpdgen has written everything, cpdgen stops without a word, as
    `yes | head -1` does (141, as shells report SIGPIPE), never an internal
    error; when the reader got everything, 0. `true` reads nothing at all."""
    repo = TmpRepo(tmp_path / "member")
    repo.write("cpdgen.yaml", "policy: iet\n")
    repo.write("records/profile.yaml", "name: Jo Bloggs\n")
    for i in range(60):  # more than one buffer of CSV
        repo.write(f"records/activities/a{i}.yaml", activity(title=f"An activity with a long title {'x' * 200} {i}"))
    commands = [
        (
            _cpdgen_command("report", "activity", "--year", "2025", "--format", "csv", "--as-of", "2026-01-05"),
            repo.root,
        ),
        (_cpdgen_command("init", "{folder}", "--existing"), tmp_path),
    ]
    seen: set[int] = set()
    for run in range(PIPE_RUNS):
        for command, cwd in commands:
            folder = tmp_path / f"init-{run}"
            proc = subprocess.run(
                ["bash", "-c", f"set -o pipefail; {command.format(folder=folder)} | {reader} >/dev/null"],
                cwd=cwd,
                env=_pipe_environment(),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert proc.stderr == "", f"{command} | {reader}: {proc.stderr}"
            assert proc.returncode in (0, 141), f"{command} | {reader}: {proc.returncode}"
            seen.add(proc.returncode)
            if "init" in command:
                assert (folder / "cpdgen.yaml").is_file()  # the files were written before the output
    if reader == "true":  # gone before cpdgen writes a word: always met (head's timing varies)
        assert seen == {141}


def test_a_closed_pipe_before_the_first_word(repo: TmpRepo):
    """The reader gone before cpdgen starts: every write fails, silently."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cpdgen", "validate", "--as-of", "2026-01-05"],
        cwd=repo.root,
        env=_pipe_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    assert proc.wait(timeout=120) == 141
    assert proc.stderr.read() == b""
    proc.stderr.close()


# --- parallel == serial -------------------------------------------------------

PARALLEL_FILES = 450


def _activities_repo(made: TmpRepo, count: int) -> TmpRepo:
    """A repository of `count` valid activities over eleven years."""
    made.write("cpdgen.yaml", "policy: iet\n")
    made.write("records/profile.yaml", "name: Jo Bloggs\n")
    for i in range(count):
        year = 2015 + i % 11
        made.write(
            f"records/activities/{year}/act-{i:04d}.yaml",
            activity(title=f"Activity {i}", start=f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", hours=1 + i % 7),
        )
    return made


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory) -> TmpRepo:
    """More files than PARALLEL_THRESHOLD: valid activities, a few invalid
    ones spread over the chunks, a list file, and an ignored file."""
    made = _activities_repo(TmpRepo(tmp_path_factory.mktemp("big") / "member"), PARALLEL_FILES)
    made.write("records/activities/2020/bad-hours.yaml", activity(hours=0))
    made.write("records/activities/2016/bad-date.yaml", activity(start="2016-02-30"))
    made.write("records/activities/2024/bad-field.yaml", activity() + "colour: red\n")
    made.write("records/activities/2025/bad-type.yaml", activity(kind="conference"))
    made.write("records/activities/2023/zz-missing-title.yaml", "type: event\nstart: 2023-01-01\nhours: 1\n")
    made.write(
        "records/activities/2019/dupes.yaml",
        "- id: act-dup\n  title: A\n  type: event\n  start: 2019-01-01\n  hours: 1\n"
        "- id: act-dup\n  title: B\n  type: event\n  start: 2019-01-02\n  hours: 1\n",
    )
    made.write("records/activities/notes.txt", "ignored\n")
    return made


def test_big_repo_is_above_the_parallel_threshold():
    assert PARALLEL_FILES + 7 > PARALLEL_THRESHOLD


_REAL_POOL = cpdgen.validation.repository.ProcessPoolExecutor


def _json_with_jobs(repo: TmpRepo, monkeypatch, jobs: str, *options: str) -> tuple[int, str, list]:
    pools: list = []

    class Spy(_REAL_POOL):
        def __init__(self, *args, **kwargs):
            pools.append(args[0] if args else kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(cpdgen.validation.repository, "ProcessPoolExecutor", Spy)
    result = repo.run(*options, "validate", "--format", "json", env={"CPDGEN_JOBS": jobs})
    return result.exit_code, result.stdout, pools


def test_parallel_output_with_the_cache_equals_serial(big_repo: TmpRepo, monkeypatch):
    """Workers send their verdicts as the cache's plain values; the records
    built from them again give the same report, cold and then warm."""
    serial = _json_with_jobs(big_repo, monkeypatch, "1", "--no-cache")
    assert _json_with_jobs(big_repo, monkeypatch, "2") == (*serial[:2], [1])
    assert _json_with_jobs(big_repo, monkeypatch, "2") == (*serial[:2], [])  # all from the cache


def test_parallel_output_equals_serial(big_repo: TmpRepo, monkeypatch):
    serial_code, serial, serial_pools = _json_with_jobs(big_repo, monkeypatch, "1", "--no-cache")
    parallel_code, parallel, parallel_pools = _json_with_jobs(big_repo, monkeypatch, "2", "--no-cache")
    assert serial_pools == [], "CPDGEN_JOBS=1 must not start workers"
    # two processes in all: this one checks its share, one worker the rest
    assert parallel_pools == [1], "CPDGEN_JOBS=2 must use this process and one worker"
    assert parallel == serial
    assert parallel_code == serial_code == 1
    data = json.loads(serial)
    assert data["ok"] is False
    assert data["records"] == 1 + PARALLEL_FILES + 5 + 2
    error_files = {e["file"] for e in data["errors"]}
    assert {
        "records/activities/2020/bad-hours.yaml",
        "records/activities/2016/bad-date.yaml",
        "records/activities/2024/bad-field.yaml",
        "records/activities/2025/bad-type.yaml",
        "records/activities/2023/zz-missing-title.yaml",
        "records/activities/2019/dupes.yaml",
    } <= error_files
    assert not any("/act-" in f for f in error_files)
    assert [w["file"] for w in data["warnings"]] == ["records/activities/notes.txt"]


@pytest.mark.parametrize("jobs", ["2", "3"])
def test_parallel_in_many_small_chunks_equals_serial(big_repo: TmpRepo, monkeypatch, jobs: str):
    """This process checks chunks from the end while the workers take them
    from the start, and turns the workers' finished ones into records in
    between: whoever checked a chunk, the report is the same."""
    serial = _json_with_jobs(big_repo, monkeypatch, "1", "--no-cache")
    monkeypatch.setattr(cpdgen.validation.repository, "_CHUNK", 16)  # 29 chunks of the 464 files
    received, checked_here = [], []
    real_received, real_check = cpdgen.validation.repository._received, cpdgen.validation.repository._check_one
    monkeypatch.setattr(
        cpdgen.validation.repository, "_received", lambda chunk, sent: received.append(1) or real_received(chunk, sent)
    )
    monkeypatch.setattr(
        cpdgen.validation.repository,
        "_check_one",
        lambda checker, item: checked_here.append(1) or real_check(checker, item),
    )
    code, report, pools = _json_with_jobs(big_repo, monkeypatch, jobs, "--no-cache")
    assert (code, report) == serial[:2] and pools == [int(jobs) - 1]
    assert received and checked_here, "both the workers and this process checked some chunks"
    assert len(received) * 16 + len(checked_here) >= PARALLEL_FILES


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_checkpoint_that_raises_ends_validation_and_leaves_nothing_behind(big_repo: TmpRepo, monkeypatch, jobs):
    """`cpdgen serve` stops a validation when a save comes: what the
    checkpoint raises ends the run (workers stopped, the collector given
    back), and the next run is whole."""
    import gc

    from cpdgen.loading.files import find_repository
    from cpdgen.validation.repository import validate_repository

    class Stop(Exception):
        pass

    calls = []

    def checkpoint():
        calls.append(1)
        if len(calls) == 2:
            raise Stop

    monkeypatch.setenv("CPDGEN_JOBS", jobs)
    found = find_repository(big_repo.root)
    with pytest.raises(Stop):
        validate_repository(found, checkpoint=checkpoint)
    assert gc.isenabled()
    serial = _json_with_jobs(big_repo, monkeypatch, "1", "--no-cache")
    assert _json_with_jobs(big_repo, monkeypatch, jobs)[:2] == serial[:2]


def test_parallel_text_output_equals_serial(big_repo: TmpRepo):
    serial = big_repo.run("validate", env={"CPDGEN_JOBS": "1"})
    parallel = big_repo.run("validate", env={"CPDGEN_JOBS": "3"})
    assert parallel.stdout == serial.stdout
    assert parallel.exit_code == serial.exit_code == 1
    assert serial.stdout.splitlines()[-1].startswith(
        f"{1 + PARALLEL_FILES + 5 + 2} records in {1 + PARALLEL_FILES + 6} files: "
    )


# --- version, help, start-up --------------------------------------------------


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"cpdgen, version {cpdgen.__version__}"


def test_version_real_process(tmp_path: Path):
    from importlib.metadata import version

    proc = run_cpdgen(["--version"], cwd=tmp_path)
    assert proc.returncode == 0
    assert version("cpdgen") in proc.stdout and cpdgen.__version__ in proc.stdout


def test_help():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for word in ("validate", "schema", "--records", "--as-of", "--quiet", "--verbose", "--version"):
        assert word in result.stdout
    assert CliRunner().invoke(cli, ["-h"]).stdout == result.stdout


def test_validate_help():
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    for word in ("--format", "text", "json", "github", "--strict", "--records", "--as-of", "--quiet"):
        assert word in result.stdout


def test_help_real_process_outside_a_repository(tmp_path: Path):
    proc = run_cpdgen(["validate", "--help"], cwd=tmp_path)
    assert proc.returncode == 0 and "--format" in proc.stdout and proc.stderr == ""


def _fresh_python(code: str) -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter that imports this checkout's cpdgen."""
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def test_start_up_stays_light():
    code = "import cpdgen.cli, sys; print('weasyprint' in sys.modules or 'jinja2' in sys.modules)"
    assert _fresh_python(code).stdout.strip() == "False"


def test_help_imports_no_validation_machinery():
    code = (
        "import sys\nfrom cpdgen.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='cpdgen')\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'jsonschema', 'referencing', 'weasyprint', 'jinja2', 'markdown'})\n"
        "print(heavy, file=sys.stderr)"
    )
    assert _fresh_python(code).stderr.strip() == "[]"


def test_a_fifo_named_like_a_record_is_ignored_not_read(repo: TmpRepo):
    # Opening a FIFO blocks until a writer comes: validate must not hang on one.
    fifo = repo.records / "activities" / "pipe.yaml"
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    result = repo.run("validate", "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0
    assert data["warnings"] == [
        {"file": "records/activities/pipe.yaml", "line": 1, "column": 1, "message": "ignored: not a regular file"}
    ]


def test_records_option_naming_the_repository_root_says_which_folder_to_name(repo: TmpRepo):
    result = repo.run("validate", "--records", str(repo.root))
    assert result.exit_code == 2
    assert "looks like a repository root" in result.stderr
    assert f"--records {repo.root / 'records'}" in result.stderr


def test_unreadable_folder_is_an_error_not_a_crash(repo: TmpRepo, monkeypatch):
    # Root ignores permissions, so make os.scandir refuse the folder itself.
    repo.write("records/activities/2025/a.yaml", "title: T\ntype: event\nstart: 2025-01-01\nhours: 1\n")
    locked = str(repo.records / "activities" / "2025")
    real_scandir = os.scandir

    def scandir(path):
        if str(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = repo.run("validate", "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert data["errors"] == [
        {
            "file": "records/activities/2025",
            "line": 1,
            "column": 1,
            "message": "cannot read the folder: Permission denied",
        }
    ]


@pytest.mark.parametrize(("files", "jobs"), [(900, "3"), (600, "2")])
def test_this_process_checks_its_share_of_a_medium_repository(tmp_path: Path, monkeypatch, files: int, jobs: str):
    """This process does its share of the checking at any size: a pool takes
    every chunk it is handed at once (and none can be taken back), so the
    workers are fed a few chunks ahead only, and chunks are small enough for
    both ends to meet evenly."""
    made = _activities_repo(TmpRepo(tmp_path / "member"), files)
    here: list[int] = []
    real = cpdgen.validation.repository._check_one
    pid = os.getpid()
    monkeypatch.setattr(
        cpdgen.validation.repository,
        "_check_one",
        lambda checker, item: (here.append(1) if os.getpid() == pid else None) or real(checker, item),
    )
    result = made.run("--no-cache", "validate", env={"CPDGEN_JOBS": jobs})
    assert result.exit_code == 0, result.output
    share = (files + 1) / int(jobs)
    assert len(here) >= 0.75 * share, f"this process checked {len(here)} of {files + 1} files, its share is {share:.0f}"
