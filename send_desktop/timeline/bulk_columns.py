"""A caseload's facts as numpy columns, the input of the bulk clock path (see `bulk.compute_bulk`).

Every date is a Python proleptic ordinal (`date.toordinal()`) in an int32 array; `MISSING` (0)
marks an unknown date. Outcome words become small integer codes (`DECISION_CODES`,
`TRANSFER_CODES`, `REVIEW_OUTCOME_CODES`, 0 = none) and the exception codes a case holds become
bits of `exception_bits` (X1 = bit 0 ... X5 = bit 4).

Child rows keep every row, in the order the case's `Facts` tuples hold them, padded per case to
the longest list in the caseload (2-D arrays, `MISSING` beyond a case's own rows, with a count
per case). Nothing is lost, so each advice request, consultation and review gets the same step
as in the scalar engine. Exceptions keep only their codes: the engine reports "late - exception
applies" from the code alone, never from its dates.

`CaseColumns.from_rows` reads plain tuples, e.g. straight from a SELECT. Dates may be
`datetime.date`, ISO text ("2025-01-06", as SQLite stores them) or None. Column orders:

- cases: `CASE_COLUMNS` = case_id, then every `Facts` date field and the two outcome words in
  the order `Facts` declares them (`decision_outcome` as "assess"/"not-assess"/None,
  `transfer_kind` as "school"/"post16"/"post16-other"/None).
- advice: `ADVICE_COLUMNS` = case_id, kind, requested, received
- consultations: `CONSULTATION_COLUMNS` = case_id, institution, sent, responded
- reviews: `REVIEW_COLUMNS` = case_id, meeting, notice_sent, advice_circulated, report_sent,
  decision_sent, outcome ("A"/"C"/"M"/None), amendment_sent, final_amended
- exceptions: `EXCEPTION_COLUMNS` = case_id, code ("X1".."X5")

Child rows may come in any case order; within a case they keep the order given (the store sorts
by row id, as the ORM relationships do). A child row whose case_id is not among the cases is an
error (ValueError), not silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from operator import attrgetter, itemgetter
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from send_desktop.timeline.bulk_calendar import MISSING, Ordinals
from send_desktop.timeline.catalogue import EXCEPTION_CODES
from send_desktop.timeline.model import (
    AdviceRequest,
    Consultation,
    ExceptionRecord,
    Facts,
    Review,
)

Codes = npt.NDArray[np.int8]
Counts = npt.NDArray[np.int32]

DECISION_CODES: Final[dict[str, int]] = {"assess": 1, "not-assess": 2}
TRANSFER_CODES: Final[dict[str, int]] = {"school": 1, "post16": 2, "post16-other": 3}
REVIEW_OUTCOME_CODES: Final[dict[str, int]] = {"A": 1, "C": 2, "M": 3}
EXCEPTION_BITS: Final[dict[str, int]] = {code: 1 << i for i, code in enumerate(EXCEPTION_CODES)}

# Facts' single dates, in the order Facts declares them (derived, so a new date fact is never
# missed here).
CASE_DATES: Final[tuple[str, ...]] = tuple(f.name for f in fields(Facts) if f.type == "date | None")
# The two words among them (coded as int8 columns).
CASE_WORDS: Final[tuple[str, ...]] = ("decision_outcome", "transfer_kind")
# case_id, then Facts' single dates and the two words in Facts' order (derived: a new date
# fact is a new input column of the numpy twin with no edit here).
CASE_COLUMNS: Final[tuple[str, ...]] = (
    "case_id",
    *(f.name for f in fields(Facts) if f.name in CASE_DATES or f.name in CASE_WORDS),
)
ADVICE_COLUMNS: Final = ("case_id", "kind", "requested", "received")
CONSULTATION_COLUMNS: Final = ("case_id", "institution", "sent", "responded")
REVIEW_DATES: Final[tuple[str, ...]] = (
    "meeting",
    "notice_sent",
    "advice_circulated",
    "report_sent",
    "decision_sent",
    "amendment_sent",
    "final_amended",
)
REVIEW_COLUMNS: Final = (
    "case_id",
    "meeting",
    "notice_sent",
    "advice_circulated",
    "report_sent",
    "decision_sent",
    "outcome",
    "amendment_sent",
    "final_amended",
)
EXCEPTION_COLUMNS: Final = ("case_id", "code")

_EPOCH: Final = date(1970, 1, 1).toordinal()
_NAT: Final = np.iinfo(np.int64).min


def ordinals(values: Sequence[Any]) -> Ordinals:
    """Dates, ISO strings or None -> ordinals, MISSING for None.

    ISO text (how SQLite holds dates) is parsed digit by digit on a byte view: numpy's own
    datetime parser is several times slower on columns that are mostly None.
    """
    n = len(values)
    sample = next((v for v in values if v is not None), None)
    if sample is None:
        return np.zeros(n, dtype=np.int32)
    if isinstance(sample, str):
        parsed = _iso_ordinals(values)
        if parsed is not None:
            return parsed
    elif isinstance(sample, date):
        try:
            return np.fromiter(
                (MISSING if v is None else v.toordinal() for v in values), dtype=np.int32, count=n
            )
        except (AttributeError, TypeError):
            pass  # a mixed column: the generic parser below takes text and dates alike
    days = np.asarray(np.array(values, dtype="datetime64[D]").astype(np.int64))
    return np.where(days == _NAT, MISSING, days + _EPOCH).astype(np.int32)


_DIGITS: Final = (0, 1, 2, 3, 5, 6, 8, 9)
_MONTH_DAYS: Final = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


def _iso_ordinals(values: Sequence[Any]) -> Ordinals | None:
    """ "YYYY-MM-DD" text (or None) -> ordinals; None when any value has another shape."""
    try:
        # One byte more than a date: a longer value (a timestamp) shows up in the 11th byte.
        text = np.array([v or "" for v in values], dtype="S11")
    except (UnicodeEncodeError, TypeError, ValueError):
        return None
    raw = text.view(np.uint8).reshape(-1, 11)
    present = raw[:, 0] != 0
    digits = raw[:, _DIGITS].astype(np.int32) - 48
    shaped = (
        (raw[:, 4] == 45)
        & (raw[:, 7] == 45)
        & (raw[:, 10] == 0)
        & ((digits >= 0) & (digits <= 9)).all(axis=1)
    )
    if not (shaped | ~present).all():
        return None
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    length = _MONTH_DAYS[np.clip(month - 1, 0, 11)] + (leap & (month == 2))
    if not ((month_ok & (day >= 1) & (day <= length) & (year >= 1)) | ~present).all():
        return None  # the generic parser names the bad date
    # Days from the civil calendar (H. Hinnant's algorithm), then shifted to date.toordinal().
    y = year - (month <= 2)
    era = y // 400
    year_of_era = y - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    days = era * 146097 + day_of_era - 719468 + _EPOCH
    return np.where(present, days, MISSING).astype(np.int32)


def _codes(values: Sequence[Any], table: dict[str, int], what: str) -> Codes:
    words = np.array(values, dtype=object)
    out = np.zeros(len(words), dtype=np.int8)
    known = words == None  # noqa: E711 - elementwise comparison on an object array
    for word, code in table.items():
        hit = words == word
        out[hit] = code
        known |= hit
    if not known.all():
        bad = words[~known][0]
        raise ValueError(f"{what}: {bad!r} is not one of {', '.join(table)}")
    return out


def _empty(n: int) -> Ordinals:
    return np.zeros(n, dtype=np.int32)


@dataclass(frozen=True, slots=True)
class ChildTable:
    """One kind of child row, padded per case: arrays of shape (cases, widest case)."""

    count: Counts  # rows per case
    dates: dict[str, Ordinals] = field(default_factory=dict)
    codes: dict[str, Codes] = field(default_factory=dict)
    labels: dict[str, npt.NDArray[np.object_]] = field(default_factory=dict)  # words, for titles

    @property
    def width(self) -> int:
        return next(iter(self.dates.values())).shape[1] if self.dates else 0

    @classmethod
    def pad(
        cls,
        n: int,
        case_index: npt.NDArray[np.intp],
        dates: dict[str, Ordinals],
        codes: dict[str, Codes] | None = None,
        labels: dict[str, Sequence[Any]] | None = None,
    ) -> ChildTable:
        """Rows (case position, values...) in per-case order -> padded (n, width) arrays."""
        codes = codes or {}
        count = np.bincount(case_index, minlength=n).astype(np.int32)
        width = int(count.max()) if n and len(case_index) else 0
        order = np.argsort(case_index, kind="stable")
        sorted_case = case_index[order]
        starts = np.concatenate(([0], np.cumsum(count)[:-1])) if n else np.zeros(0, np.int64)
        slot = np.arange(len(order)) - starts[sorted_case]
        padded_dates: dict[str, Ordinals] = {}
        for name, values in dates.items():
            grid = np.zeros((n, width), dtype=np.int32)
            grid[sorted_case, slot] = values[order]
            padded_dates[name] = grid
        padded_codes: dict[str, Codes] = {}
        for name, values8 in codes.items():
            grid8 = np.zeros((n, width), dtype=np.int8)
            grid8[sorted_case, slot] = values8[order]
            padded_codes[name] = grid8
        padded_labels: dict[str, npt.NDArray[np.object_]] = {}
        for name, words in (labels or {}).items():
            grid_words = np.full((n, width), "", dtype=object)
            grid_words[sorted_case, slot] = np.array(words, dtype=object)[order]
            padded_labels[name] = grid_words
        return cls(count=count, dates=padded_dates, codes=padded_codes, labels=padded_labels)


@dataclass(frozen=True, slots=True)
class CaseColumns:
    """A caseload as columns: one entry per case in every array (see the module docstring)."""

    case_id: npt.NDArray[np.int64]
    dates: dict[str, Ordinals]  # CASE_DATES -> (n,)
    decision_outcome: Codes
    transfer_kind: Codes
    exception_bits: Codes
    advice: ChildTable  # dates: requested, received
    consultations: ChildTable  # dates: sent, responded
    reviews: ChildTable  # dates: REVIEW_DATES; codes: outcome

    def __len__(self) -> int:
        return len(self.case_id)

    def __getattr__(self, name: str) -> Ordinals:
        # cols.request_received reads better than cols.dates["request_received"] in the rules.
        try:
            return self.dates[name]
        except KeyError:
            raise AttributeError(name) from None

    @classmethod
    def from_facts(
        cls, cases: Sequence[Facts], case_ids: Sequence[int] | None = None
    ) -> CaseColumns:
        """Columns for these cases; case_id defaults to the position in the sequence."""
        n = len(cases)
        ids = np.arange(n, dtype=np.int64) if case_ids is None else np.array(case_ids, np.int64)
        # map(attrgetter) pulls a field out of every case at C speed, no per-case Python frame.
        dates = {name: ordinals(list(map(attrgetter(name), cases))) for name in CASE_DATES}
        decision = _codes([f.decision_outcome for f in cases], DECISION_CODES, "decision_outcome")
        transfer = _codes([f.transfer_kind for f in cases], TRANSFER_CODES, "transfer_kind")
        bits = np.fromiter(
            (_exception_bits(e.code for e in f.exceptions) for f in cases), dtype=np.int8, count=n
        )
        positions = np.arange(n, dtype=np.intp)
        advice_at = np.repeat(positions, [len(f.advice) for f in cases])
        advice_rows = [a for f in cases for a in f.advice]
        consult_at = np.repeat(positions, [len(f.consultations) for f in cases])
        consult_rows = [c for f in cases for c in f.consultations]
        review_at = np.repeat(positions, [len(f.reviews) for f in cases])
        review_rows = [r for f in cases for r in f.reviews]
        return cls(
            case_id=ids,
            dates=dates,
            decision_outcome=decision,
            transfer_kind=transfer,
            exception_bits=bits,
            advice=ChildTable.pad(
                n,
                advice_at,
                {
                    "requested": ordinals([a.requested for a in advice_rows]),
                    "received": ordinals([a.received for a in advice_rows]),
                },
                labels={"kind": [a.kind for a in advice_rows]},
            ),
            consultations=ChildTable.pad(
                n,
                consult_at,
                {
                    "sent": ordinals([c.sent for c in consult_rows]),
                    "responded": ordinals([c.responded for c in consult_rows]),
                },
                labels={"institution": [c.institution for c in consult_rows]},
            ),
            reviews=ChildTable.pad(
                n,
                review_at,
                {name: ordinals([getattr(r, name) for r in review_rows]) for name in REVIEW_DATES},
                {
                    "outcome": _codes(
                        [r.outcome for r in review_rows], REVIEW_OUTCOME_CODES, "review outcome"
                    )
                },
            ),
        )

    @classmethod
    def from_rows(
        cls,
        cases: Sequence[Sequence[Any]],
        advice: Sequence[Sequence[Any]] = (),
        consultations: Sequence[Sequence[Any]] = (),
        reviews: Sequence[Sequence[Any]] = (),
        exceptions: Sequence[Sequence[Any]] = (),
    ) -> CaseColumns:
        """Columns from plain tuples in the documented orders (module docstring)."""
        n = len(cases)
        columns = _transpose(cases, len(CASE_COLUMNS), "cases")
        named = dict(zip(CASE_COLUMNS, columns, strict=True))
        ids = np.array(named["case_id"], dtype=np.int64)
        lookup = _CaseLookup(ids)
        advice_cols = _transpose(advice, len(ADVICE_COLUMNS), "advice")
        consult_cols = _transpose(consultations, len(CONSULTATION_COLUMNS), "consultations")
        review_cols = dict(
            zip(REVIEW_COLUMNS, _transpose(reviews, len(REVIEW_COLUMNS), "reviews"), strict=True)
        )
        exception_cols = _transpose(exceptions, len(EXCEPTION_COLUMNS), "exceptions")
        bits = np.zeros(n, dtype=np.int8)
        if exceptions:
            at = lookup.positions(exception_cols[0], "exceptions")
            code_bits = _codes(
                exception_cols[1], {c: b for c, b in EXCEPTION_BITS.items()}, "exception code"
            )
            np.bitwise_or.at(bits, at, code_bits)
        return cls(
            case_id=ids,
            dates={name: ordinals(named[name]) for name in CASE_DATES},
            decision_outcome=_codes(named["decision_outcome"], DECISION_CODES, "decision_outcome"),
            transfer_kind=_codes(named["transfer_kind"], TRANSFER_CODES, "transfer_kind"),
            exception_bits=bits,
            advice=ChildTable.pad(
                n,
                lookup.positions(advice_cols[0], "advice"),
                {"requested": ordinals(advice_cols[2]), "received": ordinals(advice_cols[3])},
                labels={"kind": advice_cols[1]},
            ),
            consultations=ChildTable.pad(
                n,
                lookup.positions(consult_cols[0], "consultations"),
                {"sent": ordinals(consult_cols[2]), "responded": ordinals(consult_cols[3])},
                labels={"institution": consult_cols[1]},
            ),
            reviews=ChildTable.pad(
                n,
                lookup.positions(review_cols["case_id"], "reviews"),
                {name: ordinals(review_cols[name]) for name in REVIEW_DATES},
                {"outcome": _codes(review_cols["outcome"], REVIEW_OUTCOME_CODES, "review outcome")},
            ),
        )

    def to_facts(self) -> list[Facts]:
        """Back to one Facts per case (for checks against the scalar engine; a Python loop)."""

        def day(value: int) -> date | None:
            return None if value == MISSING else date.fromordinal(value)

        decision_words = {code: word for word, code in DECISION_CODES.items()}
        transfer_words = {code: word for word, code in TRANSFER_CODES.items()}
        outcome_words = {code: word for word, code in REVIEW_OUTCOME_CODES.items()}
        dates = {name: values.tolist() for name, values in self.dates.items()}
        out: list[Facts] = []
        for i in range(len(self)):
            advice = tuple(
                AdviceRequest(
                    str(self.advice.labels["kind"][i, k]),
                    date.fromordinal(int(self.advice.dates["requested"][i, k])),
                    day(int(self.advice.dates["received"][i, k])),
                )
                for k in range(int(self.advice.count[i]))
            )
            consultations = tuple(
                Consultation(
                    str(self.consultations.labels["institution"][i, k]),
                    date.fromordinal(int(self.consultations.dates["sent"][i, k])),
                    day(int(self.consultations.dates["responded"][i, k])),
                )
                for k in range(int(self.consultations.count[i]))
            )
            reviews = tuple(
                Review(
                    **{name: day(int(self.reviews.dates[name][i, k])) for name in REVIEW_DATES},
                    outcome=outcome_words.get(int(self.reviews.codes["outcome"][i, k])),  # type: ignore[arg-type]
                )
                for k in range(int(self.reviews.count[i]))
            )
            bits = int(self.exception_bits[i])
            exceptions = tuple(
                ExceptionRecord(code)  # type: ignore[arg-type]
                for code, bit in EXCEPTION_BITS.items()
                if bits & bit
            )
            out.append(
                Facts(
                    **{name: day(values[i]) for name, values in dates.items()},
                    decision_outcome=decision_words.get(int(self.decision_outcome[i])),  # type: ignore[arg-type]
                    transfer_kind=transfer_words.get(int(self.transfer_kind[i])),  # type: ignore[arg-type]
                    advice=advice,
                    consultations=consultations,
                    reviews=reviews,
                    exceptions=exceptions,
                )
            )
        return out

    def has_exception(self, *codes: str) -> npt.NDArray[np.bool_]:
        """Per case: any of these exception codes was recorded."""
        wanted = _exception_bits(codes)
        return np.asarray((self.exception_bits & wanted) != 0)

    def date_range(self) -> tuple[int, int]:
        """Earliest and latest known date anywhere in the caseload (MISSING, MISSING if none)."""
        arrays = [*self.dates.values()]
        for table in (self.advice, self.consultations, self.reviews):
            arrays += [a.ravel() for a in table.dates.values()]
        high = max((int(a.max()) for a in arrays if a.size), default=MISSING)
        if high == MISSING:
            return MISSING, MISSING
        # Seen as unsigned, MISSING - 1 wraps to the largest value, so min() skips it.
        low = min(int((a.view(np.uint32) - np.uint32(1)).min()) + 1 for a in arrays if a.size)
        return low, high


def _exception_bits(codes: Any) -> int:
    bits = 0
    for code in codes:
        bits |= EXCEPTION_BITS[code]
    return bits


def _transpose(rows: Sequence[Sequence[Any]], width: int, what: str) -> list[Sequence[Any]]:
    if not rows:
        return [() for _ in range(width)]
    widths = set(map(len, rows))
    if widths != {width}:
        found = sorted(widths - {width})[0]
        raise ValueError(f"{what}: rows have {found} columns, expected {width}")
    # A column at a time at C speed: zip(*rows) over hundreds of thousands of narrow child
    # rows cost several times more (a third of reading a recompute's columns).
    return [list(map(itemgetter(i), rows)) for i in range(width)]


class _CaseLookup:
    """case_id -> position in the case arrays, for many ids at once."""

    def __init__(self, ids: npt.NDArray[np.int64]) -> None:
        self._order = np.argsort(ids, kind="stable")
        self._sorted = ids[self._order]
        if len(ids) and (np.diff(self._sorted) == 0).any():
            raise ValueError("cases: case_id values must be unique")

    def positions(self, case_ids: Sequence[Any], what: str) -> npt.NDArray[np.intp]:
        wanted = np.array(case_ids, dtype=np.int64)
        at = np.searchsorted(self._sorted, wanted)
        at = np.minimum(at, max(len(self._sorted) - 1, 0))
        if len(wanted) and (len(self._sorted) == 0 or (self._sorted[at] != wanted).any()):
            raise ValueError(f"{what}: a row names a case_id that is not among the cases")
        return np.asarray(self._order[at], dtype=np.intp)


# Facts fields the columns carry (a test checks none is left out when Facts grows).
CARRIED_FACTS: Final[frozenset[str]] = frozenset(
    {
        *CASE_DATES,
        "decision_outcome",
        "transfer_kind",
        "advice",
        "consultations",
        "reviews",
        "exceptions",
    }
)
