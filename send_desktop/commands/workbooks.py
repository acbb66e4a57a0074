"""`send-desktop export` and `send-desktop import`: the supervision workbook and tracker import."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from send_desktop.errors import KnownError


def _as_of(text: str) -> dt.date:
    from send_desktop.workbooks.dates import DateError, parse_date

    try:
        day, _ = parse_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    if day is None:
        raise argparse.ArgumentTypeError("give a date, e.g. 2025-06-01 or 01/06/2025")
    return day


def add_parser(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export",
        help="write the supervision workbook (.xlsx)",
        description=(
            "Write the supervision workbook: Summary (KPIs, counts, chart), Caseload, Overdue, "
            "Due in 4 weeks and Annual reviews. The file is owner-only (0600)."
        ),
    )
    export.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="the .xlsx to write"
    )
    export.add_argument(
        "--as-of", type=_as_of, metavar="DATE", help="report as on this date (default: today)"
    )
    who = export.add_mutually_exclusive_group()
    who.add_argument("--caseworker", metavar="NAME", help="only this caseworker's cases")
    who.add_argument("--team", metavar="NAME", help="only this team's cases")
    export.add_argument(
        "--pseudonymise",
        action="store_true",
        help="names as initials; no dates of birth or UPNs (for sharing outside the team)",
    )
    export.add_argument(
        "--per-caseworker", action="store_true", help="add one sheet per caseworker"
    )
    export.set_defaults(func=run_export)

    tracker = subparsers.add_parser(
        "import",
        help="import a tracker spreadsheet (.xlsx or .csv)",
        description=(
            "Import cases from a team's tracker. The header row and columns are found "
            "automatically; every problem is listed with its row and column, and nothing is "
            "written unless every row is valid. Cases with a known case ref are updated."
        ),
    )
    tracker.add_argument("file", type=Path, metavar="FILE")
    tracker.add_argument(
        "--dry-run", action="store_true", help="check everything and show what would change"
    )
    tracker.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE.json",
        help='columns chosen by hand: {"field": "header text", ...}',
    )
    tracker.add_argument(
        "--report", type=Path, metavar="FILE.xlsx", help="also write every problem to a workbook"
    )
    tracker.add_argument("--sheet", metavar="NAME", help="the sheet to read (default: found)")
    order = tracker.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        dest="dayfirst",
        action="store_true",
        default=True,
        help="read 03/04/2025 as 3 April (the default)",
    )
    order.add_argument(
        "--us-dates", dest="dayfirst", action="store_false", help="read 03/04/2025 as March 4"
    )
    tracker.add_argument(
        "--show-mapping", action="store_true", help="print the column mapping as JSON and stop"
    )
    tracker.set_defaults(func=run_import)


def _user(args: argparse.Namespace, db_user: str | None) -> str:
    return args.user or db_user or "unknown"


def run_export(args: argparse.Namespace) -> int:
    from send_desktop.store import Database
    from send_desktop.workbooks.export import export_caseload

    as_of = args.as_of or dt.date.today()
    db = Database.open(args.database, args.user)
    try:
        result = export_caseload(
            db,
            args.out,
            as_of=as_of,
            user=_user(args, db.user),
            caseworker=args.caseworker,
            team=args.team,
            pseudonymise=args.pseudonymise,
            per_caseworker=args.per_caseworker,
        )
    finally:
        db.close()
    print(
        f"Wrote {result.path}: {result.cases} open cases, sheets "
        f"{', '.join(result.sheets)} ({result.seconds:.1f} s)"
    )
    return 0


def _load_mapping(path: Path | None) -> dict[str, str | None] | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise KnownError(f"{path}: cannot read the mapping ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise KnownError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in data.items()
    ):
        raise KnownError(f'{path}: the mapping must be an object {{"field": "header text"}}')
    return data


def run_import(args: argparse.Namespace) -> int:
    from send_desktop.store import Database
    from send_desktop.workbooks.importer import (
        ImportRefused,
        ImportResult,
        apply_import,
        iter_problem_lines,
        plural,
        read_tracker,
        write_import_report,
    )

    result: ImportResult | None

    plan = read_tracker(
        args.file, _load_mapping(args.mapping), dayfirst=args.dayfirst, sheet=args.sheet
    )
    print(
        f"{args.file.name}: sheet {plan.sheet or '(CSV)'}, header row {plan.header_row}, "
        f"{plural(plan.rows_read, 'row')} read"
    )
    if args.show_mapping:
        print(json.dumps(plan.mapping_by_header, indent=2))
        return 0
    problems = list(plan.problems)
    outcome = 0
    if args.report is not None:
        # The report is written after the import: a folder it cannot go into must stop the
        # import before anything is committed, not after.
        from send_desktop.store.backup import report_folder_problem

        refused = report_folder_problem(args.report)
        if refused:
            raise KnownError(f"Nothing imported: the report {args.report} {refused}")
    db = Database.open(args.database, args.user)
    try:
        if db.path is not None and not args.dry_run:
            from send_desktop.store.database import refuse_if_damaged

            refuse_if_damaged(db.path)
        try:
            result = apply_import(db, plan, _user(args, db.user), dry_run=args.dry_run)
            problems = result.problems
        except ImportRefused as exc:
            problems = exc.problems
            outcome = exc.exit_code
            result = exc.result
    finally:
        db.close()
    if result is not None:
        for line in result.summary_lines():
            print(line)
    for line in iter_problem_lines(problems):
        print(line, file=sys.stderr if line.startswith("error") else sys.stdout)
    if args.report is not None:
        write_import_report(args.report, plan, problems, result)
        print(f"Problems written to {args.report}")
    if outcome:
        errors = sum(1 for p in problems if p.severity == "error")
        print(f"send-desktop: nothing imported: {plural(errors, 'error')}", file=sys.stderr)
    return outcome
