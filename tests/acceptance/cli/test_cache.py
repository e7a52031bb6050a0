"""The persistent cache of checked record files (`cpdgen.validation.cache`):
whatever state it is in, every verdict and output is the one a clean run
gives. Each test compares a run with the cache against `--no-cache`."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from pathlib import Path

import pytest

import cpdgen
from cpdgen.common import user_cache
from cpdgen.validation import cache as record_cache
from cpdgen.validation.files import FileChecker

from helpers.repos import TmpRepo

ACTIVITY = """\
title: Talk on protection relays
type: event
start: 2025-03-14
hours: 2
status: completed
description: |
  **Distance** protection, and the *settings* we use.
evidence: [evidence/talk.pdf]
"""
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def member(repo: TmpRepo) -> TmpRepo:
    """A repository with valid and invalid records, a list file, an example,
    a path field, and a duplicate id (a cross-record rule)."""
    repo.write("evidence/talk.pdf", PDF)
    repo.write("records/activities/2025/talk.yaml", ACTIVITY)
    repo.write("records/activities/2025/bad.yaml", "title: Broken\ntype: meeting\nstart: 2025-02-30\nhours: -1\n")
    repo.write(
        "records/activities/2025/list.yaml",
        "- id: a1\n  title: One\n  type: event\n  start: 2025-01-02\n  hours: 1\n"
        "- id: a1\n  title: Two\n  type: event\n  start: 2025-01-03\n  hours: 1\n"
        "- just a string\n",
    )
    repo.write(
        "records/activities/2025/example.yaml",
        "title: Example\ntype: event\nstart: 2025-01-05\nhours: 1\nexample: true\n",
    )
    repo.write("records/activities/2025/empty.yaml", "")
    # An invalid record that also names an objective nobody has: the reference
    # is judged across records, from what the cache kept of the unbuilt record.
    repo.write(
        "records/activities/2025/dangling.yaml",
        "title: Dangling\ntype: event\nstart: 2025-03-02\nend: 2025-03-01\nhours: 1\nobjectives: [nonexistent]\n",
    )
    repo.write(
        "records/training/2025/course.yaml",
        "title: Course\nstart: 2025-05-01\nhours: 7\ncertificate: evidence/none.pdf\n",
    )
    return repo


def verdict(repo: TmpRepo, *options: str) -> tuple[int, dict, str]:
    """Exit status, JSON report and text report of `cpdgen validate`."""
    result = repo.run(*options, "validate", "--format", "json")
    text = repo.run(*options, "validate")
    return result.exit_code, json.loads(result.stdout), text.output


def clean(repo: TmpRepo) -> tuple[int, dict, str]:
    return verdict(repo, "--no-cache")


def cache_path(cache_dir: Path) -> Path:
    [path] = cache_dir.glob("records-*.bin")
    return path


def rewrite(path: Path, body: bytes) -> None:
    """A cache file with a right envelope (magic, checksum) around `body`."""
    path.write_bytes(record_cache.MAGIC + hashlib.blake2b(body, digest_size=32).digest() + body)


def test_a_cached_run_gives_the_clean_verdict_and_reads_the_cache(member: TmpRepo, _own_cache: Path, monkeypatch):
    expected = clean(member)
    assert expected[0] == 1 and expected[1]["errors"], "the fixture has errors to keep"
    assert "nonexistent" in expected[2], "a broken reference of an invalid record is reported"
    assert not list(_own_cache.glob("records-*")), "--no-cache writes no cache"
    assert verdict(member) == expected  # writes the cache
    assert cache_path(_own_cache).stat().st_size > 0

    # The next run takes every file from the cache: checking one again would fail.
    def refuse(self, source, text):
        raise AssertionError(f"{source.rel} was checked again")

    monkeypatch.setattr(FileChecker, "_check_text", refuse)
    assert verdict(member) == expected


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: raw[:-1], id="last-byte-missing"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: os.urandom(len(raw)), id="garbage"),
        pytest.param(lambda raw: raw[:-10] + bytes(b ^ 0xFF for b in raw[-10:]), id="bits-flipped"),
        pytest.param(lambda raw: record_cache.MAGIC + b"\0" * 40, id="magic-then-zeros"),
    ],
)
def test_a_damaged_cache_changes_nothing(member: TmpRepo, _own_cache: Path, damage):
    expected = clean(member)
    assert verdict(member) == expected
    path = cache_path(_own_cache)
    path.write_bytes(damage(path.read_bytes()))
    assert verdict(member) == expected
    assert verdict(member) == expected  # and is replaced by a good one


def _poisoned_entries(path: Path) -> tuple[int, bytes, dict]:
    """The cache's contents with every file's verdict replaced by "valid,
    no records": trusted, this would hide every error."""
    raw = path.read_bytes()
    fmt, context, entries = marshal.loads(raw[len(record_cache.MAGIC) + 32 :])
    return fmt, context, {rel: (e[0], e[1], e[2], e[3], 0, (), (), (), ()) for rel, e in entries.items()}


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(lambda fmt, ctx, entries: ["not", "a", "tuple"], id="a-list"),
        pytest.param(lambda fmt, ctx, entries: (fmt, ctx, list(entries.items())), id="entries-a-list"),
        pytest.param(lambda fmt, ctx, entries: (fmt, ctx, dict.fromkeys(entries, "text")), id="entry-a-string"),
        pytest.param(
            lambda fmt, ctx, entries: (fmt, ctx, {rel: (*e[:4], "1", *e[5:]) for rel, e in entries.items()}),
            id="count-a-string",
        ),
        pytest.param(
            lambda fmt, ctx, entries: (fmt, ctx, {rel: (*e[:5], [("x",)], *e[6:]) for rel, e in entries.items()}),
            id="diagnostics-wrong",
        ),
        pytest.param(
            lambda fmt, ctx, entries: (
                fmt,
                ctx,
                {
                    rel: (*e[:6], tuple(({"title": 5}, None, None, False) for _ in e[6]), e[7])
                    for rel, e in entries.items()
                },
            ),
            id="record-data-unbuildable",
        ),
        pytest.param(lambda fmt, ctx, entries: (fmt + 1, ctx, entries), id="other-format"),
        pytest.param(lambda fmt, ctx, entries: (fmt, b"another context", entries), id="other-context"),
    ],
)
def test_a_cache_of_the_wrong_shape_changes_nothing(member: TmpRepo, _own_cache: Path, shape):
    expected = clean(member)
    assert verdict(member) == expected
    path = cache_path(_own_cache)
    fmt, context, entries = marshal.loads(path.read_bytes()[len(record_cache.MAGIC) + 32 :])
    rewrite(path, marshal.dumps(shape(fmt, context, entries)))
    assert verdict(member) == expected


