"""OAuth scopes: a user token forwarded by Databricks Apps carries only the app's
`user_api_scopes` (plus the default ones), and every API checks the scope it needs.

Scope names and what they cover follow the Databricks docs page "Configure authorization in a
Databricks app" (section "User authorization", table of scopes). A token without the scope gets
403 with the message the platform sends: "Provided OAuth token does not have required scopes: X".
"""

# Granted to every user token, whatever the app asks for; they cannot be requested.
DEFAULT_USER_SCOPES = frozenset({"iam.current-user:read", "iam.access-control:read"})

# The scopes each API accepts. The first one is the name an app should request.
# Statement Execution and SQL warehouses: `sql` (REST reference "Start warehouse": API scope sql).
SQL = ("sql",)
# Unity Catalog metadata: the Apps scopes `catalog.*:read`; `unity-catalog` is the API's own name.
CATALOGS = ("catalog.catalogs:read", "unity-catalog")
SCHEMAS = ("catalog.schemas:read", "unity-catalog")
TABLES = ("catalog.tables:read", "unity-catalog")
# Serving endpoints: reading them takes `serving.serving-endpoints` (REST reference "Get all
# serving endpoints") or `model-serving`; querying one takes `model-serving`, as the platform's
# refusal names it ("... required scopes: model-serving, model-serving-inference").
SERVING_READ = ("serving.serving-endpoints", "model-serving")
SERVING_QUERY = ("model-serving", "model-serving-inference")
CURRENT_USER = ("iam.current-user:read",)
# Lakebase `postgres` and `database` APIs (REST reference "Generate database credential").
POSTGRES = ("postgres",)


def user_token_scopes(app_scopes: list[str]) -> frozenset[str]:
    """The scopes of a token forwarded to an app that declares `app_scopes`."""
    return DEFAULT_USER_SCOPES | frozenset(app_scopes)
