"""Screenshots of the breach confirmation, a breached step and the date field's error (issue 12).

Run as `QT_QPA_PLATFORM=offscreen python scripts/breach_screenshots.py`; writes
docs/screenshots/breach-confirmation.png, breached-step.png and date-field-error.png.
The data is made up (a test child), in a temporary database.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
AS_OF = date(2025, 6, 2)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="send-breach-") as tmp:
        os.environ["SEND_DESKTOP_HOME"] = tmp
        from PySide6.QtCore import QTimer
        from PySide6.QtTest import QTest

        from send_desktop.gui.app import create_application
        from send_desktop.gui.case_data import load_case
        from send_desktop.gui.case_window import CaseWindow
        from send_desktop.gui.record_event import RecordEventDialog
        from send_desktop.gui.request_dialog import NewRequestDialog
        from send_desktop.store import Database
        from send_desktop.store.cases import ChildDetails, add_advice_request, create_case
        from send_desktop.store.queries import add_caseworker

        app = create_application(["screenshots"])
        db = Database.open(str(Path(tmp) / "shots.sqlite3"), "Priya Shah")
        with db.session() as session:
            worker = add_caseworker(session, "setup", "Priya Shah").id
            case_id = create_case(
                session,
                "Priya Shah",
                child=ChildDetails("Test", "Child", date(2016, 3, 14)),
                request_received=date(2025, 1, 6),
                decision_to_assess=date(2025, 2, 3),
                decision_outcome="assess",
                draft_served=date(2025, 3, 31),
                caseworker_id=worker,
                as_of=AS_OF,
            ).id
            add_advice_request(
                session,
                case_id,
                "Priya Shah",
                kind="EP",
                requested=date(2025, 2, 4),
                received=date(2025, 3, 10),
                as_of=AS_OF,
            )
        OUT.mkdir(parents=True, exist_ok=True)
        with db.session() as session:
            snapshot = load_case(session, case_id)
        dialog = RecordEventDialog(db, "Priya Shah", snapshot, AS_OF, event="final")
        dialog.show()
        dialog.ui.dateEdit.set_value(date(2025, 3, 31))

        def shoot_confirmation() -> None:
            confirm = dialog.breach_dialog
            confirm.reason_edit.setPlainText(
                "The parent asked in writing for the plan to be finalised straight away."
            )
            app.processEvents()
            confirm.grab().save(str(OUT / "breach-confirmation.png"))
            confirm.record_button.click()

        QTimer.singleShot(200, shoot_confirmation)
        dialog.save()
        window = CaseWindow(db, "Priya Shah", case_id, AS_OF)
        window.resize(1200, 720)
        window.show()
        model = window.steps_table.model()
        for row in range(model.rowCount()):
            if model.index(row, 0).data() == "Final EHC plan issued":
                window.steps_table.selectRow(row)
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(OUT / "breached-step.png"))
        window.close()

        request = NewRequestDialog(db, "Priya Shah", AS_OF)
        request.show()
        QTest.keyClicks(request.ui.firstNameEdit, "Test")
        QTest.keyClicks(request.ui.lastNameEdit, "Child")
        QTest.keyClicks(request.ui.dateOfBirthEdit.edit, "31/02/2017")
        request.ui.dateOfBirthEdit.show_error()
        request.save_button.click()
        for _ in range(5):
            app.processEvents()
        request.grab().save(str(OUT / "date-field-error.png"))
        request.close()
        db.engine.dispose()
    for name in ("breach-confirmation", "breached-step", "date-field-error"):
        print(OUT / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
