"""Logging: one rotating file in the user log folder, owner-only, never any case data.

Log messages name record ids and counts, never a child's name, date of birth or UPN; the
text of any exception logged is scrubbed (send_desktop.errors.scrub) on its way in.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path
from typing import Any

from send_desktop import paths
from send_desktop.errors import scrubbed_traceback

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_configured = False


class ScrubbingFormatter(logging.Formatter):
    """Tracebacks with every exception message scrubbed of values (names, dates, postcodes)."""

    def format(self, record: logging.LogRecord) -> str:
        # logging caches the formatted traceback on the record (exc_text); another handler's
        # plain formatter may have filled it first, so never reuse it.
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: Any) -> str:
        exc = ei[1]
        if exc is None:
            return super().formatException(ei)
        return scrubbed_traceback(exc).rstrip("\n")


def log_file() -> Path:
    return paths.log_dir() / "send-desktop.log"


def setup_logging(level: int = logging.INFO, to_stderr: bool = False) -> Path:
    """Route the root logger to the rotating log file (idempotent)."""
    global _configured
    if _configured:
        return log_file()
    # A full disk must not make logging print its own traceback on the terminal.
    logging.raiseExceptions = False
    handler: logging.Handler
    try:
        target = log_file()
        handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        target = Path(os.devnull)
        # A read-only or full log folder must not stop the program saying what is wrong.
        handler = logging.NullHandler()
    handler.setFormatter(ScrubbingFormatter(LOG_FORMAT))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    if to_stderr:
        stream = logging.StreamHandler()
        stream.setFormatter(ScrubbingFormatter("%(levelname)s: %(message)s"))
        stream.setLevel(logging.WARNING)
        root.addHandler(stream)
    if os.name == "posix" and target.is_file():
        os.chmod(target, 0o600)
    _configured = True
    return target
