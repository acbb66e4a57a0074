"""Statutory clocks for EHC needs assessments and plans: pure Python, no Qt, no SQLAlchemy."""

from send_desktop.timeline.catalogue import EXCEPTION_CODES
from send_desktop.timeline.closures import closure_warnings, x1_qualifying_window
from send_desktop.timeline.engine import (
    compute_steps,
    next_deadline,
    overdue_count,
    stage_of,
    summarise,
)
from send_desktop.timeline.model import (
    OPEN_STATUSES,
    STAGES,
    AdviceRequest,
    CaseSummary,
    Consultation,
    ExceptionRecord,
    Facts,
    Policy,
    Review,
    Status,
    Step,
)
from send_desktop.timeline.timeliness import (
    NATIONAL_2024_OTHER,
    NATIONAL_TIMELINESS,
    NationalFigure,
    Timeliness,
    timeliness,
)

__all__ = [
    "EXCEPTION_CODES",
    "NATIONAL_2024_OTHER",
    "NATIONAL_TIMELINESS",
    "OPEN_STATUSES",
    "STAGES",
    "AdviceRequest",
    "CaseSummary",
    "Consultation",
    "ExceptionRecord",
    "Facts",
    "NationalFigure",
    "Policy",
    "Review",
    "Status",
    "Step",
    "Timeliness",
    "closure_warnings",
    "compute_steps",
    "next_deadline",
    "overdue_count",
    "stage_of",
    "summarise",
    "timeliness",
    "x1_qualifying_window",
]
