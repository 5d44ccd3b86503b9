"""Alembic environment: use the app's connection when given, else build one from the settings."""

from alembic import context
from sqlalchemy.engine import Connection

from server.db.orm import Base


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against `config.attributes["connection"]`, or the database the settings describe."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from server.config import Settings
    from server.db.engine import build_database

    database = build_database(Settings())
    try:
        with database.engine.begin() as conn:
            _run(conn)
    finally:
        database.engine.dispose()


run_migrations_online()
