"""common/atomic.py: one file or a set of files written all or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cpdgen.common import atomic
from cpdgen.common.atomic import reason, write_all_atomic, write_atomic
from cpdgen.common.errors import UserError

from helpers.failures import full_disk_at


def _state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_set_is_written_whole(tmp_path: Path):
    (tmp_path / "b").write_text("old b", "utf-8")
    os.chmod(tmp_path / "b", 0o640)
    write_all_atomic([(tmp_path / "a", "new a"), (tmp_path / "b", b"new b"), (tmp_path / "sub" / "c", "c")])
    assert (tmp_path / "a").read_text("utf-8") == "new a" and (tmp_path / "b").read_bytes() == b"new b"
    assert (tmp_path / "sub" / "c").read_text("utf-8") == "c"
    assert (tmp_path / "b").stat().st_mode & 0o777 == 0o640  # permissions kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "sub"]  # no temporary left


def test_a_failed_write_of_one_file_changes_none(tmp_path: Path, monkeypatch):
    for name in "abc":
        (tmp_path / name).write_text(f"old {name}", "utf-8")
    before = _state(tmp_path)
    full_disk_at(monkeypatch, 3)
    with pytest.raises(UserError, match=r"cannot write .*/c: No space left on device; nothing was changed"):
        write_all_atomic([(tmp_path / name, f"new {name}") for name in "abc"])
    assert _state(tmp_path) == before  # the first two were not replaced, no temporaries left


def test_a_failed_rename_puts_back_the_files_already_replaced(tmp_path: Path, monkeypatch):
    (tmp_path / "a").write_text("old a", "utf-8")  # b is new
    (tmp_path / "c").write_text("old c", "utf-8")
    before = _state(tmp_path)
    real, calls = os.replace, []

    def third_fails(source, target):
        if not str(source).endswith(".old"):
            calls.append(target)
            if len(calls) == 3:
                raise OSError(5, "Input/output error")
        return real(source, target)

    monkeypatch.setattr(atomic.os, "replace", third_fails)
    with pytest.raises(UserError, match=r"cannot write .*/c: Input/output error; nothing was changed"):
        write_all_atomic([(tmp_path / name, f"new {name}") for name in "abc"])
    assert len(calls) == 3
    assert _state(tmp_path) == before  # a is back, b is gone again, c untouched


def test_a_read_only_file_in_the_set_is_refused_before_anything_is_written(tmp_path: Path):
    (tmp_path / "a").write_text("old a", "utf-8")
    (tmp_path / "b").write_text("old b", "utf-8")
    os.chmod(tmp_path / "b", 0o444)
    with pytest.raises(UserError, match="read-only"):
        write_all_atomic([(tmp_path / "a", "new"), (tmp_path / "b", "new")])
    assert (tmp_path / "a").read_text("utf-8") == "old a"


@pytest.mark.parametrize("writer", [write_atomic, lambda path, text: write_all_atomic([(path, text)])])
def test_a_file_where_a_folder_should_be_is_named(tmp_path: Path, writer):
    (tmp_path / "afile").write_text("x", "utf-8")
    with pytest.raises(UserError) as caught:
        writer(tmp_path / "afile" / "sub" / "x.txt", "text")
    assert str(caught.value) == (
        f"cannot write {tmp_path}/afile/sub/x.txt: {tmp_path}/afile is not a folder; nothing was changed"
    )


def test_devices_and_folders_are_not_replaced(tmp_path: Path):
    with pytest.raises(UserError, match="/dev/null is not a regular file"):
        write_all_atomic([(Path("/dev/null"), "x")])
    with pytest.raises(UserError, match="is not a regular file"):
        write_atomic(tmp_path, "x")


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_a_folder_that_takes_no_files_is_explained():
    with pytest.raises(UserError, match=r"cannot write /proc/x\.pdf: /proc takes no new files; nothing was changed"):
        write_atomic(Path("/proc/x.pdf"), b"%PDF")


def test_reason_falls_back_to_the_systems_words(tmp_path: Path):
    assert reason(PermissionError(13, "Permission denied"), tmp_path / "x") == "Permission denied"
