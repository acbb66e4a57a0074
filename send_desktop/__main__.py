"""`python -m send_desktop` is the same as the `send-desktop` command."""

import sys

from send_desktop.cli import main

sys.exit(main())
