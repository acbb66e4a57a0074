"""Shared window helpers: fit a window to the screen it opens on, close keys, and the checks
(accessible names, mnemonics, shortcuts) that every window is tested against."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSettings, Qt
from PySide6.QtGui import (
    QAccessible,
    QAction,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
    QScreen,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QFrame,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QScrollArea,
    QScrollBar,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

# A window never opens wider or taller than this share of the screen's free area, so its
# title bar and its edges stay reachable on a 1366x768 laptop and at 150% scaling.
SCREEN_SHARE = 0.94

# What a user can focus and work: each needs a name a screen reader reads out.
INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QAbstractSlider,
    QTextEdit,
    QPlainTextEdit,
    QScrollBar,
)


def screen_of(widget: QWidget) -> QScreen:
    screen = widget.screen() if widget.isVisible() else None
    if screen is None:
        screen = QGuiApplication.screenAt(widget.geometry().center())
    return screen or QGuiApplication.primaryScreen()


def available_area(widget: QWidget) -> QRect:
    return screen_of(widget).availableGeometry()


def fit_size(widget: QWidget, width: int, height: int, centre: bool = True) -> None:
    """Resize to the wanted size, or to SCREEN_SHARE of the free screen if that is smaller,
    and (for a window) centre it on that screen: a window manager's cascade would otherwise
    push a near-full-screen window's right edge off a laptop screen."""
    area = available_area(widget)
    widget.resize(
        min(width, int(area.width() * SCREEN_SHARE)), min(height, int(area.height() * SCREEN_SHARE))
    )
    if centre and widget.isWindow():
        frame = widget.frameGeometry()
        frame.moveCenter(area.center())
        widget.move(max(area.left(), frame.left()), max(area.top(), frame.top()))


class ScrolledPage(QScrollArea):
    """A page (a tab's) that scrolls up and down, as wide as the area: its figures, charts and
    fields keep a readable size on a screen shorter than they are (1366x768 at 150% is 910x512
    logical pixels) instead of making the window taller than the screen. Tab moves into view
    each field it reaches (QScrollArea's own focus rule).

    Not widgetResizable: that gives a page with wrapped labels its preferred height for the
    width, so it scrolled even at 1280x720 where its smallest height fits; here the page has
    the area's height when its layout's least height at that width fits in it."""

    def __init__(self, page: QWidget) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(page)  # also watches the page: a new layout (charts redrawn) refits it

    def fit_page(self) -> None:
        page = self.widget()
        if page is None:
            return
        smallest = page.minimumSizeHint()
        width = max(self.viewport().width(), smallest.width())
        layout = page.layout()
        least = natural = smallest.height()
        if layout is not None and layout.hasHeightForWidth():
            least = max(least, layout.totalMinimumHeightForWidth(width))
            natural = max(least, layout.totalHeightForWidth(width))
        room = self.viewport().height()
        # Squeezed to fit when it can; when it must scroll anyway, at its natural height (a
        # chart at its smallest under a scroll bar only loses its axis labels).
        page.resize(width, room if room >= least else natural)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_page()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit_page()
        return super().eventFilter(watched, event)


def scrolling(page: QWidget) -> ScrolledPage:
    return ScrolledPage(page)


def clamp_to_screen(widget: QWidget) -> None:
    """Bring a window wholly onto the free part of its screen: a size saved on a bigger monitor
    (or before the scaling was raised) comes back no larger than this screen, and on it."""
    area = available_area(widget)
    frame = widget.frameGeometry()
    extra_w = max(0, frame.width() - widget.width())
    extra_h = max(0, frame.height() - widget.height())
    width = min(widget.width(), area.width() - extra_w)
    height = min(widget.height(), area.height() - extra_h)
    if (width, height) != (widget.width(), widget.height()):
        widget.resize(width, height)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.top()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        widget.move(max(x, area.left()), max(y, area.top()))


def restore_geometry(widget: QWidget, settings: QSettings, key: str) -> bool:
    """restoreGeometry, then clamped to this screen; False when nothing was saved."""
    saved = settings.value(key)
    restored = isinstance(saved, QByteArray) and widget.restoreGeometry(saved)
    if widget.isMaximized():
        return restored
    clamp_to_screen(widget)
    return restored


def add_close_keys(widget: QWidget, escape: bool = True) -> list[QAction]:
    """Ctrl+W, the platform's Close (Ctrl+F4 on Windows) and, for secondary windows, Escape
    close the window."""
    keys = [QKeySequence("Ctrl+W")]
    keys += [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Close) if k not in keys]
    if escape:
        keys.append(QKeySequence(Qt.Key.Key_Escape))
    action = QAction("Close window", widget)
    action.setShortcuts(keys)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(widget.close)
    widget.addAction(action)
    return [action]


