"""What every user-facing refusal has in common: one base class and one set of exit codes.

A ``UserError``'s message is a Chinese sentence for the clerk; it carries the exit code the command
ends with and the HTTP status a page answers with, so the command line, the local page and the
server each turn it into their own form in one place (``cli.main``, the web error handlers)."""

from __future__ import annotations

from typing import ClassVar

EXIT_OK = 0  # done, nothing wrong
EXIT_ERRORS = 1  # done, and the input has errors (or some files of a batch have)
EXIT_USAGE = 2  # nothing done: the input cannot be read, or the command was called wrongly
EXIT_INTERNAL = 3  # nianbao itself failed (a bug): a sentence and a log file, never a traceback
EXIT_INTERRUPTED = 130  # Ctrl+C


class UserError(Exception):
    """A refusal whose message is for the user (Chinese)."""

    exit_code: ClassVar[int] = EXIT_USAGE
    status: int = 400
