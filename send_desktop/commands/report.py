"""`send-desktop report`: the team leader's dashboard figures as text tables or JSON."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import date
from json.encoder import encode_basestring_ascii as _json_text
from typing import Any

from send_desktop.errors import KnownError


def indented_json(value: Any, indent: int = 2) -> str:
    """`json.dumps(value, indent=indent)`, the same text (tested), faster: with an indent the
    json module encodes in Python generators, a third of a second for a whole authority's
    report (5,000 caseworkers' rows). Here each string goes to its C escaper, each key's
    indented prefix is made once, and a string or whole number is written with its key."""
    out: list[str] = []
    add = out.append
    # Keyed by the key's type too: 0, 0.0 and False are equal keys of a dict but written
    # "0", "0.0" and "false".
    prefixes: dict[tuple[str, type, Any], str] = {}

    def prefix(inner: str, key: Any) -> str:
        found = prefixes.get((inner, type(key), key))
        if found is None:
            found = prefixes[(inner, type(key), key)] = f",{inner}{_json_key(key)}: "
        return found

    def walk(item: Any, margin: str) -> None:
        kind = type(item)
        if kind is dict:
            if not item:
                add("{}")
                return
            inner = margin + " " * indent
            first = True
            for key, part in item.items():
                lead = prefix(inner, key)
                if first:
                    lead, first = "{" + lead[1:], False
                kind = type(part)
                if kind is str:
                    add(lead + _json_text(part))
                elif kind is int:
                    add(lead + int.__repr__(part))
                else:
                    add(lead)
                    walk(part, inner)
            add(margin + "}")
        elif kind is list or kind is tuple:
            if not item:
                add("[]")
                return
            inner = margin + " " * indent
            comma = "[" + inner
            for part in item:
                add(comma)
                comma = "," + inner
                walk(part, inner)
            add(margin + "]")
        elif isinstance(item, str):
            add(_json_text(item))
        elif isinstance(item, dict | list | tuple):  # a subclass: the same as its base
            walk(dict(item) if isinstance(item, dict) else list(item), margin)
        else:
            add(_json_scalar(item))

    walk(value, "\n")
    return "".join(out)


def _json_scalar(value: Any) -> str:
    """A number, true, false or null as the json module writes it."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return json.dumps(value)  # NaN and the infinities as the json module spells them
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _json_key(key: Any) -> str:
    """A key as the json module writes it (a number, true, false or null in quotes)."""
    return _json_text(key) if isinstance(key, str) else f'"{_json_scalar(key)}"'


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def default_period(as_of: date) -> tuple[date, date]:
    """The twelve calendar months up to as_of: the first of the month 11 months back."""
    months = as_of.year * 12 + as_of.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1), as_of


