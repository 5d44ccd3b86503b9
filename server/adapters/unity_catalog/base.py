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

    async def check(self) -> str:
        """Readiness: a short description, or an exception."""
        ...
