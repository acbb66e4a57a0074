"""England's bank-holiday table (timeline/bank_holidays.py) is the `holidays` package's answer."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from send_desktop.timeline import bank_holidays, counting


def test_the_table_is_from_the_installed_holidays() -> None:
    """Fails when `holidays` is upgraded: regenerate the table (its docstring says how)."""
    assert bank_holidays.installed_version() == holidays.__version__
    assert holidays.__version__ == bank_holidays.HOLIDAYS_VERSION


@pytest.mark.parametrize("year", range(bank_holidays.FIRST_YEAR, bank_holidays.LAST_YEAR + 1))
def test_every_year_of_the_table_equals_the_package_s_england(year: int) -> None:
    package = sorted(holidays.country_holidays("GB", subdiv="ENG", years=year))
    assert bank_holidays.england(year) == package


def test_another_version_or_year_asks_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside the table, or with another `holidays` installed, the package itself answers, so
    the days counted are always the installed package's."""
    assert bank_holidays.england(bank_holidays.LAST_YEAR + 1) is None
    assert bank_holidays.england(bank_holidays.FIRST_YEAR - 1) is None
    monkeypatch.setattr(bank_holidays, "HOLIDAYS_VERSION", "0.0-another")
    assert bank_holidays.england(2025) is None
    monkeypatch.setattr(counting, "_BANK_HOLIDAYS", set())
    monkeypatch.setattr(counting, "_YEARS_LOADED", set())
    # Christmas 2027 is a Saturday: the substitute days are Monday 27 and Tuesday 28.
    assert counting.is_bank_holiday(date(2027, 12, 27))
    assert counting.is_bank_holiday(date(2027, 12, 28))
    late = bank_holidays.LAST_YEAR + 3
    for day in holidays.country_holidays("GB", subdiv="ENG", years=late):
        assert counting.is_bank_holiday(day)
    assert not counting.is_working_day(date(late, 12, 25))
