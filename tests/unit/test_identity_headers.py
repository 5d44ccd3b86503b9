"""Who is calling: the Apps proxy headers and their defaults, the local dev user, and the databricks
provider's token-owner check with its profile cache (fake SCIM `Me`, controlled clock)."""

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
from databricks.sdk import errors as sdk_errors

from server.adapters import token_cache
from server.adapters.identity import databricks as databricks_identity
from server.adapters.identity.base import User, result_owner, user_from_headers
from server.adapters.identity.databricks import (
    PROFILE_CACHE_SIZE,
    PROFILE_TTL_SECONDS,
    DatabricksIdentityProvider,
)
from server.adapters.identity.local import LocalIdentityProvider
from server.errors import AuthRequired, ServiceUnavailable

EMAIL = "ann.lee@example.com"


def test_no_email_means_nobody() -> None:
    assert user_from_headers({}) is None
    assert user_from_headers({"x-forwarded-email": "   ", "x-forwarded-user": "u"}) is None


def test_every_header_is_read_and_trimmed() -> None:
    user = user_from_headers(
        {
            "x-forwarded-email": f" {EMAIL} ",
            "x-forwarded-user": " 1234@5678 ",
            "x-forwarded-preferred-username": " Ann Lee ",
            "x-forwarded-access-token": " tok ",
        }
    )
    assert user == User(EMAIL, "1234@5678", "Ann Lee", (), "tok")
    assert user is not None
    assert user.access_token == "tok"


def test_defaults_come_from_the_email() -> None:
    user = user_from_headers({"x-forwarded-email": EMAIL, "x-forwarded-user": " "})
    assert user is not None
    assert (user.user_id, user.user_name, user.display_name) == (EMAIL, EMAIL, "ann.lee")
    assert user.access_token is None
    assert user.groups == ()


def test_a_blank_token_is_no_token() -> None:
    user = user_from_headers({"x-forwarded-email": EMAIL, "x-forwarded-access-token": "  "})
    assert user is not None
    assert user.access_token is None


def test_the_token_never_shows_in_repr() -> None:
    assert "secret-token" not in repr(User(EMAIL, EMAIL, "a", (), "secret-token"))


async def test_local_mode_uses_the_headers_and_local_groups() -> None:
    provider = LocalIdentityProvider("dev@example.com", "Dev", lambda u: ("users", u.split("@")[0]))
    user = await provider.resolve(
        {"x-forwarded-email": EMAIL, "x-forwarded-user": "u1", "x-forwarded-access-token": "t"}
    )
    assert user == User(EMAIL, "u1", "ann.lee", ("users", "ann.lee"), "t")
    assert user.access_token == "t"
    assert await provider.profile(user) is user


async def test_local_mode_falls_back_to_the_dev_user() -> None:
    provider = LocalIdentityProvider("dev@example.com", "Dev", lambda u: ("users", u))
    user = await provider.resolve({})
    assert user == User("dev@example.com", "dev@example.com", "Dev", ("users", "dev@example.com"))
    assert user.access_token is None


class FakeClients:
    """`WorkspaceClients.for_user(token).current_user.me()` answering from a table of tokens."""

    def __init__(self, owners: dict[str, Any]) -> None:
        self.owners = owners
        self.calls: list[str] = []

    def for_user(self, token: str) -> Any:
        def me() -> Any:
            self.calls.append(token)
            answer = self.owners[token]
            if isinstance(answer, Exception):
                raise answer
            return answer

        return SimpleNamespace(current_user=SimpleNamespace(me=me))


def scim_me(
    user_name: str, emails: list[str], groups: list[str | None], display: str | None
) -> Any:
    return SimpleNamespace(
        user_name=user_name,
        emails=[SimpleNamespace(value=e) for e in emails],
        groups=[SimpleNamespace(display=g) for g in groups],
        display_name=display,
    )


ANN = scim_me("Ann.Lee@Example.com", ["ann@alias.example.com"], ["zeta", None, "alpha"], "Ann Lee")


class MonotonicClock:
    def __init__(self) -> None:
        self.now = 50.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> MonotonicClock:
    fake = MonotonicClock()
    monkeypatch.setattr(token_cache, "time", SimpleNamespace(monotonic=fake.monotonic))
    return fake


def provider(owners: dict[str, Any]) -> tuple[DatabricksIdentityProvider, FakeClients]:
    clients = FakeClients(owners)
    return DatabricksIdentityProvider(clients), clients  # type: ignore[arg-type]


async def test_databricks_mode_requires_the_proxy() -> None:
    p, _ = provider({})
    with pytest.raises(AuthRequired) as caught:
        await p.resolve({"x-forwarded-user": "u"})
    assert caught.value.message == (
        "No user identity: requests must come through the Databricks Apps proxy."
    )
    assert caught.value.technical_details == {"missing_header": "X-Forwarded-Email"}


async def test_databricks_mode_with_an_email_but_no_token_trusts_the_proxy() -> None:
    p, clients = provider({})
    user = await p.resolve({"x-forwarded-email": EMAIL})
    assert user == User(EMAIL, EMAIL, "ann.lee")
    assert clients.calls == []
    assert await p.profile(user) is user


