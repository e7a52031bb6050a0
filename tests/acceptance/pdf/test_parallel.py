"""The PDFs of a build are rendered in one process per core, counted by the
progress bar, and come out byte for byte as one process makes them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdf
import pytest

import cpdgen.output.pdfs
from cpdgen.loading.files import find_repository
from cpdgen.output.build import build
from cpdgen.validation.repository import validate_repository

from helpers.repos import TmpRepo

TODAY = date(2026, 3, 1)  # the default review year is 2025
ACTIVITY = "title: Relay protection talk\ntype: event\nstart: 2025-03-14\nhours: 2\nstatus: completed\n"


@pytest.fixture
def member(repo: TmpRepo) -> TmpRepo:
    repo.write("records/activities/2025/talk.yaml", ACTIVITY)
    repo.write("records/declarations/2024.yaml", "year: 2024\n")
    return repo


def pools_used(monkeypatch) -> list[int]:
    started: list[int] = []
    real = cpdgen.output.pdfs.ProcessPoolExecutor

    class Spy(real):
        def __init__(self, workers, *args, **kwargs):
            started.append(workers)
            super().__init__(workers, *args, **kwargs)

    monkeypatch.setattr(cpdgen.output.pdfs, "ProcessPoolExecutor", Spy)
    return started


def built(member: TmpRepo, out: Path, jobs: str, monkeypatch) -> tuple[dict[str, bytes], list, list[int]]:
    monkeypatch.setenv("CPDGEN_JOBS", jobs)
    pools = pools_used(monkeypatch)
    calls: list[tuple[int, int]] = []
    result = validate_repository(find_repository(member.root))
    assert result.ok, result.errors
    build(result, member.root, out, TODAY, progress=lambda done, total: calls.append((done, total)))
    files = {path.name: path.read_bytes() for path in sorted((out / "private").glob("*.pdf"))}
    return files, calls, pools


def test_pdfs_rendered_by_workers_equal_those_of_one_process(member: TmpRepo, tmp_path: Path, monkeypatch):
    one, _, pools = built(member, tmp_path / "one", "1", monkeypatch)
    assert pools == [], "CPDGEN_JOBS=1 renders in this process"
    two, calls, pools = built(member, tmp_path / "two", "2", monkeypatch)
    assert pools == [2], "two processes render the PDFs"
    assert len(one) == 7  # the CV, and 2024's and 2025's declaration and reports
    assert two == one
    text = "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "two/private/cv.pdf").pages)
    assert "Jo Bloggs" in text


def test_the_progress_bar_counts_the_pdfs(member: TmpRepo, tmp_path: Path, monkeypatch):
    _, calls, _ = built(member, tmp_path / "out", "2", monkeypatch)
    pages = len(list((tmp_path / "out/site").rglob("*.html")))
    total = pages + 7
    assert calls[-1] == (total, total)
    assert all(seen == total for _, seen in calls)
    counts = [done for done, _ in calls]
    assert counts == sorted(counts)
    assert set(range(total - 7, total + 1)) <= set(counts), "each PDF is counted as it is made"


def test_a_rebuild_counts_the_reused_pdfs_at_once(member: TmpRepo, tmp_path: Path, monkeypatch):
    built(member, tmp_path / "out", "2", monkeypatch)
    _, calls, pools = built(member, tmp_path / "out", "2", monkeypatch)
    assert pools == [], "nothing to render: no workers"
    assert calls and calls[-1][0] == calls[-1][1]
