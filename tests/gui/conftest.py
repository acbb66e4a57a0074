"""Every test under tests/gui needs Qt widgets: the gui marker is set here, by folder, so a new
file cannot forget it (`pytest -m "not gui"` skips the folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.gui)
