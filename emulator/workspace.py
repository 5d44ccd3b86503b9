"""The emulator's own copy of the local catalog (writable), warehouses and statements."""

import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.local_workspace.catalog import LocalCatalog, open_catalog_connection


@dataclass
class Warehouse:
    id: str
    name: str
    state: str = "RUNNING"
    running_at: float = 0.0


@dataclass
class StatementRecord:
    """A submitted statement: its outcome is computed at once and revealed at `ready_at`."""

    id: str
    warehouse_id: str
    ready_at: float
    columns: list[dict[str, Any]] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    error: dict[str, str] | None = None
    canceled: bool = False
    truncated: bool = False
    finished: bool = True
    run: Any = None  # the local engine's StatementRun while a read is running


@dataclass
class SqlControls:
    """Knobs tests turn: latency, cold starts, chunking, failures."""

    latency_seconds: float = 0.0
    warehouse_start_seconds: float = 0.5
    chunk_rows: int = 20_000
    unavailable_responses: int = 0
    uc_page_size: int = 100
    uc_empty_pages: bool = False
    result_ttl_seconds: float = 3600.0


class EmulatorWorkspace:
    """A writable copy of the local catalogs plus warehouse and statement bookkeeping."""

    def __init__(self, catalog_source: Path) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="emulator-catalogs-"))
        for file in catalog_source.glob("*.duckdb"):
            shutil.copy(file, self._dir / file.name)
        self.catalog = LocalCatalog(open_catalog_connection(self._dir, read_only=False))
        self.controls = SqlControls()
        self.warehouses: dict[str, Warehouse] = {}
        self.statements: dict[str, StatementRecord] = {}
        self.lock = threading.Lock()

    def close(self) -> None:
        """Remove the copy."""
        shutil.rmtree(self._dir, ignore_errors=True)

    def warehouse_state(self, warehouse: Warehouse) -> str:
        """Advance STARTING → RUNNING when its start delay has passed."""
        if warehouse.state == "STARTING" and time.time() >= warehouse.running_at:
            warehouse.state = "RUNNING"
        return warehouse.state

    def new_statement_id(self) -> str:
        """A statement id shaped like Databricks' (01ef...)."""
        return "01ef" + uuid.uuid4().hex[4:]
