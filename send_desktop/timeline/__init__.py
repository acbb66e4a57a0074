"""Statutory clocks for EHC needs assessments and plans: pure Python, no Qt, no SQLAlchemy."""

from send_desktop.timeline.model import (
    EXCEPTION_CODES,
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

__all__ = [
    "EXCEPTION_CODES",
    "OPEN_STATUSES",
    "STAGES",
    "AdviceRequest",
    "CaseSummary",
    "Consultation",
    "ExceptionRecord",
    "Facts",
    "Policy",
    "Review",
    "Status",
    "Step",
]
