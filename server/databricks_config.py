"""The Databricks SDK configuration for the app's service principal or for one user's token.

Shared by the workspace adapters and the database opener, so both authenticate the same way.
"""

from typing import Any

from databricks.sdk.config import Config

from server.config import Settings


def sdk_config(settings: Settings, user_token: str | None = None) -> Config:
    """The app's credentials (OAuth M2M from DATABRICKS_CLIENT_ID/SECRET, else a token or the
    SDK's unified auth), or `user_token` as a PAT-style bearer (what Databricks Apps user
    authorization requires: auth_type="pat", so the SDK does not mix it with the app's secret).

    Building the Config resolves the host's metadata over HTTP: call it off the event loop.
    """
    s = settings
    timeouts: dict[str, Any] = {
        "http_timeout_seconds": s.sdk_http_timeout_seconds,
        "retry_timeout_seconds": s.sdk_retry_timeout_seconds,
    }
    if user_token is not None:
        return Config(host=s.databricks_host, token=user_token, auth_type="pat", **timeouts)
    if s.databricks_client_id and s.databricks_client_secret:
        return Config(
            host=s.databricks_host,
            client_id=s.databricks_client_id,
            client_secret=s.databricks_client_secret.get_secret_value(),
            auth_type="oauth-m2m",
            **timeouts,
        )
    token = s.databricks_token.get_secret_value() if s.databricks_token else None
    return Config(host=s.databricks_host, token=token, **timeouts)
