"""A professional body's CPD rules, as typed values built from a policy file.

The rules themselves are data (`cpdgen/policies/*.yaml`, checked by
`schemas/policy.schema.json`); this module only gives them a shape. Nothing
here knows about the IET: the IET is one file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cpdgen.model.competences import Framework
from cpdgen.model.guide import Guide


@dataclass(frozen=True)
class Category:
    key: str  # an activity type, or "training"
    label: str


@dataclass(frozen=True)
class HoursRule:
    """'Recommend `hours` when every condition in `when` holds.'"""

    hours: float
    reason: str
    professionally_active: bool | None = None
    out_of_employment: bool | None = None
    status: tuple[str, ...] | None = None

    def applies(self, professionally_active: bool | None, out_of_employment: bool, status: str | None) -> bool:
        if self.professionally_active is not None and professionally_active is not self.professionally_active:
            return False
        if self.out_of_employment is not None and out_of_employment is not self.out_of_employment:
            return False
        return not (self.status is not None and status not in self.status)


@dataclass(frozen=True)
class Group:
    """A category of the rule language: a set of activity types and/or tags.
    A record belongs to it when its type is one of `types` or it has one of `tags`."""

    key: str
    label: str
    types: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()

    def holds(self, category: str, tags: tuple[str, ...]) -> bool:
        return category in self.types or any(tag in self.tags for tag in tags)


CALENDAR_YEAR, ANCHORED_YEAR, ROLLING, BIENNIUM = "calendar-year", "anchored-year", "rolling", "biennium"


@dataclass(frozen=True)
class Window:
    """The period a requirement is counted over (see compute.periods)."""

    kind: str = CALENDAR_YEAR
    years: int = 1  # the period's length in years
    first_year: int = 2000  # biennium: a year one starts in

    @property
    def needs_renewal(self) -> bool:
        """A window anchored on the member's renewal date, which cpdgen.yaml must give."""
        return self.kind == ANCHORED_YEAR


@dataclass(frozen=True)
class Unit:
    """What the body counts in: `minutes` of recorded time make one `name`."""

    name: str = "h"
    minutes: float = 60.0

    def of(self, hours: float) -> float:
        return hours * 60.0 / self.minutes


@dataclass(frozen=True)
class GroupCap:
    """At most `hours` of the records in any of `groups` count over a period."""

    groups: tuple[str, ...]
    hours: float

    @property
    def key(self) -> str:
        return "+".join(self.groups)


@dataclass(frozen=True)
class Floor:
    """At least `hours` of the group's hours, or `records` of its records, in a period."""

    group: str
    hours: float | None = None
    records: int | None = None


@dataclass(frozen=True)
class Alternative:
    """The total is also met by `hours` over the `years` periods ending with the current one."""

    years: int
    hours: float


@dataclass(frozen=True)
class CarryOver:
    limit: float
    periods: int = 1
    not_towards: tuple[str, ...] = ()