def test_a_file_changed_with_the_same_size_and_time_is_checked_again(member: TmpRepo, _own_cache: Path):
    assert verdict(member) == clean(member)
    path = member.records / "activities/2025/talk.yaml"
    before = path.stat()
    text = path.read_text("utf-8")
    changed = text.replace("status: completed", "status: completXd")
    assert len(changed) == len(text)
    path.write_text(changed, "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    after = verdict(member)
    assert after == clean(member)
    assert any(e["file"].endswith("talk.yaml") and "status" in e["message"] for e in after[1]["errors"])


def test_a_path_a_record_names_is_checked_again(member: TmpRepo, _own_cache: Path):
    """The verdict on a record depends on the files it names: a cached file
    whose evidence has gone, or whose missing certificate has come, is
    checked again."""
    assert verdict(member) == clean(member)
    (member.root / "evidence/talk.pdf").unlink()
    member.write("evidence/none.pdf", PDF)
    after = verdict(member)
    assert after == clean(member)
    messages = {(e["file"].rsplit("/", 1)[-1], "talk.pdf" in e["message"]) for e in after[1]["errors"]}
    assert ("talk.yaml", True) in messages
    assert not any(e["file"].endswith("course.yaml") for e in after[1]["errors"])


def test_files_added_and_removed(member: TmpRepo, _own_cache: Path):
    assert verdict(member) == clean(member)
    (member.records / "activities/2025/bad.yaml").unlink()
    member.write("records/activities/2025/new.yaml", ACTIVITY.replace("Talk", "Another talk"))
    assert verdict(member) == clean(member)


def test_another_cpdgen_version_never_trusts_the_cache(member: TmpRepo, _own_cache: Path, monkeypatch):
    """A cache written by one version (here poisoned to say every file is
    valid) is never read by another: its verdicts stand only for the version
    that wrote them."""
    expected = clean(member)
    assert verdict(member) == expected
    path = cache_path(_own_cache)
    rewrite(path, marshal.dumps(_poisoned_entries(path)))
    assert verdict(member)[0] == 0, "the poisoned cache is read by the version that wrote it"

    monkeypatch.setattr(cpdgen, "__version__", "99.0.0")
    assert verdict(member) == expected


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda m: m.setattr(record_cache, "library_versions", lambda: ["jsonschema-0.1.dist-info"]), id="libraries"
        ),
        pytest.param(lambda m: m.setattr(record_cache, "_CODE_DIGEST", b"other code"), id="cpdgen-code"),
    ],
)
def test_other_libraries_or_code_never_trust_the_cache(member: TmpRepo, _own_cache: Path, monkeypatch, change):
    expected = clean(member)
    assert verdict(member) == expected
    path = cache_path(_own_cache)
    rewrite(path, marshal.dumps(_poisoned_entries(path)))
    change(monkeypatch)
    assert verdict(member) == expected


