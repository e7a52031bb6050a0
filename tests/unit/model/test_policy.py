"""The body's rules as data: the shipped IET policy, the policy schema, and
choosing a policy (built-in or a repository file) in cpdgen.yaml."""

from __future__ import annotations

import json

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


# ---- choosing a policy in cpdgen.yaml (through the command line) -------------------------


MYBODY = """\
id: mybody
body: My Engineering Body
short_name: MEB
categories:
  - key: training
    label: Courses
  - key: event
    label: Events
  - key: work-experience
    label: Practice
  - key: volunteering
    label: Giving back
  - key: self-study
    label: Reading
total_label: All CPD
requirement:
  period_years: 2
  caps:
    self-study: 5
  rules:
    - hours: 50
      reason: the two-year target
checklist:
  - {number: 1, key: cpd-monitoring, title: Monitoring, mandatory: true}
  - {number: 2, key: total-cpd-hours, title: Hours, mandatory: true}
supporting_documents:
  max_bytes: 100000
  formats:
    .pdf: pdf
  types:
    - key: cv
      title: CV
"""


def add_activities(repo):
    repo.write("records/activities/a.yaml", "title: Reading\ntype: self-study\nstart: 2024-03-01\nhours: 8\n")
    repo.write("records/activities/b.yaml", "title: Seminar\ntype: event\nstart: 2024-12-31\nhours: 1.5\n")
    repo.write("records/training/c.yaml", "title: Course\nstart: 2023-05-01\nhours: 6\n")


def errors_of(repo):
    code, payload = repo.validate_json()
    return code, payload["errors"]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_fixture_repo_uses_iet(repo):
    add_activities(repo)
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "year": 2024,
        "hours": {"work-experience": 0, "volunteering": 0, "event": 1.5, "self-study": 8, "training": 0, "total": 9.5},
    }


@pytest.mark.parametrize("location", ["mybody.yaml", "policies/mybody.yaml", "policies/mybody.yml"])
def test_repo_policy_file_is_used(repo, location):
    repo.write(location, MYBODY)
    repo.write("cpdgen.yaml", f"policy: {location}\n")
    add_activities(repo)
    assert errors_of(repo) == (0, [])
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    # the policy's category order, not the IET's
    assert list(payload["hours"]) == ["training", "event", "work-experience", "volunteering", "self-study", "total"]
    assert payload["hours"]["total"] == 9.5
    table = repo.run("hours", "--year", "2024")
    assert table.exit_code == 0, table.output
    for label in ("Courses", "Events", "Practice", "Giving back", "Reading", "All CPD"):
        assert label in table.stdout
    assert "Event/Seminar" not in table.stdout
    # two years counted, self-study capped at 5: 5 + 1.5 + 6 = 12.5 of 50
    assert (
        "MEB recommends 50.0 hours for 2023–2024 (the two-year target); 12.5 count towards it: 37.5 short."
        in " ".join(table.stdout.split())
    )


def test_unknown_policy_name(repo):
    repo.write("cpdgen.yaml", "# settings\nsite:\n  title: Mine\npolicy: ieet\n")
    code, errors = errors_of(repo)
    assert code == 1
    assert len(errors) == 1
    assert (errors[0]["file"], errors[0]["line"], errors[0]["column"]) == ("cpdgen.yaml", 4, 9)
    assert "no built-in policy is called 'ieet' (did you mean 'iet'?)" in errors[0]["message"]
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 1
    assert "cpdgen.yaml:4:9:" in result.stderr and "did you mean 'iet'?" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_policy_missing_a_category(repo):
    text = MYBODY.replace("  - key: volunteering\n    label: Giving back\n", "")
    repo.write("mybody.yaml", text)
    repo.write("cpdgen.yaml", "policy: mybody.yaml\n")
    code, errors = errors_of(repo)
    assert code == 1
    assert [(e["file"], e["line"], e["column"]) for e in errors] == [("mybody.yaml", line_of(text, "categories:"), 1)]
    assert "missing: volunteering" in errors[0]["message"]
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 1
    assert f"mybody.yaml:{line_of(text, 'categories:')}:1:" in result.stderr


