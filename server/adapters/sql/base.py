"""The SQL statements port: start one parsed read statement as a user, await it or cancel it."""

from dataclasses import dataclass, field
from typing import Any, Protocol

from server.adapters.identity.base import User
from server.adapters.sql.text import ReadStatement
from server.models.catalog import ColumnMeta
from server.models.sql import Parameter


class StatementCanceled(Exception):
    """The statement was canceled before it finished."""


@dataclass
class ResultSet:
    """A finished statement: UC-typed columns, rows of JSON values, and whether row_limit cut it."""

    columns: list[ColumnMeta]
    rows: list[list[Any]] = field(default_factory=list)
    truncated: bool = False


class StatementRun(Protocol):
    """A started statement."""

    async def result(self) -> ResultSet:
        """Wait for the rows; raises a domain error when the statement fails."""
        ...

    async def cancel(self) -> None:
        """Stop the statement; `result()` then raises StatementCanceled."""
        ...


class SqlEngine(Protocol):
    """Runs read statements under the user's permissions."""

    async def start(
        self, user: User, statement: ReadStatement, parameters: list[Parameter], row_limit: int
    ) -> StatementRun:
        """Check and start the statement; refusals (grants, unsafe reads) are raised here."""
        ...
