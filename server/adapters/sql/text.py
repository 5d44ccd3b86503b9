"""Databricks SQL text → one read statement, decided on sqlglot's parse tree (never on strings).

Allowed: a single SELECT (with WITH, joins, subqueries, set operations), VALUES, or DESCRIBE
[TABLE]. Anything that writes, defines, configures or loads (INSERT, CREATE, SET, PRAGMA, COPY,
ATTACH, INSTALL, LOAD, SELECT INTO, ...) and any text sqlglot cannot parse into a known statement
(it falls back to an opaque `Command`) is refused with INVALID_QUERY.
"""

from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from server.errors import InvalidQuery

DIALECT = "databricks"
_READ_ROOTS: tuple[type[exp.Expression], ...] = (
    exp.Select,
    exp.SetOperation,
    exp.Values,
    exp.Subquery,
    exp.Describe,
)
_FORBIDDEN_NODES: tuple[type, ...] = (
    exp.DDL,
    exp.DML,
    exp.Command,
    exp.Into,
    exp.Set,
    exp.Pragma,
    exp.Copy,
    exp.Use,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
    exp.Cache,
    exp.Uncache,
    exp.Refresh,
    exp.LoadData,
    exp.Attach,
    exp.Detach,
    exp.Install,
)


@dataclass(frozen=True)
class ReadStatement:
    """A parsed read statement and the text it came from."""

    text: str
    tree: exp.Expression

    @property
    def kind(self) -> str:
        """`SELECT`, `VALUES` or `DESCRIBE` (set operations and WITH count as SELECT)."""
        if isinstance(self.tree, exp.Describe):
            return "DESCRIBE"
        if isinstance(self.tree, exp.Values):
            return "VALUES"
        return "SELECT"


def _statements(sql: str) -> list[exp.Expr]:
    try:
        return [s for s in sqlglot.parse(sql, read=DIALECT) if s is not None]
    except SqlglotError as exc:
        raise InvalidQuery(
            f"The statement could not be parsed as Databricks SQL: {str(exc).splitlines()[0]}"
        ) from exc


@lru_cache(maxsize=256)
def parse_read_statement(sql: str) -> ReadStatement:
    """The single read statement in `sql`, or InvalidQuery saying why it is refused. Parses of
    the same text are shared (an editor runs one text many times; the emulator every statement):
    callers copy the tree before changing it, as the guard does."""
    statements = _statements(sql)
    if len(statements) != 1:
        raise InvalidQuery(
            f"Exactly one statement is allowed; found {len(statements)}.",
            statement_count=len(statements),
        )
    tree = statements[0]
    if not isinstance(tree, _READ_ROOTS):
        raise InvalidQuery(
            "Only read statements are allowed (SELECT, WITH, VALUES, DESCRIBE).",
            statement_type=type(tree).__name__.upper(),
        )
    for node in tree.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            raise InvalidQuery(
                "Only read statements are allowed: the statement contains "
                f"{type(node).__name__.upper()}.",
                statement_type=type(node).__name__.upper(),
            )
    return ReadStatement(sql, tree)
