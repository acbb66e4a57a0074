"""The one place that finds resources/, db/ and the generated forms, and the user's folders.

Three layouts are supported:
- a source checkout: resources/ and db/ sit beside the send_desktop/ package;
- an installed wheel: they are shipped inside the package as send_desktop/_data/{resources,db};
- a PyInstaller bundle: build.spec copies them to the bundle's root (sys._MEIPASS).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from send_desktop import APP_NAME

_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidates(name: str) -> list[Path]:
    frozen_root = getattr(sys, "_MEIPASS", None)
    found: list[Path] = []
    if frozen_root:
        found.append(Path(frozen_root) / name)
    found.append(_PACKAGE_DIR.parent / name)  # source checkout or editable install
    found.append(_PACKAGE_DIR / "_data" / name)  # installed wheel
    return found


def _find(name: str, marker: str) -> Path:
    for candidate in _candidates(name):
        if (candidate / marker).exists():
            return candidate
    tried = ", ".join(str(c) for c in _candidates(name))
    raise FileNotFoundError(f"Cannot find the {name}/ folder (looked in {tried})")


def resources_dir() -> Path:
    """Icons, stylesheet and application icon."""
    return _find("resources", "style.qss")


def resource(relative: str) -> Path:
    return resources_dir() / relative


def migrations_dir() -> Path:
    """The Alembic environment (env.py, versions/)."""
    return _find("db", "env.py")


def forms_package() -> str:
    """Generated ui_*.py modules are ordinary modules of this package in every layout."""
    return "send_desktop.gui.forms"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def _app_dirs() -> platformdirs.PlatformDirs:
    return platformdirs.PlatformDirs(appname="send-desktop", appauthor=False)


def data_dir() -> Path:
    """Where the SQLite database and its backups live (created owner-only)."""
    override = os.environ.get("SEND_DESKTOP_HOME")
    path = Path(override) / "data" if override else Path(_app_dirs().user_data_dir)
    return _private_dir(path)


def log_dir() -> Path:
    override = os.environ.get("SEND_DESKTOP_HOME")
    path = Path(override) / "log" if override else Path(_app_dirs().user_log_dir)
    return _private_dir(path)


def config_dir() -> Path:
    override = os.environ.get("SEND_DESKTOP_HOME")
    path = Path(override) / "config" if override else Path(_app_dirs().user_config_dir)
    return _private_dir(path)


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


__all__ = [
    "APP_NAME",
    "config_dir",
    "data_dir",
    "forms_package",
    "is_frozen",
    "log_dir",
    "migrations_dir",
    "resource",
    "resources_dir",
]
