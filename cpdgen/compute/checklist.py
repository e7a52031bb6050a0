"""The CPD Declaration checklist (docs/declaration.md, "The checklist"), judged from the records.

The items (numbers, titles, which are mandatory) come from the policy; each
item's `key` names one of the rules below. A rule returns whether its item is
complete, the problems that stand in the way (for a mandatory item: what is
missing; for an optional one: only what is wrong), and advice for completing
an optional item. The declaration is ready when no item has a problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from cpdgen.compute.digest import reports_digest, submission_intact
from cpdgen.compute.documents import document_problems, generated_file
from cpdgen.compute.hours import Hours, Recommendation, format_hours, recommendation, year_hours
from cpdgen.compute.year import (
    completed_items,
    declaration_for,
    examples_in,
    first_day,
    last_day,
    shown_employment,
    shown_qualifications,
)
from cpdgen.model.documents import GENERATE, DocumentFacts
from cpdgen.model.policy import Policy
from cpdgen.model.records import Declaration, Records, Source


@dataclass(frozen=True)
class YearFacts:
    """Everything the checklist reads for one review year."""

    year: int
    declaration: Declaration | None  # None: no declaration file for the year yet
    records: Records
    policy: Policy
    documents: Mapping[str, DocumentFacts] = field(default_factory=dict)  # by path

    @property
    def answers(self) -> Declaration:
        return self.declaration or Declaration(id=str(self.year), source=Source(""), year=self.year)


@dataclass(frozen=True)
class Judgement:
    complete: bool
    problems: tuple[str, ...] = ()  # for the member: what to do, with the key or command
    advice: tuple[str, ...] = ()  # how to complete an incomplete item
    notes: tuple[str, ...] = ()  # worth knowing either way
    said: tuple[str, ...] = ()  # the problems in words, for the assessor's draft (no keys, no commands)


@dataclass(frozen=True)
class ItemResult:
    number: int
    key: str
    title: str
    mandatory: bool
    complete: bool
    problems: tuple[str, ...]
    advice: tuple[str, ...]
    notes: tuple[str, ...] = ()
    said: tuple[str, ...] = ()  # the problems as a draft declaration words them

    def as_data(self) -> dict:
        """As in `declaration status --format json`."""
        return {
            "number": self.number,
            "key": self.key,
            "title": self.title,
            "mandatory": self.mandatory,
            "complete": self.complete,
            "problems": list(self.problems),
        }


@dataclass(frozen=True)
class DeclarationStatus:
    year: int
    declaration: Declaration | None
    items: tuple[ItemResult, ...]
    hours: Hours
    recommendation: Recommendation
    warnings: tuple[str, ...]
    reports_digest: str
    examples: tuple[str, ...] = ()  # files of `cpdgen init` examples that would be part of the year

    @property
    def ready(self) -> bool:
        """Every mandatory item complete, no item holding a problem, and no
        example left in the year."""
        return (
            all(item.complete for item in self.items if item.mandatory)
            and not any(item.problems for item in self.items)
            and not self.examples
        )

    @property
    def submitted(self) -> bool:
        return bool(self.declaration and self.declaration.submitted.get("digest"))

    @property
    def missing_as_answered(self) -> list[str]:
        """What stops a submission in the records and answers alone, which a
        submission's digest covers: every problem but those of the supporting
        documents' files, which may be replaced after a submission (the
        digest covers the paths named, not the files' bytes)."""
        found = [
            f"{item.number}. {item.title}: {problem}"
            for item in self.items
            for problem in item.problems
            if item.key != DOCUMENTS_ITEM or not problem.startswith("supporting_documents.")
        ]
        return [*found, *self.missing[-1:]] if self.examples else found

    @property
    def missing(self) -> list[str]:
        """Every problem, prefixed with its item: what stops a submission."""
        found = [f"{item.number}. {item.title}: {problem}" for item in self.items for problem in item.problems]
        if self.examples:
            found.append(
                f"example records from cpdgen init are in the year ({', '.join(self.examples)}): "
                "make each your own (delete its line 'example: true') or delete it"
            )
        return found


def document_paths(declaration: Declaration | None) -> list[str]:
    """The supporting documents a declaration names as files (not `generate`)."""
    values = declaration.supporting_documents.values() if declaration else ()
    return [value for value in values if isinstance(value, str) and value != GENERATE]


def year_status(
    records: Records, policy: Policy, year: int, inspect: Callable[[list[str]], Mapping[str, DocumentFacts]]
) -> DeclarationStatus:
    """The declaration status of `year`, as `declaration status` and the
    declaration PDF show it; `inspect` (the shell) reads the facts of the
    supporting documents the declaration names."""
    found = declaration_for(records, year)
    return evaluate(YearFacts(year, found, records, policy, inspect(document_paths(found))))


