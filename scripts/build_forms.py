"""Regenerate send_desktop/gui/forms/ui_*.py from the Qt Designer forms in ui/*.ui.

Run as `./dev forms` (or `python scripts/build_forms.py`). Uses the pyside6-uic of the same
virtual environment so the generated code matches the pinned PySide6. `--check` reports stale
or missing files and exits 1 without writing anything (CI and tests/test_forms.py use it).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_DIR = ROOT / "ui"
FORMS_DIR = ROOT / "send_desktop" / "gui" / "forms"

# uic stamps its own version into a comment; two builds that differ only there are the same form.
_VERSION_LINE = re.compile(r"^## Created by: Qt User Interface Compiler version .*$", re.MULTILINE)


def uic_path() -> Path:
    """The pyside6-uic next to this interpreter (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "pyside6-uic"
    if beside.exists():
        return beside
    venv = ROOT / ".venv" / "bin" / "pyside6-uic"
    if venv.exists():
        return venv
    found = shutil.which("pyside6-uic")
    if found is None:
        raise SystemExit("build_forms: pyside6-uic not found (run ./dev setup)")
    return Path(found)


def target_for(ui_file: Path, out_dir: Path = FORMS_DIR) -> Path:
    return out_dir / f"ui_{ui_file.stem}.py"


# uic writes untyped code; mypy (strict for the whole package) must not report inside it.
GENERATED_HEADER = "# mypy: ignore-errors\n"


def compile_form(ui_file: Path, out_file: Path) -> None:
    result = subprocess.run(
        [str(uic_path()), "--from-imports", str(ui_file)],
        check=True,
        capture_output=True,
        text=True,
    )
    out_file.write_text(GENERATED_HEADER + result.stdout, encoding="utf-8")


def normalised(text: str) -> str:
    return _VERSION_LINE.sub("## Created by: Qt User Interface Compiler", text)


def stale_forms(out_dir: Path) -> list[str]:
    """Names of ui files whose generated module is missing or differs from a fresh build."""
    problems: list[str] = []
    for ui_file in sorted(UI_DIR.glob("*.ui")):
        fresh = out_dir / f"fresh_{ui_file.stem}.py"
        compile_form(ui_file, fresh)
        current = target_for(ui_file)
        if not current.exists():
            problems.append(f"{current.relative_to(ROOT)} is missing")
        elif normalised(current.read_text(encoding="utf-8")) != normalised(
            fresh.read_text(encoding="utf-8")
        ):
            problems.append(f"{current.relative_to(ROOT)} is stale (rebuild from {ui_file.name})")
    expected = {target_for(u).name for u in UI_DIR.glob("*.ui")}
    for generated in sorted(FORMS_DIR.glob("ui_*.py")):
        if generated.name not in expected:
            problems.append(f"{generated.relative_to(ROOT)} has no ui/ source")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale forms, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            problems = stale_forms(Path(tmp))
        for line in problems:
            print(line)
        return 1 if problems else 0
    for ui_file in sorted(UI_DIR.glob("*.ui")):
        compile_form(ui_file, target_for(ui_file))
        print(f"{ui_file.relative_to(ROOT)} -> {target_for(ui_file).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
