"""`calc` and the order rules: the issue's examples exit 2 with a message or give steps; never a
traceback, whatever the arguments; a closed pipe ends quietly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from send_desktop.cli import main
from send_desktop.commands.calc import KNOWN_FACTS

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        rc = main(["calc", *args])
    except SystemExit as exc:  # argparse: a bad option
        rc = int(exc.code or 0)
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (
            ["request_received=2025-01-06", "final_issued=2025-01-01"],
            "Final plan issued (01/01/2025) cannot be before request received (06/01/2025)",
        ),
        (
            ["request_received=2025-01-06", "decision_to_assess=2025-01-01"],
            "Decision whether to assess (01/01/2025) cannot be before request received "
            "(06/01/2025)",
        ),
        (
            ["request_received=2025-01-06", "draft_served=2025-01-02"],
            "Draft plan served (02/01/2025) cannot be before request received (06/01/2025)",
        ),
        (
            ["request_received=2025-01-06", "draft_served=2025-05-01", "final_issued=2025-04-01"],
            "Final plan issued (01/04/2025) cannot be before draft plan served (01/05/2025)",
        ),
        (
            ["final_issued=2025-05-01", "review_meeting=2025-04-01"],
            "Review meeting (01/04/2025) cannot be before plan issued (01/05/2025)",
        ),
        (
            ["review_meeting=2025-04-01", "amendment_sent=2025-03-01"],
            "Proposed amendments sent (01/03/2025) cannot be before review meeting (01/04/2025)",
        ),
        (
            ["decision_sent=2025-04-01", "certificate_issued=2025-03-01"],
            "Mediation certificate issued (01/03/2025) cannot be before decision sent (01/04/2025)",
        ),
        (
            ["request_received=9999-12-31"],
            "Request received: 31/12/9999 is outside the dates SEND Desktop accepts",
        ),
        (["request_received=31/02/2025"], "there is no 31 February in 2025"),
        (["date_of_birth=2015-01-01"], "date_of_birth alone determines no statutory step"),
        ([], "No facts given"),
    ],
)
def test_impossible_orders_and_missing_facts_exit_2(
    capsys: pytest.CaptureFixture[str], facts: list[str], message: str
) -> None:
    rc, out, err = run(capsys, "--as-of", "2025-06-01", *facts)
    assert rc == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_a_review_meeting_alone_gives_its_steps(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _err = run(capsys, "--as-of", "2026-10-01", "review_meeting=2026-10-07")
    assert rc == 0
    assert "No steps" not in out
    for step in ("R2", "R3", "R4", "R5"):
        assert any(line.startswith(step + " ") for line in out.splitlines())


def test_reassessment_with_an_exception_is_late_exception(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _err = run(
        capsys,
        "--json",
        "--as-of",
        "2026-01-01",
        "reassessment_notified=2025-01-06",
        "exception=X4",
    )
    assert rc == 0
    [o3] = json.loads(out)["steps"]
    assert o3["id"] == "O3" and o3["status"] == "late-exception"
    assert "reg 27(3)" in o3["explanation"]


def test_final_plan_inside_the_window_is_breached_not_done(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _err = run(
        capsys,
        "--json",
        "--as-of",
        "2025-06-01",
        "request_received=2025-01-06",
        "decision_to_assess=2025-02-03",
        "draft_served=2025-03-31",
        "final_issued=2025-03-31",
    )
    assert rc == 0
    steps = {s["id"]: s for s in json.loads(out)["steps"]}
    assert steps["N5"]["status"] == "breached"
    assert steps["N4"]["status"] == "breached"


_WORDS = st.sampled_from(
    [*KNOWN_FACTS, "--json", "--as-of", "--policy", "x", "", "=", "week_start", "-h"]
)
_VALUES = st.one_of(
    st.dates().map(str),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["31/02/2025", "9999-12-31", "0001-01-01", "X1", "X9", "school", "A", ""]),
    st.text(max_size=12),
)
_ARGS = st.lists(
    st.one_of(_WORDS, st.tuples(st.sampled_from(KNOWN_FACTS), _VALUES).map("=".join), st.text()),
    max_size=8,
)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(_ARGS)
def test_no_argument_list_ends_in_a_traceback(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    # main() catches KnownError (exit 2); anything else escaping here would be a traceback.
    rc, _out, err = run(capsys, *args)
    assert rc in (0, 2), (args, err)
    assert "Traceback" not in err


def test_json_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEND_DESKTOP_HOME": str(tmp_path)}
    facts = [f"advice_requested=2025-0{m}-01" for m in range(2, 10)] * 40  # > a 64 KB pipe
    script = (
        f"{sys.executable} -m send_desktop calc --json --as-of 2025-06-01 "
        "request_received=2025-01-06 " + " ".join(facts) + " | head -2"
    )
    done = subprocess.run(
        ["bash", "-c", "set -o pipefail; " + script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert done.stdout.splitlines() == ["{", '  "as_of": "2025-06-01",']
    assert done.stderr == ""
    assert done.returncode in (0, 141)
