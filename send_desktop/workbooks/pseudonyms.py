"""Stable codes for case refs in a pseudonymised workbook: a keyed hash, never the ref itself.

A tracker's ref can carry a name ("EHC-SMITH-JANE"), so a workbook shared outside the team
shows a code instead. The code is an HMAC-SHA256 of the ref under a secret kept in the
database (created on first use), so the same case gets the same code in every export from
that database - supervision can follow a case from month to month - while someone holding
only the workbook cannot work back to the ref, or test a guessed ref, without the secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Final

from sqlalchemy.orm import Session

SECRET_SETTING: Final = "workbook.pseudonym_secret"
_CODE_LENGTH: Final = 10  # 50 bits: no collision in practice among 1,000,000 cases per database


def pseudonym_secret(session: Session, user: str) -> bytes:
    """This database's secret, created the first time it is asked (a setting, like any other)."""
    from send_desktop.store.settings import get_setting, set_setting

    stored = get_setting(session, SECRET_SETTING)
    if stored is None:
        stored = secrets.token_hex(32)
        set_setting(session, SECRET_SETTING, stored, user)
    return bytes.fromhex(stored)


def ref_coder(secret: bytes) -> Callable[[str], str]:
    """ref -> "P-XXXXXXXXXX", the same for the same ref and secret."""

    def code(ref: str) -> str:
        digest = hmac.new(secret, ref.strip().casefold().encode(), hashlib.sha256).digest()
        return "P-" + base64.b32encode(digest).decode()[:_CODE_LENGTH]

    return code
