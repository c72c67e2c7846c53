"""Engine creation and schema migration for SQLite (default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from rempart.errors import StoreError

_ALEMBIC_INI = Path(__file__).with_name("alembic.ini")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.close()

            return engine
        return create_engine(url, pool_pre_ping=True)
    except ImportError as exc:
        raise StoreError(
            f"this database needs a driver that is not installed ({exc.name}): pip install "
            "'rempart[postgres]'"
        ) from exc
    except (SQLAlchemyError, ValueError) as exc:
        raise StoreError(f"cannot use database URL {url.split('@')[-1]!r}: {exc}") from exc


def migrate(engine: Engine) -> None:
    """Bring the schema up to the latest Alembic revision."""
    config = Config(str(_ALEMBIC_INI))
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            # a batch migration copies a table: dropping the old one must not cascade to its
            # children
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                    connection.commit()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot migrate the store: {exc}") from exc
