"""Temporary files only inside the private (0700) data folder, and swept after a crash.

openpyxl's write-only sheets and our own half-written files hold sheet XML with children's names
and dates of birth. The system's temporary folder is shared with every user of the machine and
is not cleaned when a process is killed, so each process gets its own folder under
data_dir()/tmp (tempfile's default for the whole process), and the folders of processes that
are gone are removed at the next start.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from pathlib import Path

from send_desktop import paths

log = logging.getLogger(__name__)

_TMP = "tmp"


def private_tmp_root() -> Path:
    root = paths.data_dir() / _TMP
    root.mkdir(mode=0o700, exist_ok=True)
    if os.name == "posix":
        os.chmod(root, 0o700)
    return root


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return os.name != "posix"  # Windows: os.kill(pid, 0) is not a probe; keep it
    return True


def sweep(root: Path | None = None) -> int:
    """Remove the temporary folders of processes that no longer run; returns how many."""
    root = root or private_tmp_root()
    removed = 0
    for entry in root.iterdir():
        head = entry.name.split("-", 1)[0]
        if not head.isdigit() or _alive(int(head)):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        if not entry.exists():
            removed += 1
    if removed:
        log.info("Removed the temporary files of %d stopped runs", removed)
    return removed


def use_private_tempdir() -> Path | None:
    """Point tempfile (and so openpyxl) at this process's own private folder, after sweeping.

    Returns the folder, or None when the data folder cannot be written (the command that
    needs it then says so).
    """
    try:
        root = private_tmp_root()
        sweep(root)
        mine = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))
    except OSError as exc:
        log.warning("No private temporary folder (%s)", exc.strerror or type(exc).__name__)
        return None
    atexit.register(shutil.rmtree, mine, True)
    tempfile.tempdir = str(mine)
    for name in ("TMPDIR", "TEMP", "TMP"):
        os.environ[name] = str(mine)
    return mine


_PARTIAL = ".send-desktop-part"


def partial_name(target: Path) -> Path:
    """Where a file is written before it is renamed to target: beside it, named by this process
    so that one left by a killed process can be told from one still being written."""
    return target.with_name(f".{target.name}.{os.getpid()}{_PARTIAL}")


def sweep_partial(folder: Path) -> int:
    """Remove partial files (partial_name) in folder left by processes that no longer run."""
    removed = 0
    try:
        entries = list(folder.glob(f".*{_PARTIAL}"))
    except OSError:
        return 0
    for entry in entries:
        pid = entry.name[: -len(_PARTIAL)].rsplit(".", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            try:
                entry.unlink()
                removed += 1
            except OSError:
                pass
    if removed:
        log.info("Removed %d partial files left by stopped runs", removed)
    return removed


def move_into_place(temp: Path, target: Path) -> None:
    """Move a finished file from the private folder to its target (across disks too)."""
    try:
        os.replace(temp, target)
        return
    except OSError as exc:
        if exc.errno != 18:  # EXDEV: another file system; copy beside the target, then rename
            raise
    beside = partial_name(target)
    try:
        shutil.copyfile(temp, beside)
        if os.name == "posix":
            os.chmod(beside, 0o600)
        os.replace(beside, target)
    finally:
        beside.unlink(missing_ok=True)
        temp.unlink(missing_ok=True)
