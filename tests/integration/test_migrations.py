"""Alembic migrations on an empty PostgreSQL: upgrade, downgrade to base, upgrade again."""

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect

from server.config import PROJECT_ROOT


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
    wanted = {"user_preferences", "model_inference_logs"}
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
    assert versions == [("003",)]
    engine.dispose()
