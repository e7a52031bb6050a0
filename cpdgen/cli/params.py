"""Option types for values a person types, read by `authoring.human_input`
as everywhere else they type them (a seminar is an event, 1:30 is an hour
and a half), with shell completion of a schema's choices."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import click
from click.shell_completion import CompletionItem


class HumanChoice(click.ParamType):
    """A choice of a schema's enum values, read tolerantly (any case, its
    label, a synonym, an unambiguous beginning); the values are read from the
    schema only when first needed, so loading the command line stays light.
    Completes in shells like click.Choice."""

    name = "choice"

    def __init__(self, kind_name: str, field_name: str) -> None:
        self.kind_name = kind_name
        self.field_name = field_name

    @cached_property
    def choice(self) -> click.Choice:
        from cpdgen.authoring.human_input import choices

        return click.Choice(choices(self.kind_name, self.field_name))

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.choice.choices)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from cpdgen.authoring.human_input import parse_choice

        try:
            return parse_choice(self.kind_name, self.field_name, str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str | None:
        return "[" + "|".join(self.choice.choices) + "]"

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        return self.choice.shell_complete(ctx, param, incomplete)


class Hours(click.ParamType):
    """Hours as people write them: 1.5, 1:30, 90 min, 1h30."""

    name = "hours"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from cpdgen.authoring.human_input import parse_hours

        if isinstance(value, (int, float)):
            return value
        try:
            return parse_hours(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
