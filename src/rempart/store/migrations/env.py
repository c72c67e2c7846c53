"""Alembic environment: migrations run on the connection Rempart hands over (no URL in a file)."""

from alembic import context

from rempart.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
