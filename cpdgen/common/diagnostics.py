"""Problems found in a records repository, as the user sees them.

Every stage (loading, schema validation, cross-record rules) reports through
the same `Diagnostic`, so the reporters need to know about one shape only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at a place in a file. `file` is repo-relative, POSIX style;
    `line` and `column` are 1-based (1:1 for problems with a whole file)."""

    file: str
    line: int
    column: int
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def location(self) -> str:
        """`file:line:column:`, as compilers and editors write a place."""
        return f"{self.file}:{self.line}:{self.column}:"

    def text(self) -> str:
        """The one-line form every reporter prints: `file:line:column: error: message`."""
        return f"{self.location} {self.severity.value}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "message": self.message}


def error(file: str, line: int, column: int, message: str) -> Diagnostic:
    return Diagnostic(file, line, column, message, Severity.ERROR)


def warning(file: str, line: int, column: int, message: str) -> Diagnostic:
    return Diagnostic(file, line, column, message, Severity.WARNING)
