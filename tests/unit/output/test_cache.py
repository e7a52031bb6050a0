"""The build cache (`cpdgen.output.cache`): a file is reused only while its key
is unchanged; a broken or foreign cache file is ignored."""

from __future__ import annotations

import pytest

from cpdgen.output.cache import BuildCache, key_of


def test_cache_reuses_a_file_only_when_its_key_is_unchanged(tmp_path):
    previous, staging, cache_file = tmp_path / "prev", tmp_path / "stage", tmp_path / "cache.json"
    (previous / "a").mkdir(parents=True)
    (previous / "a" / "p.html").write_text("old page")
    first = BuildCache(cache_file, previous)
    first.record("a/p.html", key_of("v1"))
    first.save()
    second = BuildCache(cache_file, previous)
    assert not second.reuse("a/p.html", key_of("v2"), staging)
    assert second.reuse("a/p.html", key_of("v1"), staging)
    assert (staging / "a" / "p.html").read_text() == "old page" and second.reused == 1
    second.forget()
    assert not cache_file.exists()
    assert BuildCache(cache_file, previous).previous == {}


@pytest.mark.parametrize("content", ["not json", '{"version": 0, "files": {}}', '["x"]'])
def test_a_broken_or_foreign_cache_file_is_ignored(tmp_path, content):
    (tmp_path / "c.json").write_text(content)
    assert BuildCache(tmp_path / "c.json", tmp_path).previous == {}
