"""An installed package's version from its dist-info folder equals importlib.metadata's."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

from send_desktop.timeline.package_version import installed_version


@pytest.mark.parametrize("name", ["holidays", "sqlalchemy", "numpy", "openpyxl", "alembic"])
def test_installed_version_is_the_metadata_version(name: str) -> None:
    assert installed_version(name) == version(name)


def test_a_package_not_installed_has_no_version() -> None:
    assert installed_version("no_such_package_here") is None


def test_the_stamp_needs_no_importlib_metadata() -> None:
    """A fresh process stamps the stored deadlines' calendar without importing
    importlib.metadata (about 30 ms of `send-desktop report`'s start)."""
    code = (
        "import sys\n"
        "from send_desktop.store.stamps import calendar_version\n"
        "from send_desktop import __version__\n"
        "print(calendar_version(), __version__, 'importlib.metadata' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [version("holidays"), version("send-desktop"), "False"]
