"""Local Unity Catalog grants: parents are required, inheritance flows down, names ignore case."""

import json
from pathlib import Path

import pytest

from server.local_workspace.grants import Grant, Grants

CATALOG, SCHEMA, TABLE = "main", "sales", "orders"


def grants(*rows: tuple[str, str, str], groups: dict[str, list[str]] | None = None) -> Grants:
    return Grants(groups or {}, [Grant(p, v, s) for p, v, s in rows])  # type: ignore[arg-type]


def full_chain(principal: str) -> list[tuple[str, str, str]]:
    return [
        (principal, "USE_CATALOG", CATALOG),
        (principal, "USE_SCHEMA", f"{CATALOG}.{SCHEMA}"),
        (principal, "SELECT", f"{CATALOG}.{SCHEMA}.{TABLE}"),
    ]


def test_the_full_chain_grants_select() -> None:
    g = grants(*full_chain("ann@example.com"))
    assert g.can_select("ann@example.com", CATALOG, SCHEMA, TABLE)


@pytest.mark.parametrize("missing", [0, 1, 2])
def test_a_child_privilege_without_its_parents_grants_nothing(missing: int) -> None:
    rows = full_chain("ann@example.com")
    del rows[missing]
    g = grants(*rows)
    assert not g.can_select("ann@example.com", CATALOG, SCHEMA, TABLE)


def test_use_schema_without_use_catalog_cannot_use_the_schema() -> None:
    g = grants(("ann@example.com", "USE_SCHEMA", f"{CATALOG}.{SCHEMA}"))
    assert not g.can_use_schema("ann@example.com", CATALOG, SCHEMA)
    g.grant("ann@example.com", "USE_CATALOG", CATALOG)
    assert g.can_use_schema("ann@example.com", CATALOG, SCHEMA)


def test_use_catalog_alone_does_not_open_its_schemas() -> None:
    g = grants(("ann@example.com", "USE_CATALOG", CATALOG))
    assert g.can_use_catalog("ann@example.com", CATALOG)
    assert not g.can_use_schema("ann@example.com", CATALOG, SCHEMA)


def test_a_grant_to_one_user_is_for_that_user_only() -> None:
    g = grants(*full_chain("ann@example.com"))
    assert g.can_select("ann@example.com", CATALOG, SCHEMA, TABLE)
    assert not g.can_select("bob@example.com", CATALOG, SCHEMA, TABLE)


def test_user_ids_and_securables_ignore_case() -> None:
    g = grants(*full_chain("Ann@Example.com"), groups={"analysts": ["Bob@Example.COM"]})
    assert g.can_select("ANN@example.COM", "MAIN", "Sales", "ORDERS")
    assert g.groups_of("bob@example.com") == ("users", "analysts")


def test_a_catalog_grant_inherits_down_to_every_table() -> None:
    g = grants(
        ("analysts", "USE_CATALOG", CATALOG),
        ("analysts", "USE_SCHEMA", CATALOG),
        ("analysts", "SELECT", CATALOG),
        groups={"analysts": ["ann@example.com"]},
    )
    assert g.can_select("ann@example.com", CATALOG, SCHEMA, "anything")
    assert not g.can_select("ann@example.com", "other", SCHEMA, TABLE)
    assert not g.can_select("bob@example.com", CATALOG, SCHEMA, TABLE)


def test_a_table_grant_does_not_flow_up_or_sideways() -> None:
    g = grants(*full_chain("ann@example.com"))
    assert not g.has("ann@example.com", "SELECT", f"{CATALOG}.{SCHEMA}")
    assert not g.has("ann@example.com", "SELECT", f"{CATALOG}.{SCHEMA}.customers")
    assert not g.has("ann@example.com", "SELECT", f"{CATALOG}.{SCHEMA}.orders_archive")


def test_all_privileges_implies_each_privilege() -> None:
    g = grants(("ann@example.com", "ALL_PRIVILEGES", CATALOG))
    assert g.can_select("ann@example.com", CATALOG, SCHEMA, TABLE)


def test_a_privilege_does_not_imply_another() -> None:
    g = grants(("ann@example.com", "SELECT", CATALOG))
    assert not g.has("ann@example.com", "USE_CATALOG", CATALOG)


def test_everyone_is_in_users_but_a_service_principal_is_not() -> None:
    g = grants(*full_chain("users"))
    assert g.can_select("anyone@example.com", CATALOG, SCHEMA, TABLE)
    g.add_service_principal("APP-SP-ID")
    assert g.groups_of("app-sp-id") == ()
    assert not g.can_select("app-sp-id", CATALOG, SCHEMA, TABLE)


def test_groups_are_sorted_after_users() -> None:
    g = grants(groups={"zeta": ["ann@example.com"], "alpha": ["ann@example.com"], "x": []})
    assert g.groups_of("ann@example.com") == ("users", "alpha", "zeta")


def test_revoke_removes_only_the_direct_grant() -> None:
    g = grants(*full_chain("ann@example.com"), ("ann@example.com", "SELECT", CATALOG))
    g.revoke("ANN@example.com", "SELECT", "MAIN.sales.ORDERS")
    assert g.can_select("ann@example.com", CATALOG, SCHEMA, TABLE)  # inherited from the catalog
    g.revoke("ann@example.com", "SELECT", CATALOG)
    assert not g.can_select("ann@example.com", CATALOG, SCHEMA, TABLE)
    assert g.can_use_schema("ann@example.com", CATALOG, SCHEMA)


def test_revoke_matches_principal_privilege_and_securable() -> None:
    g = grants(*full_chain("ann@example.com"), *full_chain("bob@example.com"))
    g.revoke("bob@example.com", "SELECT", f"{CATALOG}.{SCHEMA}.{TABLE}")
    g.revoke("ann@example.com", "USE_SCHEMA", f"{CATALOG}.{SCHEMA}.{TABLE}")
    g.revoke("ann@example.com", "SELECT", f"{CATALOG}.{SCHEMA}")
    assert g.can_select("ann@example.com", CATALOG, SCHEMA, TABLE)
    assert not g.can_select("bob@example.com", CATALOG, SCHEMA, TABLE)


def test_from_file_reads_groups_and_grants(tmp_path: Path) -> None:
    path = tmp_path / "grants.json"
    rows = [{"principal": "analysts", "privilege": v, "securable": s} for _, v, s in full_chain("")]
    path.write_text(json.dumps({"groups": {"analysts": ["ann@example.com"]}, "grants": rows}))
    g = Grants.from_file(path)
    assert g.can_select("ann@example.com", CATALOG, SCHEMA, TABLE)
    assert not g.can_select("bob@example.com", CATALOG, SCHEMA, TABLE)


def test_from_file_accepts_an_empty_document(tmp_path: Path) -> None:
    path = tmp_path / "grants.json"
    path.write_text("{}")
    g = Grants.from_file(path)
    assert g.groups_of("ann@example.com") == ("users",)
    assert not g.can_use_catalog("ann@example.com", CATALOG)
