"""A professional body's CPD rules, as typed values built from a policy file.

The rules themselves are data (`cpdgen/policies/*.yaml`, checked by
`schemas/policy.schema.json`); this module only gives them a shape. Nothing
here knows about the IET: the IET is one file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
class Requirement:
    period_years: int
    rules: tuple[HoursRule, ...]
    caps: Mapping[str, float]


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

    @property
    def named(self) -> str:
        """The body inside a sentence: "the IET", "Engineers Ireland"."""
        return self.in_text or f"the {self.short_name}"

    @property
    def named_first(self) -> str:
        """The body at the start of a sentence: "The IET", "Engineers Ireland"."""
        return self.named[:1].upper() + self.named[1:]

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
        requirement = data["requirement"]
        documents = data["supporting_documents"]
        return cls(
            id=data["id"],
            body=data["body"],
            short_name=data["short_name"],
            in_text=data.get("in_text", ""),
            categories=tuple(Category(c["key"], c["label"]) for c in data["categories"]),
            total_label=data["total_label"],
            requirement=Requirement(
                period_years=requirement["period_years"],
                caps=dict(requirement.get("caps", {})),
                rules=tuple(
                    HoursRule(
                        hours=float(rule["hours"]),
                        reason=rule["reason"],
                        professionally_active=rule.get("when", {}).get("professionally_active"),
                        out_of_employment=rule.get("when", {}).get("out_of_employment"),
                        status=tuple(rule["when"]["status"]) if "status" in rule.get("when", {}) else None,
                    )
                    for rule in requirement["rules"]
                ),
            ),
            checklist=tuple(
                ChecklistItem(item["number"], item["key"], item["title"], item["mandatory"])
                for item in data["checklist"]
            ),
            documents=DocumentRules(
                max_bytes=documents["max_bytes"],
                formats=dict(documents["formats"]),
                types=tuple(DocumentType(t["key"], t["title"]) for t in documents["types"]),
            ),
            competences=competences,
            guide=guide,
        )
