# mypy: disable-error-code="no-untyped-call"
"""Importing a tracker step by step: the file, the columns found, a dry run, then the import.

Nothing is written until the last page: the mapping page shows the sheet, header row and the
column each field was read from (change any of them), the dry run shows what would change and
every problem at once, and the result stays on screen until the user closes the wizard. The
reading, checking and writing run off the GUI thread (gui.workers); the Next button waits.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from send_desktop.errors import KnownError
from send_desktop.gui.workers import Progress, run_in_background
from send_desktop.store import Database
from send_desktop.workbooks.headers import FIELDS_BY_KEY, MAPPABLE_FIELDS
from send_desktop.workbooks.importer import (
    ImportPlan,
    ImportRefused,
    ImportResult,
    apply_import,
    iter_problem_lines,
    plural,
    read_tracker,
    write_import_report,
)

log = logging.getLogger(__name__)

FILE_FILTER = "Trackers (*.xlsx *.csv);;Excel workbook (*.xlsx);;CSV file (*.csv)"
NOT_IMPORTED = "(not imported)"


class _Busy(QLabel):
    """The "Working..." line a page shows while its job runs."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__("", parent)
        self.setStyleSheet("color: #555;")


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Choose the tracker")
        about = QLabel(
            "An Excel workbook (.xlsx) or CSV file: a team's tracker, or a supervision workbook "
            "exported by SEND Desktop (which brings every recorded fact with it). Nothing is "
            "written until the last step.",
            self,
        )
        about.setWordWrap(True)
        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText("Choose a file...")
        self.path_edit.textChanged.connect(self.completeChanged)
        browse = QPushButton("&Browse...", self)
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.status = _Busy(self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.reading = False

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a tracker", str(Path.home()), FILE_FILTER
        )
        if path:
            self.path_edit.setText(path)

    def path(self) -> Path:
        return Path(self.path_edit.text().strip())

    def isComplete(self) -> bool:
        text = self.path_edit.text().strip()
        return bool(text) and Path(text).is_file() and not self.reading

    def validatePage(self) -> bool:
        if self.wiz.just_read:
            self.wiz.just_read = False
            return True
        # Read every time: after a dry run the user may have fixed the file and come back.
        self.wiz.read(self.path(), None, None, self)
        return False  # the wizard moves on once the file has been read


