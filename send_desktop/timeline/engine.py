"""The statutory steps of a case: which apply, when each is due, and where each stands."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from send_desktop.timeline import counting as c
from send_desktop.timeline import order
from send_desktop.timeline.catalogue import (
    DATE_RULES_BY_GROUP,
    DUTY,
    EXCEPTION_SOURCE,
    RIGHT,
    WINDOW,
    DateRule,
)
from send_desktop.timeline.catalogue import step as step_info
from send_desktop.timeline.model import (
    OPEN_STATUSES,
    CaseSummary,
    Facts,
    Policy,
    Review,
    Status,
    Step,
)

_NO_CODES: frozenset[str] = frozenset()
_DAY = timedelta(days=1)

# Why a step does not apply: a template with {0}... for dates, and the dates. Formatted only
# when an explanation is wanted, so summarise() never builds text.
Reason = tuple[str, tuple[date, ...]]


class _Draft:
    """A step before the "as of" date is applied: cheap to build, no text formatted yet."""

    __slots__ = (
        "args",
        "basis",
        "breach",
        "covered",
        "done",
        "due",
        "headline",
        "id",
        "kind",
        "not_applicable",
        "source",
        "statutory",
        "title",
        "window_start",
    )

    def __init__(
        self,
        id: str,
        due: date | None,
        done: date | None,
        headline: str,
        basis: str,
        args: tuple[date, ...],
        *,
        name: str = "",
        codes: frozenset[str] = _NO_CODES,
        not_applicable: Reason | None = None,
        window_start: date | None = None,
        breach: Reason | None = None,
    ) -> None:
        # Title, source, kind, whether statutory and the exceptions that excuse it: the
        # catalogue's; the name of the advice-giver or school goes into N2's and N4b's title.
        info = step_info(id)
        self.id = id
        self.title = info.titled(name)
        self.due = due
        self.done = done
        self.source = info.source
        self.headline = headline
        self.basis = basis
        self.args = args
        self.kind = info.kind
        self.statutory = info.statutory
        self.covered = codes & info.excused_by if codes else _NO_CODES
        self.not_applicable = not_applicable
        self.window_start = window_start
        # Why the step, done or not, is in breach of the law (rules section 7): a template
        # with {0}... for dates, as not_applicable.
        self.breach = breach


def _status(d: _Draft, as_of: date, policy: Policy) -> tuple[Status, int | None]:
    """The step's status on `as_of`, and its days left (negative: days late)."""
    if d.breach is not None:
        return Status.BREACHED, None
    if d.not_applicable is not None or d.due is None:
        return Status.NOT_APPLICABLE, None
    due = d.due
    if d.done is not None:
        if d.done <= due:
            return Status.DONE_ON_TIME, None
        return (Status.LATE_EXCEPTION if d.covered else Status.DONE_LATE), None
    days = (due - as_of).days
    if days < 0:
        if d.kind == WINDOW:
            return Status.DONE_ON_TIME, None
        if d.kind == RIGHT:
            return Status.NOT_APPLICABLE, None
        return (Status.LATE_EXCEPTION if d.covered else Status.OVERDUE), days
    warn = policy.warning_working_days
    if policy.step_warning_days:
        warn = policy.warning_days_for(d.id)
    # Due soon: at most `warn` working days in as_of+1 .. due (a due date on a bank holiday
    # is reached when the working day before it is).
    if due < c.add_working_days(as_of, warn + 1):
        return Status.DUE_SOON, days
    return Status.ON_TRACK, days


# --- the rules -----------------------------------------------------------------------------


def _after(day: date | None, start: date) -> date | None:
    """`day` if it happened on or after `start` (a done date belongs to a later clock)."""
    return day if day is not None and day >= start else None


