"""Problems found in a records repository, as the user sees them.

Every stage (loading, schema validation, cross-record rules) reports through
the same `Diagnostic`, so the reporters need to know about one shape only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# What could end a line, drive a terminal or hide: control characters (C0,
# DEL, C1), the Unicode line and paragraph separators, the invisible format
# characters (zero-width spaces and joiners, bidirectional overrides that
# reorder what a line shows, the byte-order mark), and lone surrogates (the
# bytes of a file name that is not UTF-8, which no terminal can print). The
# tab is kept: it ends no line.
_UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r"}


def one_line(text: str) -> str:
    """`text` with every character that could break a line (or drive a
    terminal) written as an escape, `\\n`, `\\x1b`, `\\u2028`: a value
    quoted in a message can never forge a second line. A lone surrogate
    from a file name that is not UTF-8 is shown as the byte it stands for."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for a byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _text(text: str) -> str:
    return _SURROGATE.sub(_escape, text)


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
        """`file:line:column:`, as compilers and editors write a place (on one line)."""
        return f"{one_line(self.file)}:{self.line}:{self.column}:"

    @property
    def shown_message(self) -> str:
        """The message as a line of text shows it: on one line, whatever values it quotes."""
        return one_line(self.message)

    def text(self) -> str:
        """The one-line form every reporter prints: `file:line:column: error: message`."""
        return f"{self.location} {self.severity.value}: {self.shown_message}"

    def as_dict(self) -> dict:
        """For JSON: as written, but a name's bytes that are not UTF-8 shown as
        escapes (JSON text cannot hold them)."""
        return {"file": _text(self.file), "line": self.line, "column": self.column, "message": _text(self.message)}


def error(file: str, line: int, column: int, message: str) -> Diagnostic:
    return Diagnostic(file, line, column, message, Severity.ERROR)


def warning(file: str, line: int, column: int, message: str) -> Diagnostic:
    return Diagnostic(file, line, column, message, Severity.WARNING)
