"""Writing the PDFs: every PDF of a build (reusing unchanged ones), or one
PDF on its own for `cpdgen declaration pdf` and `cpdgen report --format pdf`.

The HTML and the PDF bytes come from `cpdgen.render.pdf`; this module keys,
caches and writes them, atomically, so a reader never sees half a PDF.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path

from cpdgen.common.atomic import write_atomic
from cpdgen.common.errors import UserError
from cpdgen.common.parallel import heavy_job_count
from cpdgen.compute.documents import generated_file, too_big_to_upload
from cpdgen.loading.documents import inspect_documents
from cpdgen.loading.files import Repository
from cpdgen.model.policy import Policy
from cpdgen.model.records import Records
from cpdgen.output.build import CACHE, OUTPUT, PRIVATE_CACHE, refuse_records_folder
from cpdgen.output.cache import BuildCache, files_digest, key_of
from cpdgen.output.folders import marked_folder
from cpdgen.render.pdf import PDF_FORMAT, PdfJob, PdfMaker, build_jobs, weasyprint_version


def pdf_maker(records: Records, policy: Policy, root: Path, today: date) -> PdfMaker:
    """The PDFs of the repository at `root`, its supporting documents read from disk."""
    return PdfMaker(records, policy, root, today, partial(inspect_documents, root))


def build_pdfs(
    records: Records,
    policy: Policy,
    root: Path,
    private_folder: Path,
    private_cache: BuildCache,
    *,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Write every PDF of a build into `private_folder` (output/private/ once
    the build succeeds), reusing last build's file when its key is unchanged;
    see `PdfRun`. Returns the names written, relative to `private_folder`."""
    with PdfRun(records, policy, root, private_folder, private_cache, today=today) as run:
        return run.finish(progress)


class PdfRun:
    """The PDFs of a build, started at once and finished later, so that
    this process can build the site while other processes render them.

    Unchanged PDFs (same key as last build's) are reused; the others are
    rendered by a forked process of their own (`_Renderer`) in one worker
    per core (`heavy_job_count`; WeasyPrint's layout is single-threaded and
    takes seconds per PDF), the largest HTML first so the longest does not
    start last; with one process, or without fork, `finish` renders them
    here. Leaving the `with` block stops them all, also on an error."""

    def __init__(
        self, records: Records, policy: Policy, root: Path, folder: Path, cache: BuildCache, *, today: date
    ) -> None:
        self.maker = pdf_maker(records, policy, root, today)
        self.folder = folder
        assets = files_digest(self.maker.assets.folders)
        self.made: list[str] = []
        self.todo: list[PdfJob] = []
        for job in build_jobs(self.maker, today):
            key = _key(job, assets)
            if not cache.reuse(job.private_name, key, folder):
                self.todo.append(job)
                cache.record(job.private_name, key)
            self.made.append(job.private_name)
        self.renderer: _Renderer | None = None
        count = heavy_job_count(len(self.todo)) if self.todo else 1
        if count > 1 and "fork" in multiprocessing.get_all_start_methods():
            ordered = sorted(self.todo, key=lambda job: len(job.html), reverse=True)
            self.renderer = _Renderer(self.maker, ordered, folder, count)

    def __enter__(self) -> PdfRun:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.renderer is not None:
            self.renderer.stop()
            self.renderer = None

    def finish(self, progress: Callable[[int], None] | None = None) -> list[str]:
        """Wait for every PDF (`progress(done)` as each is ready, the reused
        ones at once); the names written, relative to the folder."""
        done = len(self.made) - len(self.todo)
        if progress:
            progress(done)
        for _ in self._rendered():
            done += 1
            if progress:
                progress(done)
        return self.made

    def _rendered(self) -> Iterator[str]:
        if self.renderer is None:
            for job in self.todo:
                write_atomic(self.folder / job.private_name, self.maker.render(job))
                yield job.private_name
            return
        yield from self.renderer.written()


