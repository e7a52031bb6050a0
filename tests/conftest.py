"""Shared fixtures. The shared helpers are the `helpers` package beside this file."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.repos import MINIMAL_PROFILE, TmpRepo


@pytest.fixture
def repo(tmp_path: Path) -> TmpRepo:
    """A valid, nearly empty records repository: settings and a profile."""
    made = TmpRepo(tmp_path / "member")
    made.write("cpdgen.yaml", "policy: iet\n")
    made.write("records/profile.yaml", MINIMAL_PROFILE)
    return made
