"""`cpdgen init`: a ready records repository that validates, never overwriting a file."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from cpdgen import __version__
from cpdgen.authoring import scaffold
from cpdgen.cli import cli
from cpdgen.loading.yamlparse import parse_yaml
from cpdgen.model.kinds import KINDS

from helpers.paths import PROJECT_ROOT
from helpers.repos import run_in

AS_OF = "2025-06-01"
RECORD_FILES = {
    "records/profile.yaml",
    "records/activities/2025/2025-06-01-example-iet-webinar-on-grid-forming-inverters.yaml",
    "records/training/2025/2025-07-01-example-functional-safety-foundation-course.yaml",
    "records/qualifications/example-beng-electrical-and-electronic-engineering.yaml",
    "records/employment/example-engineering-ltd-electrical-engineer.yaml",
    "records/objectives/example-become-competent-in-functional-safety.yaml",
}
OTHER_FILES = {
    "cpdgen.yaml",
    "README.md",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".github/workflows/cpd.yml",
    ".vscode/settings.json",
    ".vscode/extensions.json",
    "evidence/README.md",
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "CPDGEN_JOBS", "CPDGEN_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def run(cwd: Path, *args: str, input: str | None = None) -> Result:
    return run_in(cwd, *args, input=input)


def files_in(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file() and ".git" not in path.parts
    }


def hashes(root: Path) -> dict[str, str]:
    return {rel: hashlib.sha256((root / rel).read_bytes()).hexdigest() for rel in files_in(root)}


def schema_names() -> set[str]:
    return {f"schemas/{path.name}" for path in (PROJECT_ROOT / "schemas").glob("*.schema.json")}


@pytest.fixture
def member(tmp_path: Path) -> Path:
    """A repository made by `cpdgen init`, non-interactively."""
    result = run(tmp_path, "init", "member", "--name", "Priya Raman", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return tmp_path / "member"


# --- a new repository ------------------------------------------------------------


def test_init_into_a_new_folder_writes_the_whole_repository_and_it_validates(tmp_path: Path):
    result = run(tmp_path, "init", "member", "--name", "Priya Raman", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    root = tmp_path / "member"
    assert files_in(root) == RECORD_FILES | OTHER_FILES | schema_names()
    checked = run(root, "validate", "--format", "json")
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.stdout)
    assert report["ok"] is True and report["errors"] == []
    # validate warns while the examples remain, at their `example: true` line
    assert sorted(w["file"] for w in report["warnings"]) == sorted(RECORD_FILES - {"records/profile.yaml"})
    for problem in report["warnings"]:
        assert (
            "an example" in problem["message"]
            and "counts towards no hours, report or declaration" in problem["message"]
        )
        lines = (root / problem["file"]).read_text("utf-8").splitlines()
        assert lines[problem["line"] - 1] == "example: true"
    assert report["records"] == len(RECORD_FILES)
    # What it created and what to do next.
    assert "Created in member:" in result.stdout
    for rel in RECORD_FILES | OTHER_FILES:
        assert f"  {rel}\n" in result.stdout
    assert f"schemas/ ({len(schema_names())} JSON Schemas, for editors)" in result.stdout
    assert "Next steps:\n  cd member\n  complete records/profile.yaml\n" in result.stdout
    assert "pre-commit install" in result.stdout and "git init" in result.stdout


def test_init_into_an_empty_current_folder(tmp_path: Path):
    result = run(tmp_path, "init", "--name", "Jo Bloggs", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cpdgen.yaml").is_file() and (tmp_path / "records" / "profile.yaml").is_file()
    assert "Created in the current folder:" in result.stdout
    assert "cd " not in result.stdout


def test_a_folder_holding_only_git_counts_as_empty(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    result = run(tmp_path, "init", "--name", "Jo Bloggs", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (tmp_path / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert "git init" not in result.stdout and "git add . && git commit" in result.stdout


def test_profile_and_settings_carry_the_name_and_body(tmp_path: Path):
    assert (
        run(tmp_path, "init", "m", "--name", "Siân O'Brien: CEng", "--body", "IMechE", "--as-of", AS_OF).exit_code == 0
    )
    profile = parse_yaml((tmp_path / "m/records/profile.yaml").read_text("utf-8")).data
    assert profile == {"name": "Siân O'Brien: CEng", "memberships": [{"body": "IMechE"}]}
    settings = (tmp_path / "m/cpdgen.yaml").read_text("utf-8")
    assert "policy: iet\n" in settings and "check IMechE's own rules" in settings
    iet = run(tmp_path, "init", "n", "--name", "Jo", "--as-of", AS_OF)
    assert iet.exit_code == 0
    assert "recommended hours" not in (tmp_path / "n/cpdgen.yaml").read_text("utf-8")
    assert parse_yaml((tmp_path / "n/records/profile.yaml").read_text("utf-8")).data["memberships"] == [{"body": "IET"}]


def test_without_a_name_off_a_terminal_the_profile_holds_a_placeholder_to_change(tmp_path: Path):
    result = run(tmp_path, "init", "m", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (
        parse_yaml((tmp_path / "m/records/profile.yaml").read_text("utf-8")).data["name"] == scaffold.PLACEHOLDER_NAME
    )
    assert "put your name in records/profile.yaml (it says 'Your Name')" in result.stdout


def test_on_a_terminal_it_asks_for_name_and_body(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("cpdgen.cli.init._is_terminal", lambda: True)
    result = run(tmp_path, "init", "m", "--as-of", AS_OF, input="  \nDr Priya Raman\nIStructE\n")
    assert result.exit_code == 0, result.output
    assert "Your name:" in result.output and "Your professional body [IET]:" in result.output
    profile = parse_yaml((tmp_path / "m/records/profile.yaml").read_text("utf-8")).data
    assert profile == {"name": "Dr Priya Raman", "memberships": [{"body": "IStructE"}]}


def test_asked_body_defaults_to_iet(tmp_path: Path):
    result = run(tmp_path, "init", "m", "--as-of", AS_OF, "--interactive", input="Jo Bloggs\n\n")
    assert result.exit_code == 0, result.output
    assert parse_yaml((tmp_path / "m/records/profile.yaml").read_text("utf-8")).data["memberships"] == [{"body": "IET"}]


def test_init_into_a_file_is_misuse(tmp_path: Path):
    (tmp_path / "afile").write_text("x")
    result = run(tmp_path, "init", "afile", "--name", "Jo")
    assert result.exit_code == 2
    assert "not a folder" in result.output and "Traceback" not in result.output


# --- never overwriting ------------------------------------------------------------


def test_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path: Path):
    root = tmp_path / "notes"
    root.mkdir()
    (root / "todo.txt").write_text("mine\n")
    result = run(tmp_path, "init", "notes", "--name", "Jo", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stderr == (
        "cpdgen: notes is not empty (todo.txt); to add the missing files of a records repository to it, "
        "overwriting none, run: cpdgen init --existing notes\n"
    )
    assert files_in(root) == {"todo.txt"}


def test_existing_adds_only_missing_files_and_changes_none(member: Path):
    # The member has worked on their repository: changed files, removed some.
    (member / "records/profile.yaml").write_text("name: Priya Raman\nheadline: Chartered engineer\n", "utf-8")
    (member / "README.md").write_text("# My own readme\n", "utf-8")
    (member / ".gitignore").unlink()
    (member / ".github/workflows/cpd.yml").unlink()
    (member / "schemas/activity.schema.json").write_text("{}\n", "utf-8")
    (member / "todo.txt").write_text("mine\n", "utf-8")
    before = hashes(member)

    result = run(member, "init", "--existing", "--name", "Someone Else", "--as-of", "2026-01-01")
    assert result.exit_code == 0, result.output
    after = hashes(member)
    assert {rel: after[rel] for rel in before} == before  # nothing there before has changed
    assert set(after) - set(before) == {".gitignore", ".github/workflows/cpd.yml"}
    assert "Created in the current folder:\n  .gitignore\n  .github/workflows/cpd.yml\n" in result.stdout
    assert "  records/profile.yaml (exists)\n" in result.stdout
    assert "  README.md (exists)\n" in result.stdout
    assert "  schemas/activity.schema.json (exists)\n" in result.stdout
    # Examples dated 2026 are not added beside the member's own records.
    assert "records/activities/2026/" not in "".join(after)
    assert "(activities exist, no example needed)" in result.stdout


def test_existing_with_every_file_there_creates_nothing(member: Path):
    before = hashes(member)
    result = run(member, "init", "--existing", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert hashes(member) == before
    assert "Nothing to create in the current folder: every file is there already." in result.stdout


def test_existing_keeps_a_profile_written_as_yml(tmp_path: Path):
    (tmp_path / "records").mkdir()
    (tmp_path / "records/profile.yml").write_text("name: Jo Bloggs\n", "utf-8")
    result = run(tmp_path, "init", "--existing", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "records/profile.yaml").exists()
    assert "records/profile.yaml (a profile exists)" in result.stdout


def test_existing_reports_invalid_records_it_found(tmp_path: Path):
    (tmp_path / "records/activities").mkdir(parents=True)
    (tmp_path / "records/activities/talk.yaml").write_text("title: Talk\ntype: seminar\nstart: 2025-01-01\nhours: 1\n")
    result = run(tmp_path, "init", "--existing", "--name", "Jo", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "records/activities/talk.yaml:2:7: error: 'type' must be one of" in result.stderr
    assert (tmp_path / "records/activities/talk.yaml").read_text().startswith("title: Talk\n")


# --- what the files say ------------------------------------------------------------------


def test_every_yaml_file_starts_with_a_modeline_to_its_schema(member: Path):
    # Every cpdgen file; not the tools' own (.pre-commit-config.yaml, the workflow).
    yaml_files = sorted(p for p in member.rglob("*.yaml") if not p.relative_to(member).as_posix().startswith("."))
    assert len(yaml_files) == len(RECORD_FILES) + 1  # and cpdgen.yaml
    for path in yaml_files:
        first = path.read_text("utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{path}: {first}"
        schema = (path.parent / match.group(1)).resolve()
        assert schema.is_file(), f"{path}: the modeline points at {schema}, which is not there"
        rel = path.relative_to(member).as_posix()
        expected = (
            "config"
            if rel == "cpdgen.yaml"
            else next(k.name for k in KINDS if rel == f"records/{k.folder}" or rel.startswith(f"records/{k.folder}/"))
        )
        assert schema.name == f"{expected}.schema.json"


def test_examples_say_so_and_are_valid_for_their_kind(member: Path):
    for rel in RECORD_FILES - {"records/profile.yaml"}:
        data = parse_yaml((member / rel).read_text("utf-8")).data
        assert data["example"] is True, rel
        assert "It counts towards nothing while it says example: true" in (member / rel).read_text("utf-8")
    activity = parse_yaml((member / sorted(RECORD_FILES)[0]).read_text("utf-8")).data
    assert activity["start"] == AS_OF and activity["type"] == "event"


def test_schemas_are_those_cpdgen_schema_writes(member: Path, tmp_path: Path):
    assert run(tmp_path, "schema", "--out", "exported").exit_code == 0
    exported = tmp_path / "exported"
    for path in exported.iterdir():
        assert (member / "schemas" / path.name).read_bytes() == path.read_bytes()
    assert {p.name for p in (member / "schemas").iterdir()} == {p.name for p in exported.iterdir()}


def test_vscode_settings_map_every_kind_and_the_settings_to_their_schemas(member: Path):
    settings = json.loads((member / ".vscode/settings.json").read_text("utf-8"))["yaml.schemas"]
    for schema, patterns in settings.items():
        assert (member / schema).is_file(), schema
        assert patterns
    assert settings["./schemas/activity.schema.json"] == ["records/activities/**/*.yaml", "records/activities/**/*.yml"]
    assert settings["./schemas/profile.schema.json"] == ["records/profile.yaml", "records/profile.yml"]
    assert settings["./schemas/config.schema.json"] == ["cpdgen.yaml"]
    assert {Path(schema).name for schema in settings} == {k.schema_file for k in KINDS} | {"config.schema.json"}
    assert json.loads((member / ".vscode/extensions.json").read_text())["recommendations"] == ["redhat.vscode-yaml"]


def test_gitignore_ignores_the_output(member: Path):
    lines = (member / ".gitignore").read_text().splitlines()
    assert "output/" in lines


def test_pre_commit_config_is_a_local_system_hook_running_validate(member: Path):
    config = yaml.safe_load((member / ".pre-commit-config.yaml").read_text("utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    (hook,) = repo["hooks"]
    assert hook["entry"] == "cpdgen validate"
    assert hook["language"] == "system"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in ("records/profile.yaml", "records/activities/2025/x.yaml", "cpdgen.yaml", "evidence/cert.pdf"):
        assert files.search(path), path
    for path in ("README.md", "notes/cpdgen.yaml.bak", "output/site/index.html"):
        assert not files.search(path), path


def test_workflow_validates_on_push_and_publishes_only_when_asked(member: Path):
    workflow = yaml.safe_load((member / ".github/workflows/cpd.yml").read_text("utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"push", "pull_request", "workflow_dispatch"}
    validate = workflow["jobs"]["validate"]
    runs = [step.get("run", "") for step in validate["steps"]]
    # one variable at the top says where cpdgen comes from; both jobs install it
    assert workflow["env"]["CPDGEN_SPEC"]
    assert 'pip install "$CPDGEN_SPEC"' in runs
    assert 'pip install "$CPDGEN_SPEC"' in [step.get("run") for step in workflow["jobs"]["publish"]["steps"]]
    assert "cpdgen validate --format github" in runs
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "validate"
    assert "vars.CPDGEN_PUBLISH == 'true'" in publish["if"]
    assert "github.event_name != 'pull_request'" in publish["if"]
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = publish["steps"]
    assert "cpdgen build --site-only" in [step.get("run") for step in steps]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "output/site"
    assert "CPDGEN_PUBLISH" in (member / ".github/workflows/cpd.yml").read_text().split("name: CPD records")[0]


def test_member_readme_names_the_member_and_the_daily_commands(member: Path):
    text = (member / "README.md").read_text("utf-8")
    assert text.startswith("# CPD records of Priya Raman\n")
    assert "cpdgen new activity" in text and "cpdgen validate" in text and "pre-commit install" in text


def test_quiet_prints_nothing_on_success(tmp_path: Path):
    result = run(tmp_path, "init", "m", "--name", "Jo", "--quiet", "--as-of", AS_OF)
    assert result.exit_code == 0 and result.output == ""


# --- pre-commit, for real, offline --------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)


def _pre_commit(root: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    # The cpdgen under test (this interpreter's), not whichever is first on PATH.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # No network: no proxy reachable, and a local system hook needs none.
    env.update(
        PRE_COMMIT_HOME=str(home), http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9", NO_COLOR="1"
    )
    return subprocess.run(
        ["pre-commit", "run", "--all-files"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
@pytest.mark.skipif(shutil.which("cpdgen") is None, reason="the cpdgen command is not installed (pip install -e .)")
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_passes_offline_in_an_init_repository_and_fails_on_a_broken_record(member: Path, tmp_path: Path):
    _git(member, "init", "-q")
    _git(member, "add", "-A")
    home = tmp_path / "pre-commit-home"
    passed = _pre_commit(member, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"cpdgen validate\.+Passed", passed.stdout), passed.stdout

    broken = member / "records/activities/2025/talk.yaml"
    broken.write_text("title: Talk\ntype: seminar\nstart: 2025-01-01\nhours: 1\n", "utf-8")
    _git(member, "add", "-A")
    failed = _pre_commit(member, home)
    assert failed.returncode == 1
    assert re.search(r"cpdgen validate\.+Failed", failed.stdout), failed.stdout
    assert "records/activities/2025/talk.yaml:2:7: error: 'type' must be one of" in failed.stdout


def test_next_steps_name_a_folder_outside_the_current_one_by_its_full_path(tmp_path: Path):
    here = tmp_path / "somewhere" / "deep"
    here.mkdir(parents=True)
    target = tmp_path / "cpd"
    result = run(here, "init", str(target), "--name", "Jo Bloggs")
    assert result.exit_code == 0, result.output
    assert f"  cd {target}\n" in result.output
    below = run(tmp_path, "init", "inner", "--name", "Jo Bloggs")
    assert "  cd inner\n" in below.output


# --- regressions: defects found in the adversarial review of the review-year commands
# (hours, reports, declaration) and of init / new / import csv. Each test reproduces one
# defect found there (now fixed) and keeps it fixed.


# -- init with a name or body of several lines -------------------------------------------------


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


# --- the workflow installs cpdgen from where the running one came from ---------------------------

# PEP 610 direct_url.json of each install route, as pip and pipx write them.
ROUTES = {
    "pip install git+https://... (a tag)": (
        {"url": "https://github.com/me/cpdgen", "vcs_info": {"commit_id": "bd1d09b0b591cd1e2142dbf5a694bf533c929e8a",
                                                             "requested_revision": "v0.2.0", "vcs": "git"}},
        "cpdgen @ git+https://github.com/me/cpdgen@bd1d09b0b591cd1e2142dbf5a694bf533c929e8a", True, None),
    "pip install git+file:///...": (
        {"url": "file:///work/src", "vcs_info": {"commit_id": "bd1d09b0b591cd1e2142dbf5a694bf533c929e8a", "vcs": "git"}},
        "cpdgen @ git+file:///work/src@bd1d09b0b591cd1e2142dbf5a694bf533c929e8a", False,
        "cpdgen was installed from a git repository on this computer (file:///work/src): CI cannot reach it"),
    "pip install ./src, pipx install ./src": (
        {"dir_info": {}, "url": "file:///work/nowhere-src"}, "cpdgen @ file:///work/nowhere-src", False,
        "cpdgen was installed from a folder on this computer (file:///work/nowhere-src): CI cannot reach it"),
    "pip install -e ./src": (
        {"dir_info": {"editable": True}, "url": "file:///work/nowhere-src"}, "cpdgen @ file:///work/nowhere-src", False,
        "CI cannot reach it: put a source CI can reach in CPDGEN_SPEC at the top of .github/workflows/cpd.yml"),
    "pip install dist/cpdgen-0.1.0-py3-none-any.whl": (
        {"archive_info": {"hash": "sha256=61975a33"}, "url": "file:///work/dist/cpdgen-0.1.0-py3-none-any.whl"},
        "cpdgen @ file:///work/dist/cpdgen-0.1.0-py3-none-any.whl#sha256=61975a33", False,
        'commit the file to the repository (e.g. ci/cpdgen-0.1.0-py3-none-any.whl) and set CPDGEN_SPEC: '
        '"./ci/cpdgen-0.1.0-py3-none-any.whl"'),
    "a wheel, by a pip that records only hashes": (
        {"archive_info": {"hashes": {"sha256": "61975a33"}}, "url": "file:///work/dist/cpdgen-0.1.0-py3-none-any.whl"},
        "cpdgen @ file:///work/dist/cpdgen-0.1.0-py3-none-any.whl#sha256=61975a33", False,
        "cpdgen was installed from cpdgen-0.1.0-py3-none-any.whl on this computer"),
    "a wheel, by a pip that records no hash (Debian 12's 23.0)": (
        {"archive_info": {}, "url": "file:///work/dist/cpdgen-0.1.0-py3-none-any.whl"},
        "cpdgen @ file:///work/dist/cpdgen-0.1.0-py3-none-any.whl", False,
        "cpdgen was installed from cpdgen-0.1.0-py3-none-any.whl on this computer"),
    "a release asset over https": (
        {"archive_info": {"hash": "sha256=61975a33"}, "url": "https://example.org/cpdgen-0.1.0-py3-none-any.whl"},
        "cpdgen @ https://example.org/cpdgen-0.1.0-py3-none-any.whl#sha256=61975a33", True, None),
    "pip install cpdgen (an index: no direct_url.json)": (
        None, f"cpdgen=={__version__}", True, f"CI installs cpdgen=={__version__} from PyPI"),
}  # fmt: skip


@pytest.mark.parametrize("route", ROUTES)
def test_the_workflow_installs_cpdgen_from_the_source_it_came_from(tmp_path: Path, monkeypatch, route: str):
    direct_url, spec, reachable, said = ROUTES[route]
    text = None if direct_url is None else json.dumps(direct_url)
    monkeypatch.setattr("cpdgen.loading.install._direct_url_text", lambda: (True, text))
    result = run(tmp_path, "init", "m", "--name", "Jo", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    workflow_text = (tmp_path / "m/.github/workflows/cpd.yml").read_text("utf-8")
    workflow = yaml.safe_load(workflow_text)
    assert workflow["env"] == {"CPDGEN_SPEC": spec}
    head = workflow_text.split("CPDGEN_SPEC:")[0]
    assert ("CI cannot reach it as written" in head) is not reachable
    if said is None:
        assert "Warning:" not in result.stdout and "Note:" not in result.stdout
    else:
        assert said in result.stdout
        assert result.stdout.rstrip().splitlines()[-1].startswith("Note:" if reachable else "Warning:")


def test_a_folder_that_is_a_checkout_with_a_remote_pins_its_commit(tmp_path: Path, monkeypatch):
    source = tmp_path / "cpdgen-src"
    source.mkdir()
    _git(source, "init", "-q")
    (source / "README.md").write_text("x\n")
    _git(source, "add", "-A")
    _git(source, "commit", "-qm", "x")
    _git(source, "remote", "add", "origin", "git@github.com:me/cpdgen.git")
    commit = subprocess.run(
        ["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    monkeypatch.setattr(
        "cpdgen.loading.install._direct_url_text",
        lambda: (True, json.dumps({"dir_info": {"editable": True}, "url": source.as_uri()})),
    )
    result = run(tmp_path, "init", "m", "--name", "Jo", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    workflow = yaml.safe_load((tmp_path / "m/.github/workflows/cpd.yml").read_text("utf-8"))
    assert workflow["env"]["CPDGEN_SPEC"] == f"cpdgen @ git+ssh://git@github.com/me/cpdgen.git@{commit}"
    assert (
        f"Note: cpdgen was installed from a checkout of ssh://git@github.com/me/cpdgen.git: CI installs the same commit, {commit[:12]}"
        in result.stdout
    )


def test_next_steps_say_how_to_get_pre_commit_when_it_is_missing(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("cpdgen.cli.init.shutil.which", lambda name: None)
    result = run(tmp_path, "init", "m", "--name", "Jo", "--as-of", AS_OF)
    assert (
        "  pip install pre-commit && pre-commit install   # check every commit (pipx: pipx inject cpdgen pre-commit)"
        in result.stdout
    )
