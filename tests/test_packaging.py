"""The wheel ships resources/ and db/ where paths.py looks for them, and generated forms are fresh."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_resources_and_migrations(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("send_desktop-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "send_desktop/_data/resources/style.qss" in names
    assert "send_desktop/_data/db/env.py" in names
    assert any(n.startswith("send_desktop/_data/db/versions/0001") for n in names)
    assert any(n.startswith("send_desktop/gui/forms/ui_") for n in names)
    assert not any(n.endswith((".db", ".sqlite3")) for n in names)


def test_paths_find_the_installed_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no source checkout beside the package, paths.py finds send_desktop/_data/."""
    from send_desktop import paths

    fake_pkg = tmp_path / "site" / "send_desktop"
    (fake_pkg / "_data" / "resources").mkdir(parents=True)
    (fake_pkg / "_data" / "resources" / "style.qss").write_text("")
    (fake_pkg / "_data" / "db").mkdir()
    (fake_pkg / "_data" / "db" / "env.py").write_text("")
    monkeypatch.setattr(paths, "_PACKAGE_DIR", fake_pkg)
    assert paths.resources_dir() == fake_pkg / "_data" / "resources"
    assert paths.migrations_dir() == fake_pkg / "_data" / "db"


def test_paths_prefer_the_frozen_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from send_desktop import paths

    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "style.qss").write_text("")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"


def test_data_folders_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from send_desktop import paths

    monkeypatch.setenv("SEND_DESKTOP_HOME", str(tmp_path / "home"))
    for folder in (paths.data_dir(), paths.log_dir(), paths.config_dir()):
        assert folder.stat().st_mode & 0o777 == 0o700
