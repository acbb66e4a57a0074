"""How much an import will unpack: a small workbook must not expand into gigabytes of sheet XML.

An .xlsx is a zip archive; 4 MB of it can hold 1.25 GB of repeated XML that openpyxl would
read for half a minute and 1.7 GB of memory. The limits sit far above any real tracker (an
authority's whole caseload is well under 100,000 rows and 200 MB of XML) and are checked from
the archive's directory and the sheets' first bytes, before openpyxl reads anything.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from send_desktop.errors import KnownError

MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_ROWS = 500_000
# Real sheet XML compresses 10-30 times; a bomb, hundreds of times.
MAX_RATIO = 200
_RATIO_FROM_BYTES = 16 * 1024 * 1024
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def _too_big(path: Path, what: str) -> KnownError:
    return KnownError(
        f"{path.name}: {what}. SEND Desktop imports at most {MAX_ROWS:,} rows and "
        f"{MAX_UNPACKED_BYTES // 2**20} MB of sheet data: split the tracker, or check it is "
        "the right file (nothing was imported)."
    )


def check_unpack_limits(path: Path, zipped: bool) -> None:
    """KnownError if the tracker would unpack past the limits; reads only the directory."""
    if not zipped:
        size = path.stat().st_size
        if size > MAX_UNPACKED_BYTES:
            raise _too_big(path, f"the file is {size // 2**20} MB")
        rows = 0
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                rows += chunk.count(b"\n")
                if rows > MAX_ROWS + 1:
                    raise _too_big(path, f"the file has more than {MAX_ROWS:,} rows")
        return
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            total = sum(e.file_size for e in entries)
            if total > MAX_UNPACKED_BYTES:
                raise _too_big(path, f"it unpacks to {total // 2**20} MB")
            for entry in entries:
                if entry.file_size > _RATIO_FROM_BYTES and entry.file_size > MAX_RATIO * max(
                    entry.compress_size, 1
                ):
                    raise _too_big(
                        path,
                        f"{entry.filename} unpacks {entry.file_size // max(entry.compress_size, 1)}"
                        " times its size (a compressed bomb, or not a real tracker)",
                    )
                if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                    with archive.open(entry) as sheet:
                        head = sheet.read(4096)
                    found = _DIMENSION.search(head)
                    if found and found.group(1) and int(found.group(1)) > MAX_ROWS:
                        raise _too_big(path, f"a sheet has {int(found.group(1)):,} rows")
    except zipfile.BadZipFile:
        return  # openpyxl says what is wrong with it
