"""The declaration checklist (docs/declaration.md) and its warnings. The
digests that item 2 and `declaration submit` rely on are test_digest.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cpdgen.compute.checklist import RULES, SECTIONS, YearFacts, evaluate
from cpdgen.compute.digest import reports_digest
from cpdgen.compute.year import declaration_for
from cpdgen.loading.files import find_repository
from cpdgen.model.documents import DocumentFacts
from cpdgen.model.records import Declaration, Source
from cpdgen.validation.repository import validate_repository
from cpdgen.validation.settings import default_policy

from helpers.checklist_records import act, course, objective
from helpers.paths import DEMO_RECORDS, PROJECT_ROOT
from helpers.records import decl, job, qual, recs

IET = default_policy()
YEAR = 2024


def base_items():
    """A member with enough records for every item: 30 hours in 2024, all linked."""
    return [
        objective(
            "obj",
            created="2023-01-01",
            target="2025-06-30",
            actions=[{"title": "Go to events", "status": "in-progress", "activities": ["e1"]}],
        ),
        act("w1", type="work-experience", hours=20, start="2024-02-01"),
        act("e1", type="event", hours=4, start="2024-12-31", objectives=()),  # linked through the action
        course("c1", hours=6, start="2024-01-01"),
        act("old", type="self-study", hours=3, start="2023-05-01"),
        act("next", type="self-study", hours=3, start="2025-05-01"),
        job("current", "2020-01-01"),
        qual("msc", start="2022-09-01", end="2024-09-30"),
    ]


def full_sections(records, year=YEAR):
    """Answers that complete every item (documents: generated)."""
    return {
        "monitoring": {"agreed": True, "date": f"{year + 1}-01-10"},
        "reports": {"acknowledged": True, "date": f"{year + 1}-01-11", "digest": reports_digest(records, year)},
        "employment_status": {"status": "employed", "professionally_active": True},
        "employment_history": {"display": "all"},
        "academic_study": {"display": "all"},
        "hours": {"confirmed": True},
        "compliance": {"statement": "met"},
        "supporting_documents": {"planning_report": "generate", "activity_report": "generate"},
    }


def evaluate_with(items, declaration, documents=None, policy=IET, year=YEAR):
    records = recs(*items)
    return evaluate(YearFacts(year, declaration, records, policy, documents or {}))


def item(status, number):
    found = [i for i in status.items if i.number == number]
    assert len(found) == 1
    return found[0]


def section_status(number, sections, items=None, documents=None):
    """Evaluate a declaration holding only `sections`; return item `number`."""
    items = base_items() if items is None else items
    return item(evaluate_with(items, decl(**sections), documents), number)


# ---- the checklist as a whole ----------------------------------------------------------


def test_full_declaration_is_ready():
    items = base_items()
    status = evaluate_with(items, decl(**full_sections(recs(*items))))
    assert [(i.number, i.complete, i.problems) for i in status.items] == [(n, True, ()) for n in range(1, 9)]
    assert status.ready is True
    assert status.missing == []
    assert status.warnings == ()
    assert status.hours.total == 30.0
    assert status.recommendation.hours == 30.0 and status.recommendation.shortfall == 0.0
    assert status.reports_digest == reports_digest(recs(*items), YEAR)


def test_items_come_in_policy_order_with_titles_and_mandatory_flags():
    status = evaluate_with(base_items(), None)
    assert [(i.number, i.key, i.title, i.mandatory) for i in status.items] == [
        (1, "cpd-monitoring", "CPD Monitoring", True),
        (2, "cpd-reports", "CPD Reports", True),
        (3, "employment-status", "Employment Status", True),
        (4, "employment-history", "Employment History", False),
        (5, "academic-study", "Academic Study", False),
        (6, "total-cpd-hours", "Total CPD Hours", True),
        (7, "compliance-statement", "Compliance Statement", True),
        (8, "supporting-documents", "Supporting Documents", False),
    ]
    assert list(status.items[0].as_data()) == ["number", "key", "title", "mandatory", "complete", "problems"]


def test_no_declaration_is_not_ready_and_says_what_is_missing():
    status = evaluate_with(base_items(), None)
    assert status.ready is False
    assert not any(i.complete for i in status.items)
    assert [i.number for i in status.items if i.problems] == [1, 2, 3, 6, 7]
    assert [i.number for i in status.items if i.advice] == [4, 5, 8]
    assert [m.split(":")[0] for m in status.missing] == [
        "1. CPD Monitoring",
        "2. CPD Reports",
        "3. Employment Status",
        "3. Employment Status",
        "6. Total CPD Hours",
        "7. Compliance Statement",
    ]


@pytest.mark.parametrize(
    "change, ready, blocking",
    [
        ({}, True, []),
        ({"monitoring": {}}, False, [1]),
        ({"reports": {"acknowledged": False}}, False, [2]),
        ({"employment_status": {"status": "employed"}}, False, [3]),
        ({"hours": {"confirmed": False}}, False, [6]),
        ({"compliance": {"statement": "not-met"}}, False, [7]),
        ({"employment_history": {"display": "none"}}, True, []),
        ({"academic_study": {}}, True, []),
        ({"supporting_documents": {}}, True, []),
        ({"supporting_documents": {"cv": "evidence/cv.pdf"}}, False, [8]),  # optional, but a bad file blocks
        ({"monitoring": {}, "hours": {}}, False, [1, 6]),
    ],
    ids=[
        "complete",
        "item1-missing",
        "item2-missing",
        "item3-missing",
        "item6-missing",
        "item7-missing",
        "optional-4-none",
        "optional-5-missing",
        "optional-8-nothing",
        "optional-8-bad-file",
        "two-missing",
    ],
)
def test_ready_only_when_mandatory_complete_and_no_problems(change, ready, blocking):
    items = base_items()
    sections = {**full_sections(recs(*items)), **change}
    bad_cv = {"evidence/cv.pdf": DocumentFacts("evidence/cv.pdf", size=100, head=b"\x89PNG\r\n\x1a\n")}
    status = evaluate_with(items, decl(**sections), bad_cv)
    assert status.ready is ready
    assert [i.number for i in status.items if i.problems] == blocking
    assert all(i.complete for i in status.items if i.mandatory) is (ready or blocking == [8])
    assert len(status.missing) == sum(len(i.problems) for i in status.items)


@pytest.mark.parametrize(
    "number, change",
    [
        (4, {"employment_history": {"display": "none"}}),
        (5, {"academic_study": {}}),
        (8, {"supporting_documents": {}}),
    ],
    ids=["mandatory-employment-history", "mandatory-academic-study", "mandatory-supporting-documents"],
)
def test_policy_mandatory_optional_item_incomplete_is_not_ready(number, change):
    policy = replace(
        IET, checklist=tuple(replace(i, mandatory=True) if i.number == number else i for i in IET.checklist)
    )
    items = base_items()
    status = evaluate_with(items, decl(**{**full_sections(recs(*items)), **change}), policy=policy)
    assert item(status, number).mandatory and not item(status, number).complete
    assert status.ready is False


# ---- item 1: CPD monitoring ------------------------------------------------------------


@pytest.mark.parametrize(
    "monitoring, complete",
    [
        ({"agreed": True, "date": "2025-01-10"}, True),
        ({"agreed": True}, True),
        ({"agreed": False}, False),
        ({"date": "2025-01-10"}, False),
        ({}, False),
    ],
    ids=["agreed-with-date", "agreed", "not-agreed", "agreed-missing", "section-missing"],
)
def test_item1_monitoring(monitoring, complete):
    result = section_status(1, {"monitoring": monitoring})
    assert result.complete is complete
    assert bool(result.problems) is not complete
    if not complete:
        assert "monitoring.agreed: true" in result.problems[0]


# ---- item 2: CPD reports -----------------------------------------------------------------


def edit(record_id, **changes):
    def apply(items):
        return [replace(i, **changes) if i.id == record_id else i for i in items]

    return apply


def unchanged(items):
    return items


@pytest.mark.parametrize(
    "reports, after, complete, fragment",
    [
        ({}, unchanged, False, "acknowledge the CPD Activity and Planning Reports"),
        ({"acknowledged": False, "digest": "x"}, unchanged, False, "acknowledge the CPD Activity and Planning Reports"),
        ({"acknowledged": True}, unchanged, False, "no digest"),
        (
            {"acknowledged": True, "digest": "DIGEST"},
            edit("w1", hours=21.0),
            False,
            "changed since you acknowledged them",
        ),
        (
            {"acknowledged": True, "digest": "DIGEST", "date": "2025-01-20"},
            edit("e1", title="Renamed"),
            False,
            "changed since you acknowledged them on 2025-01-20",
        ),
        ({"acknowledged": True, "digest": "DIGEST"}, edit("c1", end=date(2024, 7, 1)), False, "changed since"),
        ({"acknowledged": True, "digest": "DIGEST"}, edit("old", hours=9.0, title="Edited 2023"), True, None),
        ({"acknowledged": True, "digest": "DIGEST"}, edit("next", hours=9.0), True, None),
        (
            {"acknowledged": True, "digest": "DIGEST"},
            edit("w1", source=Source("records/activities/moved.yaml")),
            True,
            None,
        ),
        ({"acknowledged": True, "digest": "DIGEST"}, unchanged, True, None),
        ({"acknowledged": True, "digest": "0" * 64}, unchanged, False, "changed since"),
    ],
    ids=[
        "not-acknowledged",
        "acknowledged-false",
        "acknowledged-without-digest",
        "stale-after-hours-edit",
        "stale-after-title-edit-with-date",
        "stale-after-course-date-edit",
        "valid-after-edit-in-2023",
        "valid-after-edit-in-2025",
        "valid-after-moving-file",
        "valid",
        "wrong-digest",
    ],
)
def test_item2_reports(reports, after, complete, fragment):
    before = base_items()
    reports = dict(reports)
    if reports.get("digest") == "DIGEST":
        reports["digest"] = reports_digest(recs(*before), YEAR)
    result = section_status(2, {"reports": reports}, items=after(before))
    assert result.complete is complete
    if complete:
        assert result.problems == ()
    else:
        assert len(result.problems) == 1 and fragment in result.problems[0]
        assert "cpdgen declaration acknowledge --year 2024" in result.problems[0]


# ---- item 3: employment status -------------------------------------------------------------


@pytest.mark.parametrize(
    "section, complete, fragments",
    [
        ({}, False, ["choose your employment status", "say whether you were professionally active"]),
        ({"professionally_active": True}, False, ["choose your employment status"]),
        ({"status": "employed"}, False, ["say whether you were professionally active"]),
        ({"status": "employed", "professionally_active": True}, True, []),
        ({"status": "career-break", "professionally_active": False}, False, ["say why in employment_status.comments"]),
        (
            {"status": "career-break", "professionally_active": False, "comments": "   \n"},
            False,
            ["say why in employment_status.comments"],
        ),
        ({"status": "career-break", "professionally_active": False, "comments": "Parental leave all year."}, True, []),
        ({"status": "retired", "comments": "Retired in 2023; keeping up to date by reading."}, True, []),
    ],
    ids=[
        "nothing",
        "no-status",
        "active-missing-no-comments",
        "active-true",
        "active-false-no-comments",
        "active-false-blank-comments",
        "active-false-with-comments",
        "active-missing-with-comments",
    ],
)
def test_item3_employment_status(section, complete, fragments):
    result = section_status(3, {"employment_status": section})
    assert result.complete is complete
    assert len(result.problems) == len(fragments)
    for problem, fragment in zip(result.problems, fragments):
        assert fragment in problem


# ---- items 4 and 5: employment history and academic study -------------------------------


JOBS = {
    "none": [],
    "current": [job("current", "2020-01-01")],
    "ended-2022": [job("old", "2015-01-01", "2022-12-31")],
    "starts-2025": [job("future", "2025-01-01")],
    "ended-jan1": [job("short", "2019-01-01", "2024-01-01")],
}
QUALS = {
    "none": [],
    "in-year": [qual("msc", start="2022-09-01", end="2024-09-30")],
    "before": [qual("beng", start="2010-09-01", end="2014-07-01")],
    "undated": [qual("hnc")],
    "starts-2025": [qual("phd", start="2025-10-01", status="in-progress")],
}


@pytest.mark.parametrize(
    "number, section, display, records, complete",
    [
        (4, "employment_history", "all", "current", True),
        (4, "employment_history", "all", "ended-2022", True),
        (4, "employment_history", "all", "starts-2025", False),
        (4, "employment_history", "all", "none", False),
        (4, "employment_history", "review-year", "current", True),
        (4, "employment_history", "review-year", "ended-jan1", True),
        (4, "employment_history", "review-year", "ended-2022", False),
        (4, "employment_history", "review-year", "starts-2025", False),
        (4, "employment_history", "none", "current", False),
        (4, "employment_history", None, "current", False),
        (5, "academic_study", "all", "in-year", True),
        (5, "academic_study", "all", "before", True),
        (5, "academic_study", "all", "undated", True),
        (5, "academic_study", "all", "starts-2025", False),
        (5, "academic_study", "all", "none", False),
        (5, "academic_study", "review-year", "in-year", True),
        (5, "academic_study", "review-year", "before", False),
        (5, "academic_study", "review-year", "undated", False),
        (5, "academic_study", "none", "in-year", False),
        (5, "academic_study", None, "in-year", False),
    ],
    ids=lambda v: str(v) if not isinstance(v, bool) else ("complete" if v else "incomplete"),
)
def test_items_4_and_5_display(number, section, display, records, complete):
    items = JOBS[records] if number == 4 else QUALS[records]
    sections = {section: {"display": display}} if display is not None else {}
    result = section_status(number, sections, items=items)
    assert result.mandatory is False
    assert result.complete is complete
    assert result.problems == ()  # optional: never a problem, only advice
    if complete:
        assert result.advice == ()
    else:
        assert len(result.advice) == 1
        folder = "employment" if number == 4 else "qualifications"
        expected = {None: f"set {section}.display: all", "none": f"{section}.display is none"}.get(
            display, f"shown under display: {display}; add records under records/{folder}/"
        )
        assert expected in result.advice[0]


# ---- item 6: total CPD hours ---------------------------------------------------------------


@pytest.mark.parametrize(
    "hours, complete",
    [({"confirmed": True}, True), ({"confirmed": False}, False), ({}, False)],
    ids=["confirmed", "not-confirmed", "missing"],
)
def test_item6_hours(hours, complete):
    result = section_status(6, {"hours": hours})
    assert result.complete is complete
    assert bool(result.problems) is not complete
    if not complete:
        assert "hours.confirmed: true" in result.problems[0] and "cpdgen hours --year 2024" in result.problems[0]


# ---- item 7: compliance statement ----------------------------------------------------------


@pytest.mark.parametrize(
    "compliance, fragments",
    [
        ({}, ["compliance.statement: met or not-met"]),
        ({"comments": "I did lots"}, ["compliance.statement: met or not-met"]),
        ({"statement": "met"}, []),
        ({"statement": "not-met"}, ["explain why in compliance.comments"]),
        ({"statement": "not-met", "comments": "  "}, ["explain why in compliance.comments"]),
        ({"statement": "not-met", "comments": "Long illness from May."}, []),
        (
            {"statement": "met", "out_of_employment": {"from": "2024-09-01", "to": "2024-03-01"}},
            ["'from' (2024-09-01) is after 'to' (2024-03-01)"],
        ),
        ({"statement": "met", "out_of_employment": {"from": "2024-03-01", "to": "2024-03-01"}}, []),
        ({"statement": "met", "out_of_employment": {"from": "2024-03-01", "to": "2024-09-01"}}, []),
        ({"statement": "met", "out_of_employment": {"to": "2024-09-01"}}, ["needs 'from'"]),
        ({"statement": "met", "out_of_employment": {"from": "2024-10-01"}}, []),
        ({"statement": "met", "out_of_employment": {"from": "2024-12-31"}}, []),
        ({"statement": "met", "out_of_employment": {"from": "2023-06-01", "to": "2024-01-01"}}, []),
        ({"statement": "met", "out_of_employment": {"from": "2023-01-01", "to": "2023-12-31"}}, ["is not in 2024"]),
        ({"statement": "met", "out_of_employment": {"from": "2025-01-01"}}, ["is not in 2024"]),
        ({"statement": "met", "out_of_employment": {"from": "2025-01-01", "to": "2025-03-01"}}, ["is not in 2024"]),
        (
            {"out_of_employment": {"from": "2024-09-01", "to": "2024-03-01"}},
            ["compliance.statement: met or not-met", "is after 'to'"],
        ),
    ],
    ids=[
        "missing",
        "comments-only",
        "met",
        "not-met-no-comments",
        "not-met-blank-comments",
        "not-met-with-comments",
        "from-after-to",
        "from-equals-to",
        "from-before-to",
        "only-to",
        "only-from",
        "from-dec31",
        "spans-year-start",
        "all-before-year",
        "from-after-year",
        "all-after-year",
        "no-statement-and-bad-dates",
    ],
)
def test_item7_compliance(compliance, fragments):
    result = section_status(7, {"compliance": compliance})
    assert result.complete is (not fragments)
    assert len(result.problems) == len(fragments)
    for problem, fragment in zip(result.problems, fragments):
        assert fragment in problem


# ---- item 8: supporting documents (the file checks themselves: test_documents.py of unit/compute and unit/loading)


@pytest.mark.parametrize(
    "documents, facts, complete, problem_fragments",
    [
        ({}, {}, False, []),
        ({"cv": "generate"}, {}, True, []),
        ({"planning_report": "generate", "activity_report": "generate", "cv": "generate"}, {}, True, []),
        (
            {"cv": "evidence/cv.pdf"},
            {"evidence/cv.pdf": DocumentFacts("evidence/cv.pdf", size=10, head=b"%PDF-1.4")},
            True,
            [],
        ),
        ({"cv": "evidence/cv.pdf"}, {}, False, ["'evidence/cv.pdf': was not checked"]),
        (
            {"cv": "evidence/cv.pdf"},
            {"evidence/cv.pdf": DocumentFacts("evidence/cv.pdf", problem="no such file 'evidence/cv.pdf'")},
            False,
            ["supporting_documents.cv: 'evidence/cv.pdf': no such file"],
        ),
        (
            {"activity_report": "generate", "cv": "evidence/cv.txt"},
            {"evidence/cv.txt": DocumentFacts("evidence/cv.txt", size=10, head=b"hello")},
            False,
            ["the extension .txt"],
        ),
        (
            {"planning_report": "p.png", "cv": "c.gif"},
            {
                "p.png": DocumentFacts("p.png", size=500_000, head=b"\x89PNG\r\n\x1a\n"),
                "c.gif": DocumentFacts("c.gif", size=5, head=b"%PDF-"),
            },
            False,
            [
                "supporting_documents.planning_report: 'p.png' is 500,000 bytes",
                "supporting_documents.cv: 'c.gif' is named .gif",
            ],
        ),
    ],
    ids=[
        "nothing-given",
        "generate-one",
        "generate-all",
        "valid-file",
        "file-not-inspected",
        "missing-file",
        "wrong-extension-beside-generate",
        "two-bad-files",
    ],
)
def test_item8_supporting_documents(documents, facts, complete, problem_fragments):
    result = section_status(8, {"supporting_documents": documents}, documents=facts)
    assert result.mandatory is False
    assert result.complete is complete
    assert len(result.problems) == len(problem_fragments)
    for problem, fragment in zip(result.problems, problem_fragments):
        assert fragment in problem
    if not documents:
        assert result.advice and "planning_report, activity_report, cv" in result.advice[0]


# ---- warnings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hours, employment_status, statement, warned",
    [
        (29.5, {"status": "employed", "professionally_active": True}, "met", True),
        (30, {"status": "employed", "professionally_active": True}, "met", False),
        (45, {"status": "employed", "professionally_active": True}, "met", False),
        (5, {"status": "employed", "professionally_active": True}, "not-met", False),
        (5, {"status": "student", "professionally_active": True}, "met", True),
        (10, {"status": "student", "professionally_active": True}, "met", False),
        (0, {"status": "employed", "professionally_active": False, "comments": "ill"}, "met", False),
    ],
    ids=[
        "met-below-30",
        "met-exactly-30",
        "met-above-30",
        "not-met-below",
        "student-5-of-10",
        "student-10-of-10",
        "not-active-0",
    ],
)
def test_shortfall_warning(hours, employment_status, statement, warned):
    items = [objective("obj"), act("a", hours=hours, title="Big project")] if hours else [objective("obj")]
    compliance = {"statement": statement, **({"comments": "short"} if statement == "not-met" else {})}
    status = evaluate_with(items, decl(employment_status=employment_status, compliance=compliance))
    shortfall = [w for w in status.warnings if "compliance.statement is met" in w]
    assert len(shortfall) == int(warned)
    if warned:
        advice = status.recommendation
        assert f"are {hours:.1f}," in shortfall[0]
        assert f"below the {advice.hours:.1f} the IET recommends ({advice.reason})" in shortfall[0]
    assert all("compliance.statement is met" not in p for i in status.items for p in i.problems)


def test_shortfall_warning_does_not_block_readiness():
    items = [objective("obj"), act("a", hours=1.25, title="Only this")]
    status = evaluate_with(items, decl(**full_sections(recs(*items))))
    assert status.ready is True
    assert len(status.warnings) == 1 and "are 1.25, below the 30.0" in status.warnings[0]


@pytest.mark.parametrize(
    "items, warned_titles",
    [
        ([act("o", objectives=(), title="Orphan webinar")], ["Orphan webinar"]),
        ([course("c", objectives=(), title="Orphan course")], ["Orphan course"]),
        ([act("a", objectives=("obj",), title="Linked by field")], []),
        ([act("a", objectives=(), title="Linked by action")], []),  # the objective's action lists "a"
        ([act("x", objectives=(), title="Orphan 2023", start="2023-06-01")], []),
        ([act("x", objectives=(), title="Orphan planned", status="planned")], []),
        (
            [act("x", objectives=(), title="First"), act("y", objectives=(), title="Second", start="2024-07-01")],
            ["First", "Second"],
        ),
    ],
    ids=[
        "orphan-activity",
        "orphan-course",
        "linked-by-objectives",
        "linked-by-action",
        "other-year-not-warned",
        "planned-not-warned",
        "two-orphans",
    ],
)
def test_unlinked_activity_warning(items, warned_titles):
    obj = objective("obj", actions=[{"title": "Act", "status": "in-progress", "activities": ["a"]}])
    status = evaluate_with([obj, *items], decl(compliance={"statement": "not-met", "comments": "c"}))
    linked = [w for w in status.warnings if "links no objective" in w]
    assert len(linked) == len(warned_titles)
    for warning, title in zip(linked, warned_titles):
        assert warning.startswith(f"'{title}' (records/")


@pytest.fixture(scope="module")
def demo():
    result = validate_repository(find_repository(PROJECT_ROOT, DEMO_RECORDS))
    assert result.ok, [d.message for d in result.errors]
    return result


def test_demo_2024_declaration_is_ready(demo):
    from cpdgen.loading.documents import inspect_documents

    declaration = declaration_for(demo.records, 2024)
    documents = inspect_documents(PROJECT_ROOT, declaration.supporting_documents.values())
    status = evaluate(YearFacts(2024, declaration, demo.records, demo.policy, documents))
    assert status.ready, status.missing
    assert all(i.complete for i in status.items)


# ---- rules and sections ---------------------------------------------------------------------


def test_rules_and_sections_cover_the_same_keys_and_real_sections():
    assert list(RULES) == list(SECTIONS) == [i.key for i in IET.checklist]
    fields = set(Declaration.__dataclass_fields__)
    assert set(SECTIONS.values()) <= fields
    assert len(set(SECTIONS.values())) == len(SECTIONS)
