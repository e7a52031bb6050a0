"""The digests that checklist item 2 and `declaration submit` rely on: what
the reports show, what a submission freezes, and the demo's written digests."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from cpdgen.compute.digest import (
    DECLARATION_KEY,
    changed_records,
    combined_digest,
    declaration_records,
    flat,
    frozen_records,
    nested,
    record_digests,
    reports_digest,
)
from cpdgen.compute.year import declaration_for
from cpdgen.loading.files import find_repository
from cpdgen.model.records import Objective, Records
from cpdgen.validation.repository import validate_repository

from helpers.checklist_records import act, course, objective
from helpers.paths import DEMO_RECORDS, PROJECT_ROOT
from helpers.records import decl, job, qual, recs

YEAR = 2024


# ---- digests ---------------------------------------------------------------------------------


HEX64 = re.compile(r"^[0-9a-f]{64}$")


def digest_items():
    return [
        objective(
            "obj",
            created="2023-01-01",
            target="2024-12-31",
            actions=[
                {"title": "Course", "status": "in-progress", "target": "2024-06-30", "activities": ["c1"]},
                {"title": "Read", "status": "planned"},
            ],
        ),
        act("w1", type="work-experience", hours=20, start="2024-02-01"),
        course("c1", hours=6, start="2024-01-01"),
        act("p1", status="planned", start="2024-11-01"),
        act("old", type="self-study", hours=3, start="2023-05-01"),
        qual("msc", start="2022-09-01", end="2025-09-30", status="in-progress"),
    ]


def test_reports_digest_is_64_hex():
    assert HEX64.match(reports_digest(recs(*digest_items()), YEAR))
    assert HEX64.match(reports_digest(Records(), YEAR))


def test_digest_independent_of_order_and_rebuilding():
    items = digest_items()
    assert reports_digest(recs(*items), YEAR) == reports_digest(recs(*reversed(items)), YEAR)
    assert reports_digest(recs(*items), YEAR) == reports_digest(recs(*digest_items()), YEAR)


def with_objective(items, **changes):
    return [replace(i, **changes) if isinstance(i, Objective) else i for i in items]


def with_action(items, index, **changes):
    out = []
    for i in items:
        if isinstance(i, Objective):
            actions = list(i.actions)
            actions[index] = replace(actions[index], **changes)
            i = replace(i, actions=tuple(actions))
        out.append(i)
    return out


D = date


@pytest.mark.parametrize(
    "change, same",
    [
        (lambda items: with_objective(items, status="achieved"), True),
        (lambda items: with_objective(items, status="cancelled", review="Dropped in 2025"), True),
        (lambda items: with_action(items, 1, done_on=D(2025, 2, 1), status="done"), True),
        (lambda items: with_action(items, 0, status="done", done_on=D(2025, 1, 1)), True),
        (lambda items: with_action(items, 1, activities=("next",)) + [act("next", start="2025-03-01")], True),
        (lambda items: items + [act("next", start="2025-03-01"), act("old2", start="2022-01-01")], True),
        (
            lambda items: [replace(i, end=D(2026, 7, 1), status="completed") if i.id == "msc" else i for i in items],
            True,
        ),
        (lambda items: [replace(i, hours=2.0) if i.id == "old" else i for i in items], True),
        (lambda items: with_action(items, 1, done_on=D(2024, 6, 1)), False),
        (lambda items: with_action(items, 0, title="Another course"), False),
        (lambda items: with_objective(items, title="Renamed"), False),
        (lambda items: [replace(i, hours=21.0) if i.id == "w1" else i for i in items], False),
        (lambda items: [replace(i, reflection="New thoughts") if i.id == "c1" else i for i in items], False),
        (lambda items: [replace(i, title="Moved plan") if i.id == "p1" else i for i in items], False),
        (lambda items: items + [act("new", start="2024-03-03")], False),
        (lambda items: [i for i in items if i.id != "w1"], False),
        (lambda items: [replace(i, end=D(2025, 1, 2)) if i.id == "w1" else i for i in items], False),
    ],
    ids=[
        "objective-achieved-later",
        "objective-cancelled-with-review",
        "action-done-after-year",
        "linked-action-done-after-year",
        "action-links-later-activity",
        "records-of-other-years-added",
        "qualification-finished-later",
        "activity-of-2023-edited",
        "action-done-in-year",
        "action-retitled",
        "objective-retitled",
        "activity-hours",
        "course-reflection",
        "planned-item-retitled",
        "activity-added",
        "activity-removed",
        "activity-moved-out-of-year",
    ],
)
def test_frozen_digest_changes_only_with_the_year(change, same):
    """What a submission freezes ignores what happened after the year."""
    items = digest_items()
    before = frozen_digest(recs(*items), YEAR)
    after = frozen_digest(recs(*change(items)), YEAR)
    assert (before == after) is same


def frozen_digest(records, year):
    return combined_digest(record_digests(frozen_records(records, year)))


def test_frozen_digest_stable_when_an_overdue_objective_is_achieved_after_the_year():
    items = [
        objective(
            "late",
            status="in-progress",
            created="2023-01-01",
            target="2023-12-31",
            actions=[{"title": "Finish it", "status": "in-progress"}],
        )
    ]
    before = frozen_digest(recs(*items), YEAR)
    after = frozen_digest(recs(*with_objective(items, status="achieved")), YEAR)
    assert before == after


def test_frozen_digest_stable_when_a_planned_item_is_completed_after_the_year():
    items = [course("slipped", status="booked", start="2024-12-01")]
    before = frozen_digest(recs(*items), YEAR)
    done = [replace(items[0], status="completed", end=D(2025, 1, 15))]
    assert frozen_digest(recs(*done), YEAR) == before


def test_frozen_digest_stable_when_an_action_for_a_later_year_is_added():
    items = digest_items()
    later = with_objective(
        items, actions=(*items[0].actions, replace(items[0].actions[0], title="Next", target=D(2026, 3, 1)))
    )
    assert frozen_digest(recs(*later), YEAR) == frozen_digest(recs(*items), YEAR)


@pytest.mark.parametrize(
    "change, same",
    [
        (lambda items: with_objective(items, status="achieved"), False),
        (lambda items: with_objective(items, review="Going well"), False),
        (lambda items: with_action(items, 1, status="in-progress"), False),
        (lambda items: items + [act("plan-next", status="planned", start="2025-03-01")], False),
        (lambda items: [replace(i, reflection="New thoughts") if i.id == "c1" else i for i in items], False),
        (lambda items: [replace(i, title="Moved plan") if i.id == "p1" else i for i in items], False),
        (lambda items: items + [act("next", start="2025-03-01"), act("old2", start="2022-01-01")], True),
        (lambda items: [replace(i, hours=2.0) if i.id == "old" else i for i in items], True),
        (lambda items: items + [act("far-plan", status="planned", start="2026-03-01")], True),
    ],
    ids=[
        "objective-status",
        "objective-review",
        "action-status",
        "plan-for-next-year-added",
        "course-reflection",
        "planned-item-retitled",
        "completed-items-of-other-years-added",
        "activity-of-2023-edited",
        "plan-two-years-ahead-added",
    ],
)
def test_reports_digest_follows_what_the_reports_show(change, same):
    """The acknowledgement is of the reports as they stand: any change to a
    record they show needs a new one; nothing else does."""
    items = digest_items()
    assert (reports_digest(recs(*items), YEAR) == reports_digest(recs(*change(items)), YEAR)) is same


def test_record_digests_and_declaration_records():
    items = digest_items() + [
        job("current", "2020-01-01"),
        job("ended-later", "2019-01-01", "2025-06-30"),
        job("future", "2025-01-01"),
    ]
    records = recs(*items)
    declaration = decl(
        employment_history={"display": "review-year"},
        academic_study={"display": "all"},
        submitted={"date": "2025-01-20", "digest": "x"},
    )
    covered = declaration_records(records, YEAR, declaration)
    assert set(covered) == {
        ("activity", "w1"),
        ("training", "c1"),
        ("activity", "p1"),
        ("objective", "obj"),
        ("qualification", "msc"),
        ("employment", "current"),
        ("employment", "ended-later"),
        DECLARATION_KEY,
    }
    assert "submitted" not in covered[DECLARATION_KEY]
    assert covered[("employment", "ended-later")]["end"] is None  # as it stood at the end of the year
    digests = record_digests(covered)
    assert all(re.fullmatch(r"[0-9a-f]{16}", value) for value in digests.values())
    assert flat(nested(digests)) == digests
    assert list(nested(digests)) == sorted(nested(digests))
    # the submitted section never changes the digest of what it covers
    resubmitted = replace(declaration, submitted={"date": "2025-02-01", "digest": "y"})
    assert combined_digest(record_digests(declaration_records(records, YEAR, resubmitted))) == combined_digest(digests)
    # the employment ending later is covered as current
    ended = [replace(i, end=D(2026, 1, 31)) if i.id == "ended-later" else i for i in items]
    assert record_digests(declaration_records(recs(*ended), YEAR, declaration)) == digests


@pytest.mark.parametrize(
    "before, now, expected",
    [
        ({}, {}, []),
        ({("activity", "a"): "1"}, {("activity", "a"): "1"}, []),
        ({("activity", "a"): "1"}, {("activity", "a"): "2"}, [("changed", ("activity", "a"))]),
        ({}, {("training", "t"): "1"}, [("added", ("training", "t"))]),
        ({("objective", "o"): "1"}, {}, [("removed", ("objective", "o"))]),
        (
            {("activity", "b"): "1", ("activity", "a"): "1", ("objective", "o"): "1", DECLARATION_KEY: "d"},
            {("activity", "a"): "2", ("activity", "c"): "1", ("objective", "o"): "1", DECLARATION_KEY: "e"},
            [
                ("changed", ("activity", "a")),
                ("removed", ("activity", "b")),
                ("added", ("activity", "c")),
                ("changed", DECLARATION_KEY),
            ],
        ),
    ],
    ids=["empty", "same", "changed", "added", "removed", "mixed-sorted-by-key"],
)
def test_changed_records(before, now, expected):
    assert changed_records(before, now) == expected


@pytest.fixture(scope="module")
def demo():
    result = validate_repository(find_repository(PROJECT_ROOT, DEMO_RECORDS))
    assert result.ok, [d.message for d in result.errors]
    return result


def test_demo_2024_digests_equal_those_written_in_the_declaration(demo):
    """The digests written on another machine must match here (cross-machine stability)."""
    declaration = declaration_for(demo.records, 2024)
    assert reports_digest(demo.records, 2024) == declaration.reports["digest"]
    covered = record_digests(declaration_records(demo.records, 2024, declaration))
    assert nested(covered) == declaration.submitted["records"]
    assert combined_digest(covered) == declaration.submitted["digest"]
