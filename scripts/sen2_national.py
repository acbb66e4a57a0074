"""Rebuild resources/data/sen2-national.csv from the DfE "Education, health and care plans" files.

Usage: python scripts/sen2_national.py DFE_FOLDER [OUT]

DFE_FOLDER holds the 2025 release's underlying data (requests.csv, assessments.csv,
timeliness_20_week.csv, annual_reviews.csv). Only England and local-authority rows of the
"All ..." breakdowns for the latest calendar year are kept: the figures the SEN2 preview shows
beside the authority's own. Suppressed cells ("x", "c", "z") are left empty.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

SOURCE = (
    "DfE, Education, health and care plans, reporting year 2025 (calendar year 2024; reviews "
    "to January 2025), explore-education-statistics.service.gov.uk; OGL v3.0"
)
# measure, file, numerator column, "over" column (denominator = numerator + over) or None,
# denominator column (when not numerator + over), published percentage column or None.
MEASURES = (
    ("decisions_within_6_weeks", "requests.csv", "request_outcome_six_weeks",
     "request_outcome_over_6_weeks", None, "request_outcome_six_weeks_pc"),
    ("plans_within_20_weeks_incl", "timeliness_20_week.csv", "plans_issued_within_20_weeks",
     None, "plans_issued_den", "pc_plans_issued_within_20_weeks"),
    ("plans_within_20_weeks_excl", "timeliness_20_week.csv", "plans_issued_20_weeks_ex",
     None, "plans_issued_den_ex", "PC_plans_issued_20_weeks_ex"),
    ("not_issue_within_16_weeks", "assessments.csv", "outcome_decision_within_time",
     "outcome_decision_over_time", None, "outcome_decision_within_time_pc"),
    ("review_outcomes_within_4_weeks", "annual_reviews.csv", "number_decsion_4weeks",
     "number_decision_gt_4weeks", None, "pc_decsion_4weeks"),
    ("reviews_expected_not_held", "annual_reviews.csv", "no_review_meeting",
     None, "review_expected", None),
)  # fmt: skip


def _number(text: str) -> int | None:
    text = text.strip().replace(",", "")
    return int(text) if text.isdigit() else None


def main(folder: Path, out: Path) -> int:
    rows: list[dict[str, object]] = []
    for measure, name, num_col, over_col, den_col, pct_col in MEASURES:
        with (folder / name).open(encoding="utf-8-sig", newline="") as f:
            table = list(csv.DictReader(f))
        year = max(int(r["time_period"]) for r in table)
        for r in table:
            if int(r["time_period"]) != year or not r["breakdown"].startswith("All "):
                continue
            level = r["geographic_level"]
            if level not in ("National", "Local authority"):
                continue
            numerator = _number(r[num_col])
            if den_col is not None:
                denominator = _number(r[den_col])
            else:
                over = _number(r[over_col]) if over_col else None
                denominator = None if numerator is None or over is None else numerator + over
            if pct_col is not None:
                pct = r[pct_col].strip()
                percent = pct if pct.replace(".", "", 1).isdigit() else ""
            elif numerator is not None and denominator:
                percent = f"{100 * numerator / denominator:.1f}"
            else:
                percent = ""
            national = level == "National"
            rows.append(
                {
                    "year": year,
                    "la_code": "" if national else r["old_la_code"],
                    "area": "England" if national else r["la_name"],
                    "measure": measure,
                    "numerator": "" if numerator is None else numerator,
                    "denominator": "" if denominator is None else denominator,
                    "percent": percent,
                    "published_percent": "yes" if pct_col else "no",
                }
            )
    rows.sort(key=lambda r: (r["measure"], r["la_code"]))
    with out.open("w", encoding="utf-8", newline="") as f:
        f.write(f"# source: {SOURCE}\n")
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {out}")
    return 0


if __name__ == "__main__":
    here = Path(__file__).resolve().parents[1]
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else here / "resources/data/sen2-national.csv"
    sys.exit(main(Path(sys.argv[1]), target))
