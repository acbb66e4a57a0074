"""Sub-commands of the send-desktop command line, one module per area."""
