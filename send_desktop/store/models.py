"""SQLAlchemy models for what a SEND team records, in the words of the regulations and SEN2."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from send_desktop.timeline import catalogue

# The school year is counted once, in the timeline (demo and the caseload import it from here).
from send_desktop.timeline.counting import national_curriculum_year as national_curriculum_year

# Alembic's batch mode on SQLite rebuilds tables and needs every constraint to have a stable name.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Vocabularies (SEN2 codes where SEN2 has one; see the statutory rules, section 5).
ROLES = ("caseworker", "team_leader")
SEXES = ("F", "M", "U")
REQUEST_CHANNELS = ("email", "post", "hand", "portal")
REQUEST_SOURCES = ("parent", "young person", "school", "health", "social care", "other")
DECISION_OUTCOMES = ("assess", "not-assess")
SERVICE_METHODS = ("email", "post", "hand", "portal")
NEED_TYPES = (
    "SPLD",
    "MLD",
    "SLD",
    "PMLD",
    "SEMH",
    "SLCN",
    "HI",
    "VI",
    "MSI",
    "PD",
    "ASD",
    "DS",
    "OTH",
)
SETTING_CODES = ("OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO")
TRANSFER_KINDS = ("school", "post16", "post16-other")
CEASE_REASONS: dict[int, str] = {
    1: "Reached maximum age",
    2: "Needs met without a plan",
    3: "Moved to higher education",
    4: "Paid employment",
    5: "Transferred to another LA in England",
    6: "No longer engaging in education or training",
    7: "Moved outside England",
    8: "Deceased",
    9: "Other",
}
ADVICE_KINDS = ("EP", "health", "social care", "school", "other")
# The exception codes, and those that excuse a late final plan (reg 13(3); SEN2's Week20):
# the timeline catalogue's.
EXCEPTION_CODES = catalogue.EXCEPTION_CODES
WEEK20_EXCEPTION_CODES = catalogue.WEEK20_CODES
CONSULTATION_OUTCOMES = ("agreed", "refused", "no response")
REVIEW_OUTCOMES = ("A", "C", "M")
MOVE_DIRECTIONS = ("in", "out")
# SEN2 items the casework did not hold before (docs: shared/domain/sen2-return.md section 4).
UPN_UNKNOWN_CODES = ("UN1", "UN2", "UN3", "UN5", "UN8", "UN9", "UN10")
RESIDENTIAL_CODES = ("A", "B")  # A 38-51 weeks a year, B 52 weeks
WORK_BASED_CODES = ("A", "T", "S")  # apprenticeship, traineeship, supported internship
DIRECT_PAYMENT_CODES = ("E", "S", "H", "I")  # education, social care, health, integrated


def utc_now() -> datetime:
    """Naive UTC: the same value on SQLite and PostgreSQL (timestamp without time zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IS NULL OR {column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Editable:
    """Optimistic concurrency and who-changed-it for every row a user can edit."""

    version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, server_default=text("1")
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, default=utc_now, server_default=text("CURRENT_TIMESTAMP")
    )
    updated_by: Mapped[str] = mapped_column(
        String(200), nullable=False, default="", server_default=text("''")
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class Team(Editable, Base):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    caseworkers: Mapped[list[Caseworker]] = relationship(back_populates="team")


class Caseworker(Editable, Base):
    __tablename__ = "caseworker"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="caseworker")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The PostgreSQL login of this caseworker in team mode, so audit rows can be matched to them.
    db_role: Mapped[str | None] = mapped_column(String(100))
    team: Mapped[Team | None] = relationship(back_populates="caseworkers")


class Child(Editable, Base):
    __tablename__ = "child"
    __table_args__ = (
        CheckConstraint(_in("sex", SEXES), name="sex"),
        CheckConstraint(_in("setting_code", SETTING_CODES), name="setting_code"),
        CheckConstraint(_in("upn_unknown", UPN_UNKNOWN_CODES), name="upn_unknown"),
        Index("ix_child_names", "last_name", "first_name"),
        # A whole-authority page sorted by child or by age (store/counts.py _key_bound).
        Index("ix_child_last_name_lower", text("lower(last_name)")),
        Index("ix_child_date_of_birth", "date_of_birth"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    postcode: Mapped[str | None] = mapped_column(String(10))
    upn: Mapped[str | None] = mapped_column(String(13), index=True)
    uln: Mapped[str | None] = mapped_column(String(10))
    setting_name: Mapped[str | None] = mapped_column(String(200))
    # A URN or UKPRN when the setting has one, else a SEN2 SENsetting code.
    setting_urn: Mapped[str | None] = mapped_column(String(8))
    setting_code: Mapped[str | None] = mapped_column(String(4))
    # SEN2 Person items: CBDS ethnicity code, and why there is no UPN or ULN (UN1-UN10).
    ethnicity: Mapped[str | None] = mapped_column(String(4))
    upn_unknown: Mapped[str | None] = mapped_column(String(4))
    cases: Mapped[list[Case]] = relationship(back_populates="child")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def year_group(self, as_of: date) -> int | None:
        if self.date_of_birth is None:
            return None
        return national_curriculum_year(self.date_of_birth, as_of)


class Case(Editable, Base):
    """One request for an EHC needs assessment and the plan that follows it."""

    __tablename__ = "case"
    __table_args__ = (
        CheckConstraint(_in("request_channel", REQUEST_CHANNELS), name="request_channel"),
        CheckConstraint(_in("request_source", REQUEST_SOURCES), name="request_source"),
        CheckConstraint(_in("decision_outcome", DECISION_OUTCOMES), name="decision_outcome"),
        CheckConstraint(_in("draft_method", SERVICE_METHODS), name="draft_method"),
        CheckConstraint(_in("need_type", NEED_TYPES), name="need_type"),
        CheckConstraint(_in("transfer_kind", TRANSFER_KINDS), name="transfer_kind"),
        CheckConstraint(
            "cease_reason IS NULL OR (cease_reason BETWEEN 1 AND 9)", name="cease_reason"
        ),
        CheckConstraint(_in("plan_residential", RESIDENTIAL_CODES), name="plan_residential"),
        CheckConstraint(_in("plan_work_based", WORK_BASED_CODES), name="plan_work_based"),
        CheckConstraint(_in("direct_payment", DIRECT_PAYMENT_CODES), name="direct_payment"),
        Index("ix_case_caseworker_closed", "caseworker_id", "closed"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("caseworker.id"), index=True)
    # Request for assessment (CFA s.36(1)); the date the caseworker records is the trigger.
    request_received: Mapped[date] = mapped_column(Date, index=True)
    request_channel: Mapped[str | None] = mapped_column(String(10))
    request_source: Mapped[str | None] = mapped_column(String(20))
    decision_to_assess: Mapped[date | None] = mapped_column(Date)
    decision_outcome: Mapped[str | None] = mapped_column(String(12))
    not_issue_decision: Mapped[date | None] = mapped_column(Date)
    draft_served: Mapped[date | None] = mapped_column(Date)
    draft_method: Mapped[str | None] = mapped_column(String(10))
    final_issued: Mapped[date | None] = mapped_column(Date)
    # When the plan predates this request (imported, or transferred in), the date it was issued.
    plan_issued: Mapped[date | None] = mapped_column(Date)
    need_type: Mapped[str | None] = mapped_column(String(4))
    need_rank: Mapped[int | None] = mapped_column(Integer)
    placement_name: Mapped[str | None] = mapped_column(String(200))
    placement_urn: Mapped[str | None] = mapped_column(String(8))
    phase_transfer: Mapped[date | None] = mapped_column(Date)
    transfer_kind: Mapped[str | None] = mapped_column(String(12))
    reassessment_notified: Mapped[date | None] = mapped_column(Date)
    ceased: Mapped[date | None] = mapped_column(Date)
    cease_reason: Mapped[int | None] = mapped_column(Integer)
    closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    # SEN2 items (2026 and 2027 collections): RYA, the young person in youth custody when the
    # request was made; Exported, the LA the child moved to before the assessment ended; the
    # previous LA of a plan transferred in; the secondary need; section I's setting when it has
    # no URN/UKPRN (SENsetting); and the plan's residential, work-based and budget features.
    request_rya: Mapped[bool | None] = mapped_column(Boolean)
    exported_la: Mapped[str | None] = mapped_column(String(3))
    transfer_la: Mapped[str | None] = mapped_column(String(3))
    secondary_need: Mapped[str | None] = mapped_column(String(4))
    plan_setting_code: Mapped[str | None] = mapped_column(String(4))
    plan_setting_other: Mapped[str | None] = mapped_column(String(100))
    plan_residential: Mapped[str | None] = mapped_column(String(1))
    plan_work_based: Mapped[str | None] = mapped_column(String(1))
    personal_budget: Mapped[bool | None] = mapped_column(Boolean)
    budget_organised: Mapped[bool | None] = mapped_column(Boolean)
    direct_payment: Mapped[str | None] = mapped_column(String(1))
    # The dates only the rule table reads (catalogue.RULE_DATES): a Date column each, declared
    # once in the catalogue; read by name through the registry (store/fields.py).
    vars().update({name: mapped_column(Date) for name in catalogue.RULE_DATES})

    child: Mapped[Child] = relationship(back_populates="cases")
    caseworker: Mapped[Caseworker | None] = relationship()
    advice_requests: Mapped[list[AdviceRequest]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="AdviceRequest.id"
    )
    exceptions: Mapped[list[CaseException]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseException.id"
    )
    consultations: Mapped[list[Consultation]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Consultation.id"
    )
    reviews: Mapped[list[AnnualReview]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="AnnualReview.id"
    )
    moves: Mapped[list[Move]] = relationship(cascade="all, delete-orphan", order_by="Move.id")
    mediations: Mapped[list[Mediation]] = relationship(
        cascade="all, delete-orphan", order_by="Mediation.id"
    )
    appeals: Mapped[list[Appeal]] = relationship(cascade="all, delete-orphan", order_by="Appeal.id")
    notes: Mapped[list[CaseNote]] = relationship(
        cascade="all, delete-orphan", order_by="CaseNote.id"
    )
    placements: Mapped[list[Placement]] = relationship(
        cascade="all, delete-orphan", order_by="Placement.id"
    )

    @property
    def week20_exception(self) -> bool:
        """SEN2 Week20 flag: an exception that excuses a late final plan was recorded."""
        return any(e.code in WEEK20_EXCEPTION_CODES for e in self.exceptions)


class CaseChild:
    """A row that belongs to one case."""

    @declared_attr
    def case_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)


class AdviceRequest(CaseChild, Editable, Base):
    """A request for advice (reg 6); each body has 6 weeks from receiving it (reg 8)."""

    __tablename__ = "advice_request"
    __table_args__ = (CheckConstraint(f"kind IN {ADVICE_KINDS!r}", name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    advice_giver: Mapped[str | None] = mapped_column(String(200))
    requested: Mapped[date] = mapped_column(Date)
    received: Mapped[date | None] = mapped_column(Date)
    chased: Mapped[date | None] = mapped_column(Date)
    case: Mapped[Case] = relationship(back_populates="advice_requests")


class CaseException(CaseChild, Editable, Base):
    """An exception to a time limit (reg 5(4), 8(2), 10(4), 13(3)): it excuses, never extends."""

    __tablename__ = "case_exception"
    __table_args__ = (CheckConstraint(f"code IN {EXCEPTION_CODES!r}", name="code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2))
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    case: Mapped[Case] = relationship(back_populates="exceptions")


class Consultation(CaseChild, Editable, Base):
    """Consultation with a school or institution the LA proposes to name (CFA s.39-40)."""

    __tablename__ = "consultation"
    __table_args__ = (CheckConstraint(_in("outcome", CONSULTATION_OUTCOMES), name="outcome"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    institution: Mapped[str] = mapped_column(String(200))
    institution_urn: Mapped[str | None] = mapped_column(String(8))
    sent: Mapped[date] = mapped_column(Date)
    responded: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(12))
    case: Mapped[Case] = relationship(back_populates="consultations")


class AnnualReview(CaseChild, Editable, Base):
    """One annual review (CFA s.44, regs 20-22); decision_sent is SEN2's LastReview."""

    __tablename__ = "annual_review"
    __table_args__ = (CheckConstraint(_in("outcome", REVIEW_OUTCOMES), name="outcome"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting: Mapped[date | None] = mapped_column(Date)
    notice_sent: Mapped[date | None] = mapped_column(Date)
    advice_circulated: Mapped[date | None] = mapped_column(Date)
    report_sent: Mapped[date | None] = mapped_column(Date)
    decision_sent: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(1))
    amendment_sent: Mapped[date | None] = mapped_column(Date)
    final_amended: Mapped[date | None] = mapped_column(Date)
    case: Mapped[Case] = relationship(back_populates="reviews")


class Move(CaseChild, Editable, Base):
    """The child moving to or from another local authority with a plan (reg 15)."""

    __tablename__ = "move"
    __table_args__ = (CheckConstraint(_in("direction", MOVE_DIRECTIONS), name="direction"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    other_authority: Mapped[str | None] = mapped_column(String(200))
    move_date: Mapped[date | None] = mapped_column(Date)
    aware_of_move: Mapped[date | None] = mapped_column(Date)
    plan_transferred: Mapped[date | None] = mapped_column(Date)
    # The new LA telling the parent or young person what happens next (reg 15(4), step T2).
    parent_notified: Mapped[date | None] = mapped_column(Date)


class Mediation(CaseChild, Editable, Base):
    """Mediation after a decision notice (regs 33-39)."""

    __tablename__ = "mediation"
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_sent: Mapped[date | None] = mapped_column(Date)
    adviser_contacted: Mapped[date | None] = mapped_column(Date)
    mediation_declined: Mapped[date | None] = mapped_column(Date)
    mediation_requested: Mapped[date | None] = mapped_column(Date)
    mediation_held: Mapped[date | None] = mapped_column(Date)
    certificate_issued: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))


class Appeal(CaseChild, Editable, Base):
    """An appeal to the First-tier Tribunal (SEND) and any order it made (reg 44)."""

    __tablename__ = "appeal"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str | None] = mapped_column(String(100))
    lodged: Mapped[date | None] = mapped_column(Date)
    hearing: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(100))
    order_assess: Mapped[date | None] = mapped_column(Date)
    order_plan: Mapped[date | None] = mapped_column(Date)
    # Notice to the parent after an order to assess (reg 44, step O1).
    order_notice_sent: Mapped[date | None] = mapped_column(Date)


class Placement(CaseChild, Editable, Base):
    """A setting the child attended while the plan was active (SEN2 PlacementDetail)."""

    __tablename__ = "placement"
    __table_args__ = (
        CheckConstraint(_in("setting_code", SETTING_CODES), name="setting_code"),
        CheckConstraint(_in("residential", RESIDENTIAL_CODES), name="residential"),
        CheckConstraint(_in("work_based", WORK_BASED_CODES), name="work_based"),
        CheckConstraint("rank IN (1, 2)", name="rank"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # 1 the main setting, 2 a second one attended at the same time (PlacementRank).
    rank: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str | None] = mapped_column(String(200))
    # URN (6 digits, in GIAS) or UKPRN (8 digits), else a SENsetting code.
    urn: Mapped[str | None] = mapped_column(String(8))
    setting_code: Mapped[str | None] = mapped_column(String(4))
    setting_other: Mapped[str | None] = mapped_column(String(100))
    entry: Mapped[date] = mapped_column(Date)
    leaving: Mapped[date | None] = mapped_column(Date)
    sen_unit: Mapped[bool | None] = mapped_column(Boolean)
    resourced_provision: Mapped[bool | None] = mapped_column(Boolean)
    residential: Mapped[str | None] = mapped_column(String(1))
    work_based: Mapped[str | None] = mapped_column(String(1))


class CaseNote(CaseChild, Editable, Base):
    __tablename__ = "case_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    written: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """One changed field: who, when, which row, old -> new. Never edited, never deleted."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utc_now, index=True)
    user: Mapped[str] = mapped_column(String(200))
    # PostgreSQL's current_user in team mode: the identity the server vouches for.
    db_user: Mapped[str | None] = mapped_column(String(100))
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    field: Mapped[str | None] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(10))


class Setting(Editable, Base):
    """Key/value settings: policy options, warning windows."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SchoolClosure(Editable, Base):
    """A known closure (holidays) used to warn when advice or consultation weeks fall in it."""

    __tablename__ = "school_closure"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)


# --- stored deadlines (timeline/digest.py): derived from the facts above, never edited ---------


class CaseSummaryRow(Base):
    """A case's digest: its next duty and the dates its status on any day is decided from.

    Written by store/summaries.py in the same transaction as every change to the case; `stamp`
    says which rules, policy and calendar it was computed under.
    """

    __tablename__ = "case_summary"
    __table_args__ = (
        # Covering: report's timeliness reads a period's plans / decisions from the index alone.
        Index(
            "ix_case_summary_issued_on",
            "issued_on",
            "issue_days",
            "issue_on_time",
            "issue_after_52",
            "issue_excused",
        ),
        Index("ix_case_summary_decided_on", "decided_on", "decision_on_time"),
        # With the case's closed flag and caseworker: `report`'s forecast reads a range of
        # next duties from the index alone (migration 0013 widened it). With breach_due after
        # next_due (migration 0014): a list sorted by status reads the cases with no next duty
        # that are (or are not) overdue as one range of it (desk_sql._segment_bound). With the
        # first duty after the next (0015): the forecast of a case whose next duty is past.
        Index(
            "ix_case_summary_next_due",
            "next_due",
            "breach_due",
            "closed",
            "caseworker_id",
            "later_due",
        ),
        Index("ix_case_summary_breach_due", "breach_due"),
        Index("ix_case_summary_review_due", "review_due"),
        Index("ix_case_summary_stamp", "stamp"),
        Index("ix_case_summary_next_title", "next_title"),  # sorted by the next step
        # `report`'s open and overdue cases per caseworker and stage, from the index alone
        # (migration 0013): one range in group order, as a count of open cases per caseworker
        # on `case` is.
        Index("ix_case_summary_open_worker", "closed", "caseworker_id", "stage", "breach_due"),
        # A whole-authority list sorted by stage reads it a range at a time, in the list's
        # order (desk_sql._segment_bound; migration 0014).
        Index("ix_case_summary_stage", "stage", "case_id"),
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case.id", ondelete="CASCADE"), primary_key=True
    )
    stamp: Mapped[str] = mapped_column(String(64))
    #: Copies of the case's caseworker and closed flag, written with the digest (every write
    #: to a case rewrites its summary), so the report splits open cases by caseworker without
    #: a join to `case` per case. Not a foreign key: a derived copy, like the rest of the row.
    caseworker_id: Mapped[int | None] = mapped_column(Integer)
    closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    stage: Mapped[str] = mapped_column(String(20))
    has_exception: Mapped[bool] = mapped_column(Boolean)
    next_id: Mapped[str | None] = mapped_column(String(20))
    next_title: Mapped[str | None] = mapped_column(String(200))
    next_due: Mapped[date | None] = mapped_column(Date)
    next_soon: Mapped[date | None] = mapped_column(Date)
    next_covered: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The first due date of an open duty after the next duty's day (timeline/digest.py
    #: Digest.later_due): the forecast of a case whose next duty is past reads it, not the
    #: case's steps, when it lies ahead.
    later_due: Mapped[date | None] = mapped_column(Date)
    breach_id: Mapped[str | None] = mapped_column(String(20))
    breach_title: Mapped[str | None] = mapped_column(String(200))
    breach_due: Mapped[date | None] = mapped_column(Date)
    review_due: Mapped[date | None] = mapped_column(Date)
    decision_due: Mapped[date | None] = mapped_column(Date)
    final_due: Mapped[date | None] = mapped_column(Date)
    weeks_end: Mapped[date | None] = mapped_column(Date)
    #: The review's meeting notice (R2) / report (R4) is done: the review pipeline (report).
    notice_done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    report_done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What the case adds to timeliness (timeline.timeliness.case_times): the final plan issued
    # (on or after the request) and how many days after it, within 20 weeks, after 52 weeks,
    # an exception excusing N5; the decision to assess and whether it was within 6 weeks.
    issued_on: Mapped[date | None] = mapped_column(Date)
    issue_days: Mapped[int | None] = mapped_column(Integer)
    issue_on_time: Mapped[bool | None] = mapped_column(Boolean)
    issue_after_52: Mapped[bool | None] = mapped_column(Boolean)
    issue_excused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_on_time: Mapped[bool | None] = mapped_column(Boolean)


class CaseReviewTimeRow(Base):
    """A review decision as timeliness counts it (timeline.timeliness.ReviewTime), per case."""

    __tablename__ = "case_review_time"
    __table_args__ = (
        Index("ix_case_review_time_sent", "sent", "on_time", "meeting_on_time"),  # covering
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    sent: Mapped[date] = mapped_column(Date)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    meeting_on_time: Mapped[bool | None] = mapped_column(Boolean)


class CaseStepRow(Base):
    """One open statutory step of a case (nothing recorded yet): the forecasts and Today."""

    __tablename__ = "case_step"
    __table_args__ = (
        Index("ix_case_step_due", "due"),
        # `report`'s review pipeline and forecast, read from the index (migration 0011), with
        # the case's closed flag and caseworker (0013): no look-up of the case per step.
        Index(
            "ix_case_step_step_due",
            "step_id",
            "due",
            "case_id",
            "kind",
            "covered",
            "closed",
            "caseworker_id",
        ),
        Index("ix_case_step_duty", "case_id", "kind", "due"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    due: Mapped[date] = mapped_column(Date)
    soon: Mapped[date] = mapped_column(Date)
    kind: Mapped[int] = mapped_column(Integer)
    covered: Mapped[bool] = mapped_column(Boolean)
    #: Copies of the case's caseworker and closed flag, as on case_summary (written with them).
    caseworker_id: Mapped[int | None] = mapped_column(Integer)
    closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


# Letters (issue 17). Who may appeal: the parent until the end of compulsory school age, then the
# young person (CFA s.51, s.83(2)); an alternative person acts for a young person who lacks
# capacity (reg 64 and Sch 3 of SI 2014/1530).
FAMILY_ROLES = ("parent", "young_person", "alternative_person")
LETTER_CHANNELS = ("email", "post", "hand", "portal")


class FamilyContact(CaseChild, Editable, Base):
    """Someone the case's letters go to: the parent, the young person or an alternative person."""

    __tablename__ = "family_contact"
    __table_args__ = (
        CheckConstraint(f"role IN {FAMILY_ROLES!r}", name="role"),
        CheckConstraint(_in("preferred_channel", LETTER_CHANNELS), name="preferred_channel"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    email: Mapped[str | None] = mapped_column(String(200))
    preferred_channel: Mapped[str | None] = mapped_column(String(10))
    # The person who holds the right of appeal receives the decision notices (regs 5, 10, 14...).
    may_appeal: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Letter(CaseChild, Editable, Base):
    """A letter written for a case, and when and how it was sent (the appeal clock runs from then)."""

    __tablename__ = "letter"
    __table_args__ = (CheckConstraint(_in("sent_by", LETTER_CHANNELS), name="sent_by"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # Names unlike other tables' columns, so the audit trail labels them as letters.
    letter: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(String(200), default="", server_default=text("''"))
    dated: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_by: Mapped[str | None] = mapped_column(String(10))
    # Inside the private data folder (0600), so the chronology can prove what was sent.
    file_path: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    sha256: Mapped[str] = mapped_column(String(64), default="", server_default=text("''"))
    # What the caseworker typed (reasons, decision...) as JSON: the letter's inputs are kept.
    inputs: Mapped[str] = mapped_column(Text, default="{}", server_default=text("'{}'"))
