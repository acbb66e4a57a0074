"""SEND Desktop: statutory deadlines and caseloads for English SEND (EHC) teams."""

#: The program's version, written here once: pyproject.toml reads it (setuptools' dynamic
#: version), so an installed copy, a source tree and the frozen bundle all say the same - and
#: a fresh process need not load importlib.metadata (about 30 ms) to find it.
__version__ = "0.1.0"

APP_NAME = "SEND Desktop"
APP_SLUG = "send-desktop"
