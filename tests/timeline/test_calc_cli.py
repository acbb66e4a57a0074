"""`send-desktop calc` through the real entry point: table, JSON, and errors that exit 2."""

from __future__ import annotations

import json

import pytest

from send_desktop.cli import main


def test_table_lists_every_step_with_its_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["calc", "--as-of", "2025-03-01", "request_received=06/01/2025"])
    out = capsys.readouterr().out
    assert rc == 0
    assert out.startswith("As of Sat 1 Mar 2025\n")
    lines = out.splitlines()
    header = lines[1]
    assert header.split() == ["Step", "Due", "Done", "Status", "Days", "What"]
    n5 = next(line for line in lines if line.startswith("N5 "))
    assert "Mon 26 May 2025" in n5 and "On track" in n5 and "Final EHC plan issued" in n5
    assert n5.index("Mon 26 May 2025") == header.index("Due")  # columns line up
    assert (
        "Final plan due Mon 26 May 2025: request received Mon 6 Jan 2025 + 20 weeks (reg 13(2))"
        in out
    )
    assert "Overdue" in next(line for line in lines if line.startswith("N1 "))


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "calc",
            "--json",
            "--as-of",
            "2025-01-10",
            "request_received=2025-01-06",
            "exception=X3",
            "order_plan=2025-03-03",
        ]
    )
    assert rc == 0
    data = json.loads(capsys.readouterr().out)
    steps = {s["id"]: s for s in data["steps"]}
    assert steps["N5"]["due"] == "2025-05-26"
    assert steps["N5"]["status"] == "on-track"
    assert steps["N5"]["source"] == "reg 13(2)"
    assert steps["N5"]["statutory"] is True and steps["N5"]["done"] is None
    assert steps["N5"]["explanation"].startswith("Final plan due Mon 26 May 2025")
    assert steps["N4.target"]["statutory"] is False
    assert {"O2.draft", "O2.final"} <= set(steps)
    assert set(steps["N1"]) >= {"id", "title", "due", "done", "status", "days", "statutory"}


def test_review_facts_and_policy(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "calc",
            "--json",
            "--as-of",
            "2024-11-26",
            "--policy",
            "week_start=inclusive",
            "plan_issued=2024-01-10",
            "review_meeting=2024-11-01",
            "amendment_sent=2024-11-25",
            "review_outcome=A",
            "last_review=2024-01-20",
        ]
    )
    assert rc == 0
    steps = {s["id"]: s for s in json.loads(capsys.readouterr().out)["steps"]}
    assert steps["R5"]["due"] == "2024-11-28"  # inclusive counting: one day earlier
    assert steps["R6"]["due"] == "2024-12-09"  # a D window is not a week count
    assert steps["R1"]["due"] == "2025-01-19"  # 12 months starting with the last review
    assert steps["R7"]["due"] == "2025-01-19"


def test_phase_transfer_and_appeal_facts(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "calc",
            "--json",
            "--as-of",
            "2025-10-02",
            "plan_issued=2025-06-01",
            "phase_transfer=2026-09-01",
            "transfer_kind=school",
            "decision_sent=2025-10-01",
            "certificate_issued=2025-11-29",
        ]
    )
    assert rc == 0
    steps = {s["id"]: s for s in json.loads(capsys.readouterr().out)["steps"]}
    assert steps["P1"]["due"] == "2026-02-14"
    assert steps["A2"]["due"] == "2026-01-02"


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["calc", "request_received=2025-13-06"], "request_received"),
        (["calc", "request_received=yesterday"], "request_received"),
        (["calc", "favourite_colour=2025-01-06"], "favourite_colour"),
        (["calc", "request_received"], "request_received"),
        (["calc", "--policy", "week_start=sideways", "request_received=2025-01-06"], "week_start"),
        (["calc", "--policy", "nonsense=1", "request_received=2025-01-06"], "nonsense"),
        (["calc", "--as-of", "31/02/2025", "request_received=2025-01-06"], "--as-of"),
        (["calc", "exception=X9"], "exception"),
        (["calc", "phase_transfer=2026-09-01"], "transfer_kind"),
        (["calc", "request_received=2025-01-06", "request_received=2025-01-07"], "twice"),
    ],
)
def test_errors_name_the_problem_and_exit_2(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("send-desktop: ") and named in err
