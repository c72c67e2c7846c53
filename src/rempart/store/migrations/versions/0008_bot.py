"""The Discord bot: per-server policies, the media items it processed (claimed once, retried,
finished) and members' reports.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bot_policies",
        sa.Column("guild_id", sa.String(20), primary_key=True),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("banks", sa.Text(), nullable=False),
        sa.Column("alert_channel_id", sa.String(20), nullable=True),
        sa.Column("timeout_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "bot_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.String(20), nullable=False),
        sa.Column("item_key", sa.String(60), nullable=False),
        sa.Column("guild_id", sa.String(20), nullable=False, index=True),
        sa.Column("channel_id", sa.String(20), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("pending", sa.LargeBinary(), nullable=True),
        sa.Column("claimed_by", sa.String(100), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("message_id", "item_key", name="uq_bot_item"),
    )
    op.create_table(
        "bot_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("guild_id", sa.String(20), nullable=False, index=True),
        sa.Column("channel_id", sa.String(20), nullable=False),
        sa.Column("message_id", sa.String(20), nullable=False),
        sa.Column("reporter_id", sa.String(20), nullable=False),
        sa.Column("media", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("message_id", "reporter_id", name="uq_bot_report"),
    )


def downgrade() -> None:
    op.drop_table("bot_reports")
    op.drop_table("bot_items")
    op.drop_table("bot_policies")
