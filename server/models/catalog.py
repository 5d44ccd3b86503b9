"""The Unity Catalog port's vocabulary: tables and columns as UC describes them.

Shared by both adapters and the services; the embedded catalog builds them too.
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ColumnMeta:
    """A column as UC describes it."""

    name: str
    type_name: str
    type_text: str
    position: int
    nullable: bool
    comment: str | None = None


@dataclass(frozen=True)
class TableMeta:
    """A table as UC describes it."""

    catalog: str
    schema: str
    name: str
    columns: tuple[ColumnMeta, ...]
    owner: str
    comment: str | None
    row_count: int | None
    size_bytes: int | None
    created_at: datetime | None = None

    @property
    def full_name(self) -> str:
        """`catalog.schema.table`."""
        return f"{self.catalog}.{self.schema}.{self.name}"
