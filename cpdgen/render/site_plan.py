"""Which pages the portfolio site has and what each shows. Pure: records in,
`Page`s out; `render.site` renders and writes them.

Each page's context holds everything its template shows beyond the few
site-wide values (title, labels, profile), so the context itself is the
page's cache key (`Page.fingerprint`): a changed record re-renders exactly
the pages that show it, with no list of dependencies to keep by hand.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, is_dataclass
from datetime import date
from typing import Any

from cpdgen.compute.cv import employment_order, study_order
from cpdgen.compute.hours import year_hours
from cpdgen.compute.reports import item_kind, objective_order
from cpdgen.compute.year import CLOSED_OBJECTIVE_STATUSES, item_order, year_of
from cpdgen.model.policy import Policy
from cpdgen.model.records import CPDItem, Records

ITEM_FOLDERS = {"activity": "activity", "training": "training"}  # a page per item, by kind
PER_PAGE = 20  # activities per list page: no page grows with the record count
RECENT = 6  # activities on the home page


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

        def encode(value: Any) -> Any:
            if is_dataclass(value):
                found = memo.get(id(value))
                if found is None:
                    found = memo[id(value)] = record_digest(value)
                return found
            if isinstance(value, date):
                return value.isoformat()
            raise TypeError(f"a page context holds a {type(value).__name__}")  # a bug: every value must be keyable

        return json.dumps([self.path, self.template, self.title, self.context], default=encode, sort_keys=True)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str) -> str:
    """A file-name-safe, URL-safe form of an id part or a tag."""
    cleaned = _UNSAFE.sub("-", text).strip("-.").lower()
    return cleaned or "x"


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
    taken: set[str] = set()
    for item in sorted(items, key=item_order):
        key = item_key(item)
        # Own folders, apart from the lists under activities/: no id can name a list page.
        folder = ITEM_FOLDERS[key[0]]
        base = "/".join(safe_name(part) for part in item.id.split("/"))
        path = f"{folder}/{base}.html"
        if path in taken:
            path = f"{folder}/{base}-{_short_hash(item.id)}.html"
        taken.add(path)
        paths[key] = path
    return paths


def _short_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=3).hexdigest()


def objective_anchor(objective_id: str) -> str:
    """The objective's fragment on planning.html; distinct for distinct ids."""
    return f"objective-{_short_hash(objective_id)}-{safe_name(objective_id)}"


def tag_paths(tags: Iterable[str]) -> dict[str, str]:
    paths: dict[str, str] = {}
    taken: set[str] = set()
    for tag in sorted(tags):
        base = safe_name(tag)
        if base in taken:
            base = f"{base}-{_short_hash(tag)}"
        taken.add(base)
        paths[tag] = f"activities/tag/{base}/index.html"
    return paths


class _Site:
    """The public records arranged for pages."""

    def __init__(self, view: Records, policy: Policy) -> None:
        self.items = sorted(view.cpd_items, key=item_order, reverse=True)  # newest first
        self.paths = item_paths(self.items)
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
        self.type_paths = {key: f"activities/type/{safe_name(key)}/index.html" for key in self.types}
        # Open objectives first, in the reports' order.
        self.objectives = sorted(
            view.objectives, key=lambda o: (o.status in CLOSED_OBJECTIVE_STATUSES, objective_order(o))
        )
        self.objective_titles = {o.id: o.title for o in self.objectives}

    def summaries(self, items: Iterable[CPDItem]) -> list[dict[str, Any]]:
        return [{"item": item, "path": self.paths[item_key(item)]} for item in items]

    def views(self) -> dict[str, Any]:
        """The links to every list view, shown on each list page."""
        return {
            "types": [(key, self.type_paths[key]) for key in self.types],
            "years": [(year, f"activities/year/{year}/index.html") for year in self.years],
        }


