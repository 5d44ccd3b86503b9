"""SQL statements: run one read statement as the caller, page its result, cancel it, export it.

A statement is checked (one read statement, on the parse tree) and started; the request waits up
to `wait_timeout_seconds` for it, as the Statement Execution API's `wait_timeout` does, and a
statement still running keeps running in the background until `timeout_seconds`. Refusals that
happen before or during that wait are HTTP errors; later failures show in the statement's status.
"""

import asyncio
import csv
import io
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from server.adapters.identity.base import User, result_owner
from server.adapters.sql.base import SqlEngine, StatementCanceled, StatementRun
from server.adapters.sql.text import parse_read_statement
from server.errors import AppError, InvalidQuery
from server.models.sql import Parameter
from server.models.sql_statements import (
    StatementColumn,
    StatementError,
    StatementRequest,
    StatementResult,
    StatementRows,
    StatementState,
)
from server.services.statement_results import StatementResults, StoredResult, measure

logger = logging.getLogger(__name__)
_CSV_BATCH_ROWS = 1_000
HistoryRecorder = Callable[..., Awaitable[None]]


@dataclass
class _Statement:
    statement_id: str
    user_id: str
    text: str
    run: StatementRun
    submitted_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: float = field(default_factory=time.perf_counter)
    status: StatementState = StatementState.RUNNING
    result: StoredResult | None = None
    error: StatementError | None = None
    execution_time_ms: float | None = None

    def finish(self, status: StatementState, error: StatementError | None = None) -> None:
        if self.status in (StatementState.PENDING, StatementState.RUNNING):
            self.status = status
            self.error = error
            self.execution_time_ms = round((time.perf_counter() - self.started) * 1000, 2)


def _columns(result: StoredResult | None) -> list[StatementColumn]:
    return [
        StatementColumn(name=c.name, type_name=c.type_name, type_text=c.type_text)
        for c in (result.columns if result else [])
    ]


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value)
    return "" if value is None else value