class _Renderer:
    """A forked process that imports WeasyPrint and renders `jobs` into
    `folder` in a pool of `count` workers, reporting each PDF written. Its
    own process, not this one, imports WeasyPrint (0.56 s, before any worker
    can start), so this one builds the site meanwhile on the other core.

    It and its workers stay in the caller's process group, so a signal to
    the group (a closed terminal, `timeout`, a cancelled CI job) ends them
    with it; they ignore Ctrl-C, which the caller answers by `stop`. On
    Linux each dies with its parent however that ends (even SIGKILL), so no
    orphan renders on holding the build lock."""

    def __init__(self, maker: PdfMaker, jobs: list[PdfJob], folder: Path, count: int) -> None:
        receiving, sending = multiprocessing.Pipe(duplex=False)
        parent = os.getpid()
        for stream in (sys.stdout, sys.stderr):  # nothing written before is left in the child's copy
            with contextlib.suppress(Exception):
                stream.flush()
        # No signal between the fork and the child's own handlers (nor before the parent knows the pid).
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        pid = os.fork()
        if pid == 0:  # the renderer: never returns into the caller's code
            status = 1
            try:
                _as_renderer(parent, held)
                receiving.close()
                _render_all(maker, jobs, folder, count, sending)
                status = 0
            finally:
                os._exit(status)
        self.pid: int | None = pid
        self.reports = receiving
        sending.close()
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        except BaseException:  # a Ctrl-C held during the fork: the renderer goes too
            self.stop()
            raise

    def written(self) -> Iterator[str]:
        """The name of each PDF as it is written; raises what went wrong."""
        while True:
            try:
                while not self.reports.poll(0.5):
                    if self._ended():  # killed alone: its workers may still hold the pipe open
                        raise EOFError
                kind, value = self.reports.recv()
            except EOFError:
                raise UserError(
                    "the process rendering the PDFs ended before it was done (killed, or out of memory?)"
                ) from None
            if kind == "done":
                yield value
            elif kind == "end":
                return
            else:
                raise value

    def _ended(self) -> bool:
        assert self.pid is not None
        try:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            done = self.pid
        if done:
            self.pid = None  # reaped
        return bool(done)

    def stop(self) -> None:
        """End the renderer and its workers (at once, if still at work) and reap it."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)  # its handler ends the workers, then it
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = None
        self.reports.close()


_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def _as_renderer(parent: int, mask: set) -> None:
    """The renderer's set-up, first thing after the fork: fresh standard
    streams (the parent's may have been mid-write, their locks taken, in
    another thread), Ctrl-C left to the parent, SIGTERM ending the workers
    first, and death with the parent."""
    for name, fd in (("stdout", 1), ("stderr", 2)):
        try:
            fresh = open(os.dup(fd), "w", buffering=1)  # noqa: SIM115 - as long as the process
        except OSError:  # no such stream: nothing to say there
            fresh = open(os.devnull, "w")  # noqa: SIM115
        setattr(sys, name, fresh)
    # Only its own children are its to end: the set it inherited names the caller's.
    multiprocessing.process._children.clear()  # type: ignore[attr-defined]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _end_with_workers)
    _die_with(parent)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _end_with_workers(signum: int, frame: object) -> None:
    """In the renderer, on SIGTERM (`stop`): its workers first, then itself."""
    _kill_workers()
    os._exit(1)


def _kill_workers() -> None:
    """In the renderer: end its pool's workers at once."""
    for worker in multiprocessing.active_children():
        with contextlib.suppress(Exception):
            worker.kill()


def _as_worker(parent: int) -> None:
    """A PDF worker's set-up (the pool's initializer): Ctrl-C left to the
    caller, SIGTERM as the default (to die), death with the renderer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """On Linux: be killed when the parent process ends, however it ends."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended already
        os._exit(1)


def _render_all(maker: PdfMaker, jobs: list[PdfJob], folder: Path, count: int, report: Connection) -> None:
    """In the renderer: WeasyPrint imported once (a clear error if it cannot
    load) and inherited by the workers, which write the PDFs. A failure is
    reported at once, and the other PDFs are not rendered."""
    global _worker_maker
    try:
        from cpdgen.render.pdf import _weasyprint

        _weasyprint()
        _worker_maker = maker
        pool = ProcessPoolExecutor(
            count, mp_context=multiprocessing.get_context("fork"), initializer=_as_worker, initargs=(os.getpid(),)
        )
        futures = [pool.submit(_render_into, job, folder) for job in jobs]
        for future in as_completed(futures):
            report.send(("done", future.result()))
        pool.shutdown(wait=True)
        report.send(("end", None))
    except BaseException as exc:
        try:
            report.send(("failed", exc))
        except Exception:  # an exception that cannot travel: its trace in words
            report.send(("failed", RuntimeError("".join(traceback.format_exception(exc)))))
        _kill_workers()  # the rest is not wanted


_worker_maker: PdfMaker | None = None


def _render_into(job: PdfJob, folder: Path) -> str:
    """In a worker: render one PDF and write it (the bytes need not travel back)."""
    assert _worker_maker is not None
    write_atomic(folder / job.private_name, _worker_maker.render(job))
    return job.private_name


def _key(job: PdfJob, assets_digest: str) -> str:
    """What a PDF is made from: the renderer, the assets, the HTML and the attachments."""
    attachments = (part for a in job.attachments for part in (a.name, a.description, a.data))
    return key_of(PDF_FORMAT, weasyprint_version(), assets_digest, job.html, *attachments)


@dataclass(frozen=True)
class WrittenPdf:
    path: Path
    size: int
    too_big: str | None  # why the body's upload form would refuse it, if it would
    unprintable: tuple[str, ...] = ()  # records with characters no installed font has (render.glyphs)


def write_pdf_file(
    repo: Repository,
    records: Records,
    policy: Policy,
    document: str,
    year: int | None,
    output: str | None,
    *,
    cwd: Path,
    today: date,
) -> WrittenPdf:
    """Render one PDF and write it atomically to `output` (relative to `cwd`;
    a folder takes the usual file name) or to its place under output/ at the
    repository root, as `cpdgen build` would."""
    default = repo.root / OUTPUT / generated_file(document, year or 0)
    target = default if output is None else cwd / output
    if output is not None and (target.is_dir() or output.endswith(("/", os.sep))):
        target = target / default.name  # a folder (one ending in / may not exist yet)
    refuse_records_folder(repo, target, "-o")
    maker = pdf_maker(records, policy, repo.root, today)
    data = maker.render(maker.job(document, year))
    if target.parent.resolve() == default.parent.resolve():
        marked_folder(default.parent, private=True)  # output/private/ as `cpdgen build` makes it
    write_atomic(target, data)
    if target.resolve().parent == default.resolve().parent:
        # A file of the last build was replaced: its cache entry no longer describes it.
        BuildCache(repo.root / OUTPUT / CACHE / PRIVATE_CACHE, default.parent).forget()
    from cpdgen.render.glyphs import unprintable

    return WrittenPdf(target, len(data), too_big_to_upload(document, len(data), policy), tuple(unprintable(records)))