async def test_the_token_owner_gives_display_name_and_sorted_groups(clock: MonotonicClock) -> None:
    p, _ = provider({"t": ANN})
    for email in ("ann.lee@example.com", "ANN@alias.example.com"):
        user = await p.resolve({"x-forwarded-email": email, "x-forwarded-access-token": "t"})
        assert (user.user_id, user.display_name, user.groups) == (
            email,
            "Ann Lee",
            ("alpha", "zeta"),
        )
        assert user.access_token == "t"


async def test_someone_elses_token_is_refused(clock: MonotonicClock) -> None:
    p, _ = provider({"t": ANN})
    with pytest.raises(AuthRequired) as caught:
        await p.resolve({"x-forwarded-email": "bob@example.com", "x-forwarded-access-token": "t"})
    assert caught.value.message == (
        "The forwarded access token belongs to another user than X-Forwarded-Email."
    )
    assert caught.value.technical_details == {"missing_header": "X-Forwarded-Access-Token"}


async def test_an_empty_name_never_matches(clock: MonotonicClock) -> None:
    p, _ = provider({"t": scim_me("", [""], [], None)})
    with pytest.raises(AuthRequired):
        await p.resolve({"x-forwarded-email": " ", "x-forwarded-access-token": "t"})
    with pytest.raises(AuthRequired):
        await p.resolve({"x-forwarded-email": "x@example.com", "x-forwarded-access-token": "t"})


async def test_display_name_falls_back_to_the_user_name(clock: MonotonicClock) -> None:
    p, _ = provider(
        {"t": SimpleNamespace(user_name=EMAIL, emails=None, groups=None, display_name="")}
    )
    user = await p.resolve({"x-forwarded-email": EMAIL, "x-forwarded-access-token": "t"})
    assert (user.display_name, user.groups) == (EMAIL, ())


async def test_the_profile_is_cached_until_its_ttl(clock: MonotonicClock) -> None:
    p, clients = provider({"t": ANN})
    headers = {"x-forwarded-email": EMAIL, "x-forwarded-access-token": "t"}
    await p.resolve(headers)
    clock.now += PROFILE_TTL_SECONDS - 1
    await p.resolve(headers)
    assert clients.calls == ["t"]
    clock.now += 1
    await p.resolve(headers)
    assert clients.calls == ["t", "t"]


async def test_the_cache_is_bounded(clock: MonotonicClock) -> None:
    tokens = {f"t{i}": ANN for i in range(PROFILE_CACHE_SIZE + 1)}
    p, clients = provider(tokens)
    for token in tokens:
        await p.resolve({"x-forwarded-email": EMAIL, "x-forwarded-access-token": token})
    await p.resolve({"x-forwarded-email": EMAIL, "x-forwarded-access-token": "t0"})
    assert len(clients.calls) == PROFILE_CACHE_SIZE + 2
    await p.resolve(
        {"x-forwarded-email": EMAIL, "x-forwarded-access-token": f"t{PROFILE_CACHE_SIZE}"}
    )
    assert len(clients.calls) == PROFILE_CACHE_SIZE + 2


async def test_a_token_the_workspace_rejects_is_auth_required(clock: MonotonicClock) -> None:
    p, _ = provider({"t": sdk_errors.Unauthenticated("expired")})
    with pytest.raises(AuthRequired) as caught:
        await p.resolve({"x-forwarded-email": EMAIL, "x-forwarded-access-token": "t"})
    assert caught.value.message == "The workspace rejected the forwarded access token."


async def test_a_workspace_failure_is_service_unavailable_and_logged(
    clock: MonotonicClock, caplog: pytest.LogCaptureFixture
) -> None:
    p, _ = provider({"t": ConnectionError("down")})
    with caplog.at_level("WARNING"), pytest.raises(ServiceUnavailable) as caught:
        await p.resolve({"x-forwarded-email": EMAIL, "x-forwarded-access-token": "t"})
    assert (
        caught.value.message
        == "Could not verify the user with the workspace. Please retry shortly."
    )
    (record,) = [r for r in caplog.records if r.name == databricks_identity.__name__]
    assert record.getMessage() == "could not read the token's user"
    assert record.__dict__["error_type"] == "ConnectionError"


def test_the_profile_holds_every_name_of_the_token_user() -> None:
    p, _ = provider({"t": ANN})
    profile = p._read_profile("t")
    assert profile.names == frozenset({"ann.lee@example.com", "ann@alias.example.com"})


async def test_absent_names_never_match_any_email(clock: MonotonicClock) -> None:
    nobody = SimpleNamespace(
        user_name=None, emails=[SimpleNamespace(value=None)], groups=None, display_name=None
    )
    p, _ = provider({"t": nobody})
    for email in ("xxxx", "XXXX", "none"):
        with pytest.raises(AuthRequired):
            await p.resolve({"x-forwarded-email": email, "x-forwarded-access-token": "t"})
    profile = p._read_profile("t")
    assert (profile.names, profile.display_name) == (frozenset(), "")


def test_a_kept_result_belongs_to_the_user_and_the_identity_the_call_ran_as() -> None:
    as_app = User("ann@example.com", "ann", "Ann")
    assert result_owner(as_app) == "ann@example.com (as the app)"
    assert result_owner(replace(as_app, access_token="t")) == "ann@example.com"
