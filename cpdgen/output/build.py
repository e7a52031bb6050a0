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

from cpdgen.common.errors import UserError
from cpdgen.output.cache import BuildCache
from cpdgen.output.folders import FolderSwap, exclusive_lock, remove_leftovers
from cpdgen.validation.repository import ValidationResult

SITE = "site"
PRIVATE = "private"
CACHE = ".cache"
SITE_CACHE = "site.json"  # below CACHE: the keys of the files of site/
PRIVATE_CACHE = "private.json"  # and of private/

# progress(done, total) is called while pages are written.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildSummary:
    pages: int  # HTML pages of the site
    rendered: int  # pages rendered this time (the rest were reused from the cache)
    pdfs: int
    records: int
    seconds: float

    def line(self) -> str:
        reused = self.pages - self.rendered
        reuse = f" ({reused} unchanged)" if reused else ""
        pdfs = f" and {self.pdfs} PDF{'s' if self.pdfs != 1 else ''}" if self.pdfs else ""
        return (
            f"Built {self.pages} page{'s' if self.pages != 1 else ''}{reuse}{pdfs} "
            f"from {self.records} record{'s' if self.records != 1 else ''} in {self.seconds:.2f} s"
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
        where = exc.filename or out
        raise UserError(f"cannot write {where}: {exc.strerror or exc}; the previous output is unchanged") from None
    return BuildSummary(
        pages=pages,
        rendered=pages - site_cache.reused,
        pdfs=len(made),
        records=result.record_count,
        seconds=time.perf_counter() - started,
    )


def _build(
    result: ValidationResult, root: Path, out: Path, today: date, pdfs: bool, progress: Progress | None
) -> tuple[int, list[str], BuildCache]:
    from cpdgen.render.site import build_site

    made: list[str] = []
    site_cache = BuildCache(out / CACHE / SITE_CACHE, out / SITE)
    private_cache = BuildCache(out / CACHE / PRIVATE_CACHE, out / PRIVATE)
    targets = [out / SITE, out / PRIVATE] if pdfs else [out / SITE]
    if not pdfs:
        remove_leftovers(out / PRIVATE)  # of a killed full build: partial private PDFs
    with FolderSwap(targets, private={out / PRIVATE}) as folders:
        pages = build_site(result, root, folders[0], site_cache, progress=progress)
        if pdfs:
            from cpdgen.render.pdf import build_pdfs

            made = build_pdfs(result, root, folders[1], private_cache, today=today)
        site_cache.forget()  # the swap is next: the old keys will no longer describe what is there
        if pdfs:
            private_cache.forget()
    site_cache.save()
    if pdfs:
        private_cache.save()
    return pages, made, site_cache
