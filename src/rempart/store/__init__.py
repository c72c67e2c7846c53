"""The store: banks, entries, encrypted fingerprints and the audit log (SQLAlchemy 2 + Alembic)."""

# Imported for what it registers: what withdrawal does to scan results.
from rempart.store import hma as _hma  # noqa: F401
from rempart.store import scans as _scans  # noqa: F401
from rempart.store import snapshot_keys as _snapshot_keys  # noqa: F401
from rempart.store.store import Store
from rempart.store.values import AddResult, BankInfo, Consent, EntryInfo, Match, StoredFingerprint

__all__ = ["AddResult", "BankInfo", "Consent", "EntryInfo", "Match", "Store", "StoredFingerprint"]
