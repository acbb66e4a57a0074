"""PySide6 widgets, table models and dialogs: the only package that imports Qt."""

from __future__ import annotations

import linecache
import sys
from types import ModuleType

import PySide6  # noqa: F401  (installs shiboken's import hook, changed below)


def _forget_checked_sources() -> None:
    """Keep shiboken's import hook from holding the source of every module imported after Qt.

    PySide6's `__feature__` support checks each newly imported module for the word "PySide6"
    with `inspect.getsource`, which leaves the module's whole source in `linecache` for the
    rest of the process: 22 MB measured for the window, SQLAlchemy, the models and holidays
    (VmRSS of those imports 103 -> 81 MB). The answer is the same; only the cached lines go.
    A PySide6 without that hook is left alone.
    """
    feature = sys.modules.get("shibokensupport.feature")
    check = getattr(feature, "_mod_uses_pyside", None)
    if check is None or getattr(check, "_forgets_sources", False):
        return

    def mod_uses_pyside(module: ModuleType) -> bool:
        had = set(linecache.cache)
        try:
            return bool(check(module))
        finally:
            for name in set(linecache.cache) - had:
                linecache.cache.pop(name, None)

    mod_uses_pyside._forgets_sources = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[union-attr]
    linecache.clearcache()  # what the hook kept before this ran (imports since PySide6)


_forget_checked_sources()
