"""`cpdgen declaration review`: the year's CPD Declaration, item by item,
on the terminal, as the body's "Start CPD Review" walks it.

The questions are here; everything they do is `authoring.declaration`:
each answer is written at once (`answer`, through the byte-preserving
editor, checked, the repository validated again), so stopping anywhere
(Ctrl-C, the end of piped input) leaves a valid file holding every answer
given so far."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import click

from cpdgen.cli import Options
from cpdgen.cli.ask import Asker, Option
from cpdgen.common.errors import ExitCode
from cpdgen.common.wording import plural


@dataclass
class Walk:
    """The state of one review: the repository as last validated and the
    year's checklist, both renewed after every answer."""

    options: Options
    year: int
    asker: Asker
    repo: Any = None
    result: Any = None
    status: Any = None
    path: Path = field(default_factory=Path)

    @property
    def today(self) -> date:
        return self.options.today

    @property
    def policy(self):
        return self.result.policy

    @property
    def answers(self):
        from cpdgen.render.pdf import answers_of

        return answers_of(self.status)

    @property
    def rel(self) -> str:
        return self.repo.relative(self.path)

    def refresh(self, result=None) -> None:
        from functools import partial

        from cpdgen.authoring.declaration import declaration_path
        from cpdgen.compute.checklist import year_status
        from cpdgen.loading.documents import inspect_documents

        if result is None:
            self.repo, result = self.options.checked_declaration()
        self.result = result
        self.status = year_status(result.records, result.policy, self.year, partial(inspect_documents, self.repo.root))
        self.path = declaration_path(self.repo, result, self.year)

    def save(self, changes: dict[tuple[str, ...], Any]) -> bool:
        """Write answers now; on a refusal say why, and keep the file as it was."""
        from cpdgen.authoring.declaration import AnswersRefused, answer

        try:
            done = answer(self.repo, self.result, self.year, changes)
        except AnswersRefused as exc:
            for problem in exc.problems:
                self.asker.say(f"  ! {problem}", fg="red")
            self.asker.say("  Not saved; the file is as it was.")
            return False
        self.refresh(done.result)
        return True

    def item(self, key: str):
        return next(item for item in self.status.items if item.key == key)

    def about(self, key: str) -> None:
        guide = self.policy.guide
        if guide is not None and key in guide.items:
            self.asker.say(guide.items[key].replace("the review year", str(self.year)), wrap=True)


def run_review(options: Options, year: int) -> None:
    from cpdgen.authoring import declaration as declaration_file
    from cpdgen.compute.year import last_day

    walk = Walk(options, year, Asker(err=False, color=options.color()))
    walk.refresh()
    say = walk.asker.say
    policy = walk.policy
    say(f"CPD Declaration {year} · {policy.short_name}", bold=True)
    say(f"Review year: 1 January – 31 December {year} · {walk.rel}")
    if walk.status.submitted:
        submitted = walk.answers.submitted
        say(
            f"{year} was submitted on {_day(submitted.get('date'))}. Nothing to review; to change it, edit the file "
            f"and run `cpdgen declaration submit --year {year} --amend`."
        )
        return
    if walk.status.declaration is None:
        if not walk.asker.yes_no(f"There is no declaration for {year} yet. Create {walk.rel}?", True):
            say("Nothing was written.")
            return
        declaration_file.start(walk.repo, walk.result, year)
        walk.refresh()
        say(f"Created {walk.rel} from the template.")
    mandatory = [str(item.number) for item in policy.checklist if item.mandatory]
    say("")
    say(
        f"This walks {policy.named}'s CPD Declaration checklist item by item. Items "
        f"{', '.join(mandatory[:-1])} and {mandatory[-1]} are mandatory. Each answer is saved as you give it: "
        "stop at any time (Ctrl-C) and come back. Enter keeps the answer shown in [brackets].",
        wrap=True,
    )
    if walk.status.examples:
        say(
            f"! The example records from cpdgen init are still here ({', '.join(walk.status.examples)}): they count "
            "towards nothing, and the declaration cannot be submitted while they are part of the year. Make each "
            "your own (delete its line 'example: true') or delete it.",
            fg="yellow",
            wrap=True,
        )
    if walk.today <= last_day(year):
        say(
            f"! {year} is not over yet: you can review now, and submit from 1 January {year + 1}.",
            fg="yellow",
            wrap=True,
        )
    try:
        for item in policy.checklist:
            say("")
            need = "mandatory" if item.mandatory else "optional"
            say(f"{item.number}. {item.title}  ({need})", bold=True)
            walk.about(item.key)
            STEPS[item.key](walk)
        _summary(walk)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("")
        click.echo(
            f"Stopped. Every answer given so far is saved in {walk.rel}; `cpdgen declaration review --year {year}` "
            "goes on from there.",
            err=True,
        )
        raise SystemExit(ExitCode.INTERRUPTED) from None


