"""The Unity Catalog port: metadata and read statements, always as a given user."""

from dataclasses import dataclass, field
from typing import Any, Protocol

from server.adapters.identity.base import User
from server.models.catalog import TableMeta
from server.models.sql import Parameter


@dataclass
class Rows:
    """A statement's result: column (name, UC type name) pairs and rows of JSON values."""

    columns: list[tuple[str, str]]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass(frozen=True)
class KeptRows:
    """A statement's result as the backend keeps it, to be read a page at a time.

    `handle` is the backend's own reference (a result table, a warehouse statement); only the
    adapter that made it reads it. `size_bytes` is what it costs this process to keep it.
    """

    columns: list[tuple[str, str]]
    total_row_count: int
    truncated: bool
    size_bytes: int
    handle: object


class ResultGone(Exception):
    """The backend no longer has a kept result (expired, closed or evicted): run it again."""


class CatalogReader(Protocol):
    """What the Unity Catalog service needs from a backend. Every call is made as `user`."""

    async def catalogs(self, user: User) -> list[str]:
        """Catalogs the user may use."""
        ...

    async def schemas(self, user: User, catalog: str) -> list[str]:
        """Schemas in a catalog the user may use."""
        ...

    async def table_names(self, user: User, catalog: str, schema: str) -> list[str]:
        """Tables in a schema the user may read."""
        ...

    async def tables(self, user: User, catalog: str, schema: str) -> list[TableMeta]:
        """Metadata of the tables in a schema the user may read."""
        ...

    async def table(self, user: User, catalog: str, schema: str, table: str) -> TableMeta:
        """One readable table, or TableNotFound / CatalogPermissionDenied."""
        ...

    async def run(self, user: User, sql: str, parameters: list[Parameter]) -> Rows:
        """Run a read statement (Databricks SQL dialect, named `:param` markers)."""
        ...

    async def open_result(
        self, user: User, sql: str, parameters: list[Parameter], row_limit: int
    ) -> KeptRows:
        """Run a read statement once and keep at most `row_limit` rows of its result."""
        ...

    async def read_result(
        self, user: User, result: KeptRows, offset: int, limit: int
    ) -> list[list[Any]]:
        """Rows `offset` to `offset + limit` of a kept result (JSON values), or ResultGone."""
        ...

    def release(self, result: KeptRows) -> None:
        """Free what this process holds for a kept result (quick; never raises)."""
        ...

    async def check(self) -> str:
        """Readiness: a short description, or an exception."""
        ...
