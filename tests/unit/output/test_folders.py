"""The atomic folder swap (`cpdgen.output.folders`): output folders are
replaced only on success, never a folder of the user's, all put back when one
cannot be replaced; the site readable by others, the private folder not."""

from __future__ import annotations

import os

import pytest

from cpdgen.common.errors import UserError
from cpdgen.output.folders import FolderSwap


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_folder_swap_replaces_the_folders_only_on_success(tmp_path):
    from cpdgen.output.folders import MARKER

    with FolderSwap([tmp_path / "site"]) as (staging,):
        (staging / "old.html").write_text("old")
    assert _names(tmp_path / "site") == [MARKER, "old.html"]
    with pytest.raises(RuntimeError), FolderSwap([tmp_path / "site"]) as (staging,):
        (staging / "new.html").write_text("new")
        raise RuntimeError("half-way")
    assert _names(tmp_path) == ["site"]
    assert _names(tmp_path / "site") == [MARKER, "old.html"]
    with FolderSwap([tmp_path / "site"]) as (staging,):
        (staging / "new.html").write_text("new")
    assert _names(tmp_path) == ["site"]
    assert _names(tmp_path / "site") == [MARKER, "new.html"]


def test_folder_swap_never_replaces_a_folder_of_the_users(tmp_path):
    mine = tmp_path / "site"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious")
    with pytest.raises(UserError, match="holds files cpdgen did not make"), FolderSwap([mine]) as (staging,):
        (staging / "index.html").write_text("x")
    assert _names(mine) == ["thesis.docx"] and _names(tmp_path) == ["site"]
    (tmp_path / "empty").mkdir()
    with FolderSwap([tmp_path / "empty"]) as (staging,):  # an empty folder may be replaced
        (staging / "index.html").write_text("x")
    assert "index.html" in _names(tmp_path / "empty")


def test_folder_swap_refuses_to_replace_a_file(tmp_path):
    (tmp_path / "site").write_text("mine")
    with pytest.raises(UserError, match="not a folder cpdgen made"), FolderSwap([tmp_path / "site"]) as (staging,):
        (staging / "x").write_text("x")
    assert (tmp_path / "site").read_text() == "mine"
    assert _names(tmp_path) == ["site"]


def test_folder_swap_puts_every_folder_back_when_one_cannot_be_replaced(tmp_path, monkeypatch):
    from cpdgen.output import folders

    for name in ("site", "private"):
        with FolderSwap([tmp_path / name]) as (staging,):
            (staging / "v1").write_text("1")
    real = os.replace
    calls = []

    def failing(source, target):
        calls.append((source, target))
        if len(calls) == 4:  # site swapped in; private's staging rename fails
            raise OSError(28, "No space left on device")
        return real(source, target)

    monkeypatch.setattr(folders.os, "replace", failing)
    with (
        pytest.raises(UserError, match="No space left on device; the previous output is unchanged"),
        FolderSwap([tmp_path / "site", tmp_path / "private"]) as stagings,
    ):
        for staging in stagings:
            (staging / "v2").write_text("2")
    monkeypatch.setattr(folders.os, "replace", real)
    assert _names(tmp_path) == ["private", "site"]
    for name in ("site", "private"):
        assert "v1" in _names(tmp_path / name) and "v2" not in _names(tmp_path / name)


def test_the_site_folder_is_readable_by_others_and_the_private_one_is_not(tmp_path):
    old = os.umask(0o022)
    try:
        with FolderSwap([tmp_path / "site", tmp_path / "private"], private={tmp_path / "private"}) as (site, private):
            (site / "index.html").write_text("x")
            (private / "a.pdf").write_text("x")
    finally:
        os.umask(old)
    assert (tmp_path / "site").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "private").stat().st_mode & 0o777 == 0o700
