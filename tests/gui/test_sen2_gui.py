"""The SEN2 tab of the case window and the team leader's SEN2 return window, offscreen."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from send_desktop.gui.case_window import CaseWindow
from send_desktop.gui.dashboard import DashboardWindow
from send_desktop.gui.sen2_panel import Sen2ReturnWindow
from send_desktop.store import Database
from send_desktop.store.models import Case, Child
from tests.sen2.conftest import AS_OF, USER, Authority, build_authority


@pytest.fixture
def authority(sqlite_db: Database) -> Authority:
    return build_authority(sqlite_db)


def _choose(combo: object, value: object) -> None:
    combo.setCurrentIndex(combo.findData(value))  # type: ignore[attr-defined]


def test_the_case_windows_sen2_tab_saves_through_the_store(
    qtbot: QtBot, authority: Authority
) -> None:
    case_id = authority.case["C1"]
    window = CaseWindow(authority.db, USER, case_id, AS_OF)
    qtbot.addWidget(window)
    tab = window.sen2_tab
    assert window.tabs.tabText(window.tabs.indexOf(window.sen2_page)) == "SEN&2"
    _choose(tab.ethnicity, "APKN")
    _choose(tab.secondary, "SLCN")
    _choose(tab.budget, True)
    _choose(tab.direct, "E")
    tab.exported.setText("33")
    tab.save()
    assert "not a 3-digit DfE LA number" in tab.message.text()
    tab.exported.clear()
    tab.save()
    assert tab.message.text() == "Saved."
    tab.place_id.setText("NEET")
    tab.place_entry.setDate(date(2026, 9, 1))
    tab.add_placement()
    assert tab.message.text() == "Placement added."
    assert tab.placements.rowCount() == 2
    if os.environ.get("SEN2_SCREENSHOTS"):
        window.tabs.setCurrentWidget(window.sen2_page)
        window.resize(1366, 760)
        window.grab().save(str(Path(os.environ["SEN2_SCREENSHOTS"]) / "sen2-case-tab.png"))
    with authority.db.session() as s:
        case = s.get(Case, case_id)
        child = s.get(Child, case.child_id)
        assert (child.ethnicity, case.secondary_need, case.personal_budget) == (
            "APKN",
            "SLCN",
            True,
        )
        assert case.direct_payment == "E"
        assert [p.setting_code for p in case.placements] == [None, "NEET"]


def _run(qtbot: QtBot, window: Sen2ReturnWindow, target: Path | None = None) -> None:
    with qtbot.waitSignal(window.checked, timeout=60000):
        window.run(target)


def test_the_return_window_lists_problems_by_child_and_previews_the_measures(
    qtbot: QtBot, authority: Authority, tmp_path: Path
) -> None:
    # SEN2_SCREENSHOTS=docs/screenshots keeps the two grabs for the notes; else a temp folder.
    shots = Path(os.environ.get("SEN2_SCREENSHOTS") or tmp_path)
    with authority.db.session() as s:
        c4 = s.get(Case, authority.case["C4"])
        child = s.get(Child, c4.child_id)
        child.upn_unknown = None  # C4: no UPN, ULN or reason -> P01
        child.sex = "U"  # not a SEN2 code -> F20
    window = Sen2ReturnWindow(authority.db, USER)
    qtbot.addWidget(window)
    _choose(window.lea, "330")
    for combo, value in zip(window.officers, ("Y", "Y", "N"), strict=True):
        _choose(combo, value)
    target = tmp_path / "sen2-2027.xml"
    _run(qtbot, window, target)
    assert not target.exists()
    assert "COLLECT would reject it" in window.summary.text()
    assert "Nothing was written" in window.summary.text()
    first = window.problems.topLevelItem(0)
    assert first.text(0).startswith("C4 Known (case ")
    rules = [first.child(i).text(0) for i in range(first.childCount())]
    assert "F20 error" in rules and "P01 error" in rules
    p01: QTreeWidgetItem = first.child(rules.index("P01 error"))
    assert "no UPN, no ULN" in p01.text(2) and "record the UPN" in p01.text(3)
    preview = {
        window.preview.item(r, 0).text(): window.preview.item(r, 1).text()
        for r in range(window.preview.rowCount())
    }
    assert preview["New plans issued within 20 weeks (including exceptions)"] == "66.7% (2 of 3)"
    assert window.preview.horizontalHeaderItem(3).text() == "Birmingham 2024"
    shots.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(shots / "sen2-validation.png"))
    assert (shots / "sen2-validation.png").stat().st_size > 10_000
    # Fixed, the same window writes the file; the LA and officers were saved as settings.
    with authority.db.session() as s:
        child = s.get(Child, s.get(Case, authority.case["C4"]).child_id)
        child.upn_unknown, child.sex = "UN2", "F"
    again = Sen2ReturnWindow(authority.db, USER)
    qtbot.addWidget(again)
    assert again.lea.currentData() == "330" and again.officers[2].currentData() == "N"
    _run(qtbot, again, target)
    assert target.exists() and "COLLECT would accept it" in again.summary.text()
    again.grab().save(str(shots / "sen2-preview.png"))


def test_the_dashboard_opens_the_sen2_window(qtbot: QtBot, authority: Authority) -> None:
    dashboard = DashboardWindow(authority.db, USER, as_of=AS_OF, load=False)
    qtbot.addWidget(dashboard)
    window = dashboard.open_sen2()
    assert isinstance(window, Sen2ReturnWindow) and window.isVisible()
    window.close()
