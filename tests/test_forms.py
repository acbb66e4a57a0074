"""The generated ui_*.py modules match their Designer sources (regenerated into a temp folder)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _build_forms() -> object:
    spec = importlib.util.spec_from_file_location(
        "build_forms", ROOT / "scripts" / "build_forms.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_forms"] = module
    spec.loader.exec_module(module)
    return module


def test_every_form_is_generated_and_fresh(tmp_path: Path) -> None:
    build_forms = _build_forms()
    problems = build_forms.stale_forms(tmp_path)  # type: ignore[attr-defined]
    assert problems == [], "run ./dev forms: " + "; ".join(problems)


def test_staleness_is_detected(tmp_path: Path) -> None:
    """A hand edit of a generated file is caught (the check is not vacuous)."""
    build_forms = _build_forms()
    ui_file = sorted((ROOT / "ui").glob("*.ui"))[0]
    fresh = tmp_path / "fresh.py"
    build_forms.compile_form(ui_file, fresh)  # type: ignore[attr-defined]
    text = fresh.read_text(encoding="utf-8")
    assert build_forms.normalised(text) == build_forms.normalised(  # type: ignore[attr-defined]
        text.replace("version 6.", "version 99.")
    )
    assert build_forms.normalised(text) != build_forms.normalised(  # type: ignore[attr-defined]
        text.replace("setupUi", "setup_ui")
    )


def test_forms_are_used_by_composition_not_loaded_at_runtime() -> None:
    gui = ROOT / "send_desktop" / "gui"
    offenders = [p.name for p in gui.rglob("*.py") if "loadUiType" in p.read_text(encoding="utf-8")]
    assert offenders == []
