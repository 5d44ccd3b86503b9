"""Alembic environment: use the app's connection when given, else build one from the settings.

With a `schema` attribute (the app's DB_SCHEMA) the schema is created first and holds the tables
and the version table; Lakebase roles may create schemas but not objects in `public`.
"""

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from server.db.orm import Base


def _run(connection: Connection, schema: str | None) -> None:
    if schema:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.execute(text(f'SET search_path TO "{schema}", public'))
    context.configure(
        connection=connection, target_metadata=Base.metadata, version_table_schema=schema
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against `config.attributes["connection"]`, or the database the settings describe."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection, context.config.attributes.get("schema"))
        return
    from server.config import Settings
    from server.db.open import open_database

    database = open_database(Settings())
    try:
        with database.engine.begin() as conn:
            _run(conn, database.schema)
    finally:
        database.close()


run_migrations_online()
