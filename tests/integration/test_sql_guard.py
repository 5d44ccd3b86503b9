"""The local SQL guard under attack: real DuckDB catalog files, real grants, the real engine.

A catalog `shop` with a readable schema `open` and a secret schema `vault`; the view
`open.leaky` reads `vault.secrets`. The user may SELECT in `shop.open` only.
"""

import asyncio

import duckdb
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from server.adapters.identity.base import User
from server.adapters.sql.local import LocalSqlEngine
from server.adapters.sql.text import parse_read_statement
from server.errors import AppError, CatalogPermissionDenied, InvalidQuery, TableNotFound
from server.local_workspace.catalog import LocalCatalog, open_catalog_connection
from server.local_workspace.grants import Grant, Grants
from server.models.sql import Parameter

USER = User("u@example.com", "u", "U")
SECRET = "shop.vault.secrets"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> LocalSqlEngine:
    directory = tmp_path_factory.mktemp("catalogs")
    build = duckdb.connect(str(directory / "shop.duckdb"))
    build.execute("CREATE SCHEMA open; CREATE SCHEMA vault; CREATE SCHEMA _uc")
    build.execute(
        "CREATE TABLE open.items AS SELECT range AS id, 'item' || range AS name FROM range(5)"
    )
    build.execute("CREATE TABLE vault.secrets AS SELECT 42 AS id, 'hunter2' AS password")
    build.execute("CREATE VIEW open.leaky AS SELECT * FROM vault.secrets")
    build.execute("CREATE TABLE _uc.securables AS SELECT 'x' AS full_name, 'y' AS owner")
    build.close()
    grants = Grants(
        {},
        [
            Grant("users", "USE_CATALOG", "shop"),
            Grant("users", "USE_SCHEMA", "shop.open"),
            Grant("users", "SELECT", "shop.open"),
        ],
    )
    return LocalSqlEngine(LocalCatalog(open_catalog_connection(directory, read_only=True)), grants)


def run(
    engine: LocalSqlEngine, sql: str, params: list[Parameter] | None = None
) -> list[list[object]]:
    async def go() -> list[list[object]]:
        started = await engine.start(USER, parse_read_statement(sql), params or [], 1000)
        return (await started.result()).rows

    return asyncio.run(go())


def test_a_granted_table_reads(engine: LocalSqlEngine) -> None:
    assert run(
        engine,
        "SELECT id, name FROM `shop`.`open`.`items` WHERE id = :id",
        [Parameter("id", "3", "INT")],
    ) == [[3, "item3"]]


DENIED = [
    f"SELECT * FROM {SECRET}",
    f"SELECT i.id FROM shop.open.items i JOIN {SECRET} s ON i.id = s.id",
    f"SELECT * FROM shop.open.items WHERE id IN (SELECT id FROM {SECRET})",
    f"SELECT (SELECT max(password) FROM {SECRET}) AS p",
    f"SELECT EXISTS (SELECT 1 FROM {SECRET})",
    f"WITH items AS (SELECT * FROM {SECRET}) SELECT * FROM items",
    f"WITH secrets AS (SELECT 1 AS id) SELECT * FROM {SECRET}",
    f"SELECT id FROM shop.open.items UNION ALL SELECT id FROM {SECRET}",
    f"SELECT id FROM shop.open.items EXCEPT SELECT id FROM {SECRET}",
    f"SELECT * FROM {SECRET} WHERE 1 = 0",
    f"SELECT * FROM {SECRET} LIMIT 0",
    f"SELECT nope FROM {SECRET}",
    "SELECT * FROM shop.open.leaky",
    "SELECT count(*) FROM shop.open.leaky WHERE false",
    f"SELECT * FROM (SELECT * FROM (SELECT * FROM {SECRET}))",
    f"SELECT * FROM shop.open.items i, LATERAL (SELECT password FROM {SECRET} s WHERE s.id > i.id)",
    f"DESCRIBE TABLE {SECRET}",
]


@pytest.mark.parametrize("sql", DENIED)
def test_reading_the_secret_table_is_denied_however_it_is_reached(
    engine: LocalSqlEngine, sql: str
) -> None:
    with pytest.raises(CatalogPermissionDenied):
        run(engine, sql)


