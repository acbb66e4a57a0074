"""Start-up stays light: an up-to-date database opens without importing alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from send_desktop.store import Database
from send_desktop.store.database import alembic_config, revisions


def test_revisions_read_from_the_scripts_equal_alembics() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    found = revisions()
    assert found.head == script.get_current_head()
    assert found.known == {rev.revision for rev in script.walk_revisions()}


_PROBE = """
import sys
from send_desktop.store import Database
db = Database.open(sys.argv[1], "probe")
print(db.current_revision(), "alembic" in sys.modules)
db.close()
"""


def _open_in_fresh_process(target: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, target], capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_a_database_at_head_opens_without_alembic(tmp_path: Path) -> None:
    target = str(tmp_path / "cases.sqlite3")
    # A new file is migrated, which needs alembic...
    assert _open_in_fresh_process(target) == [str(revisions().head), "True"]
    # ...and once it is at head, opening it again does not.
    assert _open_in_fresh_process(target) == [str(revisions().head), "False"]


def test_current_revision_is_read_with_plain_sql(db: Database) -> None:
    assert db.current_revision() == revisions().head
