"""HMA compatibility: bank enabled ratios, content state, signal type overrides, exchanges.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("banks") as batch:
        batch.add_column(
            sa.Column("matching_enabled_ratio", sa.Float(), nullable=False, server_default="1.0")
        )
    op.create_table(
        "hma_content",
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("disable_until_ts", sa.Integer(), nullable=False),
        sa.Column("signals", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("user_metadata", sa.Text(), nullable=False),
    )
    op.create_table(
        "hma_signal_types",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("enabled_ratio", sa.Float(), nullable=False),
    )
    op.create_table(
        "exchanges",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("api", sa.String(60), nullable=False),
        sa.Column("config", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("checkpoint", sa.Text(), nullable=False),
        sa.Column("checkpoint_ts", sa.Integer(), nullable=True),
        sa.Column("running_fetch_start_ts", sa.Integer(), nullable=True),
        sa.Column("last_fetch_complete_ts", sa.Integer(), nullable=True),
        sa.Column("last_fetch_succeeded", sa.Boolean(), nullable=True),
        sa.Column("up_to_date", sa.Boolean(), nullable=False),
        sa.Column("fetched_items", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_table(
        "exchange_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "exchange",
            sa.String(100),
            sa.ForeignKey("exchanges.name", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("item_key", sa.String(200), nullable=False),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.UniqueConstraint("exchange", "item_key", name="uq_exchange_item"),
    )
    op.create_table(
        "exchange_credentials",
        sa.Column("api", sa.String(60), primary_key=True),
        sa.Column("credentials", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("exchange_credentials")
    op.drop_table("exchange_items")
    op.drop_table("exchanges")
    op.drop_table("hma_signal_types")
    op.drop_table("hma_content")
    with op.batch_alter_table("banks") as batch:
        batch.drop_column("matching_enabled_ratio")
