"""Writing the PDFs: every PDF of a build (reusing unchanged ones), or one
PDF on its own for `cpdgen declaration pdf` and `cpdgen report --format pdf`.

The HTML and the PDF bytes come from `cpdgen.render.pdf`; this module keys,
caches and writes them, atomically, so a reader never sees half a PDF.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from cpdgen.common.atomic import write_atomic
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
    records: Records, policy: Policy, root: Path, private_folder: Path, private_cache: BuildCache, *, today: date
) -> list[str]:
    """Write every PDF of a build into `private_folder` (output/private/ once
    the build succeeds), reusing last build's file when its key is unchanged.
    Returns the names written, relative to `private_folder`."""
    maker = pdf_maker(records, policy, root, today)
    assets = files_digest(maker.assets.folders)
    made = []
    for job in build_jobs(maker, today):
        name = job.private_name
        key = _key(job, assets)
        if not private_cache.reuse(name, key, private_folder):
            write_atomic(private_folder / name, maker.render(job))
            private_cache.record(name, key)
        made.append(name)
    return made


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
