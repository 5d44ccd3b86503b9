"""Local Unity Catalog grants: users in groups, privileges on catalogs, schemas and tables.

Privileges inherit downwards like UC: a grant on a catalog applies to its schemas and tables.
`ALL_PRIVILEGES` implies every privilege. Every user is in the `users` group; a service principal
is not, so it holds only what is granted to it by name (Databricks docs, "Configure authorization
in a Databricks app": the app's service principal needs explicit access to the tables it queries).
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Privilege = Literal["USE_CATALOG", "USE_SCHEMA", "SELECT", "ALL_PRIVILEGES"]
ALL_USERS_GROUP = "users"


@dataclass(frozen=True)
class Grant:
    """One privilege on one securable (`catalog`, `catalog.schema` or `catalog.schema.table`)."""

    principal: str
    privilege: Privilege
    securable: str


class Grants:
    """Answers "may this user do that on this securable?" from a grants file."""

    def __init__(self, groups: dict[str, list[str]], grants: list[Grant]) -> None:
        self._members = {name: {m.lower() for m in members} for name, members in groups.items()}
        self._grants = list(grants)
        self._service_principals: set[str] = set()

    @classmethod
    def from_file(cls, path: Path) -> "Grants":
        """Load `{"groups": {...}, "grants": [{principal, privilege, securable}]}`."""
        data = json.loads(path.read_text())
        return cls(data.get("groups", {}), [Grant(**g) for g in data.get("grants", [])])

    def groups_of(self, user_id: str) -> tuple[str, ...]:
        """The groups a user belongs to, `users` included."""
        user = user_id.lower()
        named = sorted(name for name, members in self._members.items() if user in members)
        if user in self._service_principals:
            return tuple(named)
        return (ALL_USERS_GROUP, *named)

    def add_service_principal(self, application_id: str) -> None:
        """Register a service principal: it is not a member of `users`."""
        self._service_principals.add(application_id.lower())

    def grant(self, principal: str, privilege: Privilege, securable: str) -> None:
        """Add one grant (what `GRANT ... TO principal` does)."""
        self._grants.append(Grant(principal, privilege, securable))

    def revoke(self, principal: str, privilege: Privilege, securable: str) -> None:
        """Remove one grant made directly on `securable` (inherited ones stay)."""
        self._grants = [
            g
            for g in self._grants
            if (g.principal.lower(), g.privilege, g.securable.lower())
            != (principal.lower(), privilege, securable.lower())
        ]

    def _principals(self, user_id: str) -> set[str]:
        return {user_id.lower(), *self.groups_of(user_id)}

    def has(self, user_id: str, privilege: Privilege, securable: str) -> bool:
        """True when a grant on the securable or one of its parents gives the privilege."""
        principals = self._principals(user_id)
        parts = securable.lower().split(".")
        scopes = {".".join(parts[: i + 1]) for i in range(len(parts))}
        return any(
            g.principal.lower() in principals
            and g.securable.lower() in scopes
            and g.privilege in (privilege, "ALL_PRIVILEGES")
            for g in self._grants
        )

    def can_use_catalog(self, user_id: str, catalog: str) -> bool:
        """USE CATALOG on the catalog."""
        return self.has(user_id, "USE_CATALOG", catalog)

    def can_use_schema(self, user_id: str, catalog: str, schema: str) -> bool:
        """USE CATALOG and USE SCHEMA."""
        return self.can_use_catalog(user_id, catalog) and self.has(
            user_id, "USE_SCHEMA", f"{catalog}.{schema}"
        )

    def can_select(self, user_id: str, catalog: str, schema: str, table: str) -> bool:
        """USE CATALOG, USE SCHEMA and SELECT on the table (directly or inherited)."""
        return self.can_use_schema(user_id, catalog, schema) and self.has(
            user_id, "SELECT", f"{catalog}.{schema}.{table}"
        )
