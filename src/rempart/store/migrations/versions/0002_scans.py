"""Archive scans: runs, messages, scanned files (by content), media references, matches.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scan_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("banks", sa.Text(), nullable=False),
        sa.Column("exports", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
    )
    op.create_table(
        "scan_messages",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("guild_id", sa.String(24), nullable=False, index=True),
        sa.Column("channel_id", sa.String(24), nullable=False, index=True),
        sa.Column("author_id", sa.String(24), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("export_name", sa.Text(), nullable=False),
        sa.Column("details", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "scanned_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("content_tag", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.LargeBinary(), nullable=True),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "scan_media",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "message_id",
            sa.String(24),
            sa.ForeignKey("scan_messages.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "file_id",
            sa.Integer(),
            sa.ForeignKey("scanned_files.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
        sa.Column("details", sa.LargeBinary(), nullable=False),
        sa.UniqueConstraint("message_id", "position", name="uq_scan_media_position"),
    )
    op.create_table(
        "scan_matches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "file_id",
            sa.Integer(),
            sa.ForeignKey("scanned_files.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("bank", sa.String(100), nullable=False),
        sa.Column("signal", sa.String(40), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=True),
        sa.Column("inliers", sa.Integer(), nullable=True),
        sa.Column("frames", sa.String(20), nullable=True),
        sa.Column("found_by", sa.String(20), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("file_id", "entry_id", "signal", name="uq_scan_match"),
    )


def downgrade() -> None:
    for table in ("scan_matches", "scan_media", "scanned_files", "scan_messages", "scan_runs"):
        op.drop_table(table)
