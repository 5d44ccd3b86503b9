"""The emulator's state: issued tokens (with their OAuth scopes), the service principal, and the
controls tests set."""

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
    """A bearer token: whose it is, until when, and which OAuth scopes it carries.

    `scopes` None stands for `all-apis`, the scope of the service principal's M2M token and of
    personal access tokens; a user token forwarded by Databricks Apps carries only the app's
    `user_api_scopes` plus the defaults (see `emulator/scopes.py`).
    """

    principal: Principal
    expires_at: float
    scopes: frozenset[str] | None = None


@dataclass
class EmulatorState:
    """Mutable emulator state, shared by every route."""

    sp_client_id: str = "app-service-principal"
    sp_client_secret: str = "emulator-secret"
    token_lifetime_seconds: int = 3600
    lakebase_token_lifetime_seconds: int = 3600
    workspace_id: str = "1234567890123456"
    user_token_scopes: frozenset[str] | None = None
    tokens: dict[str, IssuedToken] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(
        self,
        principal: Principal,
        lifetime: int | None = None,
        scopes: frozenset[str] | None = None,
    ) -> tuple[str, int]:
        """A new bearer token for `principal`, with its lifetime in seconds."""
        seconds = lifetime or self.token_lifetime_seconds
        token = "dkea" + secrets.token_hex(16)
        with self.lock:
            self.tokens[token] = IssuedToken(principal, time.time() + seconds, scopes)
        return token, seconds

    def issue_user_token(
        self,
        principal: Principal,
        lifetime: int | None = None,
        scopes: frozenset[str] | None = None,
    ) -> tuple[str, int]:
        """A token as Databricks Apps forwards it in X-Forwarded-Access-Token: limited to the
        app's user authorization scopes unless `scopes` says otherwise."""
        return self.issue(
            principal, lifetime, scopes if scopes is not None else self.user_token_scopes
        )

    def token(self, token: str) -> IssuedToken | None:
        """The live token, or None when unknown or expired."""
        with self.lock:
            issued = self.tokens.get(token)
        if issued is None or issued.expires_at < time.time():
            return None
        return issued

    def service_principal(self) -> Principal:
        """The app's service principal."""
        return Principal(self.sp_client_id, "App service principal", is_service_principal=True)
