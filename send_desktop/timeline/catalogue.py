"""Every step the engine knows, written once: id, title, kind, the law, exceptions, who reads it.

Pure data, no imports from the project. The scalar engine (engine.py), its numpy twin
(bulk_compute.py), the digest, the reports, the letters, SEN2 and the GUI all read a step's
title, kind, source and exceptions from here instead of restating them. The rules the engine
implements are in the domain file statutory-rules.md; each entry names its rules-file row in
`row` so a step can be traced from the screen to the law. docs/adding-a-step.md says how a new
step goes in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

# How a step behaves once its due date passes with nothing recorded.
DUTY = 0  # someone must act (LA, or a school asked for a response): overdue
WINDOW = 1  # a period the parent/young person must be given (N4, R6): it simply ends
RIGHT = 2  # a period in which the parent/young person may act (A1, A2): it lapses

KIND_WORDS: dict[int, str] = {
    DUTY: "the authority's duty",
    WINDOW: "the family's window",
    RIGHT: "the family's right",
}

_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    """One of the exceptions of reg 5(4), 8(2), 10(4), 13(3) (rules section 2, "Exceptions")."""

    code: str
    label: str  # what the caseworker picks from (record-event dialog)
    phrase: str  # how a letter to the family says it


EXCEPTIONS: tuple[ExceptionInfo, ...] = (
    ExceptionInfo(
        "X1",
        "X1 School or college closed for 4+ weeks",
        "the school or college was closed for at least 4 weeks (X1)",
    ),
    ExceptionInfo(
        "X2",
        "X2 Early-years provider closed for 4+ weeks",
        "the early-years provider was closed for at least 4 weeks (X2)",
    ),
    ExceptionInfo(
        "X3",
        "X3 Exceptional personal circumstances",
        "exceptional personal circumstances affecting the child or family (X3)",
    ),
    ExceptionInfo(
        "X4",
        "X4 Child or family away from the area for 4+ weeks",
        "the child or family was away from the area for at least 4 weeks (X4)",
    ),
    ExceptionInfo(
        "X5",
        "X5 Missed an appointment for an examination or test (advice only)",
        "an appointment for an examination or test was missed (X5)",
    ),
)
EXCEPTION_CODES: tuple[str, ...] = tuple(e.code for e in EXCEPTIONS)
EXCEPTION_LABELS: dict[str, str] = {e.code: e.label for e in EXCEPTIONS}
EXCEPTION_PHRASES: dict[str, str] = {e.code: e.phrase for e in EXCEPTIONS}

_TIME_LIMITS = frozenset({"X1", "X2", "X3", "X4"})  # reg 5(4), 10(4), 13(3); reg 27(3)
_ADVICE = frozenset({"X3", "X4", "X5"})  # reg 8(2)


@dataclass(frozen=True, slots=True)
class StepInfo:
    """One step (or planning target) as the law and the screens know it."""

    id: str  # "N1", "N2" (numbered "N2.1", "N2.2"... when a case has several), "O1.final"
    #: In the caseworker's words; "{0}" where the advice-giver's or school's name goes.
    title: str
    kind: int  # DUTY, WINDOW or RIGHT
    statutory: bool  # False: guidance or a planning target, never shown as "statutory"
    source: str  # the law it cites (regulation, section, Code of Practice, case law)
    row: str  # the rules file's table and row ("2 N1"): statutory-rules.md section and id
    #: The exceptions that excuse it when late, and the regulation that says so.
    excused_by: frozenset[str] = _NONE
    excuse_source: str = ""
    #: What reports count it as: "review" (reviews due this term), "pipeline" (the annual
    #: review pipeline), "phase" (phase transfers), "week20" (SEN2's 20-week measure).
    reports: frozenset[str] = _NONE
    #: The letter kinds (letters/kinds.py codes) written for this step.
    letters: tuple[str, ...] = ()
    #: How a report heads a count of this step, where it has a heading of its own.
    report_label: str = ""
    #: True where a case may have several (one per advice request, per school consulted).
    numbered: bool = False

    def titled(self, name: str = "") -> str:
        """The title with the body's name in it (advice, consultations); others unchanged."""
        return self.title.replace("{0}", name) if self.numbered else self.title