# ---- the items --------------------------------------------------------------------------------


def _monitoring(walk: Walk) -> None:
    section = walk.answers.monitoring
    if section.get("agreed") is True:
        when = f" on {_day(section.get('date'))}" if section.get("date") else ""
        if walk.asker.yes_no(f"You agreed{when}. Keep that?", True):
            return
    choice = walk.asker.choose(
        "Agree to CPD monitoring?", [Option(True, "agree"), Option(False, "cancel")], default=True
    )
    if choice:
        walk.save({("monitoring", "agreed"): True, ("monitoring", "date"): walk.today.isoformat()})
    else:
        from cpdgen.authoring.yamledit import DELETE

        walk.save({("monitoring", "agreed"): False, ("monitoring", "date"): DELETE})
        walk.asker.say("Item 1 stays incomplete: a declaration is not submitted without it.")


def _reports(walk: Walk) -> None:
    from cpdgen.compute.assessor import unanswered_counts
    from cpdgen.compute.hours import format_hours
    from cpdgen.compute.reports import activity_report, planning_report
    from cpdgen.model.records import as_data

    say = walk.asker.say
    activities = activity_report(walk.result.records, walk.policy, walk.year)
    planning = planning_report(walk.result.records, walk.year)
    actions = sum(len(plan.actions) for plan in planning.objectives)
    say("")
    say(
        f"  CPD Activity Report {walk.year}: {plural(len(activities.items), 'activity or course', 'activities and courses')}, "
        f"{format_hours(activities.hours.total)} hours"
    )
    say(
        f"  CPD Planning Report {walk.year}: {plural(len(planning.objectives), 'objective')}, "
        f"{plural(actions, 'action')}, "
        f"{len(planning.planned)} planned or booked"
    )
    guide = walk.policy.guide
    if guide is not None and activities.items:
        for question, count in unanswered_counts((as_data(item) for item in activities.items), guide):
            if count:
                verb = "says" if count == 1 else "say"
                say(f"  · {count} of {len(activities.items)} {verb} nothing of {question.missing}")
    reports = walk.answers.reports
    current = walk.item("cpd-reports").complete
    chosen = walk.asker.choose(
        "Read them?",
        [Option("a", "activity report"), Option("p", "planning report"), Option("b", "both"), Option("s", "skip")],
        default="s" if current else "b",
    )
    if chosen in ("a", "b"):
        _show_report(walk, "activity")
    if chosen in ("p", "b"):
        _show_report(walk, "planning")
    if not activities.items:
        say(
            f"! The CPD Activity Report for {walk.year} is empty: no activity or course was completed in {walk.year}.",
            fg="yellow",
            wrap=True,
        )
    if not planning.objectives and not planning.planned:
        say(
            f"! The CPD Planning Report for {walk.year} is empty: no objective was open in {walk.year} and nothing is "
            "planned. Reviewers look for the link between your plan and what you did: add an objective with "
            "`cpdgen new objective` first, or go on.",
            fg="yellow",
            wrap=True,
        )
    if current:
        say(f"You acknowledged them on {_day(reports.get('date'))}, and they have not changed since.")
        if not walk.asker.yes_no("Acknowledge them again today?", False):
            return
    elif reports.get("acknowledged"):
        say(
            f"Your reports have changed since you acknowledged them on {_day(reports.get('date'))}.",
            fg="yellow",
            wrap=True,
        )
    statement = (guide.acknowledge if guide else None) or (
        "I acknowledge that the above reports are up to date, and I am happy to include them as part of my CPD "
        "Declaration."
    )
    say(statement, wrap=True)
    if walk.asker.yes_no("Acknowledge?", False):
        from cpdgen.authoring.declaration import acknowledge

        acknowledge(walk.repo, walk.result, walk.year, walk.today)
        walk.refresh()
        say("Acknowledged.")
    else:
        say("Item 2 stays incomplete. Change your records, then come back.")


