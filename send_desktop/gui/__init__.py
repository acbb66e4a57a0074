"""PySide6 widgets, table models and dialogs: the only package that imports Qt."""
