"""An import refuses a workbook that unpacks past the limits, quickly and plainly."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from send_desktop.errors import KnownError
from send_desktop.workbooks import limits
from send_desktop.workbooks.tracker import read_tracker


def _bomb(path: Path, unpacked_mb: int) -> Path:
    """A minimal .xlsx whose one sheet is megabytes of the same row (deflates ~1000 times)."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b"<worksheet><sheetData>")
            block = row * 20_000
            for _ in range(unpacked_mb * 2**20 // len(block)):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


def test_a_compressed_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.xlsx", 64)
    assert bomb.stat().st_size < 2 * 2**20
    started = time.perf_counter()
    with pytest.raises(KnownError, match=r"unpacks .* times its size"):
        read_tracker(bomb)
    assert time.perf_counter() - started < 2


def test_too_much_data_and_too_many_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 2**20)
    with pytest.raises(KnownError, match=r"it unpacks to .* MB.*nothing was imported"):
        read_tracker(_bomb(tmp_path / "big.xlsx", 2))
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    csv = tmp_path / "t.csv"
    csv.write_text("Forename,Surname\n" + "A,B\n" * 20, encoding="utf-8")
    with pytest.raises(KnownError, match="more than 10 rows"):
        read_tracker(csv)
    sheet = tmp_path / "dim.xlsx"
    with zipfile.ZipFile(sheet, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:N99"/>')
    with pytest.raises(KnownError, match="a sheet has 99 rows"):
        read_tracker(sheet)
