"""The Lakebase login proxy with real psycopg clients in front of a real PostgreSQL cluster."""

import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from emulator.lakebase_proxy import LakebaseLoginProxy
from emulator.postgres_cluster import PostgresCluster
from emulator.serve import free_port

DATABASE = f"proxy_{uuid.uuid4().hex[:12]}"


class Credentials:
    """A small credential registry: each token logs in as one role until it expires."""

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, float]] = {}
        self.checked: list[tuple[str, str]] = []

    def mint(self, role: str, lifetime_seconds: float = 3600) -> str:
        token = secrets.token_urlsafe(32)
        self._tokens[token] = (role, time.time() + lifetime_seconds)
        return token

    def check(self, role: str, password: str) -> bool:
        self.checked.append((role, password))
        entry = self._tokens.get(password)
        return entry is not None and entry[0] == role and entry[1] > time.time()


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster(free_port())
    cluster.init()
    cluster.start()
    try:
        cluster.create_database(DATABASE)
        with cluster.admin() as admin:
            for role in ("alice", "bob"):
                admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture(scope="module")
def credentials() -> Credentials:
    return Credentials()


@pytest.fixture(scope="module")
def proxy_port(cluster: PostgresCluster, credentials: Credentials) -> Iterator[int]:
    proxy = LakebaseLoginProxy(cluster.socket_dir, cluster.port, credentials.check)
    port = proxy.start()
    yield port
    proxy.stop()


def connect(port: int, role: str, token: str, sslmode: str = "require") -> psycopg.Connection:
    return psycopg.connect(
        host="127.0.0.1",
        port=port,
        user=role,
        password=token,
        dbname=DATABASE,
        sslmode=sslmode,
        connect_timeout=10,
        autocommit=True,
    )


def test_two_tokens_of_one_role_log_in_at_once(proxy_port: int, credentials: Credentials) -> None:
    first = credentials.mint("alice")
    second = credentials.mint("alice")
    with connect(proxy_port, "alice", first) as one, connect(proxy_port, "alice", second) as two:
        assert one.execute("SELECT current_user").fetchone() == ("alice",)
        assert two.execute("SELECT current_user").fetchone() == ("alice",)
        assert one.info.backend_pid != two.info.backend_pid
        with connect(proxy_port, "alice", first) as again:
            assert again.execute("SELECT 1").fetchone() == (1,)
    assert ("alice", first) in credentials.checked


@pytest.mark.parametrize("role", ["alice", "bob"])
def test_wrong_expired_and_foreign_tokens_are_refused(
    proxy_port: int, credentials: Credentials, role: str
) -> None:
    tokens = [
        "not-a-token",
        credentials.mint(role, lifetime_seconds=-1),
        credentials.mint("alice" if role == "bob" else "bob"),
    ]
    for token in tokens:
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            connect(proxy_port, role, token)
    for token in [*tokens, ""]:  # libpq itself refuses to send an empty password
        assert raw_login(proxy_port, role, token) == {
            "S": "FATAL",
            "V": "FATAL",
            "C": "28P01",
            "M": f'password authentication failed for user "{role}"',
        }


@pytest.mark.parametrize("sslmode", ["require", "disable"])
def test_sslmode(proxy_port: int, credentials: Credentials, sslmode: str) -> None:
    with connect(proxy_port, "bob", credentials.mint("bob"), sslmode) as conn:
        assert conn.pgconn.ssl_in_use is (sslmode == "require")
        assert conn.execute("SELECT current_user, current_database()").fetchone() == (
            "bob",
            DATABASE,
        )


