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


def test_concurrent_start_ups_migrate_once(machine_postgres_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from pydantic import SecretStr

    from server.config import Settings
    from server.db.engine import build_database

    settings = Settings(
        _env_file=None,
        app_mode="local",  # type: ignore[call-arg]
        database_url=SecretStr(machine_postgres_url),
    )
    databases = [build_database(settings) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda db: db.migrate(), databases))
    engine = create_engine(machine_postgres_url)
    with engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT version_num FROM app.alembic_version").fetchall()
    assert versions == [("002",)]
    engine.dispose()
    for db in databases:
        db.engine.dispose()
