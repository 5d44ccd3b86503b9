"""Typed settings, read from the environment and `.env` / `.env.local`.

One `Settings` object is built at start-up (never at import time) and passed down.
Field names match environment variable names case-insensitively (`app_mode` ← `APP_MODE`).
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from server.cpus import available_cpus

Mode = Literal["local", "databricks"]
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Each worker holds its own database pool, caches and loaded models: more than this is a mistake.
MAX_WORKERS = 32


class Settings(BaseSettings):
    """Every setting the app reads. `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_file=(".env", ".env.local"), extra="ignore", case_sensitive=False
    )

    app_mode: Mode | None = None
    host: str = "127.0.0.1"
    port: int | None = Field(default=None, ge=1, le=65535)
    databricks_app_port: int | None = Field(default=None, ge=1, le=65535)
    databricks_app_name: str = "databricks-app-template"

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"

    dev_user_email: str = "dev.user@example.com"
    dev_user_name: str = "Dev User"
    local_workspace_dir: Path = PROJECT_ROOT / "local_workspace_data"
    local_grants_file: Path = PROJECT_ROOT / "config" / "grants.json"
    static_dir: Path = PROJECT_ROOT / "client" / "dist"
    max_request_body_bytes: int = Field(default=1_048_576, ge=1024)
    blocking_threads: int = Field(default=32, ge=1, le=256)
    web_concurrency: int | Literal["auto"] = 1

    databricks_host: str | None = None
    databricks_token: SecretStr | None = None
    databricks_client_id: str | None = None
    databricks_client_secret: SecretStr | None = None
    databricks_warehouse_id: str | None = None
    databricks_catalog: str = "main"
    databricks_schema: str = "samples"
    sdk_http_timeout_seconds: float = Field(default=15.0, gt=0)
    sdk_retry_timeout_seconds: int = Field(default=30, ge=1)

    uc_statement_timeout_seconds: float = Field(default=30.0, gt=0)
    uc_warehouse_start_timeout_seconds: float = Field(default=300.0, gt=0)
    uc_result_ttl_seconds: float = Field(default=900.0, gt=0)
    uc_result_cache_bytes: int = Field(default=256 * 1024 * 1024, ge=1024)
    uc_result_row_limit: int = Field(default=1_000_000, ge=1, le=100_000_000)
    sql_results_max_bytes: int = Field(default=256 * 1024 * 1024, ge=1024)
    sql_results_ttl_seconds: float = Field(default=3600.0, gt=0)

    database_url: SecretStr | None = None
    pghost: str | None = None
    pgport: int = 5432
    pgdatabase: str = "databricks_postgres"
    pguser: str | None = None
    pgpassword: SecretStr | None = None
    pgsslmode: str | None = None
    lakebase_instance_name: str | None = None
    lakebase_endpoint: str | None = None
    lakebase_token_refresh_margin_seconds: int = Field(default=300, ge=0)
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    db_connect_timeout_seconds: int = Field(default=5, ge=1)
    db_statement_timeout_ms: int = Field(default=15_000, ge=100)
    db_run_migrations: bool = True
    db_schema: str = Field(default="app", pattern=r"^[a-z_][a-z0-9_]{0,62}$")

    serving_config_file: Path = PROJECT_ROOT / "config" / "serving_endpoints.json"
    serving_max_attempts: int = Field(default=3, ge=1, le=10)
    serving_backoff_base_seconds: float = Field(default=0.5, ge=0)

    @model_validator(mode="after")
    def _choose_mode(self) -> "Settings":
        if self.app_mode is None:
            self.app_mode = "databricks" if self.databricks_host else "local"
        if self.app_mode == "databricks" and not self.databricks_host:
            raise ValueError("DATABRICKS_HOST must be set when APP_MODE=databricks")
        if self.app_mode == "databricks" and not self.databricks_warehouse_id:
            raise ValueError("DATABRICKS_WAREHOUSE_ID must be set when APP_MODE=databricks")
        self._check_database()
        return self

    def _check_database(self) -> None:
        lakebase = self.lakebase_endpoint or self.lakebase_instance_name
        if lakebase and self.app_mode != "databricks":
            raise ValueError(
                "LAKEBASE_ENDPOINT / LAKEBASE_INSTANCE_NAME need APP_MODE=databricks and "
                "DATABRICKS_HOST (tokens are minted through the workspace)"
            )
        if self.app_mode != "databricks" or lakebase or self.database_url:
            return
        if not self.pghost:
            raise ValueError(
                "LAKEBASE_ENDPOINT (app.yaml: valueFrom: postgres), LAKEBASE_INSTANCE_NAME, "
                "DATABASE_URL or PGHOST with PGPASSWORD must be set when APP_MODE=databricks"
            )
        if not self.pgpassword:
            raise ValueError(
                "PGHOST is set without PGPASSWORD: for Lakebase, set LAKEBASE_ENDPOINT "
                "(app.yaml: valueFrom: postgres) so the app can mint OAuth tokens"
            )

    @classmethod
    def from_environment(cls, environment: Mapping[str, str], **overrides: Any) -> "Settings":
        """Settings from exactly `environment` (as Databricks Apps starts the app), ignoring this
        process's environment and `.env` files."""
        values: dict[str, Any] = {k.lower(): v for k, v in environment.items()}
        return cls.model_validate(values | overrides)

    @property
    def mode(self) -> Mode:
        """The resolved mode: `local` or `databricks`."""
        return self.app_mode or "local"

    @property
    def listen_port(self) -> int:
        """The port to bind: DATABRICKS_APP_PORT, then PORT, then 8000."""
        return self.databricks_app_port or self.port or 8000

    @field_validator("web_concurrency", mode="before")
    @classmethod
    def _worker_count(cls, value: Any) -> int | str:
        if isinstance(value, str) and value.strip().lower() == "auto":
            return "auto"
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= MAX_WORKERS:
            raise ValueError(f"use a whole number from 1 to {MAX_WORKERS}, or auto")
        return number

    @property
    def workers(self) -> int:
        """Uvicorn worker processes: WEB_CONCURRENCY, `auto` for one per CPU available to this
        process. The default is 1 in both modes, because what a process keeps in memory is its
        own: with several, a SQL editor statement's pages, cancel and export reach a worker that
        does not know it (404) and table pages run their statement again on each worker
        (docs/performance.md, "Worker processes").

        Databricks Apps gives an app up to 2 vCPUs and 6 GB of memory by default, more with a
        larger compute size (https://docs.databricks.com/aws/dev-tools/databricks-apps/system-env,
        "System resources"). A container may run on a larger host, so `auto` counts the CPUs its
        cgroup quota allows, not the host's (`server/cpus.py`).
        """
        if self.web_concurrency == "auto":
            return min(available_cpus(), MAX_WORKERS)
        return self.web_concurrency


def describe_validation_error(error: ValidationError) -> str:
    """One line naming each bad setting, for start-up failures."""
    parts = []
    for item in error.errors():
        name = ".".join(str(p) for p in item["loc"]).upper() or "settings"
        parts.append(f"{name}: {item['msg']}")
    return "configuration error: " + "; ".join(parts)