def test_the_settings_and_policy_files_key_the_cache(member: TmpRepo, _own_cache: Path):
    assert verdict(member) == clean(member)
    path = cache_path(_own_cache)
    rewrite(path, marshal.dumps(_poisoned_entries(path)))
    member.write("cpdgen.yaml", "policy: iet\n# a comment\n")
    assert verdict(member) == clean(member)


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("CPDGEN_CACHE_DIR", str(tmp_path / "mine"))
    assert user_cache.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("CPDGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache.cache_dir() == tmp_path / "xdg" / "cpdgen"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_cache.cache_dir() == tmp_path / "home" / ".cache" / "cpdgen"


def test_an_unwritable_cache_folder_is_no_error(member: TmpRepo, tmp_path: Path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CPDGEN_CACHE_DIR", str(blocker / "cache"))
    assert verdict(member) == clean(member)


def test_a_policy_file_of_the_repository_keys_the_cache(member: TmpRepo, _own_cache: Path):
    from cpdgen.common.resources import builtin_policies

    member.write("policies/mine.yaml", builtin_policies()["iet"].read_bytes())
    member.write("cpdgen.yaml", "policy: policies/mine.yaml\n")
    expected = clean(member)
    assert verdict(member) == expected
    path = cache_path(_own_cache)
    rewrite(path, marshal.dumps(_poisoned_entries(path)))
    assert verdict(member)[0] == 0, "the poisoned cache is read while nothing changed"
    policy = member.root / "policies/mine.yaml"
    policy.write_bytes(policy.read_bytes() + b"\n# a comment\n")
    assert verdict(member) == clean(member)


def test_the_cache_written_behind_a_run_is_on_disk_when_the_command_ends(
    member: TmpRepo, _own_cache: Path, monkeypatch
):
    """The cache is written in a thread while the run goes on; a command
    waits for it before it ends, and the next run in the same process
    reads what it wrote, however slow the writing."""
    import threading
    import time

    from cpdgen.common import sealed
    from cpdgen.loading.files import find_repository
    from cpdgen.validation.repository import validate_repository

    real, writers = sealed.write_sealed, []

    def slow(*args, **kwargs):
        writers.append(threading.current_thread().name)
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(record_cache, "write_sealed", slow)
    expected = clean(member)
    member.run("validate")
    assert cache_path(_own_cache).stat().st_size > 0  # there as soon as the command returned
    assert writers and all(name == "cpdgen-cache" for name in writers), "written in its own thread"
    assert verdict(member) == expected
    member.write("records/activities/2025/more.yaml", "title: More\ntype: event\nstart: 2025-04-01\nhours: 1\n")
    found = find_repository(member.root)
    started = time.perf_counter()
    validate_repository(found)  # as serve calls it: returns while its cache is still being written
    assert time.perf_counter() - started < 0.9  # did not wait for the write
    checked = []
    monkeypatch.setattr(FileChecker, "check_text", lambda self, source, text: checked.append(source.rel))
    validate_repository(found)  # waits for that write, then takes every file from it
    assert checked == []
    record_cache.finish_writing()