def _assessment(f: Facts, p: Policy, codes: frozenset[str], out: list[_Draft]) -> None:
    """N1-N5, N4b and the draft-plan target (rules section 2)."""
    not_assessed = f.decision_outcome == "not-assess"
    ended_at_n1: Reason | None = None
    if not_assessed:
        ended_at_n1 = (
            ("the LA decided not to assess ({0})", (f.decision_to_assess,))
            if f.decision_to_assess is not None
            else ("the LA decided not to assess", ())
        )
    ended_at_n3: Reason | None = (
        ("the LA decided not to issue a plan ({0})", (f.not_issue_decision,))
        if f.not_issue_decision is not None
        else None
    )
    # Advice still outstanding when the assessment ends (not assessed, not issuing, or the final
    # plan issued) is no longer a deadline to chase: the reg 8 period only serves the assessment.
    assessment_ended = (
        ended_at_n1
        or ended_at_n3
        or (
            ("the final plan was issued {0}", (f.final_issued,))
            if f.final_issued is not None
            else None
        )
    )
    advice_ended = assessment_ended if f.order_assess is None and f.order_plan is None else None
    # Advice still outstanding when the final plan was issued is not "not applicable": the plan
    # was made without it (regs 8 and 11), so the step shows as breached (rules section 7).
    final_ended = (
        advice_ended is not None and ended_at_n1 is None and ended_at_n3 is None
    ) and f.final_issued is not None
    at_final = order.outstanding_at(f, f.final_issued) if f.final_issued is not None else []
    trigger = f.request_received
    if trigger is not None:
        out.append(
            _Draft(
                "N1",
                c.weeks_after(trigger, 6, p),
                f.decision_to_assess,
                "Decision whether to assess due",
                "request received {0} + 6 weeks",
                (trigger,),
                codes=codes,
            )
        )
    several = len(f.advice) > 1
    for n, advice in enumerate(f.advice, 1):
        out.append(
            _Draft(
                f"N2.{n}" if several else "N2",
                c.weeks_after(advice.requested, 6, p),
                advice.received,
                f"Advice from {advice.kind} due",
                "advice requested {0} + 6 weeks",
                (advice.requested,),
                name=advice.kind,
                codes=codes,
                not_applicable=advice_ended
                if advice.received is None and not (final_ended and n - 1 in at_final)
                else None,
                breach=(
                    "not received before the final plan was issued {0} (regs 8 and 11)",
                    (f.final_issued,),
                )
                if final_ended and n - 1 in at_final and f.final_issued is not None
                else None,
            )
        )
    several = len(f.consultations) > 1
    for n, consulted in enumerate(f.consultations, 1):
        out.append(
            _Draft(
                f"N4b.{n}" if several else "N4b",
                c.days_window(consulted.sent, 15),
                consulted.responded,
                f"Response from {consulted.institution} expected by",
                "consultation sent {0}, 15 days beginning with that day (guidance)",
                (consulted.sent,),
                name=consulted.institution,
                window_start=consulted.sent,
            )
        )
    if f.draft_served is not None:
        served = f.draft_served
        window_end = c.days_window(served, 15)
        basis = "draft served {0}, at least 15 days beginning with that day; final plan from {1}"
        args: tuple[date, ...] = (served, window_end + _DAY)
        cut_short: Reason | None = None
        if f.final_issued is not None and served <= f.final_issued <= window_end:
            cut_short = (
                "the final plan was issued {0}, before the window ended (reg 13(1))",
                (f.final_issued,),
            )
        out.append(
            _Draft(
                "N4",
                window_end,
                None,
                "Comment window on the draft plan ends",
                basis,
                args,
                window_start=served,
                breach=cut_short,
            )
        )
    if trigger is None:
        return
    n3_na = ended_at_n1
    if f.not_issue_decision is None and n3_na is None:
        issued = f.draft_served or f.final_issued
        if issued is not None:
            n3_na = ("the LA decided to issue a plan (draft or final plan {0})", (issued,))
    out.append(
        _Draft(
            "N3",
            c.weeks_after(trigger, 16, p),
            f.not_issue_decision,
            "Decision whether to issue a plan due (notice if not issuing)",
            "request received {0} + 16 weeks",
            (trigger,),
            codes=codes,
            not_applicable=n3_na if f.not_issue_decision is None else None,
        )
    )
    n5_due = c.weeks_after(trigger, 20, p)
    n5_na = ended_at_n1 or ended_at_n3
    if f.final_issued is not None and f.final_issued >= trigger:
        n5_na = None  # a plan was issued after all (e.g. on a Tribunal order): it is N5's done
    schools = bool(f.consultations)
    draft_breach: Reason | None = None
    if f.draft_served is not None and n5_na is None:
        missing = order.outstanding_at(f, f.draft_served)
        if missing:
            draft_breach = (
                "served {0} while advice from "
                + ", ".join(f.advice[m].kind for m in missing)
                + " had not been received (regs 8 and 11)",
                (f.draft_served,),
            )
    final_breach: Reason | None = None
    if f.final_issued is not None and n5_na is None:
        why: list[str] = []
        if f.draft_served is not None and order.final_in_window(f):
            why.append("inside the 15-day comment window on the draft served {1} (reg 13(1))")
        missing = order.outstanding_at(f, f.final_issued)
        if missing:
            why.append(
                "while advice from "
                + ", ".join(f.advice[m].kind for m in missing)
                + " had not been received (regs 8 and 11)"
            )
        if why:
            final_breach = (
                "issued {0} " + "; and ".join(why),
                (f.final_issued, f.draft_served or f.final_issued),
            )
    out.append(
        _Draft(
            "N4.target",
            n5_due - timedelta(days=30 if schools else 15),
            f.draft_served,
            "Target for serving the draft plan",
            "final plan due {0} - 30 days (15 for comments, 15 for the school consulted)"
            if schools
            else "final plan due {0} - 15 days for comments",
            (n5_due,),
            not_applicable=n5_na,
            breach=draft_breach,
        )
    )
    out.append(
        _Draft(
            "N5",
            n5_due,
            f.final_issued if n5_na is None else None,
            "Final plan due",
            "request received {0} + 20 weeks",
            (trigger,),
            codes=codes,
            not_applicable=n5_na,
            breach=final_breach,
        )
    )


