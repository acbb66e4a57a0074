"""The export opened by another spreadsheet program: LibreOffice renders it to PDF (if installed)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import AS_OF
from test_wb_export import synthetic_rows

from send_desktop.workbooks.export import write_supervision

SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.slow
def test_libreoffice_opens_and_prints_the_export(tmp_path: Path) -> None:
    if SOFFICE is None or PDFTOTEXT is None:
        missing = "LibreOffice (libreoffice-calc-nogui) and poppler-utils are not installed"
        if os.environ.get("SEND_DESKTOP_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(f"{missing}, and CI requires the LibreOffice check")
        pytest.skip(missing)
    assert SOFFICE is not None and PDFTOTEXT is not None
    rows = synthetic_rows(120)
    book = tmp_path / "supervision.xlsx"
    write_supervision(book, rows, as_of=AS_OF, generated_by="LibreOffice check")
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    pdf = tmp_path / "supervision.pdf"
    first = subprocess.run(
        [PDFTOTEXT, "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    second = subprocess.run(
        [PDFTOTEXT, "-layout", "-f", "2", "-l", "2", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "SEND supervision workbook" in first
    assert "Cases by caseworker" in first
    # The caseload's page is one page wide: its last column header is on the same page.
    assert "Case ref" in second and "Review due" in second
    assert "01/06/2025" in first  # the as-of date, dd/mm/yyyy
