"""Errors the user can fix, as opposed to bugs in cpdgen.

The CLI prints a `UserError` as a one-line message (exit status from the
error); anything else that escapes is an internal error, reported as such.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or setup, explained in plain words."""

    exit_code = 1


class UsageError(UserError):
    """The command was called wrongly (exit status 2)."""

    exit_code = 2
