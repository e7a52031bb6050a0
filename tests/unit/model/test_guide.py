"""A body's guide as data (cpdgen/policies/guides/*.yaml): the reflective
questions of a CPD record and what each declaration item means."""

from __future__ import annotations

import pytest
import yaml

from cpdgen.common.resources import builtin_guides, builtin_policies
from cpdgen.compute.assessor import answered, unanswered_counts
from cpdgen.validation.settings import builtin_guide, default_policy


@pytest.mark.parametrize("name", sorted(builtin_guides()))
def test_every_shipped_guide_loads(name: str):
    guide = builtin_guide(name)
    assert [q.field for q in guide.record] == ["outcomes", "reflection", "competences", "objectives"]


def test_the_iet_policy_names_its_guide_and_it_speaks_to_every_checklist_item():
    policy = default_policy()
    assert policy.guide is not None and policy.guide.id == "iet"
    assert set(policy.guide.items) == {item.key for item in policy.checklist}
    assert policy.guide.heading("reflection", "x") == "Reflection: how I applied it, what next"
    assert policy.guide.heading("nothing", "x") == "x"
    assert "I acknowledge that the above reports are up to date" in (policy.guide.acknowledge or "")


def test_a_policy_naming_an_unknown_guide_is_an_error_at_its_line(repo):
    policy = yaml.safe_load(builtin_policies()["iet"].read_text("utf-8"))
    policy["guide"] = "iot"
    repo.write("policies/mine.yaml", yaml.safe_dump(policy, sort_keys=False))
    repo.write("cpdgen.yaml", "policy: policies/mine.yaml\n")
    code, data = repo.validate_json()
    assert code == 1
    [problem] = [e for e in data["errors"] if "guide" in e["message"]]
    assert problem["file"] == "policies/mine.yaml"
    assert "no guide is called 'iot' (did you mean 'iet'?)" in problem["message"]
    lines = (repo.root / "policies/mine.yaml").read_text("utf-8").splitlines()
    assert lines[problem["line"] - 1].startswith("guide:")


def test_a_policy_without_a_guide_is_fine(repo):
    policy = yaml.safe_load(builtin_policies()["iet"].read_text("utf-8"))
    del policy["guide"]
    repo.write("policies/mine.yaml", yaml.safe_dump(policy, sort_keys=False))
    repo.write("cpdgen.yaml", "policy: policies/mine.yaml\n")
    assert repo.validate_json()[0] == 0


def test_what_an_assessor_reads_in_a_record():
    guide = default_policy().guide
    assert guide is not None
    found = answered({"outcomes": "Grid codes.", "reflection": "  ", "competences": ["A1"]}, guide)
    assert [(a.question.field, a.answered) for a in found] == [
        ("outcomes", True), ("reflection", False), ("competences", True), ("objectives", False),
    ]  # fmt: skip
    counts = unanswered_counts([{"outcomes": "x"}, {}], guide)
    assert [(q.field, n) for q, n in counts] == [
        ("outcomes", 1),
        ("reflection", 2),
        ("competences", 2),
        ("objectives", 2),
    ]
