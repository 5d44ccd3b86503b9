"""In-memory fakes of the ports, for the unit tier: service logic runs in milliseconds, with the
failures the real backends produce scripted (slow answers, outages, refusals).

Only the unit tier uses these; integration and contract tests run the real engines and the emulator.
"""

import asyncio
import builtins
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from server.adapters.identity.base import User, user_from_headers
from server.adapters.sql.base import StatementRun
from server.adapters.sql.text import ReadStatement
from server.adapters.unity_catalog.base import KeptRows, Rows
from server.bootstrap import Backends
from server.errors import (
    AuthRequired,
    DatabaseUnavailable,
    EndpointNotFound,
    TableNotFound,
)
from server.local_workspace.sql_dialect import table_references
from server.models.catalog import ColumnMeta, TableMeta
from server.models.model_serving import (
    EndpointState,
    InferenceLogEntry,
    InferenceRecord,
    ModelEndpoint,
)
from server.models.preferences import UserPreference
from server.models.sql import Parameter
from server.services.model_chat import ModelChatService
from server.services.model_serving import ModelServingService
from server.services.preferences import PreferencesService
from server.services.saved_queries import SavedQueriesService
from server.services.sql_statements import SqlStatementsService
from server.services.statement_results import StatementResults
from server.services.unity_catalog import UnityCatalogService

ALICE = User(user_id="alice@example.com", user_name="alice@example.com", display_name="alice")


class FakeIdentity:
    """The proxy's headers, or AuthRequired, as both real providers do."""

    async def resolve(self, headers: Mapping[str, str]) -> User:
        user = user_from_headers(headers)
        if user is None:
            raise AuthRequired(missing_header="X-Forwarded-Email")
        return user

    async def profile(self, user: User) -> User:
        return user


def table(name: str, columns: dict[str, str], owner: str = "owner@example.com") -> TableMeta:
    """A table `main.sales.<name>` with `columns` (name → UC type name)."""
    return TableMeta(
        catalog="main",
        schema="sales",
        name=name,
        columns=tuple(
            ColumnMeta(name=c, type_name=t, type_text=t.lower(), position=i, nullable=True)
            for i, (c, t) in enumerate(columns.items())
        ),
        owner=owner,
        comment=None,
        row_count=None,
        size_bytes=None,
    )


@dataclass
class FakeCatalogReader:
    """Tables with their rows; `delay_seconds` slows every call, `error` makes every call fail."""

    contents: dict[str, tuple[TableMeta, list[list[Any]]]] = field(default_factory=dict)
    delay_seconds: float = 0.0
    error: Exception | None = None
    statements: list[tuple[str, list[Parameter]]] = field(default_factory=list)
    table_lookups: int = 0

    def add(self, meta: TableMeta, rows: list[list[Any]]) -> None:
        self.contents[meta.full_name] = (meta, rows)

    async def _answer(self) -> None:
        await asyncio.sleep(self.delay_seconds)
        if self.error is not None:
            raise self.error

    async def catalogs(self, user: User) -> list[str]:
        await self._answer()
        return sorted({m.catalog for m, _ in self.contents.values()})

    async def schemas(self, user: User, catalog: str) -> list[str]:
        await self._answer()
        return sorted({m.schema for m, _ in self.contents.values() if m.catalog == catalog})

    async def _tables_in(self, catalog: str, schema: str) -> list[TableMeta]:
        await self._answer()
        found = [m for m, _ in self.contents.values() if (m.catalog, m.schema) == (catalog, schema)]
        return sorted(found, key=lambda m: m.name)

    async def table_names(self, user: User, catalog: str, schema: str) -> list[str]:
        return [m.name for m in await self._tables_in(catalog, schema)]

    async def tables(self, user: User, catalog: str, schema: str) -> list[TableMeta]:
        return await self._tables_in(catalog, schema)

    async def table(self, user: User, catalog: str, schema: str, table: str) -> TableMeta:
        self.table_lookups += 1
        await self._answer()
        found = self.contents.get(f"{catalog}.{schema}.{table}")
        if found is None:
            raise TableNotFound(catalog=catalog, schema=schema, table=table)
        return found[0]

    async def run(self, user: User, sql: str, parameters: list[Parameter]) -> Rows:
        """Every row of the first table the statement names."""
        await self._answer()
        self.statements.append((sql, parameters))
        meta, rows = self.contents[".".join(table_references(sql)[0])]
        return Rows(columns=[(c.name, c.type_name) for c in meta.columns], rows=list(rows))

    async def open_result(
        self, user: User, sql: str, parameters: list[Parameter], row_limit: int
    ) -> KeptRows:
        """The statement's rows, kept in memory up to `row_limit`."""
        found = await self.run(user, sql, parameters)
        return KeptRows(
            columns=found.columns,
            total_row_count=min(len(found.rows), row_limit),
            truncated=len(found.rows) > row_limit,
            size_bytes=0,
            handle=found.rows[:row_limit],
        )

    async def read_result(
        self, user: User, result: KeptRows, offset: int, limit: int
    ) -> list[list[Any]]:
        """A slice of the kept rows."""
        await self._answer()
        rows: list[list[Any]] = result.handle  # type: ignore[assignment]
        return rows[offset : offset + limit]

    def release(self, result: KeptRows) -> None:
        """Nothing to free: the rows live in the fake."""

    async def check(self) -> str:
        await self._answer()
        return "fake catalog"


