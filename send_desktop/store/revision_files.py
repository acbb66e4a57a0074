"""The schema revisions read from the migration scripts' own lines, without alembic or SQLAlchemy.

Both the open path (store/database.revisions, which asks alembic when a script is written some
other way) and the plain-sqlite3 first page (store/first_page, which must not load SQLAlchemy)
read the head here, so a new migration is the only file that names it. The scripts are found
where paths.migrations_dir() finds them: a source checkout, an installed wheel's _data/db, or
the PyInstaller bundle's db/ (build.spec).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from send_desktop import paths


class Revisions(NamedTuple):
    """The schema revisions this program knows, and the one it migrates to."""

    known: frozenset[str]
    head: str | None


# `revision = "0002"` and `down_revision = "0001"` (or None, or a tuple when branches merge).
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


@lru_cache(maxsize=1)
def from_scripts() -> Revisions | None:
    """The revisions and the one head, read from db/versions/*.py; None when a script is written
    some other way, there are none, or they do not end in exactly one head (alembic decides)."""
    known: set[str] = set()
    replaced: set[str] = set()
    for script in sorted((paths.migrations_dir() / "versions").glob("*.py")):
        source = script.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        down = _DOWN_REVISION.search(source)
        if found is None or down is None:
            return None
        known.add(found.group(1))
        replaced.update(_QUOTED.findall(down.group(1)))
    heads = known - replaced
    if not known or len(heads) != 1:
        return None
    return Revisions(frozenset(known), heads.pop())
