"""SEN2 in the GUI: the case window's SEN2 tab, and the team leader's SEN2 return window
(check every rule, list the problems per child, preview DfE's measures, write the file)."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from send_desktop import APP_NAME
from send_desktop.errors import KnownError
from send_desktop.gui.crash import handle_exception
from send_desktop.gui.dates import make_optional, optional_date, set_optional_date, to_qdate
from send_desktop.gui.status import app_icon
from send_desktop.gui.workers import Progress, progress_dialog, run_in_background
from send_desktop.sen2 import codes
from send_desktop.sen2.build import SETTING_LEA, SETTING_OFFICERS, Sen2Result, build_return
from send_desktop.sen2.spec import TREES
from send_desktop.store import ConflictError, Database
from send_desktop.store import cases as store_cases
from send_desktop.store.models import (
    NEED_TYPES,
    SETTING_CODES,
    Case,
    Child,
    Placement,
)
from send_desktop.store.settings import get_setting, set_setting

log = logging.getLogger(__name__)

NOT_RECORDED = "not recorded"
_ERROR_COLOUR = QColor("#b3261e")
_QUERY_COLOUR = QColor("#8a5a00")


def _combo(parent: QWidget, name: str, choices: list[tuple[str, Any]]) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    combo.addItem(NOT_RECORDED, None)
    for text, value in choices:
        combo.addItem(text, value)
    return combo


def _choose(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


_YES_NO = [("Yes", True), ("No", False)]


class Sen2DetailsTab(QWidget):
    """The SEN2 items of one case and its child that the rest of the case window does not show.

    Saved through the store's audited updates, with the version checks of every other edit.
    """

    saved = Signal(int)

    def __init__(self, db: Database, user: str, case_id: int, as_of: date, parent: QWidget) -> None:
        super().__init__(parent)
        self.db, self.user, self.case_id, self.as_of = db, user, case_id, as_of
        layout = QHBoxLayout(self)
        person = QGroupBox("Child (SEN2 Person)", self)
        form = QFormLayout(person)
        self.ethnicity = _combo(person, "Ethnicity", [(c, c) for c in sorted(codes.ETHNICITY)])
        self.upn_unknown = _combo(
            person,
            "Reason the UPN is unknown",
            [(f"{k} - {v}", k) for k, v in codes.UPN_UNKNOWN.items()],
        )
        form.addRow("&Ethnicity (CBDS):", self.ethnicity)
        form.addRow("No UPN or &ULN because:", self.upn_unknown)
        request = QGroupBox("Request and plan", self)
        plan_form = QFormLayout(request)
        self.rya = QCheckBox("In youth custody when the request was made (RYA)", request)
        self.exported = QLineEdit(request)
        self.exported.setPlaceholderText("3-digit LA number, XXX if unknown")
        self.exported.setAccessibleName("LA the child moved to")
        self.transfer_la = QLineEdit(request)
        self.transfer_la.setPlaceholderText("3-digit LA number")
        self.transfer_la.setAccessibleName("LA the plan came from")
        self.secondary = _combo(request, "Secondary need", [(n, n) for n in NEED_TYPES])
        self.setting_code = _combo(
            request, "Setting type named in the plan", [(c, c) for c in SETTING_CODES[:5]]
        )
        self.setting_other = QLineEdit(request)
        self.setting_other.setAccessibleName("Setting described")
        self.residential = _combo(
            request, "Residential", [("A - 38 to 51 weeks", "A"), ("B - 52 weeks", "B")]
        )
        self.work_based = _combo(
            request,
            "Work-based",
            [
                ("A - apprenticeship", "A"),
                ("T - traineeship", "T"),
                ("S - supported internship", "S"),
            ],
        )
        self.budget = _combo(request, "Personal budget", _YES_NO)
        self.organised = _combo(request, "Budget organised by the LA", _YES_NO)
        self.direct = _combo(
            request,
            "Direct payment",
            [
                ("E - education", "E"),
                ("S - social care", "S"),
                ("H - health", "H"),
                ("I - integrated", "I"),
            ],
        )
        plan_form.addRow(self.rya)
        plan_form.addRow("&Moved to LA (exported):", self.exported)
        plan_form.addRow("Plan came from LA:", self.transfer_la)
        plan_form.addRow("Secondary nee&d:", self.secondary)
        plan_form.addRow("Plan names (no URN):", self.setting_code)
        plan_form.addRow("Setting described:", self.setting_other)
        plan_form.addRow("Residential:", self.residential)
        plan_form.addRow("Work-based:", self.work_based)
        plan_form.addRow("Personal &budget:", self.budget)
        plan_form.addRow("Organised by the LA:", self.organised)
        plan_form.addRow("Direct payment:", self.direct)
        places = QGroupBox("Placements while the plan is active (SEN2 PlacementDetail)", self)
        place_layout = QVBoxLayout(places)
        self.placements = QTableWidget(0, 6, places)
        self.placements.setAccessibleName("Placements")
        self.placements.setHorizontalHeaderLabels(
            ["Rank", "Setting", "Started", "Left", "SEN unit", "Resourced"]
        )
        self.placements.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.placements.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        place_layout.addWidget(self.placements, 1)
        add_row = QFormLayout()
        self.place_rank = QSpinBox(places)
        self.place_rank.setRange(1, 2)
        self.place_id = QLineEdit(places)
        self.place_id.setPlaceholderText("URN (6 digits), UKPRN (8) or OLA/OPA/EHE/EYP/OTH/NEET...")
        self.place_id.setAccessibleName("Placement URN, UKPRN or code")
        self.place_entry = QDateEdit(places)
        self.place_entry.setCalendarPopup(True)
        self.place_entry.setDisplayFormat("dd/MM/yyyy")
        self.place_entry.setDate(to_qdate(as_of))
        self.place_leaving = QDateEdit(places)
        self.place_leaving.setCalendarPopup(True)
        self.place_leaving.setDisplayFormat("dd/MM/yyyy")
        make_optional(self.place_leaving)
        self.place_unit = QCheckBox("SEN unit", places)
        self.place_rp = QCheckBox("Resourced provision", places)
        flags = QHBoxLayout()
        flags.addWidget(self.place_unit)
        flags.addWidget(self.place_rp)
        add_row.addRow("Rank:", self.place_rank)
        add_row.addRow("Setting:", self.place_id)
        add_row.addRow("Started:", self.place_entry)
        add_row.addRow("Left:", self.place_leaving)
        add_row.addRow(flags)
        place_layout.addLayout(add_row)
        self.add_place_button = QPushButton("Add &placement", places)
        self.add_place_button.clicked.connect(self.add_placement)
        place_layout.addWidget(self.add_place_button)
        left = QVBoxLayout()
        left.addWidget(person)
        left.addWidget(request, 1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("sectionHint")
        left.addWidget(self.message)
        self.save_button = QPushButton("&Save SEN2 details", self)
        self.save_button.clicked.connect(self.save)
        left.addWidget(self.save_button)
        layout.addLayout(left, 1)
        layout.addWidget(places, 1)
        self.load()

    def load(self) -> None:
        with self.db.session() as s:
            case = s.get(Case, self.case_id)
            if case is None:
                return
            child = s.get(Child, case.child_id)
            assert child is not None
            self.case_version, self.child_id, self.child_version = (
                case.version,
                child.id,
                child.version,
            )
            _choose(self.ethnicity, child.ethnicity)
            _choose(self.upn_unknown, child.upn_unknown)
            self.rya.setChecked(bool(case.request_rya))
            self.exported.setText(case.exported_la or "")
            self.transfer_la.setText(case.transfer_la or "")
            _choose(self.secondary, case.secondary_need)
            _choose(self.setting_code, case.plan_setting_code)
            self.setting_other.setText(case.plan_setting_other or "")
            _choose(self.residential, case.plan_residential)
            _choose(self.work_based, case.plan_work_based)
            _choose(self.budget, case.personal_budget)
            _choose(self.organised, case.budget_organised)
            _choose(self.direct, case.direct_payment)
            rows = [
                (
                    str(p.rank),
                    p.urn or p.setting_code or "",
                    p.entry.strftime("%d/%m/%Y"),
                    p.leaving.strftime("%d/%m/%Y") if p.leaving else "",
                    {True: "Yes", False: "No"}.get(p.sen_unit, "")
                    if p.sen_unit is not None
                    else "",
                    "Yes"
                    if p.resourced_provision
                    else "No"
                    if p.resourced_provision is not None
                    else "",
                )
                for p in case.placements
            ]
        self.placements.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for col, text in enumerate(row):
                self.placements.setItem(r, col, QTableWidgetItem(text))

    def _la(self, edit: QLineEdit) -> str | None:
        text = edit.text().strip().upper()
        if text and text != "XXX" and not (len(text) == 3 and text.isdigit()):
            raise KnownError(f"{edit.accessibleName()}: '{text}' is not a 3-digit DfE LA number")
        return text or None

    def save(self) -> None:
        try:
            case_changes = {
                "request_rya": self.rya.isChecked(),
                "exported_la": self._la(self.exported),
                "transfer_la": self._la(self.transfer_la),
                "secondary_need": self.secondary.currentData(),
                "plan_setting_code": self.setting_code.currentData(),
                "plan_setting_other": self.setting_other.text().strip() or None,
                "plan_residential": self.residential.currentData(),
                "plan_work_based": self.work_based.currentData(),
                "personal_budget": self.budget.currentData(),
                "budget_organised": self.organised.currentData(),
                "direct_payment": self.direct.currentData(),
            }
            with self.db.session() as s:
                store_cases.update_child(
                    s,
                    self.child_id,
                    self.child_version,
                    self.user,
                    as_of=self.as_of,
                    ethnicity=self.ethnicity.currentData(),
                    upn_unknown=self.upn_unknown.currentData(),
                )
                store_cases.update_case(
                    s, self.case_id, self.case_version, self.user, as_of=self.as_of, **case_changes
                )
        except ConflictError as exc:
            self.message.setText(f"Changed by {exc.changed_by} since you opened it: reload.")
            return
        except KnownError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText("Saved.")
        self.load()
        self.saved.emit(self.case_id)

    def add_placement(self) -> None:
        text = self.place_id.text().strip().upper()
        values: dict[str, Any] = {
            "rank": self.place_rank.value(),
            "entry": date(*self.place_entry.date().getDate()),
            "leaving": optional_date(self.place_leaving),
            "sen_unit": self.place_unit.isChecked() if text.isdigit() else None,
            "resourced_provision": self.place_rp.isChecked() if text.isdigit() else None,
        }
        if text.isdigit() and len(text) in (6, 8):
            values["urn"] = text
        elif text in SETTING_CODES:
            values["setting_code"] = text
        else:
            self.message.setText(
                f"Placement: '{text}' is not a URN (6 digits), a UKPRN (8 digits) or a SEN2 "
                f"setting code ({', '.join(SETTING_CODES)})."
            )
            return
        try:
            with self.db.session() as s:
                store_cases.add_row(s, Placement, self.user, self.case_id, values, as_of=self.as_of)
        except KnownError as exc:
            self.message.setText(str(exc))
            return
        self.place_id.clear()
        set_optional_date(self.place_leaving, None)
        self.message.setText("Placement added.")
        self.load()
        self.saved.emit(self.case_id)


class Sen2ReturnWindow(QMainWindow):
    """The team leader's SEN2 return: check, read the problems per child, preview, write."""

    checked = Signal()

    def __init__(self, db: Database, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user = db, user
        self.result: Sen2Result | None = None
        self._target: Path | None = None
        self.setWindowTitle(f"{APP_NAME} - SEN2 return")
        self.setWindowIcon(app_icon())
        central = QWidget(self)
        layout = QVBoxLayout(central)
        box = QGroupBox("Authority", central)
        bar = QHBoxLayout(box)
        self.collection = QSpinBox(box)
        self.collection.setAccessibleName("Collection year")
        self.collection.setRange(min(TREES), max(TREES))
        self.collection.setValue(max(TREES))
        self.lea = QComboBox(box)
        self.lea.setAccessibleName("LA number")
        self.lea.addItem("choose the LA", None)
        for code, name in sorted(codes.la_names().items(), key=lambda kv: kv[1]):
            self.lea.addItem(f"{name} ({code})", code)
        self.officers = [
            _combo(box, name, [("Y - yes", "Y"), ("N - no", "N"), ("R - recruiting", "R")])
            for name in ("DMO", "DCO", "DSCO")
        ]
        with db.session() as s:
            _choose(self.lea, get_setting(s, SETTING_LEA))
            for combo, key in zip(self.officers, SETTING_OFFICERS, strict=True):
                _choose(combo, get_setting(s, key))
        bar.addWidget(QLabel("Collection:", box))
        bar.addWidget(self.collection)
        bar.addWidget(QLabel("LA:", box))
        bar.addWidget(self.lea, 1)
        for name, combo in zip(("DMO", "DCO", "DSCO"), self.officers, strict=True):
            bar.addWidget(QLabel(f"{name}:", box))
            bar.addWidget(combo)
        self.check_button = QPushButton("&Check", box)
        self.check_button.clicked.connect(lambda: self.run(None))
        self.write_button = QPushButton("&Write file...", box)
        self.write_button.clicked.connect(self.write_dialog)
        bar.addWidget(self.check_button)
        bar.addWidget(self.write_button)
        layout.addWidget(box)
        self.summary = QLabel("Press Check to build the return and check every rule.", central)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("sectionHint")
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical, central)
        self.problems = QTreeWidget(split)
        self.problems.setAccessibleName("Problems by child")
        self.problems.setColumnCount(4)
        self.problems.setHeaderLabels(["Child / rule", "Item", "Why", "How to fix"])
        self.problems.setWordWrap(True)
        self.problems.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.problems.setUniformRowHeights(False)
        self.problems.header().setStretchLastSection(True)
        for col, width in enumerate((280, 300, 400)):
            self.problems.setColumnWidth(col, width)
        self.problems.currentItemChanged.connect(self._problem_chosen)
        self.preview = QTableWidget(0, 4, split)
        self.preview.setAccessibleName("What DfE will publish")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.preview.verticalHeader().hide()
        self.preview.setWordWrap(False)
        self.detail = QLabel("Choose a problem to read it in full.", split)
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName("The chosen problem")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        split.addWidget(self.problems)
        split.addWidget(self.detail)
        split.addWidget(self.preview)
        split.setSizes([360, 60, 230])
        layout.addWidget(split, 1)
        self.source = QLabel(codes.national_source(), central)
        self.source.setWordWrap(True)
        self.source.setObjectName("sectionHint")
        layout.addWidget(self.source)
        self.setCentralWidget(central)
        self.resize(1340, 720)

    def _officers(self) -> tuple[str | None, str | None, str | None]:
        a, b, c = (combo.currentData() for combo in self.officers)
        return a, b, c

    def write_dialog(self) -> None:
        year = self.collection.value()
        name, _ = QFileDialog.getSaveFileName(
            self, "Write the SEN2 return", f"sen2-{year}.xml", "SEN2 XML (*.xml)"
        )
        if name:
            self.run(Path(name))

    def run(self, target: Path | None) -> None:
        """Build and check the return off the GUI thread, writing it to target if clean."""
        db, user = self.db, self.user
        year, lea, officers = self.collection.value(), self.lea.currentData(), self._officers()
        self._target = target
        self.check_button.setEnabled(False)
        self.write_button.setEnabled(False)
        self.summary.setText("Building the return and checking every rule...")

        def job(progress: Progress) -> Sen2Result:
            with db.session() as s:
                for key, value in zip(
                    (SETTING_LEA, *SETTING_OFFICERS), (lea, *officers), strict=True
                ):
                    if value and get_setting(s, key) != value:
                        set_setting(s, key, value, user)
                return build_return(s, year, target, lea=lea, officers=officers, progress=progress)

        dialog = progress_dialog(self, "SEN2 return", "Reading the cases and checking the rules...")
        run_in_background(
            job, on_success=self.show_result, on_failure=self._failed, progress_dialog=dialog
        )

    def _failed(self, exc: BaseException) -> None:
        self.check_button.setEnabled(True)
        self.write_button.setEnabled(True)
        self.summary.setText("The return could not be built.")
        if isinstance(exc, KnownError):
            QMessageBox.warning(self, APP_NAME, str(exc))
        else:
            handle_exception(type(exc), exc, exc.__traceback__, self)

    def show_result(self, result: Sen2Result) -> None:
        self.result = result
        self.check_button.setEnabled(True)
        self.write_button.setEnabled(True)
        errors, queries = len(result.errors), len(result.queries)
        verdict = (
            f"COLLECT would reject it: fix the {errors} error(s) first."
            if errors
            else "COLLECT would accept it."
        )
        written = (
            f" Written to {result.written}."
            if result.written
            else " Nothing was written."
            if self._target is not None
            else ""
        )
        self.summary.setText(
            f"{result.collection} return: {result.persons:,} children, {result.requests:,} "
            f"requests; {errors} error(s), {queries} query(ies). {verdict}{written}"
        )
        self._fill_problems(result)
        self._fill_preview(result)
        self.checked.emit()

    def _problem_chosen(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        if item is None:
            return
        parent = item.parent()
        if parent is None:
            self.detail.setText(f"{item.text(0)}: {item.text(1)}.")
            return
        self.detail.setText(
            f"<b>{parent.text(0)}</b> - {item.text(0)} at <i>{item.text(1)}</i>: "
            f"{item.text(2)}<br><b>How to fix:</b> {item.text(3)}"
        )

    def _fill_problems(self, result: Sen2Result) -> None:
        self.problems.clear()
        groups: dict[tuple[int, str], list[Any]] = {}
        for p in result.problems:
            groups.setdefault((p.person, p.who), []).append(p)
        bold = QFont()
        bold.setBold(True)
        ordered = sorted(
            groups.items(), key=lambda kv: (not any(p.is_error for p in kv[1]), kv[0][0])
        )
        for (_n, who), found in ordered:
            errors = sum(p.is_error for p in found)
            top = QTreeWidgetItem(
                [who, f"{errors} error(s), {len(found) - errors} query(ies)", "", ""]
            )
            top.setFont(0, bold)
            for p in sorted(found, key=lambda p: (not p.is_error, p.rule)):
                kind = "error" if p.is_error else "query"
                item = QTreeWidgetItem([f"{p.rule} {kind}", p.item, p.why, p.fix])
                item.setForeground(0, _ERROR_COLOUR if p.is_error else _QUERY_COLOUR)
                for col in range(4):
                    item.setToolTip(col, item.text(col))
                top.addChild(item)
            self.problems.addTopLevelItem(top)
            top.setExpanded(True)
        first = self.problems.topLevelItem(0)
        chosen = first.child(0) if first is not None else None
        if chosen is not None:
            self.problems.setCurrentItem(chosen)

    def _fill_preview(self, result: Sen2Result) -> None:
        year = next((line.year for line in result.preview if line.year), None)
        own = codes.la_names().get(result.lea or "", "this LA")
        self.preview.setHorizontalHeaderLabels(
            ["What DfE will publish", "This return", f"England {year}", f"{own} {year}"]
        )
        self.preview.setRowCount(len(result.preview))
        for r, line in enumerate(result.preview):
            cells = (line.title, line.ours.text(), line.england.text(), line.published.text())
            for col, text in enumerate(cells):
                self.preview.setItem(r, col, QTableWidgetItem(text))
