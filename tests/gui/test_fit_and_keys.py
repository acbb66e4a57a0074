"""Every window on a council laptop, by keyboard and by screen reader: sizes that fit the
screen, saved geometry clamped to it, the menu bar and its shortcuts, first focus, Escape and
Enter, accessible names that carry the content, one Alt+letter per thing, plain words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QByteArray, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from send_desktop import APP_NAME
from send_desktop.gui import fit, qt_settings
from send_desktop.gui.case_data import load_case
from send_desktop.gui.case_window import CaseWindow
from send_desktop.gui.caseload import Scope
from send_desktop.gui.dashboard import DashboardWindow
from send_desktop.gui.dashboard_models import DRILL_COLUMNS, DrillRow, rule_words
from send_desktop.gui.demo import add_demo_cases, demo_refusal
from send_desktop.gui.main_window import MainWindow
from send_desktop.gui.settings_dialog import FirstRunDialog, SettingsDialog, StartChoice
from send_desktop.gui.status import LOOKS, step_look
from send_desktop.gui.workers import wait_for_workers
from send_desktop.store import Database
from send_desktop.store.demo import make_demo
from send_desktop.store.reports import cases_behind, team_report
from send_desktop.store.settings import load_policy
from send_desktop.timeline import Status

AS_OF = date(2025, 6, 2)
USER = "Test Caseworker"
# 1920x1080 at 150% is 1280x720 logical pixels; a title bar and a task bar take about 40.
LAPTOP = (1280, 680)
CODE = re.compile(r"\b[NRAPTOX]\d+(\.\d+)?[a-z]?\b")


@pytest.fixture
def demo_db(sqlite_db: Database) -> Database:
    make_demo(sqlite_db, cases=80, seed=5, as_of=AS_OF, force=True)
    return sqlite_db


def _main(qtbot: QtBot, db: Database, user: str = USER) -> MainWindow:
    window = MainWindow(db, user, as_of=AS_OF, load=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.caseload_loaded, timeout=20000):
        window.reload()
    window.scope_combo.setCurrentIndex(window.scope_combo.findData(Scope.EVERYONE))
    return window


def _dashboard(qtbot: QtBot, db: Database) -> DashboardWindow:
    window = DashboardWindow(db, USER, as_of=AS_OF, load=False)
    qtbot.addWidget(window)
    start, end = window.period()
    with db.session() as session:
        report = team_report(session, AS_OF, load_policy(session), start, end, None)
    window.set_report(report)
    return window


def _activate(qtbot: QtBot, window: QWidget) -> None:
    """Shortcuts of a window fire only while it is the active window, as on a desktop."""
    window.show()
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def _pages(window: QWidget) -> Iterator[None]:
    for _ in fit.every_tab_page(window):
        QApplication.processEvents()
        yield None


# ---------------------------------------------------------------- the screen


def test_clamp_brings_an_oversized_window_back_onto_the_screen(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    area = QGuiApplication.primaryScreen().availableGeometry()
    widget.resize(area.width() + 900, area.height() + 700)
    widget.move(area.right() + 300, area.top() - 400)
    fit.clamp_to_screen(widget)
    frame = widget.frameGeometry()
    assert area.contains(frame), (frame, area)
    assert widget.width() <= area.width() and widget.height() <= area.height()


def test_fit_size_never_asks_for_more_than_the_screen(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    area = QGuiApplication.primaryScreen().availableGeometry()
    fit.fit_size(widget, 5000, 4000)
    assert widget.width() <= area.width() and widget.height() <= area.height()
    fit.fit_size(widget, 300, 200)
    assert (widget.width(), widget.height()) == (300, 200)


def test_saved_geometry_from_a_bigger_screen_is_clamped(qtbot: QtBot, demo_db: Database) -> None:
    """A size saved on a big monitor (or before 150% scaling) comes back inside this screen."""
    big = QMainWindow()
    qtbot.addWidget(big)
    big.resize(3400, 2100)
    big.move(QPoint(2500, 1500))
    qt_settings.write("main/geometry", big.saveGeometry())
    assert isinstance(qt_settings.app_settings().value("main/geometry"), QByteArray)
    window = MainWindow(demo_db, USER, as_of=AS_OF, load=False)
    qtbot.addWidget(window)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert area.contains(window.frameGeometry()), (window.frameGeometry(), area)


def test_no_window_needs_more_than_a_laptop_screen(qtbot: QtBot, demo_db: Database) -> None:
    main = _main(qtbot, demo_db)
    case = CaseWindow(demo_db, USER, main.model.row_at(0).case_id, AS_OF)
    qtbot.addWidget(case)
    settings = SettingsDialog(demo_db, USER)
    qtbot.addWidget(settings)
    windows: list[QWidget] = [main, case, _dashboard(qtbot, demo_db), settings]
    for window in windows:
        window.show()
        for _ in _pages(window):
            hint = window.minimumSizeHint()
            assert hint.width() <= LAPTOP[0] and hint.height() <= LAPTOP[1], (window, hint)
    main.close()
    wait_for_workers()


# ---------------------------------------------------------------- menus and shortcuts


def test_menu_bar_has_every_action_with_its_shortcut(qtbot: QtBot, demo_db: Database) -> None:
    window = _main(qtbot, demo_db)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Case", "&View", "&Team", "&Help"]
    keys = {a.text(): a.shortcut().toString() for a in window.menu_actions()}
    assert keys["&Quit"] == "Ctrl+Q"
    assert keys["&New request"] == "Ctrl+N"
    assert keys["&Record event"] == "Ctrl+R"
    assert keys["&Team dashboard"] == "Ctrl+T"
    assert keys["&User guide"] == "F1"
    assert f"&About {APP_NAME}" in keys
    toolbar_only = {window.new_action, window.record_action, window.export_action}
    assert toolbar_only <= set(window.menu_actions())
    for menu in window.menus.values():
        assert not fit.menu_mnemonic_clashes(menu), menu.title()
    assert not fit.shortcut_clashes(window)
    window.close()
    wait_for_workers()


def test_ctrl_q_quits(qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(True)))
    window = _main(qtbot, demo_db)
    _activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert quits == [True]
    assert not window.isVisible()
    wait_for_workers()


def test_help_windows_show_shortcuts_versions_and_the_data_folder(
    qtbot: QtBot, demo_db: Database
) -> None:
    from send_desktop import __version__, paths

    window = _main(qtbot, demo_db)
    shortcuts = window.show_shortcuts()
    qtbot.addWidget(shortcuts)
    table = shortcuts.table  # type: ignore[attr-defined]
    pairs = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert pairs["Quit"] == "Ctrl+Q" and pairs["New request"] == "Ctrl+N"
    about = window.show_about()
    qtbot.addWidget(about)
    text = about.text.text()  # type: ignore[attr-defined]
    assert __version__ in text and str(paths.data_dir()) in text
    assert str(demo_db.path) in text
    guide = window.show_user_guide()
    qtbot.addWidget(guide)
    assert "user guide" in guide.browser.toPlainText().lower()  # type: ignore[attr-defined]
    qtbot.keyClick(guide, Qt.Key.Key_Escape)
    assert not guide.isVisible()
    window.close()
    wait_for_workers()


# ---------------------------------------------------------------- focus, Escape, Enter


def test_case_window_focus_escape_and_title(qtbot: QtBot, demo_db: Database) -> None:
    window = _main(qtbot, demo_db)
    case_id = window.model.row_at(0).case_id
    case = window.open_case(case_id)
    _activate(qtbot, case)
    assert isinstance(case, CaseWindow)
    assert case.focusWidget() is case.steps_table
    assert APP_NAME not in case.windowTitle()  # the platform appends it: no "... - SEND Desktop"
    assert APP_NAME not in window.windowTitle() and USER in window.windowTitle()
    qtbot.keyClick(case.steps_table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: case_id not in window.case_windows, timeout=5000)
    window.close()
    wait_for_workers()


def test_ctrl_w_and_escape_close_the_dashboard(qtbot: QtBot, demo_db: Database) -> None:
    dashboard = _dashboard(qtbot, demo_db)
    _activate(qtbot, dashboard)
    qtbot.keyClick(dashboard.tabs, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not dashboard.isVisible()
    _activate(qtbot, dashboard)
    qtbot.keyClick(dashboard.tabs, Qt.Key.Key_Escape)
    assert not dashboard.isVisible()


def test_enter_in_the_search_box_opens_the_only_match(qtbot: QtBot, demo_db: Database) -> None:
    window = _main(qtbot, demo_db)
    _activate(qtbot, window)
    row = window.model.row_at(0)
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, row.ref)
    assert window.model.rowCount() == 1
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert row.case_id in window.case_windows
    window.case_windows[row.case_id].close()
    _activate(qtbot, window)
    window.search_box.setFocus()
    # Several matches: Enter goes to the first, and Enter there opens it.
    window.search_box.clear()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.table.hasFocus() and window.table.currentIndex().row() == 0
    first = window.model.row_at(0).case_id
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert first in window.case_windows
    window.close()
    wait_for_workers()


def test_tab_order_starts_with_the_banner_and_follows_the_filters(
    qtbot: QtBot, demo_db: Database
) -> None:
    window = _main(qtbot, demo_db)
    show, _today, dismiss = window.banner_buttons
    assert dismiss.nextInFocusChain() is not window.table
    chain, widget = [], show
    for _ in range(40):
        chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain.index(show) < chain.index(window.scope_combo) < chain.index(window.search_box)
    assert chain.index(window.search_box) < chain.index(window.table)
    window.close()
    wait_for_workers()


# ---------------------------------------------------------------- screen reader and mnemonics


def _windows(qtbot: QtBot, db: Database) -> list[QWidget]:
    from send_desktop.gui.calculator import DeadlineCalculator
    from send_desktop.gui.help import AboutDialog, ShortcutsDialog, UserGuideWindow
    from send_desktop.gui.record_event import RecordEventDialog

    main = _main(qtbot, db)
    with db.session() as session:
        case = load_case(session, main.model.row_at(0).case_id)
    widgets: list[QWidget] = [
        main,
        CaseWindow(db, USER, case.id, AS_OF),
        RecordEventDialog(db, USER, case, AS_OF),
        _dashboard(qtbot, db),
        SettingsDialog(db, USER),
        FirstRunDialog(USER),
        FirstRunDialog(USER, existing_cases=3),
        DeadlineCalculator(AS_OF),
        AboutDialog("test.sqlite3"),
        ShortcutsDialog(main.menu_actions()),
        UserGuideWindow(),
    ]
    for widget in widgets:
        qtbot.addWidget(widget)
    return widgets


def test_every_widget_is_named_and_every_alt_letter_used_once(
    qtbot: QtBot, demo_db: Database
) -> None:
    problems: list[str] = []
    for window in _windows(qtbot, demo_db):
        window.show()
        for _ in _pages(window):
            for unnamed in fit.unnamed_widgets(window):
                problems.append(f"{type(window).__name__}: no accessible name: {unnamed}")
            for letter, where in fit.mnemonic_clashes(window).items():
                problems.append(f"{type(window).__name__}: Alt+{letter.upper()} twice: {where}")
        problems += [f"{type(window).__name__}: {k} twice" for k in fit.shortcut_clashes(window)]
        window.close()
    assert not problems, "\n".join(problems)
    wait_for_workers()


def test_new_request_dialog_names_and_mnemonics(qtbot: QtBot, demo_db: Database) -> None:
    from send_desktop.gui.request_dialog import NewRequestDialog

    dialog = NewRequestDialog(demo_db, USER, AS_OF)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not fit.unnamed_widgets(dialog)
    assert not fit.mnemonic_clashes(dialog)


def test_walker_catches_a_missing_name_and_a_mnemonic_used_twice(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QComboBox, QPushButton, QVBoxLayout

    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    combo = QComboBox(window)
    combo.addItem("All teams")
    layout.addWidget(combo)
    layout.addWidget(QPushButton("&Save", window))
    layout.addWidget(QPushButton("&Send", window))
    window.show()
    assert len(fit.unnamed_widgets(window)) == 1  # named by its value only
    assert list(fit.mnemonic_clashes(window)) == ["s"]
    combo.setAccessibleName("Team")
    assert not fit.unnamed_widgets(window)


def test_names_carry_the_content(qtbot: QtBot, demo_db: Database) -> None:
    window = _main(qtbot, demo_db)
    counts = window.counts_label.accessibleName()
    assert "Showing" in counts and re.search(r"\d", counts)
    dashboard = _dashboard(qtbot, demo_db)
    value_label, _note = dashboard.kpi["overdue"]
    assert value_label.text() in value_label.accessibleName()
    assert value_label.accessibleName().startswith("Open cases with a step overdue: ")
    panel = dashboard.charts["caseload"]
    assert panel.table.rowCount() == len(dashboard.report.caseloads)  # type: ignore[attr-defined,union-attr]
    first = dashboard.report.caseloads[0].worker.name  # type: ignore[union-attr]
    assert first in panel.chart.accessibleDescription()  # type: ignore[attr-defined]
    panel.toggle.click()  # type: ignore[attr-defined]
    assert panel.stack.currentWidget() is panel.table  # type: ignore[attr-defined]
    settings = SettingsDialog(demo_db, USER)
    qtbot.addWidget(settings)
    settings.ui.nameEdit.clear()
    settings.save()
    assert "Enter your name" in settings.ui.validationMessage.accessibleName()
    window.close()
    wait_for_workers()


# ---------------------------------------------------------------- words and colours


def test_drill_down_shows_step_titles_and_a_date_for_next_deadline(
    qtbot: QtBot, demo_db: Database
) -> None:
    dashboard = _dashboard(qtbot, demo_db)
    report = dashboard.report
    assert report is not None
    with demo_db.session() as session:
        listed = cases_behind(session, report, report.overdue_total)[:30]
    assert listed
    titles = [c.title for c in DRILL_COLUMNS]
    step_col, next_col = titles.index("Step"), titles.index("Next deadline")
    for case, item in listed:
        row = DrillRow(case, item, report.as_of)
        step = DRILL_COLUMNS[step_col].display(row)
        assert not CODE.search(step), step
        next_deadline = DRILL_COLUMNS[next_col].display(row)
        assert re.fullmatch(r"\w{3} \d\d/\d\d/\d{4}|None open", next_deadline), next_deadline
    for stage in report.pipeline:
        assert not CODE.search(rule_words(stage)), rule_words(stage)


def test_the_familys_windows_do_not_look_like_la_deadlines() -> None:
    due_soon = step_look("N4", Status.DUE_SOON)
    assert due_soon.label == "Family's window" and due_soon.icon_name == "family"
    assert step_look("A2", Status.ON_TRACK).label == "Family's right"
    assert step_look("N5", Status.DUE_SOON) == LOOKS["due-soon"]
    assert step_look("N4", Status.DONE_ON_TIME) == LOOKS["done-on-time"]


def test_family_steps_are_the_catalogues_windows_and_rights() -> None:
    """status.py shows as the family's time exactly the catalogue's WINDOW and RIGHT steps."""
    from send_desktop.gui.status import is_family_step
    from send_desktop.timeline.catalogue import DUTY, STEPS

    for info in STEPS:
        assert is_family_step(info.id) == (info.kind != DUTY), info.id


def _simulate(hex_code: str, matrix: list[list[float]]) -> list[float]:
    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    rgb = [linear(int(hex_code[i : i + 2], 16)) for i in (1, 3, 5)]
    return [min(1.0, max(0.0, sum(m * v for m, v in zip(row, rgb, strict=True)))) for row in matrix]


# Machado, Oliveira & Fernandes (2009), severity 1.0.
DEUTERANOPIA = [[0.367, 0.861, -0.228], [0.280, 0.673, 0.047], [-0.012, 0.043, 0.969]]
PROTANOPIA = [[0.152, 1.053, -0.205], [0.115, 0.786, 0.099], [-0.004, -0.048, 1.052]]


@pytest.mark.parametrize("matrix", [DEUTERANOPIA, PROTANOPIA], ids=["deutan", "protan"])
def test_palette_stays_apart_for_red_green_colour_blindness(matrix: list[list[float]]) -> None:
    from send_desktop.gui.dashboard_charts import LATE, ON_TIME

    def apart(a: str, b: str) -> float:
        x, y = _simulate(a, matrix), _simulate(b, matrix)
        return float(sum((p - q) ** 2 for p, q in zip(x, y, strict=True)) ** 0.5)

    overdue = LOOKS["overdue"].colour
    assert apart(overdue, LOOKS["done-on-time"].colour) > 0.2
    assert apart(overdue, LOOKS["on-track"].colour) > 0.2
    assert apart(ON_TIME.name(), LATE.name()) > 0.4


# ---------------------------------------------------------------- first run and empty states


def test_first_run_on_a_database_with_cases_offers_no_demo(qtbot: QtBot) -> None:
    dialog = FirstRunDialog(USER, existing_cases=12)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ui.demoRadio.isVisible()
    assert dialog.ui.emptyRadio.isChecked() and "12 cases" in dialog.ui.emptyRadio.text()
    assert dialog.choice is StartChoice.EMPTY
    fresh = FirstRunDialog(USER)
    qtbot.addWidget(fresh)
    assert fresh.choice is StartChoice.DEMO
    assert "--" not in demo_refusal(12)


def test_demo_cases_refused_in_plain_words_on_a_database_with_cases(
    qtbot: QtBot, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", staticmethod(lambda _p, _t, text: shown.append(text))
    )
    add_demo_cases(None, demo_db)
    assert len(shown) == 1 and "already holds 80 cases" in shown[0] and "--" not in shown[0]


def test_an_empty_caseload_says_what_to_do_next(qtbot: QtBot, sqlite_db: Database) -> None:
    window = _main(qtbot, sqlite_db)
    window.show()
    assert window.empty_state.isVisible()
    assert window.empty_new.text() == "&New request..."
    make_demo(sqlite_db, cases=5, seed=1, as_of=AS_OF)
    with qtbot.waitSignal(window.caseload_loaded, timeout=20000):
        window.reload()
    assert not window.empty_state.isVisible()
    window.close()
    wait_for_workers()