class MappingPage(QWizardPage):
    """The sheet, header row and the column each field comes from; every choice can change."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Check the columns")
        self.found = QLabel(self)
        self.found.setWordWrap(True)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(["Field", "Read from column"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.ignored = QLabel(self)
        self.ignored.setWordWrap(True)
        self.ignored.setTextFormat(Qt.TextFormat.PlainText)
        self.status = _Busy(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.found)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.ignored)
        layout.addStretch(0)
        layout.addWidget(self.status)
        self.combos: dict[str, QComboBox] = {}
        self.reading = False

    def initializePage(self) -> None:
        plan = self.wiz.plan
        assert plan is not None
        self.combos.clear()
        if plan.data:
            self.found.setText(
                f"<b>{plan.path.name}</b> is a supervision workbook exported by SEND Desktop. "
                f"Every case and every recorded fact is read from its data sheets "
                f"({plural(plan.rows_read, 'case')}); there is nothing to map."
            )
            self.table.setRowCount(0)
            self.table.setEnabled(False)
            self.table.setVisible(False)
        else:
            where = f"sheet <b>{plan.sheet}</b>, " if plan.sheet else ""
            self.found.setText(
                f"<b>{plan.path.name}</b>: {where}header row <b>{plan.header_row}</b>, "
                f"{plural(plan.rows_read, 'row')} under it. Change a column if it was guessed "
                "wrong; nothing is written yet."
            )
            self.table.setEnabled(True)
            self.table.setVisible(True)
            self.table.setRowCount(len(MAPPABLE_FIELDS))
            choices = [NOT_IMPORTED] + [
                f"{get_column_letter(i + 1)}: {h}" for i, h in enumerate(plan.headers) if h
            ]
            indexes = [None] + [i for i, h in enumerate(plan.headers) if h]
            for row, key in enumerate(MAPPABLE_FIELDS):
                item = QTableWidgetItem(FIELDS_BY_KEY[key].label)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(row, 0, item)
                combo = QComboBox(self.table)
                combo.addItems(choices)
                current = plan.mapping.get(key)
                combo.setCurrentIndex(indexes.index(current) if current in indexes else 0)
                combo.setAccessibleName(FIELDS_BY_KEY[key].label)
                self.table.setCellWidget(row, 1, combo)
                self.combos[key] = combo
            if self.combos:
                # One height for every row: sized to a combo box, not to the label beside it.
                height = next(iter(self.combos.values())).sizeHint().height() + 2
                self.table.verticalHeader().setDefaultSectionSize(height)
                for row in range(self.table.rowCount()):
                    self.table.setRowHeight(row, height)
        ignored = [str(c) for c in plan.ignored] + list(plan.not_carried)
        self.ignored.setText(
            "Not imported:\n"
            + "\n".join(f"  {line}" for line in ignored[:12])
            + (f"\n  ... and {len(ignored) - 12} more" if len(ignored) > 12 else "")
            if ignored
            else ""
        )

    def choose(self, key: str, header: str | None) -> None:
        """Map a field to the column with this header (None: not imported), as a user would."""
        combo = self.combos[key]
        if header is None:
            combo.setCurrentIndex(0)
            return
        for index in range(combo.count()):
            if combo.itemText(index).split(": ", 1)[-1] == header:
                combo.setCurrentIndex(index)
                return
        raise KeyError(header)

    def hand_mapping(self) -> dict[str, str | None]:
        """The fields whose column differs from what was found, as {field: header or None}."""
        plan = self.wiz.plan
        assert plan is not None
        changed: dict[str, str | None] = {}
        for key, combo in self.combos.items():
            text = combo.currentText()
            header = None if text == NOT_IMPORTED else text.split(": ", 1)[1]
            found = plan.mapping.get(key)
            before = plan.headers[found] if found is not None else None
            if header != before:
                changed[key] = header
        return changed

    def isComplete(self) -> bool:
        return not self.reading

    def validatePage(self) -> bool:
        plan = self.wiz.plan
        assert plan is not None
        if self.wiz.just_read:
            self.wiz.just_read = False
            return True
        mapping = self.hand_mapping()
        if not mapping or plan.data:
            return True
        merged = {**self.wiz.mapping, **mapping}
        self.wiz.read(plan.path, merged, plan.sheet, self)
        return False


class DryRunPage(QWizardPage):
    """Every check the import makes, the database's included, then rolled back."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Dry run: what the import would do")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.report_button = QPushButton("Save the list as a &workbook...", self)
        self.report_button.clicked.connect(self.save_report)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result: ImportResult | None = None
        self.checking = False

    def initializePage(self) -> None:
        self.result = None
        self.checking = True
        self.headline.setText("Checking every row with the program's rules...")
        self.details.clear()
        self.completeChanged.emit()
        self.wiz.check(self)

    def show_result(self, result: ImportResult) -> None:
        self.result = result
        self.checking = False
        if result.errors:
            self.headline.setText(
                f"<b>Nothing can be imported yet: {plural(len(result.errors), 'error')}</b> "
                "to fix in the tracker (each below with its row and column). Fix them, save the "
                "file and go Back to read it again."
            )
        else:
            self.headline.setText(
                "<b>Ready to import.</b> Nothing has been written yet; press Import to write "
                "it all in one go."
            )
        lines = result.summary_lines()
        lines += ["", *iter_problem_lines(result.problems)] if result.problems else []
        self.details.setPlainText("\n".join(lines))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.result is not None and not self.result.errors and not self.checking

    def save_report(self) -> None:
        plan = self.wiz.plan
        if plan is None:
            return
        suggested = str(plan.path.with_name(plan.path.stem + "-problems.xlsx"))
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the problems", suggested, "Excel workbook (*.xlsx)"
        )
        if path:
            self.wiz.save_report(Path(path))


