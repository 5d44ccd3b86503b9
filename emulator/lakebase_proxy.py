"""A PostgreSQL login proxy that checks Lakebase OAuth credentials before reaching the cluster.

Real Lakebase accepts every unexpired OAuth token of a role at the same time, and a token logs in
only as the identity it was issued for. Expiry is enforced only at login: open connections stay up
after their token expires ("Authenticate to a database instance",
https://docs.databricks.com/aws/en/oltp/authentication). A PostgreSQL password cannot model that, so
this proxy sits on a loopback TCP port in front of the emulator's cluster: it negotiates TLS (or
not), asks the client for a cleartext password, lets the caller's `check(role, password)` decide,
then opens a trusted Unix-socket connection to the cluster, replays the startup message and relays
bytes both ways.
"""

import asyncio
import contextlib
import datetime
import ipaddress
import ssl
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

# Request codes of the frontend/backend protocol ("Message Formats", PostgreSQL documentation).
_PROTOCOL_3 = 3
_SSL_REQUEST = 80877103
_GSSENC_REQUEST = 80877104
_CANCEL_REQUEST = 80877102
_MAX_STARTUP_LENGTH = 10_000  # PostgreSQL's MAX_STARTUP_PACKET_LENGTH
_MAX_PASSWORD_LENGTH = 65_535  # PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH
_AUTH_CLEARTEXT = b"R\x00\x00\x00\x08\x00\x00\x00\x03"
_HANDSHAKE_TIMEOUT_SECONDS = 60.0  # PostgreSQL's default authentication_timeout
_CHUNK = 65_536

_Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class _Refusal(Exception):
    """Ends a login with a FATAL ErrorResponse carrying `sqlstate` and `message`."""

    def __init__(self, sqlstate: str, message: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.message = message


def _error_response(sqlstate: str, message: str) -> bytes:
    """A FATAL ErrorResponse message."""
    fields = b"".join(
        kind + value.encode() + b"\x00"
        for kind, value in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", sqlstate), (b"M", message))
    )
    body = fields + b"\x00"
    return b"E" + (len(body) + 4).to_bytes(4, "big") + body


def _request_code(packet: bytes) -> int:
    """The 32-bit code after the length of an untyped startup-phase packet."""
    return int.from_bytes(packet[4:8], "big")


async def _read_startup_packet(reader: asyncio.StreamReader) -> bytes:
    """One length-prefixed startup-phase packet (startup, SSL, GSSENC or cancel request)."""
    header = await reader.readexactly(4)
    length = int.from_bytes(header, "big")
    if not 8 <= length <= _MAX_STARTUP_LENGTH:
        raise _Refusal("08P01", "invalid length of startup packet")
    return header + await reader.readexactly(length - 4)


def _parse_startup(packet: bytes) -> dict[str, str]:
    """The parameters of a protocol 3 StartupMessage."""
    if _request_code(packet) >> 16 != _PROTOCOL_3:
        raise _Refusal("0A000", "unsupported frontend protocol")
    payload = packet[8:]
    if not payload.endswith(b"\x00"):
        raise _Refusal("08P01", "invalid startup packet layout: expected terminator as last byte")
    fields = payload[:-1].split(b"\x00")[:-1]
    if len(fields) % 2:
        raise _Refusal("08P01", "invalid startup packet layout: expected terminator as last byte")
    try:
        decoded = [field.decode() for field in fields]
    except UnicodeDecodeError:
        raise _Refusal("08P01", "invalid byte sequence in startup packet") from None
    return dict(zip(decoded[::2], decoded[1::2], strict=True))


async def _read_password(reader: asyncio.StreamReader) -> str:
    """The client's PasswordMessage, after AuthenticationCleartextPassword."""
    kind = await reader.readexactly(1)
    length = int.from_bytes(await reader.readexactly(4), "big")
    if kind != b"p" or not 5 <= length <= _MAX_PASSWORD_LENGTH + 5:
        raise _Refusal("08P01", "expected password response")
    payload = await reader.readexactly(length - 4)
    if not payload.endswith(b"\x00"):
        raise _Refusal("08P01", "invalid password packet")
    try:
        return payload[:-1].decode()
    except UnicodeDecodeError:
        raise _Refusal("08P01", "invalid byte sequence in password packet") from None


def _self_signed_context() -> ssl.SSLContext:
    """A server TLS context with a throwaway certificate for localhost, made in memory.

    `ssl` loads certificates only from files, so the PEM files live in a private temporary
    directory for the duration of the load.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    alternative_names = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(alternative_names, critical=False)
        .sign(key, hashes.SHA256())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    with tempfile.TemporaryDirectory(prefix="lakebase-proxy-") as directory:
        cert_path = Path(directory) / "server.crt"
        key_path = Path(directory) / "server.key"
        cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context.load_cert_chain(cert_path, key_path)
    return context


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes from `reader` to `writer` until end of stream."""
    while data := await reader.read(_CHUNK):
        writer.write(data)
        await writer.drain()


async def _relay(client: _Stream, backend: _Stream) -> None:
    """Relay both ways until either side closes."""
    tasks = [
        asyncio.create_task(_pump(client[0], backend[1])),
        asyncio.create_task(_pump(backend[0], client[1])),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _close(writer: asyncio.StreamWriter) -> None:
    """Close a stream, waiting briefly for the transport to finish."""
    writer.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(writer.wait_closed(), timeout=1)


class LakebaseLoginProxy:
    """A loopback PostgreSQL endpoint that authenticates with `check(role, password)`.

    The backend is a cluster that trusts connections on its Unix socket
    (`PostgresCluster.socket_dir`, `PostgresCluster.port`). `start()` serves on 127.0.0.1 from an
    event loop in a background thread; `stop()` closes the listener and every relayed connection.
    """

    def __init__(
        self, backend_socket_dir: Path, backend_port: int, check: Callable[[str, str], bool]
    ) -> None:
        self._backend_socket = backend_socket_dir / f".s.PGSQL.{backend_port}"
        self._check = check
        self._tls = _self_signed_context()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._sessions: set[asyncio.Task[None]] = set()

    def start(self, port: int = 0) -> int:
        """Listen on 127.0.0.1:`port` (0 picks a free port) and return the bound port."""
        if self._loop is not None:
            raise RuntimeError("the proxy is already running")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="lakebase-login-proxy", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            return asyncio.run_coroutine_threadsafe(self._listen(port), loop).result(timeout=10)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Close the listener and all connections, then end the thread. Idempotent."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = self._server = None

    async def _listen(self, port: int) -> int:
        self._server = await asyncio.start_server(self._on_client, "127.0.0.1", port)
        bound: int = self._server.sockets[0].getsockname()[1]
        return bound

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._sessions):
            task.cancel()
        await asyncio.gather(*self._sessions, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        await asyncio.get_running_loop().shutdown_default_executor()

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None  # start_server runs each client in its own task
        self._sessions.add(task)
        try:
            await self._session((reader, writer))
            await _close(writer)
        except asyncio.CancelledError:
            # stop() ends the session. Returning normally matters: asyncio's stream callback
            # logs an error for a client task that ends cancelled.
            writer.transport.abort()
        except BaseException:
            writer.transport.abort()
            raise
        finally:
            self._sessions.discard(task)

    async def _session(self, client: _Stream) -> None:
        """Authenticate the client, then relay it to the cluster."""
        try:
            async with asyncio.timeout(_HANDSHAKE_TIMEOUT_SECONDS):
                backend = await self._handshake(client)
        except _Refusal as refusal:
            with contextlib.suppress(ConnectionError):
                client[1].write(_error_response(refusal.sqlstate, refusal.message))
                await client[1].drain()
            return
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, TimeoutError):
            return
        if backend is None:
            return
        try:
            await _relay(client, backend)
        finally:
            await _close(backend[1])

    async def _handshake(self, client: _Stream) -> _Stream | None:
        """Negotiate, authenticate and connect; None when the client only sent a cancel request."""
        packet = await self._negotiate(client)
        if _request_code(packet) == _CANCEL_REQUEST:
            await self._forward_cancel(packet)
            return None
        role = _parse_startup(packet).get("user")
        if not role:
            raise _Refusal("28000", "no PostgreSQL user name specified in startup packet")
        client[1].write(_AUTH_CLEARTEXT)
        await client[1].drain()
        password = await _read_password(client[0])
        if not await asyncio.to_thread(self._check, role, password):
            raise _Refusal("28P01", f'password authentication failed for user "{role}"')
        backend = await self._open_backend()
        try:
            backend[1].write(packet)
            await backend[1].drain()
        except BaseException:
            backend[1].transport.abort()
            raise
        return backend

    async def _negotiate(self, client: _Stream) -> bytes:
        """Answer SSLRequest ('S', then TLS) and GSSENCRequest ('N'); return the next packet."""
        reader, writer = client
        encrypted = False
        for _ in range(3):
            packet = await _read_startup_packet(reader)
            code = _request_code(packet)
            if encrypted or code not in (_SSL_REQUEST, _GSSENC_REQUEST):
                return packet
            if code == _GSSENC_REQUEST:
                writer.write(b"N")
                await writer.drain()
                continue
            await self._upgrade(client)
            encrypted = True
        raise _Refusal("08P01", "too many encryption requests")

    async def _upgrade(self, client: _Stream) -> None:
        """Answer 'S' and switch the connection to TLS."""
        reader, writer = client
        # Bytes sent before the TLS handshake must not be read as if they came encrypted
        # (the CVE-2021-23214 class of injection); StreamReader has no public way to ask.
        if getattr(reader, "_buffer", b""):
            raise _Refusal("08P01", "received unencrypted data after SSL request")
        writer.write(b"S")
        await writer.drain()
        await writer.start_tls(self._tls)

    async def _forward_cancel(self, packet: bytes) -> None:
        """Pass a CancelRequest to the cluster, which checks its process id and secret key."""
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_unix_connection(self._backend_socket)
            writer.write(packet)
            await writer.drain()
            await _close(writer)

    async def _open_backend(self) -> _Stream:
        try:
            return await asyncio.open_unix_connection(self._backend_socket)
        except OSError:
            raise _Refusal("57P03", "the database system is not accepting connections") from None
