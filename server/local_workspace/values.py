"""How local (DuckDB) values and types look to clients, matching what Databricks SQL returns.

The emulator renders `data_array` strings with `wire_string`; the local adapter returns
`json_value`; the databricks adapter parses wire strings back by type (`server.models.sql.parse_wire`). So a row reads the same in
every mode: JSON numbers for integers and floats, strings for decimals, dates and timestamps.
"""

import math
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

_UC_TYPES = {
    "TINYINT": ("BYTE", "tinyint"),
    "SMALLINT": ("SHORT", "smallint"),
    "INTEGER": ("INT", "int"),
    "BIGINT": ("LONG", "bigint"),
    "HUGEINT": ("DECIMAL", "decimal(38,0)"),
    "FLOAT": ("FLOAT", "float"),
    "DOUBLE": ("DOUBLE", "double"),
    "BOOLEAN": ("BOOLEAN", "boolean"),
    "VARCHAR": ("STRING", "string"),
    "DATE": ("DATE", "date"),
    "TIMESTAMP": ("TIMESTAMP", "timestamp"),
    "TIMESTAMP WITH TIME ZONE": ("TIMESTAMP", "timestamp"),
    "BLOB": ("BINARY", "binary"),
}


def uc_type(duck_type: str) -> tuple[str, str]:
    """UC `(type_name, type_text)` for a DuckDB column type."""
    upper = duck_type.upper()
    if upper.startswith("DECIMAL"):
        return "DECIMAL", duck_type.lower()
    return _UC_TYPES.get(upper, ("STRING", "string"))


def wire_string(value: Any) -> str | None:
    """The string form Databricks SQL puts in `data_array` (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds").replace("+00:00", "") + "Z"
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def json_value(value: Any) -> Any:
    """The JSON value the API returns: numbers and booleans as such, everything else as text."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    return wire_string(value)


_AS_IS = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "BOOLEAN", "VARCHAR"})


def _float_value(value: Any) -> Any:
    return value if value is None or math.isfinite(value) else str(value)


def column_converter(duck_type: str) -> Callable[[Any], Any] | None:
    """`json_value` specialised for a column of this DuckDB type: None when its values are
    already JSON (ints, bools, strs), so a page converts only the columns that need it."""
    upper = duck_type.upper()
    if upper in _AS_IS:
        return None
    if upper in ("FLOAT", "DOUBLE"):
        return _float_value
    return json_value


# DuckDB expressions that give a column's values as `json_value` would, so a page needs no Python
# conversion for them (checked against `json_value` in tests/integration/test_result_tables.py).
_SQL_TEXT = {
    "TIMESTAMP": "strftime({}, '%Y-%m-%dT%H:%M:%S.%gZ')",
    "DATE": "CAST({} AS VARCHAR)",
}


def sql_json_expression(column: str, duck_type: str) -> str | None:
    """A DuckDB expression for the JSON value of `column` (a quoted identifier) when the engine
    can produce it (timestamps, dates, decimals as text); None when the value is already JSON
    or needs `column_converter`."""
    upper = duck_type.upper()
    if upper.startswith("DECIMAL"):
        return f"CAST({column} AS VARCHAR)"
    template = _SQL_TEXT.get(upper)
    return template.format(column) if template else None
