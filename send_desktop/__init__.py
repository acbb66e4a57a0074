"""SEND Desktop: statutory deadlines and caseloads for English SEND (EHC) teams."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("send-desktop")
except PackageNotFoundError:  # running from a source tree that was never installed, or frozen
    __version__ = "0.1.0"

APP_NAME = "SEND Desktop"
APP_SLUG = "send-desktop"