def _phase_transfer(f: Facts, p: Policy, plan_start: date | None) -> _Draft | None:
    """P1-P3: reg 18's deadline for the review and final amended plan before a transfer."""
    transfer, kind = f.phase_transfer, f.transfer_kind
    if transfer is None or kind is None:
        return None
    if kind == "post16-other":
        step, due = "P3", c.months_before(transfer, 5)
        basis = "transfer {0} - 5 months (at least 5 months before)"
    else:
        step, due = ("P1", "P2")[kind != "school"], c.transfer_deadline(transfer, kind, p)
        when = "15 February" if kind == "school" else "31 March"
        if p.transfer_deadline == "strict":
            basis = f"transfer {{0}}, before {when} of that year"
        else:
            basis = f"transfer {{0}}, by {when} of that year (policy)"
    year_before = c.months_after(due, -12)
    done = None
    for r in f.reviews:
        finished = r.final_amended or (r.decision_sent if r.outcome == "M" else None)
        if finished is not None and finished > year_before and (done is None or finished < done):
            done = finished
    na: Reason | None = None
    if f.ceased is not None and done is None:
        na = ("the plan ceased ({0})", (f.ceased,))
    elif plan_start is not None and plan_start > due and done is None:
        na = ("the plan was issued after this deadline: it should name the new setting", ())
    return _Draft(
        step,
        due,
        done,
        "Phase-transfer review and amended plan due",
        basis,
        (transfer,),
        not_applicable=na,
    )


def _review_sort_key(r: Review) -> date:
    return r.meeting or r.decision_sent or r.amendment_sent or r.final_amended or date.min


