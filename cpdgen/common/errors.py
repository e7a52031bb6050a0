"""Errors the user can fix, as opposed to bugs in cpdgen, and the exit
status of each outcome.

The CLI prints a `UserError` as a one-line message (exit status from the
error); anything else that escapes is an internal error, reported as such.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What `cpdgen` exits with: the one table of exit statuses."""

    OK = 0  # success; for `declaration status`, ready (or submitted)
    FAILED = 1  # invalid records, a declaration not ready, a refused write
    USAGE = 2  # the command was called wrongly
    INTERNAL = 3  # a bug in cpdgen
    OUTPUT_CLOSED = 141  # the reader of the output went away (`| head`), as shells report SIGPIPE
    INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


class UserError(Exception):
    """A problem with the user's input or setup, explained in plain words."""

    exit_code = ExitCode.FAILED


class UsageError(UserError):
    """The command was called wrongly (exit status 2)."""

    exit_code = ExitCode.USAGE
