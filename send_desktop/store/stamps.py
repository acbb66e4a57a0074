"""The stamp on stored deadlines: "computed under these rules, this policy and this calendar".

Plain Python (no SQLAlchemy): store/summaries.py writes and checks it, and the start's plain
first page (store/first_page.py) checks it before SQLAlchemy loads.
"""

from __future__ import annotations

import hashlib

from send_desktop import timeline as tl
from send_desktop.timeline.digest import RULES_VERSION

#: Setting keys that hold the authority's policy (store/settings.py POLICY_PREFIX).
POLICY_PREFIX = "policy."


def calendar_version() -> str:
    """What the bank-holiday table comes from: the holidays package's version ("bundled" in a
    frozen bundle without its metadata: the tables are the bundled ones)."""
    from send_desktop.timeline.package_version import installed_version

    return installed_version("holidays") or "bundled"


def stamp_for(policy: tl.Policy) -> str:
    """A short, stable name for "computed under these rules, this policy and this calendar"."""
    text = f"{RULES_VERSION}|{sorted(policy.to_mapping().items())}|{calendar_version()}"
    return f"r{RULES_VERSION}-" + hashlib.sha256(text.encode()).hexdigest()[:24]
