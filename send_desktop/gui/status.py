"""How a step's status looks: words, an icon with its own shape, and a colour - never colour alone."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QColor, QIcon

from send_desktop import paths


@dataclass(frozen=True)
class StatusLook:
    label: str
    icon_name: str
    colour: str  # text colour on a white background, contrast >= 4.5:1
    rank: int  # sort order: most urgent first


# Keyed by timeline.Status values (a StrEnum, so the enum members compare equal to these).
LOOKS: dict[str, StatusLook] = {
    "overdue": StatusLook("Overdue", "overdue", "#a4141b", 0),
    "due-soon": StatusLook("Due soon", "due-soon", "#8a4b00", 1),
    "late-exception": StatusLook("Late - exception", "late-exception", "#5b2d8a", 2),
    "on-track": StatusLook("On track", "on-track", "#1d4f91", 3),
    "done-late": StatusLook("Done late", "done-late", "#5c4d00", 4),
    "done-on-time": StatusLook("Done", "done-on-time", "#1f6e3d", 5),
    "not-applicable": StatusLook("Not applicable", "not-applicable", "#56606b", 6),
    # Done in breach of the law (rules section 7): its own shape and colour, never "Done".
    "breached": StatusLook("Breached", "breached", "#8a1550", 7),
}
CLOSED = StatusLook("Closed", "closed", "#56606b", 8)


def look(status: object) -> StatusLook:
    if status is None:
        return CLOSED
    return LOOKS.get(str(status), CLOSED)


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(paths.resource(f"icons/{name}.svg")))


def status_icon(status: object) -> QIcon:
    return icon(look(status).icon_name)


@cache
def _colour(hex_code: str) -> QColor:
    return QColor(hex_code)


def status_colour(status: object) -> QColor:
    return _colour(look(status).colour)


def app_icon() -> QIcon:
    return icon("app")