_ORDER_ASSESS = "Tribunal order to assess: "
_ORDER_PLAN = "Tribunal order for a plan: "
_DEVON = "R (L, M, P) v Devon CC [2022] EWHC 493 (Admin)"

STEPS: tuple[StepInfo, ...] = (
    # --- section 2: the EHC needs assessment --------------------------------------------------
    StepInfo(
        "N1",
        "Decision whether to assess",
        DUTY,
        True,
        "reg 5(1)",
        "2 N1",
        _TIME_LIMITS,
        "reg 5(4)",
        letters=("ACK", "DA", "DNA"),
    ),
    StepInfo(
        "N2",
        "Advice from {0}",
        DUTY,
        True,
        "reg 8",
        "2 N2",
        _ADVICE,
        "reg 8(2)",
        letters=("ADV", "CHASE"),
        numbered=True,
    ),
    StepInfo(
        "N3",
        "16-week decision: issue a plan, or notify not issuing",
        DUTY,
        True,
        "reg 10(1)",
        "2 N3",
        _TIME_LIMITS,
        "reg 10(4)",
        letters=("NP",),
    ),
    StepInfo(
        "N4",
        "Parent/young person's comments on the draft plan",
        WINDOW,
        True,
        "reg 13(1)",
        "2 N4",
        letters=("DP",),
    ),
    StepInfo(
        "N4b",
        "Consultation response from {0}",
        DUTY,
        False,
        "CFA s.39-40; CoP 9.83",
        "2 N4b",
        letters=("CON",),
        numbered=True,
    ),
    StepInfo(
        "N4.target",
        "Draft plan served (planning target)",
        DUTY,
        False,
        "planning target, not statutory",
        "2 (planning targets)",
    ),
    StepInfo(
        "N5",
        "Final EHC plan issued",
        DUTY,
        True,
        "reg 13(2)",
        "2 N5",
        _TIME_LIMITS,
        "reg 13(3)",
        reports=frozenset({"week20"}),
        letters=("FP",),
    ),
    # --- section 3: annual review, amendment, phase transfer ---------------------------------
    StepInfo(
        "R1",
        "Annual review of the plan",
        DUTY,
        True,
        "CFA s.44(1)",
        "3 R1",
        reports=frozenset({"review", "pipeline"}),
    ),
    StepInfo(
        "R2",
        "Notice of the review meeting to invitees",
        DUTY,
        True,
        "reg 20(3)",
        "3 R2",
        reports=frozenset({"pipeline"}),
        letters=("AR",),
    ),
    StepInfo(
        "R3",
        "Advice and information circulated before the meeting",
        DUTY,
        True,
        "reg 20(4)",
        "3 R3",
    ),
    StepInfo(
        "R4",
        "Review report sent to the LA and invitees",
        DUTY,
        True,
        "reg 20(7)",
        "3 R4",
        reports=frozenset({"pipeline"}),
    ),
    StepInfo(
        "R5",
        "Review decision (maintain, amend or cease) notified",
        DUTY,
        True,
        "reg 20(10); " + _DEVON,
        "3 R5",
        reports=frozenset({"pipeline"}),
        letters=("RD",),
    ),
    StepInfo(
        "R6",
        "Parent/young person's response to proposed amendments",
        WINDOW,
        True,
        "reg 22(2)",
        "3 R6",
    ),
    StepInfo(
        "R7",
        "Final amended plan (or notice not to amend)",
        DUTY,
        True,
        "reg 22(3); " + _DEVON,
        "3 R7",
        reports=frozenset({"pipeline"}),
        letters=("FAP", "NTA"),
    ),
    StepInfo(
        "R8",
        "Review of an under-5's plan",
        DUTY,
        False,
        "CoP 9.178",
        "3 R8",
    ),
    StepInfo(
        "P1",
        "Phase transfer: review and final amended plan",
        DUTY,
        True,
        "reg 18",
        "3 P1",
        reports=frozenset({"pipeline", "phase"}),
        letters=("PT",),
        report_label="Phase transfers before 15 February",
    ),
    StepInfo(
        "P2",
        "Phase transfer: review and final amended plan",
        DUTY,
        True,
        "reg 18",
        "3 P2",
        reports=frozenset({"pipeline", "phase"}),
        letters=("PT",),
        report_label="Phase transfers before 31 March",
    ),
    StepInfo(
        "P3",
        "Phase transfer: review and final amended plan",
        DUTY,
        True,
        "reg 18",
        "3 P3",
        reports=frozenset({"pipeline", "phase"}),
        letters=("PT",),
        report_label="Post-16 transfers (5 months before)",
    ),
    # --- section 4: moves, mediation, appeals, Tribunal orders --------------------------------
    StepInfo(
        "T1",
        "Old LA transfers the plan to the new LA",
        DUTY,
        True,
        "reg 15(2)",
        "4 T1",
    ),
    StepInfo(
        "T2",
        "New LA tells the parent/young person about the transferred plan",
        DUTY,
        True,
        "reg 15(4)",
        "4 T2",
    ),
    StepInfo(
        "T3",
        "New LA's first review",
        DUTY,
        True,
        "reg 15(5)",
        "4 T3",
    ),
    StepInfo(
        "A1",
        "Parent/young person contacts a mediation adviser",
        RIGHT,
        True,
        "reg 33",
        "4 A1",
    ),
    StepInfo(
        "A2",
        "Appeal to the First-tier Tribunal (SEND)",
        RIGHT,
        True,
        "FtT r.20(1)(c), r.12",
        "4 A2",
    ),
    StepInfo(
        "A3",
        "Mediation certificate issued",
        DUTY,
        True,
        "regs 34-39",
        "4 A3",
    ),
    StepInfo(
        "A4",
        "LA arranges mediation",
        DUTY,
        True,
        "reg 37",
        "4 A4",
    ),
    StepInfo(
        "O1.notice",
        _ORDER_ASSESS + "notify the parent/young person",
        DUTY,
        True,
        "reg 44",
        "4 O1",
    ),
    StepInfo(
        "O1.no-plan",
        _ORDER_ASSESS + "notice of decision not to issue a plan",
        DUTY,
        True,
        "reg 44",
        "4 O1",
    ),
    StepInfo(
        "O1.final",
        _ORDER_ASSESS + "final EHC plan issued",
        DUTY,
        True,
        "reg 44",
        "4 O1",
    ),
    StepInfo(
        "O2.draft",
        _ORDER_PLAN + "draft plan issued",
        DUTY,
        True,
        "reg 44",
        "4 O2",
    ),
    StepInfo(
        "O2.final",
        _ORDER_PLAN + "final EHC plan issued",
        DUTY,
        True,
        "reg 44",
        "4 O2",
    ),
    StepInfo(
        "O3",
        "Re-assessment: final EHC plan issued",
        DUTY,
        True,
        "reg 27",
        "4 O3",
        # reg 27(3): the re-assessment's time limit does not apply in the circumstances of
        # reg 10(4)(a)-(d), the same as the 20 weeks'.
        _TIME_LIMITS,
        "reg 27(3)",
    ),
)

