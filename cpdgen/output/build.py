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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cpdgen.common.atomic import reason
from cpdgen.common.errors import UsageError, UserError
from cpdgen.common.wording import plural
from cpdgen.compute.documents import generated_type, too_big_to_upload
from cpdgen.loading.files import Repository
from cpdgen.model.policy import Policy
from cpdgen.output.cache import BuildCache
from cpdgen.output.folders import FolderSwap, exclusive_lock, remove_leftovers
from cpdgen.output.site import build_site
from cpdgen.validation.repository import ValidationResult

SITE = "site"
PRIVATE = "private"
CACHE = ".cache"
SITE_CACHE = "site.json"  # below CACHE: the keys of the files of site/
PRIVATE_CACHE = "private.json"  # and of private/

OUTPUT = "output"


def output_folder(repo: Repository, out: Path | None, cwd: Path) -> Path:
    """Where output goes: --out (from the current folder), else output/."""
    folder = (cwd / out).resolve() if out is not None else repo.root / OUTPUT
    refuse_records_folder(repo, folder, "--out")
    return folder


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

    def line(self) -> str:
        reused = self.pages - self.rendered
        reuse = f" ({reused} unchanged)" if reused else ""
        pdfs = f" and {plural(self.pdfs, 'PDF')}" if self.pdfs else ""
        return (
            f"Built {plural(self.pages, 'page')}{reuse}{pdfs} "
            f"from {plural(self.records, 'record')} in {self.seconds:.2f} s"
        )


def build(
    result: ValidationResult, root: Path, out: Path, today: date, *, pdfs: bool = True, progress: Progress | None = None
) -> BuildSummary:
    """Write the site (and, with pdfs=True, the PDFs) of a valid repository under `out`."""
    started = time.perf_counter()
    try:
        with exclusive_lock(out / CACHE, "build.lock"):  # a concurrent build (or serve) waits for this one
            pages, made, site_cache = _build(result, root, out, today, pdfs, progress)
    except OSError as exc:  # a full disk, a folder made read-only: the swap has put everything back
        where = Path(exc.filename) if exc.filename else out
        raise UserError(f"cannot write {where}: {reason(exc, where)}; the previous output is unchanged") from None
    return BuildSummary(
        pages=pages,
        rendered=pages - site_cache.reused,
        pdfs=len(made),
        records=result.record_count,
        seconds=time.perf_counter() - started,
        warnings=tuple(oversized(out / PRIVATE, result.policy)) if pdfs else (),
    )


def oversized(private: Path, policy: Policy) -> list[str]:
    """The PDFs for the upload form that the form would refuse, and why."""
    found = []
    for pdf in sorted(private.glob("*.pdf")):
        warning = too_big_to_upload(generated_type(pdf.name) or "", pdf.stat().st_size, policy)
        if warning:
            found.append(f"{private.name}/{pdf.name} {warning}")
    return found


def _build(
    result: ValidationResult, root: Path, out: Path, today: date, pdfs: bool, progress: Progress | None
) -> tuple[int, list[str], BuildCache]:
    made: list[str] = []
    site_cache = BuildCache(out / CACHE / SITE_CACHE, out / SITE)
    private_cache = BuildCache(out / CACHE / PRIVATE_CACHE, out / PRIVATE)
    targets = [out / SITE, out / PRIVATE] if pdfs else [out / SITE]
    if not pdfs:
        remove_leftovers(out / PRIVATE)  # of a killed full build: partial private PDFs
    with FolderSwap(targets, private={out / PRIVATE}) as folders:
        pages = build_site(
            result.records, result.settings, result.policy, root, folders[0], site_cache, progress=progress
        )
        if pdfs:
            from cpdgen.output.pdfs import build_pdfs  # WeasyPrint only for builds that print

            made = build_pdfs(result.records, result.policy, root, folders[1], private_cache, today=today)
        site_cache.forget()  # the swap is next: the old keys will no longer describe what is there
        if pdfs:
            private_cache.forget()
    site_cache.save()
    if pdfs:
        private_cache.save()
    return pages, made, site_cache
