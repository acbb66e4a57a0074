"""The dashboard's charts (QtCharts): timeliness by month, caseload by caseworker, cases by stage.

Colours are the Okabe-Ito set (blue on time, orange late), told apart with red-green colour
blindness too; every series is named in the legend, and each chart has a table of the same
figures beside it (ChartPanel), read by a screen reader and reachable by keyboard.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from send_desktop.store.reports import TeamReport
from send_desktop.timeline import STAGES

# Okabe & Ito (2008), "Color Universal Design": distinct for the common colour blindnesses.
ON_TIME = QColor("#0072b2")
LATE = QColor("#d55e00")
PERCENT = QColor("#1b2733")
ENGLAND = QColor("#56606b")
ASSESSING = QColor("#e69f00")
PLANS = QColor("#56b4e9")
OTHER = QColor("#9aa5b1")
CHART_MIN_HEIGHT = 170  # two rows of charts and the figures above fit a 1366x768 screen


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont()
    font.setPointSizeF(10.5)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(3)
    return chart


def _view(chart: QChart, parent: QWidget | None, name: str) -> QChartView:
    view = QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setAccessibleName(name)
    view.setMinimumHeight(CHART_MIN_HEIGHT)
    return view


def _axis_font(axis: object) -> None:
    font = QFont()
    font.setPointSizeF(8.5)
    axis.setLabelsFont(font)  # type: ignore[attr-defined]


def _wrap(text: str, width: int = 12) -> str:
    """An axis label over lines of at most `width` characters (QtCharts reads <br>)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "<br>".join(lines)


def _bar_set(name: str, colour: QColor, values: list[float]) -> QBarSet:
    bar_set = QBarSet(name)
    bar_set.setColor(colour)
    bar_set.setBorderColor(colour.darker(115))
    bar_set.append(values)
    return bar_set


