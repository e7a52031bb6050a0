"""The portfolio site's pages as HTML text, from the public view of the records.

Privacy is decided before anything is rendered: pages are planned from
`compute.public.public_view` only, so no template can show what the view
does not hold. `SitePages` plans the pages and renders any one of them;
`cpdgen.output.site` decides which to render and writes them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup

from cpdgen.compute.hours import category_rows
from cpdgen.compute.public import PublishRules, public_view
from cpdgen.model.policy import Policy
from cpdgen.model.records import Records
from cpdgen.model.settings import Settings
from cpdgen.render.chart import hours_chart
from cpdgen.render.site_plan import Page, plan_site, record_digest
from cpdgen.render.templating import environment, template_errors, template_folders

FEED_ENTRIES = 50  # the newest completed activities in feed.xml


class SitePages:
    """The pages of one repository's site and the means to render each."""

    def __init__(self, records: Records, settings: Settings, policy: Policy, root: Path) -> None:
        self.root = root
        self.rules = PublishRules.from_settings(settings)
        self.view = public_view(records, self.rules)
        self.pages: list[Page] = plan_site(self.view, policy)
        profile = self.view.profile
        # What every page may show besides its own context.
        self.site: dict[str, Any] = {
            "title": settings.site_title or (profile.name if profile else "CPD portfolio"),
            "base_url": _base(settings.base_url),
            "category_label": {category.key: category.label for category in policy.categories},
        }
        self.folders = template_folders(root)
        self.env = environment(
            root,
            globals_={"site": self.site, "profile": profile, "policy": policy},
            filters={"rows": lambda hours: category_rows(hours, policy)},
        )
        with template_errors(root):
            self.env.globals["entry"] = _entries(self.env)
        self.env.globals["hours_chart"] = lambda years: hours_chart(years, policy)
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


def _base(url: str | None) -> str | None:
    return None if not url else url if url.endswith("/") else url + "/"


def _updated(entries: list[Page]) -> str:
    """The feed's date: the newest entry's, so identical records give identical bytes."""
    dates = [p.context["item"].end for p in entries]
    newest = max(dates) if dates else None
    moment = datetime.combine(newest, time(0), tzinfo=UTC) if newest else datetime(2000, 1, 1, tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")