def test_queries_and_transactions(proxy_port: int, credentials: Credentials) -> None:
    with connect(proxy_port, "alice", credentials.mint("alice")) as conn:
        conn.execute("CREATE TEMP TABLE notes (id int PRIMARY KEY, body text)")
        with pytest.raises(psycopg.errors.UniqueViolation), conn.transaction():
            conn.execute("INSERT INTO notes VALUES (1, 'kept?')")
            conn.execute("INSERT INTO notes VALUES (1, 'duplicate')")
        with conn.transaction():
            conn.execute(
                "INSERT INTO notes SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g"
            )
        assert conn.execute("SELECT count(*), min(id) FROM notes").fetchone() == (20000, 1)
        rows = conn.execute("SELECT body FROM notes ORDER BY id").fetchall()
        assert len(rows) == 20000 and rows[-1] == ("x" * 100,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE ROLE mallory")


def wait_until_sleeping(cluster: PostgresCluster, pid: int) -> None:
    deadline = time.monotonic() + 10
    with cluster.admin() as admin:
        while time.monotonic() < deadline:
            row = admin.execute("SELECT wait_event FROM pg_stat_activity WHERE pid = %s", [pid])
            if row.fetchone() == ("PgSleep",):
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {pid} never started sleeping")


@pytest.mark.parametrize("how", ["protocol-require", "protocol-disable", "pg_cancel_backend"])
def test_cancel(
    proxy_port: int, credentials: Credentials, cluster: PostgresCluster, how: str
) -> None:
    sslmode = "disable" if how == "protocol-disable" else "require"
    with connect(proxy_port, "alice", credentials.mint("alice"), sslmode) as conn:
        pid = conn.info.backend_pid

        def cancel() -> None:
            wait_until_sleeping(cluster, pid)
            if how == "pg_cancel_backend":
                with connect(proxy_port, "alice", credentials.mint("alice")) as other:
                    other.execute("SELECT pg_cancel_backend(%s)", [pid])
            else:
                conn.cancel_safe()

        canceller = threading.Thread(target=cancel)
        canceller.start()
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("SELECT pg_sleep(30)")
        canceller.join()
        assert time.monotonic() - started < 15
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_stop_closes_everything(
    cluster: PostgresCluster, credentials: Credentials, caplog: pytest.LogCaptureFixture
) -> None:
    threads_before = set(threading.enumerate())
    proxy = LakebaseLoginProxy(cluster.socket_dir, cluster.port, credentials.check)
    port = proxy.start()
    conn = connect(port, "bob", credentials.mint("bob"))
    pid = conn.info.backend_pid
    assert conn.execute("SELECT 1").fetchone() == (1,)
    proxy.stop()
    proxy.stop()
    assert not [record for record in caplog.records if record.name == "asyncio"]
    with pytest.raises(psycopg.OperationalError):
        conn.execute("SELECT 1")
    conn.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)
    assert set(threading.enumerate()) <= threads_before
    with cluster.admin() as admin:
        deadline = time.monotonic() + 10
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the backend outlived the proxy"
            time.sleep(0.05)
    assert proxy.start(port) == port
    try:
        with connect(port, "bob", credentials.mint("bob")) as again:
            assert again.execute("SELECT 1").fetchone() == (1,)
    finally:
        proxy.stop()


def test_unreachable_cluster(tmp_path: Path, credentials: Credentials) -> None:
    proxy = LakebaseLoginProxy(tmp_path, 5432, credentials.check)
    port = proxy.start()
    try:
        assert raw_login(port, "alice", credentials.mint("alice"))["C"] == "57P03"
    finally:
        proxy.stop()


# Raw protocol: what a hostile or broken client may send.


def startup_packet(params: dict[str, str], version: int = 3 << 16) -> bytes:
    body = version.to_bytes(4, "big")
    body += b"".join(f"{key}\0{value}\0".encode() for key, value in params.items()) + b"\0"
    return (len(body) + 4).to_bytes(4, "big") + body


def request(code: int) -> bytes:
    return (8).to_bytes(4, "big") + code.to_bytes(4, "big")


SSL_REQUEST = request(80877103)
GSSENC_REQUEST = request(80877104)


