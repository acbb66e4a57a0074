"""`send-desktop --self-test` passes from the source tree (CI also runs it on the frozen bundle)."""

from __future__ import annotations

import pytest

from send_desktop.cli import main


@pytest.mark.gui
def test_self_test_passes(capsys: pytest.CaptureFixture[str], qapp: object) -> None:
    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out
    assert "self-test passed" in out
    for check in (
        "statutory clocks",
        "database created",
        "caseload computed",
        "supervision workbook",
        "main window and dashboard",
    ):
        assert f"ok    {check}" in out


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert "send-desktop 0.1.0" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for command in (
        "calc",
        "demo",
        "import",
        "export",
        "report",
        "backup",
        "restore",
        "check",
        "bench",
    ):
        assert command in text
