"""Fixtures for the workbook tests: a messy sample tracker, an encrypted workbook, row counts."""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy import func, select

from send_desktop.store import Database
from send_desktop.store.models import AuditEntry, Case, CaseNote, Caseworker, Child, Team

AS_OF = dt.date(2025, 6, 1)

HEADERS = [
    "Case Ref",
    "Forename",
    "Surname",
    "D.O.B.",
    "UPN",
    "EHCNA request received",
    "Officer",
    "Decision date",
    "Date draft issued",
    "Final EHCP issued",
    "Notes",
]
# Mixed formats as trackers really hold them: Excel dates, typed dates, N/A, TBC, dashes.
SAMPLE_ROWS: list[list[object]] = [
    [
        "EHC-T-001",
        "Jane",
        "Smith",
        dt.datetime(2015, 3, 14),
        "A123456789012",
        dt.datetime(2025, 1, 6),
        "Amy Brown",
        "10/02/2025",
        "N/A",
        "TBC",
        "Chased EP advice",
    ],
    [
        "EHC-T-002",
        "Tom",
        "Jones",
        "2014-07-01",
        None,
        "6 Jan 2025",
        "Ben Clark",
        "-",
        None,
        None,
        None,
    ],
    [
        None,
        "Ali",
        "Khan",
        "01/09/2016",
        "",
        "3/2/25",
        "amy brown",
        "17 Mar 2025",
        "28 Apr 2025",
        "2025-05-20",
        "Placement agreed",
    ],
    [
        None,
        "Mary-Jane",
        "O'Neil",
        "n/a",
        None,
        "20/12/2024",
        "Ben Clark",
        "31/01/2025",
        None,
        "N/A",
        "",
    ],
    [
        "EHC-T-005",
        "Zara",
        "Ahmed",
        dt.datetime(2013, 11, 2),
        None,
        dt.datetime(2024, 10, 1),
        "Cara Davis",
        dt.datetime(2024, 11, 5),
        "01/02/2025",
        "14/02/2025",
        None,
    ],
]


def write_tracker(
    path: Path,
    rows: list[list[object]],
    headers: list[str] | None = None,
    title_rows: bool = True,
) -> Path:
    """A tracker the way teams keep them: a merged title, notes above the table, blank tails."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tracker 2025"
    headers = headers or HEADERS
    if title_rows:
        sheet["A1"] = "EHC Needs Assessment Tracker 2025"
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        sheet["A2"] = "Maintained by the SEN team - please do not sort"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed text, as a caseworker's tracker holds it
    # Trailing rows that are formatted but empty, as Excel leaves them.
    last = sheet.max_row
    for number in range(last + 1, last + 4):
        sheet.cell(number, 1).fill = PatternFill("solid", fgColor="FFFF00")
        sheet.cell(number, 2).value = None
    book.save(path)
    return path


@pytest.fixture
def sample_tracker(tmp_path: Path) -> Path:
    return write_tracker(tmp_path / "tracker.xlsx", SAMPLE_ROWS)


@pytest.fixture
def write_rows(tmp_path: Path) -> Callable[..., Path]:
    def make(
        rows: list[list[object]], headers: list[str] | None = None, name: str = "t.xlsx"
    ) -> Path:
        return write_tracker(tmp_path / name, rows, headers)

    return make


_TABLES = (Case, Child, Caseworker, Team, CaseNote, AuditEntry)


def row_counts(db: Database) -> dict[str, int]:
    """How many rows each table holds: unchanged after a refused import."""
    with db.session() as session:
        return {
            model.__tablename__: session.execute(
                select(func.count()).select_from(model)
            ).scalar_one()
            for model in _TABLES
        }


def encrypted_workbook(path: Path) -> Path:
    """A compound (OLE) file shaped like Excel's encrypted .xlsx: EncryptionInfo and
    EncryptedPackage streams, as written when a workbook is saved with a password."""
    sector = 512
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\x00" * (4096 - 8)  # agile encryption v4.4
    package = struct.pack("<Q", 12345) + bytes(range(256)) * 15 + b"\x00" * (4096 - 8 - 3840)
    fat = [fat_sector, end, *range(3, 10), end, *range(11, 18), end]
    fat += [free] * (sector // 4 - len(fat))

    def entry(
        name: str, kind: int, left: int, right: int, child: int, start: int, size: int
    ) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", left, right, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, no_stream, no_stream, 1, end, 0)
        + entry("EncryptionInfo", 2, no_stream, 2, no_stream, 2, len(info))
        + entry("EncryptedPackage", 2, no_stream, no_stream, no_stream, 10, len(package))
        + entry("", 0, no_stream, no_stream, no_stream, 0, 0)
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    assert len(header) == sector and len(directory) == sector
    path.write_bytes(header + struct.pack(f"<{sector // 4}I", *fat) + directory + info + package)
    return path