def _reviews(f: Facts, p: Policy, out: list[_Draft]) -> None:
    """R1-R8, P1-P3 and T3 (rules section 3, reg 15(5))."""
    plan_start = f.plan_issued or f.final_issued
    reviews = sorted(
        (r for r in f.reviews if _review_sort_key(r) != date.min), key=_review_sort_key
    )
    # A review (or amendment) means a plan exists, so its steps are computed without the plan's
    # date (rules section 7). A phase transfer does too, unless an assessment is under way
    # (a request without a plan: reg 18 is about reviewing a plan that exists).
    implied = bool(reviews)
    if (
        plan_start is None
        and f.plan_transferred is None
        and not implied
        and (f.phase_transfer is None or f.request_received is not None)
    ):
        return
    ceased: Reason | None = ("the plan ceased ({0})", (f.ceased,)) if f.ceased is not None else None
    decisions = sorted(r.decision_sent for r in reviews if r.decision_sent is not None)
    phase = (
        _phase_transfer(f, p, plan_start)
        if plan_start is not None or implied or f.request_received is None
        else None
    )
    if phase is not None:
        out.append(phase)
    longstop = phase.due if phase is not None and phase.not_applicable is None else None

    cycle_na = ceased  # R1 and R8 of this cycle
    base = plan_start
    base_words = "plan issued {0}"
    if decisions and (base is None or decisions[-1] >= base):
        base, base_words = decisions[-1], "last review decision sent {0}"
    if f.plan_transferred is not None:
        moved = f.plan_transferred
        after = [d for d in decisions if d >= moved]
        before = [d for d in decisions if d < moved]
        starts = [*before, plan_start] if plan_start is not None else before
        cycle = max(starts) if starts else None
        three = c.months_starting_with(moved, 3)
        due = three if cycle is None else max(three, c.review_due(cycle, p))
        basis = "the later of 12 months from {0} and 3 months beginning with the transfer {1}"
        out.append(
            _Draft(
                "T3",
                due,
                after[0] if after else None,
                "First review by the new LA due",
                basis if cycle is not None else "3 months beginning with the transfer {0}",
                (cycle, moved) if cycle is not None else (moved,),
                not_applicable=ceased if not after else None,
            )
        )
        if not after and cycle_na is None:
            cycle_na = ("the new LA's first review (T3) is this year's review", ())
    if base is not None:
        due = c.review_due(base, p)
        basis = base_words + (
            ", the 12 months starting with that day"
            if p.review_year == "strict"
            else ", the anniversary (policy)"
        )
        args: tuple[date, ...] = (base,)
        if longstop is not None and base <= longstop < due:
            due = longstop
            basis += ", brought forward by the phase-transfer deadline"
        if f.date_of_birth is not None and c.national_curriculum_year(f.date_of_birth, due) >= 9:
            basis += "; Year 9 or above: cover preparation for adulthood (reg 20(6))"
        out.append(
            _Draft("R1", due, None, "Annual review due", basis, args, not_applicable=cycle_na)
        )
        dob = f.date_of_birth
        if dob is not None:
            months = p.under5_review_months
            under5_due = c.months_after(base, months)
            if under5_due < c.months_after(dob, 60):
                out.append(
                    _Draft(
                        "R8",
                        under5_due,
                        None,
                        "Under-5 review due",
                        base_words + f" + {months} months (guidance: every 3-6 months)",
                        (base,),
                        not_applicable=cycle_na,
                    )
                )
    if reviews:
        _current_review(reviews[-1], p, longstop, ceased, out)


def _current_review(
    r: Review, p: Policy, longstop: date | None, ceased: Reason | None, out: list[_Draft]
) -> None:
    """R2-R7 for the latest review recorded."""

    def step(d: _Draft) -> None:
        if ceased is not None and d.done is None and d.kind != WINDOW:
            d.not_applicable = ceased
        out.append(d)

    meeting = r.meeting
    if meeting is not None:
        before = c.weeks_before(meeting, 2, p)
        step(
            _Draft(
                "R2",
                before,
                r.notice_sent,
                "Invitations to the review meeting due by",
                "meeting {0}, at least 2 weeks before",
                (meeting,),
            )
        )
        step(
            _Draft(
                "R3",
                before,
                r.advice_circulated,
                "Advice for the review circulated by",
                "meeting {0}, at least 2 weeks before",
                (meeting,),
            )
        )
        step(
            _Draft(
                "R4",
                c.weeks_after(meeting, 2, p),
                r.report_sent,
                "Review report due",
                "meeting {0} + 2 weeks",
                (meeting,),
            )
        )
        step(
            _Draft(
                "R5",
                c.weeks_after(meeting, 4, p),
                r.decision_sent,
                "Review decision due",
                "meeting {0} + 4 weeks; if amending, the proposed amendments go with it",
                (meeting,),
            )
        )
    sent = r.amendment_sent
    if sent is not None:
        step(
            _Draft(
                "R6",
                c.days_window(sent, 15),
                None,
                "Response window on the proposed amendments ends",
                "amendments sent {0}, at least 15 days beginning with that day",
                (sent,),
                window_start=sent,
            )
        )
    if sent is None and (r.outcome != "A" or meeting is None):
        return
    args: tuple[date, ...]
    if sent is not None and meeting is not None:
        by_notice, by_meeting = c.weeks_after(sent, 8, p), c.weeks_after(meeting, 12, p)
        if by_notice <= by_meeting:
            due, basis, args = by_notice, "amendments sent {0} + 8 weeks", (sent,)
        else:
            due, basis = by_meeting, "meeting {0} + 12 weeks (earlier than amendments sent {1} + 8)"
            args = (meeting, sent)
    elif sent is not None:
        due, basis, args = c.weeks_after(sent, 8, p), "amendments sent {0} + 8 weeks", (sent,)
    else:
        assert meeting is not None
        due, basis, args = c.weeks_after(meeting, 12, p), "meeting {0} + 12 weeks", (meeting,)
    if longstop is not None and (meeting or sent or longstop) <= longstop < due:
        due = longstop
        basis += ", brought forward by the phase-transfer deadline"
    step(_Draft("R7", due, r.final_amended, "Final amended plan due", basis, args))


