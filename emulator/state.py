"""The emulator's state: issued tokens, the service principal, and fault controls tests set."""

import secrets
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principal:
    """Who a token belongs to: a user (email) or the app's service principal (client id)."""

    name: str
    display_name: str
    is_service_principal: bool = False


@dataclass
class IssuedToken:
    principal: Principal
    expires_at: float


@dataclass
class EmulatorState:
    """Mutable emulator state, shared by every route."""

    sp_client_id: str = "app-service-principal"
    sp_client_secret: str = "emulator-secret"
    token_lifetime_seconds: int = 3600
    lakebase_token_lifetime_seconds: int = 3600
    workspace_id: str = "1234567890123456"
    tokens: dict[str, IssuedToken] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, principal: Principal, lifetime: int | None = None) -> tuple[str, int]:
        """A new bearer token for `principal`, with its lifetime in seconds."""
        seconds = lifetime or self.token_lifetime_seconds
        token = "dkea" + secrets.token_hex(16)
        with self.lock:
            self.tokens[token] = IssuedToken(principal, time.time() + seconds)
        return token, seconds

    def principal_for(self, token: str) -> Principal | None:
        """The principal behind a live token, or None."""
        with self.lock:
            issued = self.tokens.get(token)
        if issued is None or issued.expires_at < time.time():
            return None
        return issued.principal

    def service_principal(self) -> Principal:
        """The app's service principal."""
        return Principal(self.sp_client_id, "App service principal", is_service_principal=True)
