"""Made-up cases for trying the program: offered at first run and from the empty caseload.

Its own module so that the main window does not import the start-up module (which imports it).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QMessageBox, QWidget

from send_desktop.gui.workers import Progress, progress_dialog, run_in_background
from send_desktop.store import Database, queries

DEMO_CASES = 500  # the same as `send-desktop demo` and the user guide


def case_count(db: Database) -> int:
    with db.session() as session:
        return queries.case_count(session)


def demo_refusal(existing: int) -> str:
    return (
        f"This database already holds {existing:,} cases, so no demo cases were added: made-up "
        "cases go only into an empty database, never beside real ones. To try the program, "
        "choose a new database file in File > Settings and start it again."
    )


def add_demo_cases(window: object, db: Database, cases: int = DEMO_CASES) -> None:
    """Made-up cases for trying the program, written in the background."""
    from send_desktop.store.demo import make_demo

    parent = window if isinstance(window, QWidget) else None
    existing = case_count(db)
    if existing:
        QMessageBox.information(parent, "Demo cases", demo_refusal(existing))
        return

    def job(progress: Progress) -> int:
        make_demo(db, cases=cases, seed=2025, as_of=date.today())
        return cases

    dialog = progress_dialog(parent, "Demo data", f"Writing {cases} made-up cases...")
    run_in_background(
        job,
        on_success=lambda _n: window.reload(),  # type: ignore[attr-defined]
        progress_dialog=dialog,
    )
