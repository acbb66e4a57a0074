"""An installed package's version, read from its dist-info folder's name (plain Python: the
bank-holiday table checks it, and the stamp on stored deadlines holds it).

`importlib.metadata` costs a fresh process about 30 ms to import (email, zipfile, csv...), and
`send-desktop report` and the start's first page need only one version: the `holidays`
package's, part of the stamp on stored deadlines (store/stamps.py). An installed distribution's
metadata folder is named `{name}-{version}.dist-info` (the wheel and installed-packages specs),
in the folder the package itself is found in; where that folder is not found exactly once (an
egg, a frozen bundle, two copies), `importlib.metadata` decides, as before.
"""

from __future__ import annotations

import os
from functools import cache
from importlib.util import find_spec


@cache
def installed_version(name: str) -> str | None:
    """The version of the installed distribution `name` (a top-level package of the same
    name), or None when it is not installed or has no metadata (a frozen bundle)."""
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        folder = os.path.dirname(os.path.normpath(next(iter(spec.submodule_search_locations))))
        prefix = name.replace("-", "_").lower() + "-"
        try:
            found = [
                entry.name[len(prefix) : -len(".dist-info")]
                for entry in os.scandir(folder)
                if entry.name.lower().startswith(prefix) and entry.name.endswith(".dist-info")
            ]
        except OSError:
            found = []
        if len(found) == 1 and found[0]:
            return found[0]
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - the standard library always has it
        return None
    try:
        return version(name)
    except PackageNotFoundError:
        return None
