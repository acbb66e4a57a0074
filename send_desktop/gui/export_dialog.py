# mypy: disable-error-code="no-untyped-call"
"""The export's options before the supervision workbook is written: where, pseudonymised or not.

The file name is chosen here and an existing file is replaced only after the user says so
(the file dialog's own question is turned off, so it is asked once, the same on every
platform).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ExportDialog(QDialog):
    def __init__(self, suggested: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export the supervision workbook")
        self.path_edit = QLineEdit(str(suggested), self)
        browse = QPushButton("&Browse...", self)
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(QLabel("File:", self))
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.pseudonymise = QCheckBox(
            "&Pseudonymise: names as initials, case refs as codes, no dates of birth or UPNs",
            self,
        )
        self.pseudonymise.setToolTip(
            "For sharing outside the team. A pseudonymised workbook has no data sheets, so it "
            "cannot be imported back."
        )
        self.per_caseworker = QCheckBox("One sheet per &caseworker", self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.pseudonymise)
        layout.addWidget(self.per_caseworker)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export the supervision workbook",
            self.path_edit.text(),
            "Excel workbook (*.xlsx)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.path_edit.setText(path)

    def path(self) -> Path:
        path = Path(self.path_edit.text().strip()).expanduser()
        return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")

    def confirm_replace(self) -> bool:
        """True unless the file exists and the user said not to replace it."""
        path = self.path()
        if not path.exists():
            return True
        answer = QMessageBox.question(
            self,
            "Replace the file?",
            f"{path.name} already exists in {path.parent}. Replace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def accept(self) -> None:
        if not self.path_edit.text().strip() or not self.confirm_replace():
            return
        super().accept()
