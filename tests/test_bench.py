"""`send-desktop bench` at a tiny size, and its PostgreSQL page-scaling probe on a real server."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from send_desktop.cli import main
from send_desktop.commands.bench_postgres import page_scaling


def test_bench_reports_every_store_and_workbook_figure(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["bench", "--cases", "60", "--no-gui", "--repeats", "1", "--workbook-cases", "30"]
    assert main([*argv, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    names = [r["name"] for r in found["results"]]
    assert any(n.startswith("demo --cases 60") for n in names)
    assert any(n.startswith("recompute every stored deadline") for n in names)
    assert any(n.startswith("report --json") for n in names)
    # No scaling run below 1,000 cases: the whole-workbook figures come from this run.
    assert any(n.startswith("export of a 30-case supervision workbook") for n in names)
    assert any(n.startswith("import of a 30-row tracker") for n in names)


def test_bench_keep_reuses_the_databases_it_built(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["bench", "--cases", "40", "--no-gui", "--repeats", "1", "--workbook-cases", "20"]
    keep = ["--keep", str(tmp_path / "kept"), "--json"]
    assert main([*argv, *keep]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main([*argv, *keep]) == 0
    second = json.loads(capsys.readouterr().out)
    names = [r["name"] for r in second["results"]]
    assert any(n.startswith("demo --cases 40") for n in (r["name"] for r in first["results"]))
    assert not any(n.startswith("demo --cases") for n in names)
    # The same measurements otherwise, on the same 40 cases (imported afresh each run).
    assert names == [r["name"] for r in first["results"]][1:]
    imports = [r["note"] for r in second["results"] if r["name"].startswith("import of")]
    assert imports and imports[0].startswith("20 cases written")


def test_postgres_probe_measures_page_and_counts_at_both_sizes(pg_server) -> None:  # type: ignore[no-untyped-def]
    big, small, big_open, small_open, built = page_scaling(
        pg_server.url(), 400, 200, date(2025, 6, 2), 1
    )
    assert big > 0 and small > 0 and built > 0
    assert big_open > 0 and small_open > 0
    # The scratch databases are dropped again.
    assert "send_bench_" not in pg_server.psql("SELECT string_agg(datname, ',') FROM pg_database")


def test_the_bench_times_byte_compiled_modules() -> None:
    """Before timing, the program's modules are byte-compiled (as an installed program's are),
    even when this process may not write bytecode itself (PYTHONDONTWRITEBYTECODE)."""
    import importlib.util

    from send_desktop.commands import bench, report

    cached = Path(importlib.util.cache_from_source(report.__file__))
    cached.unlink(missing_ok=True)
    bench._byte_compiled()
    assert cached.is_file()
