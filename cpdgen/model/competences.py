"""A competence framework (e.g. UK-SPEC) as typed values, built from a
framework file (`cpdgen/policies/frameworks/*.yaml`, checked by
`schemas/framework.schema.json`). A policy names the framework its
members' records use; nothing in the logic names UK-SPEC."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Competence:
    code: str  # e.g. A1
    title: str
    statement: str | None = None


@dataclass(frozen=True)
class Area:
    key: str  # e.g. A
    title: str
    competences: tuple[Competence, ...]


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    areas: tuple[Area, ...]
    source: str | None = None
    short_name: str = ""  # as members know it: UK-SPEC (the id when the file gives none)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for area in self.areas for c in area.competences)

    def refusal(self, unknown: list[str]) -> str:
        """Why codes are refused, naming the valid ones: the one wording."""
        what = (
            f"is not a {self.short_name} competence" if len(unknown) == 1 else f"are not {self.short_name} competences"
        )
        return f"{', '.join(unknown)} {what}: the codes are {' '.join(self.codes)}"

    def competence(self, code: str) -> Competence | None:
        return next((c for area in self.areas for c in area.competences if c.code == code), None)

    def title(self, code: str) -> str:
        """A code's title; the code itself when the framework has no such code."""
        found = self.competence(code)
        return found.title if found else code

    def area_of(self, code: str) -> Area | None:
        return next((area for area in self.areas if any(c.code == code for c in area.competences)), None)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Framework:
        """From data the framework schema has accepted."""
        return cls(
            id=data["id"],
            name=data["name"],
            source=data.get("source"),
            short_name=data.get("short_name") or data["id"],
            areas=tuple(
                Area(
                    area["key"],
                    area["title"],
                    tuple(Competence(c["code"], c["title"], c.get("statement")) for c in area["competences"]),
                )
                for area in data["areas"]
            ),
        )
