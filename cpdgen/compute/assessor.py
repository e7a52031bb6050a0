"""What an assessor reads in a CPD record: for each of the body's
reflective questions (the policy's guide), whether the record answers it.
`cpdgen new` shows it for the record it wrote; `declaration review` counts
it over the year."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cpdgen.model.guide import Guide, Question


@dataclass(frozen=True)
class Answered:
    question: Question
    answered: bool
    value: Any = None  # what the record says, when it answers


def answered(record: Mapping[str, Any], guide: Guide) -> list[Answered]:
    """For each question of the guide, whether `record` (a CPD record's data:
    a new record's fields, or `as_data` of a model record) answers it."""
    found = []
    for question in guide.record:
        value = record.get(question.field)
        given = bool(value.strip()) if isinstance(value, str) else bool(value)
        found.append(Answered(question, given, value if given else None))
    return found


def unanswered_counts(records: Iterable[Mapping[str, Any]], guide: Guide) -> list[tuple[Question, int]]:
    """For each question, how many of `records` leave it unanswered."""
    listed = [answered(record, guide) for record in records]
    return [
        (question, sum(1 for answers in listed if not answers[index].answered))
        for index, question in enumerate(guide.record)
    ]
