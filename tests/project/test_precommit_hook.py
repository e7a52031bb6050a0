"""The hook in .pre-commit-hooks.yaml runs cpdgen in another records repository.

Runs the real pre-commit (`try-repo` against this checkout): it builds cpdgen
into pre-commit's own environment, as a member's repository would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from helpers.paths import PROJECT_ROOT

pytestmark = [
    pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed"),
    pytest.mark.skipif(not (PROJECT_ROOT / ".git").exists(), reason="try-repo needs cpdgen as a git checkout"),
]


def test_hook_definition_runs_the_console_script_once_per_commit():
    hooks = yaml.safe_load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "cpdgen-validate"
    assert hook["entry"] == "cpdgen validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False  # cross-file rules need the whole repo


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _member_repo(root: Path, activity: str) -> Path:
    (root / "records" / "activities").mkdir(parents=True)
    (root / "records" / "profile.yaml").write_text("name: Jo Bloggs\n")
    (root / "records" / "activities" / "talk.yaml").write_text(activity)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    return root


def _try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["pre-commit", "try-repo", str(PROJECT_ROOT), "cpdgen-validate", "--all-files"],
        cwd=repo,
        env={**os.environ, "PRE_COMMIT_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_hook_passes_valid_records_and_fails_a_broken_one(tmp_path, precommit_home):
    good = _member_repo(tmp_path / "good", "title: Talk\ntype: event\nstart: 2025-01-01\nhours: 1\n")
    passed = _try_repo(good, precommit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout

    bad = _member_repo(tmp_path / "bad", "title: Talk\ntype: seminar\nstart: 2025-01-01\nhours: 1\n")
    failed = _try_repo(bad, precommit_home)
    assert failed.returncode == 1
    assert "records/activities/talk.yaml:2:7: error: 'type' must be one of" in failed.stdout
