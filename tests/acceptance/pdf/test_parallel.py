"""The PDFs of a build are rendered in one process per core, counted by the
progress bar, and come out byte for byte as one process makes them."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import textwrap
import time
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

from helpers.paths import PROJECT_ROOT
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
    """The process of each renderer started."""
    groups: list[int] = []
    real = cpdgen.output.pdfs._Renderer.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        groups.append(self.pid)

    monkeypatch.setattr(cpdgen.output.pdfs._Renderer, "__init__", spy)
    return groups


def _gone(pid: int) -> bool:
    """Whether process `pid` has ended (a zombie waiting for a parent that
    does not reap it, as this sandbox's init, has ended too)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


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
    assert groups and all(_gone(group) for group in groups), "the renderer is gone"


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
        os.kill(self.pid, signal.SIGKILL)  # the renderer alone, as the OOM killer would: its workers die with it
        yield from real(self)

    monkeypatch.setattr(cpdgen.output.pdfs._Renderer, "written", killed)
    result = validate_repository(find_repository(member.root))
    from cpdgen.common.errors import UserError

    with pytest.raises(UserError, match="ended before it was done"):
        build(result, member.root, tmp_path / "out", TODAY)
    assert not (tmp_path / "out" / "private").exists()


# -- Found by an adversarial review of the renderer process


def _alive(group: int) -> bool:
    """Whether a process of `group` still runs (a zombie waiting for a parent
    that does not reap it, as this sandbox's init, has ended)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stream:
                    fields = stream.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                return True
    return False


def _env(**more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env.update(more)
    return env


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_to_the_builds_process_group_also_ends_the_pdf_renderer(member: TmpRepo, tmp_path: Path, signum: int):
    """`timeout 600 cpdgen build`, a closed terminal (SIGHUP to the foreground
    group), a cancelled CI job (kill -TERM -PGID): the whole group is
    signalled and cpdgen dies without running its `with` blocks. The
    renderer and its workers are in that group and die with it, and the
    build lock they inherited is free at once."""
    marker = tmp_path / "renders.txt"
    script = textwrap.dedent(
        f"""
        import os, sys, time
        import cpdgen.render.pdf as rp
        def slow(self, job):
            with open({str(marker)!r}, "a") as f:
                f.write(f"{{os.getpgid(0)}}\\n")
            time.sleep(60)
            return b"%PDF-1.4"
        rp.PdfMaker.render = slow
        sys.argv = ["cpdgen", "--as-of", "2026-03-01", "build"]
        from cpdgen.cli import main
        main()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=member.root,
        env=_env(CPDGEN_JOBS="2"),
        start_new_session=True,  # the "terminal's" foreground group, led by cpdgen
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    groups: set[int] = set()
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the PDFs started rendering"
        os.killpg(proc.pid, signum)  # what timeout(1), a hangup or a CI runner does
        proc.wait(10)
        time.sleep(0.3)
        groups = {int(line) for line in marker.read_text().split()}
        survivors = [group for group in groups if _alive(group)]
        lock = member.root / "output" / ".cache" / "build.lock"
        with open(lock, "a+b") as stream:
            try:
                fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = False
            except BlockingIOError:
                locked = True
        assert not survivors and not locked, f"cpdgen is gone but its PDF renderer's group {survivors} renders on" + (
            ", holding the build lock" if locked else ""
        )
    finally:
        for group in groups | {proc.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        proc.wait(10)


def test_a_pdf_that_fails_is_reported_without_rendering_all_the_others_first(
    member: TmpRepo, tmp_path: Path, monkeypatch
):
    """A PDF that fails is reported at once and the PDFs still queued are not
    rendered (at 10,000 records, minutes of rendering before the error)."""
    from cpdgen.common.errors import UserError

    monkeypatch.setenv("CPDGEN_JOBS", "2")
    first = tmp_path / "first"
    started = tmp_path / "started.txt"

    def render(self, job):
        with open(started, "a") as stream:
            stream.write(job.private_name + "\n")
        try:
            os.close(os.open(first, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            time.sleep(2)
            return b"%PDF-1.4"
        raise UserError(f"cannot render {job.private_name}")  # the first PDF started fails at once

    monkeypatch.setattr(cpdgen.render.pdf.PdfMaker, "render", render)
    result = validate_repository(find_repository(member.root))
    began = time.monotonic()
    with pytest.raises(UserError, match="cannot render"):
        build(result, member.root, tmp_path / "out", TODAY)
    elapsed = time.monotonic() - began
    renders = started.read_text().split()
    assert len(renders) < 7 and elapsed < 4, f"{len(renders)} of 7 PDFs started, error after {elapsed:.1f} s"


def test_a_renderer_killed_on_its_own_fails_the_build_rather_than_hang(member: TmpRepo, tmp_path: Path, monkeypatch):
    """The renderer killed alone (kill -9 of its pid, the OOM killer): its
    workers, which hold its end of the report pipe, die with it on Linux, and
    this process notices its end while it waits, so the build fails with a
    clear message instead of waiting for ever."""
    from cpdgen.common.errors import UserError

    monkeypatch.setenv("CPDGEN_JOBS", "2")

    def slow(self, job):
        time.sleep(1)
        return b"%PDF-1.4"

    monkeypatch.setattr(cpdgen.render.pdf.PdfMaker, "render", slow)
    real = cpdgen.output.pdfs._Renderer.written

    def killed(self):
        time.sleep(1)  # its pool is started
        os.kill(self.pid, signal.SIGKILL)  # the renderer only, as the OOM killer would
        yield from real(self)

    monkeypatch.setattr(cpdgen.output.pdfs._Renderer, "written", killed)
    result = validate_repository(find_repository(member.root))

    class Hung(Exception):  # not TimeoutError: written() takes any OSError for the renderer's end
        pass

    def hung(signum, frame):
        raise Hung("the build still waits for the dead renderer after 20 s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        with pytest.raises(UserError, match="ended before it was done"):
            build(result, member.root, tmp_path / "out", TODAY)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


LIBRARY_CALLER = """
import sys
from datetime import date
from pathlib import Path
import cpdgen.render.pdf as rp
rp.PdfMaker.render = lambda self, job: b"%PDF-1.4"
from cpdgen.loading.files import find_repository
from cpdgen.output.build import build
from cpdgen.validation.repository import validate_repository
print("said once, before the build")
result = validate_repository(find_repository(Path.cwd()))
build(result, Path.cwd(), Path.cwd() / "output", date(2026, 3, 1))
"""


def test_output_buffered_before_the_build_is_written_once(member: TmpRepo):
    """What a library caller printed before the build, still buffered, is
    written once: the renderer is forked after the streams are flushed and
    takes fresh ones of its own. (PYTHONUNBUFFERED must be unset to see it.)"""
    import shutil

    for run in ("cold", "warm"):  # a cold validation starts its own pool, whose Popen flushes first
        shutil.rmtree(member.root / "output", ignore_errors=True)  # PDFs to render, no linker process
        done = subprocess.run(
            [sys.executable, "-c", LIBRARY_CALLER],
            cwd=member.root,
            env=_env(CPDGEN_JOBS="2"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("said once, before the build") == 1, (run, done.stdout)


def test_a_signal_just_after_the_fork_never_runs_the_callers_code_in_the_renderer(
    member: TmpRepo, tmp_path: Path, monkeypatch
):
    """Signals are held across the fork: a Ctrl-C right after it (simulated by
    raising SIGINT in the child as fork returns) never sends the renderer back
    into the caller's code (the build's clean-up, click, pytest)."""
    monkeypatch.setenv("CPDGEN_JOBS", "2")
    parent = os.getpid()
    real_fork = os.fork
    escaped = tmp_path / "child-returned"

    def fork():
        pid = real_fork()
        if pid == 0 and os.getppid() == parent:
            signal.raise_signal(signal.SIGINT)
        return pid

    result = validate_repository(find_repository(member.root))
    monkeypatch.setattr(cpdgen.output.pdfs.os, "fork", fork)
    try:
        build(result, member.root, tmp_path / "out", TODAY)
    except BaseException:
        pass
    finally:
        if os.getpid() != parent:
            escaped.write_text("the renderer ran the caller's code")
            os._exit(0)
    time.sleep(0.5)
    assert not escaped.exists(), "the forked renderer returned into the caller's code"