CATALOGUE: dict[str, StepInfo] = {s.id: s for s in STEPS}
assert len(CATALOGUE) == len(STEPS), "a step id is listed twice"


def base_id(step_id: str) -> str:
    """The catalogue id of a step as a case shows it: "N2.3" -> "N2", "O1.final" stays."""
    if step_id in CATALOGUE:
        return step_id
    return step_id.rsplit(".", 1)[0]


def step(step_id: str) -> StepInfo:
    """The catalogue entry of a step id as a case shows it ("N2.3" is N2's). KeyError if none."""
    return CATALOGUE[base_id(step_id)]


def ids_with(kind: int) -> frozenset[str]:
    """The ids of the steps of one kind (DUTY, WINDOW or RIGHT)."""
    return frozenset(s.id for s in STEPS if s.kind == kind)


def ids_counted_as(role: str) -> tuple[str, ...]:
    """The ids a report counts in a role ("review", "pipeline", "phase", "week20"), in order."""
    return tuple(s.id for s in STEPS if role in s.reports)


def letter_step(letter_code: str) -> str | None:
    """The step a letter kind is written for, as an id prefix ("PT" serves P1-P3: "P")."""
    ids = [s.id for s in STEPS if letter_code in s.letters]
    if not ids:
        return None
    prefix = ids[0]
    for other in ids[1:]:
        while not other.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


