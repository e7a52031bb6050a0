"""Asking a person, on a terminal or from piped input: choices by letter,
number or the beginning of a word, yes or no, dates and hours as people
write them, text of several lines. Answers are read by
`authoring.human_input`, so they mean what the same words mean as options.
Enter keeps the default, shown in [brackets]."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import click

T = TypeVar("T")


@dataclass(frozen=True)
class Option:
    """One answer to a choice: typed as its letter (the first letter of
    `label` unless given), its number or the beginning of its label."""

    value: Any
    label: str
    letter: str = ""

    @property
    def key(self) -> str:
        return (self.letter or self.label[0]).lower()


class Asker:
    """Prompts on one stream: standard output for a conversation
    (`declaration review`), standard error where standard output carries the
    result (`cpdgen new` prints the file it wrote)."""

    def __init__(self, *, err: bool = False, color: bool = False) -> None:
        self.err = err
        self.color = color

    def say(self, text: str = "", *, wrap: bool = False, **style) -> None:
        """A line (or, with `wrap`, a paragraph wrapped to the terminal, at most 100 columns)."""
        if wrap:
            import shutil
            import textwrap

            width = min(shutil.get_terminal_size((100, 24)).columns, 100)
            text = (
                "\n".join(
                    textwrap.wrap(
                        " ".join(text.split()), width, subsequent_indent="  " if text.startswith(("!", "·")) else ""
                    )
                )
                or text
            )
        click.echo(click.style(text, **style) if self.color and style else text, err=self.err)

    def _prompt(self, text: str, default: str | None, convert: Callable[[str], T]) -> T:
        def value_proc(answer: str) -> T:
            try:
                return convert(answer.strip())
            except ValueError as exc:
                raise click.UsageError(str(exc)) from None

        return click.prompt(
            text,
            default=default if default is not None else "",
            show_default=bool(default),
            err=self.err,
            value_proc=value_proc,
        )

    def choose(self, question: str, options: Sequence[Option], default: Any = None) -> Any:
        """One of `options`: `[a]gree  [c]ancel`, or numbered when the labels are long."""
        keys = [option.key for option in options]
        letters = len(set(keys)) == len(keys)
        default_option = next((o for o in options if o.value == default), None)
        if letters:
            listing = "  ".join(_lettered(option) for option in options)
        else:  # numbered: the list on a line of its own, then the question
            self.say("  " + "   ".join(f"{number} {option.label}" for number, option in enumerate(options, 1)))
            listing = ""

        def convert(answer: str) -> Any:
            if answer == "" and default_option is not None:
                return default_option.value
            lowered = answer.lower()
            if lowered.isdigit() and 1 <= int(lowered) <= len(options):
                return options[int(lowered) - 1].value
            if letters and lowered in keys:
                return options[keys.index(lowered)].value
            starting = [o for o in options if lowered and o.label.lower().startswith(lowered)]
            if len(starting) == 1:
                return starting[0].value
            raise ValueError("choose one of: " + ", ".join(option.label for option in options))

        shown = (default_option.key if letters else str(options.index(default_option) + 1)) if default_option else None
        return self._prompt(f"{question}  {listing}".rstrip(), shown, convert)

    def yes_no(self, question: str, default: bool | None = None) -> bool:
        from cpdgen.authoring.human_input import parse_yes_no

        hint = {True: "[Y/n]", False: "[y/N]", None: "[y/n]"}[default]

        def convert(answer: str) -> bool:
            if answer == "" and default is not None:
                return default
            return parse_yes_no(answer)

        return click.prompt(
            f"{question} {hint}",
            default="",
            show_default=False,
            err=self.err,
            value_proc=lambda answer: _or_usage(convert, answer.strip()),
        )

    def value(self, question: str, convert: Callable[[str], T], default: str | None = None) -> T:
        """An answer read by `convert` (a human_input parser), asked again while it refuses it."""
        return self._prompt(question, default, convert)

    def date(self, question: str, today: date, default: str | None = None, *, optional: bool = False) -> str | None:
        from cpdgen.authoring.human_input import parse_date

        def convert(answer: str) -> str | None:
            if answer == "" and optional:
                return None
            return parse_date(answer, today)

        return self._prompt(question, default, convert)

    def text(self, question: str, hints: Sequence[str] = (), current: str | None = None) -> str | None:
        """Text of several lines, ended by an empty line; an empty first line
        keeps `current` (None: nothing given)."""
        self.say(question)
        if hints:
            self.say("  " + " ".join(hints), dim=True)
        if current:
            self.say("  (Enter on its own keeps what is there; anything else replaces it.)", dim=True)
        lines: list[str] = []
        while True:
            line = click.prompt(" ", default="", show_default=False, err=self.err, prompt_suffix=" ")
            if not line.strip():
                break
            lines.append(line.rstrip())
        if not lines:
            return current
        return "\n".join(lines) + ("\n" if len(lines) > 1 else "")


def _lettered(option: Option) -> str:
    key = option.key
    label = option.label
    if label[:1].lower() == key:
        return f"[{label[0]}]{label[1:]}"
    return f"[{key}] {label}"


def _or_usage(convert: Callable[[str], T], answer: str) -> T:
    try:
        return convert(answer)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
