"""The store: banks, entries, encrypted fingerprints and the audit log (SQLAlchemy 2 + Alembic)."""

from rempart.store import scans as _scans  # noqa: F401  (registers what withdrawal does to scan results)
from rempart.store.store import Store
from rempart.store.values import AddResult, BankInfo, Consent, EntryInfo, Match, StoredFingerprint

__all__ = ["AddResult", "BankInfo", "Consent", "EntryInfo", "Match", "Store", "StoredFingerprint"]
