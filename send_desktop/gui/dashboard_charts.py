"""The dashboard's charts (QtCharts): timeliness by month, caseload by caseworker, cases by stage.

Colours repeat the status palette (green on time, red late) and every series is named in the
legend, so no chart depends on colour alone.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from send_desktop.store.reports import TeamReport
from send_desktop.timeline import STAGES

ON_TIME = QColor("#2e8b57")
LATE = QColor("#c0392b")
PERCENT = QColor("#1d4f91")
ENGLAND = QColor("#56606b")
ASSESSING = QColor("#e0a030")
PLANS = QColor("#4a7fc1")
OTHER = QColor("#9aa5b1")


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
    view.setMinimumHeight(240)
    return view


def _bar_set(name: str, colour: QColor, values: list[float]) -> QBarSet:
    bar_set = QBarSet(name)
    bar_set.setColor(colour)
    bar_set.setBorderColor(colour.darker(115))
    bar_set.append(values)
    return bar_set


def _count_axis(value: float, title: str = "") -> QValueAxis:
    """A whole-number axis from 0 to a round number above value, ticks on round steps."""
    top = max(4.0, value)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if top / step <= 6:
            break
    ticks = int(-(-top // step))
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setRange(0, ticks * step)
    axis.setTickCount(ticks + 1)
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
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    top = max((w + lt for w, lt in zip(within, late, strict=True)), default=0.0)
    counts = _count_axis(top, "Plans issued")
    chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
    pct = QValueAxis()
    pct.setRange(0, 100)
    pct.setLabelFormat("%d%%")
    pct.setTickCount(5)
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
    lines = list(reversed(report.caseloads))  # horizontal bars draw bottom-up
    assessing = [float(x.assessments.count) for x in lines]
    plans = [float(x.plans.count) for x in lines]
    other = [float(x.open_cases.count - x.assessments.count - x.plans.count) for x in lines]
    series = QHorizontalStackedBarSeries()
    series.append(_bar_set("Assessments", ASSESSING, assessing))
    series.append(_bar_set("Plans", PLANS, plans))
    series.append(_bar_set("Other open", OTHER, other))
    chart.addSeries(series)
    names = QBarCategoryAxis()
    names.append(
        [f"{x.worker.name}  (OVERLOADED)" if x.overloaded else x.worker.name for x in lines]
    )
    chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
    counts = _count_axis(max((x.open_cases.count for x in lines), default=0))
    chart.addAxis(counts, Qt.AlignmentFlag.AlignBottom)
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
    axis_x.append([f"{s.replace('Not ', 'Not<br>')}<br>{report.by_stage[s].count}" for s in stages])
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    counts = _count_axis(max((report.by_stage[s].count for s in stages), default=0))
    chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(counts)
    return _view(chart, parent, "Chart: open cases by stage")