def add_parser(subparsers: Any) -> None:
    report = subparsers.add_parser(
        "report",
        help="the team leader's figures: overdue, caseloads, timeliness, forecast, reviews",
        description=(
            "Print the dashboard's figures: overdue cases by caseworker and stage, caseloads, "
            "timeliness beside England's, cases that will breach a statutory deadline in 2, 4 "
            "and 8 weeks, and the annual review pipeline. Counted in SQL from the stored "
            "deadlines (the same definitions as every screen)."
        ),
    )
    report.add_argument("--as-of", type=_date, metavar="DATE", help="the day (default today)")
    report.add_argument(
        "--from",
        dest="period_from",
        type=_date,
        metavar="DATE",
        help="timeliness period start (default: 12 months back)",
    )
    report.add_argument(
        "--to", dest="period_to", type=_date, metavar="DATE", help="period end (default as-of)"
    )
    report.add_argument("--team", metavar="NAME", help="one team (default all teams)")
    report.add_argument(
        "--json",
        action="store_true",
        help='JSON: each figure as {"count": N} (the cases behind a figure are listed by the '
        "dashboard, or by `export`)",
    )
    report.set_defaults(func=run)


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers], *[[str(v) for v in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = (v.rjust(w) for v, w in zip(row[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    rule = "  ".join("-" * w for w in widths).rstrip()
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _of(part: int, whole: int, pct: float | None) -> str:
    return f"{part} of {whole} = {_pct(pct)}" if whole else "none in the period"


def render(report: Any) -> str:
    """The report as plain text tables, in the dashboard's order."""
    from send_desktop.store.report_sql import FORECAST_WEEKS
    from send_desktop.timeline import STAGES

    out: list[str] = [
        f"Team report: {report.scope}, as of {report.as_of:%d/%m/%Y}; "
        f"timeliness {report.period_start:%d/%m/%Y} - {report.period_end:%d/%m/%Y}",
        f"{report.open_count} open cases; {report.overdue_total.count} with a statutory step "
        "overdue.",
        "",
        "Overdue cases by caseworker and stage",
    ]
    stages = [s for s in STAGES if report.overdue_by_stage[s].count] or ["Plan"]
    out.append(
        _table(
            ["Caseworker", *stages, "Total"],
            [
                [row.worker.name, *(row.by_stage[s].count for s in stages), row.total.count]
                for row in report.overdue
            ]
            + [
                [
                    "All",
                    *(report.overdue_by_stage[s].count for s in stages),
                    report.overdue_total.count,
                ]
            ],
        )
    )
    out += ["", f"Caseloads (overloaded above {report.overload_threshold} open cases)"]
    out.append(
        _table(
            ["Caseworker", "Open", "Assessments", "Plans", "Reviews next term", "Overdue", "Flag"],
            [
                [
                    line.worker.name,
                    line.open_cases.count,
                    line.assessments.count,
                    line.plans.count,
                    line.reviews_next_term.count,
                    line.overdue.count,
                    "OVERLOADED" if line.overloaded else "",
                ]
                for line in report.caseloads
            ],
        )
    )
    t, nat = report.timeliness, report.national
    england = f"England {nat.year}" if nat else "England"
    other = report.national_other
    out += ["", "Timeliness"]
    out.append(
        _table(
            ["Measure", "This scope", england],
            [
                [
                    "Plans within 20 weeks, excl. exceptions",
                    _of(
                        t.plans_without_exception_within_20_weeks,
                        t.plans_without_exception,
                        t.pct_within_20_weeks_excl,
                    ),
                    f"{nat.excluding_exceptions:.1f}%" if nat else "-",
                ],
                [
                    "Plans within 20 weeks, incl. exceptions",
                    _of(t.plans_within_20_weeks, t.plans_issued, t.pct_within_20_weeks_incl),
                    f"{nat.including_exceptions:.1f}%" if nat else "-",
                ],
                [
                    "Decisions to assess within 6 weeks",
                    _of(t.decisions_within_6_weeks, t.decisions, t.pct_decisions_within_6_weeks),
                    f"{other['decisions_within_6_weeks']:.1f}% (2024)",
                ],
                [
                    "Plans issued after more than 52 weeks",
                    _of(t.plans_after_52_weeks, t.plans_issued, t.pct_plans_after_52_weeks),
                    f"{other['plans_after_52_weeks']:.1f}% (2024)",
                ],
                [
                    "Review decisions within 4 weeks of the meeting",
                    _of(
                        t.review_decisions_within_4_weeks,
                        t.review_decisions,
                        t.pct_review_decisions_within_4_weeks,
                    ),
                    f"{other['review_decisions_within_4_weeks']:.1f}% (2024)",
                ],
                [
                    "Reviews within 12 months",
                    _of(t.reviews_within_12_months, t.reviews, t.pct_reviews_within_12_months),
                    "-",
                ],
                [
                    "Average weeks to issue a plan",
                    "-" if t.average_weeks_to_issue is None else f"{t.average_weeks_to_issue:.1f}",
                    "-",
                ],
            ],
        )
    )
    out += ["", "Timeliness by month (plans issued within 20 weeks)"]
    out.append(
        _table(
            ["Month", "Plans", "Within 20 weeks", "%"],
            [
                [
                    m.label,
                    m.figures.plans_issued,
                    m.figures.plans_within_20_weeks,
                    _pct(m.figures.pct_within_20_weeks_incl),
                ]
                for m in report.by_month
            ],
        )
    )
    out += ["", "Forecast: cases that will breach a statutory deadline if nothing changes"]
    out.append(
        _table(
            ["Caseworker", *(f"{n} weeks" for n in FORECAST_WEEKS)],
            [
                [row.worker.name, *(row.by_weeks[n].count for n in FORECAST_WEEKS)]
                for row in report.forecast
            ]
            + [["All", *(report.forecast_total[n].count for n in FORECAST_WEEKS)]],
        )
    )
    out += ["", "Annual review pipeline"]
    out.append(
        _table(
            ["Stage", "Cases", "Overdue"],
            [[s.name, s.cases.count, s.overdue.count] for s in report.pipeline],
        )
    )
    return "\n".join(out)


def _bring_up_to_date(db: Any) -> None:
    """The figures are counted from the stored deadlines: any computed under other rules, policy
    or calendar (a new version of the program, a policy saved in a large authority) are
    recomputed first, as the desktop does in the background, with a line on stderr."""
    import sys

    from send_desktop.store import summaries

    with db.session() as session:
        stale = summaries.stale_count(session)
    if stale:
        print(f"Bringing {stale} cases' stored deadlines up to date...", file=sys.stderr)
        summaries.recompute(db.session)


def _plain(args: argparse.Namespace, as_of: date, period: tuple[date, date]) -> Any:
    """The report read with plain sqlite3 (store/report_sql.py) from a SQLite file at the
    program's head with fresh stored deadlines: no SQLAlchemy, alembic or migration check to
    load. None when the normal path must open the database (a server, an older file, stale
    rows to recompute first)."""
    from send_desktop.store.location import existing_sqlite_file

    path = existing_sqlite_file(args.database)
    if path is None:
        return None
    from send_desktop.store import report_sql

    return report_sql.read_file(path, as_of, period, args.team)


def run(args: argparse.Namespace) -> int:
    as_of: date = args.as_of or date.today()
    start, end = default_period(as_of)
    start = args.period_from or start
    end = args.period_to or end
    if end < start:
        raise KnownError("--to is before --from")
    report = _plain(args, as_of, (start, end))
    if report is None:
        from send_desktop.store import Database
        from send_desktop.store.reports import team_counts, team_id_by_name
        from send_desktop.store.settings import load_policy

        db = Database.open(args.database, args.user)
        try:
            _bring_up_to_date(db)
            with db.session() as session:
                team_id = team_id_by_name(session, args.team) if args.team else None
                report = team_counts(session, as_of, load_policy(session), start, end, team_id)
        finally:
            db.close()
    if args.json:
        from send_desktop.store.report_sql import report_to_json

        print(indented_json(report_to_json(report)))
    else:
        print(render(report))
    return 0
