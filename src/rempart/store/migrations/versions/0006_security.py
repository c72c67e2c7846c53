"""Security step: a store generation counter (live matcher), sealed labels (longer: text), web
sessions.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_generation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )
    op.execute("INSERT INTO store_generation (id, value) VALUES (1, 0)")
    op.add_column(
        "entries", sa.Column("added_gen", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("entries", sa.Column("withdrawn_gen", sa.Integer(), nullable=True))
    op.create_index("ix_entries_added_gen", "entries", ["added_gen"])
    op.create_index("ix_entries_withdrawn_gen", "entries", ["withdrawn_gen"])
    with op.batch_alter_table("entries") as batch:  # sealed labels are longer than 300 characters
        batch.alter_column(
            "label", type_=sa.Text(), existing_type=sa.String(300), existing_nullable=False
        )
    op.create_table(
        "entry_identities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "bank_id", sa.Integer(), sa.ForeignKey("banks.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("signal", sa.String(40), nullable=False),
        sa.Column("tag", sa.String(64), nullable=False),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.UniqueConstraint("bank_id", "signal", "tag", name="uq_entry_identity"),
    )
    # Identities of the active entries so far: a file's SHA-256, an imported hash (its only value);
    # victims' own registrations (the /protect page) own their entries and have none.
    op.execute(
        "INSERT INTO entry_identities (bank_id, signal, tag, entry_id) "
        "SELECT e.bank_id, f.signal, f.lookup_tag, MIN(e.id) FROM entries e JOIN fingerprints f "
        "ON f.entry_id = e.id "
        "WHERE e.withdrawn_at IS NULL AND e.provenance <> 'protect-page' "
        "AND (f.signal = 'sha256' OR (e.kind = 'hash' AND e.consent_basis = 'imported')) "
        "GROUP BY e.bank_id, f.signal, f.lookup_tag"
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_tag", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "key_id",
            sa.Integer(),
            sa.ForeignKey("api_keys.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_sessions")
    op.drop_table("entry_identities")
    op.drop_index("ix_entries_withdrawn_gen", "entries")
    op.drop_index("ix_entries_added_gen", "entries")
    op.drop_column("entries", "withdrawn_gen")
    op.drop_column("entries", "added_gen")
    op.drop_table("store_generation")
