"""The PDFs of a build are rendered in one process per core, counted by the
progress bar, and come out byte for byte as one process makes them."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pypdf
import pytest

import cpdgen.output.build
import cpdgen.output.pdfs
import cpdgen.render.pdf
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


def pools_used(monkeypatch, record: Path) -> Path:
    """Each pool of PDF workers started, as a line in `record`: the pool is
    started in the renderer's own process, whose memory is not this one's."""
    real = cpdgen.output.pdfs.ProcessPoolExecutor

    class Spy(real):
        def __init__(self, workers, *args, **kwargs):
            with open(record, "a", encoding="utf-8") as stream:
                stream.write(f"{workers} {os.getpid()}\n")
            super().__init__(workers, *args, **kwargs)

    record.write_text("", encoding="utf-8")
    monkeypatch.setattr(cpdgen.output.pdfs, "ProcessPoolExecutor", Spy)
    return record


def _pools(record: Path) -> list[int]:
    lines = record.read_text(encoding="utf-8").split()
    assert all(int(pid) != os.getpid() for pid in lines[1::2]), "started in a process of its own"
    return [int(workers) for workers in lines[::2]]


def built(member: TmpRepo, out: Path, jobs: str, monkeypatch) -> tuple[dict[str, bytes], list, list[int]]:
    monkeypatch.setenv("CPDGEN_JOBS", jobs)
    record = pools_used(monkeypatch, out.parent / f"{out.name}-pools.txt")
    calls: list[tuple[int, int]] = []
    result = validate_repository(find_repository(member.root))
    assert result.ok, result.errors
    build(result, member.root, out, TODAY, progress=lambda done, total: calls.append((done, total)))
    files = {path.name: path.read_bytes() for path in sorted((out / "private").glob("*.pdf"))}
    return files, calls, _pools(record)


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


def _renderer_group(monkeypatch) -> list[int]:
    """The process group of each renderer started."""
    groups: list[int] = []
    real = cpdgen.output.pdfs._Renderer.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        groups.append(self.pid)

    monkeypatch.setattr(cpdgen.output.pdfs._Renderer, "__init__", spy)
    return groups


def _gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_pdf_that_fails_in_a_worker_fails_the_build_and_leaves_the_output(
    member: TmpRepo, tmp_path: Path, monkeypatch
):
    from cpdgen.common.errors import UserError

    monkeypatch.setenv("CPDGEN_JOBS", "2")
    groups = _renderer_group(monkeypatch)
    result = validate_repository(find_repository(member.root))

    def broken(self, job):
        raise UserError(f"cannot render {job.private_name}")

    monkeypatch.setattr(cpdgen.render.pdf.PdfMaker, "render", broken)
    with pytest.raises(UserError, match="cannot render"):
        build(result, member.root, tmp_path / "out", TODAY)
    assert not (tmp_path / "out" / "private").exists() and not (tmp_path / "out" / "site").exists()
    assert groups and all(_gone(group) for group in groups), "the renderer and its workers are gone"


def test_weasyprint_that_does_not_load_is_a_clear_error(member: TmpRepo, tmp_path: Path, monkeypatch):
    from cpdgen.common.errors import UserError

    monkeypatch.setenv("CPDGEN_JOBS", "2")

    def missing():
        raise UserError("cannot make PDFs: WeasyPrint does not load (no Pango here)")

    monkeypatch.setattr(cpdgen.render.pdf, "_weasyprint", missing)
    result = validate_repository(find_repository(member.root))
    with pytest.raises(UserError, match="WeasyPrint does not load"):
        build(result, member.root, tmp_path / "out", TODAY)


def test_a_failing_site_stops_the_pdfs_under_way(member: TmpRepo, tmp_path: Path, monkeypatch):
    """The PDFs render while the site is built; a site that fails ends them
    at once, workers and all, and nothing is swapped in."""
    import time

    from cpdgen.common.errors import UserError

    monkeypatch.setenv("CPDGEN_JOBS", "2")
    groups = _renderer_group(monkeypatch)
    result = validate_repository(find_repository(member.root))

    def slow(self, job):
        time.sleep(30)
        return b""

    def failing_site(*args, **kwargs):
        raise UserError("the site cannot be built")

    monkeypatch.setattr(cpdgen.render.pdf.PdfMaker, "render", slow)
    monkeypatch.setattr(cpdgen.output.build, "build_site", failing_site)
    started = time.monotonic()
    with pytest.raises(UserError, match="the site cannot be built"):
        build(result, member.root, tmp_path / "out", TODAY)
    assert time.monotonic() - started < 20, "it did not wait for the PDFs"
    assert groups and all(_gone(group) for group in groups)


def test_a_renderer_that_dies_fails_the_build(member: TmpRepo, tmp_path: Path, monkeypatch):
    import signal

    monkeypatch.setenv("CPDGEN_JOBS", "2")
    real = cpdgen.output.pdfs._Renderer.written

    def killed(self):
        os.killpg(self.pid, signal.SIGKILL)
        yield from real(self)

    monkeypatch.setattr(cpdgen.output.pdfs._Renderer, "written", killed)
    result = validate_repository(find_repository(member.root))
    from cpdgen.common.errors import UserError

    with pytest.raises(UserError, match="ended before it was done"):
        build(result, member.root, tmp_path / "out", TODAY)
    assert not (tmp_path / "out" / "private").exists()
