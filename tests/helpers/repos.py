"""Throwaway records repositories and the real command line (through click)."""

from __future__ import annotations

import json
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from cpdgen.cli import cli

MINIMAL_PROFILE = "name: Jo Bloggs\n"


def run_in(cwd: Path, *args: str, env: dict | None = None, input: str | None = None) -> Result:
    """`cpdgen ARGS` through click, started in `cwd` (the CLI finds the
    repository from the current folder, as it does for a member)."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


@dataclass
class TmpRepo:
    """A records repository in a temporary folder."""

    root: Path

    @property
    def records(self) -> Path:
        return self.root / "records"

    def write(self, rel: str, text: str | bytes) -> Path:
        """Write a file (text is dedented) relative to the repository root."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), "utf-8")
        return path

    def run(self, *args: str, env: dict | None = None, input: str | None = None) -> Result:
        """`cpdgen ARGS` started in the repository root, through click."""
        return run_in(self.root, *args, env=env, input=input)

    def validate_json(self, *args: str) -> tuple[int, dict]:
        result = self.run("validate", "--format", "json", *args)
        return result.exit_code, json.loads(result.stdout)