def size_columns(
    view: QAbstractItemView, samples: dict[int, str], stretch: int, icon_columns: Iterable[int] = ()
) -> None:
    """Each listed column as wide as its widest usual value (or its heading), measured in the
    view's own font, so it holds at 100% and at 150%; `stretch` takes the rest of the width."""
    header = view.horizontalHeader()  # type: ignore[attr-defined]
    model = view.model()
    text = view.fontMetrics()
    bold = header.font()
    bold.setBold(True)
    heading = QFontMetrics(bold)
    icons = set(icon_columns)
    header.setStretchLastSection(False)
    for column, sample in samples.items():
        if column >= model.columnCount():
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        width = max(text.horizontalAdvance(sample), heading.horizontalAdvance(title))
        width += text.height() + 8 if column in icons else 0
        view.setColumnWidth(column, width + text.horizontalAdvance("MM") // 2 + 8)  # type: ignore[attr-defined]
    if stretch < model.columnCount():
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


# ---------------------------------------------------------------- checks used by the tests


def accessible_name(widget: QWidget) -> str:
    """The name assistive technology reads (AT-SPI / UIA take it from this interface)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return widget.accessibleName()
    return interface.text(QAccessible.Text.Name) or ""


def _visible_in(widget: QWidget, window: QWidget) -> bool:
    return widget is window or widget.isVisibleTo(window)


def unnamed_widgets(window: QWidget) -> list[str]:
    """Interactive widgets a screen reader would announce without a name.

    A drop-down must carry its own name: without one it is read out as its current value
    ("All teams"), which says nothing about what it chooses.
    """
    problems: list[str] = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or not _visible_in(widget, window):
            continue
        if isinstance(widget.parentWidget(), QAbstractSpinBox | QComboBox):
            continue  # the line edit inside a spin box or combo: named by its owner
        if widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView | QScrollBar):
            continue  # parts of a table or scroll area, which name them (headers, scroll bars)
        # A combo's own name: Qt would otherwise read out its current value.
        name = widget.accessibleName() if isinstance(widget, QComboBox) else accessible_name(widget)
        if not name.strip():
            problems.append(_describe(widget))
    return problems


def _describe(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    shown = text() if callable(text) else ""
    return f"{type(widget).__name__} {widget.objectName() or '(no object name)'} {shown!r}".strip()


_MNEMONIC = re.compile(r"&([^&\s])")


def mnemonic_of(text: str) -> str | None:
    match = _MNEMONIC.search(text.replace("&&", ""))
    return match.group(1).lower() if match else None


def _texts(window: QWidget) -> Iterable[tuple[str, str]]:
    """(text, where) of everything in the window that can carry an Alt+letter right now."""
    for widget in window.findChildren(QWidget):
        if not _visible_in(widget, window):
            continue
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            yield widget.text(), _describe(widget)
        elif isinstance(widget, QGroupBox):
            yield widget.title(), f"group {widget.title()!r}"
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                yield widget.tabText(index), f"tab {widget.tabText(index)!r}"
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                yield action.text(), f"menu {action.text()!r}"


def mnemonic_clashes(window: QWidget) -> dict[str, list[str]]:
    """Alt+letters that two things visible at once use (the second one can never be reached)."""
    seen: dict[str, list[str]] = {}
    for text, where in _texts(window):
        letter = mnemonic_of(text)
        if letter:
            seen.setdefault(letter, []).append(where)
    return {k: v for k, v in seen.items() if len(v) > 1}


def menu_mnemonic_clashes(menu: QMenu) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for action in menu.actions():
        letter = mnemonic_of(action.text())
        if letter and not action.isSeparator():
            seen.setdefault(letter, []).append(action.text())
    return {k: v for k, v in seen.items() if len(v) > 1}


def shortcut_clashes(window: QWidget) -> list[str]:
    """Key sequences bound to two actions of one window (Qt then fires neither)."""
    counts: Counter[str] = Counter()
    actions = {id(a): a for a in window.findChildren(QAction)}
    for action in window.actions():
        actions[id(action)] = action
    for action in actions.values():
        for key in action.shortcuts():
            if not key.isEmpty():
                counts[key.toString()] += 1
    return [k for k, n in counts.items() if n > 1]


def every_tab_page(window: QWidget) -> Iterable[None]:
    """Show each page of each tab widget in turn (for checks of what is visible together)."""
    tab_widgets = [t for t in window.findChildren(QTabWidget) if _visible_in(t, window)]
    yield None
    for tabs in tab_widgets:
        current = tabs.currentIndex()
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            yield None
        tabs.setCurrentIndex(current)
