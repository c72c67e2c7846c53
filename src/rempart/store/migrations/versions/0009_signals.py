"""Message signals in the review queue (found by scans and by the bot).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_signals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.String(24), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("guild_id", sa.String(24), nullable=False, index=True),
        sa.Column("channel_id", sa.String(24), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("details", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("message_id", "kind", name="uq_message_signal"),
    )


def downgrade() -> None:
    op.drop_table("message_signals")
