"""The competence framework (UK-SPEC) as data, and competence coverage."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from cpdgen.common.resources import builtin_frameworks
from cpdgen.compute.competences import competence_coverage
from cpdgen.validation.settings import builtin_framework, default_policy

from helpers.records import act, course, recs


def test_the_iet_policy_names_uk_spec_and_its_seventeen_codes():
    framework = default_policy().competences
    assert framework is not None and framework.id == "uk-spec"
    assert framework.codes == (
        "A1", "A2", "B1", "B2", "B3", "C1", "C2", "C3", "C4", "D1", "D2", "D3", "E1", "E2", "E3", "E4", "E5",
    )  # fmt: skip
    assert [area.key for area in framework.areas] == ["A", "B", "C", "D", "E"]
    assert framework.title("E5") == "Ethics"
    assert framework.area_of("C3").title == "Responsibility, management or leadership"
    assert framework.title("A5") == "A5"  # not a UK-SPEC code: shown as written
    assert framework.area_of("A5") is None


@pytest.mark.parametrize("name", sorted(builtin_frameworks()))
def test_every_shipped_framework_loads_and_each_code_is_in_its_own_area(name: str):
    framework = builtin_framework(name)
    for area in framework.areas:
        assert all(c.code.startswith(area.key) for c in area.competences), area.key
    assert len(set(framework.codes)) == len(framework.codes)


def test_a_policy_naming_an_unknown_framework_is_an_error_at_its_line(repo):
    policy = yaml.safe_load((builtin_frameworks()["uk-spec"].parent.parent / "iet.yaml").read_text("utf-8"))
    policy["competence_framework"] = "uk-spek"
    repo.write("policies/mine.yaml", yaml.safe_dump(policy, sort_keys=False))
    repo.write("cpdgen.yaml", "policy: policies/mine.yaml\n")
    code, data = repo.validate_json()
    assert code == 1
    [problem] = [e for e in data["errors"] if "competence framework" in e["message"]]
    assert problem["file"] == "policies/mine.yaml"
    assert "no competence framework is called 'uk-spek' (did you mean 'uk-spec'?)" in problem["message"]
    text = (repo.root / "policies/mine.yaml").read_text("utf-8").splitlines()
    assert text[problem["line"] - 1].startswith("competence_framework:")


def test_coverage_counts_each_item_once_per_area_it_serves():
    framework = default_policy().competences
    records = recs(
        replace(act("a", start="2025-03-01", hours=2), competences=("A1", "E3")),
        replace(act("b", start="2025-04-01", hours=1.5), competences=("A1", "A2")),
        course("c", start="2025-05-01", hours=7),
        replace(act("later", start="2026-01-02", hours=9), competences=("A1",)),
    )
    coverage = competence_coverage(records, framework, 2025)
    by_area = {area.area.key: area for area in coverage.areas}
    assert (by_area["A"].activities, by_area["A"].hours) == (2, 3.5)  # b counts once in A
    assert (by_area["E"].activities, by_area["E"].hours) == (1, 2.0)
    assert not by_area["B"].covered and by_area["B"].hours == 0
    assert {code: (n, h) for code, n, h in by_area["A"].by_code} == {"A1": (2, 3.5), "A2": (1, 1.5)}
    assert (coverage.items, coverage.without_competences) == (3, 1)
    data = coverage.as_data()
    assert data["areas"][0]["competences"][0] == {
        "code": "A1", "title": "Maintain and extend knowledge", "activities": 2, "hours": 3.5,
    }  # fmt: skip
    # the year's total counts each item once, however many areas it serves
    assert (coverage.hours, coverage.hours_without_competences) == (10.5, 7.0)
    assert sum(area.hours for area in coverage.areas) == 5.5  # a: in A and in E; b: once in A
    assert data["hours"] == 10.5 and data["activities"] == 3
    assert data["without_competences"] == {"hours": 7.0, "activities": 1}


def test_coverage_equals_the_item_by_item_count_of_every_code_and_area_to_the_last_bit():
    """The one-pass coverage against the plain definition (each code: the
    items naming it; each area: the items naming any of its codes), on many
    items with awkward hours, repeated codes and codes of no area: the same
    counts and the very same floats."""
    import random

    from cpdgen.compute.competences import coverage_of
    from cpdgen.compute.hours import sum_hours

    framework = default_policy().competences
    codes = [c.code for area in framework.areas for c in area.competences] + ["Z9"]
    chance = random.Random(16)
    items = [
        replace(
            act(f"a{n}", start="2025-03-01", hours=chance.choice([0.1, 0.2, 0.25, 0.3, 1.7, 7.35])),
            competences=tuple(chance.choice(codes) for _ in range(chance.randint(0, 4))),
        )
        for n in range(400)
    ]
    coverage = coverage_of(items, framework, 2025)
    for area, found in zip(framework.areas, coverage.areas, strict=True):
        area_codes = {c.code for c in area.competences}
        serving = [item for item in items if area_codes.intersection(item.competences)]
        assert (found.activities, found.hours) == (len(serving), sum_hours(item.hours for item in serving))
        expected = [
            (
                c.code,
                sum(1 for item in items if c.code in item.competences),
                sum_hours(item.hours for item in items if c.code in item.competences),
            )
            for c in area.competences
        ]
        assert list(found.by_code) == expected