def _show_report(walk: Walk, which: str) -> None:
    from cpdgen.compute.reports import activity_report, planning_report
    from cpdgen.render.tables import to_terminal
    from cpdgen.render.text import activity_tables, planning_text

    color = walk.asker.color
    if which == "activity":
        text = to_terminal(
            activity_tables(activity_report(walk.result.records, walk.policy, walk.year), walk.policy), color=color
        )
    else:
        text = planning_text(planning_report(walk.result.records, walk.year), walk.policy, color=color)
    if sys.stdin.isatty() and sys.stdout.isatty():
        click.echo_via_pager(text)
    else:
        click.echo(text)


def _employment_status(walk: Walk) -> None:
    from cpdgen.authoring.human_input import choices
    from cpdgen.authoring.yamledit import DELETE

    section = walk.answers.employment_status
    statuses = choices("declaration", "employment_status.status")
    status = walk.asker.choose(
        f"Your employment status in {walk.year}?",
        [Option(value, value.replace("-", " ")) for value in statuses],
        default=section.get("status") or "employed",
    )
    active = walk.asker.yes_no(
        f"Were you professionally active in {walk.year} (working as an engineer or technician, or volunteering as one)?",
        section.get("professionally_active") is not False,
    )
    changes: dict[tuple[str, ...], Any] = {
        ("employment_status", "status"): status,
        ("employment_status", "professionally_active"): active,
    }
    current = section.get("comments")
    if active:
        comments = walk.asker.text(
            "Comments for the assessor (optional; an empty line ends, Enter at once skips):", current=current
        )
    else:
        comments = None
        while not comments:
            comments = walk.asker.text(
                "You were not professionally active: say why, for the assessor (e.g. parental leave from March). "
                "An empty line ends.",
                current=current,
            )
    changes[("employment_status", "comments")] = comments if comments else DELETE
    if walk.save(changes):
        _recommended(walk)


def _recommended(walk: Walk) -> None:
    from cpdgen.compute.hours import format_hours

    advice = walk.status.recommendation
    walk.asker.say(
        f"{walk.policy.named_first} recommends {format_hours(advice.hours)} hours for {advice.period} ({advice.reason})."
    )


def _display(section_name: str, what: str, records: Callable, describe: Callable, add: str) -> Callable[[Walk], None]:
    def step(walk: Walk) -> None:
        from cpdgen.compute.year import shown_employment, shown_qualifications

        shown = shown_employment if section_name == "employment_history" else shown_qualifications
        listed = records(walk)
        if not listed:
            walk.asker.say(f"You have no {what} recorded: add it with `{add}` (this item is optional).")
            return
        in_year = shown(walk.result.records, walk.year, "review-year")
        for record in listed:
            walk.asker.say(f"  {describe(record)}" + (f"   (in {walk.year})" if record in in_year else ""))
        all_shown = shown(walk.result.records, walk.year, "all")
        display = walk.asker.choose(
            "Which to include?",
            [
                Option("all", f"all ({len(all_shown)})"),
                Option("review-year", f"review year only ({len(in_year)})"),
                Option("none", "none"),
            ],
            default=getattr(walk.answers, section_name).get("display") or "all",
        )
        if display == "review-year" and not in_year:
            walk.asker.say(f"! None of your {what} is in {walk.year}: item stays incomplete.", fg="yellow", wrap=True)
        walk.save({(section_name, "display"): display})

    return step


