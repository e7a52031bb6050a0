"""`cpdgen new KIND`: a new record file, from options or, on a terminal, prompts.

One subcommand per kind, built from the kind's schema when it is first used
(so `cpdgen --help` loads no schema): options, their help and their allowed
values all come from the schema.
"""

from __future__ import annotations

import os
import sys

import click

from cpdgen.cli import Options, echo_problems, global_options
from cpdgen.cli.ask import Asker
from cpdgen.common.errors import UserError


class _KindGroup(click.Group):
    """`new`'s subcommands, one per kind, made on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from cpdgen.authoring.new_record import NEW_KINDS

        return list(NEW_KINDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "declaration" and ctx is not None:
            ctx.fail("a declaration is started with: cpdgen declaration start --year YEAR")
        if name not in self.list_commands(ctx):
            return None
        return _kind_command(name)


@click.group(cls=_KindGroup, short_help="Write a new record file, from options or prompts.")
@global_options
def new() -> None:
    """Write a new record file: KIND is activity, training, qualification,
    employment, objective or profile.

    Give the values as options (see `cpdgen new KIND --help`), or run it on a
    terminal to be asked for them. The file is named after the record's date
    and title (records/activities/2025/2025-03-14-iet-lecture.yaml), starts
    with a modeline that lets editors complete and check it, is checked before
    it is written, and never replaces a file.
    """


def _kind_command(kind_name: str) -> click.Command:
    from cpdgen.authoring import new_record
    from cpdgen.authoring.human_input import DATE_HELP
    from cpdgen.model.kinds import BY_NAME

    kind = BY_NAME[kind_name]

    @click.pass_context
    def callback(ctx: click.Context, interactive: bool | None, **values) -> None:
        _new(ctx.find_object(Options) or Options(), kind_name, interactive, values)

    # Listed in --help in this order: the fields, then how to ask, then the global options.
    function = global_options(callback)
    function = click.option(
        "--interactive/--no-interactive",
        default=None,
        help="Ask for the values not given as options (default: when input is a terminal).",
    )(function)
    for field in reversed(new_record.fields(kind_name)):
        function = _option(kind_name, field)(function)
    asked = ", ".join(f.option for f in new_record.prompted_fields(kind_name))
    required = ", ".join(f.option for f in new_record.fields(kind_name) if f.required)
    help_text = (
        f"Write a new record file: {new_record.DESCRIBED[kind_name]}.\n\n"
        f"Required: {required}. On a terminal (or with --interactive), asks for {asked} unless given"
        + (
            ", then the body's reflective questions (outcomes, reflection, competences, objectives), each skippable"
            if kind.counts_hours
            else ""
        )
        + f"; dates are {DATE_HELP}."
    )
    if kind.single:
        help_text += f" Only when the repository has no {kind.folder} yet."
    return click.command(kind_name, help=help_text, short_help=new_record.DESCRIBED[kind_name])(function)


def _option(kind_name: str, field):
    from cpdgen.cli.params import Hours, HumanChoice

    names = (field.option, field.name)
    help_text = field.help + (" Repeat it, or separate values with commas." if field.shape in ("list", "items") else "")
    if field.shape == "flag":
        return click.option(*names, is_flag=True, default=False, help=field.help)
    if field.shape == "choice":
        return click.option(*names, type=HumanChoice(kind_name, field.name), help=help_text)
    if field.name == "hours":
        return click.option(*names, type=Hours(), metavar="HOURS", help=help_text + " E.g. 1.5, 1:30 or 90 min.")
    if field.shape == "number":
        return click.option(*names, type=float, metavar="NUMBER", help=help_text)
    if field.shape == "integer":
        return click.option(*names, type=int, help=help_text)
    if field.shape == "date":
        return click.option(*names, metavar="DATE", help=help_text)
    if field.shape in ("list", "items"):
        return click.option(*names, multiple=True, metavar="TEXT", help=help_text)
    return click.option(*names, metavar="TEXT", help=help_text)


def _new(options: Options, kind_name: str, interactive: bool | None, values: dict) -> None:
    from cpdgen.authoring import new_record
    from cpdgen.authoring.transaction import WouldBeInvalid
    from cpdgen.validation.settings import load_settings

    repo = options.repository()
    today = options.today
    policy = load_settings(repo)[1]
    try:
        values = new_record.read_values(kind_name, values, today, policy.competences)
    except new_record.OptionError as exc:
        raise click.BadParameter(exc.reason, param_hint=exc.option) from None
    new_record.refuse_second_profile(repo, kind_name)
    if interactive is None:
        interactive = _is_terminal()
    asker = Asker(err=True, color=options.color(sys.stderr))
    if interactive:
        _ask(asker, kind_name, values, today)
        _ask_reflection(asker, repo, kind_name, values, policy)
    record = new_record.prepare(repo, kind_name, values, today)
    try:
        target = new_record.write(repo, record)
    except WouldBeInvalid as exc:
        echo_problems(exc.problems)
        raise UserError(f"{record.rel} would not be valid, so it was not kept") from None
    if not options.quiet:
        click.echo(os.path.relpath(target, options.cwd))
        _what_an_assessor_reads(asker, kind_name, record.data, policy)
        if not new_record.has_schemas_folder(repo, kind_name):
            click.echo(
                "note: the repository has no schemas/ folder for editors; write it with 'cpdgen schema'", err=True
            )


def _is_terminal() -> bool:
    return sys.stdin.isatty()


def _ask(asker: Asker, kind_name: str, values: dict, today) -> None:
    """Prompt for the prompted fields not given as options."""
    from cpdgen.authoring import new_record

    for field in new_record.prompted_fields(kind_name):
        given = values.get(field.name)
        if given not in (None, (), ""):
            continue
        if field.shape == "choice" and field.choice_help:
            asker.say(f"{field.label}:")
            for choice, described in zip(field.choices, field.choice_help):
                asker.say(f"  {choice:<16} {described}")
        default = _prompt_default(kind_name, field, values, today)
        answer = asker.value(_prompt_text(kind_name, field), _Answer(kind_name, field, today), default or None)
        # An accepted default is left to the schema, as when the option is not given.
        values[field.name] = answer if answer not in ("", None, field.default) else None


def _ask_reflection(asker: Asker, repo, kind_name: str, values: dict, policy) -> None:
    """The body's reflective questions (the policy's guide), each skippable:
    what was learned, how it was applied, the competences, the objective."""
    from cpdgen.authoring import new_record

    guide = policy.guide
    names = {field.name for field in new_record.fields(kind_name)}
    if guide is None:
        return
    for question in guide.record:
        if question.field not in names or values.get(question.field) not in (None, (), ""):
            continue
        if question.field in ("outcomes", "reflection"):
            asker.say("")
            values[question.field] = asker.text(
                f"{question.ask} (an empty line ends; Enter at once skips)", question.hints
            )
        elif question.field == "competences" and policy.competences is not None:
            values["competences"] = _ask_competences(asker, question, policy.competences)
        elif question.field == "objectives":
            values["objectives"] = _ask_objectives(asker, repo, question, values)


def _ask_competences(asker: Asker, question, framework) -> tuple[str, ...]:
    from cpdgen.authoring.human_input import parse_competences

    asker.say("")

    def convert(text: str) -> tuple[str, ...] | None:
        if text == "?":
            return None
        return tuple(parse_competences([text], framework))

    while True:
        codes = asker.value(f"{question.ask} Codes such as A1 E3; ? lists them; Enter skips", convert, None)
        if codes is not None:
            return codes
        for area in framework.areas:
            asker.say(f"  {area.key}  {area.title}")
            for competence in area.competences:
                asker.say(f"     {competence.code}  {competence.title}")


def _ask_objectives(asker: Asker, repo, question, values: dict) -> tuple[str, ...]:
    """A choice among the objectives open in the record's year, by number."""
    from datetime import date

    from cpdgen.compute.year import objective_open_in
    from cpdgen.validation.repository import validate_repository

    start = values.get("start")
    year = date.fromisoformat(start).year if isinstance(start, str) else None
    objectives = [o for o in validate_repository(repo).records.objectives if year is None or objective_open_in(o, year)]
    if not objectives:
        return ()
    asker.say("")
    asker.say(question.ask)
    for number, objective in enumerate(objectives, 1):
        asker.say(f"  {number}. {objective.title}")

    def convert(text: str) -> tuple[str, ...]:
        chosen = []
        for part in text.replace(",", " ").split():
            if not part.isdigit() or not 1 <= int(part) <= len(objectives):
                raise ValueError(f"give numbers from the list (1 to {len(objectives)}), or Enter to skip")
            chosen.append(objectives[int(part) - 1].id)
        return tuple(dict.fromkeys(chosen))

    return asker.value("Numbers (e.g. 1 3); Enter skips", convert, None)