# Which exceptions excuse which step, and where the law says so (only the steps with any).
EXCEPTIONS_FOR: dict[str, frozenset[str]] = {s.id: s.excused_by for s in STEPS if s.excused_by}
EXCEPTION_SOURCE: dict[str, str] = {s.id: s.excuse_source for s in STEPS if s.excused_by}
#: SEN2's Week20 flag: an exception that excuses a late final plan (reg 13(3)).
WEEK20_CODES: tuple[str, ...] = tuple(sorted(CATALOGUE["N5"].excused_by))
#: The family's time, not the LA's duty: never an authority's deadline.
FAMILY_WINDOWS: frozenset[str] = ids_with(WINDOW)
FAMILY_RIGHTS: frozenset[str] = ids_with(RIGHT)
FAMILY_STEPS: frozenset[str] = FAMILY_WINDOWS | FAMILY_RIGHTS


# ---------------------------------------------------------------- steps that are one date + a count


@dataclass(frozen=True, slots=True)
class DateRule:
    """A step due a fixed count after one recorded date and done on another: this one line is
    the rule for the scalar engine (engine.py) and its numpy twin (bulk_compute.py) alike.

    `after` and `done` are Facts' single dates; `unit` is "weeks" (counted as the policy counts
    weeks, counting.weeks_after) or "working days" (counting.add_working_days); `group` is the
    engine's rule group at whose end the step is worked out ("assessment", "reviews", "moves",
    "appeals", "orders"), so it sits among its neighbours in both engines."""

    step: str
    after: str
    count: int
    unit: str
    done: str
    headline: str  # the explanation's first words ("... due")
    after_words: str  # the start date in the explanation ("plan transferred {0} + 6 weeks")
    group: str
    # The done date counts only on or after the start (a plan after the order, not before it).
    done_from_start: bool = False
    # The condition: not applicable, while not done, once any of these Facts dates is recorded
    # on or after the start (the case took the other road: no notice not to issue a plan when
    # a plan is being issued), with `unless_words` as the reason shown.
    unless: tuple[str, ...] = ()
    unless_words: str = ""
    # The explanation's template, made once ("plan transferred {0} + 6 weeks"): the engine
    # reads it for every case.
    basis: str = field(init=False, default="")
    weeks: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "basis", f"{self.after_words} {{0}} + {self.count} {self.unit}")
        object.__setattr__(self, "weeks", self.unit == "weeks")


