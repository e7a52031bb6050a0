"""The body's rules as data: the shipped IET policy, the policy schema, and
`Policy.from_data`. Choosing a policy in cpdgen.yaml is
tests/acceptance/cli/test_policy.py."""

from __future__ import annotations

import pytest

from cpdgen.common.resources import builtin_policies
from cpdgen.compute.checklist import RULES, SECTIONS
from cpdgen.loading import schemas
from cpdgen.model.policy import Policy
from cpdgen.validation.settings import builtin_policy, default_policy

IET = default_policy()


# ---- the shipped IET policy --------------------------------------------------------------


def test_iet_is_the_default_and_a_builtin():
    assert "iet" in builtin_policies()
    assert builtin_policy("iet") is IET
    assert (IET.id, IET.short_name) == ("iet", "IET")
    assert IET.body == "The Institution of Engineering and Technology"


def test_iet_checklist_numbers_keys_and_mandatory_items():
    assert [(i.number, i.key) for i in IET.checklist] == [
        (1, "cpd-monitoring"),
        (2, "cpd-reports"),
        (3, "employment-status"),
        (4, "employment-history"),
        (5, "academic-study"),
        (6, "total-cpd-hours"),
        (7, "compliance-statement"),
        (8, "supporting-documents"),
    ]
    assert {i.number for i in IET.checklist if i.mandatory} == {1, 2, 3, 6, 7}
    assert all(isinstance(i.mandatory, bool) for i in IET.checklist)


def test_iet_categories_labels_and_total():
    assert [(c.key, c.label) for c in IET.categories] == [
        ("work-experience", "Work experience"),
        ("volunteering", "Volunteering"),
        ("event", "Event/Seminar"),
        ("self-study", "Self-study"),
        ("training", "Training"),
    ]
    assert IET.total_label == "Total CPD Hours"


def test_iet_categories_are_every_activity_type_and_training():
    activity_types = schemas.record_schema("activity")["properties"]["type"]["enum"]
    policy_keys = schemas.policy_schema()["properties"]["categories"]["items"]["properties"]["key"]["enum"]
    assert set(IET.category_keys) == set(activity_types) | {"training"} == set(policy_keys)


def test_iet_recommended_hours():
    rules = IET.requirement.rules
    assert IET.requirement.period_years == 1
    assert dict(IET.requirement.caps) == {}
    assert [r.hours for r in rules] == [0.0, 10.0, 10.0, 30.0]
    last = rules[-1]
    assert (last.professionally_active, last.out_of_employment, last.status) == (None, None, None)
    assert rules[0].professionally_active is False
    assert rules[1].out_of_employment is True
    assert set(rules[2].status) == {"unemployed", "career-break", "retired", "student"}


def test_iet_supporting_documents():
    documents = IET.documents
    assert documents.max_bytes == 500_000
    assert set(documents.formats) == {".doc", ".pdf", ".docx", ".png", ".jpeg", ".jpg", ".gif"}
    assert documents.formats[".jpg"] == documents.formats[".jpeg"] == "jpeg"
    assert [t.key for t in documents.types] == ["planning_report", "activity_report", "cv"]


def test_schema_checklist_keys_equal_rules_and_sections():
    schema = schemas.policy_schema()
    keys = schema["properties"]["checklist"]["items"]["properties"]["key"]["enum"]
    assert keys == list(RULES) == list(SECTIONS)
    assert [i.key for i in IET.checklist] == keys


def test_schema_document_types_equal_declaration_fields():
    schema = schemas.policy_schema()
    types = schema["properties"]["supporting_documents"]["properties"]["types"]["items"]["properties"]["key"]["enum"]
    declaration = schemas.record_schema("declaration")["properties"]
    assert list(declaration["supporting_documents"]["properties"]) == types == [t.key for t in IET.documents.types]
    assert set(SECTIONS.values()) <= set(declaration)


def test_every_builtin_policy_is_valid():
    for name in builtin_policies():
        policy = builtin_policy(name)
        assert isinstance(policy, Policy)
        assert set(policy.category_keys) == set(IET.category_keys)


