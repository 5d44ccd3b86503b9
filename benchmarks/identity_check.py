"""The cost of checking that a forwarded user token belongs to the forwarded user: resolving the
caller from headers alone (user authorization off) against headers plus the cached token profile
(what every request with a token does after its first)."""

import asyncio

from benchmarks.deployed_emulator import deployed_emulator
from benchmarks.stats import Report, interleaved
from emulator.state import Principal
from server.adapters.identity.databricks import DatabricksIdentityProvider
from server.adapters.workspace import WorkspaceClients
from server.config import Settings

RESOLVES = 2000
EMAIL = "alice@example.com"


def run(report: Report) -> None:
    """RESOLVES identity resolutions per round, without and with a forwarded token."""
    with deployed_emulator() as deployed:
        provider = DatabricksIdentityProvider(
            WorkspaceClients(Settings.from_environment(deployed.app_env))
        )
        token, _ = deployed.state.issue_user_token(Principal(EMAIL, "alice"))
        plain = {"x-forwarded-email": EMAIL}
        with_token = plain | {"x-forwarded-access-token": token}
        loop = asyncio.new_event_loop()
        loop.run_until_complete(provider.resolve(with_token))  # the first request reads SCIM Me

        def resolve_many(headers: dict[str, str]) -> None:
            async def many() -> None:
                for _ in range(RESOLVES):
                    await provider.resolve(headers)

            loop.run_until_complete(many())

        runs = interleaved(
            {
                "headers only (no user token)": lambda: resolve_many(plain),
                "headers + token owner check (cached)": lambda: resolve_many(with_token),
            },
            rounds=5,
            warmup=0,
        )
        report.compare(
            f"Identity: {RESOLVES} requests resolved",
            runs["headers only (no user token)"],
            runs["headers + token owner check (cached)"],
        )
        loop.close()