def _what_an_assessor_reads(asker: Asker, kind_name: str, data: dict, policy) -> None:
    """After writing a CPD record: which of the body's questions it answers."""
    from cpdgen.authoring import new_record
    from cpdgen.compute.assessor import answered

    guide = policy.guide
    names = {field.name for field in new_record.fields(kind_name)}
    if guide is None or not {q.field for q in guide.record} <= names:
        return
    found = answered(data, guide)
    asker.say("An assessor reading it will find:")
    for answer in found:
        mark = "✓" if answer.answered else "✗ no word on"
        detail = ""
        if answer.answered and answer.question.field == "competences" and policy.competences is not None:
            detail = ": " + ", ".join(f"{code} {policy.competences.title(code)}" for code in answer.value)
        asker.say(f"  {mark} {answer.question.missing}{detail}")
    missing = [answer.question.field for answer in found if not answer.answered]
    if missing:
        asker.say(
            f"Add {'it' if len(missing) == 1 else 'them'} to the file when you can ({', '.join(f'{name}:' for name in missing)})."
        )


def _prompt_text(kind_name: str, field) -> str:
    from cpdgen.authoring.new_record import BLANK_MEANS

    text = field.label
    if field.shape == "choice":
        text += f" ({', '.join(field.choices)})"
    if (kind_name, field.name) in BLANK_MEANS:
        text += f" (blank: {BLANK_MEANS[kind_name, field.name]})"
    elif not field.required and field.default is None:
        text += " (optional)"
    return text