@pytest.mark.parametrize(
    "professionally_active, out_of_employment, status, hours",
    [
        (True, False, "employed", 30.0),
        (None, False, None, 30.0),
        (False, False, "employed", 0.0),
        (False, True, "unemployed", 0.0),
        (True, True, "employed", 10.0),
        (True, False, "career-break", 10.0),
        (True, False, "retired", 10.0),
        (True, False, "self-employed", 30.0),
    ],
    ids=[
        "active",
        "nothing-said",
        "not-active",
        "not-active-out",
        "out-of-employment",
        "career-break",
        "retired",
        "self-employed",
    ],
)
def test_first_applicable_rule(professionally_active, out_of_employment, status, hours):
    rule = next(r for r in IET.requirement.rules if r.applies(professionally_active, out_of_employment, status))
    assert rule.hours == hours


def test_from_data_builds_the_shape():
    data = {
        "id": "x",
        "body": "X",
        "short_name": "X",
        "categories": [{"key": "event", "label": "E"}],
        "total_label": "T",
        "requirement": {
            "period_years": 3,
            "rules": [
                {"when": {"status": ["student"], "professionally_active": True}, "hours": 5, "reason": "student"},
                {"hours": 90, "reason": "default"},
            ],
        },
        "checklist": [{"number": 1, "key": "cpd-monitoring", "title": "M", "mandatory": True}],
        "supporting_documents": {"max_bytes": 10, "formats": {".pdf": "pdf"}, "types": []},
    }
    policy = Policy.from_data(data)
    assert policy.requirement.caps == {}
    first, last = policy.requirement.rules
    assert (first.hours, first.status, first.professionally_active, first.out_of_employment) == (
        5.0,
        ("student",),
        True,
        None,
    )
    assert first.applies(True, False, "student") and not first.applies(True, False, "employed")
    assert not first.applies(None, False, "student")
    assert last.applies(False, True, None)
    assert policy.label("event") == "E" and policy.label("training") == "training"


# ---- the shipped packs of the rule language ---------------------------------------------


@pytest.mark.parametrize("name", sorted(builtin_policies()))
def test_every_shipped_policy_loads_and_cites_its_source(name):
    policy = builtin_policy(name)
    assert policy.id == name
    assert policy.source is not None and policy.source.url.startswith("https://")
    assert len(policy.source.read) == 10  # YYYY-MM-DD


def test_only_the_iet_has_a_declaration_checklist():
    assert [name for name in sorted(builtin_policies()) if builtin_policy(name).has_checklist] == ["iet"]
    assert builtin_policy("ncees").documents.types == ()


def test_the_packs_rules_as_published():
    ea, ireland = builtin_policy("engineers-australia"), builtin_policy("engineers-ireland")
    istructe, ncees, texas = builtin_policy("istructe"), builtin_policy("ncees"), builtin_policy("texas-pe")
    assert (ea.requirement.window.kind, ea.requirement.window.years, ea.requirement.rules[-1].hours) == (
        "rolling",
        3,
        150,
    )
    assert [(f.group, f.hours) for f in ea.requirement.floors] == [
        ("area-of-practice", 50),
        ("risk-management", 10),
        ("business-management", 15),
    ]
    assert (ireland.requirement.window.kind, ireland.requirement.rules[-1].hours) == ("calendar-year", 35)
    assert [(a.years, a.hours) for a in istructe.requirement.alternatives] == [(3, 90)]
    assert [(f.group, f.hours) for f in istructe.requirement.floors] == [("structural-safety", 6)]
    assert (ncees.requirement.unit.name, ncees.requirement.carry_over) == ("PDH", None)
    assert texas.requirement.carry_over is not None
    assert (texas.requirement.carry_over.limit, texas.requirement.carry_over.periods) == (14, 1)
    assert texas.requirement.carry_over.not_towards == ("ethics",)
    assert texas.requirement.window.needs_renewal