DATE_RULES: tuple[DateRule, ...] = (
    DateRule(
        "T2",
        "plan_transferred",
        6,
        "weeks",
        "transfer_notice_sent",
        "New LA's letter about the transferred plan due",
        "plan transferred",
        "moves",
    ),
    # Rules row O1 (reg 44): under the Tribunal's order to assess, the parent told within 2
    # weeks; the notice not to issue a plan within 10 (unless a plan is being issued) or the
    # final plan within 14 (unless the LA decided not to issue one), only after the order.
    DateRule(
        "O1.notice",
        "order_assess",
        2,
        "weeks",
        "order_notice_sent",
        "Under the Tribunal order to assess, notify the parent/young person due",
        "order",
        "orders",
    ),
    DateRule(
        "O1.no-plan",
        "order_assess",
        10,
        "weeks",
        "not_issue_decision",
        "Under the Tribunal order to assess, notice of decision not to issue a plan due",
        "order",
        "orders",
        done_from_start=True,
        unless=("final_issued", "draft_served"),
        unless_words="the LA is issuing a plan",
    ),
    DateRule(
        "O1.final",
        "order_assess",
        14,
        "weeks",
        "final_issued",
        "Under the Tribunal order to assess, final EHC plan issued due",
        "order",
        "orders",
        done_from_start=True,
        unless=("not_issue_decision",),
        unless_words="the LA decided not to issue a plan",
    ),
    # Rules row O2 (reg 44): under the Tribunal's order for a plan, the draft within 5 weeks
    # and the final plan within 11 of the order (only a plan after the order counts).
    DateRule(
        "O2.draft",
        "order_plan",
        5,
        "weeks",
        "draft_served",
        "Under the Tribunal order for a plan, draft plan issued due",
        "order",
        "orders",
        done_from_start=True,
    ),
    DateRule(
        "O2.final",
        "order_plan",
        11,
        "weeks",
        "final_issued",
        "Under the Tribunal order for a plan, final EHC plan issued due",
        "order",
        "orders",
        done_from_start=True,
    ),
    # Rules row O3 (reg 27): a re-assessment's final plan within 14 weeks of the notification.
    DateRule(
        "O3",
        "reassessment_notified",
        14,
        "weeks",
        "final_issued",
        "Final plan after re-assessment due",
        "re-assessment notified",
        "orders",
        done_from_start=True,
    ),
)
DATE_UNITS: frozenset[str] = frozenset({"weeks", "working days"})

#: Dates of a case that only the rule table above reads (no engine code names them), declared
#: once here: each is a `Facts` field (timeline/model.py adds it), a Date column of the case
#: table (store/models.py adds it), an input column of the numpy twin (bulk_columns.py, from
#: `Facts`) and a field of the store's registry (store/fields.py: its label and chronology
#: title; tests/store/test_fields.py fails without it). A date the engines' code reads by
#: name is declared by hand instead (a typed Facts field and ORM column, for mypy).
RULE_DATES: tuple[str, ...] = ()
DATE_GROUPS: tuple[str, ...] = ("assessment", "reviews", "moves", "appeals", "orders")


def date_rules(group: str) -> tuple[DateRule, ...]:
    """The one-date steps worked out at the end of an engine's rule group, in table order."""
    return DATE_RULES_BY_GROUP.get(group, ())


# Only the groups that have any (the engine skips the others with one lookup).
DATE_RULES_BY_GROUP: dict[str, tuple[DateRule, ...]] = {
    g: tuple(r for r in DATE_RULES if r.group == g) for g in {r.group for r in DATE_RULES}
}


def _canonical(value: Any) -> Any:
    """A value as plain nested tuples in a fixed order (sets sorted: their own order changes
    from one run to the next with Python's string hashing)."""
    if is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            *((f.name, _canonical(getattr(value, f.name))) for f in fields(value)),
        )
    if isinstance(value, frozenset | set):
        return ("set", *sorted((_canonical(v) for v in value), key=repr))
    if isinstance(value, tuple | list):
        return tuple(_canonical(v) for v in value)
    if isinstance(value, dict):
        return ("dict", *sorted(((repr(k), _canonical(v)) for k, v in value.items()), key=repr))
    return value


def fingerprint(*tables: Any) -> str:
    """A short hash of tables of steps and rules, the same in every run while they are equal.

    The digest's RULES_VERSION ends in the fingerprint of this module's tables, so a step or a
    rule added or changed here makes every stored digest stale (recomputed on the next open)
    with no hand bump."""
    return hashlib.sha256(repr(_canonical(tables)).encode()).hexdigest()[:10]


def tables() -> tuple[Any, ...]:
    """The tables of this module that decide what the engines compute."""
    return (EXCEPTIONS, STEPS, DATE_RULES, RULE_DATES)
