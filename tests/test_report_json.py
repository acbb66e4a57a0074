"""`report --json` writes its figures with `indented_json`, faster than the json module with an
indent: the text must be exactly `json.dumps(value, indent=2)`'s, for any JSON value and for a
whole report."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from send_desktop.commands.report import indented_json
from send_desktop.store import Database
from send_desktop.store.demo import make_demo
from send_desktop.store.report_sql import report_to_json
from send_desktop.store.reports import team_counts, team_report
from send_desktop.store.settings import load_policy

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities too, as json.dumps writes them
    | st.text()  # any characters: quotes, control characters, non-ASCII, surrogates
)
_KEYS = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(_KEYS, inner, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(value=_VALUES, indent=st.sampled_from([2, 0, 4]))
def test_any_json_value_is_written_as_the_json_module_writes_it(value: Any, indent: int) -> None:
    try:
        expected = json.dumps(value, indent=indent)
    except (TypeError, ValueError):
        return  # keys json itself refuses are not written by the report
    assert indented_json(value, indent) == expected


def test_a_whole_report_is_written_as_the_json_module_writes_it(sqlite_db: Database) -> None:
    as_of = date(2025, 6, 2)
    make_demo(sqlite_db, cases=400, seed=3, as_of=as_of)
    with sqlite_db.session() as s:
        policy = load_policy(s)
        period = (date(2024, 7, 1), as_of)
        for report in (
            team_counts(s, as_of, policy, *period),
            team_report(s, as_of, policy, *period),  # with every bucket's case ids
        ):
            data = report_to_json(report)
            assert indented_json(data) == json.dumps(data, indent=2)
            assert json.loads(indented_json(data)) == data


def test_a_value_json_cannot_write_is_refused_the_same_way() -> None:
    for bad in ({"day": date(2025, 1, 1)}, [object()]):
        try:
            json.dumps(bad, indent=2)
        except TypeError:
            pass
        else:  # pragma: no cover
            raise AssertionError("json wrote it")
        try:
            indented_json(bad)
        except TypeError:
            continue
        raise AssertionError("indented_json wrote what json refuses")
