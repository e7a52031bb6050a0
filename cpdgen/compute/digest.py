"""Stable digests of what a declaration covers.

A digest is SHA-256 over canonical JSON (sorted keys, no spaces, UTF-8) of
the records as the model holds them, so it depends on what the records say,
not on how the YAML is laid out (comments, quoting, key order, which file)
nor on the machine.

Two digests are written into a declaration:
- `reports.digest`: the year's CPD Activity and Planning Reports as they
  stand, every record they show in full, written by `declaration
  acknowledge`; checklist item 2 holds while it matches, so any change to
  what the reports show, however small, asks for a new acknowledgement;
- `submitted.digest`: what a submission freezes — the records of the year
  projected onto it, the declaration's own answers, the employment and study
  it shows — written by `declaration submit` with one short digest per record
  in `submitted.records`, so `validate` can name the records that changed.
  The projection keeps what happened after the year (an objective achieved
  later, a plan carried out later, a job ended later) from making a submitted
  year look edited.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from cpdgen.compute.reports import item_kind, shown_in_reports
from cpdgen.compute.year import counts_in, last_day, overlaps, qualification_in, shown_employment, shown_qualifications
from cpdgen.model.records import CPDItem, Declaration, Employment, Objective, Qualification, Records, as_data

VERSION = "cpdgen-digest-1"  # changes if the canonical form ever does
RECORD_DIGEST_LENGTH = 16  # hex digits kept per record: enough to tell edits apart

# The key of the declaration's own answers among the record digests.
DECLARATION_KEY = ("declaration", "answers")

RecordKey = tuple[str, str]  # (kind, id)


def digest_of(data: Any) -> str:
    text = json.dumps([VERSION, data], sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def reports_digest(records: Records, year: int) -> str:
    """The digest of the year's two reports as they stand: every record they
    show, in full. `declaration acknowledge` records it; checklist item 2
    holds while it still matches."""
    return combined_digest(
        record_digests({(kind, record.id): as_data(record) for kind, record in shown_in_reports(records, year)})
    )


def submission_intact(records: Records, declaration: Declaration) -> bool:
    """A submitted declaration whose covered records still say what they said
    at submission (projected onto the year: later progress is not an edit)."""
    digest = declaration.submitted.get("digest")
    return (
        bool(digest)
        and combined_digest(record_digests(declaration_records(records, declaration.year, declaration))) == digest
    )


def frozen_records(records: Records, year: int) -> dict[RecordKey, Any]:
    """The records of the year that a submission freezes, each projected onto
    the year. Which records are covered depends only on their dates, never on
    a status that moves on after the year:

    - an activity or course completed in the year, in full;
    - one that starts or ends in the year but is not complete in it (planned,
      booked, or finished later): only its plan — title, category, start;
    - an objective whose created–target span meets the year, or with an
      action due or done in the year (with its actions dated by the year's end);
    - academic study overlapping the year.
    """
    found: dict[RecordKey, Any] = {}
    for item in records.cpd_items:
        if counts_in(item, year):
            found[(item_kind(item), item.id)] = as_data(item)
        elif item.start.year == year or item.end.year == year:
            found[(item_kind(item), item.id)] = _plan_of(item)
    known_by_then = {item.id for item in records.cpd_items if item.start <= last_day(year)}
    for objective in records.objectives:
        if _objective_of_year(objective, year):
            found[("objective", objective.id)] = _objective_in(objective, year, known_by_then)
    for qualification in records.qualifications:
        if qualification_in(qualification, year):
            found[("qualification", qualification.id)] = _qualification_in(qualification, year)
    return found


def declaration_records(records: Records, year: int, declaration: Declaration) -> dict[RecordKey, Any]:
    """Everything a submitted declaration covers."""
    found = frozen_records(records, year)
    answers = {key: value for key, value in as_data(declaration).items() if key != "submitted"}
    found[DECLARATION_KEY] = answers
    for job in shown_employment(records, year, declaration.employment_history.get("display")):
        found[("employment", job.id)] = _employment_in(job, year)
    for qualification in shown_qualifications(records, year, declaration.academic_study.get("display")):
        found[("qualification", qualification.id)] = _qualification_in(qualification, year)
    return found


def record_digests(covered: Mapping[RecordKey, Any]) -> dict[RecordKey, str]:
    return {key: digest_of(data)[:RECORD_DIGEST_LENGTH] for key, data in covered.items()}


def combined_digest(digests: Mapping[RecordKey, str]) -> str:
    return digest_of(sorted([kind, record_id, value] for (kind, record_id), value in digests.items()))


def nested(digests: Mapping[RecordKey, str]) -> dict[str, dict[str, str]]:
    """{kind: {id: digest}}, sorted: the form written under `submitted.records`."""
    out: dict[str, dict[str, str]] = {}
    for (kind, record_id), value in sorted(digests.items()):
        out.setdefault(kind, {})[record_id] = value
    return out


def flat(nested_digests: Mapping[str, Mapping[str, str]]) -> dict[RecordKey, str]:
    return {(kind, record_id): value for kind, ids in nested_digests.items() for record_id, value in ids.items()}


def changed_records(before: Mapping[RecordKey, str], now: Mapping[RecordKey, str]) -> list[tuple[str, RecordKey]]:
    """("changed" | "added" | "removed", key) for every difference, sorted."""
    differences = [
        *(("changed", key) for key in before if key in now and before[key] != now[key]),
        *(("added", key) for key in now if key not in before),
        *(("removed", key) for key in before if key not in now),
    ]
    return sorted(differences, key=lambda entry: (entry[1], entry[0]))


# ---- projections onto the review year ---------------------------------------


def _objective_of_year(objective: Objective, year: int) -> bool:
    if (objective.created or objective.target) and overlaps(objective.created, objective.target, year):
        return True
    return any(when.year == year for action in objective.actions for when in (action.target, action.done_on) if when)


def _plan_of(item: CPDItem) -> dict[str, Any]:
    """What a plan says, which stays true when it is carried out later."""
    return {
        "id": item.id,
        "plan": True,
        "title": item.title,
        "category": item.category,
        "start": item.start.isoformat(),
    }


def _objective_in(objective: Objective, year: int, known: set[str]) -> dict[str, Any]:
    """The objective's plan as it stood in the year: its aims, the actions
    due or done by the year's end (actions added later for later years are
    not the year's), completions dated in the year or before, and links to
    activities of the year or before. Its status and review, which move on
    after the year, are left out."""
    end = last_day(year)
    actions = [
        {
            "title": action.title,
            "target": as_data(action.target),
            "done_on": as_data(action.done_on) if action.done_on and action.done_on <= end else None,
            "activities": [i for i in action.activities if i in known],
        }
        for action in objective.actions
        if (action.target and action.target <= end) or (action.done_on and action.done_on <= end)
    ]
    data = as_data(replace(objective, actions=()))
    for moving in ("status", "review"):
        data.pop(moving, None)
    data["actions"] = actions
    return data


def _employment_in(job: Employment, year: int) -> dict[str, Any]:
    """A job as it stood at the end of the year: still current if it ended later."""
    if job.end is not None and job.end > last_day(year):
        job = replace(job, end=None)
    return as_data(job)


def _qualification_in(qualification: Qualification, year: int) -> dict[str, Any]:
    """Study still under way at the end of the year: its later outcome left out."""
    data = as_data(qualification)
    if qualification.end is None or qualification.end > last_day(year):
        for moving in ("status", "grade", "end"):
            data.pop(moving, None)
    return data
