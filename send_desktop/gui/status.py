"""How a step's status looks: words, an icon with its own shape, and a colour - never colour alone."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QColor, QIcon

from send_desktop import paths
from send_desktop.timeline.catalogue import FAMILY_RIGHTS, FAMILY_STEPS, FAMILY_WINDOWS


@dataclass(frozen=True)
class StatusLook:
    label: str
    icon_name: str
    colour: str  # text colour on a white background, contrast >= 4.5:1
    rank: int  # sort order: most urgent first


# Keyed by timeline.Status values (a StrEnum, so the enum members compare equal to these).
# The colours tell warm (to act on) from cool (in hand) also for red-green colour blindness
# (overdue against done or on track stays apart under simulated deuteranopia and protanopia:
# tests/gui/test_fit_and_keys.py), and each is at least 4.5:1 on white for text.
LOOKS: dict[str, StatusLook] = {
    "overdue": StatusLook("Overdue", "overdue", "#b0350b", 0),
    "due-soon": StatusLook("Due soon", "due-soon", "#7a5700", 1),
    "late-exception": StatusLook("Late - exception", "late-exception", "#8a3a78", 2),
    "on-track": StatusLook("On track", "on-track", "#1f4e9c", 3),
    "done-late": StatusLook("Done late", "done-late", "#5d5d5d", 4),
    "done-on-time": StatusLook("Done", "done-on-time", "#0b6e8a", 5),
    "not-applicable": StatusLook("Not applicable", "not-applicable", "#56606b", 6),
    # Done in breach of the law (rules section 7): its own shape and colour, never "Done".
    "breached": StatusLook("Breached", "breached", "#8a1550", 7),
}
CLOSED = StatusLook("Closed", "closed", "#56606b", 8)
# An open case with no duty of the authority left to do (e.g. not assessed, no appeal running).
NOTHING_DUE = StatusLook("Nothing due", "not-applicable", "#56606b", 6)
NOT_ASSESSED = StatusLook("No deadline open", "not-applicable", "#56606b", 7)

# The family's time, not the LA's duty: a period the parent or young person must be given
# (comments on the draft plan, SEND Regulations 2014 reg 13(1); on proposed amendments, reg
# 22(2)) or in which they may act (mediation advice, reg 33; appeal, FtT Rules r.20(1)(c)).
# The catalogue calls these WINDOW and RIGHT steps (timeline/catalogue.py); an open one must
# not look like an LA deadline "due soon".
FAMILY_WINDOW = StatusLook("Family's window", "family", "#0b6b5a", 3)
FAMILY_RIGHT = StatusLook("Family's right", "family", "#0b6b5a", 3)
FAMILY_TIP = (
    "Time the law gives the parent or young person; not a deadline for the local authority."
)
_OPEN = frozenset({"overdue", "due-soon", "on-track"})


def is_family_step(step_id: str | None) -> bool:
    return step_id in FAMILY_STEPS


def step_look(step_id: str | None, status: object) -> StatusLook:
    """A step's look: the family's open windows and rights get their own, else the status's."""
    if str(status) in _OPEN:
        if step_id in FAMILY_WINDOWS:
            return FAMILY_WINDOW
        if step_id in FAMILY_RIGHTS:
            return FAMILY_RIGHT
    return look(status)


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


def step_icon(step_id: str | None, status: object) -> QIcon:
    return icon(step_look(step_id, status).icon_name)


def step_colour(step_id: str | None, status: object) -> QColor:
    return _colour(step_look(step_id, status).colour)


def app_icon() -> QIcon:
    return icon("app")