@dataclass(frozen=True)
class Requirement:
    period_years: int
    rules: tuple[HoursRule, ...]
    caps: Mapping[str, float]
    window: Window = field(default_factory=Window)
    unit: Unit = field(default_factory=Unit)
    group_caps: tuple[GroupCap, ...] = ()
    floors: tuple[Floor, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    carry_over: CarryOver | None = None
    pro_rata: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Requirement:
        window_data = data.get("window")
        if window_data is None:
            years = data.get("period_years", 1)
            window = Window(CALENDAR_YEAR, 1) if years == 1 else Window(ROLLING, years)
        else:
            kind = window_data["kind"]
            years = {ROLLING: window_data.get("years", 3), BIENNIUM: 2}.get(kind, 1)
            window = Window(kind, years, window_data.get("first_year", 2000))
        unit = data.get("unit")
        carry = data.get("carry_over")
        return cls(
            period_years=window.years,
            caps=dict(data.get("caps", {})),
            rules=tuple(
                HoursRule(
                    hours=float(rule["hours"]),
                    reason=rule["reason"],
                    professionally_active=rule.get("when", {}).get("professionally_active"),
                    out_of_employment=rule.get("when", {}).get("out_of_employment"),
                    status=tuple(rule["when"]["status"]) if "status" in rule.get("when", {}) else None,
                )
                for rule in data["rules"]
            ),
            window=window,
            unit=Unit(unit["name"], float(unit.get("minutes", 60))) if unit else Unit(),
            group_caps=tuple(GroupCap(tuple(c["groups"]), float(c["hours"])) for c in data.get("group_caps", ())),
            floors=tuple(
                Floor(f["group"], float(f["hours"]) if "hours" in f else None, f.get("records"))
                for f in data.get("floors", ())
            ),
            alternatives=tuple(Alternative(a["years"], float(a["hours"])) for a in data.get("alternatives", ())),
            carry_over=(
                CarryOver(float(carry["limit"]), carry.get("periods", 1), tuple(carry.get("not_towards", ())))
                if carry
                else None
            ),
            pro_rata=frozenset(data.get("pro_rata", ())),
        )


@dataclass(frozen=True)
class Source:
    """Where a policy's rules were read."""

    url: str
    read: str
    note: str | None = None


@dataclass(frozen=True)
class ChecklistItem:
    number: int
    key: str  # names the rule in compute.checklist
    title: str
    mandatory: bool


@dataclass(frozen=True)
class DocumentType:
    key: str  # the field under supporting_documents
    title: str


@dataclass(frozen=True)
class DocumentRules:
    max_bytes: int
    formats: Mapping[str, str]  # ".pdf" → "pdf"
    types: tuple[DocumentType, ...]


NO_DOCUMENTS = DocumentRules(0, {}, ())  # a body without a declaration checklist


@dataclass(frozen=True)
class MemberTerms:
    """A member's own facts a body's rules need (a `policies:` entry of cpdgen.yaml)."""

    renewal: date | None = None  # the last day of a period anchored on the member
    joined: date | None = None
    part_time: float = 1.0  # the fraction of full time worked
    inactive: tuple[tuple[date, date], ...] = ()  # spans not professionally active


@dataclass(frozen=True)
class Policy:
    id: str
    body: str
    short_name: str
    categories: tuple[Category, ...]
    total_label: str
    requirement: Requirement
    checklist: tuple[ChecklistItem, ...]
    documents: DocumentRules
    competences: Framework | None = None  # the framework records' competence codes belong to
    guide: Guide | None = None  # the body's words for what cpdgen asks
    in_text: str = ""  # how a sentence names the body ("Engineers Ireland"); "the " + short_name when not given
    groups: tuple[Group, ...] = ()
    source: Source | None = None

    @property
    def named(self) -> str:
        """The body inside a sentence: "the IET", "Engineers Ireland"."""
        return self.in_text or f"the {self.short_name}"

    @property
    def named_first(self) -> str:
        """The body at the start of a sentence: "The IET", "Engineers Ireland"."""
        return self.named[:1].upper() + self.named[1:]

    @property
    def has_checklist(self) -> bool:
        return bool(self.checklist)

    def group(self, key: str) -> Group:
        """A group of the rule language; an activity type or training on its own is one too."""
        for group in self.groups:
            if group.key == key:
                return group
        return Group(key, self.label(key), frozenset({key}))

    @property
    def category_keys(self) -> tuple[str, ...]:
        return tuple(category.key for category in self.categories)

    def label(self, category_key: str) -> str:
        for category in self.categories:
            if category.key == category_key:
                return category.label
        return category_key

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any], competences: Framework | None = None, guide: Guide | None = None
    ) -> Policy:
        """From data the policy schema has accepted, and the framework and guide it names."""
        documents = data.get("supporting_documents")
        source = data.get("source")
        return cls(
            id=data["id"],
            body=data["body"],
            short_name=data["short_name"],
            in_text=data.get("in_text", ""),
            categories=tuple(Category(c["key"], c["label"]) for c in data["categories"]),
            total_label=data["total_label"],
            requirement=Requirement.from_data(data["requirement"]),
            checklist=tuple(
                ChecklistItem(item["number"], item["key"], item["title"], item["mandatory"])
                for item in data.get("checklist", ())
            ),
            documents=(
                DocumentRules(
                    max_bytes=documents["max_bytes"],
                    formats=dict(documents["formats"]),
                    types=tuple(DocumentType(t["key"], t["title"]) for t in documents["types"]),
                )
                if documents
                else NO_DOCUMENTS
            ),
            competences=competences,
            guide=guide,
            groups=tuple(
                Group(g["key"], g["label"], frozenset(g.get("types", ())), frozenset(g.get("tags", ())))
                for g in data.get("groups", ())
            ),
            source=Source(source["url"], source["read"], source.get("note")) if source else None,
        )


@dataclass(frozen=True)
class Body:
    """A body the member answers to: its policy and the member's own terms."""

    policy: Policy
    terms: MemberTerms = field(default_factory=MemberTerms)
    name: str = ""  # as cpdgen.yaml names it (a built-in name or a file)