class SqlStatementsService:
    """Runs statements through the SQL engine port and keeps their results for paging."""

    def __init__(
        self, engine: SqlEngine, results: StatementResults, history: HistoryRecorder | None = None
    ) -> None:
        self._engine = engine
        self._results = results
        self._history = history
        self._running: set[asyncio.Task[None]] = set()

    async def execute(self, user: User, request: StatementRequest) -> StatementResult:
        """Check and start a statement; answer with its first page or its current state."""
        try:
            statement = parse_read_statement(request.statement)
            parameters = [Parameter(p.name, p.value, p.type.upper()) for p in request.parameters]
            run = await self._engine.start(user, statement, parameters, request.row_limit)
        except AppError as exc:
            await self._remember(user.user_id, None, request.statement, "FAILED", exc.message)
            raise
        record = _Statement(str(uuid.uuid4()), user.user_id, request.statement, run)
        self._results.put(record.statement_id, result_owner(user), record)
        task = asyncio.create_task(self._complete(record, request.timeout_seconds))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        if request.wait_timeout_seconds:
            await asyncio.wait({task}, timeout=request.wait_timeout_seconds)
        logger.info(
            "sql statement submitted",
            extra={"statement_id": record.statement_id, "kind": statement.kind},
        )
        return self._view(record, 0, request.page_size)

    async def _complete(self, record: _Statement, timeout_seconds: int) -> None:
        try:
            await self._settle(record, timeout_seconds)
        finally:
            await self._record_finished(record)
        logger.info(
            "sql statement finished",
            extra={
                "statement_id": record.statement_id,
                "status": record.status.value,
                "row_count": len(record.result.rows) if record.result else 0,
                "result_bytes": record.result.size_bytes if record.result else 0,
                "duration_ms": record.execution_time_ms,
            },
        )

    async def _settle(self, record: _Statement, timeout_seconds: int) -> None:
        try:
            result = await asyncio.wait_for(record.run.result(), timeout_seconds)
        except TimeoutError:
            await record.run.cancel()
            message = f"The statement was canceled after {timeout_seconds} s (timeout_seconds)."
            record.finish(
                StatementState.CANCELED, StatementError(error_code="TIMEOUT", message=message)
            )
            return
        except StatementCanceled:
            record.finish(StatementState.CANCELED)
            return
        except AppError as exc:
            error = StatementError(error_code=exc.error_code, message=exc.message)
            record.finish(StatementState.FAILED, error)
            return
        except Exception:
            logger.exception("sql statement failed unexpectedly")
            message = "The statement failed unexpectedly."
            record.finish(
                StatementState.FAILED, StatementError(error_code="INTERNAL_ERROR", message=message)
            )
            return
        stored = await asyncio.to_thread(
            measure, result.columns, result.rows, result.truncated, self._results.max_result_bytes
        )
        if record.status == StatementState.RUNNING:
            record.result = stored
            self._results.resize(record.statement_id, stored.size_bytes)
            record.finish(StatementState.SUCCEEDED)

    async def _remember(
        self,
        user_id: str,
        statement_id: str | None,
        text: str,
        status: str,
        error: str | None = None,
        row_count: int | None = None,
        execution_time_ms: float | None = None,
    ) -> None:
        if self._history is not None:
            await self._history(
                user_id,
                statement_id=statement_id,
                query_text=text,
                status=status,
                error_message=error,
                row_count=row_count,
                execution_time_ms=execution_time_ms,
            )

    async def _record_finished(self, record: _Statement) -> None:
        await self._remember(
            record.user_id,
            record.statement_id,
            record.text,
            record.status.value,
            record.error.message if record.error else None,
            len(record.result.rows) if record.result else None,
            record.execution_time_ms,
        )

    def _view(self, record: _Statement, offset: int, limit: int) -> StatementResult:
        rows = record.result.rows if record.result else []
        page = rows[offset : offset + limit]
        return StatementResult(
            statement_id=record.statement_id,
            status=record.status,
            statement=record.text,
            columns=_columns(record.result),
            rows=page,
            offset=offset,
            row_count=len(page),
            total_row_count=len(rows),
            truncated=bool(record.result and record.result.truncated),
            execution_time_ms=record.execution_time_ms,
            submitted_at=record.submitted_at,
            error=record.error,
        )

    def _record(self, user: User, statement_id: str) -> _Statement:
        record: _Statement = self._results.get(statement_id, result_owner(user))
        return record

    def _finished(self, user: User, statement_id: str) -> tuple[_Statement, StoredResult]:
        record = self._record(user, statement_id)
        if record.status != StatementState.SUCCEEDED or record.result is None:
            raise InvalidQuery(
                f"The statement has no result to read: it is {record.status.value}.",
                statement_id=statement_id,
                status=record.status.value,
            )
        return record, record.result

    def get(self, user: User, statement_id: str, page_size: int = 100) -> StatementResult:
        """The caller's statement: its state and first page."""
        return self._view(self._record(user, statement_id), 0, page_size)

    def rows(self, user: User, statement_id: str, offset: int, limit: int) -> StatementRows:
        """Another page of a finished statement, without running it again."""
        record, result = self._finished(user, statement_id)
        page = result.rows[offset : offset + limit]
        return StatementRows(
            statement_id=record.statement_id,
            columns=_columns(result),
            rows=page,
            offset=offset,
            row_count=len(page),
            total_row_count=len(result.rows),
            truncated=result.truncated,
        )

    async def cancel(self, user: User, statement_id: str) -> StatementResult:
        """Stop the caller's statement if it is still running."""
        record = self._record(user, statement_id)
        if record.status in (StatementState.PENDING, StatementState.RUNNING):
            record.finish(StatementState.CANCELED)
            await record.run.cancel()
        return self._view(record, 0, 0)

    def export_csv(self, user: User, statement_id: str) -> Iterator[str]:
        """The whole result as CSV text, header first, produced in batches."""
        _, result = self._finished(user, statement_id)

        def batches() -> Iterator[str]:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow([c.name for c in result.columns])
            for start in range(0, len(result.rows), _CSV_BATCH_ROWS):
                for row in result.rows[start : start + _CSV_BATCH_ROWS]:
                    writer.writerow([_csv_cell(v) for v in row])
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
            yield buffer.getvalue()

        return batches()
