"""Logging: one rotating file in the user log folder, owner-only, never any case data.

Log messages name record ids and counts, never a child's name, date of birth or UPN.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from send_desktop import paths

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_configured = False


def log_file() -> Path:
    return paths.log_dir() / "send-desktop.log"


def setup_logging(level: int = logging.INFO, to_stderr: bool = False) -> Path:
    """Route the root logger to the rotating log file (idempotent)."""
    global _configured
    target = log_file()
    if _configured:
        return target
    handler = logging.handlers.RotatingFileHandler(
        target, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    if to_stderr:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        stream.setLevel(logging.WARNING)
        root.addHandler(stream)
    if os.name == "posix":
        os.chmod(target, 0o600)
    _configured = True
    return target
