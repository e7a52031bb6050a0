"""Tables: one shape for everything cpdgen shows as a table, so that every
table can also be had as CSV (`--format csv`) for a spreadsheet.

A `Table` holds raw values; the terminal rendering (rich) shows the brief
columns with values formatted for people, the CSV every column with values
as they are (numbers as numbers, lists joined with '; ')."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str  # the CSV header
    label: str  # the terminal header
    numeric: bool = False
    brief: bool = True  # shown on the terminal (CSV has every column)
    show: Callable[[Any], str] | None = None  # how a person sees a value


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    last_row_is_total: bool = False
    empty: str = "(none)"


# A cell a spreadsheet would run as a formula; written with a leading ' so it
# stays text (OWASP's advice against CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(csv_value(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.key for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(value) for value in row])
    return out.getvalue()


def _shown(column: Column, value: Any) -> str:
    if column.show is not None and value is not None:
        return column.show(value)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def to_terminal(tables: Sequence[Table], notes: Sequence[str] = (), *, color: bool) -> str:
    """The tables (and notes under them) as a person reads them."""
    from rich import box
    from rich.console import Console
    from rich.table import Table as RichTable

    out = io.StringIO()
    console = Console(
        file=out,
        width=max(60, min(shutil.get_terminal_size((100, 24)).columns, 160)),
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
    )
    for index, table in enumerate(tables):
        if index:
            console.print()
        brief = [(position, column) for position, column in enumerate(table.columns) if column.brief]
        console.print(table.title, style="bold")  # above the table, not wrapped to its width
        shown = RichTable(box=box.HORIZONTALS, show_edge=False, pad_edge=False)
        for _, column in brief:
            shown.add_column(column.label, justify="right" if column.numeric else "left", overflow="fold")
        for row_index, row in enumerate(table.rows):
            is_total = table.last_row_is_total and row_index == len(table.rows) - 1
            if is_total:
                shown.add_section()
            shown.add_row(
                *(_shown(column, row[position]) for position, column in brief), style="bold" if is_total else None
            )
        if table.rows:
            console.print(shown)
        else:
            console.print(f"  {table.empty}")
    for note in notes:
        console.print(note)
    return "\n".join(line.rstrip() for line in out.getvalue().rstrip("\n").splitlines())