def _date_rules(
    f: Facts, p: Policy, codes: frozenset[str], rules: tuple[DateRule, ...], out: list[_Draft]
) -> None:
    """The steps that are one recorded date + a count (catalogue.DATE_RULES) of a rule group."""
    for rule in rules:
        start = getattr(f, rule.after)
        if start is None:
            continue
        if rule.weeks:
            due = c.weeks_after(start, rule.count, p)
        else:
            due = c.add_working_days(start, rule.count)
        done = getattr(f, rule.done)
        if rule.done_from_start:
            done = _after(done, start)
        na: Reason | None = None
        if done is None and any(_after(getattr(f, n), start) for n in rule.unless):
            na = (rule.unless_words, ())
        out.append(
            _Draft(
                rule.step,
                due,
                done,
                rule.headline,
                rule.basis,
                (start,),
                codes=codes,
                not_applicable=na,
            )
        )


def _moves(f: Facts, p: Policy, out: list[_Draft]) -> None:
    """T1-T2: a move to another LA (reg 15); T3 is with the reviews."""
    move = f.move_date
    if move is not None:
        aware = f.aware_of_move
        if aware is not None and c.working_days_between(aware, move) < 15:
            due = c.working_days_within(aware, 15)
            basis = "old LA knew {0}, fewer than 15 working days before the move {1}: "
            basis += "15 working days beginning with the day it knew"
            args: tuple[date, ...] = (aware, move)
        else:
            due, basis, args = move, "the day of the move {0}", (move,)
        out.append(
            _Draft("T1", due, f.plan_transferred, "Plan transfer to the new LA due", basis, args)
        )