def _count_axis(value: float, title: str = "", most_ticks: int = 6) -> QValueAxis:
    """A whole-number axis from 0 to a round number above value, ticks on round steps."""
    top = max(4.0, value * 1.05)  # a little headroom: the tallest bar does not touch the top
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if top / step <= most_ticks:
            break
    ticks = int(-(-top // step))
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setRange(0, ticks * step)
    axis.setTickCount(ticks + 1)
    axis.setTruncateLabels(False)  # "..." for a number says nothing
    _axis_font(axis)
    if title:
        axis.setTitleText(title)
    return axis


def timeliness_chart(report: TeamReport, parent: QWidget | None = None) -> QChartView:
    """Plans issued each month (within / later than 20 weeks) and the % within beside England."""
    months = report.by_month
    nat = report.national
    title = "New EHC plans issued each month: within 20 weeks or later"
    chart = _chart(title)
    within = [float(m.figures.plans_within_20_weeks) for m in months]
    late = [float(m.figures.plans_issued - m.figures.plans_within_20_weeks) for m in months]
    bars = QStackedBarSeries()
    bars.append(_bar_set("Within 20 weeks", ON_TIME, within))
    bars.append(_bar_set("Later than 20 weeks", LATE, late))
    chart.addSeries(bars)
    percent = QLineSeries()
    percent.setName("% of plans within 20 weeks (right axis)")
    percent.setPen(QPen(PERCENT, 2.5))
    percent.setPointsVisible(True)
    for number, month in enumerate(months):
        value = month.figures.pct_within_20_weeks_incl
        if value is not None:
            percent.append(number, value)
    chart.addSeries(percent)
    england = QLineSeries()
    if nat is not None:
        england.setName(f"England {nat.year}, all plans: {nat.including_exceptions:.1f}%")
        pen = QPen(ENGLAND, 2)
        pen.setStyle(Qt.PenStyle.DashLine)
        england.setPen(pen)
        england.append(-0.5, nat.including_exceptions)
        england.append(len(months) - 0.5, nat.including_exceptions)
        chart.addSeries(england)
    axis_x = QBarCategoryAxis()
    axis_x.append([m.start.strftime("%b %y") for m in months])
    axis_x.setTruncateLabels(False)
    _axis_font(axis_x)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    top = max((w + lt for w, lt in zip(within, late, strict=True)), default=0.0)
    counts = _count_axis(top, "Plans", most_ticks=4)
    chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
    pct = QValueAxis()
    pct.setRange(0, 100)
    pct.setLabelFormat("%d%%")
    pct.setTickCount(5)
    # "..." for 100% at the chart's smallest height (1366x768 at 150%) said nothing.
    pct.setTruncateLabels(False)
    _axis_font(pct)
    chart.addAxis(pct, Qt.AlignmentFlag.AlignRight)
    bars.attachAxis(axis_x)
    bars.attachAxis(counts)
    for line in (percent, england) if nat is not None else (percent,):
        line.attachAxis(axis_x)
        line.attachAxis(pct)
    return _view(chart, parent, "Chart: plans issued within 20 weeks by month")


def caseload_chart(report: TeamReport, parent: QWidget | None = None) -> QChartView:
    """Open cases per caseworker, split into assessments, plans and other stages."""
    limit = report.overload_threshold
    chart = _chart(f"Open cases by caseworker (overloaded above {limit})")
    # Upright bars with each name wrapped under its bar: a horizontal chart had room for
    # every other name only (QtCharts drops labels that overlap) or elided them to "...".
    lines = list(report.caseloads)
    assessing = [float(x.assessments.count) for x in lines]
    plans = [float(x.plans.count) for x in lines]
    other = [float(x.open_cases.count - x.assessments.count - x.plans.count) for x in lines]
    series = QStackedBarSeries()
    series.append(_bar_set("Assessments", ASSESSING, assessing))
    series.append(_bar_set("Plans", PLANS, plans))
    series.append(_bar_set("Other open", OTHER, other))
    chart.addSeries(series)
    names = QBarCategoryAxis()
    names.append(
        [
            _wrap(x.worker.name if x.worker.caseworker_id is not None else "Not allocated", 8)
            + ("<br><b>OVER</b>" if x.overloaded else "")  # "OVERLOADED" overlapped its neighbour
            for x in lines
        ]
    )
    names.setTruncateLabels(False)
    _axis_font(names)
    chart.addAxis(names, Qt.AlignmentFlag.AlignBottom)
    # Few ticks: the chart shares the screen's height with the figures above it.
    counts = _count_axis(max((x.open_cases.count for x in lines), default=0), most_ticks=3)
    chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(names)
    series.attachAxis(counts)
    return _view(chart, parent, "Chart: open cases by caseworker")


def stage_chart(report: TeamReport, parent: QWidget | None = None) -> QChartView:
    """Open cases at each stage, with the number on each bar."""
    stages = [s for s in STAGES if report.by_stage[s].count]
    chart = _chart("Open cases by stage")
    bar_set = _bar_set("Open cases", PLANS, [float(report.by_stage[s].count) for s in stages])
    series = QBarSeries()
    series.append(bar_set)
    chart.addSeries(series)
    chart.legend().setVisible(False)
    axis_x = QBarCategoryAxis()
    # The count goes in the label: bar labels are easily clipped, axis labels are not.
    axis_x.append([f"{_wrap(s, 10)}<br>{report.by_stage[s].count}" for s in stages])
    axis_x.setTruncateLabels(False)
    _axis_font(axis_x)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    counts = _count_axis(max((report.by_stage[s].count for s in stages), default=0), most_ticks=3)
    chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(counts)
    return _view(chart, parent, "Chart: open cases by stage")


# ---------------------------------------------------------------- the same figures as tables


def timeliness_rows(report: TeamReport) -> tuple[list[str], list[list[str]]]:
    headers = ["Month", "Within 20 weeks", "Later than 20 weeks", "% within 20 weeks"]
    rows = []
    for month in report.by_month:
        f = month.figures
        pct = f.pct_within_20_weeks_incl
        rows.append(
            [
                month.start.strftime("%B %Y"),
                str(f.plans_within_20_weeks),
                str(f.plans_issued - f.plans_within_20_weeks),
                "-" if pct is None else f"{pct:.1f}%",
            ]
        )
    return headers, rows


def caseload_rows(report: TeamReport) -> tuple[list[str], list[list[str]]]:
    headers = ["Caseworker", "Assessments", "Plans", "Other open", "Open cases"]
    rows = [
        [
            f"{x.worker.name} (overloaded)" if x.overloaded else x.worker.name,
            str(x.assessments.count),
            str(x.plans.count),
            str(x.open_cases.count - x.assessments.count - x.plans.count),
            str(x.open_cases.count),
        ]
        for x in report.caseloads
    ]
    return headers, rows


def stage_rows(report: TeamReport) -> tuple[list[str], list[list[str]]]:
    stages = [s for s in STAGES if report.by_stage[s].count]
    return ["Stage", "Open cases"], [[s, str(report.by_stage[s].count)] for s in stages]


def figures_text(headers: list[str], rows: list[list[str]]) -> str:
    """The table in one sentence per row, for a screen reader's description of the chart."""
    return "; ".join(
        ", ".join(f"{h} {v}" if n else v for n, (h, v) in enumerate(zip(headers, row, strict=True)))
        for row in rows
    )


class ChartPanel(QWidget):
    """A chart and the same figures as a table, with a button to switch between them."""

    def __init__(
        self,
        chart: QChartView,
        title: str,
        figures: tuple[list[str], list[list[str]]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.chart = chart
        headers, rows = figures
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.stack = QStackedWidget(self)
        self.table = QTableWidget(len(rows), len(headers), self)
        self.table.setAccessibleName(f"Table: {title}")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        chart.setAccessibleName(f"Chart: {title}")
        chart.setAccessibleDescription(figures_text(headers, rows) or "No figures in the period")
        self.stack.addWidget(chart)
        self.stack.addWidget(self.table)
        self.stack.setMinimumHeight(CHART_MIN_HEIGHT)
        layout.addWidget(self.stack, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.toggle = QPushButton("Show as a table", self)
        self.toggle.setCheckable(True)
        self.toggle.setAccessibleName(f"Show {title.lower()} as a table")
        self.toggle.toggled.connect(self.show_table)
        buttons.addWidget(self.toggle)
        layout.addLayout(buttons)

    def show_table(self, table: bool) -> None:
        self.stack.setCurrentIndex(1 if table else 0)
        self.toggle.setText("Show as a chart" if table else "Show as a table")
        if self.toggle.isChecked() != table:
            self.toggle.setChecked(table)


def timeliness_panel(report: TeamReport) -> ChartPanel:
    return ChartPanel(
        timeliness_chart(report), "plans issued within 20 weeks by month", timeliness_rows(report)
    )


def caseload_panel(report: TeamReport) -> ChartPanel:
    return ChartPanel(caseload_chart(report), "open cases by caseworker", caseload_rows(report))


def stage_panel(report: TeamReport) -> ChartPanel:
    return ChartPanel(stage_chart(report), "open cases by stage", stage_rows(report))