def _job(job) -> str:
    end = _month(job.end) if job.end else "present"
    return f"{job.role}, {job.employer} · {_month(job.start)} – {end}"


def _study(qualification) -> str:
    dates = " – ".join(str(d.year) for d in (qualification.start, qualification.end) if d)
    return " · ".join(
        part
        for part in (qualification.title, qualification.institution, dates, qualification.status.replace("-", " "))
        if part
    )


def _hours(walk: Walk) -> None:
    from cpdgen.render.tables import to_terminal
    from cpdgen.render.text import hours_table, recommendation_note

    walk.asker.say(to_terminal([hours_table(walk.status.hours, walk.policy)], color=walk.asker.color))
    walk.asker.say(recommendation_note(walk.status.recommendation, walk.policy))
    current = walk.answers.hours.get("confirmed")
    confirmed = walk.asker.yes_no("Is this total correct?", current is not False)
    walk.save({("hours", "confirmed"): confirmed})
    if not confirmed:
        walk.asker.say(
            "Correct the activities (records/activities/) or training courses (records/training/), or add one with "
            "`cpdgen new activity`, then come back."
        )


def _compliance(walk: Walk) -> None:
    from cpdgen.authoring.yamledit import DELETE
    from cpdgen.compute.hours import format_hours

    section = walk.answers.compliance
    advice = walk.status.recommendation
    statement = walk.asker.choose(
        f"Have you met the requirements of {walk.policy.named}'s CPD policy for {walk.year}?",
        [Option("met", "met"), Option("not-met", "not met")],
        default=section.get("statement") or ("met" if not advice.shortfall else None),
    )
    current = section.get("comments")
    if statement == "not-met":
        comments = None
        while not comments:
            comments = walk.asker.text("Why not? (required; an empty line ends)", current=current)
    else:
        comments = walk.asker.text("Comments (optional; an empty line ends, Enter at once skips):", current=current)
        if advice.shortfall:
            walk.asker.say(
                f"! You said met with {format_hours(advice.counted)} of the {format_hours(advice.hours)} hours recommended; "
                "the draft notes the shortfall for the assessor (it never blocks a submission).",
                fg="yellow",
                wrap=True,
            )
    changes: dict[tuple[str, ...], Any] = {
        ("compliance", "statement"): statement,
        ("compliance", "comments"): comments if comments else DELETE,
    }
    away = section.get("out_of_employment") or {}
    if walk.asker.yes_no(f"Were you out of employment during {walk.year}?", bool(away)):
        start = walk.asker.date("Stopped work on (e.g. 14/03/2025):", walk.today, away.get("from"))
        while True:
            end = walk.asker.date(
                f"Started again on (Enter: not during {walk.year}):", walk.today, away.get("to"), optional=True
            )
            if end is None or start is None or end >= start:
                break
            walk.asker.say(f"  ! that is before {start}, when you stopped")
        changes[("compliance", "out_of_employment", "from")] = start
        changes[("compliance", "out_of_employment", "to")] = end if end else DELETE
    else:
        changes[("compliance", "out_of_employment", "from")] = DELETE
        changes[("compliance", "out_of_employment", "to")] = DELETE
    if walk.save(changes) and walk.status.recommendation.hours != advice.hours:
        _recommended(walk)


