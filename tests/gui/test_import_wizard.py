"""The import wizard (mapping change, dry run, import, result kept) and the export's options."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from send_desktop.gui.caseload import Scope
from send_desktop.gui.import_wizard import ImportWizard
from send_desktop.gui.main_window import MainWindow
from send_desktop.gui.workers import wait_for_workers
from send_desktop.store import Database
from send_desktop.store.demo import make_demo
from send_desktop.store.models import Case, Caseworker
from send_desktop.workbooks.data_sheets import CASES_SHEET

AS_OF = date(2025, 6, 2)
SHOTS = os.environ.get("SEND_DESKTOP_WIZARD_SHOTS")  # a folder: save each page's picture


def _tracker(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Our tracker"
    # "Logged" is not a header the import knows: the user maps it to the request date.
    sheet.append(["Case ref", "Child", "Date of birth", "Logged", "Officer", "Shoe size"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _shot(wizard: ImportWizard, name: str) -> None:
    if SHOTS:
        wizard.grab().save(str(Path(SHOTS) / f"import-wizard-{name}.png"))


def _cases(db: Database) -> int:
    with db.session() as session:
        return session.execute(select(func.count(Case.id))).scalar_one()


def test_wizard_mapping_change_dry_run_import_and_result(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    path = _tracker(
        tmp_path / "tracker.xlsx",
        [
            ["EHC-W-1", "Jane Smith", "14/03/2015", "06/01/2025", "Priya Shah", 4],
            ["EHC-W-2", "Tom Jones", "01/07/2014", "03/02/2025", "Priya Sha", 5],
        ],
    )
    wizard = ImportWizard(sqlite_db, "Wizard User")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path_edit.setText(str(path))
    assert wizard.file_page.isComplete()
    _shot(wizard, "1-file")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=20000)
    page = wizard.mapping_page
    assert "sheet <b>Our tracker</b>, header row <b>1</b>" in page.found.text()
    assert "request_received" not in wizard.plan.mapping  # type: ignore[union-attr]
    assert "Logged" in page.ignored.text() and "Shoe size" in page.ignored.text()
    page.choose("request_received", "Logged")
    assert page.hand_mapping() == {"request_received": "Logged"}
    _shot(wizard, "2-columns")
    wizard.next()
    dry = wizard.dry_run_page
    qtbot.waitUntil(lambda: wizard.currentPage() is dry and dry.result is not None, timeout=20000)
    assert wizard.plan is not None and wizard.plan.mapping["request_received"] == 3
    assert dry.isComplete()
    text = dry.details.toPlainText()
    assert "Would create 2 cases" in text
    assert "new caseworker: Priya Sha (looks like Priya Shah" in text
    assert "column F (Shoe size): not a column the import knows" in text
    assert _cases(sqlite_db) == 0  # a dry run writes nothing
    _shot(wizard, "3-dry-run")
    imported: list[object] = []
    wizard.imported.connect(imported.append)
    wizard.next()  # the commit button: Import
    result_page = wizard.result_page
    qtbot.waitUntil(lambda: result_page.done, timeout=20000)
    assert "Imported." in result_page.headline.text()
    assert "2 cases created" in result_page.headline.text()
    assert "Created 2 cases" in result_page.details.toPlainText()
    assert imported and _cases(sqlite_db) == 2
    with sqlite_db.session() as session:
        names = set(session.execute(select(Caseworker.name)).scalars())
    assert names == {"Priya Shah", "Priya Sha"}
    _shot(wizard, "4-result")
    # The result stays: nothing replaces it until the user closes the wizard.
    qtbot.wait(200)
    assert wizard.isVisible() and "Imported." in result_page.headline.text()
    wizard.close()
    wait_for_workers()


def test_wizard_shows_every_problem_and_refuses_to_import(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "Case ref,Child,Date of birth,Request received\n"
        "EHC-B-1,Ann Bee,31/02/2014,06/01/2025\n"
        "EHC-B-2,Cal Dee,01/02/2014,01/01/2029\n",
        encoding="utf-8",
    )
    wizard = ImportWizard(sqlite_db, "Wizard User")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path_edit.setText(str(path))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=20000)
    wizard.next()
    dry = wizard.dry_run_page
    qtbot.waitUntil(lambda: dry.result is not None, timeout=20000)
    assert not dry.isComplete()  # Import stays disabled
    assert "2 errors" in dry.headline.text()
    text = dry.details.toPlainText()
    assert "row 2, column C (Date of birth): '31/02/2014' is not a real date" in text
    assert "row 3, column D (Request received): Request received: 01/01/2029 is more" in text
    _shot(wizard, "3-dry-run-problems")
    report = wizard.save_report(tmp_path / "problems.xlsx")
    assert load_workbook(report)["Problems"].max_row == 3
    assert _cases(sqlite_db) == 0
    wizard.close()
    wait_for_workers()


def test_wizard_reads_an_exported_workbook_from_its_data_sheets(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    from send_desktop.workbooks.export import export_caseload

    make_demo(sqlite_db, cases=40, seed=3, as_of=AS_OF, force=True)
    out = tmp_path / "supervision.xlsx"
    export_caseload(sqlite_db, out, as_of=AS_OF, user="Lead")
    fresh = Database.open(str(tmp_path / "fresh.sqlite3"), "Fresh")
    try:
        wizard = ImportWizard(fresh, "Fresh")
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.file_page.path_edit.setText(str(out))
        wizard.next()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.mapping_page, timeout=20000)
        assert wizard.plan is not None and wizard.plan.sheet == CASES_SHEET
        assert "exported by SEND Desktop" in wizard.mapping_page.found.text()
        assert not wizard.mapping_page.table.isEnabled()
        _shot(wizard, "2-columns-own-workbook")
        wizard.next()
        qtbot.waitUntil(lambda: wizard.dry_run_page.result is not None, timeout=20000)
        assert "Would create 40 cases" in wizard.dry_run_page.details.toPlainText()
        wizard.close()
        wait_for_workers()
    finally:
        fresh.close()


@pytest.fixture
def window(qtbot: QtBot, sqlite_db: Database) -> MainWindow:
    make_demo(sqlite_db, cases=60, seed=5, as_of=AS_OF, force=True)
    main = MainWindow(sqlite_db, "Team Leader", as_of=AS_OF, load=False)
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.caseload_loaded, timeout=20000):
        main.reload()
    main.scope_combo.setCurrentIndex(main.scope_combo.findData(Scope.EVERYONE))  # filters in memory
    assert main.model.visible_rows()
    return main


def test_export_pseudonymise_option(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = window.export_workbook()
    out = tmp_path / "shared.xlsx"
    dialog.path_edit.setText(str(out))
    dialog.pseudonymise.setChecked(True)
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "export-options.png"))
    dialog.accept()
    qtbot.waitUntil(lambda: hasattr(window, "last_export"), timeout=20000)
    book = load_workbook(out, read_only=True)
    try:
        assert CASES_SHEET not in book.sheetnames  # no data sheets in a shared workbook
        refs = [r[0] for r in book["Caseload"].iter_rows(min_row=2, values_only=True)]
        header = next(book["Caseload"].iter_rows(max_row=1, values_only=True))
    finally:
        book.close()
    assert refs and all(isinstance(r, str) and r.startswith("P-") for r in refs)
    assert "Date of birth" not in header and "UPN" not in header
    wait_for_workers()


def test_export_asks_before_replacing_a_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "existing.xlsx"
    out.write_bytes(b"keep me")
    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton) -> object:
        def question(_parent: object, _title: str, text: str, *_args: object) -> object:
            asked.append(text)
            return reply

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    dialog = window.export_workbook()
    dialog.path_edit.setText(str(out))
    dialog.accept()
    assert asked and "existing.xlsx already exists" in asked[0]
    assert dialog.isVisible() and out.read_bytes() == b"keep me"
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    dialog.accept()
    qtbot.waitUntil(lambda: hasattr(window, "last_export"), timeout=20000)
    assert out.read_bytes()[:2] == b"PK"
    book = load_workbook(out, read_only=True)
    try:
        assert CASES_SHEET in book.sheetnames  # an ordinary export carries its data sheets
    finally:
        book.close()
    wait_for_workers()
