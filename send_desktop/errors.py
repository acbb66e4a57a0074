"""Errors a user can act on ("known" errors), as opposed to bugs.

A KnownError carries a message written for a caseworker or IT: the CLI prints it and exits 2,
the GUI shows it in a plain message box. Anything else is a bug: it is logged with its
traceback and the GUI shows a crash dialog with copyable details.
"""


class KnownError(Exception):
    """A problem the user can fix: bad input, a locked file, a database that is too new."""

    exit_code = 2