def evaluate(facts: YearFacts) -> DeclarationStatus:
    digest = reports_digest(facts.records, facts.year)
    items = []
    for item in facts.policy.checklist:
        judgement = RULES[item.key](facts, digest)
        problems, said = judgement.problems, judgement.said
        if item.mandatory and not judgement.complete and not problems:
            # a rule written for an optional item (advice only) under a policy that makes it mandatory
            problems = judgement.advice or (f"complete {item.title}",)
            said = (f"{item.title} is not complete.",)
        items.append(
            ItemResult(
                item.number,
                item.key,
                item.title,
                item.mandatory,
                judgement.complete,
                problems,
                judgement.advice,
                judgement.notes,
                said or problems,
            )
        )
    hours = year_hours(facts.records, facts.policy, facts.year)
    advice = recommendation(facts.records, facts.policy, facts.year, facts.declaration)
    examples = tuple(sorted({record.source.file for record in examples_in(facts.records, facts.year)}))
    return DeclarationStatus(
        facts.year, facts.declaration, tuple(items), hours, advice, tuple(warnings(facts, advice)), digest, examples
    )


def _command(facts: YearFacts, name: str) -> str:
    return f"cpdgen declaration {name} --year {facts.year}"


# ---- the rules, by checklist key ------------------------------------------------


def cpd_monitoring(facts: YearFacts, digest: str) -> Judgement:
    if facts.answers.monitoring.get("agreed") is True:
        return Judgement(True)
    return Judgement(
        False,
        ("agree to CPD monitoring: set monitoring.agreed: true (and monitoring.date)",),
        said=("CPD monitoring has not been agreed yet.",),
    )


def cpd_reports(facts: YearFacts, digest: str) -> Judgement:
    reports = facts.answers.reports
    check = f"check them (cpdgen report activity --year {facts.year}; cpdgen report planning --year {facts.year})"
    if reports.get("acknowledged") is not True:
        return Judgement(
            False,
            (f"acknowledge the CPD Activity and Planning Reports: {check}, then run {_command(facts, 'acknowledge')}",),
            said=("The CPD Activity and Planning Reports have not been acknowledged yet.",),
        )
    if not reports.get("digest"):
        return Judgement(
            False,
            (
                f"reports.acknowledged is true but cpdgen has no digest of what was acknowledged: run {_command(facts, 'acknowledge')}",
            ),
            said=("The reports are marked acknowledged, but what was acknowledged was not recorded.",),
        )
    if facts.declaration is not None and submission_intact(facts.records, facts.declaration):
        # Submitted, and nothing it covers has changed: later progress (an
        # objective achieved, an action done next year) moves the live
        # reports on, but the year as submitted stands.
        return Judgement(True)
    if reports["digest"] != digest:
        when = f" on {reports['date']}" if reports.get("date") else ""
        return Judgement(
            False,
            (
                f"the reports have changed since you acknowledged them{when}: {check} again, then run {_command(facts, 'acknowledge')}",
            ),
            said=(f"The reports have changed since they were acknowledged{when}.",),
        )
    return Judgement(True)


def employment_status(facts: YearFacts, digest: str) -> Judgement:
    section = facts.answers.employment_status
    problems: list[str] = []
    said: list[str] = []
    if not section.get("status"):
        problems.append(f"choose your employment status in {facts.year}: set employment_status.status")
        said.append("No employment status has been given yet.")
    active = section.get("professionally_active")
    explained = bool((section.get("comments") or "").strip())
    if active is not True and not explained:
        if active is False:
            problems.append("you were not professionally active: say why in employment_status.comments")
            said.append("Not professionally active, and no comment yet says why.")
        else:
            problems.append(
                "say whether you were professionally active: set employment_status.professionally_active: true, "
                "or explain in employment_status.comments why not"
            )
            said.append("Whether the member was professionally active has not been stated yet.")
    return Judgement(not problems, tuple(problems), said=tuple(said))


def _display_rule(section_name: str, what: str, folder: str, shown: Callable) -> Callable[[YearFacts, str], Judgement]:
    def rule(facts: YearFacts, digest: str) -> Judgement:
        display = getattr(facts.answers, section_name).get("display")
        if display is None:
            return Judgement(
                False, advice=(f"to include your {what}, set {section_name}.display: all (or review-year)",)
            )
        if display == "none":
            return Judgement(False, advice=(f"{section_name}.display is none: your {what} is not included",))
        if not shown(facts.records, facts.year, display):
            return Judgement(
                False, advice=(f"no {what} is shown under display: {display}; add records under records/{folder}/",)
            )
        return Judgement(True)

    return rule


def total_cpd_hours(facts: YearFacts, digest: str) -> Judgement:
    if facts.answers.hours.get("confirmed") is True:
        return Judgement(True)
    return Judgement(
        False,
        (f"check the hours (cpdgen hours --year {facts.year}) and confirm them: set hours.confirmed: true",),
        said=("The hours have not been confirmed yet.",),
    )


