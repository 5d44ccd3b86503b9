"""Alembic migrations on an empty PostgreSQL: upgrade, downgrade to base, upgrade again; several
processes or workers migrating at once."""

import time
from concurrent.futures import ThreadPoolExecutor

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from pydantic import SecretStr
from sqlalchemy import create_engine, event, inspect

from server.config import PROJECT_ROOT, Settings
from server.db.engine import Database, build_database


def _run(url: str, action: str, target: str) -> set[str]:
    engine = create_engine(url)
    with engine.begin() as conn:
        config = Config(str(PROJECT_ROOT / "alembic.ini"))
        config.attributes["connection"] = conn
        getattr(command, action)(config, target)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    return tables


def test_upgrade_downgrade_upgrade(machine_postgres_url: str) -> None:
    wanted = {"user_preferences", "model_inference_logs", "saved_queries", "sql_query_history"}
    assert wanted <= _run(machine_postgres_url, "upgrade", "head")
    assert not wanted & _run(machine_postgres_url, "downgrade", "base")
    assert wanted <= _run(machine_postgres_url, "upgrade", "head")
    engine = create_engine(machine_postgres_url)
    columns = {c["name"]: c for c in inspect(engine).get_columns("user_preferences")}
    assert str(columns["preference_value"]["type"]) == "JSONB"
    uniques = inspect(engine).get_unique_constraints("user_preferences")
    assert uniques[0]["column_names"] == ["user_id", "preference_key"]
    engine.dispose()


MIGRATE_ONCE = (
    "from server.config import Settings; from server.db.engine import build_database; "
    "db = build_database(Settings(_env_file=None, app_mode='local')); db.migrate()"
)


def test_concurrent_replicas_migrate_once(machine_postgres_url: str) -> None:
    """Four processes (like replicas starting together) migrate the same empty database."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": machine_postgres_url}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_ONCE], cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE
        )
        for _ in range(4)
    ]
    failures = [p.stderr.read() for p in processes if p.wait(timeout=120) != 0]  # type: ignore[union-attr]
    assert not failures, failures
    engine = create_engine(machine_postgres_url)
    with engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT version_num FROM app.alembic_version").fetchall()
    head = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini"))).get_current_head()
    assert versions == [(head,)]
    engine.dispose()


def test_a_migration_is_committed_before_the_next_worker_migrates(
    machine_postgres_url: str,
) -> None:
    """Two workers starting together: the second waits for the first's migration to be
    committed, not only run. Each commit is slowed down, as a distant Lakebase slows it."""

    def slow_commit(conn: object) -> None:
        time.sleep(1)

    settings = Settings(
        _env_file=None, app_mode="local", database_url=SecretStr(machine_postgres_url)
    )
    workers = [build_database(settings) for _ in range(2)]
    for database in workers:
        event.listen(database.engine, "commit", slow_commit)

    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(Database.migrate, workers))
    finally:
        for database in workers:
            database.close()
