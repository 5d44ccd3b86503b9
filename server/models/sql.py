"""The SQL vocabulary shared by the Unity Catalog port, its adapters and the services: statement
parameters and the Statement Execution API's wire values (`data_array` strings) read back by type.

See the Databricks docs "Statement Execution API" (JSON_ARRAY format: every value is a string or
null) for the wire form.
"""

import math
from dataclasses import dataclass
from typing import Any

INTEGER_TYPES = frozenset({"BYTE", "SHORT", "INT", "LONG"})
FLOAT_TYPES = frozenset({"FLOAT", "DOUBLE"})


@dataclass(frozen=True)
class Parameter:
    """A Statement Execution API parameter: name, string value (None = NULL) and SQL type."""

    name: str
    value: str | None
    type: str = "STRING"


def parse_wire(text: str | None, type_name: str) -> Any:
    """A `data_array` string back to the API's JSON value, by the column's UC type name."""
    if text is None:
        return None
    if type_name in INTEGER_TYPES:
        return int(text)
    if type_name in FLOAT_TYPES:
        value = float(text)
        return value if math.isfinite(value) else text
    if type_name == "BOOLEAN":
        return text.lower() == "true"
    return text
