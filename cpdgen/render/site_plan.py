"""Which pages the portfolio site has and what each shows. Pure: records in,
`Page`s out; `render.site` renders and writes them.

Each page's context holds everything its template shows beyond the few
site-wide values (title, labels, profile), so the context itself is the
page's cache key (`Page.fingerprint`): a changed record re-renders exactly
the pages that show it, with no list of dependencies to keep by hand.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, is_dataclass
from datetime import date
from typing import Any

from cpdgen.common.wording import plural
from cpdgen.compute.competences import Coverage, coverage_of
from cpdgen.compute.compliance import compliance
from cpdgen.compute.cv import employment_order, study_order
from cpdgen.compute.hours import Hours, format_hours, sum_hours, year_hours, yearly_guidance
from cpdgen.compute.reports import item_kind, objective_order
from cpdgen.compute.year import CLOSED_OBJECTIVE_STATUSES, item_order, year_of
from cpdgen.model.competences import Framework
from cpdgen.model.policy import Body, Policy
from cpdgen.model.records import CPDItem, Objective, Profile, Records
from cpdgen.render.chart import axis
from cpdgen.render.markup import markdown_html

ITEM_FOLDERS = {"activity": "activity", "training": "training"}  # a page per item, by kind
PER_PAGE = 20  # activities per list page: no page grows with the record count
RECENT = 6  # activities on the home page
TOP_TAGS = 8  # tags among a list page's filters (tags.html has them all)
RELATED_TAGS = 4  # tags shown beside a tag's list: those most often found with it
CV_TRAINING = 12  # training courses on the CV, newest first (the list pages have them all)


class Shared(dict):
    """A context value that many pages hold, the same object in each (the
    list pages' filters): `Page.fingerprint` encodes it once per build, not
    once per page. Templates see a plain dict."""


@dataclass(frozen=True)
class Page:
    path: str  # below the site root, "/"-separated
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    title: str = ""

    @property
    def root(self) -> str:
        """The relative way back to the site root from this page."""
        return "../" * self.path.count("/")

    def fingerprint(self, digests: dict[int, str] | None = None) -> str:
        """Everything the page shows, as one string: its cache key.
        `digests` memoises record digests across the pages of one build (by
        object identity: the records outlive the build's pages)."""
        memo = {} if digests is None else digests

        def shared(value: Shared) -> str:
            found = memo.get(id(value))  # alive as long as the pages that hold it, so its id is its own
            if found is None:
                text = json.dumps(value, default=encode, sort_keys=True)
                found = memo[id(value)] = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
            return found

        def encode(value: Any) -> Any:
            # Looked up first: most values met are records met on an earlier page.
            found = memo.get(id(value))
            if found is not None:
                return found
            if is_dataclass(value):
                found = memo[id(value)] = record_digest(value)
                return found
            if isinstance(value, date):
                return value.isoformat()
            raise TypeError(f"a page context holds a {type(value).__name__}")  # a bug: every value must be keyable

        context = {key: shared(value) if type(value) is Shared else value for key, value in self.context.items()}
        return json.dumps([self.path, self.template, self.title, context], default=encode, sort_keys=True)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 64  # characters (ASCII) of one folder or file name of a page, before ".html"
MAX_DEPTH = 4  # folders an id may give its page; deeper parts join the last one


def safe_name(text: str) -> str:
    """A file-name-safe, URL-safe form of an id part or a tag."""
    cleaned = _UNSAFE.sub("-", text).strip("-.").lower()
    return cleaned or "x"


def _bounded(parts: list[str], original: str) -> list[str]:
    """Names no longer than MAX_NAME, at most MAX_DEPTH of them: a file
    system refuses longer names (255 bytes, fewer on some). A name that had
    to be cut keeps its start, to be read, and ends in a hash of the whole
    `original`, so that two long texts with the same start stay apart and
    the same text gives the same name in every build."""
    if len(parts) <= MAX_DEPTH and all(len(part) <= MAX_NAME for part in parts):
        return parts
    kept = parts if len(parts) <= MAX_DEPTH else [*parts[: MAX_DEPTH - 1], "-".join(parts[MAX_DEPTH - 1 :])]
    cut = [part[:MAX_NAME].rstrip("-.") or "x" for part in kept]
    suffix = "-" + hashlib.blake2b(original.encode("utf-8"), digest_size=6).hexdigest()
    cut[-1] = (kept[-1][: MAX_NAME - len(suffix)].rstrip("-.") or "x") + suffix
    return cut


class PageNames:
    """Gives out page paths that are distinct by construction: a path is
    given only if no page has it already and no page needs a folder of its
    name (or it one of theirs). Texts are asked for in a fixed order, so
    the same texts give the same paths in every build; a text whose safe
    name is taken gets it followed by a hash of the text, and, should that
    be taken too, by a longer one, then a number."""

    def __init__(self) -> None:
        self._files: set[str] = set()
        self._folders: set[str] = set()

    def _free(self, path: str) -> bool:
        parts = path.split("/")
        folders = ["/".join(parts[:n]) for n in range(1, len(parts))]
        return path not in self._files and path not in self._folders and not self._files.intersection(folders)

    def _take(self, path: str) -> str:
        parts = path.split("/")
        self._files.add(path)
        self._folders.update("/".join(parts[:n]) for n in range(1, len(parts)))
        return path

    def give(self, prefix: str, parts: Sequence[str], text: str, suffix: str) -> str:
        """`prefix`/`parts`... + `suffix` for `text` (an id or a tag), made safe,
        bounded and distinct from every path given before."""
        names = _bounded([safe_name(part) for part in parts], text)
        path = f"{prefix}{'/'.join(names)}{suffix}"
        longer = hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()
        attempt = 0
        while not self._free(path):
            # A short hash, then a longer one, then that and a number: a fixed order, so stable too.
            tail = _short_hash(text) if attempt == 0 else longer + (f"-{attempt - 1}" if attempt > 1 else "")
            last = names[-1][: MAX_NAME - len(tail) - 1].rstrip("-.") or "x"
            path = f"{prefix}{'/'.join([*names[:-1], f'{last}-{tail}'])}{suffix}"
            attempt += 1
        return self._take(path)


def record_digest(record: Any) -> str:
    """What a record (or any model value) says, as a short digest. The
    dataclass repr holds every field, is the same for the same data, and
    costs a fifth of a JSON dump."""
    return hashlib.blake2b(repr(record).encode("utf-8"), digest_size=8).hexdigest()


def item_key(item: CPDItem) -> tuple[str, str]:
    return (item_kind(item), item.id)  # ids are unique per kind only


def item_paths(items: Iterable[CPDItem]) -> dict[tuple[str, str], str]:
    """(kind, id) → the item's page. Oldest first, so that adding a newer
    record never renames an older page when two ids give the same name."""
    paths: dict[tuple[str, str], str] = {}
    names = PageNames()
    for item in sorted(items, key=item_order):
        key = item_key(item)
        # Own folders, apart from the lists under activities/: no id can name a list page.
        paths[key] = names.give(f"{ITEM_FOLDERS[key[0]]}/", item.id.split("/"), item.id, ".html")
    return paths


def _short_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=3).hexdigest()


def objective_anchor(objective_id: str) -> str:
    """The objective's fragment on planning.html; distinct for distinct ids."""
    return f"objective-{_short_hash(objective_id)}-{safe_name(objective_id)}"


def tag_paths(tags: Iterable[str]) -> dict[str, str]:
    names = PageNames()
    return {tag: names.give("activities/tag/", [tag], tag, "/index.html") for tag in sorted(tags)}


class _Site:
    """The public records arranged for pages."""

    def __init__(
        self, view: Records, policy: Policy, sentences: Sentences, checkpoint: Callable[[], None] = lambda: None
    ) -> None:
        self.policy = policy
        self.sentences = sentences
        self.framework = policy.competences
        self.items = sorted(view.cpd_items, key=item_order, reverse=True)  # newest first
        self.paths = item_paths(self.items)
        # The same paths by the item's identity: the lists look one up per entry (200,000 at 10,000 records).
        self.path_of: dict[int, str] = {id(item): self.paths[item_key(item)] for item in self.items}
        checkpoint()
        self.completed = [item for item in self.items if year_of(item) is not None]  # newest first
        self.planned = sorted((item for item in self.items if not item.completed), key=_soonest)
        self.by_year: dict[int, list[CPDItem]] = {}  # by the review year they count in
        self.tags: dict[str, list[CPDItem]] = {}
        for item in self.items:
            year = year_of(item)
            if year is not None:
                self.by_year.setdefault(year, []).append(item)
            for tag in item.tags:
                self.tags.setdefault(tag, []).append(item)
        self.years = sorted(self.by_year, reverse=True)
        self.tag_paths = tag_paths(self.tags)
        self.types = [c.key for c in policy.categories if any(item.category == c.key for item in self.items)]
        types = PageNames()
        self.type_paths = {key: types.give("activities/type/", [key], key, "/index.html") for key in self.types}
        self.labels = {category.key: category.label for category in policy.categories}
        checkpoint()
        # Competence filters: an area or a code gets a page when an item names it.
        self.competence_items: dict[str, list[CPDItem]] = {}
        self.competence_paths: dict[str, str] = {}
        competences = PageNames()
        if self.framework is not None:
            # One pass over the items (not one per area and code): each item joins
            # the list of every code it names and of each area of those, once, in order.
            areas_of: dict[str, list[str]] = {}
            for area in self.framework.areas:
                for competence in area.competences:
                    areas_of.setdefault(competence.code, []).append(area.key)
            by_area: dict[str, list[CPDItem]] = {}
            by_code: dict[str, list[CPDItem]] = {}
            for item in self.items:
                codes = [code for code in dict.fromkeys(item.competences) if code in areas_of]
                for code in codes:
                    by_code.setdefault(code, []).append(item)
                for key in dict.fromkeys(key for code in codes for key in areas_of[code]):
                    by_area.setdefault(key, []).append(item)
            for area in self.framework.areas:
                for key, found in [(area.key, by_area), *((c.code, by_code) for c in area.competences)]:
                    if key in found:
                        self.competence_items[key] = found[key]
                        self.competence_paths[key] = competences.give(
                            "activities/competence/", [key], key, "/index.html"
                        )
        checkpoint()
        # Open objectives first, in the reports' order.
        self.objectives = sorted(
            view.objectives, key=lambda o: (o.status in CLOSED_OBJECTIVE_STATUSES, objective_order(o))
        )
        self.by_id: dict[str, list[CPDItem]] = {}  # an id may name an activity and a course
        for item in reversed(self.items):  # oldest first
            self.by_id.setdefault(item.id, []).append(item)
        # Each objective's items, found once: those naming it (newest first), and
        # those its actions name (by identity), so no page scans every item per objective.
        self.naming: dict[str, list[CPDItem]] = {}
        for item in self.items:
            for objective_id in dict.fromkeys(item.objectives):
                self.naming.setdefault(objective_id, []).append(item)
        self.linked: dict[str, set[int]] = {
            objective.id: {
                id(item)
                for action in objective.actions
                for item_id in action.activities
                for item in self.by_id.get(item_id, ())
            }
            for objective in self.objectives
        }

    def summaries(self, items: Iterable[CPDItem]) -> list[dict[str, Any]]:
        path_of = self.path_of
        return [{"item": item, "path": path_of[id(item)]} for item in items]

    def facets(self) -> dict[str, Any]:
        """The filters every list page shows: each a link to a static page, with its count."""
        tags = sorted(self.tags, key=lambda tag: (-len(self.tags[tag]), tag))
        areas = []
        if self.framework is not None:
            for area in self.framework.areas:
                if area.key in self.competence_paths:
                    areas.append({
                        "key": area.key,
                        "title": area.title,
                        "path": self.competence_paths[area.key],
                        "count": len(self.competence_items[area.key]),
                        "codes": [
                            {"code": c.code, "title": c.title, "path": self.competence_paths[c.code],
                             "count": len(self.competence_items[c.code])}
                            for c in area.competences if c.code in self.competence_paths
                        ],
                    })  # fmt: skip
        return Shared(
            {
                "types": [
                    {"key": key, "path": self.type_paths[key], "count": sum(1 for i in self.items if i.category == key)}
                    for key in self.types
                ],
                "years": [
                    {"year": year, "path": f"activities/year/{year}/index.html", "count": len(self.by_year[year])}
                    for year in self.years
                ],
                "areas": areas,
                "tags": [
                    {"tag": tag, "path": self.tag_paths[tag], "count": len(self.tags[tag])} for tag in tags[:TOP_TAGS]
                ],
                "tag_count": len(tags),
                "planned": len(self.planned),
            }
        )

    def progress(self, objective: Objective) -> dict[str, Any]:
        """Actions done out of those not cancelled: a cancelled action is not
        work left to do."""
        cancelled = sum(1 for action in objective.actions if action.status == "cancelled")
        return {
            "done": sum(1 for action in objective.actions if action.status == "done"),
            "total": len(objective.actions) - cancelled,
            "cancelled": cancelled,
        }


def _soonest(item: CPDItem) -> tuple:
    return (item.start, item.end, item.title, item.id)


# --- activity lists ------------------------------------------------------------------------


@dataclass(frozen=True)
class _ListView:
    kind: str  # all, type, year, tag, area, code, planned
    key: str
    base: str  # the folder of its pages
    heading: str
    lead: str
    items: Sequence[CPDItem]


def _list_pages(site: _Site, view: _ListView, facets: dict[str, Any]) -> list[Page]:
    """`base`/index.html, `base`/page-2.html, ...: at most PER_PAGE completed
    items each, newest first and grouped by review year; page one also holds
    the planned ones (at most PER_PAGE, soonest first) in their own section."""
    completed = [item for item in view.items if item.completed]
    planned = sorted((item for item in view.items if not item.completed), key=_soonest)
    if view.kind == "planned":
        completed, planned = list(planned), []
    count = max(1, -(-len(completed) // PER_PAGE))
    by_year: dict[int, list[CPDItem]] = {}
    for item in completed:
        by_year.setdefault(item.end.year, []).append(item)
    # Each year's count and hours in the whole list, summed once (not once per page).
    year_totals = {year: (len(items), sum_hours(i.hours for i in items)) for year, items in by_year.items()}
    summary = {
        "completed": len(completed) if view.kind != "planned" else 0,
        "hours": sum_hours(item.hours for item in completed) if view.kind != "planned" else 0.0,
        "planned": len(planned) if view.kind != "planned" else len(completed),
        "first_year": min(year_totals) if year_totals and view.kind != "planned" else None,
    }
    pages = []
    for number in range(1, count + 1):
        pager = {
            "number": number,
            "count": count,
            "previous": None
            if number == 1
            else (f"{view.base}/index.html" if number == 2 else f"{view.base}/page-{number - 1}.html"),
            "next": f"{view.base}/page-{number + 1}.html" if number < count else None,
            "total": len(view.items),
        }
        chunk = completed[(number - 1) * PER_PAGE : number * PER_PAGE]
        if view.kind == "planned":
            groups = [{"year": None, "entries": site.summaries(chunk)}] if chunk else []
        else:
            groups = _year_groups(
                site, chunk, year_totals, previous=completed[(number - 1) * PER_PAGE - 1] if number > 1 else None
            )
        context = {
            "heading": view.heading,
            "lead": view.lead,
            "view": {"kind": view.kind, "key": view.key},
            "groups": groups,
            "items": site.summaries(chunk),
            "planned": site.summaries(planned[:PER_PAGE]) if number == 1 else [],
            "more_planned": max(0, len(planned) - PER_PAGE) if number == 1 else 0,
            "summary": summary,
            "pager": pager,
            "facets": facets,
            "related": _related_tags(site, view) if number == 1 else [],
            "description": view.lead,
        }
        pages.append(Page(
            path=f"{view.base}/index.html" if number == 1 else f"{view.base}/page-{number}.html",
            template="activity_list.html",
            context=context,
            title=view.heading if number == 1 else f"{view.heading} (page {number} of {count})",
        ))  # fmt: skip
    return pages


def _year_groups(
    site: _Site, chunk: Sequence[CPDItem], year_totals: dict[int, tuple[int, float]], previous: CPDItem | None
) -> list[dict[str, Any]]:
    """The page's completed items in runs of one review year, each with the
    year's count and hours in the whole list (not only on this page)."""
    groups: list[dict[str, Any]] = []
    for item in chunk:
        year = item.end.year
        if not groups or groups[-1]["year"] != year:
            count, hours = year_totals[year]
            groups.append({
                "year": year,
                "count": count,
                "hours": hours,
                "continued": not groups and previous is not None and previous.end.year == year,
                "entries": [],
            })  # fmt: skip
        groups[-1]["entries"].append({"item": item, "path": site.path_of[id(item)]})
    return groups


def _related_tags(site: _Site, view: _ListView) -> list[dict[str, Any]]:
    """On a tag's page: the tags most often found with it."""
    if view.kind != "tag":
        return []
    counts: dict[str, int] = {}
    for item in view.items:
        for tag in item.tags:
            if tag != view.key:
                counts[tag] = counts.get(tag, 0) + 1
    best = sorted(counts, key=lambda tag: (-counts[tag], tag))[:RELATED_TAGS]
    return [{"tag": tag, "path": site.tag_paths[tag], "count": len(site.tags[tag])} for tag in best]


def _list_views(site: _Site) -> list[_ListView]:
    first = min(site.years) if site.years else None
    since = f" since {first}" if first else ""
    views = [
        _ListView(
            "all",
            "",
            "activities",
            "Activities",
            f"Everything I have recorded{since}, newest first and grouped by the review year it counts in. "
            "Planned and booked activities are listed separately.",
            site.items,
        )
    ]
    if site.planned:
        views.append(_ListView(
            "planned", "", "activities/planned", "Planned and booked activities",
            "What I have planned or booked, soonest first. These count towards a year once completed.",
            site.planned,
        ))  # fmt: skip
    for key in site.types:
        label = site.labels[key]
        views.append(_ListView(
            "type", key, site.type_paths[key].rsplit("/", 1)[0], label,
            f"Every {label.lower()} activity I have recorded, newest first.",
            [i for i in site.items if i.category == key],
        ))  # fmt: skip
    for year in site.years:
        views.append(_ListView(
            "year", str(year), f"activities/year/{year}", f"Activities completed in {year}",
            f"Completed in the review year 1 January to 31 December {year}, newest first.",
            site.by_year[year],
        ))  # fmt: skip
    for tag, tagged in sorted(site.tags.items()):
        views.append(_ListView(
            "tag", tag, site.tag_paths[tag].rsplit("/", 1)[0], f"Tagged “{tag}”",
            f"Activities tagged “{tag}”, newest first.", tagged,
        ))  # fmt: skip
    if site.framework is not None:
        for area in site.framework.areas:
            for key, title, kind in [
                (area.key, area.title, "area"),
                *((c.code, c.title, "code") for c in area.competences),
            ]:
                if key in site.competence_items:
                    views.append(_ListView(
                        kind, key, site.competence_paths[key].rsplit("/", 1)[0],
                        f"{key}: {title}",
                        f"Activities that developed {'a competence of ' if kind == 'area' else ''}"
                        f"{framework_short_name(site.framework)} {key}, {title.lower()}, newest first.",
                        site.competence_items[key],
                    ))  # fmt: skip
    return views


# --- the site -------------------------------------------------------------------------------


def body_progress(view: Records, bodies: Iterable[Body], today: date) -> list[dict[str, Any]]:
    """Where the public records stand with each body on `today`, for the
    home page (only when cpdgen.yaml publishes it: site.publish.compliance)."""
    found = compliance(view, [(body.policy, body.terms) for body in bodies], today)
    shown = []
    for standing in found.bodies:
        required = standing.required
        shown.append(
            {
                "short_name": standing.policy.short_name,
                "body": standing.policy.body,
                "period": standing.period.label(),
                "end": standing.period.end,
                "unit": standing.unit,
                "required": required,
                "counted": standing.counted,
                "percent": min(100.0, 100.0 * standing.counted / required) if required else 100.0,
                "compliant": standing.compliant,
                "on_track": standing.on_track,
                "rules": [
                    {"label": rule.label, "rule": rule.rule, "required": rule.required,
                     "counted": rule.counted, "met": rule.met}
                    for rule in standing.rules
                    if rule.rule in ("floor", "count", "alternative")
                ],
            }
        )  # fmt: skip
    return shown


def plan_site(
    view: Records,
    policy: Policy,
    bodies: list[dict[str, Any]] | None = None,
    sentences: Sentences | None = None,
    checkpoint: Callable[[], None] = lambda: None,
) -> list[Page]:
    """Every page of the site, from the public view of the records (and,
    if published, the progress with each body from `body_progress`).
    `checkpoint` is called between steps; what it raises ends the plan."""
    site = _Site(view, policy, sentences or Sentences(), checkpoint)
    checkpoint()
    hours_by_year = [year_hours(view, policy, year) for year in sorted(site.years)]
    facets = site.facets()
    pages = [_home(site, view, hours_by_year, bodies or [])]
    for list_view in _list_views(site):
        pages += _list_pages(site, list_view, facets)
        checkpoint()
    pages.append(Page(
        path="activities/tags.html", template="tags.html", title="Tags",
        context={"tags": [(tag, site.tag_paths[tag], len(site.tags[tag]))
                          for tag in sorted(site.tags, key=lambda t: (-len(site.tags[t]), t))],
                 "description": "Every tag of my CPD activities, with how many activities carry it."},
    ))  # fmt: skip
    pages += _item_pages(site, checkpoint)
    checkpoint()
    for hours in hours_by_year:
        pages.append(_year_page(site, view, hours))
    pages.append(Page(
        path="planning.html", template="planning.html", title="Development plan",
        context=_planning(site),
    ))  # fmt: skip
    pages.append(_cv(site, view))
    if competences_recorded(site.items) and site.framework is not None:
        pages.append(_competences(site, view))
    pages.append(Page(
        path="search.html", template="search.html", title="Search",
        context={"facets": facets, "count": len(site.items),
                 "description": "Search every activity of my CPD portfolio."},
    ))  # fmt: skip
    paths = [page.path for page in pages]
    if len(set(paths)) != len(paths):  # a bug in the plan, never a member's doing
        raise AssertionError(f"two pages at {sorted(p for p in paths if paths.count(p) > 1)[0]}")
    return pages


def framework_short_name(framework: Framework) -> str:
    """ "UK-SPEC" of "UK Standard ... (UK-SPEC)": the parenthesis a name ends with, else the name."""
    found = _PARENTHESIS.search(framework.name)
    return found[1] if found else framework.name


def competences_recorded(items: Iterable[CPDItem]) -> bool:
    """Whether any item names a competence: the competence view is shown only then."""
    return any(item.competences for item in items)


def _home(site: _Site, view: Records, hours_by_year: list[Hours], bodies: list[dict[str, Any]]) -> Page:
    profile = view.profile
    latest = hours_by_year[-1] if hours_by_year else None
    developing = [
        {"objective": o, "anchor": objective_anchor(o.id), **site.progress(o)}
        for o in site.objectives
        if o.status == "in-progress"
    ]
    areas = []
    if site.framework is not None and competences_recorded(site.completed):
        coverage = coverage_of(site.completed, site.framework, None)
        areas = [{"key": a.area.key, "title": a.area.title, "count": a.activities} for a in coverage.areas]
    total = sum_hours(h.total for h in hours_by_year)
    headline = (profile.headline or "") if profile else ""
    figure = f"{format_hours(total)} hours of recorded CPD since {hours_by_year[0].year}." if hours_by_year else ""
    current = [job for job in employment_order(view.employment) if job.end is None]
    context = {
        "recent": site.summaries(site.completed[:RECENT]),
        "hours_by_year": hours_by_year,
        "glance": {
            "year": latest.year if latest else None,
            "total": latest.total if latest else 0.0,
            "count": len(site.by_year[latest.year]) if latest else 0,
            "all_hours": total,
            "since": hours_by_year[0].year if hours_by_year else None,
            "completed": len(site.completed),
            "in_progress": len(developing),
            # the meter's scale: the chart's axis for the year and the guidance
            "scale": axis(max(latest.total if latest else 0, yearly_guidance(site.policy) or 0) or 1)[0],
        },
        "credentials": credentials(profile) if profile else [],
        "employer": current[0].employer if current else None,
        "developing": developing,
        "bodies": bodies,
        "areas": areas,
        "planned": len(site.planned),
        "next_planned": site.planned[0].start if site.planned else None,
        "description": " ".join(part for part in (headline.rstrip(".") + "." if headline else "", figure) if part),
        "og_type": "profile",
    }
    return Page(path="index.html", template="home.html", title="Home", context=context)


def _item_pages(site: _Site, checkpoint: Callable[[], None]) -> list[Page]:
    served = _served(site)
    order = sorted(site.completed, key=item_order)  # oldest first: older and newer neighbours
    position = {id(item): number for number, item in enumerate(order)}
    pages = []
    for count, item in enumerate(site.items):
        if count % 1000 == 999:
            checkpoint()
        neighbours: dict[str, Any] = {"previous": None, "next": None}
        if id(item) in position:
            number = position[id(item)]
            # Only what the link shows: an edit of a neighbour's other fields leaves this page as it is.
            if number > 0:
                neighbours["previous"] = _neighbour(site, order[number - 1])
            if number + 1 < len(order):
                neighbours["next"] = _neighbour(site, order[number + 1])
        framework = site.framework
        pages.append(Page(
            path=site.path_of[id(item)], template="activity.html", title=item.title,
            context={
                "item": item,
                "kind": item_kind(item),
                "type_path": site.type_paths[item.category],
                "tag_links": [(tag, site.tag_paths[tag]) for tag in item.tags],
                "competences": [
                    (code, framework.title(code) if framework else code, site.competence_paths.get(code))
                    for code in item.competences
                ],
                "served": served.get(id(item), []),
                "objectives": [(s["anchor"], s["objective"].title) for s in served.get(id(item), [])],
                "days": (item.end - item.start).days + 1,
                **neighbours,
                "description": item_description(site.sentences, item),
                "og_type": "article",
            },
        ))  # fmt: skip
    return pages


def item_description(sentences: Sentences, item: CPDItem) -> str:
    """An item page's description (for search engines and link previews)."""
    return sentences.first(item.description) or f"{item.title}: {format_hours(item.hours)} hours of CPD."


def _neighbour(site: _Site, item: CPDItem) -> dict[str, Any]:
    return {"title": item.title, "end": item.end, "path": site.path_of[id(item)]}


def _served(site: _Site) -> dict[int, list[dict[str, Any]]]:
    """For each item (by identity): the public objectives it served, with the
    actions of each that name it and the objective's progress."""
    served: dict[int, list[dict[str, Any]]] = {}
    for objective in site.objectives:
        linked: dict[int, list[str]] = {}
        for action in objective.actions:
            for item_id in action.activities:
                for item in site.by_id.get(item_id, ()):
                    linked.setdefault(id(item), []).append(action.title)
        for item in site.naming.get(objective.id, ()):
            linked.setdefault(id(item), [])
        for key, actions in linked.items():
            served.setdefault(key, []).append({
                "objective": objective,
                "anchor": objective_anchor(objective.id),
                "actions": actions,
                **site.progress(objective),
            })  # fmt: skip
    return served


def _year_page(site: _Site, view: Records, hours: Hours) -> Page:
    year_items = site.by_year[hours.year]  # newest first
    competences = []
    if site.framework is not None:
        coverage = coverage_of(year_items, site.framework, hours.year)
        codes = [(code, count) for area in coverage.areas for code, count, _ in area.by_code if count]
        competences = [
            {"code": code, "count": count, "title": site.framework.title(code), "path": site.competence_paths.get(code)}
            for code, count in sorted(codes, key=lambda pair: -pair[1])
        ]
    objectives: list[dict[str, Any]] = []
    in_year = {id(item) for item in year_items}
    for objective in site.objectives:
        serving = site.linked[objective.id].union(id(item) for item in site.naming.get(objective.id, ()))
        count = len(serving & in_year)
        if count:
            objectives.append({"title": objective.title, "anchor": objective_anchor(objective.id), "count": count})
    objectives.sort(key=lambda o: -int(o["count"]))
    return Page(
        path=f"years/{hours.year}.html", template="year.html", title=f"CPD in {hours.year}",
        context={
            "year": hours.year,
            "hours": hours,
            "shares": shares(hours),
            "count": len(year_items),
            "items": site.summaries(year_items[:PER_PAGE]),
            "all_items": f"activities/year/{hours.year}/index.html",
            "years": site.years,
            "previous_year": hours.year - 1 if hours.year - 1 in site.by_year else None,
            "next_year": hours.year + 1 if hours.year + 1 in site.by_year else None,
            "competences": competences,
            "served": objectives,
            "description": f"{format_hours(hours.total)} hours of completed CPD in {hours.year}, "
                           f"in {plural(len(year_items), 'activity', 'activities')}.",
        },
    )  # fmt: skip


def shares(hours: Hours) -> dict[str, int]:
    """Each category's share of the year's total, in whole percent adding up
    to 100 (largest remainder)."""
    total = hours.total
    if total <= 0:
        return dict.fromkeys(hours.by_category, 0)
    exact = {key: 100 * value / total for key, value in hours.by_category.items()}
    whole = {key: int(value) for key, value in exact.items()}
    left = 100 - sum(whole.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - whole[k]), k))[:left]:
        whole[key] += 1
    return whole


# --- planning --------------------------------------------------------------------------------

_OBJECTIVE_GROUPS = (
    ("in-progress", "In progress"),
    ("not-started", "Not started"),
    ("deferred", "Deferred"),
    ("achieved", "Achieved"),
    ("cancelled", "Cancelled"),
)


def _planning(site: _Site) -> dict[str, Any]:
    plans = _plans(site)
    groups = [
        {"status": status, "heading": heading, "plans": [p for p in plans if p["objective"].status == status]}
        for status, heading in _OBJECTIVE_GROUPS
    ]
    open_actions = [
        (action.target, action.title)
        for o in site.objectives
        if o.status not in CLOSED_OBJECTIVE_STATUSES
        for action in o.actions
        if action.target and action.status in ("planned", "in-progress")
    ]
    nxt = min(open_actions) if open_actions else None
    return {
        "objectives": plans,
        "groups": [g for g in groups if g["plans"]],
        "summary": {
            "in_progress": sum(1 for o in site.objectives if o.status == "in-progress"),
            "achieved": sum(1 for o in site.objectives if o.status == "achieved"),
            "done": sum(p["done"] for p in plans),
            "total": sum(p["total"] for p in plans),
            "next_target": nxt[0] if nxt else None,
            "next_title": nxt[1] if nxt else None,
        },
        "competence_paths": {
            code: site.competence_paths[code]
            for o in site.objectives
            for code in o.competences
            if code in site.competence_paths
        },
        "description": "My CPD objectives, the actions I planned for each, and the activities that delivered them.",
    }


def _plans(site: _Site) -> list[dict[str, Any]]:
    """Each objective with its actions, the items each action links, and the
    items that name the objective."""
    serving: dict[str, list[CPDItem]] = {}  # objective id → the items that name it
    for item in reversed(site.items):  # oldest first
        for objective_id in item.objectives:
            serving.setdefault(objective_id, []).append(item)
    plans = []
    for objective in site.objectives:
        action_items = [
            [item for a in action.activities for item in site.by_id.get(a, ())] for action in objective.actions
        ]
        actions = [
            {"action": action, "activities": [(item, site.path_of[id(item)]) for item in items]}
            for action, items in zip(objective.actions, action_items)
        ]
        linked: dict[int, CPDItem] = {id(item): item for item in serving.get(objective.id, [])}
        for items in action_items:
            for item in items:
                linked.setdefault(id(item), item)
        every = sorted(linked.values(), key=item_order, reverse=True)
        done = [item for item in every if item.completed]
        plans.append({
            "objective": objective,
            "anchor": objective_anchor(objective.id),
            "actions": actions,
            **site.progress(objective),
            "served_by": [(item, site.path_of[id(item)]) for item in serving.get(objective.id, [])],
            "linked": site.summaries(every),
            "completed": len(done),
            "hours": sum_hours(item.hours for item in done),
            "planned": len(every) - len(done),
        })  # fmt: skip
    return plans


# --- CV --------------------------------------------------------------------------------------

_LEVEL_NOTE = re.compile(r"\s*\(([^()]*)\)\s*$")


def study_level(title: str, level: str | None) -> str | None:
    """The level without a parenthesis that repeats the title: "Level 7 (MEng)"
    of an "MEng ..." is "Level 7"."""
    if not level:
        return None
    found = _LEVEL_NOTE.search(level)
    if found and found[1].strip().lower() in title.lower():
        return level[: found.start()].strip() or level
    return level


def study_subject(title: str, subject: str | None) -> str | None:
    """The subject, unless the title already says it."""
    return subject if subject and subject.strip().lower() not in title.lower() else None


def _cv(site: _Site, view: Records) -> Page:
    training = [item for item in site.completed if item_kind(item) == "training"]
    booked = [item for item in site.planned if item_kind(item) == "training"]
    profile = view.profile
    return Page(
        path="cv.html", template="cv.html", title="CV",
        context={
            "employment": employment_order(view.employment),
            "qualifications": study_order(view.qualifications),
            "study": [
                {"q": q, "level": study_level(q.title, q.level), "subject": study_subject(q.title, q.subject)}
                for q in study_order(view.qualifications)
            ],
            "credentials": credentials(profile) if profile else [],
            "training": site.summaries(training[:CV_TRAINING]),
            "more_training": max(0, len(training) - CV_TRAINING),
            "booked": site.summaries(booked[:CV_TRAINING]),
            "completed": len(site.completed),
            "since": min(site.years) if site.years else None,
            "description": ((profile.headline + ". ") if profile and profile.headline else "")
                           + "Curriculum vitae: experience, education, registration and training.",
            "og_type": "profile",
        },
    )  # fmt: skip


# Registration titles in full (the Engineering Council's and a few others'):
# the site writes "Chartered Engineer" beside the "CEng" a record gives.
REGISTRATION_TITLES = {
    "CEng": "Chartered Engineer",
    "IEng": "Incorporated Engineer",
    "EngTech": "Engineering Technician",
    "ICTTech": "ICT Technician",
    "CSci": "Chartered Scientist",
    "CEnv": "Chartered Environmentalist",
    "CPEng": "Chartered Professional Engineer",
    "PE": "Professional Engineer",
    "PEng": "Professional Engineer",
    "Eur Ing": "European Engineer",
}

_PARENTHESIS = re.compile(r"\s*\(([^()]+)\)\s*$")
_SMALL_WORDS = {"the", "of", "and", "for", "in", "&"}


def credentials(profile: Profile) -> list[dict[str, Any]]:
    """The member's registrations and memberships as short credentials: a
    mark ("CEng", "MIET"), what it is ("Chartered Engineer", "Member") and
    who grants it. The mark is the parenthesis a grade or body ends with
    ("Member (MIET)", "Women's Engineering Society (WES)"), else the body's initials."""
    found = []
    for registration in profile.registrations:
        found.append({
            "kind": "registration",
            "mark": registration.title,
            "name": REGISTRATION_TITLES.get(registration.title, registration.title),
            "body": registration.body,
            "since": registration.since,
        })  # fmt: skip
    for membership in profile.memberships:
        grade = membership.grade or "Member"
        body = membership.body
        grade_mark, body_mark = _PARENTHESIS.search(grade), _PARENTHESIS.search(body)
        if grade_mark:
            mark, grade = grade_mark[1], grade[: grade_mark.start()]
        elif body_mark:
            mark = body_mark[1]
        else:
            mark = (
                "".join(w[0] for w in body.split() if w.lower() not in _SMALL_WORDS and w[0].isalpha())[:5] or body[:4]
            )
        if body_mark:
            body = body[: body_mark.start()]
        found.append({"kind": "membership", "mark": mark, "name": grade, "body": body, "since": membership.since})
    return found


def initials(name: str) -> str:
    """Up to two initials for the monogram, the favicon and the preview image."""
    words = [w for w in re.split(r"[\s\-]+", name) if w and w[0].isalpha()]
    if not words:
        return (name.strip()[:1] or "?").upper()
    picked = [words[0], words[-1]] if len(words) > 1 else words[:1]
    return "".join(w[0] for w in picked).upper()


# --- competences -----------------------------------------------------------------------------


def _competences(site: _Site, view: Records) -> Page:
    framework = site.framework
    assert framework is not None
    coverage = coverage_of(site.completed, framework, None)
    per_year = {year: coverage_of(site.by_year[year], framework, year) for year in site.years}
    counts = [count for area in coverage.areas for _, count, _ in area.by_code]
    top = max(counts, default=0) or 1
    areas = []
    for area in coverage.areas:
        areas.append({
            "key": area.area.key,
            "title": area.area.title,
            "count": area.activities,
            "hours": area.hours,
            "path": site.competence_paths.get(area.area.key),
            "codes": [
                {"code": code, "title": framework.title(code), "count": count, "hours": hours,
                 "width": _share_of(count, top), "path": site.competence_paths.get(code)}
                for code, count, hours in area.by_code
            ],
            "rows": [
                {"code": code, "title": framework.title(code), "total": count,
                 "cells": [_heat(_count_in(per_year[year], code)) for year in site.years]}
                for code, count, _ in area.by_code
            ],
        })  # fmt: skip
    never = [code for area in coverage.areas for code, count, _ in area.by_code if not count]
    # Hours and activities per area and review year; the last row counts each activity once.
    area_years = [
        {"key": area.area.key, "title": area.area.title,
         "cells": [{"hours": per_year[year].areas[index].hours, "count": per_year[year].areas[index].activities}
                   for year in site.years],
         "all": {"hours": area.hours, "count": area.activities}}
        for index, area in enumerate(coverage.areas)
    ]  # fmt: skip
    unmapped = {"cells": [{"hours": per_year[year].hours_without_competences,
                           "count": per_year[year].without_competences} for year in site.years],
                "all": {"hours": coverage.hours_without_competences, "count": coverage.without_competences}}  # fmt: skip
    totals = {"cells": [{"hours": per_year[year].hours, "count": per_year[year].items} for year in site.years],
              "all": {"hours": coverage.hours, "count": coverage.items}}  # fmt: skip
    return Page(
        path="competences.html", template="competences.html", title="Competences",
        context={
            "framework": {"id": framework.id, "name": framework.name, "source": framework.source},
            "areas": areas,
            "years": site.years,
            "area_years": area_years,
            "unmapped_years": unmapped,
            "total_years": totals,
            "mapped": coverage.items - coverage.without_competences,
            "unmapped": coverage.without_competences,
            "covered": len(framework.codes) - len(never),
            "codes": len(framework.codes),
            "never": never,
            "since": min(site.years) if site.years else None,
            "description": "How my completed CPD maps to the areas of the competence framework.",
        },
    )  # fmt: skip


def _count_in(coverage: Coverage, code: str) -> int:
    return next((count for area in coverage.areas for c, count, _ in area.by_code if c == code), 0)


def _heat(count: int) -> dict[str, int]:
    """A heat-map cell: the count and its shade (0; 1; 2-3; 4 or more)."""
    return {"count": count, "level": 0 if count == 0 else 1 if count == 1 else 2 if count <= 3 else 3}


def _share_of(value: float, top: float) -> str:
    """A bar's width as CSS percent text (stable: byte-identical builds)."""
    text = f"{100 * value / top:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


_TAG = re.compile(r"<[^>]+>")
_SENTENCE = re.compile(r"(.+?[.!?])(\s|$)", re.S)


class Sentences:
    """A memo of `first_sentence` (Python-Markdown is most of planning's
    cost), keyed by the limit and a digest of the text. `known` may come
    from an earlier build, made by the same code and libraries (the caller
    checks); `used` is what this build asked for, to keep for the next."""

    def __init__(self, known: dict[bytes, str] | None = None) -> None:
        self.known = known if known is not None else {}
        self.used: dict[bytes, str] = {}

    def first(self, text: str | None, limit: int = 200) -> str:
        if not text:
            return ""
        key = hashlib.blake2b(f"{limit}\0{text}".encode("utf-8", "surrogatepass"), digest_size=16).digest()
        found = self.used.get(key)
        if found is None:
            found = self.known.get(key)
            if found is None:
                found = first_sentence(text, limit)
            self.used[key] = found
        return found


def first_sentence(text: str | None, limit: int = 200) -> str:
    """The first sentence of a Markdown field, as plain text (a page's description)."""
    if not text:
        return ""
    plain = " ".join(html.unescape(_TAG.sub(" ", str(markdown_html(text)))).split())
    found = _SENTENCE.match(plain)
    sentence = found[1] if found else plain
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
