"""Initial schema: meta, banks, entries, fingerprints, audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rempart_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "banks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("pdq_threshold", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "bank_id", sa.Integer(), sa.ForeignKey("banks.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("consent_basis", sa.String(50), nullable=False),
        sa.Column("consent_recorded_by", sa.String(200), nullable=False),
        sa.Column("provenance", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_entries_bank_id", "entries", ["bank_id"])
    op.create_table(
        "fingerprints",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("signal", sa.String(40), nullable=False),
        sa.Column("variant", sa.String(60), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=True),
        sa.Column("low_quality", sa.Boolean(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("lookup_tag", sa.String(64), nullable=False),
        sa.UniqueConstraint("entry_id", "signal", "lookup_tag", name="uq_fingerprint_per_entry"),
    )
    op.create_index("ix_fingerprints_entry_id", "fingerprints", ["entry_id"])
    op.create_index("ix_fingerprints_signal_tag", "fingerprints", ["signal", "lookup_tag"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("bank", sa.String(100), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("fingerprints")
    op.drop_table("entries")
    op.drop_table("banks")
    op.drop_table("rempart_meta")
