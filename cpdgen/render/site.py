"""The portfolio site's pages as HTML text, from the public view of the records.

Privacy is decided before anything is rendered: pages are planned from
`compute.public.public_view` only, so no template can show what the view
does not hold. `SitePages` plans the pages and renders any one of them;
`cpdgen.output.site` decides which to render and writes them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup

from cpdgen.compute.hours import category_rows, format_hours, yearly_guidance
from cpdgen.compute.public import PublishRules, public_item, public_view
from cpdgen.compute.year import item_order, year_of
from cpdgen.model.policy import Body, Policy
from cpdgen.model.records import CPDItem, Record, Records
from cpdgen.model.settings import Settings
from cpdgen.render.chart import hours_chart, slot, year_chart
from cpdgen.render.preview import favicon_svg, preview_png
from cpdgen.render.site_plan import (
    Page,
    Sentences,
    body_progress,
    competences_recorded,
    framework_short_name,
    initials,
    item_description,
    item_key,
    plan_site,
    record_digest,
)
from cpdgen.render.templating import date_span, environment, short_date, template_errors, template_folders

FEED_ENTRIES = 50  # the newest completed activities in feed.xml

# The fields of an activity or course that make no page, path or set of
# pages, and reach its own page only as what it shows of them (the title
# also sorts it: `item_pages_after` checks that it keeps its place). An edit
# of only these changes its own page in a known way, which the preview
# server puts up at once; the lists and totals that show them too come
# with the whole site's build.
DISPLAY_FIELDS = ("title", "description", "outcomes", "reflection", "provider", "location", "mode", "hours")


class SitePages:
    """The pages of one repository's site and the means to render each."""

    def __init__(
        self,
        records: Records,
        settings: Settings,
        policy: Policy,
        root: Path,
        *,
        bodies: tuple[Body, ...] = (),
        today: date | None = None,
        sentences: Sentences | None = None,
        checkpoint: Callable[[], None] = lambda: None,
    ) -> None:
        checkpoint()
        self.root = root
        self.sentences = sentences or Sentences()
        self.rules = PublishRules.from_settings(settings)
        self.view = public_view(records, self.rules)
        published = settings.publish_compliance and today is not None
        standing = body_progress(self.view, bodies or (Body(policy),), today) if published and today else None
        checkpoint()
        self.pages: list[Page] = plan_site(self.view, policy, standing, self.sentences, checkpoint)
        profile = self.view.profile
        title = settings.site_title or (profile.name if profile else "CPD portfolio")
        years = sorted({year for item in self.view.cpd_items if (year := year_of(item)) is not None})
        guidance = yearly_guidance(policy)
        framework = policy.competences
        # What every page may show besides its own context.
        self.site: dict[str, Any] = {
            "title": title,
            "base_url": _base(settings.base_url),
            "category_label": {category.key: category.label for category in policy.categories},
            "category_slot": {category.key: slot(n) for n, category in enumerate(policy.categories)},
            "body": policy.short_name,  # before a noun: "the IET CPD declaration"
            "body_named": policy.named,  # in a sentence: "the IET", "Engineers Ireland"
            "body_named_first": policy.named_first,
            "guidance": guidance,
            "competences": framework is not None and competences_recorded(self.view.cpd_items),
            "framework": framework_short_name(framework) if framework else None,
            "latest_year": years[-1] if years else None,
            "initials": initials(profile.name if profile else title),
        }
        self.policy = policy
        self.folders = template_folders(root)
        self.env = environment(
            root,
            globals_={"site": self.site, "profile": profile, "policy": policy},
            filters={"rows": lambda hours: category_rows(hours, policy), "entry_date": entry_date},
        )
        with template_errors(root):
            self.env.globals["entry"] = _entries(self.env)
        self.env.globals["hours_chart"] = lambda years: hours_chart(years, policy, guidance)
        self.env.globals["year_chart"] = lambda hours: year_chart(hours, policy, guidance)
        # What every page's key holds besides its own context (and the templates).
        self.shared_key_parts = (
            record_digest(profile) if profile else "",
            record_digest(policy),
            json.dumps(self.site, sort_keys=True),
        )

    @property
    def base_url(self) -> str | None:
        return self.site["base_url"]

    def render(self, page: Page) -> str:
        """One page's HTML. A mistake in a member's template is a UserError."""
        with template_errors(self.root):
            return self.env.get_template(page.template).render(page=page, root=page.root, **page.context)

    def item_pages_after(self, changes: Sequence[tuple[Record, Record]], also: Iterable[str] = ()) -> list[Page] | None:
        """The pages of the activities and courses that `changes` (each a
        record before and after, same kind and id) edit, exactly as a plan
        of the changed records has them, plus the pages at the paths `also`
        (of unchanged items: as that plan has them too). Only edits of
        DISPLAY_FIELDS that leave every item where it was in the order
        qualify; for any other change (of a record of another kind, of a
        field that moves an item or shapes other pages, of a private item)
        None: plan it all. Other pages that show the edited items (lists,
        the pages of unedited neighbours) are not among them: the full
        build brings those."""
        objectives = {objective.id for objective in self.view.objectives}
        after_items: dict[int, CPDItem] = {}  # page number -> its item after the changes
        blank: dict[str, Any] = dict.fromkeys(DISPLAY_FIELDS)
        for before, after in changes:
            if not (isinstance(before, CPDItem) and type(after) is type(before)) or item_key(after) != item_key(before):
                return None
            if replace(before, **blank) != replace(after, **blank):
                return None
            number = self._item_page_at.get(item_key(after))
            if number is None:  # a private item: no page
                return None
            if public_item(before, self.rules, objectives) != self.pages[number].context["item"]:
                return None  # not the record this site was planned from
            after_items[number] = public_item(after, self.rules, objectives)
        # Strictly between its neighbours before and after: the plan sorts twice
        # (newest and oldest first), and the two may break a tie differently.
        if not all(self._keeps_place(number, {}) and self._keeps_place(number, after_items) for number in after_items):
            return None
        titles = {self.pages[number].path: item.title for number, item in after_items.items()}
        wanted = [n for n, item in after_items.items() if item != self.pages[n].context["item"]]
        paths = set(also) - {self.pages[n].path for n in wanted}
        wanted += [n for n in self._item_page_at.values() if self.pages[n].path in paths]
        pages = []
        for number in wanted:
            page = self.pages[number]
            item = after_items.get(number, page.context["item"])
            context = {**page.context, "item": item, "description": item_description(self.sentences, item)}
            for side in ("previous", "next"):  # a neighbour link shows the neighbour's title
                link = context[side]
                if link is not None and link["path"] in titles:
                    context[side] = {**link, "title": titles[link["path"]]}
            pages.append(replace(page, context=context, title=item.title))
        return pages

    @cached_property
    def _item_page_at(self) -> dict[tuple[str, str], int]:
        """(kind, id) → the number of the item's page, in the site's order (newest first)."""
        return {
            item_key(page.context["item"]): number
            for number, page in enumerate(self.pages)
            if page.template == "activity.html"
        }

    @cached_property
    def _item_page_numbers(self) -> tuple[list[int], dict[int, int]]:
        """The item pages' numbers in the site's order, and each one's place in it."""
        numbers = list(self._item_page_at.values())
        return numbers, {number: at for at, number in enumerate(numbers)}

    def _keeps_place(self, number: int, replaced: dict[int, CPDItem]) -> bool:
        """Whether the item of page `number` sorts strictly between its
        neighbours' once the items of the pages `replaced` are put in: then
        every order (and so every page path and neighbour link) stays."""
        numbers, place = self._item_page_numbers
        at = place[number]

        def key(n: int) -> tuple:
            return item_order(replaced.get(n, self.pages[n].context["item"]))

        mine = key(number)
        return (at == 0 or key(numbers[at - 1]) > mine) and (at + 1 == len(numbers) or mine > key(numbers[at + 1]))

    def sitemap(self) -> str:
        """sitemap.xml (only with a base_url: a sitemap lists absolute addresses)."""
        assert self.base_url, "a sitemap needs the site's base_url"
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for page in self.pages:
            lines.append(f"  <url><loc>{xml_escape(self.base_url + page.path)}</loc></url>")
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"

    def feed(self) -> str:
        """feed.xml: the newest completed activities, as Atom."""
        entries = [p for p in self.pages if p.template == "activity.html" and p.context["item"].completed][
            :FEED_ENTRIES
        ]
        with template_errors(self.root):
            return self.env.get_template("feed.xml").render(entries=entries, updated=_updated(entries))

    def search_index(self) -> str:
        """static/search-index.js: every public activity and course as the
        search page's script needs it, `window.CPD_INDEX = [...]`. A script
        file, not JSON to fetch, so search works from file:// too; built from
        the public view like every page."""
        entries: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
        for page in self.pages:
            if page.template != "activity.html":
                continue
            item = page.context["item"]
            # Completed work newest first, then what is planned, soonest first (as the lists).
            order = (0, -item.end.toordinal(), page.path) if item.completed else (1, item.start.toordinal(), page.path)
            entries.append((order, {
                "title": item.title,
                "path": page.path,
                "date": date_span(item.start, item.end),
                "year": item.end.year if item.completed else None,
                "status": item.status,
                "category": self.site["category_label"][item.category],
                "slot": self.site["category_slot"][item.category],
                "hours": format_hours(item.hours),
                "where": " · ".join(part for part in (item.provider, item.location) if part),
                "tags": list(item.tags),
                "competences": list(item.competences),
                "text": self.sentences.first(item.description, 300),
            }))  # fmt: skip
        shown = [entry for _, entry in sorted(entries, key=lambda pair: pair[0])]
        return "window.CPD_INDEX = " + json.dumps(shown, ensure_ascii=False, sort_keys=True) + ";\n"

    def favicon(self) -> str:
        """static/favicon.svg: the member's initials on the theme's tile."""
        return favicon_svg(self.site["initials"])

    def preview_image(self) -> bytes:
        """static/og-image.png: the social preview card, from public data only."""
        hours = [p.context["hours_by_year"] for p in self.pages if p.template == "home.html"]
        return preview_png(self.view.profile, self.site["title"], hours[0] if hours else [], self.policy)

    def evidence_paths(self) -> list[str]:
        """The evidence files the site publishes (none unless cpdgen.yaml says so)."""
        if not self.rules.evidence:
            return []
        view = self.view
        paths = {p for item in view.cpd_items for p in item.evidence}
        paths |= {item.certificate for item in view.training if item.certificate}
        paths |= {p for q in view.qualifications for p in q.evidence}
        return sorted(paths)


