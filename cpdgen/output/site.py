"""Writing the portfolio site into a build's staging folder.

Every page has a key: cpdgen's code and the templates in use, the site-wide
values, and the page's own context (`Page.fingerprint`). A page whose key is
unchanged since the last build is linked from it (`cache.BuildCache`); the
others are rendered (`render.site.SitePages`), in forked worker processes
when there are many, and written here. Then the static files, the published
evidence, the files made from the records (favicon, preview image, search
index) and, with a base_url, the sitemap and the feed.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from cpdgen.common.errors import UserError
from cpdgen.common.parallel import job_count
from cpdgen.common.sealed import read_sealed, write_sealed
from cpdgen.model.policy import Body, Policy
from cpdgen.model.records import Records
from cpdgen.model.settings import Settings
from cpdgen.output.cache import BuildCache, files_digest, key_of
from cpdgen.render.site import SitePages
from cpdgen.render.site_plan import Sentences

STATIC = "static"  # template folder whose files are copied as they are
FILES = "files"  # where published evidence goes, when cpdgen.yaml allows it
PARALLEL_PAGES = 1500  # from this many pages to render on, a second process pays for itself
_CHUNK = 250

SENTENCES_MAGIC = b"cpdgen sentences 1\n"


def rendering_fingerprint(folders: list[Path]) -> str:
    """One key for every template and static file in use, and for cpdgen's
    own code: an edit of any of them re-renders every page."""
    from cpdgen.validation.cache import code_digest

    return key_of(code_digest(), files_digest(folders))


def _sentences_context() -> str:
    """What a page description's first sentence depends on besides its text:
    cpdgen's code (the Markdown set-up and sanitiser rules) and the versions
    of Python-Markdown and nh3."""
    from importlib.metadata import version

    from cpdgen.validation.cache import code_digest

    return key_of(code_digest(), version("markdown"), version("nh3"))


def load_sentences(path: Path) -> Sentences:
    """The first sentences an earlier build worked out, if they were made by
    this very code and these libraries (else none: they cost time only)."""
    loaded = read_sealed(path, SENTENCES_MAGIC)
    if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == _sentences_context():
        known = loaded[1]
        if isinstance(known, dict) and all(
            isinstance(key, bytes) and isinstance(value, str) for key, value in known.items()
        ):
            return Sentences(known)
    return Sentences()


def save_sentences(path: Path, sentences: Sentences) -> None:
    """Keep this build's sentences (only those used: the file never grows
    beyond the records' texts); unchanged ones are not rewritten."""
    if sentences.used != sentences.known:
        write_sealed(path, SENTENCES_MAGIC, (_sentences_context(), sentences.used))


def build_site(
    records: Records,
    settings: Settings,
    policy: Policy,
    root: Path,
    staging: Path,
    cache: BuildCache,
    *,
    progress: Callable[[int, int], None] | None = None,
    bodies: tuple[Body, ...] = (),
    today: date | None = None,
    sentences: Sentences | None = None,
    checkpoint: Callable[[], None] = lambda: None,
) -> SitePages:
    """Write every page into `staging`; returns the site's pages (which
    the preview server keeps, to answer the next edit from). `checkpoint`
    is called between steps; what it raises ends the build (the caller's
    swap then discards the staging folder, or leaves it to the next build
    when the build was stopped).
    The site does not depend on the date, except for the progress with each
    body that cpdgen.yaml may publish (site.publish.compliance), as of `today`."""
    checkpoint()
    cache.start_linking(staging)  # last build's pages, linked while this one plans and keys them
    try:
        site = SitePages(
            records, settings, policy, root, bodies=bodies, today=today, sentences=sentences, checkpoint=checkpoint
        )
        pages = site.pages
        site_key = key_of(rendering_fingerprint(site.folders), *site.shared_key_parts)
        digests: dict[int, str] = {}
        for number, page in enumerate(pages):
            if number % 1000 == 999:
                checkpoint()
            cache.record(page.path, key_of(site_key, page.fingerprint(digests)))
        kept = cache.finish_linking(staging)
    finally:
        cache.stop_linking()
    todo = [number for number, page in enumerate(pages) if page.path not in kept]
    writer = _PageWriter(site, staging)
    reused = len(pages) - len(todo)
    for done in write_pages(writer, todo):
        checkpoint()
        if progress:
            progress(reused + done, len(pages))
    _write_generated(site, staging)
    _copy_static(site.folders, staging, root)
    _copy_evidence(site.evidence_paths(), root, staging)
    if site.base_url:
        _write(staging / "sitemap.xml", site.sitemap())
        _write(staging / "feed.xml", site.feed())
    return site