def _appeals(f: Facts, p: Policy, out: list[_Draft]) -> None:
    """A1-A4: mediation and the Tribunal appeal (rules section 4)."""
    decision = f.decision_sent
    if decision is None and f.decision_outcome == "not-assess":
        decision = f.decision_to_assess
    if decision is None:
        decision = f.not_issue_decision
    if decision is not None:
        contacted = [
            d for d in (f.mediation_requested, f.mediation_declined, f.certificate_issued) if d
        ]
        out.append(
            _Draft(
                "A1",
                c.months_after(decision, 2),
                min(contacted) if contacted else None,
                "Mediation adviser to be contacted by",
                "decision sent {0} + 2 months (not needed for placement-only appeals)",
                (decision,),
            )
        )
        plain = c.months_after(decision, 2)
        args: tuple[date, ...] = (decision,)
        latest, basis = plain, "decision sent {0} + 2 months"
        cert = f.certificate_issued
        if cert is not None:
            after_cert = c.months_after(cert, 1)
            basis = "the later of decision sent {0} + 2 months ({1}) and certificate {2} + 1 month ({3})"
            args = (decision, plain, cert, after_cert)
            latest = max(plain, after_cert)
        due = c.tribunal_deadline(latest)
        if due != latest:
            # A date has no braces, so it can go into the template already written out.
            day = c.long_date(latest)
            if (latest.month, latest.day) >= (12, 25) or (latest.month, latest.day) == (1, 1):
                basis += f"; {day} falls in 25 Dec-1 Jan, so the first working day after 1 Jan"
            elif latest.month == 8:
                basis += f"; {day} falls in August, so the first working day after 31 Aug"
            else:
                basis += f"; {day} is not a working day, so the next working day"
        out.append(_Draft("A2", due, f.appeal_lodged, "Appeal to the Tribunal by", basis, args))
    asked = f.mediation_requested
    if asked is not None:
        out.append(
            _Draft(
                "A4",
                asked + timedelta(days=30),
                f.mediation_held,
                "Mediation to take place by",
                "LA told {0} + 30 days",
                (asked,),
            )
        )
    trigger = f.mediation_declined or f.mediation_held
    if trigger is not None:
        counted = (
            "counted from the next working day"
            if p.certificate_count == "next-day"
            else "that day counted if a working day (policy)"
        )
        what = "mediation declined" if f.mediation_declined else "mediation held"
        out.append(
            _Draft(
                "A3",
                c.certificate_due(trigger, p),
                f.certificate_issued,
                "Mediation certificate due",
                what + " {0} + 3 working days, " + counted,
                (trigger,),
            )
        )


def _drafts(facts: Facts, policy: Policy) -> list[_Draft]:
    """Every step the facts determine, in due order (undated steps last, stable)."""
    codes = frozenset(e.code for e in facts.exceptions) if facts.exceptions else _NO_CODES
    out: list[_Draft] = []
    # Each group's one-date steps (catalogue.DATE_RULES) right after it, as bulk_compute does;
    # a group with none costs one dict lookup (this runs for every case).
    table = DATE_RULES_BY_GROUP
    _assessment(facts, policy, codes, out)
    if "assessment" in table:
        _date_rules(facts, policy, codes, table["assessment"], out)
    _reviews(facts, policy, out)
    if "reviews" in table:
        _date_rules(facts, policy, codes, table["reviews"], out)
    _moves(facts, policy, out)
    if "moves" in table:
        _date_rules(facts, policy, codes, table["moves"], out)  # T2
    _appeals(facts, policy, out)
    if "appeals" in table:
        _date_rules(facts, policy, codes, table["appeals"], out)
    if "orders" in table:  # O1-O3
        _date_rules(facts, policy, codes, table["orders"], out)
    out.sort(key=_due_key)
    return out


def _due_key(d: _Draft) -> date:
    return d.due or date.max


# --- explanations ----------------------------------------------------------------------------


def _exception_words(d: _Draft) -> str:
    base = d.id.split(".", 1)[0]
    codes = ", ".join(sorted(d.covered))
    return (
        f"late - exception {codes} applies ({EXCEPTION_SOURCE[base]}): the deadline stands, "
        "act as soon as practicable"
    )


def _explain(d: _Draft, status: Status, days: int | None) -> str:
    basis = d.basis.format(*(c.long_date(a) for a in d.args))
    if d.not_applicable is not None:
        template, dates = d.not_applicable
        why = template.format(*(c.long_date(a) for a in dates))
        return f"{d.title}: not applicable - {why} ({d.source})"
    assert d.due is not None
    line = f"{d.headline} {c.long_date(d.due)}: {basis} ({d.source})"
    if d.breach is not None:
        template, dates = d.breach
        why = template.format(*(c.long_date(a) for a in dates))
        done = f"; done {c.long_date(d.done)}" if d.done is not None else ""
        return f"{line}{done}; breached - {why}"
    if d.done is not None:
        late = (d.done - d.due).days
        if late <= 0:
            return f"{line}; done {c.long_date(d.done)}"
        plural = "s" if late != 1 else ""
        if status is Status.LATE_EXCEPTION:
            return f"{line}; done {c.long_date(d.done)}, {late} day{plural} {_exception_words(d)}"
        return f"{line}; done {c.long_date(d.done)}, {late} day{plural} late"
    if status is Status.DONE_ON_TIME:
        return f"{line}; the window has ended"
    if status is Status.NOT_APPLICABLE:
        return f"{line}; nothing recorded and the period has ended"
    if days is not None and days < 0:
        plural = "s" if days != -1 else ""
        if status is Status.LATE_EXCEPTION:
            return f"{line}; {-days} day{plural} {_exception_words(d)}"
        return f"{line}; {-days} day{plural} overdue"
    return line