@pytest.mark.parametrize(
    "old, new, needle, fragment",
    [
        ("    label: Events\n", "    lable: Events\n", "lable:", "(did you mean 'label'?)"),
        ("total_label: All CPD\n", "total_lable: All CPD\n", "total_lable", "unknown field 'total_lable'"),
        ("  period_years: 2\n", "  period_years: 0\n", "period_years", "period_years"),
        ("  - key: event\n", "  - key: seminar\n", "key: seminar", "seminar"),
        ("key: total-cpd-hours", "key: total-hours", "key: total-hours", "total-hours"),
    ],
    ids=["typo-in-category", "typo-top-level", "period-zero", "unknown-category", "unknown-checklist-key"],
)
def test_bad_policy_file_errors_with_positions(repo, old, new, needle, fragment):
    assert old in MYBODY
    text = MYBODY.replace(old, new)
    repo.write("policies/mybody.yaml", text)
    repo.write("cpdgen.yaml", "policy: policies/mybody.yaml\n")
    code, errors = errors_of(repo)
    assert code == 1
    hits = [e for e in errors if fragment in e["message"]]
    assert hits, errors
    assert all(e["file"] == "policies/mybody.yaml" for e in errors)
    assert hits[0]["line"] == line_of(text, needle)
    assert hits[0]["column"] >= 1
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 1
    assert f"policies/mybody.yaml:{hits[0]['line']}:{hits[0]['column']}:" in result.stderr


def test_bad_format_extension_is_reported_at_its_own_line(repo):
    text = MYBODY.replace("    .pdf: pdf\n", "    .pdf: pdf\n    .PDF: pdf\n")
    repo.write("mybody.yaml", text)
    repo.write("cpdgen.yaml", "policy: mybody.yaml\n")
    code, errors = errors_of(repo)
    assert code == 1
    [hit] = [e for e in errors if "'.PDF'" in e["message"]]
    assert (hit["line"], hit["column"]) == (line_of(text, ".PDF"), 5)


def test_policy_with_repeated_checklist_number(repo):
    text = MYBODY.replace("{number: 2, key: total-cpd-hours", "{number: 1, key: total-cpd-hours")
    repo.write("mybody.yaml", text)
    repo.write("cpdgen.yaml", "policy: mybody.yaml\n")
    code, errors = errors_of(repo)
    assert code == 1
    assert [(e["line"], e["message"]) for e in errors] == [
        (line_of(text, "key: total-cpd-hours"), "checklist number 1 is used twice")
    ]


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("../outside.yaml", "leaves the repository"),
        ("policies/../../outside.yaml", "leaves the repository"),
        ("/tmp/outside.yaml", "must be a path relative to the repository root"),
        ("policies/nothere.yaml", "no such file 'policies/nothere.yaml'"),
    ],
    ids=["dotdot", "dotdot-inside", "absolute", "missing-file"],
)
def test_policy_path_refused(repo, name, fragment):
    (repo.root.parent / "outside.yaml").write_text(MYBODY, "utf-8")
    repo.write("policies/other.yaml", MYBODY)
    repo.write("cpdgen.yaml", f"policy: {name}\n")
    code, errors = errors_of(repo)
    assert code == 1
    assert len(errors) == 1
    assert (errors[0]["file"], errors[0]["line"], errors[0]["column"]) == ("cpdgen.yaml", 1, 9)
    assert errors[0]["message"].startswith("policy: ") and fragment in errors[0]["message"]
    result = repo.run("hours", "--year", "2024", "--format", "json")
    assert result.exit_code == 1 and "cpdgen.yaml:1:9:" in result.stderr


def test_policy_file_is_not_yaml(repo):
    repo.write("mybody.yaml", "id: [unclosed\n")
    repo.write("cpdgen.yaml", "policy: mybody.yaml\n")
    code, errors = errors_of(repo)
    assert code == 1
    assert errors and all(e["file"] == "mybody.yaml" and e["line"] >= 1 for e in errors)


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