def _supporting_documents(walk: Walk) -> None:
    from cpdgen.authoring.yamledit import DELETE
    from cpdgen.compute.documents import document_problems
    from cpdgen.loading.documents import inspect_document
    from cpdgen.model.documents import GENERATE

    given = walk.answers.supporting_documents
    rules = walk.policy.documents
    changes: dict[tuple[str, ...], Any] = {}
    for document_type in rules.types:
        current = given.get(document_type.key)
        default = "file" if current and current != GENERATE else (current or GENERATE)
        chosen = walk.asker.choose(
            f"  {document_type.title}:",
            [Option(GENERATE, "generate from my records"), Option("file", "file"), Option("skip", "skip")],
            default=default,
        )
        if chosen == "file":

            def checked(path: str, key: str = document_type.key) -> str:
                facts = inspect_document(walk.repo.root, path)
                problems = document_problems(key, facts, rules, walk.policy.named)
                if problems:
                    raise ValueError(problems[0].split(": ", 2)[-1])
                return path

            changes[("supporting_documents", document_type.key)] = walk.asker.value(
                "  Path (inside this repository, e.g. evidence/cv/my-cv.pdf)",
                checked,
                current if current and current != GENERATE else None,
            )
        else:
            changes[("supporting_documents", document_type.key)] = GENERATE if chosen == GENERATE else DELETE
    walk.save(changes)


STEPS: dict[str, Callable[[Walk], None]] = {
    "cpd-monitoring": _monitoring,
    "cpd-reports": _reports,
    "employment-status": _employment_status,
    "employment-history": _display(
        "employment_history",
        "employment history",
        lambda walk: walk.result.records.employment,
        lambda job: _job(job),
        "cpdgen new employment",
    ),
    "academic-study": _display(
        "academic_study",
        "academic study",
        lambda walk: walk.result.records.qualifications,
        lambda q: _study(q),
        "cpdgen new qualification",
    ),
    "total-cpd-hours": _hours,
    "compliance-statement": _compliance,
    "supporting-documents": _supporting_documents,
}


# ---- the draft, and the submission ---------------------------------------------------------------


def _summary(walk: Walk) -> None:
    from cpdgen.compute.documents import DECLARATION_PDF, generated_file
    from cpdgen.compute.year import last_day
    from cpdgen.render.text import checklist_summary

    say = walk.asker.say
    say("")
    say(f"Your CPD Declaration {walk.year}, as it stands", bold=True)
    say(checklist_summary(walk.status, walk.policy))
    year_over = walk.today > last_day(walk.year)
    ready = walk.status.ready
    if ready and year_over:
        say("Ready to submit.", fg="green", bold=True)
    elif ready:
        say(f"Ready, but {walk.year} is not over: submit from 1 January {walk.year + 1}.", fg="green")
    else:
        say("Not ready to submit:", fg="red")
        for line in walk.status.missing:
            say(f"  - {line}")
    draft = f"output/{generated_file(DECLARATION_PDF, walk.year)}"
    options = [Option("draft", f"draft PDF ({draft})", "d")]
    if ready and year_over:
        options.append(Option("submit", "submit", "s"))
    options.append(Option("quit", "quit (your answers are saved)", "q"))
    while True:
        chosen = walk.asker.choose("", options, default="submit" if ready and year_over else "quit")
        if chosen == "draft":
            from cpdgen.cli.report import write_pdf_file

            write_pdf_file(walk.options, walk.repo, walk.result, DECLARATION_PDF, walk.year, None)
            continue
        if chosen == "submit":
            _submit(walk)
        return


def _submit(walk: Walk) -> None:
    from cpdgen.authoring import declaration as declaration_file
    from cpdgen.cli.declaration import _final_pdf, what_to_upload

    if not walk.asker.yes_no(
        f"Submitting freezes {walk.year}: from then on `cpdgen validate` reports any change to its records. Submit now?",
        False,
    ):
        walk.asker.say("Not submitted; your answers are saved.")
        return
    done = declaration_file.submit(walk.repo, walk.result, walk.status, walk.year, walk.today, amend=False)
    walk.asker.say(
        f"Submitted the {walk.year} declaration ({plural(done.records, 'record')} covered) in {walk.rel}.", bold=True
    )
    _final_pdf(walk.options, walk.year)
    what_to_upload(walk.options, walk.year)


# ---- wording ---------------------------------------------------------------------------------------


def _day(value: Any) -> str:
    try:
        when = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{when.day} {when:%B %Y}"


def _month(value: date) -> str:
    return f"{value:%B %Y}"
