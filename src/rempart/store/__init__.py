"""The store: banks, entries, encrypted fingerprints and the audit log (SQLAlchemy 2 + Alembic)."""

from rempart.store.store import BankInfo, Consent, EntryInfo, Store, StoredFingerprint

__all__ = ["BankInfo", "Consent", "EntryInfo", "Store", "StoredFingerprint"]
