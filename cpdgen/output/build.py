"""`cpdgen build`: the shell that turns a validated repository into output/.

    output/site/      the public portfolio (render.site, from the public view)
    output/private/   the PDFs (render.pdf, from all records)
    output/.cache/    what the next build may reuse

Both folders are built into staging folders beside them and swapped in
together only when everything has been written (`writing.FolderSwap`): a
failed or interrupted build leaves the previous output as it was, and a
removed record leaves no stale page behind. Each holds a `.cpdgen` marker:
a folder without one (the user's own) is never replaced.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cpdgen.common.atomic import reason
from cpdgen.common.errors import UsageError, UserError
from cpdgen.common.wording import plural
from cpdgen.compute.documents import generated_type, too_big_to_upload
from cpdgen.loading.files import Repository
from cpdgen.model.policy import Policy
from cpdgen.output.cache import BuildCache
from cpdgen.output.folders import FolderSwap, exclusive_lock, remove_leftovers
from cpdgen.output.site import build_site, load_sentences, save_sentences
from cpdgen.validation.repository import ValidationResult

if TYPE_CHECKING:
    from cpdgen.render.site import SitePages

SITE = "site"
PRIVATE = "private"
CACHE = ".cache"
SITE_CACHE = "site.json"  # below CACHE: the keys of the files of site/
PRIVATE_CACHE = "private.json"  # and of private/
SENTENCES = "sentences.bin"  # below CACHE: the pages' descriptions, worked out from Markdown

OUTPUT = "output"


def output_folder(repo: Repository, out: Path | None, cwd: Path) -> Path:
    """Where output goes: --out (from the current folder), else output/."""
    folder = (cwd / out).resolve() if out is not None else repo.root / OUTPUT
    refuse_records_folder(repo, folder, "--out")
    if out is not None:
        refuse_unsafe_output(repo, folder)
    return folder


def refuse_unsafe_output(repo: Repository, folder: Path) -> None:
    """--out names a folder cpdgen fills with site/, private/ and .cache/:
    never the file system's root, a home folder or the repository itself,
    and no folder holding anything but an earlier cpdgen output."""
    home = Path.home().resolve()
    named = {Path(folder.anchor): "the root of the file system", home: "your home folder",
             repo.root.resolve(): "the repository itself"}.get(folder)  # fmt: skip
    if named:
        raise UsageError(
            f"--out {folder}: that is {named}; cpdgen writes site/, private/ and .cache/ into the folder "
            f"--out names: give it a folder of its own (e.g. {folder / 'cpd-output'})"
        )
    if folder.is_dir() and any(folder.iterdir()) and not _earlier_output(folder):
        raise UserError(
            f"{folder} holds files cpdgen did not make (no site/, private/ or .cache/ of a build); "
            "--out takes a new or empty folder, or one an earlier build wrote"
        )


def _earlier_output(folder: Path) -> bool:
    from cpdgen.output.folders import MARKER

    return (folder / CACHE).is_dir() or any((folder / name / MARKER).is_file() for name in (SITE, PRIVATE))


def refuse_records_folder(repo: Repository, path: Path, option: str) -> None:
    """Nothing but the record-writing commands writes inside records/."""
    records = repo.records.resolve()
    if path.resolve() == records or path.resolve().is_relative_to(records):
        raise UsageError(
            f"{option} {path}: that is inside the records folder {records}; "
            "cpdgen writes no output there (choose a folder outside it)"
        )


# progress(done, total) is called while pages are written.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildSummary:
    pages: int  # HTML pages of the site
    rendered: int  # pages rendered this time (the rest were reused from the cache)
    pdfs: int
    records: int
    seconds: float
    warnings: tuple[str, ...] = ()  # e.g. a PDF the body's upload form would refuse
    site: SitePages | None = field(default=None, repr=False, compare=False)  # the pages just written

    def line(self) -> str:
        reused = self.pages - self.rendered
        reuse = f" ({reused} unchanged)" if reused else ""
        pdfs = f" and {plural(self.pdfs, 'PDF')}" if self.pdfs else ""
        return (
            f"Built {plural(self.pages, 'page')}{reuse}{pdfs} "
            f"from {plural(self.records, 'record')} in {self.seconds:.2f} s"
        )


def build(
    result: ValidationResult,
    root: Path,
    out: Path,
    today: date,
    *,
    pdfs: bool = True,
    progress: Progress | None = None,
    checkpoint: Callable[[], None] = lambda: None,
) -> BuildSummary:
    """Write the site (and, with pdfs=True, the PDFs) of a valid repository
    under `out`. `checkpoint` is called between steps; what it raises ends
    the build with the previous output as it was."""
    started = time.perf_counter()
    try:
        with exclusive_lock(out / CACHE, "build.lock"):  # a concurrent build (or serve) waits for this one
            site, made, site_cache = _build(result, root, out, today, pdfs, progress, checkpoint)
    except OSError as exc:  # a full disk, a folder made read-only, a file unreadable: the swap has put everything back
        raise UserError(f"{failed_on(exc, root, out)}; the previous output is unchanged") from None
    pages = len(site.pages)
    return BuildSummary(
        pages=pages,
        rendered=pages - site_cache.reused,
        pdfs=len(made),
        records=result.record_count,
        seconds=time.perf_counter() - started,
        warnings=tuple(oversized(out / PRIVATE, result.policy)) + tuple(_unprintable(result)) if pdfs else (),
        site=site,
    )


def _unprintable(result: ValidationResult) -> list[str]:
    from cpdgen.render.glyphs import unprintable  # fontconfig, only for builds that print

    return unprintable(result.records)


def failed_on(exc: OSError, root: Path, out: Path) -> str:
    """What a build could not do: write into `out`, or read a file of the
    repository (evidence, a template of the member's), named from its root."""
    where = Path(exc.filename) if exc.filename else out
    if where.resolve().is_relative_to(out.resolve()):
        return f"cannot write {where}: {reason(exc, where)}"
    try:
        shown = where.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = str(where)
    return f"cannot read {shown}: {exc.strerror or exc}"


def oversized(private: Path, policy: Policy) -> list[str]:
    """The PDFs for the upload form that the form would refuse, and why."""
    found = []
    for pdf in sorted(private.glob("*.pdf")):
        warning = too_big_to_upload(generated_type(pdf.name) or "", pdf.stat().st_size, policy)
        if warning:
            found.append(f"{private.name}/{pdf.name} {warning}")
    return found


def _build(
    result: ValidationResult,
    root: Path,
    out: Path,
    today: date,
    pdfs: bool,
    progress: Progress | None,
    checkpoint: Callable[[], None],
) -> tuple[SitePages, list[str], BuildCache]:
    made: list[str] = []
    site_cache = BuildCache(out / CACHE / SITE_CACHE, out / SITE)
    private_cache = BuildCache(out / CACHE / PRIVATE_CACHE, out / PRIVATE)
    targets = [out / SITE, out / PRIVATE] if pdfs else [out / SITE]
    if not pdfs:
        remove_leftovers(out / PRIVATE)  # of a killed full build: partial private PDFs
    with FolderSwap(targets, private={out / PRIVATE}) as folders, ExitStack() as stack:
        pdf_total = 0
        run = None
        if pdfs:
            from cpdgen.output.pdfs import PdfRun  # WeasyPrint only for builds that print
            from cpdgen.render.pdf import build_job_count

            # The bar counts the PDFs after the pages: they are most of a first build's time.
            pdf_total = build_job_count(result.records, result.policy, today)

            # Started first: worker processes render the PDFs while this one builds the site.
            run = stack.enter_context(
                PdfRun(result.records, result.policy, root, folders[1], private_cache, today=today)
            )

        def site_progress(done: int, total: int) -> None:
            if progress:
                progress(done, total + pdf_total)

        sentences = load_sentences(out / CACHE / SENTENCES)
        site = build_site(
            result.records,
            result.settings,
            result.policy,
            root,
            folders[0],
            site_cache,
            progress=site_progress,
            bodies=result.bodies,
            today=today,
            sentences=sentences,
            checkpoint=checkpoint,
        )
        pages = len(site.pages)
        if run is not None:

            def pdf_progress(done: int) -> None:
                if progress:
                    progress(pages + done, pages + pdf_total)

            made = run.finish(pdf_progress)
        site_cache.forget()  # the swap is next: the old keys will no longer describe what is there
        if pdfs:
            private_cache.forget()
    site_cache.save()
    save_sentences(out / CACHE / SENTENCES, sentences)
    if pdfs:
        private_cache.save()
    return site, made, site_cache


def write_pages_now(out: Path, pages: list[tuple[str, str]]) -> bool:
    """Put re-rendered pages (path below site/, HTML) straight into the
    built OUT/site, outside a build: the preview server's first answer to
    an edit, which a full build then follows. Their keys leave the cache
    first, so no later build links them as what they were before. False
    (nothing written) unless OUT/site is a built site holding each page."""
    from cpdgen.common.atomic import write_all_atomic
    from cpdgen.output.folders import MARKER

    site = out / SITE
    targets = [(site / path, html) for path, html in pages]
    if not (site / MARKER).is_file() or not (out / CACHE).is_dir():
        return False  # no built site (and no lock file made for nothing)
    with exclusive_lock(out / CACHE, "build.lock"):  # no build is swapping folders meanwhile
        if not (site / MARKER).is_file() or not all(t.is_file() and not t.is_symlink() for t, _ in targets):
            return False
        try:
            BuildCache(out / CACHE / SITE_CACHE, site).drop(path for path, _ in pages)
        except OSError:
            return False
        write_all_atomic(targets)
    return True
