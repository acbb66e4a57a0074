"""Case store: SQLAlchemy models, engine set-up, queries, audit, backups (no Qt)."""
