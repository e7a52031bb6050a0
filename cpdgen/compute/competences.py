"""Competence coverage: how much of a review year's CPD developed each area
of the policy's competence framework (UK-SPEC A-E for the IET), from the
competences records name. One computation for the Activity Report, `cpdgen
hours --by competence` and the site.

An activity that develops competences in two areas counts, whole, in both,
once per area (two competences of one area count it once there):
coverage says how much CPD served an area, so the areas' hours may add up
to more than the year's total, which counts each activity once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cpdgen.compute.hours import sum_hours
from cpdgen.compute.year import completed_items
from cpdgen.model.competences import Area, Framework
from cpdgen.model.records import CPDItem, Records


@dataclass(frozen=True)
class AreaCoverage:
    area: Area
    hours: float  # of the activities and courses that develop a competence of the area
    activities: int  # how many of them
    by_code: tuple[tuple[str, int, float], ...]  # (code, activities, hours) for every code of the area

    @property
    def covered(self) -> bool:
        return self.activities > 0


@dataclass(frozen=True)
class Coverage:
    year: int | None  # None: every year the items count in
    framework: Framework
    areas: tuple[AreaCoverage, ...]
    items: int  # completed activities and courses of the year
    without_competences: int  # how many of them name no competence
    hours: float = 0.0  # of all the items, each counted once
    hours_without_competences: float = 0.0

    def as_data(self) -> dict:
        """For JSON (`cpdgen hours --by competence`): {"year", "framework",
        "hours", "activities", "without_competences": {"hours", "activities"},
        "areas": [{area, title, hours, activities, competences: [{code, title,
        activities, hours}]}]}; "hours" and "activities" count each item once."""
        return {
            "year": self.year,
            "framework": self.framework.id,
            "hours": self.hours,
            "activities": self.items,
            "without_competences": {"hours": self.hours_without_competences, "activities": self.without_competences},
            "areas": [
                {
                    "area": coverage.area.key,
                    "title": coverage.area.title,
                    "hours": coverage.hours,
                    "activities": coverage.activities,
                    "competences": [
                        {"code": code, "title": self.framework.title(code), "activities": count, "hours": hours}
                        for code, count, hours in coverage.by_code
                    ],
                }
                for coverage in self.areas
            ],
        }


def coverage_of(items: Iterable[CPDItem], framework: Framework, year: int | None) -> Coverage:
    """The coverage of `items` (completed ones: the caller chooses them), for
    the review year `year`, or over several years with `year=None`."""
    listed = list(items)
    # One pass over the items (not one per code): each item's hours are
    # appended in the items' order, so every sum is the same float as before.
    areas_of: dict[str, list[str]] = {}
    for area in framework.areas:
        for competence in area.competences:
            areas_of.setdefault(competence.code, []).append(area.key)
    by_code_hours: dict[str, list[float]] = {}
    by_area_hours: dict[str, list[float]] = {}
    for item in listed:
        touched: dict[str, None] = {}
        for code in dict.fromkeys(item.competences):
            by_code_hours.setdefault(code, []).append(item.hours)
            touched.update(dict.fromkeys(areas_of.get(code, ())))
        for key in touched:
            by_area_hours.setdefault(key, []).append(item.hours)
    areas = []
    for area in framework.areas:
        by_code = tuple(
            (competence.code, len(hours), sum_hours(hours))
            for competence in area.competences
            for hours in [by_code_hours.get(competence.code, [])]
        )
        serving = by_area_hours.get(area.key, [])
        areas.append(AreaCoverage(area, sum_hours(serving), len(serving), by_code))
    unmapped = [item for item in listed if not item.competences]
    return Coverage(
        year,
        framework,
        tuple(areas),
        len(listed),
        len(unmapped),
        sum_hours(item.hours for item in listed),
        sum_hours(item.hours for item in unmapped),
    )


def competence_coverage(records: Records, framework: Framework, year: int) -> Coverage:
    """The coverage of the year's completed activities and courses."""
    return coverage_of(completed_items(records, year), framework, year)
