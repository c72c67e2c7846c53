"""The store: banks, entries, encrypted fingerprints and the audit log (SQLAlchemy 2 + Alembic)."""

from rempart.store.store import AddResult, BankInfo, Consent, EntryInfo, Store, StoredFingerprint

__all__ = ["AddResult", "BankInfo", "Consent", "EntryInfo", "Store", "StoredFingerprint"]