def _entries(env: jinja2.Environment):
    """`entry(summary, root, level=3, with_year=False)`: an item's row in a
    list (`item_entry.html`), its title an h`level`, its date with the year
    where the list is not grouped by year; rendered once per item, depth
    and form. Each item shows in several lists (all, by type, year, tag and
    competence), so this saves most of the lists' cost."""
    template = env.get_template("item_entry.html")
    # By the item's identity, the item kept beside its row: an id is only
    # unique while its object lives, and an edited item replaces an old one.
    rendered: dict[tuple[int, str, int, bool], tuple[CPDItem, Markup]] = {}

    def entry(summary: dict, root: str, level: int = 3, with_year: bool = False) -> Markup:
        item = summary["item"]
        key = (id(item), root, level, with_year)
        found = rendered.get(key)
        if found is None or found[0] is not item:
            found = rendered[key] = (
                item,
                Markup(template.render(item=item, path=summary["path"], root=root, level=level, with_year=with_year)),
            )
        return found[1]

    return entry


def entry_date(item: CPDItem, with_year: bool = False) -> Markup:
    """An item's date in a list row, as <time>s: "9–10 Dec", "30 Jan – 2 Feb";
    a long span by the date that counts, completion ("26 Sep", "from 6 May"),
    or for planned work its start ("11 Jan", "to 26 Mar"); the year on a line
    of its own where the list is not grouped by year."""

    def stamp(value, text: str) -> str:
        return f'<time datetime="{value.isoformat()}">{text}</time>'

    start, end = item.start, item.end
    lines = []
    if start == end:
        lines.append(stamp(start, short_date(start)))
    elif start.year == end.year and start.month == end.month:
        lines.append(f"{stamp(start, str(start.day))}–{stamp(end, short_date(end))}")
    elif (end - start).days <= 14:
        lines.append(f"{stamp(start, short_date(start))} – {stamp(end, short_date(end))}")
    elif item.completed:
        lines.append(stamp(end, short_date(end)))
        shown = short_date(start) + (f" {start.year}" if start.year != end.year else "")
        lines.append(f"<small>from {stamp(start, shown)}</small>")
    else:
        lines.append(stamp(start, short_date(start)))
        shown = short_date(end) + (f" {end.year}" if start.year != end.year else "")
        lines.append(f"<small>to {stamp(end, shown)}</small>")
    if with_year:
        lines.append(f"<small>{(end if item.completed else start).year}</small>")
    return Markup("".join(lines))


def _base(url: str | None) -> str | None:
    return None if not url else url if url.endswith("/") else url + "/"


def _updated(entries: list[Page]) -> str:
    """The feed's date: the newest entry's, so identical records give identical bytes."""
    dates = [p.context["item"].end for p in entries]
    newest = max(dates) if dates else None
    moment = datetime.combine(newest, time(0), tzinfo=UTC) if newest else datetime(2000, 1, 1, tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")
