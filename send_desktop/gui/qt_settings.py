"""The per-user QSettings file (window geometry, header state, name) under paths.config_dir()."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from send_desktop import paths

SETTINGS_FILE = "send-desktop.ini"

# Keys used across the GUI: one place so a typo cannot split a setting in two.
CASEWORKER_NAME = "caseworker/name"
DATABASE_LOCATION = "database/location"
SHOW_REMINDER = "startup/show_reminder"
SHOW_TRAY = "startup/show_tray"


def app_settings() -> QSettings:
    """An INI file in the config folder, so SEND_DESKTOP_HOME isolates tests and portable installs."""
    return QSettings(str(paths.config_dir() / SETTINGS_FILE), QSettings.Format.IniFormat)


def read_str(key: str, default: str = "") -> str:
    value = app_settings().value(key, default)
    return str(value) if value is not None else default


def read_bool(key: str, default: bool) -> bool:
    value = app_settings().value(key, default)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def write(key: str, value: object) -> None:
    settings = app_settings()
    settings.setValue(key, value)
    settings.sync()
