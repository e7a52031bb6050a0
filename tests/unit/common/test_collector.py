"""The cyclic collector is paused over bulk work and always given back:
enabled as it was, nothing left frozen (issue 16)."""

from __future__ import annotations

import gc

import pytest

from cpdgen.common.collector import collector_paused
from cpdgen.loading.files import find_repository
from cpdgen.validation.repository import validate_repository

from helpers.repos import TmpRepo


def test_paused_inside_and_restored_after_even_on_an_error():
    assert gc.isenabled()
    gc.unfreeze()
    with collector_paused():
        assert not gc.isenabled()
        made = [[n] for n in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)  # what the block made is left out of later collections
    gc.unfreeze()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_validation_and_a_build_give_the_collector_back(repo: TmpRepo, monkeypatch):
    repo.write("records/activities/talk.yaml", "title: Talk\ntype: event\nstart: 2025-03-14\nhours: 2\n")
    seen = []
    real = gc.disable

    def spy() -> None:
        seen.append("disabled")
        real()

    monkeypatch.setattr(gc, "disable", spy)
    validate_repository(find_repository(repo.root))
    monkeypatch.undo()
    assert seen and gc.isenabled()
    result = repo.run("build", "--site-only", "--as-of", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert gc.isenabled() and gc.get_freeze_count() == 0
