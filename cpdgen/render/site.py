"""The portfolio site: the public view of the records → HTML files.

Privacy is decided before anything is rendered: pages are planned from
`compute.public.public_view` only, so no template can show what the view
does not hold. Pages whose key (templates + what the page shows) is
unchanged are reused from the previous build (`buildcache`).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, time
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from markupsafe import Markup

from cpdgen.common.errors import UserError
from cpdgen.compute.hours import category_rows
from cpdgen.compute.public import PublishRules, public_view
from cpdgen.output.cache import BuildCache, files_digest, key_of
from cpdgen.render.chart import hours_chart
from cpdgen.render.site_plan import Page, plan_site, record_digest
from cpdgen.render.templating import environment, template_errors, template_folders
from cpdgen.validation.repository import ValidationResult, job_count

STATIC = "static"  # template folder whose files are copied as they are
FILES = "files"  # where published evidence goes, when cpdgen.yaml allows it
FEED_ENTRIES = 50  # the newest completed activities in feed.xml


def rendering_fingerprint(folders: list[Path]) -> str:
    """One key for every template and static file in use, and for cpdgen's
    own code: an edit of any of them re-renders every page."""
    return key_of(files_digest([Path(__file__).resolve().parent.parent], "*.py"), files_digest(folders))


def build_site(
    result: ValidationResult,
    root: Path,
    staging: Path,
    cache: BuildCache,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Render every page into `staging`; returns the number of HTML pages.
    The site does not depend on the date: it shows what the records say."""
    rules = PublishRules.from_settings(result.settings)
    view = public_view(result.records, rules)
    policy = result.policy
    pages = plan_site(view, policy)
    profile = view.profile
    settings = result.settings
    # What every page may show besides its own context; part of every key.
    site = {
        "title": settings.site_title or (profile.name if profile else "CPD portfolio"),
        "base_url": _base(settings.base_url),
        "category_label": {category.key: category.label for category in policy.categories},
    }
    folders = template_folders(root)
    env = environment(
        root,
        globals_={"site": site, "profile": profile, "policy": policy},
        filters={"rows": lambda hours: category_rows(hours, policy)},
    )
    with template_errors(root):
        env.globals["entry"] = _entries(env)
    env.globals["hours_chart"] = lambda years: hours_chart(years, policy)
    site_key = key_of(
        rendering_fingerprint(folders),
        record_digest(profile) if profile else "",
        record_digest(policy),
        json.dumps(site, sort_keys=True),
    )
    total = len(pages)
    todo: list[int] = []
    digests: dict[int, str] = {}
    for number, page in enumerate(pages):
        key = key_of(site_key, page.fingerprint(digests))
        if not cache.reuse(page.path, key, staging):
            todo.append(number)
            cache.record(page.path, key)
    renderer = _Renderer(env, pages, staging, root)
    reused = total - len(todo)
    for done in render_pages(renderer, todo):
        if progress:
            progress(reused + done, total)
    _copy_static(folders, staging, root)
    if rules.evidence:
        _copy_evidence(view, root, staging)
    if site["base_url"]:
        _write(staging / "sitemap.xml", sitemap(pages, site["base_url"]))
        entries = [p for p in pages if p.template == "activity.html" and p.context["item"].completed][:FEED_ENTRIES]
        with template_errors(root):
            feed = env.get_template("feed.xml").render(entries=entries, updated=_updated(entries))
        _write(staging / "feed.xml", feed)
    return total


def _entries(env):
    """`entry(summary, root)`: an item's line in a list (`item_entry.html`),
    rendered once per item and depth. Each item shows in several lists (all,
    by type, by year, by tag), so this saves most of the lists' cost."""
    template = env.get_template("item_entry.html")
    rendered: dict[tuple[int, str], Markup] = {}

    def entry(summary: dict, root: str) -> Markup:
        key = (id(summary["item"]), root)
        found = rendered.get(key)
        if found is None:
            found = rendered[key] = Markup(template.render(item=summary["item"], path=summary["path"], root=root))
        return found

    return entry


PARALLEL_PAGES = 1500  # from this many pages to render on, a second process pays for itself
_CHUNK = 250


class _Renderer:
    """Renders pages by number; forked workers inherit it whole."""

    def __init__(self, env, pages: list[Page], staging: Path, root: Path) -> None:
        self.env, self.pages, self.staging, self.root = env, pages, staging, root
        self.folders: set[Path] = set()  # made already: one mkdir per folder, not per page

    def render(self, numbers: list[int]) -> int:
        with template_errors(self.root):  # here, not in the caller: a worker's traceback does not travel
            return self._render(numbers)

    def _render(self, numbers: list[int]) -> int:
        for number in numbers:
            page = self.pages[number]
            html = self.env.get_template(page.template).render(page=page, root=page.root, **page.context)
            path = self.staging / page.path
            if path.parent not in self.folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.folders.add(path.parent)
            _write(path, html)
        return len(numbers)


_worker_renderer: _Renderer | None = None


def _render_chunk(numbers: list[int]) -> int:
    assert _worker_renderer is not None
    return _worker_renderer.render(numbers)


def render_pages(renderer: _Renderer, todo: list[int]):
    """Render the pages numbered `todo`, yielding how many are done so far.
    Many pages are shared with forked worker processes (this one renders
    too); where fork is unavailable, or for few pages, one process does all."""
    global _worker_renderer
    chunks = [todo[i : i + _CHUNK] for i in range(0, len(todo), _CHUNK)]
    jobs = job_count(None, len(todo)) if len(todo) >= PARALLEL_PAGES or os.environ.get("CPDGEN_JOBS") else 1
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        done = 0
        for chunk in chunks:
            done += renderer.render(chunk)
            yield done
        return
    _worker_renderer = renderer
    try:
        with ProcessPoolExecutor(jobs - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            mine = [chunk for index, chunk in enumerate(chunks) if index % jobs == 0]
            futures = [pool.submit(_render_chunk, chunk) for index, chunk in enumerate(chunks) if index % jobs]
            done = 0
            for chunk in mine:
                done += renderer.render(chunk)
                yield done
            for future in futures:
                done += future.result()
                yield done
    finally:
        _worker_renderer = None


def _base(url: str | None) -> str | None:
    return None if not url else url if url.endswith("/") else url + "/"


def _write(path: Path, text: str) -> None:
    """Write a page; its folder exists (the renderer makes folders once each)."""
    with open(path, "wb") as stream:
        stream.write(text.encode("utf-8"))


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


def _copy_evidence(view, root: Path, staging: Path) -> None:
    paths = {p for item in view.cpd_items for p in item.evidence}
    paths |= {item.certificate for item in view.training if item.certificate}
    paths |= {p for q in view.qualifications for p in q.evidence}
    for relative in sorted(paths):
        source = root / relative
        if source.is_file():  # validation has kept these inside the repository
            target = staging / FILES / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def sitemap(pages: list[Page], base_url: str) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in pages:
        lines.append(f"  <url><loc>{xml_escape(base_url + page.path)}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _updated(entries: list[Page]) -> str:
    """The feed's date: the newest entry's, so identical records give identical bytes."""
    dates = [p.context["item"].end for p in entries]
    newest = max(dates) if dates else None
    moment = datetime.combine(newest, time(0), tzinfo=UTC) if newest else datetime(2000, 1, 1, tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")
