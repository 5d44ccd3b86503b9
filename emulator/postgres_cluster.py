"""A throwaway PostgreSQL cluster on a loopback TCP port, from the `pgserver` wheel's binaries.

The emulator uses one with password authentication so Lakebase tokens are real passwords that the
server itself refuses once expired (`VALID UNTIL`). Tests use one to stop and restart a database.
"""

import contextlib
import os
import pwd
import shutil
import tempfile
from pathlib import Path

import psycopg
from pgserver._commands import initdb, pg_ctl  # type: ignore[attr-defined]
from pgserver.utils import ensure_prefix_permissions, ensure_user_exists
from psycopg import sql

_SYSTEM_USER = "pgserver"


class PostgresCluster:
    """initdb + pg_ctl on a private directory; `host_auth` is `trust` or `scram-sha-256`."""

    def __init__(self, port: int, host_auth: str = "scram-sha-256") -> None:
        self.port = port
        self._dir = Path(tempfile.mkdtemp(prefix="pgcluster-"))
        self.pgdata = self._dir / "data"
        self._socket_dir = self._dir / "socket"
        self._user = _SYSTEM_USER if os.geteuid() == 0 else None
        self._host_auth = host_auth

    @property
    def socket_dir(self) -> Path:
        """The directory of the server's Unix socket, where local connections are trusted."""
        return self._socket_dir

    def _own(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self._user:
            entry = pwd.getpwnam(self._user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def init(self) -> None:
        """Create the data directory."""
        if self._user:
            ensure_user_exists(self._user)
            ensure_prefix_permissions(self._dir)
            self._dir.chmod(0o755)
        self._own(self.pgdata)
        self._own(self._socket_dir)
        initdb(
            [
                "--auth-local=trust",
                f"--auth-host={self._host_auth}",
                "-U",
                "postgres",
                "-E",
                "utf8",
            ],
            pgdata=self.pgdata,
            user=self._user,
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -h 127.0.0.1 -k {self._socket_dir}"
        pg_ctl(
            ["-w", "-l", str(self.pgdata / "server.log"), "-o", options, "start"],
            pgdata=self.pgdata,
            user=self._user,
        )

    def stop(self) -> None:
        """Stop the server (fast shutdown)."""
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._user)

    def remove(self) -> None:
        """Stop if running and delete everything."""
        with contextlib.suppress(Exception):  # already stopped
            self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def admin(self) -> psycopg.Connection:
        """A superuser connection over the Unix socket (trusted)."""
        return psycopg.connect(
            host=str(self._socket_dir),
            port=self.port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
        )

    def url(self, user: str = "postgres", database: str = "postgres") -> str:
        """A TCP URL without password."""
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        """CREATE DATABASE if missing."""
        with self.admin() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def set_login_password(self, role: str, password: str, valid_until: str, database: str) -> None:
        """Create the role if needed and make `password` its password until `valid_until`.

        Like a Lakebase database resource (CAN_CONNECT_AND_CREATE), the role may connect and create
        schemas, but not create objects in `public` (PostgreSQL 15+ default).
        """
        with self.admin() as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
                conn.execute(
                    sql.SQL("GRANT CONNECT, CREATE ON DATABASE {} TO {}").format(
                        sql.Identifier(database), sql.Identifier(role)
                    )
                )
            conn.execute(
                sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {} VALID UNTIL {}").format(
                    sql.Identifier(role), sql.Literal(password), sql.Literal(valid_until)
                )
            )