def compliance_statement(facts: YearFacts, digest: str) -> Judgement:
    section = facts.answers.compliance
    problems: list[str] = []
    said: list[str] = []
    statement = section.get("statement")
    if statement is None:
        problems.append(
            f"say whether you met {facts.policy.named}'s CPD policy: set compliance.statement: met or not-met"
        )
        said.append("No compliance statement has been given yet.")
    elif statement == "not-met" and not (section.get("comments") or "").strip():
        problems.append("with not-met, explain why in compliance.comments")
        said.append("The requirements were not met, and no comment yet says why.")
    away = section.get("out_of_employment")
    if away:
        start, end = away.get("from"), away.get("to")
        if start is None:
            problems.append("compliance.out_of_employment needs 'from': when you stopped work")
            said.append("The time out of employment has no date when work stopped.")
        elif end is not None and start > end:
            problems.append(f"compliance.out_of_employment: 'from' ({start}) is after 'to' ({end})")
            said.append(f"The time out of employment ends ({end}) before it starts ({start}).")
        elif start > last_day(facts.year).isoformat() or (end is not None and end < first_day(facts.year).isoformat()):
            problems.append(
                f"compliance.out_of_employment ({start} to {end or 'the end of the year'}) is not in {facts.year}"
            )
            said.append(
                f"The time out of employment ({start} to {end or 'the end of the year'}) is not in {facts.year}."
            )
    return Judgement(not problems, tuple(problems), said=tuple(said))


def supporting_documents(facts: YearFacts, digest: str) -> Judgement:
    given = {t.key: facts.answers.supporting_documents.get(t.key) for t in facts.policy.documents.types}
    given = {key: value for key, value in given.items() if value}
    if not given:
        names = ", ".join(t.key for t in facts.policy.documents.types)
        return Judgement(False, advice=(f"optional: give supporting_documents ({names}), each a file or {GENERATE}",))
    titles = {t.key: t.title for t in facts.policy.documents.types}
    problems: list[str] = []
    notes: list[str] = []
    said: list[str] = []
    for key, value in given.items():
        value = str(value)
        if value == GENERATE:
            notes.append(f"{key}: cpdgen makes output/{generated_file(key, facts.year)}")
        else:
            document = facts.documents.get(value) or DocumentFacts(value, problem="was not checked")
            found = document_problems(key, document, facts.policy.documents, facts.policy.named)
            problems.extend(found)
            where = f"supporting_documents.{key}: '{value}'"
            named = f"{titles[key]} ({PurePosixPath(value).name})"
            said.extend(problem.replace(where, named, 1).rstrip(".") + "." for problem in found)
    return Judgement(not problems, tuple(problems), notes=tuple(notes), said=tuple(said))


DOCUMENTS_ITEM = "supporting-documents"  # the item judged on files, not only on answers

RULES: dict[str, Callable[[YearFacts, str], Judgement]] = {
    "cpd-monitoring": cpd_monitoring,
    "cpd-reports": cpd_reports,
    "employment-status": employment_status,
    "employment-history": _display_rule("employment_history", "employment history", "employment", shown_employment),
    "academic-study": _display_rule("academic_study", "academic study", "qualifications", shown_qualifications),
    "total-cpd-hours": total_cpd_hours,
    "compliance-statement": compliance_statement,
    DOCUMENTS_ITEM: supporting_documents,
}

# The declaration section each rule reads (for templates and messages).
SECTIONS: dict[str, str] = {
    "cpd-monitoring": "monitoring",
    "cpd-reports": "reports",
    "employment-status": "employment_status",
    "employment-history": "employment_history",
    "academic-study": "academic_study",
    "total-cpd-hours": "hours",
    "compliance-statement": "compliance",
    "supporting-documents": "supporting_documents",
}


# ---- warnings: worth a look, never a block ---------------------------------------


def warnings(facts: YearFacts, advice: Recommendation) -> list[str]:
    found = []
    body = facts.policy.named
    if facts.answers.compliance.get("statement") == "met" and advice.shortfall > 0:
        found.append(
            f"compliance.statement is met, but the hours that count for {advice.period} are "
            f"{format_hours(advice.counted)}, below the {format_hours(advice.hours)} {body} recommends "
            f"({advice.reason}); record what is missing, or reconsider the statement"
        )
    linked = {i for objective in facts.records.objectives for action in objective.actions for i in action.activities}
    for item in completed_items(facts.records, facts.year):
        if not item.objectives and item.id not in linked:
            found.append(
                f"'{item.title}' ({item.source.file}) links no objective: {body} reviewers look for the link "
                "between your plan and what you did; add `objectives: [...]` to it, or list it under an objective's action"
            )
    return found
