"""The embedded PostgreSQL for local mode: PostgreSQL 16 from the `pgserver` wheel, on a socket."""

import warnings
from pathlib import Path

from pgserver import get_server  # type: ignore[attr-defined]


def embedded_postgres_url(data_dir: Path) -> str:
    """Start (or join) the embedded server in `data_dir` and return its SQLAlchemy URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset on servers
        server = get_server(str(data_dir), cleanup_mode="stop")
    uri = str(server.get_uri())
    return uri.replace("postgresql://", "postgresql+psycopg://", 1)
