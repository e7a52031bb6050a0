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
        function = _option(field)(function)
    asked = ", ".join(f.option for f in new_record.prompted_fields(kind_name))
    required = ", ".join(f.option for f in new_record.fields(kind_name) if f.required)
    help_text = (
        f"Write a new record file: {new_record.DESCRIBED[kind_name]}.\n\n"
        f"Required: {required}. On a terminal, asks for {asked} unless given; "
        "dates are YYYY-MM-DD, today or yesterday."
    )
    if kind.single:
        help_text += f" Only when the repository has no {kind.folder} yet."
    return click.command(kind_name, help=help_text, short_help=new_record.DESCRIBED[kind_name])(function)


def _option(field):
    names = (field.option, field.name)
    help_text = field.help + (" Repeat it, or separate values with commas." if field.shape in ("list", "items") else "")
    if field.shape == "flag":
        return click.option(*names, is_flag=True, default=False, help=field.help)
    if field.shape == "choice":
        return click.option(*names, type=click.Choice(field.choices), help=help_text)
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

    repo = options.repository()
    today = options.today
    by_name = {f.name: f for f in new_record.fields(kind_name)}
    for name, value in list(values.items()):
        if value is not None and by_name[name].shape == "date":
            try:
                values[name] = new_record.parse_option_date(value, today)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint=by_name[name].option) from None
    new_record.refuse_second_profile(repo, kind_name)
    if interactive is None:
        interactive = _is_terminal()
    if interactive:
        _ask(kind_name, values, today)
    record = new_record.prepare(repo, kind_name, values, today)
    try:
        target = new_record.write(repo, record)
    except WouldBeInvalid as exc:
        echo_problems(exc.problems)
        raise UserError(f"{record.rel} would not be valid, so it was not kept") from None
    if not options.quiet:
        click.echo(os.path.relpath(target, options.cwd))
        if not new_record.has_schemas_folder(repo, kind_name):
            click.echo(
                "note: the repository has no schemas/ folder for editors; write it with 'cpdgen schema'", err=True
            )


def _is_terminal() -> bool:
    return sys.stdin.isatty()


def _ask(kind_name: str, values: dict, today) -> None:
    """Prompt for the prompted fields not given as options."""
    from cpdgen.authoring import new_record

    for field in new_record.prompted_fields(kind_name):
        given = values.get(field.name)
        if given not in (None, (), ""):
            continue
        if field.shape == "choice" and field.choice_help:
            click.echo(f"{field.label}:", err=True)
            for choice, described in zip(field.choices, field.choice_help):
                click.echo(f"  {choice:<16} {described}", err=True)
        default = _prompt_default(kind_name, field, values, today)
        answer = click.prompt(
            _prompt_text(kind_name, field),
            default=default,
            show_default=bool(default),
            type=_Answer(kind_name, field, today),
            err=True,
        )
        # An accepted default is left to the schema, as when the option is not given.
        values[field.name] = answer if answer not in ("", None, field.default) else None


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


class _Answer(click.ParamType):
    """An answer to a prompt, checked as the option would be: choices (any
    case, or an unambiguous beginning), dates (YYYY-MM-DD, today, yesterday),
    numbers, and the field's own schema."""

    name = "answer"

    def __init__(self, kind_name: str, field, today):
        self.kind_name = kind_name
        self.field = field
        self.today = today

    def convert(self, value, param, ctx):
        from cpdgen.authoring import new_record

        field = self.field
        text = str(value).strip()
        if text == "":
            if field.required:
                self.fail(f"{field.label.lower()} is required")
            return ""
        if field.shape == "choice":
            return self._choice(text)
        if field.shape == "date":
            try:
                return new_record.parse_option_date(text, self.today)
            except ValueError as exc:
                self.fail(str(exc))
        if field.shape in ("number", "integer"):
            try:
                number = float(text) if field.shape == "number" else int(text)
            except ValueError:
                self.fail(
                    f"'{text}' is not a number"
                    + (": write 1.5 for an hour and a half" if field.name == "hours" else "")
                )
            problems = new_record.check_value(self.kind_name, field.name, number)
            if problems:
                self.fail(problems[0])
            return number
        if field.shape in ("list", "items"):
            return (text,)
        return text

    def _choice(self, text: str) -> str:
        choices = self.field.choices
        lowered = text.lower()
        if lowered in choices:
            return lowered
        starting = [choice for choice in choices if choice.startswith(lowered)]
        if len(starting) == 1:
            return starting[0]
        from cpdgen.authoring.csv_import import match_choice  # "Seminar" is an event, as in a spreadsheet

        tolerant = match_choice(self.kind_name, self.field.name, text)
        if tolerant is not None:
            return tolerant
        self.fail(f"choose one of: {', '.join(choices)}")