class _PageWriter:
    """Renders pages by number and writes them; forked workers inherit it whole."""

    def __init__(self, site: SitePages, staging: Path) -> None:
        self.site, self.staging = site, staging
        self.folders: set[Path] = set()  # made already: one mkdir per folder, not per page

    def write(self, numbers: list[int]) -> int:
        for number in numbers:
            page = self.site.pages[number]
            html = self.site.render(page)  # in the worker: a worker's traceback does not travel
            path = self.staging / page.path
            if path.parent not in self.folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.folders.add(path.parent)
            _write(path, html)
        return len(numbers)


_worker_writer: _PageWriter | None = None


def _write_chunk(numbers: list[int]) -> int:
    assert _worker_writer is not None
    return _worker_writer.write(numbers)


def write_pages(writer: _PageWriter, todo: list[int]) -> Iterator[int]:
    """Render and write the pages numbered `todo`, yielding how many are done
    so far. Many pages are shared with forked worker processes (this one
    renders too); where fork is unavailable, or for few pages, one process
    does all."""
    global _worker_writer
    chunks = [todo[i : i + _CHUNK] for i in range(0, len(todo), _CHUNK)]
    jobs = job_count(None, len(todo)) if len(todo) >= PARALLEL_PAGES or os.environ.get("CPDGEN_JOBS") else 1
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        done = 0
        for chunk in chunks:
            done += writer.write(chunk)
            yield done
        return
    _worker_writer = writer
    try:
        with ProcessPoolExecutor(jobs - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            mine = [chunk for index, chunk in enumerate(chunks) if index % jobs == 0]
            futures = [pool.submit(_write_chunk, chunk) for index, chunk in enumerate(chunks) if index % jobs]
            try:
                done = 0
                for chunk in mine:
                    done += writer.write(chunk)
                    yield done
                for future in futures:
                    done += future.result()
                    yield done
            except BaseException:  # an error, or the caller stopped (a checkpoint): the rest is not wanted
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _worker_writer = None


def _write(path: Path, text: str) -> None:
    """Write a page; its folder exists (the writer makes folders once each)."""
    with open(path, "wb") as stream:
        stream.write(text.encode("utf-8"))


def _write_generated(site: SitePages, staging: Path) -> None:
    """The files made from the records beside the pages: the favicon, the
    social preview image and the search index. Written before the static
    files are copied, so a member's own static/favicon.svg or
    static/og-image.png replaces cpdgen's."""
    folder = staging / STATIC
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "favicon.svg", site.favicon())
    _write(folder / "search-index.js", site.search_index())
    with open(folder / "og-image.png", "wb") as stream:
        stream.write(site.preview_image())


def _copy_static(folders: list[Path], staging: Path, root: Path) -> None:
    """static/ of the built-in templates, then the member's on top. A link
    that leads out of its static/ folder is refused: it could publish
    anything (records, the private PDFs)."""
    for folder in reversed(folders):
        source = folder / STATIC
        if not source.is_dir():
            continue
        base = source.resolve()
        for current, dirs, files in os.walk(source):
            for name in sorted([*dirs, *files]):
                path = Path(current) / name
                shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
                if path.is_symlink() and not path.resolve().is_relative_to(base):
                    raise UserError(
                        f"{shown} is a link that leads out of its static/ folder; cpdgen does not publish it"
                    )
                if name in files:
                    target = staging / STATIC / path.relative_to(source)
                    try:
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(path, target)
                    except OSError as exc:
                        raise UserError(
                            f"cannot copy {shown}: {exc.strerror or exc}; the previous output is unchanged"
                        ) from None


def _copy_evidence(paths: list[str], root: Path, staging: Path) -> None:
    for relative in paths:
        source = root / relative
        if source.is_file():  # validation has kept these inside the repository
            target = staging / FILES / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
