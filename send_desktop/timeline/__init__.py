"""Statutory clocks for EHC needs assessments and plans: pure Python, no Qt, no SQLAlchemy."""
