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


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets a cache folder of its own (cpdgen's persistent cache
    of checked records), never the developer's, and starts without a cache."""
    folder = tmp_path_factory.mktemp("cpdgen-cache")
    monkeypatch.setenv("CPDGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _collector_given_back():
    """Validation freezes what it built (`common.collector`), as a command
    that ends soon may; a test process goes on for hundreds of them, so
    each test gives it back to the collector."""
    yield
    import gc

    gc.unfreeze()
