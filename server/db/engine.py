"""The one engine factory: embedded PostgreSQL, any PostgreSQL by URL or PG* variables, or Lakebase.

Only how a connection gets its host and password differs; everything above the engine is shared.
Lakebase connections take a fresh OAuth token at connect time and are recycled before it expires.
"""

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, Executable, create_engine, event, exc, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from server.config import PROJECT_ROOT, Settings
from server.db.credentials import TokenCache
from server.errors import DatabaseUnavailable

logger = logging.getLogger(__name__)
MIGRATION_LOCK_KEY = 7_400_113_021


@dataclass
class Database:
    """An engine plus the bookkeeping around it: what it points at, migrations, token cache."""

    engine: Engine
    description: str
    schema: str
    tokens: TokenCache | None = None
    on_close: list[Callable[[], None]] = field(default_factory=list)
    _migrated: bool = False
    _migrate_lock: threading.Lock = field(default_factory=threading.Lock)

    def migrate(self) -> None:
        """Apply Alembic migrations under a PostgreSQL advisory lock (safe with many workers and
        replicas). The lock is the transaction's, so it is released when the migration has been
        committed (or rolled back): a worker waiting for it then finds the tables in place."""
        with self._migrate_lock:
            if self._migrated:
                return
            with self.engine.begin() as conn:
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
                config = AlembicConfig(str(PROJECT_ROOT / "alembic.ini"))
                config.attributes["connection"] = conn
                config.attributes["schema"] = self.schema
                command.upgrade(config, "head")
            self._migrated = True
            logger.info("migrations applied", extra={"database": self.description})

    def close(self) -> None:
        """Close the pool, then stop what was started for it (the embedded server)."""
        self.engine.dispose()
        for step in reversed(self.on_close):
            step()

    @contextmanager
    def session(self, operation: str) -> Iterator[Session]:
        """A timed transaction; database failures become DatabaseUnavailable."""
        with self._operation(operation), Session(self.engine) as session, session.begin():
            yield session

    def write(self, operation: str, statement: Executable, values: dict[str, Any]) -> None:
        """One statement that is its own transaction (autocommit): the BEGIN and COMMIT round
        trips and the ORM's unit of work are skipped. Committed when this returns; database
        failures become DatabaseUnavailable."""
        with self._operation(operation), self._autocommit.connect() as conn:
            conn.execute(statement, values)

    @contextmanager
    def _operation(self, operation: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            if not self._migrated:
                self.migrate()
            yield
        except (exc.OperationalError, exc.InterfaceError, exc.TimeoutError, OSError) as error:
            raise DatabaseUnavailable(
                "The database is unavailable. Please retry shortly.",
                operation=operation,
                cause=type(error).__name__,
            ) from error
        except DatabaseUnavailable:
            raise
        except exc.DBAPIError as error:
            if error.connection_invalidated:
                raise DatabaseUnavailable(operation=operation) from error
            raise
        finally:
            logger.info(
                "lakebase transaction",
                extra={
                    "operation": operation,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )

    @cached_property
    def _autocommit(self) -> Engine:
        return self.engine.execution_options(isolation_level="AUTOCOMMIT")

    def check(self) -> str:
        """Readiness: one round trip."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return self.description


def _connect_args(settings: Settings, sslmode: str | None) -> dict[str, Any]:
    args: dict[str, Any] = {
        "connect_timeout": settings.db_connect_timeout_seconds,
        "application_name": settings.databricks_app_name[:60],
    }
    if sslmode:
        args["sslmode"] = sslmode
    return args


def _engine(settings: Settings, url: URL | str, sslmode: str | None) -> Engine:
    engine = create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_pre_ping=True,
        connect_args=_connect_args(settings, sslmode),
    )
    # Session settings are set after connecting, not as `options=-c ...` start-up parameters,
    # which connection poolers (PgBouncer, Lakebase's pooled hosts) refuse.
    session_settings = (
        f"SET statement_timeout = {int(settings.db_statement_timeout_ms)}; "
        f'SET search_path TO "{settings.db_schema}", public'
    )

    @event.listens_for(engine, "connect")
    def _set_session(dbapi_conn: Any, record: Any) -> None:
        with dbapi_conn.cursor() as cursor:
            cursor.execute(session_settings)
        dbapi_conn.commit()

    return engine


def _psycopg_url(raw: str) -> URL:
    url = make_url(raw)
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


def _pg_variables_url(settings: Settings) -> URL:
    return URL.create(
        "postgresql+psycopg",
        username=settings.pguser,
        password=settings.pgpassword.get_secret_value() if settings.pgpassword else None,
        host=settings.pghost,
        port=settings.pgport,
        database=settings.pgdatabase,
    )


def attach_lakebase_login(engine: Engine, target: "LakebaseTarget", margin_seconds: float) -> None:
    """Each new connection gets host, user and the current token; a pooled one is dropped before
    its token expires."""

    @event.listens_for(engine, "do_connect")
    def _use_token(dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        try:
            host, user = target.endpoint()
            credential = target.tokens.credential()
        except Exception as error:
            raise DatabaseUnavailable(
                "Could not obtain Lakebase credentials.", cause=type(error).__name__
            ) from error
        cparams.update(host=host, user=user, password=credential.token)
        record.info["token_expires_at"] = credential.expires_at

    @event.listens_for(engine, "checkout")
    def _recycle_before_expiry(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        expires_at = record.info.get("token_expires_at", math.inf)
        if expires_at - margin_seconds <= time.time():
            raise exc.DisconnectionError("connection's token is about to expire")


def build_database(settings: Settings, lakebase: "LakebaseTarget | None" = None) -> Database:
    """The database for these settings: URL, PG* variables, Lakebase, or the embedded server.

    The app's tables live in DB_SCHEMA (created by the migrations), first on the search_path.
    """
    schema = settings.db_schema
    if settings.database_url:
        url = _psycopg_url(settings.database_url.get_secret_value())
        return Database(_engine(settings, url, settings.pgsslmode), _describe(url), schema)
    if lakebase is not None:
        url = URL.create("postgresql+psycopg", port=settings.pgport, database=settings.pgdatabase)
        engine = _engine(settings, url, settings.pgsslmode or "require")
        attach_lakebase_login(engine, lakebase, settings.lakebase_token_refresh_margin_seconds)
        return Database(engine, f"lakebase {lakebase.name}", schema, lakebase.tokens)
    if settings.pghost:
        url = _pg_variables_url(settings)
        return Database(_engine(settings, url, settings.pgsslmode), _describe(url), schema)
    from server.db.embedded import acquire_embedded_postgres

    embedded_url, release = acquire_embedded_postgres(settings.local_workspace_dir / "pgdata")
    url = _psycopg_url(embedded_url)
    return Database(_engine(settings, url, None), "embedded postgresql", schema, on_close=[release])


def _describe(url: URL) -> str:
    return url.render_as_string(hide_password=True).replace(
        "postgresql+psycopg://", "postgresql://"
    )


@dataclass
class LakebaseTarget:
    """A Lakebase database: how to find its host and role (resolved once, lazily) and its tokens."""

    name: str
    resolve: Callable[[], tuple[str, str]]
    tokens: TokenCache
    _resolved: tuple[str, str] | None = None

    def endpoint(self) -> tuple[str, str]:
        """(host, user), looked up on first use."""
        if self._resolved is None:
            self._resolved = self.resolve()
        return self._resolved
