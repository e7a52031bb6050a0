"""The records as typed values.

Built only from data the schemas have accepted, with the schemas' defaults
filled in (`schemas.with_defaults`), so the constructors here convert (dates)
but never judge and never invent a default. Every record knows its `Source`,
so later rules can point back into the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from functools import cache
from typing import Any, TypeVar, cast

from cpdgen.model.kinds import KINDS


@dataclass(frozen=True)
class Source:
    """Where a record was written: its file and, in a list file, its index."""

    file: str
    index: int | None = None

    def path(self, *steps: Any) -> tuple:
        """A path into the file's data for `steps` inside this record."""
        return steps if self.index is None else (self.index, *steps)


@dataclass(frozen=True, kw_only=True)
class Record:
    id: str
    source: Source
    private: bool = False
    tags: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CPDItem(Record):
    """What activities and training courses share: hours in a category."""

    title: str
    start: date
    end: date  # the completion date; defaults to start
    hours: float
    status: str
    provider: str | None = None
    location: str | None = None
    mode: str | None = None
    description: str | None = None
    outcomes: str | None = None
    reflection: str | None = None
    competences: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()

    @property
    def category(self) -> str:
        raise NotImplementedError

    @property
    def completed(self) -> bool:
        return self.status == "completed"


@dataclass(frozen=True, kw_only=True)
class Activity(CPDItem):
    type: str

    @property
    def category(self) -> str:
        return self.type


@dataclass(frozen=True, kw_only=True)
class Training(CPDItem):
    certificate: str | None = None
    accredited_by: str | None = None

    @property
    def category(self) -> str:
        return "training"


@dataclass(frozen=True, kw_only=True)
class Qualification(Record):
    title: str
    institution: str
    status: str
    level: str | None = None
    subject: str | None = None
    start: date | None = None
    end: date | None = None
    grade: str | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Employment(Record):
    employer: str
    role: str
    start: date
    end: date | None = None  # None: the current job
    location: str | None = None
    employment_type: str | None = None
    responsibilities: str | None = None
    achievements: str | None = None


@dataclass(frozen=True, kw_only=True)
class Action:
    title: str
    target: date | None = None
    status: str
    done_on: date | None = None
    activities: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Objective(Record):
    title: str
    description: str | None = None
    competences: tuple[str, ...] = ()
    created: date | None = None
    target: date | None = None
    priority: str | None = None
    status: str
    actions: tuple[Action, ...] = ()
    review: str | None = None


@dataclass(frozen=True, kw_only=True)
class Membership:
    body: str
    number: str | None = None
    grade: str | None = None
    since: date | None = None


@dataclass(frozen=True, kw_only=True)
class Registration:
    title: str
    body: str | None = None
    number: str | None = None
    since: date | None = None