class ResultPage(QWizardPage):
    """The import itself; what it did stays here until the wizard is closed."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Import")
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.details, 1)
        self.done = False

    def initializePage(self) -> None:
        self.done = False
        self.headline.setText("Importing...")
        self.completeChanged.emit()
        self.wiz.write(self)

    def show_result(self, result: ImportResult | None, message: str | None = None) -> None:
        self.done = True
        if result is None:
            self.headline.setText(f"<b>Nothing was imported.</b> {message or ''}")
        elif result.cancelled:
            self.headline.setText("<b>Import cancelled:</b> nothing was changed.")
        else:
            self.headline.setText(
                f"<b>Imported.</b> {plural(result.created, 'case')} created, "
                f"{result.updated} updated, {result.unchanged} unchanged."
            )
            lines = result.summary_lines()
            lines += ["", *iter_problem_lines(result.warnings)] if result.warnings else []
            self.details.setPlainText("\n".join(lines))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.done


class ImportWizard(QWizard):
    """File -> columns -> dry run -> import. `imported` fires once the import has been written."""

    imported = Signal(object)  # the ImportResult

    def __init__(self, db: Database, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user = user
        self.setWindowTitle("Import a tracker")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(760, 560)
        self.plan: ImportPlan | None = None
        self.mapping: dict[str, str | None] = {}
        self.import_result: ImportResult | None = None
        self.just_read = False
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.dry_run_page = DryRunPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.dry_run_page, self.result_page):
            self.addPage(page)
        self.jobs = 0

    # -- the work, off the GUI thread ----------------------------------------------------

    def read(
        self,
        path: Path,
        mapping: dict[str, str | None] | None,
        sheet: str | None,
        page: FilePage | MappingPage,
    ) -> None:
        page.reading = True
        page.status.setText(f"Reading {path.name}...")
        page.completeChanged.emit()

        def job(_progress: Progress) -> ImportPlan:
            return read_tracker(path, mapping, sheet=sheet)

        def done(plan: Any) -> None:
            page.reading = False
            page.status.setText("")
            self.plan = plan
            self.mapping = dict(mapping or {})
            self.just_read = True
            page.completeChanged.emit()
            if page is self.mapping_page:
                self.mapping_page.initializePage()
            self.next()

        def failed(exc: BaseException) -> None:
            page.reading = False
            page.status.setText(str(exc) if isinstance(exc, KnownError) else f"Failed: {exc!r}")
            page.completeChanged.emit()
            if not isinstance(exc, KnownError):
                log.error("reading a tracker failed", exc_info=exc)

        self._run(job, done, failed)

    def check(self, page: DryRunPage) -> None:
        plan = self.plan
        assert plan is not None
        db, user = self.db, self.user

        def job(progress: Progress) -> ImportResult:
            try:
                return apply_import(db, plan, user, progress, dry_run=True)
            except ImportRefused as exc:
                if exc.result is None:
                    raise
                return exc.result

        def failed(exc: BaseException) -> None:
            page.checking = False
            page.headline.setText(f"<b>The check failed:</b> {exc}")
            page.completeChanged.emit()

        self._run(job, page.show_result, failed)

    def write(self, page: ResultPage) -> None:
        plan = self.plan
        assert plan is not None
        db, user = self.db, self.user

        def job(progress: Progress) -> ImportResult:
            return apply_import(db, plan, user, progress)

        def done(result: Any) -> None:
            self.import_result = result
            page.show_result(result)
            if not result.cancelled:
                self.imported.emit(result)

        def failed(exc: BaseException) -> None:
            page.show_result(None, str(exc))

        self._run(job, done, failed)

    def _run(self, job: Any, done: Any, failed: Any) -> None:
        self.jobs += 1

        def finish(callback: Any) -> Any:
            def call(value: Any) -> None:
                self.jobs -= 1
                callback(value)

            return call

        run_in_background(job, on_success=finish(done), on_failure=finish(failed))

    def save_report(self, path: Path) -> Path:
        assert self.plan is not None
        result = self.dry_run_page.result
        problems = result.problems if result is not None else None
        return write_import_report(path, self.plan, problems, result)