REFUSED = [
    "INSERT INTO shop.open.items VALUES (9, 'x')",
    "CREATE TABLE shop.open.x AS SELECT 1",
    "DELETE FROM shop.open.items",
    "UPDATE shop.open.items SET name = 'x'",
    "DROP TABLE shop.open.items",
    "SELECT * INTO shop.open.copy FROM shop.open.items",
    "ATTACH '/tmp/x.duckdb' AS x",
    "DETACH uc__shop",
    "COPY shop.open.items TO '/tmp/out.csv'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "PRAGMA database_list",
    "USE shop.open",
    "CALL pragma_version()",
    "EXPORT DATABASE '/tmp/x'",
    "SELECT 1; SELECT 2",
    "SELECT 1; DROP TABLE shop.open.items",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_parquet('/tmp/x.parquet')",
    "SELECT * FROM read_json_auto('/etc/hosts')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM csv.`/etc/passwd`",
    "SELECT * FROM json.`/etc/hosts`",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM duckdb_tables()",
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM duckdb_secrets()",
    "SELECT * FROM duckdb_databases()",
    "SELECT * FROM pragma_table_info('uc__shop.vault.secrets')",
    "SELECT * FROM query('SELECT * FROM uc__shop.vault.secrets')",
    "SELECT * FROM query_table('uc__shop.vault.secrets')",
    "SELECT * FROM information_schema.tables",
    "SELECT * FROM information_schema.columns",
    "SELECT * FROM system.main.duckdb_tables",
    "SELECT * FROM main.duckdb_tables",
    "SELECT * FROM vault.secrets",
    "SELECT * FROM secrets",
    "SELECT * FROM shop.open.items.id",
    "SELECT * FROM identifier('shop.vault.secrets')",
    "EXPLAIN SELECT 1",
    "SHOW TABLES",
    "WITH x AS (DELETE FROM shop.open.items RETURNING *) SELECT * FROM x",
    "VACUUM",
    "CHECKPOINT",
    "SELECT * FROM iceberg_scan('s3://b/t')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_writes_configuration_files_and_engine_internals_are_refused(
    engine: LocalSqlEngine, sql: str
) -> None:
    with pytest.raises((InvalidQuery, TableNotFound, CatalogPermissionDenied)) as caught:
        run(engine, sql)
    assert "hunter2" not in caught.value.message


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM uc__shop.open.items",
        "SELECT * FROM `uc__shop`.`open`.`items`",
        "SELECT * FROM shop._uc.securables",
        "SELECT * FROM shop.information_schema.tables",
        "SELECT * FROM temp.main.x",
        "SELECT * FROM memory.main.x",
        "SELECT * FROM system.information_schema.tables",
    ],
)
def test_engine_names_are_unreachable(engine: LocalSqlEngine, sql: str) -> None:
    with pytest.raises((TableNotFound, CatalogPermissionDenied, InvalidQuery)):
        run(engine, sql)


def test_engine_messages_never_suggest_names(engine: LocalSqlEngine) -> None:
    with pytest.raises(AppError) as caught:
        run(engine, "SELECT * FROM shop.open.itemz")
    assert "uc__" not in caught.value.message
    assert "Did you mean" not in caught.value.message


def test_a_cte_may_take_a_real_tables_name_without_hiding_its_reads(engine: LocalSqlEngine) -> None:
    assert run(engine, "WITH secrets AS (SELECT 7 AS id) SELECT id FROM secrets") == [[7]]


_READABLE = ["shop.open.items", "(SELECT id FROM shop.open.items)", "range(3)"]
_UNREADABLE = [SECRET, "shop.open.leaky", f"(SELECT id FROM {SECRET})"]


def _compose(sources: list[str], shape: int) -> str:
    first, *rest = sources
    if shape == 0:
        joins = " ".join(f"CROSS JOIN {s} AS t{i}" for i, s in enumerate(rest))
        return f"SELECT 1 FROM {first} AS t {joins}"
    if shape == 1:
        return " UNION ALL ".join(f"SELECT 1 FROM {s} AS t" for s in sources)
    if shape == 2:
        ctes = ", ".join(
            f"secrets{i} AS (SELECT 1 AS id FROM {s} AS t)" for i, s in enumerate(sources)
        )
        return f"WITH {ctes} SELECT * FROM secrets0"
    where = " AND ".join(f"EXISTS (SELECT 1 FROM {s} AS t)" for s in rest) or "TRUE"
    return f"SELECT 1 FROM {first} AS t WHERE {where}"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sources=st.lists(st.sampled_from(_READABLE + _UNREADABLE), min_size=1, max_size=4),
    shape=st.integers(min_value=0, max_value=3),
)
def test_any_composition_that_touches_the_secret_is_denied(
    engine: LocalSqlEngine, sources: list[str], shape: int
) -> None:
    sql = _compose(sources, shape)
    note(sql)
    read = sources[:1] if shape == 2 else sources  # an unreferenced CTE is never bound or read
    named = any(SECRET in s for s in sources)  # a name in the text is checked even if unused
    if named or any(s in _UNREADABLE for s in read):
        with pytest.raises(CatalogPermissionDenied):
            run(engine, sql)
    else:
        run(engine, sql)