def _paginated(site: _Site, base: str, items: Sequence[CPDItem], heading: str, view: str) -> list[Page]:
    """`base`/index.html, `base`/page-2.html, ...: PER_PAGE items each."""
    count = max(1, -(-len(items) // PER_PAGE))
    views = site.views()
    pages = []
    for number in range(1, count + 1):
        pager = {
            "number": number,
            "count": count,
            "previous": None
            if number == 1
            else (f"{base}/index.html" if number == 2 else f"{base}/page-{number - 1}.html"),
            "next": f"{base}/page-{number + 1}.html" if number < count else None,
            "total": len(items),
        }
        chunk = items[(number - 1) * PER_PAGE : number * PER_PAGE]
        pages.append(Page(
            path=f"{base}/index.html" if number == 1 else f"{base}/page-{number}.html",
            template="activity_list.html",
            context={"heading": heading, "items": site.summaries(chunk), "pager": pager, "view": view, "views": views},
            title=heading if number == 1 else f"{heading} (page {number} of {count})",
        ))  # fmt: skip
    return pages


def plan_site(view: Records, policy: Policy) -> list[Page]:
    """Every page of the site, from the public view of the records."""
    site = _Site(view, policy)
    labels = {category.key: category.label for category in policy.categories}
    hours_by_year = [year_hours(view, policy, year) for year in sorted(site.years)]
    completed = [item for item in site.items if year_of(item) is not None]
    pages = [Page(
        path="index.html", template="home.html", title="Home",
        context={"recent": site.summaries(completed[:RECENT]), "hours_by_year": hours_by_year},
    )]  # fmt: skip
    pages += _paginated(site, "activities", site.items, "All activities", "all")
    for key in site.types:
        items = [i for i in site.items if i.category == key]
        pages += _paginated(site, site.type_paths[key].rsplit("/", 1)[0], items, labels[key], "type")
    for year in site.years:
        pages += _paginated(
            site, f"activities/year/{year}", site.by_year[year], f"Activities completed in {year}", "year"
        )
    for tag, tagged in sorted(site.tags.items()):
        pages += _paginated(site, site.tag_paths[tag].rsplit("/", 1)[0], tagged, f"Tagged “{tag}”", "tag")
    pages.append(Page(
        path="activities/tags.html", template="tags.html", title="Tags",
        context={"tags": [(tag, site.tag_paths[tag], len(site.tags[tag])) for tag in sorted(site.tags)]},
    ))  # fmt: skip
    for item in site.items:
        pages.append(Page(
            path=site.paths[item_key(item)], template="activity.html", title=item.title,
            context={
                "item": item,
                "type_path": site.type_paths[item.category],
                "tag_links": [(tag, site.tag_paths[tag]) for tag in item.tags],
                "objectives": [(objective_anchor(o), site.objective_titles[o]) for o in item.objectives
                               if o in site.objective_titles],
            },
        ))  # fmt: skip
    for hours in hours_by_year:
        year_items = site.by_year[hours.year]
        pages.append(Page(
            path=f"years/{hours.year}.html", template="year.html", title=f"CPD in {hours.year}",
            context={
                "year": hours.year,
                "hours": hours,
                "count": len(year_items),
                "items": site.summaries(list(reversed(year_items))[:PER_PAGE]),
                "all_items": f"activities/year/{hours.year}/index.html",
                "previous_year": hours.year - 1 if hours.year - 1 in site.by_year else None,
                "next_year": hours.year + 1 if hours.year + 1 in site.by_year else None,
            },
        ))  # fmt: skip
    pages.append(Page(
        path="planning.html", template="planning.html", title="Development plan",
        context={"objectives": _plans(site)},
    ))  # fmt: skip
    pages.append(Page(
        path="cv.html", template="cv.html", title="CV",
        context={
            "employment": employment_order(view.employment),
            "qualifications": study_order(view.qualifications),
        },
    ))  # fmt: skip
    paths = [page.path for page in pages]
    if len(set(paths)) != len(paths):  # a bug in the plan, never a member's doing
        raise AssertionError(f"two pages at {sorted(p for p in paths if paths.count(p) > 1)[0]}")
    return pages


def _plans(site: _Site) -> list[dict[str, Any]]:
    """Each objective with its actions, the items each action links, and the
    items that name the objective."""
    by_id: dict[str, list[CPDItem]] = {}  # an id may name an activity and a course
    serving: dict[str, list[CPDItem]] = {}  # objective id → the items that name it
    for item in reversed(site.items):  # oldest first
        by_id.setdefault(item.id, []).append(item)
        for objective_id in item.objectives:
            serving.setdefault(objective_id, []).append(item)
    plans = []
    for objective in site.objectives:
        actions = [
            {
                "action": action,
                "activities": [
                    (item, site.paths[item_key(item)]) for a in action.activities for item in by_id.get(a, ())
                ],
            }
            for action in objective.actions
        ]
        plans.append({
            "objective": objective,
            "anchor": objective_anchor(objective.id),
            "actions": actions,
            "done": sum(1 for action in objective.actions if action.status == "done"),
            "total": len(objective.actions),
            "served_by": [(item, site.paths[item_key(item)]) for item in serving.get(objective.id, [])],
        })  # fmt: skip
    return plans
