"""A body's guide as typed values, built from a guide file
(`cpdgen/policies/guides/*.yaml`, checked by `schemas/guide.schema.json`):
the reflective questions asked of a CPD record and what each checklist item
of the declaration means, in the body's words. A policy names its guide;
nothing in the logic words them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Question:
    field: str  # the record's field the answer fills: outcomes, reflection, competences, objectives
    heading: str  # as the reports print the field
    ask: str
    missing: str  # what an assessor misses without it
    hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guide:
    id: str
    record: tuple[Question, ...]
    items: Mapping[str, str] = field(default_factory=dict)  # checklist key → what the item means
    acknowledge: str | None = None
    upload: str | None = None

    def question(self, field_name: str) -> Question | None:
        return next((q for q in self.record if q.field == field_name), None)

    def heading(self, field_name: str, default: str) -> str:
        """A field's heading in the reports, e.g. "Outcomes: what I learned"."""
        found = self.question(field_name)
        return found.heading if found else default

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Guide:
        """From data the guide schema has accepted."""
        declaration = data.get("declaration", {})
        return cls(
            id=data["id"],
            record=tuple(
                Question(q["field"], q["heading"], q["ask"], q["missing"], tuple(q.get("hints", ())))
                for q in data["record"]
            ),
            items=dict(declaration.get("items", {})),
            acknowledge=declaration.get("acknowledge"),
            upload=declaration.get("upload"),
        )