def _prompt_default(kind_name: str, field, values: dict, today) -> str | None:
    if field.shape == "date" and field.required:
        return today.isoformat()
    if field.shape == "choice" and field.default:
        return field.default
    return None if field.required else ""


class _Answer:
    """An answer to a prompt, read as the option would be (`human_input`):
    choices (any case, a label, a synonym, an unambiguous beginning), dates
    (14/03/2025, today), hours (1:30, 90 min), and the field's own schema.
    Raises ValueError in plain words, and the prompt asks again."""

    def __init__(self, kind_name: str, field, today):
        self.kind_name = kind_name
        self.field = field
        self.today = today

    def __call__(self, text: str):
        from cpdgen.authoring import human_input, new_record

        field = self.field
        if text == "":
            if field.required:
                raise ValueError(f"{field.label.lower()} is required")
            return ""
        if field.shape == "choice":
            return human_input.parse_choice(self.kind_name, field.name, text)
        if field.shape == "date":
            return human_input.parse_date(text, self.today)
        if field.shape in ("number", "integer"):
            if field.name == "hours":
                number = human_input.parse_hours(text)
            else:
                try:
                    number = float(text) if field.shape == "number" else int(text)
                except ValueError:
                    raise ValueError(f"'{text}' is not a number") from None
            problems = new_record.check_value(self.kind_name, field.name, number)
            if problems:
                raise ValueError(problems[0])
            return number
        if field.shape in ("list", "items"):
            return (text,)
        return text
