"""Databricks SQL (backtick identifiers, `:name` parameters) → DuckDB SQL over the local catalog.

The app builds one Databricks-flavoured statement; the local adapter and the REST emulator both run
it through `to_duckdb`, so a statement means the same in every mode. UC catalog `x` lives in DuckDB
as the attached database `uc__x` (DuckDB reserves some names, `main` among them).
"""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from server.models.sql import Parameter

CATALOG_PREFIX = "uc__"
_STRING = re.compile(r"'(?:[^']|'')*'")
_THREE_PART = re.compile(r"`((?:[^`]|``)+)`\.`((?:[^`]|``)+)`\.`((?:[^`]|``)+)`")
_BACKTICKED = re.compile(r"`((?:[^`]|``)+)`")
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_SCHEMA_DDL = re.compile(
    r"(?i)\b((?:create|drop)\s+schema\s+(?:if\s+(?:not\s+)?exists\s+)?)`((?:[^`]|``)+)`\."
)


def duck_catalog(catalog: str) -> str:
    """The DuckDB database alias that holds UC catalog `catalog`."""
    return CATALOG_PREFIX + catalog


def _quote(identifier: str) -> str:
    return '"' + identifier.replace("``", "`").replace('"', '""') + '"'


def table_references(sql: str) -> list[tuple[str, str, str]]:
    """The three-part backticked names in a statement, outside string literals."""
    code = _STRING.sub("''", sql)
    return [
        tuple(part.replace("``", "`") for part in m.groups())  # type: ignore[misc]
        for m in _THREE_PART.finditer(code)
    ]


def _translate_code(code: str) -> str:
    code = _SCHEMA_DDL.sub(lambda m: m.group(1) + _quote(duck_catalog(m.group(2))) + ".", code)
    code = _THREE_PART.sub(
        lambda m: ".".join(
            [_quote(duck_catalog(m.group(1))), _quote(m.group(2)), _quote(m.group(3))]
        ),
        code,
    )
    code = _BACKTICKED.sub(lambda m: _quote(m.group(1)), code)
    return _PARAM.sub(lambda m: "$" + m.group(1), code)


def to_duckdb(sql: str) -> str:
    """Translate identifiers and parameter markers, leaving string literals untouched."""
    pieces: list[str] = []
    last = 0
    for literal in _STRING.finditer(sql):
        pieces.append(_translate_code(sql[last : literal.start()]))
        pieces.append(literal.group(0))
        last = literal.end()
    pieces.append(_translate_code(sql[last:]))
    return "".join(pieces)


def _parse_value(value: str, sql_type: str) -> Any:
    kind = sql_type.upper().split("(")[0].strip()
    if kind in ("INT", "INTEGER", "BIGINT", "LONG", "SMALLINT", "SHORT", "TINYINT", "BYTE"):
        return int(value)
    if kind in ("DOUBLE", "FLOAT", "REAL"):
        return float(value)
    if kind == "DECIMAL":
        return Decimal(value)
    if kind == "BOOLEAN":
        return value.strip().lower() == "true"
    if kind == "DATE":
        return date.fromisoformat(value)
    if kind in ("TIMESTAMP", "TIMESTAMP_NTZ"):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def duckdb_parameters(parameters: list[Parameter]) -> dict[str, Any]:
    """Typed Python values for DuckDB's `$name` parameters (cast semantics: bad values raise)."""
    return {p.name: None if p.value is None else _parse_value(p.value, p.type) for p in parameters}