def endpoint(name: str, state: EndpointState = EndpointState.READY) -> ModelEndpoint:
    """A serving endpoint that takes records with a numeric `x`."""
    return ModelEndpoint(
        endpoint_name=name,
        endpoint_id=name,
        model_name=name,
        model_version="1",
        state=state,
        workload_url=None,
        creation_timestamp=None,
        last_updated_timestamp=None,
        config={},
        input_schema={"type": "object", "properties": {"x": {"type": "number"}}},
    )


@dataclass
class FakeModelServer:
    """Endpoints that answer `answers` in turn (a value is predictions, an exception is raised),
    each after `delay_seconds`; the last answer repeats."""

    endpoints_by_name: dict[str, ModelEndpoint] = field(default_factory=dict)
    answers: list[Any] = field(default_factory=lambda: [[1.0]])
    delay_seconds: float = 0.0
    calls: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)

    async def endpoints(self, user: User) -> list[ModelEndpoint]:
        return list(self.endpoints_by_name.values())

    async def endpoint(self, user: User, name: str) -> ModelEndpoint:
        found = self.endpoints_by_name.get(name)
        if found is None:
            raise EndpointNotFound(endpoint_name=name)
        return found

    async def invoke(
        self, user: User, name: str, body: dict[str, Any], timeout_seconds: float
    ) -> Any:
        self.calls.append((name, body, timeout_seconds))
        await asyncio.sleep(self.delay_seconds)
        answer = self.answers[min(len(self.calls), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def stream(
        self, user: User, name: str, body: dict[str, Any], timeout_seconds: float
    ) -> AsyncIterator[dict[str, Any]]:
        """The next answer as one chunk."""
        yield await self.invoke(user, name, body, timeout_seconds)

    async def check(self) -> str:
        return "fake serving"


@dataclass
class FakeInferenceLog:
    """Inference records in a list; `down` makes it fail as a database outage does."""

    records: list[InferenceRecord] = field(default_factory=list)
    down: bool = False

    def add(self, record: InferenceRecord) -> None:
        if self.down:
            raise DatabaseUnavailable(operation="inference_log.add")
        self.records.append(record)

    def recent(self, user_id: str, limit: int) -> list[InferenceLogEntry]:
        if self.down:
            raise DatabaseUnavailable(operation="inference_log.recent")
        mine = [r for r in reversed(self.records) if r.user_id == user_id][:limit]
        return [InferenceLogEntry.model_validate(r, from_attributes=True) for r in mine]


@dataclass
class FakePreferenceStore:
    """Preferences in a dict keyed by (user, key); `down` fails every call."""

    rows: dict[tuple[str, str], UserPreference] = field(default_factory=dict)
    down: bool = False

    def _up(self) -> None:
        if self.down:
            raise DatabaseUnavailable(operation="preferences")

    def list(self, user_id: str, key: str | None = None) -> list[UserPreference]:
        self._up()
        return sorted(
            (r for (u, k), r in self.rows.items() if u == user_id and key in (None, k)),
            key=lambda r: r.preference_key,
        )

    def upsert(self, user_id: str, key: str, value: dict[str, Any]) -> UserPreference:
        self._up()
        now = datetime.now(UTC)
        old = self.rows.get((user_id, key))
        row = UserPreference(
            id=old.id if old else len(self.rows) + 1,
            user_id=user_id,
            preference_key=key,
            preference_value=value,
            created_at=old.created_at if old else now,
            updated_at=now,
        )
        self.rows[(user_id, key)] = row
        return row

    def delete(self, user_id: str, key: str) -> bool:
        self._up()
        return self.rows.pop((user_id, key), None) is not None


@dataclass
class FakeSqlEngine:
    """A SQL engine whose every statement fails as an unreachable warehouse does."""

    async def start(
        self, user: User, statement: ReadStatement, parameters: list[Parameter], row_limit: int
    ) -> StatementRun:
        raise DatabaseUnavailable("No SQL engine in the unit tier.")


@dataclass
class FakeSavedQueries:
    """Saved queries and run history in memory."""

    saved_rows: list[SimpleNamespace] = field(default_factory=list)
    runs: list[SimpleNamespace] = field(default_factory=list)

    def list(self, user_id: str) -> builtins.list[SimpleNamespace]:
        return [r for r in self.saved_rows if r.user_id == user_id]

    def save(
        self, user_id: str, name: str, query_text: str, chart: dict[str, Any] | None
    ) -> SimpleNamespace:
        self.saved_rows = [r for r in self.saved_rows if (r.user_id, r.name) != (user_id, name)]
        now = datetime.now(UTC)
        row = SimpleNamespace(
            id=len(self.saved_rows) + 1,
            user_id=user_id,
            name=name,
            query_text=query_text,
            chart=chart,
            created_at=now,
            updated_at=now,
        )
        self.saved_rows.append(row)
        return row

    def delete(self, user_id: str, query_id: int) -> bool:
        before = len(self.saved_rows)
        self.saved_rows = [r for r in self.saved_rows if (r.user_id, r.id) != (user_id, query_id)]
        return len(self.saved_rows) < before

    def add(self, user_id: str, **fields: Any) -> None:
        self.runs.append(SimpleNamespace(user_id=user_id, **fields))

    def recent(self, user_id: str) -> builtins.list[SimpleNamespace]:
        return [r for r in reversed(self.runs) if r.user_id == user_id]


@dataclass
class Fakes:
    """Every fake behind one app, to script failures from a test."""

    catalog: FakeCatalogReader = field(default_factory=FakeCatalogReader)
    models: FakeModelServer = field(default_factory=FakeModelServer)
    inference_log: FakeInferenceLog = field(default_factory=FakeInferenceLog)
    preferences: FakePreferenceStore = field(default_factory=FakePreferenceStore)
    sql: FakeSqlEngine = field(default_factory=FakeSqlEngine)
    saved_queries: FakeSavedQueries = field(default_factory=FakeSavedQueries)
    uc_timeout_seconds: float = 1.0

    def backends(self) -> Backends:
        """Backends for `create_app(settings, backends=...)`."""
        return Backends(
            mode="local",
            identity=FakeIdentity(),
            unity_catalog=UnityCatalogService(self.catalog, self.uc_timeout_seconds),
            preferences=PreferencesService(self.preferences),
            model_serving=ModelServingService(self.models, self.inference_log),
            model_chat=ModelChatService(self.models, self.inference_log),
            sql_statements=SqlStatementsService(self.sql, StatementResults(1 << 20, 60.0)),
            saved_queries=SavedQueriesService(self.saved_queries, self.saved_queries),
            health_checks={"unity_catalog": self.catalog.check, "model_serving": self.models.check},
        )


class _FakeConfig:
    def authenticate(self) -> dict[str, str]:
        return {"Authorization": "Bearer fake"}


class _FakeWorkspaceClient:
    config = _FakeConfig()


class FakeWorkspaceClients:
    """What the databricks adapters need from `WorkspaceClients` to send HTTP themselves."""

    host = "https://workspace.example.com"

    def for_caller(self, user_token: str | None) -> _FakeWorkspaceClient:
        return _FakeWorkspaceClient()
