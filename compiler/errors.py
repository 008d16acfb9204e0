"""What every user-facing refusal has in common: one base class and one set of exit codes.

A ``UserError``'s message is a Chinese sentence for the clerk; it carries the exit code the command
ends with and the HTTP status a page answers with, so the command line, the local page and the
server each turn it into their own form in one place (``cli.main``, the web error handlers)."""

from __future__ import annotations

from pathlib import Path
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


def log_folder() -> Path:
    """Where nianbao writes the log of an internal error: the user's temporary folder (on Windows
    %TEMP%\\nianbao\\logs), which needs no rights and is the first place a maintainer asks for."""
    import tempfile

    return Path(tempfile.gettempdir()) / "nianbao" / "logs"


def log_internal_error(exc: BaseException, context: str = "") -> Path | None:
    """Write ``exc``'s traceback (and what was being done) to a new log file; its path, or None when even
    that failed.  The user is shown a sentence and this path, never the traceback."""
    import datetime
    import os
    import sys
    import traceback

    from . import __version__

    try:
        folder = log_folder()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = folder / f"nianbao-{stamp}-{os.getpid()}.log"
        text = (f"nianbao {__version__}, Python {sys.version.split()[0]}, {sys.platform}\n"
                f"{context}\n\n" + "".join(traceback.format_exception(exc)))
        path.write_text(text, encoding="utf-8", errors="backslashreplace")
        return path
    except OSError:
        return None