# --- public API ------------------------------------------------------------------------------


def compute_steps(facts: Facts, as_of: date, policy: Policy | None = None) -> list[Step]:
    """Every step the facts determine, with its status on `as_of`, in due order."""
    policy = policy or Policy()
    steps: list[Step] = []
    for d in _drafts(facts, policy):
        status, days = _status(d, as_of, policy)
        done = d.done
        if done is None and d.kind == WINDOW and status is Status.DONE_ON_TIME:
            done = d.due  # the window ran its full length: that is when it was "done"
        steps.append(
            Step(
                id=d.id,
                title=d.title,
                due=d.due,
                done=done,
                status=status,
                days=days,
                explanation=_explain(d, status, days),
                source=d.source,
                statutory=d.statutory,
                window_start=d.window_start,
                kind=d.kind,
            )
        )
    return steps


def next_deadline(steps: Iterable[Step]) -> Step | None:
    """The authority's next deadline: the earliest overdue statutory duty (no exception excuses
    it) if there is one - the case is then overdue - else the earliest open statutory duty (the
    first in due order on a tie). A family's window or right (the 15 days to comment, the right
    to appeal) is not a deadline the authority can miss, so it is never the next one."""
    best: Step | None = None
    late: Step | None = None
    for s in steps:
        if s.statutory and s.kind == DUTY and s.is_open and s.due is not None:
            if best is None or best.due is None or s.due < best.due:
                best = s
            if s.status is Status.OVERDUE and (
                late is None or late.due is None or s.due < late.due
            ):
                late = s
    return late or best


def stage_of(facts: Facts) -> str:
    """Where the case is, one of STAGES."""
    if facts.ceased is not None:
        return "Ceased"
    if facts.final_issued is not None or facts.plan_issued is not None:
        return "Plan"
    if facts.plan_transferred is not None:
        return "Plan"
    if facts.draft_served is not None:
        return "Draft plan"
    if facts.not_issue_decision is not None and facts.order_plan is None:
        return "Not issued"
    if facts.decision_outcome == "not-assess" and (
        facts.order_assess is None and facts.order_plan is None
    ):
        return "Not assessed"
    if (
        facts.decision_to_assess is not None
        or facts.decision_outcome is not None
        or facts.order_assess is not None
        or facts.order_plan is not None
        or facts.advice
    ):
        return "Assessment"
    return "Request"


def summarise(facts: Facts, as_of: date, policy: Policy | None = None) -> CaseSummary:
    """The caseload row for a case: as compute_steps + next_deadline, without the text."""
    policy = policy or Policy()
    best: _Draft | None = None
    best_status: Status | None = None
    best_days: int | None = None
    late: _Draft | None = None
    late_days: int | None = None
    overdue = 0
    for d in _drafts(facts, policy):
        if not d.statutory:
            continue
        status, days = _status(d, as_of, policy)
        if status is Status.OVERDUE:
            overdue += 1
        if d.kind == DUTY and d.done is None and status in OPEN_STATUSES:
            if best is None:
                best, best_status, best_days = d, status, days
            if status is Status.OVERDUE and late is None:
                late, late_days = d, days
    if late is not None:
        best, best_status, best_days = late, Status.OVERDUE, late_days
    return CaseSummary(
        stage=stage_of(facts),
        next_id=best.id if best is not None else None,
        next_title=best.title if best is not None else None,
        next_due=best.due if best is not None else None,
        days_left=best_days,
        status=best_status,
        has_exception=bool(facts.exceptions),
        overdue_steps=overdue,
    )


def overdue_count(steps: Iterable[Step]) -> int:
    """Statutory steps overdue (late with no exception): the caseload's red count."""
    return sum(1 for s in steps if s.statutory and s.status is Status.OVERDUE)
