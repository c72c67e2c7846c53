"""Security step: a store generation counter (live matcher), sealed labels (longer: text), web sessions.

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
    op.add_column("entries", sa.Column("added_gen", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("entries", sa.Column("withdrawn_gen", sa.Integer(), nullable=True))
    op.create_index("ix_entries_added_gen", "entries", ["added_gen"])
    op.create_index("ix_entries_withdrawn_gen", "entries", ["withdrawn_gen"])
    with op.batch_alter_table("entries") as batch:  # sealed labels are longer than 300 characters
        batch.alter_column("label", type_=sa.Text(), existing_type=sa.String(300), existing_nullable=False)
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_tag", sa.String(64), nullable=False, unique=True),
        sa.Column("key_id", sa.Integer(), sa.ForeignKey("api_keys.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_sessions")
    op.drop_index("ix_entries_withdrawn_gen", "entries")
    op.drop_index("ix_entries_added_gen", "entries")
    op.drop_column("entries", "withdrawn_gen")
    op.drop_column("entries", "added_gen")
    op.drop_table("store_generation")
