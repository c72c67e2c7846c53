"""Evidence: the audit log becomes a hash chain (seq, prev_hash, hash; existing records chained in
order), checkpoints and their time-stamp tokens, cases with their data keys, preserved
sightings; on PostgreSQL triggers make the log, checkpoints and tokens append-only.

Revision ID: 0007
Revises: 0006
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from rempart.store.chain import GENESIS, record_hash

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_REFUSE = """
CREATE OR REPLACE FUNCTION rempart_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the custody log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=False, server_default=""))
        batch.create_unique_constraint("uq_audit_seq", ["seq"])
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, at, actor, action, bank, entry_id, detail FROM audit_log ORDER BY id")
    ).all()
    previous, seq = GENESIS, 0
    for row in rows:  # the records written before the chain existed are chained in their order
        seq += 1
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
        digest = record_hash(
            previous, seq, at, row.actor, row.action, row.bank, row.entry_id, row.detail
        )
        connection.execute(
            sa.text(
                "UPDATE audit_log SET seq = :seq, prev_hash = :prev, hash = :hash WHERE id = :id"
            ),
            {"seq": seq, "prev": previous, "hash": digest, "id": row.id},
        )
        previous = digest
    connection.execute(
        sa.text("INSERT INTO audit_chain (id, seq, hash) VALUES (1, :seq, :hash)"),
        {"seq": seq, "hash": previous},
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False, unique=True),
        sa.Column("root", sa.String(64), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_checkpoint_tokens",
        sa.Column(
            "checkpoint_id",
            sa.Integer(),
            sa.ForeignKey("audit_checkpoints.id"),
            primary_key=True,
        ),
        sa.Column("token", sa.LargeBinary(), nullable=False),
        sa.Column("stamped_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "evidence_cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bank", sa.String(100), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False, unique=True),
        sa.Column("minor", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("data_key", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_destroyed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "evidence_sightings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_id",
            sa.Integer(),
            sa.ForeignKey("evidence_cases.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("source_key", sa.String(120), nullable=False),
        sa.Column("media_sha256", sa.String(64), nullable=False),
        sa.Column("media_size", sa.Integer(), nullable=False),
        sa.Column("object_name", sa.String(100), nullable=True),
        sa.Column("record", sa.LargeBinary(), nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "source_key", name="uq_sighting"),
    )
    if connection.dialect.name == "postgresql":
        op.execute(_REFUSE)
        for table in ("audit_log", "audit_checkpoints", "audit_checkpoint_tokens"):
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION rempart_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION rempart_append_only()"
            )