def receive(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError(f"closed after {data!r}")
        data += chunk
    return data


def read_message(sock: socket.socket) -> tuple[bytes, bytes]:
    kind = receive(sock, 1)
    length = int.from_bytes(receive(sock, 4), "big")
    return kind, receive(sock, length - 4)


def error_fields(payload: bytes) -> dict[str, str]:
    return {item[:1].decode(): item[1:].decode() for item in payload.split(b"\0") if item}


def read_error(sock: socket.socket) -> dict[str, str]:
    """The ErrorResponse the proxy sends, after which it must close the connection."""
    kind, payload = read_message(sock)
    assert kind == b"E", (kind, payload)
    assert sock.recv(1) == b""
    return error_fields(payload)


def raw_login(port: int, role: str, password: str) -> dict[str, str]:
    """Log in without TLS; the error fields, or {} once the server is ready for queries."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(startup_packet({"user": role, "database": DATABASE}))
        assert read_message(sock) == (b"R", (3).to_bytes(4, "big"))
        secret = password.encode() + b"\0"
        sock.sendall(b"p" + (len(secret) + 4).to_bytes(4, "big") + secret)
        while True:
            kind, payload = read_message(sock)
            if kind == b"E":
                return error_fields(payload)
            if kind == b"Z":
                return {}


def test_raw_login_and_gssenc_refusal(proxy_port: int, credentials: Credentials) -> None:
    assert raw_login(proxy_port, "bob", credentials.mint("bob")) == {}
    with socket.create_connection(("127.0.0.1", proxy_port), timeout=10) as sock:
        sock.sendall(GSSENC_REQUEST)
        assert receive(sock, 1) == b"N"
        sock.sendall(startup_packet({"user": "bob", "database": DATABASE}))
        assert read_message(sock)[0] == b"R"


@pytest.mark.parametrize(
    ("sent", "sqlstate"),
    [
        ((4).to_bytes(4, "big") + b"\0\0\0\0", "08P01"),
        ((1_000_000).to_bytes(4, "big") + b"\0" * 64, "08P01"),
        (startup_packet({"user": "alice"}, version=2 << 16), "0A000"),
        (startup_packet({"database": DATABASE}), "28000"),
        (startup_packet({"user": "alice"})[:-1] + b"x", "08P01"),
        (startup_packet({"user": "alice"}).replace(b"alice", b"al\xffce"), "08P01"),
        (startup_packet({"user": "alice"}) + b"Q\0\0\0\x0dSELECT 1\0", "08P01"),
        (startup_packet({"user": "alice"}) + b"p\x7f\xff\xff\xff", "08P01"),
        (startup_packet({"user": "alice"}) + b"p\0\0\0\x08abcd", "08P01"),
        (SSL_REQUEST + startup_packet({"user": "alice"}), "08P01"),
        (GSSENC_REQUEST + GSSENC_REQUEST + GSSENC_REQUEST + GSSENC_REQUEST, "08P01"),
    ],
    ids=[
        "too-short",
        "too-long",
        "protocol-2",
        "no-user",
        "no-terminator",
        "bad-utf8",
        "query-instead-of-password",
        "huge-password",
        "unterminated-password",
        "plaintext-after-ssl-request",
        "endless-negotiation",
    ],
)
def test_malformed_input_is_refused(proxy_port: int, sent: bytes, sqlstate: str) -> None:
    with socket.create_connection(("127.0.0.1", proxy_port), timeout=10) as sock:
        sock.sendall(sent)
        while True:
            kind = receive(sock, 1)
            if kind == b"E":
                break
            assert kind in (b"N", b"R")
            if kind == b"R":
                receive(sock, 8)
        length = int.from_bytes(receive(sock, 4), "big")
        assert error_fields(receive(sock, length - 4))["C"] == sqlstate
        assert sock.recv(1) == b""


def test_client_that_goes_silent_does_not_block_others(
    proxy_port: int, credentials: Credentials
) -> None:
    with socket.create_connection(("127.0.0.1", proxy_port), timeout=10) as idle:
        idle.sendall(b"\0\0")
        with connect(proxy_port, "alice", credentials.mint("alice")) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
