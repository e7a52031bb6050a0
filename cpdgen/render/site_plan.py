"""Which pages the portfolio site has and what each shows. Pure: records in,
`Page`s out; `render.site` renders and writes them.

Every page lists what it shows in `inputs` (record digests, page numbers):
with the templates' fingerprint that is the page's cache key, so a changed
record re-renders only the pages that show it.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from cpdgen.compute.hours import Hours, year_hours
from cpdgen.compute.reports import item_kind, objective_order
from cpdgen.compute.year import CLOSED_OBJECTIVE_STATUSES, year_of
from cpdgen.model import CPDItem, Objective, Records
from cpdgen.policy import Policy

PER_PAGE = 20  # activities per list page: no page grows with the record count
RECENT = 6  # activities on the home page


@dataclass(frozen=True)
class Page:
    path: str  # below the site root, "/"-separated
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()  # what the page shows, as digests: its cache key
    title: str = ""

    @property
    def root(self) -> str:
        """The relative way back to the site root from this page."""
        return "../" * self.path.count("/")


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slug(text: str) -> str:
    """A file-name-safe, URL-safe form of an id part or a tag."""
    cleaned = _UNSAFE.sub("-", text).strip("-.").lower()
    return cleaned or "x"


def record_digest(record: Any) -> str:
    """What a record says, as a short digest for the cache. The dataclass
    repr holds every field (and the source file), is the same for the same
    file, and costs a fifth of a JSON dump."""
    return hashlib.blake2b(repr(record).encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class SiteIndex:
    """The public records arranged for pages: items newest first, the page
    of each item, and digests for the cache."""

    items: list[CPDItem]
    item_paths: dict[tuple[str, str], str]  # (kind, id) → page path
    digests: dict[tuple[str, str], str]
    objectives: list[Objective]
    objective_titles: dict[str, str]


def item_key(item: CPDItem) -> tuple[str, str]:
    return (item_kind(item), item.id)  # ids are unique per kind only


def index_records(view: Records) -> SiteIndex:
    items = sorted(view.cpd_items, key=lambda i: (i.end, i.start, i.title, i.id), reverse=True)
    paths: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    # Oldest first, so adding a newer record never renames an older page.
    for item in reversed(items):
        key = item_key(item)
        folder = "activities" if key[0] == "activity" else "training"
        base = "/".join(slug(part) for part in item.id.split("/"))
        path = f"{folder}/{base}.html"
        if path in taken:  # two ids with the same slug
            path = f"{folder}/{base}-{hashlib.blake2b(item.id.encode(), digest_size=3).hexdigest()}.html"
        taken.add(path)
        paths[key] = path
    digests = {item_key(item): record_digest(item) for item in items}
    # Open objectives first, in the reports' order.
    objectives = sorted(view.objectives, key=lambda o: (o.status in CLOSED_OBJECTIVE_STATUSES, objective_order(o)))
    for objective in objectives:
        digests[("objective", objective.id)] = record_digest(objective)
    return SiteIndex(items, paths, digests, objectives, {o.id: o.title for o in objectives})


_FAR = date.max


def _paginated(base: str, items: Sequence[CPDItem], index: SiteIndex, heading: str, extra: dict[str, Any],
               extra_inputs: tuple[str, ...] = ()) -> list[Page]:
    """`base`/index.html, `base`/page-2.html, ...: PER_PAGE items each."""
    count = max(1, -(-len(items) // PER_PAGE))
    pages = []
    for number in range(1, count + 1):
        chunk = items[(number - 1) * PER_PAGE : number * PER_PAGE]
        path = f"{base}/index.html" if number == 1 else f"{base}/page-{number}.html"
        pager = {
            "number": number,
            "count": count,
            "previous": None if number == 1 else (f"{base}/index.html" if number == 2 else f"{base}/page-{number - 1}.html"),
            "next": f"{base}/page-{number + 1}.html" if number < count else None,
            "total": len(items),
        }
        pages.append(Page(
            path=path,
            template="activity_list.html",
            context={"heading": heading, "items": [_summary(item, index) for item in chunk], "pager": pager, **extra},
            inputs=(path, heading, json.dumps(pager, sort_keys=True), *extra_inputs,
                    *(index.digests[item_key(item)] for item in chunk)),
            title=heading if number == 1 else f"{heading} (page {number} of {count})",
        ))  # fmt: skip
    return pages


def _summary(item: CPDItem, index: SiteIndex) -> dict[str, Any]:
    return {"item": item, "path": index.item_paths[item_key(item)]}


def plan_site(view: Records, policy: Policy) -> tuple[list[Page], dict[str, Any]]:
    """Every page of the site, and the site-wide context (the same on every
    page: its digest is part of every page's key)."""
    index = index_records(view)
    items = index.items
    by_year: dict[int, list[CPDItem]] = {}  # items by the review year they count in, newest first
    for item in items:
        year = year_of(item)
        if year is not None:
            by_year.setdefault(year, []).append(item)
    completed = [item for item in items if year_of(item) is not None]
    years = sorted(by_year, reverse=True)
    hours_by_year = [year_hours(view, policy, year) for year in sorted(years)]

    tags: dict[str, list[CPDItem]] = {}
    for item in items:
        for tag in item.tags:
            tags.setdefault(tag, []).append(item)
    tag_paths = _tag_paths(sorted(tags))
    types = [category.key for category in policy.categories if any(item.category == category.key for item in items)]

    site = {
        "type_paths": {key: f"activities/type/{slug(key)}/index.html" for key in types},
        "years": years,
        "types": types,
        "tag_paths": tag_paths,
        "category_label": {category.key: category.label for category in policy.categories},
    }
    pages: list[Page] = []

    home_items = [_summary(item, index) for item in completed[:RECENT]]
    pages.append(Page(
        path="index.html", template="home.html", title="Home",
        context={"recent": home_items, "hours_by_year": hours_by_year},
        inputs=("home", *(index.digests[item_key(s["item"])] for s in home_items), _hours_digest(hours_by_year)),
    ))  # fmt: skip
    pages += _paginated("activities", items, index, "All activities", {"view": "all"})
    for key in types:
        label = site["category_label"][key]
        pages += _paginated(f"activities/type/{slug(key)}", [i for i in items if i.category == key], index, label, {"view": "type"})
    for year in years:
        pages += _paginated(f"activities/year/{year}", by_year[year], index, f"Activities completed in {year}", {"view": "year"})
    for tag, tagged in sorted(tags.items()):
        pages += _paginated(tag_paths[tag].rsplit("/", 1)[0], tagged, index, f"Tagged “{tag}”", {"view": "tag", "tag": tag})
    pages.append(Page(
        path="activities/tags.html", template="tags.html", title="Tags",
        context={"tags": [(tag, tag_paths[tag], len(tags[tag])) for tag in sorted(tags)]},
        inputs=("tags", json.dumps([(tag, len(tags[tag])) for tag in sorted(tags)])),
    ))  # fmt: skip
    for item in items:
        linked = [(objective_anchor(o), index.objective_titles[o]) for o in item.objectives if o in index.objective_titles]
        pages.append(Page(
            path=index.item_paths[item_key(item)], template="activity.html", title=item.title,
            context={"item": item, "objectives": linked},
            inputs=(index.digests[item_key(item)], json.dumps(linked)),
        ))  # fmt: skip
    for hours in hours_by_year:
        year_items = [_summary(i, index) for i in reversed(by_year[hours.year])]
        pages.append(Page(
            path=f"years/{hours.year}.html", template="year.html", title=f"CPD in {hours.year}",
            context={"year": hours.year, "hours": hours, "items": year_items},
            inputs=(_hours_digest([hours]), *(index.digests[item_key(s["item"])] for s in year_items)),
        ))  # fmt: skip
    # Planning: objectives with their actions and the activities that served them.
    by_id: dict[str, list[CPDItem]] = {}  # an id may name an activity and a course
    for item in reversed(items):
        by_id.setdefault(item.id, []).append(item)
    serving: dict[str, list[CPDItem]] = {}  # objective id → the items that name it, oldest first
    for item in reversed(items):
        for objective_id in item.objectives:
            serving.setdefault(objective_id, []).append(item)
    plans = [_objective_plan(o, serving.get(o.id, []), by_id, index.item_paths) for o in index.objectives]
    pages.append(Page(
        path="planning.html", template="planning.html", title="Development plan",
        context={"objectives": plans},
        inputs=("planning", *(index.digests[("objective", o.id)] for o in index.objectives),
                *(index.digests[item_key(i)] for i in items if i.objectives)),
    ))  # fmt: skip
    pages.append(Page(
        path="cv.html", template="cv.html", title="CV",
        context={
            "employment": sorted(view.employment, key=lambda e: (e.end is None, e.end or e.start, e.start), reverse=True),
            "qualifications": sorted(view.qualifications, key=lambda q: (q.end or q.start or _FAR, q.title), reverse=True),
        },
        inputs=("cv", *(record_digest(r) for r in (*view.employment, *view.qualifications))),
    ))  # fmt: skip
    return pages, site


def objective_anchor(objective_id: str) -> str:
    """The objective's fragment on planning.html; ids are unique, and so are these."""
    return "objective-" + hashlib.blake2b(objective_id.encode(), digest_size=3).hexdigest() + "-" + slug(objective_id)


def _tag_paths(tags: Iterable[str]) -> dict[str, str]:
    paths: dict[str, str] = {}
    taken: set[str] = set()
    for tag in tags:
        base = slug(tag)
        if base in taken:
            base = f"{base}-{hashlib.blake2b(tag.encode(), digest_size=3).hexdigest()}"
        taken.add(base)
        paths[tag] = f"activities/tag/{base}/index.html"
    return paths


def _hours_digest(hours: Iterable[Hours]) -> str:
    return json.dumps([(h.year, h.as_data()) for h in hours], sort_keys=True)


def _objective_plan(objective: Objective, serving: list[CPDItem], by_id: dict[str, list[CPDItem]],
                    paths: dict[tuple[str, str], str]) -> dict[str, Any]:
    actions = []
    for action in objective.actions:
        linked = [(item, paths[item_key(item)]) for a in action.activities for item in by_id.get(a, ())]
        actions.append({"action": action, "activities": linked})
    done = sum(1 for action in objective.actions if action.status == "done")
    return {"objective": objective, "anchor": objective_anchor(objective.id), "actions": actions, "done": done, "total": len(objective.actions), "served_by": [(item, paths[item_key(item)]) for item in serving]}
