"""Object permissions (access control lists) on SQL warehouses and serving endpoints.

Levels are ordered: holding a level grants every lower one. Workspace admins (the `admins` group)
manage every object, as on Databricks. Levels per object type follow the Databricks docs pages
"SQL warehouse ACLs" (CAN_VIEW < CAN_MONITOR < CAN_USE < CAN_MANAGE < IS_OWNER) and
"Serving endpoint ACLs" (CAN_VIEW < CAN_QUERY < CAN_MANAGE).
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

ObjectType = Literal["warehouses", "serving-endpoints"]
LEVELS: dict[ObjectType, tuple[str, ...]] = {
    "warehouses": ("CAN_VIEW", "CAN_MONITOR", "CAN_USE", "CAN_MANAGE", "IS_OWNER"),
    "serving-endpoints": ("CAN_VIEW", "CAN_QUERY", "CAN_MANAGE"),
}
ADMINS_GROUP = "admins"


@dataclass
class AccessControl:
    """Who holds which level on which object; `principals` are user emails, group names and
    service principal application ids, all compared case-insensitively."""

    entries: dict[tuple[ObjectType, str], dict[str, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def grant(self, object_type: ObjectType, object_id: str, principal: str, level: str) -> None:
        """Give `principal` `level` on the object (a higher level already held is kept)."""
        levels = LEVELS[object_type]
        if level not in levels:
            raise ValueError(f"{level} is not a permission level of {object_type}")
        with self.lock:
            acl = self.entries.setdefault((object_type, object_id), {})
            held = acl.get(principal.lower())
            if held is None or levels.index(level) > levels.index(held):
                acl[principal.lower()] = level

    def revoke(self, object_type: ObjectType, object_id: str, principal: str) -> None:
        """Remove every level `principal` holds directly on the object."""
        with self.lock:
            self.entries.get((object_type, object_id), {}).pop(principal.lower(), None)

    def allows(
        self, object_type: ObjectType, object_id: str, principals: Iterable[str], level: str
    ) -> bool:
        """True when one of `principals` (a caller and their groups) holds `level` or higher."""
        names = {p.lower() for p in principals}
        if ADMINS_GROUP in names:
            return True
        levels = LEVELS[object_type]
        needed = levels.index(level)
        with self.lock:
            acl = dict(self.entries.get((object_type, object_id), {}))
        return any(levels.index(held) >= needed for name, held in acl.items() if name in names)
