"""The layers of docs/architecture.md, enforced: import-linter's contracts
in pyproject.toml hold for the package, and a back-edge breaks them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import PROJECT_ROOT

LINT_IMPORTS = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess:
    """import-linter over the cpdgen package found in `package_parent`, with
    the project's contracts."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(PROJECT_ROOT / "pyproject.toml"), "--no-cache"],
        cwd=package_parent,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_package_keeps_every_contract():
    result = lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "back_edge", "broken"),
    [
        ("compute/year.py", "from cpdgen.validation import report", "Stages and sides are layered"),
        ("loading/files.py", "from cpdgen.compute import hours", "Stages and sides are layered"),
        ("render/chart.py", "from cpdgen.validation import repository", "Stages and sides are layered"),
        ("model/records.py", "import click", "The core (common, model, loading, compute) imports no presentation"),
    ],
)
def test_a_back_edge_breaks_a_contract(tmp_path: Path, module: str, back_edge: str, broken: str):
    copy = tmp_path / "cpdgen"
    shutil.copytree(PROJECT_ROOT / "cpdgen", copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text("utf-8") + f"\n{back_edge}  # a back-edge\n", "utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