@dataclass(frozen=True, kw_only=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, kw_only=True)
class Profile(Record):
    name: str
    post_nominals: str | None = None
    memberships: tuple[Membership, ...] = ()
    registrations: tuple[Registration, ...] = ()
    headline: str | None = None
    bio: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    links: tuple[Link, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Declaration(Record):
    """The annual declaration. Its sections stay mappings of what the member
    wrote (the checklist reads them); only the year is lifted out."""

    year: int
    monitoring: Mapping[str, Any] = field(default_factory=dict)
    reports: Mapping[str, Any] = field(default_factory=dict)
    employment_status: Mapping[str, Any] = field(default_factory=dict)
    employment_history: Mapping[str, Any] = field(default_factory=dict)
    academic_study: Mapping[str, Any] = field(default_factory=dict)
    hours: Mapping[str, Any] = field(default_factory=dict)
    compliance: Mapping[str, Any] = field(default_factory=dict)
    supporting_documents: Mapping[str, Any] = field(default_factory=dict)
    submitted: Mapping[str, Any] = field(default_factory=dict)


def as_data(value: Any) -> Any:
    """A record (or any model value) as plain JSON-ready data: dates as
    YYYY-MM-DD, tuples as lists, and without its `source`, which says where
    it was written, not what it says. Reports and digests are built on this."""
    if isinstance(value, _SCALARS):  # the common case first: this runs per field of every record
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [as_data(item) for item in value]
    if isinstance(value, dict):
        return {str(key): as_data(item) for key, item in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {name: as_data(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, Mapping):
        return {str(key): as_data(item) for key, item in value.items()}
    return value


_SCALARS = (str, int, float, bool, type(None))


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.name != "source")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _required_date(value: str) -> date:
    return date.fromisoformat(value)


def _common(data: Mapping[str, Any], record_id: str, source: Source) -> dict[str, Any]:
    return {
        "id": record_id,
        "source": source,
        "private": bool(data.get("private", False)),
        "tags": tuple(data.get("tags", ())),
        "extra": data.get("extra", {}),
    }


def _cpd_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    start = _required_date(data["start"])
    return {
        "title": data["title"],
        "start": start,
        "end": _date(data.get("end")) or start,
        "hours": float(data["hours"]),
        "status": data["status"],
        "provider": data.get("provider"),
        "location": data.get("location"),
        "mode": data.get("mode"),
        "description": data.get("description"),
        "outcomes": data.get("outcomes"),
        "reflection": data.get("reflection"),
        "competences": tuple(data.get("competences", ())),
        "objectives": tuple(data.get("objectives", ())),
        "evidence": tuple(data.get("evidence", ())),
    }


def build_activity(data, record_id, source) -> Activity:
    return Activity(**_common(data, record_id, source), **_cpd_fields(data), type=data["type"])


def build_training(data, record_id, source) -> Training:
    return Training(
        **_common(data, record_id, source),
        **_cpd_fields(data),
        certificate=data.get("certificate"),
        accredited_by=data.get("accredited_by"),
    )


def build_qualification(data, record_id, source) -> Qualification:
    return Qualification(
        **_common(data, record_id, source),
        title=data["title"],
        institution=data["institution"],
        status=data["status"],
        level=data.get("level"),
        subject=data.get("subject"),
        start=_date(data.get("start")),
        end=_date(data.get("end")),
        grade=data.get("grade"),
        evidence=tuple(data.get("evidence", ())),
    )


def build_employment(data, record_id, source) -> Employment:
    return Employment(
        **_common(data, record_id, source),
        employer=data["employer"],
        role=data["role"],
        start=_required_date(data["start"]),
        end=_date(data.get("end")),
        location=data.get("location"),
        employment_type=data.get("employment_type"),
        responsibilities=data.get("responsibilities"),
        achievements=data.get("achievements"),
    )


def build_objective(data, record_id, source) -> Objective:
    actions = tuple(
        Action(
            title=action["title"],
            target=_date(action.get("target")),
            status=action["status"],
            done_on=_date(action.get("done_on")),
            activities=tuple(action.get("activities", ())),
        )
        for action in data.get("actions", ())
    )
    return Objective(
        **_common(data, record_id, source),
        title=data["title"],
        description=data.get("description"),
        competences=tuple(data.get("competences", ())),
        created=_date(data.get("created")),
        target=_date(data.get("target")),
        priority=data.get("priority"),
        status=data["status"],
        actions=actions,
        review=data.get("review"),
    )


def build_profile(data, record_id, source) -> Profile:
    return Profile(
        **_common(data, record_id, source),
        name=data["name"],
        post_nominals=data.get("post_nominals"),
        memberships=tuple(
            Membership(body=m["body"], number=m.get("number"), grade=m.get("grade"), since=_date(m.get("since")))
            for m in data.get("memberships", ())
        ),
        registrations=tuple(
            Registration(title=r["title"], body=r.get("body"), number=r.get("number"), since=_date(r.get("since")))
            for r in data.get("registrations", ())
        ),
        headline=data.get("headline"),
        bio=data.get("bio"),
        email=data.get("email"),
        phone=data.get("phone"),
        location=data.get("location"),
        links=tuple(Link(label=link["label"], url=link["url"]) for link in data.get("links", ())),
    )


def build_declaration(data, record_id, source) -> Declaration:
    sections = {
        name: data.get(name, {})
        for name in (
            "monitoring",
            "reports",
            "employment_status",
            "employment_history",
            "academic_study",
            "hours",
            "compliance",
            "supporting_documents",
            "submitted",
        )
    }
    return Declaration(**_common(data, record_id, source), year=data["year"], **sections)


# kind name → constructor; the one place that ties kinds to model classes
BUILDERS = {
    "activity": build_activity,
    "training": build_training,
    "qualification": build_qualification,
    "employment": build_employment,
    "objective": build_objective,
    "profile": build_profile,
    "declaration": build_declaration,
}


R = TypeVar("R", bound=Record)


class Records:
    """All valid records of a repository, by kind name (as in `kinds.KINDS`),
    in file order, plus the ids of the records that failed validation."""

    def __init__(self) -> None:
        self.items: dict[str, list[Record]] = {kind.name: [] for kind in KINDS}
        # Records that failed validation, as (kind, id, source): not in the
        # lists above, but their ids still exist for uniqueness and references,
        # so one mistake is reported once, not again wherever it is referred to.
        self.unbuilt: list[tuple[str, str, Source]] = []
        # What those records name, as (source, (path, kinds, id)): a broken
        # reference is reported beside a record's other errors.
        self.unbuilt_references: list[tuple[Source, tuple[tuple, tuple[str, ...], str]]] = []
        # Examples written by `cpdgen init` (`example: true`), as (kind, record):
        # valid, but kept out of the lists above, so nothing that computes from
        # the records (hours, reports, the declaration, the site) ever sees them.
        # Their ids still exist, as the unbuilt ones' do.
        self.examples: list[tuple[str, Record]] = []

    def add(self, kind_name: str, record: Record) -> None:
        self.items[kind_name].append(record)

    def ids(self, *kind_names: str) -> set[str]:
        """Every id of these kinds, built or not."""
        found = {record.id for name in kind_names for record in self.items[name]}
        found.update(record_id for name, record_id, _ in self.unbuilt if name in kind_names)
        found.update(record.id for name, record in self.examples if name in kind_names)
        return found

    def _of(self, kind_name: str, cls: type[R]) -> list[R]:
        # `add` is only ever given a kind's own class (BUILDERS), so the cast holds.
        return cast(list[R], self.items[kind_name])

    @property
    def profile(self) -> Profile | None:
        profiles = self._of("profile", Profile)
        return profiles[0] if profiles else None  # a second one is an error (rules)

    @property
    def activities(self) -> list[Activity]:
        return self._of("activity", Activity)

    @property
    def training(self) -> list[Training]:
        return self._of("training", Training)

    @property
    def qualifications(self) -> list[Qualification]:
        return self._of("qualification", Qualification)

    @property
    def employment(self) -> list[Employment]:
        return self._of("employment", Employment)

    @property
    def objectives(self) -> list[Objective]:
        return self._of("objective", Objective)

    @property
    def declarations(self) -> list[Declaration]:
        return self._of("declaration", Declaration)

    @property
    def cpd_items(self) -> list[CPDItem]:
        return [*self.activities, *self.training]

    def __len__(self) -> int:
        return sum(len(records) for records in self.items.values())
