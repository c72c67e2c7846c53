"""The store's tables: banks, entries (one registered photo or video), encrypted fingerprints, audit
log.

Fingerprint values are never stored in clear: ``ciphertext`` is AES-GCM under the store key and
``lookup_tag`` a keyed HMAC used for exact lookups and de-duplication.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class MetaRow(Base):
    """Key-value facts about the store itself (key check value)."""

    __tablename__ = "rempart_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class GenerationRow(Base):
    """One row: a counter every write to banks and entries increments, in the same transaction.

    Writers update this row first, so its lock orders their commits: a reader that sees value g
    sees every change stamped with a generation up to g (the matcher's change feed).
    """

    __tablename__ = "store_generation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class BankRow(Base):
    __tablename__ = "banks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    pdq_threshold: Mapped[int] = mapped_column(Integer, default=31)
    #: HMA's share of lookups that see this bank (1.0: all; 0.0: none unless a caller bypasses).
    matching_enabled_ratio: Mapped[float] = mapped_column(Float, default=1.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    entries: Mapped[list[EntryRow]] = relationship(
        back_populates="bank", cascade="all, delete-orphan"
    )


class EntryRow(Base):
    __tablename__ = "entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id", ondelete="CASCADE"), index=True)
    #: Sealed text (a victim's file name is personal data): see ``FingerprintCipher.seal_text``.
    label: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="image")
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    consent_basis: Mapped[str] = mapped_column(String(50), default="unspecified")
    consent_recorded_by: Mapped[str] = mapped_column(String(200), default="")
    provenance: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: Store generation of the write that added / withdrew the entry (the matcher's change feed).
    added_gen: Mapped[int] = mapped_column(Integer, default=0, index=True)
    withdrawn_gen: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    bank: Mapped[BankRow] = relationship(back_populates="entries")
    fingerprints: Mapped[list[FingerprintRow]] = relationship(
        back_populates="entry", cascade="all, delete-orphan"
    )


class FingerprintRow(Base):
    __tablename__ = "fingerprints"
    __table_args__ = (
        UniqueConstraint("entry_id", "signal", "lookup_tag", name="uq_fingerprint_per_entry"),
        Index("ix_fingerprints_signal_tag", "signal", "lookup_tag"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    signal: Mapped[str] = mapped_column(String(40))
    variant: Mapped[str] = mapped_column(String(60), default="original")
    quality: Mapped[int | None] = mapped_column(Integer, nullable=True)
    low_quality: Mapped[bool] = mapped_column(Boolean, default=False)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    lookup_tag: Mapped[str] = mapped_column(String(64))
    entry: Mapped[EntryRow] = relationship(back_populates="fingerprints")


class EntryIdentityRow(Base):
    """What makes two registrations the same item in a bank (the file's SHA-256, an imported hash).

    The unique constraint, not a read-then-write check, keeps two concurrent adds of the same
    file from registering it twice. Rows go with their entry's withdrawal.
    """

    __tablename__ = "entry_identities"
    __table_args__ = (UniqueConstraint("bank_id", "signal", "tag", name="uq_entry_identity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id", ondelete="CASCADE"))
    signal: Mapped[str] = mapped_column(String(40))
    tag: Mapped[str] = mapped_column(String(64))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)


class AuditRow(Base):
    """One record of the custody log: every read of fingerprints or evidence, every change to
    banks, entries, cases and keys, every review decision and export.

    Append-only and hash-chained (``rempart.evidence.chain``): ``seq`` orders the chain, ``hash``
    is SHA-256 over the previous record's hash and this record's fields. On PostgreSQL a trigger
    refuses UPDATE and DELETE.
    """

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    bank: Mapped[str | None] = mapped_column(String(100), nullable=True)
    entry_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class AuditChainRow(Base):
    """One row: the chain's head (last ``seq`` and its hash). Appending updates it first, so its
    lock orders appenders."""

    __tablename__ = "audit_chain"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class CheckpointRow(Base):
    """A Merkle root over the records ``first_seq``..``last_seq`` and its statement (the bytes a
    time-stamp authority signs)."""

    __tablename__ = "audit_checkpoints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer, unique=True)
    root: Mapped[str] = mapped_column(String(64))
    statement: Mapped[str] = mapped_column(Text)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CheckpointTokenRow(Base):
    """A checkpoint's RFC 3161 time-stamp token, asked for after the checkpoint was made (no
    network call while the chain is locked)."""

    __tablename__ = "audit_checkpoint_tokens"
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("audit_checkpoints.id"), primary_key=True)
    token: Mapped[bytes] = mapped_column(LargeBinary)
    stamped_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EvidenceCaseRow(Base):
    """A case: one registered entry whose sightings are preserved, with its own data key (sealed
    with the store key; destroying it makes the case's vault copies unreadable)."""

    __tablename__ = "evidence_cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank: Mapped[str] = mapped_column(String(100))
    entry_id: Mapped[int] = mapped_column(Integer, unique=True)
    minor: Mapped[bool] = mapped_column(Boolean, default=False)
    data_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    key_destroyed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )


class SightingRow(Base):
    """One preserved sighting: a media item of a message that showed the case's photo. The
    record (IDs, names, link, times, signals, surrounding messages) is sealed with the case key;
    ``record_sha256`` is what the custody log holds."""

    __tablename__ = "evidence_sightings"
    __table_args__ = (UniqueConstraint("case_id", "source_key", name="uq_sighting"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_cases.id", ondelete="CASCADE"), index=True
    )
    #: Where it was seen, for idempotence: "discord:MESSAGE:POSITION" or "api:UPLOAD-SHA256:TIME".
    source_key: Mapped[str] = mapped_column(String(120))
    media_sha256: Mapped[str] = mapped_column(String(64))
    media_size: Mapped[int] = mapped_column(Integer)
    #: The vault object's name (None: not kept — a minor's case, or the bytes were not readable).
    object_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    record: Mapped[bytes] = mapped_column(LargeBinary)
    record_sha256: Mapped[str] = mapped_column(String(64))
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- archive scans (rempart scan) ---------------------------------------------------------------
# Clear columns hold only what linking needs to group by (Discord ids, times, content hashes);
# names, message text and media paths are in ``details`` (AES-GCM, like fingerprints).


class ScanRunRow(Base):
    __tablename__ = "scan_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    banks: Mapped[str] = mapped_column(Text, default="")
    exports: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="running")


class ScanMessageRow(Base):
    """One message seen in an export (a Discord message id is unique across Discord)."""

    __tablename__ = "scan_messages"
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    guild_id: Mapped[str] = mapped_column(String(24), index=True)
    channel_id: Mapped[str] = mapped_column(String(24), index=True)
    author_id: Mapped[str] = mapped_column(String(24), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    #: Sealed: server and channel names are in it.
    export_name: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[bytes] = mapped_column(LargeBinary)


class ScannedFileRow(Base):
    """One media file, by content: hashed once however many messages show it."""

    __tablename__ = "scanned_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_tag: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="unknown")
    status: Mapped[str] = mapped_column(String(20))  # hashed | failed
    reason: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScanMediaRow(Base):
    """One media reference of one message (attachment, embed image, video, sticker)."""

    __tablename__ = "scan_media"
    __table_args__ = (UniqueConstraint("message_id", "position", name="uq_scan_media_position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(
        ForeignKey("scan_messages.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # hashed | unavailable | failed
    reason: Mapped[str] = mapped_column(Text, default="")
    file_id: Mapped[int | None] = mapped_column(
        ForeignKey("scanned_files.id", ondelete="SET NULL"), nullable=True, index=True
    )
    details: Mapped[bytes] = mapped_column(LargeBinary)


class ScanMatchRow(Base):
    """A scanned file found to show a bank entry."""

    __tablename__ = "scan_matches"
    __table_args__ = (UniqueConstraint("file_id", "entry_id", "signal", name="uq_scan_match"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(
        ForeignKey("scanned_files.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    bank: Mapped[str] = mapped_column(String(100))
    signal: Mapped[str] = mapped_column(String(40))
    distance: Mapped[int | None] = mapped_column(Integer, nullable=True)
    inliers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    frames: Mapped[str | None] = mapped_column(String(20), nullable=True)
    found_by: Mapped[str] = mapped_column(String(20), default="scan")
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiKeyRow(Base):
    """An API key of the HTTP service: only a keyed hash of the secret is stored."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    secret_tag: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebSessionRow(Base):
    """A reviewer's signed-in browser: the cookie holds a random id, only its keyed hash is
    stored."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_tag: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProtectCaseRow(Base):
    """A victim's self-registration from /protect: a case number, a keyed hash of her secret, her
    entries."""

    __tablename__ = "protect_cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    secret_tag: Mapped[str] = mapped_column(String(64))
    bank: Mapped[str] = mapped_column(String(100))
    entry_ids: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ReviewDecisionRow(Base):
    """A reviewer's decision on one scan match: confirm, reject or escalate, by whom and when."""

    __tablename__ = "review_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(
        ForeignKey("scan_matches.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[str] = mapped_column(String(20))
    reviewer: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NegativeMatchRow(Base):
    """A (file, entry) pair a reviewer rejected: never reported again."""

    __tablename__ = "negative_matches"
    __table_args__ = (UniqueConstraint("content_tag", "entry_id", name="uq_negative_match"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_tag: Mapped[str] = mapped_column(String(64), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    rejected_by: Mapped[str] = mapped_column(String(200))
    rejected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BotPolicyRow(Base):
    """What the bot does in one Discord server (set with ``/rempart policy``)."""

    __tablename__ = "bot_policies"
    guild_id: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: "log", "review" (hide: delete the message, keep the preserved copy for review) or "delete".
    mode: Mapped[str] = mapped_column(String(10), default="review")
    #: Banks matched in this server, comma-separated; empty: every bank.
    banks: Mapped[str] = mapped_column(Text, default="")
    alert_channel_id: Mapped[str | None] = mapped_column(String(20), nullable=True)
    timeout_minutes: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BotItemRow(Base):
    """One media item of one Discord message, as the bot processed it: claimed once (by message
    and item), retried, finished. No media and no fingerprint of an unmatched item is kept; the
    URL is sealed and dropped once the item is done."""

    __tablename__ = "bot_items"
    __table_args__ = (UniqueConstraint("message_id", "item_key", name="uq_bot_item"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(20))
    item_key: Mapped[str] = mapped_column(String(60))
    guild_id: Mapped[str] = mapped_column(String(20), index=True)
    channel_id: Mapped[str] = mapped_column(String(20))
    #: "pending" (claimed, not finished), "done" or "failed".
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: What came of it: "no-match", "deleted", "review", "logged", "reported", or the error.
    outcome: Mapped[str] = mapped_column(Text, default="")
    #: The sealed media URL and context, kept only while pending (for a restart to finish it).
    pending: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BotReportRow(Base):
    """A member's "Report to Rempart" on a message: its media preserved (match or not) and queued
    for review."""

    __tablename__ = "bot_reports"
    __table_args__ = (UniqueConstraint("message_id", "reporter_id", name="uq_bot_report"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[str] = mapped_column(String(20), index=True)
    channel_id: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[str] = mapped_column(String(20))
    reporter_id: Mapped[str] = mapped_column(String(20))
    media: Mapped[int] = mapped_column(Integer, default=0)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    #: "pending", then the reviewer's "confirm", "reject" or "escalate".
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MessageSignalRow(Base):
    """A message signal (``rempart.intel``) waiting for, or given, a reviewer's decision: found by
    a scan or by the bot. What it quotes of the message is sealed."""

    __tablename__ = "message_signals"
    __table_args__ = (UniqueConstraint("message_id", "kind", name="uq_message_signal"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(24))
    guild_id: Mapped[str] = mapped_column(String(24), index=True)
    channel_id: Mapped[str] = mapped_column(String(24))
    source: Mapped[str] = mapped_column(String(10))  # scan | bot
    score: Mapped[float] = mapped_column(Float)
    details: Mapped[bytes] = mapped_column(LargeBinary)
    #: "pending", then the reviewer's "confirm", "reject" or "escalate".
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class HmaContentRow(Base):
    """What HMA's curation routes keep about an entry beside its fingerprints: when it matches
    again (``disable_until_ts``: 0 never, 1 always, else a Unix time), the signals as HMA gave
    them back, and the caller's note and metadata (sealed: they may describe the content).
    Deleted with the entry's withdrawal."""

    __tablename__ = "hma_content"
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    disable_until_ts: Mapped[int] = mapped_column(Integer, default=1)
    signals: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    user_metadata: Mapped[str] = mapped_column(Text, default="")


class HmaSignalTypeRow(Base):
    """An operator's override of one HMA signal type's enabled ratio (``PUT /c/signal_type``)."""

    __tablename__ = "hma_signal_types"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled_ratio: Mapped[float] = mapped_column(Float, default=1.0)


class ExchangeRow(Base):
    """A configured signal exchange (HMA's "collaboration"): which API, its settings, the bank it
    fills (same name), and its fetch state (checkpoint and progress)."""

    __tablename__ = "exchanges"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    api: Mapped[str] = mapped_column(String(60))
    #: The exchange's configuration as python-threatexchange serialises it (JSON).
    config: Mapped[str] = mapped_column(Text, default="{}")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The API's checkpoint after the last committed page (JSON; "" before the first fetch).
    checkpoint: Mapped[str] = mapped_column(Text, default="")
    checkpoint_ts: Mapped[int | None] = mapped_column(Integer, nullable=True)
    running_fetch_start_ts: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_fetch_complete_ts: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_fetch_succeeded: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    up_to_date: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_items: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


class ExchangeItemRow(Base):
    """Which entry holds one item an exchange delivered (its key in the exchange), so an update
    or a removal from the exchange reaches the same entry."""

    __tablename__ = "exchange_items"
    __table_args__ = (UniqueConstraint("exchange", "item_key", name="uq_exchange_item"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(
        ForeignKey("exchanges.name", ondelete="CASCADE"), index=True
    )
    item_key: Mapped[str] = mapped_column(String(200))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)


class ExchangeCredentialRow(Base):
    """Credentials of one exchange API (sealed JSON), as ``/c/exchanges/api/<name>`` sets them."""

    __tablename__ = "exchange_credentials"
    api: Mapped[str] = mapped_column(String(60), primary_key=True)
    credentials: Mapped[str] = mapped_column(Text, default="")
