"""Offline validation of `databricks.yml` and `app.yaml` against the facts of the bundle schema.

    python -m scripts.validate_bundle [--bundle databricks.yml] [--app app.yaml]

Exit 0 with one summary line when both files pass; exit 1 with one line per problem, each naming
the file, the path inside it and the problem.

The tables below restate, for the resource types this template uses or may use, what the
Databricks CLI bundle JSON schema says (github.com/databricks/cli, bundle/schema/jsonschema.json,
commit 7bbe285 of 2026-08-21; each table names its `$defs` entry). Where the schema leaves a value
open, the comment names the documentation page the value comes from.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml

# ---------------------------------------------------------------------------------------------
# Shapes


@dataclass(frozen=True)
class Scalar:
    """A leaf value: string, integer, number, boolean, duration (protobuf `"<n>s"`) or any."""

    kind: str


@dataclass(frozen=True)
class Enum:
    """A string from a closed set."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class ListOf:
    """A sequence whose items all have one shape."""

    item: Spec


@dataclass(frozen=True)
class MapOf:
    """A mapping from free keys to values of one shape."""

    value: Spec


@dataclass(frozen=True, eq=False)
class Obj:
    """A mapping with a closed set of fields (the schema's `additionalProperties: false`)."""

    fields: dict[str, Spec]
    required: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()  # exactly one of these fields must be present


Spec = Union[Scalar, Enum, ListOf, MapOf, Obj]  # noqa: UP007 (a runtime alias of forward types)

STR = Scalar("string")
INT = Scalar("integer")
NUM = Scalar("number")
BOOL = Scalar("boolean")
ANY = Scalar("any")
DURATION = Scalar("duration")
STRINGS = ListOf(STR)
KEY_VALUES = ListOf(Obj({"key": STR, "value": STR}))
DURATION_FORMAT = re.compile(r"^\d+(\.\d+)?s$")

# ---------------------------------------------------------------------------------------------
# Permissions: resources.<Kind>Permission, each `required: [level]`; the principal fields are
# mutually exclusive (bundle docs "permissions": each entry names one user, group or service
# principal).

PRINCIPALS = ("user_name", "group_name", "service_principal_name")


def permissions(levels: tuple[str, ...]) -> ListOf:
    """A `permissions` list whose entries name one principal and one of `levels`."""
    entry = Obj(
        {"level": Enum(levels), **dict.fromkeys(PRINCIPALS, STR)},
        required=("level",),
        one_of=PRINCIPALS,
    )
    return ListOf(entry)


# apps.AppPermissionLevel
APP_LEVELS = ("CAN_MANAGE", "CAN_USE")
# sql.WarehousePermissionLevel
WAREHOUSE_LEVELS = ("CAN_MANAGE", "IS_OWNER", "CAN_USE", "CAN_MONITOR", "CAN_VIEW")
# serving.ServingEndpointPermissionLevel
SERVING_LEVELS = ("CAN_MANAGE", "CAN_QUERY", "CAN_VIEW")
# iam.PermissionLevel: resources.Permission, used by database_instances, postgres_projects and
# the top-level and target `permissions`.
GENERIC_LEVELS = (
    "CAN_MANAGE",
    "CAN_RESTART",
    "CAN_ATTACH_TO",
    "IS_OWNER",
    "CAN_MANAGE_RUN",
    "CAN_VIEW",
    "CAN_READ",
    "CAN_RUN",
    "CAN_EDIT",
    "CAN_USE",
    "CAN_MANAGE_STAGING_VERSIONS",
    "CAN_MANAGE_PRODUCTION_VERSIONS",
    "CAN_EDIT_METADATA",
    "CAN_VIEW_METADATA",
    "CAN_BIND",
    "CAN_QUERY",
    "CAN_MONITOR",
    "CAN_CREATE",
    "CAN_MONITOR_ONLY",
    "CAN_CREATE_APP",
)

# resources.Lifecycle / resources.LifecycleWithStarted
LIFECYCLE = Obj({"prevent_destroy": BOOL})
LIFECYCLE_STARTED = Obj({"prevent_destroy": BOOL, "started": BOOL})

# ---------------------------------------------------------------------------------------------
# App resources: apps.AppResource (`required: [name]`) with one kind each; apps.AppResource<Kind>
# and apps.AppResource<Kind><Kind>Permission.

APP_RESOURCE_KINDS: dict[str, Obj] = {
    "sql_warehouse": Obj(
        {"id": STR, "permission": Enum(("CAN_MANAGE", "CAN_USE", "IS_OWNER"))},
        required=("id", "permission"),
    ),
    "serving_endpoint": Obj(
        {"name": STR, "permission": Enum(SERVING_LEVELS)},
        required=("name", "permission"),
    ),
    # Lakebase Provisioned (a database instance).
    "database": Obj(
        {
            "instance_name": STR,
            "database_name": STR,
            "permission": Enum(("CAN_CONNECT_AND_CREATE",)),
        },
        required=("database_name", "instance_name", "permission"),
    ),
    # Lakebase Autoscaling. The schema marks no field required, but an app binds a branch and a
    # database of it with the one permission (Databricks Apps docs, "Add a Lakebase resource":
    # pick project, branch, database; "Can connect and create" is the only permission).
    "postgres": Obj(
        {"branch": STR, "database": STR, "permission": Enum(("CAN_CONNECT_AND_CREATE",))},
        required=("branch", "database", "permission"),
    ),
    "secret": Obj(
        {"scope": STR, "key": STR, "permission": Enum(("READ", "WRITE", "MANAGE"))},
        required=("key", "permission", "scope"),
    ),
    "uc_securable": Obj(
        {
            "securable_full_name": STR,
            "securable_type": Enum(("VOLUME", "TABLE", "FUNCTION", "CONNECTION")),
            "permission": Enum(
                ("READ_VOLUME", "WRITE_VOLUME", "SELECT", "EXECUTE", "USE_CONNECTION", "MODIFY")
            ),
        },
        required=("permission", "securable_full_name", "securable_type"),
    ),
    "job": Obj(
        {"id": STR, "permission": Enum(("CAN_MANAGE", "IS_OWNER", "CAN_MANAGE_RUN", "CAN_VIEW"))},
        required=("id", "permission"),
    ),
    "genie_space": Obj(
        {
            "name": STR,
            "space_id": STR,
            "permission": Enum(("CAN_MANAGE", "CAN_EDIT", "CAN_RUN", "CAN_VIEW")),
        },
        required=("name", "permission", "space_id"),
    ),
    "experiment": Obj(
        {"experiment_id": STR, "permission": Enum(("CAN_MANAGE", "CAN_EDIT", "CAN_READ"))},
        required=("experiment_id", "permission"),
    ),
    "app": Obj({"name": STR, "permission": Enum(("CAN_USE",))}),
}

APP_RESOURCE = Obj(
    {"name": STR, "description": STR, **APP_RESOURCE_KINDS},
    required=("name",),
    one_of=tuple(APP_RESOURCE_KINDS),
)

# resources.AppEnvVar (the `config.env` of an app in the bundle; app.yaml is checked below)
APP_ENV_VAR = Obj(
    {"name": STR, "value": STR, "value_from": STR},
    required=("name",),
    one_of=("value", "value_from"),
)

# resources.App
APP = Obj(
    {
        "budget_policy_id": STR,
        "compute_max_instances": INT,
        "compute_min_instances": INT,
        "compute_size": Enum(("MEDIUM", "LARGE", "XLARGE")),  # apps.ComputeSize
        "config": Obj({"command": STRINGS, "env": ListOf(APP_ENV_VAR)}),  # resources.AppConfig
        "description": STR,
        "forward_user_access_token": BOOL,
        "git_repository": ANY,
        "git_source": ANY,
        "lifecycle": LIFECYCLE_STARTED,
        "name": STR,
        "permissions": permissions(APP_LEVELS),
        "resources": ListOf(APP_RESOURCE),
        "source_code_path": STR,
        "space": STR,
        "telemetry_export_destinations": ANY,
        "usage_policy_id": STR,
        "user_api_scopes": STRINGS,
    },
    required=("name",),
)

# resources.SqlWarehouse. `cluster_size` is a plain string in the schema; its description lists
# the supported values.
SQL_WAREHOUSE = Obj(
    {
        "auto_stop_mins": INT,
        "channel": Obj(
            {
                "dbsql_version": STR,
                "name": Enum(  # sql.ChannelName
                    (
                        "CHANNEL_NAME_PREVIEW",
                        "CHANNEL_NAME_CURRENT",
                        "CHANNEL_NAME_PREVIOUS",
                        "CHANNEL_NAME_CUSTOM",
                    )
                ),
            }
        ),
        "cluster_size": Enum(
            (
                "2X-Small",
                "X-Small",
                "Small",
                "Medium",
                "Large",
                "X-Large",
                "2X-Large",
                "3X-Large",
                "4X-Large",
                "5X-Large",
            )
        ),
        "creator_name": STR,
        "enable_photon": BOOL,
        "enable_serverless_compute": BOOL,
        "instance_profile_arn": STR,
        "lifecycle": LIFECYCLE_STARTED,
        "max_num_clusters": INT,
        "min_num_clusters": INT,
        "name": STR,
        "permissions": permissions(WAREHOUSE_LEVELS),
        # sql.SpotInstancePolicy
        "spot_instance_policy": Enum(
            ("POLICY_UNSPECIFIED", "COST_OPTIMIZED", "RELIABILITY_OPTIMIZED")
        ),
        "tags": Obj({"custom_tags": KEY_VALUES}),  # sql.EndpointTags
        # sql.CreateWarehouseRequestWarehouseType
        "warehouse_type": Enum(("TYPE_UNSPECIFIED", "CLASSIC", "PRO")),
    }
)

# resources.DatabaseInstance (Lakebase Provisioned). `capacity` is a plain string in the schema;
# its description lists the valid values.
DATABASE_INSTANCE = Obj(
    {
        "capacity": Enum(("CU_1", "CU_2", "CU_4", "CU_8")),
        "custom_tags": KEY_VALUES,
        "enable_pg_native_login": BOOL,
        "enable_readable_secondaries": BOOL,
        "lifecycle": LIFECYCLE,
        "name": STR,
        "node_count": INT,
        "parent_instance_ref": ANY,
        "permissions": permissions(GENERIC_LEVELS),
        "retention_window_in_days": INT,
        "stopped": BOOL,
        "usage_policy_id": STR,
    },
    required=("name",),
)

# resources.ModelServingEndpoint (bundle key `model_serving_endpoints`)
MODEL_SERVING_ENDPOINT = Obj(
    {
        "ai_gateway": ANY,
        "budget_policy_id": STR,
        "config": ANY,
        "description": STR,
        "email_notifications": ANY,
        "lifecycle": LIFECYCLE,
        "name": STR,
        "permissions": permissions(SERVING_LEVELS),
        "rate_limits": ANY,
        "route_optimized": BOOL,
        "tags": KEY_VALUES,
        "telemetry_config": ANY,
    },
    required=("name",),
)

# Lakebase Autoscaling: resources.PostgresProject, PostgresBranch, PostgresEndpoint and
# PostgresDatabase. `parent` is the API resource name of the container (Postgres API docs:
# projects/{project_id}, projects/{project_id}/branches/{branch_id}).
POSTGRES_PROJECT = Obj(
    {
        "budget_policy_id": STR,
        "custom_tags": KEY_VALUES,  # postgres.ProjectCustomTag
        "default_branch": STR,
        # postgres.ProjectDefaultEndpointSettings
        "default_endpoint_settings": Obj(
            {
                "autoscaling_limit_max_cu": NUM,
                "autoscaling_limit_min_cu": NUM,
                "no_suspension": BOOL,
                "pg_settings": MapOf(STR),
                "suspend_timeout_duration": DURATION,
            }
        ),
        "display_name": STR,
        "enable_pg_native_login": BOOL,
        "history_retention_duration": DURATION,
        "lifecycle": LIFECYCLE,
        "permissions": permissions(GENERIC_LEVELS),
        "pg_version": INT,
        "project_id": STR,
        "purge_on_delete": BOOL,
    },
    required=("project_id",),
)

POSTGRES_BRANCH = Obj(
    {
        "branch_id": STR,
        "expire_time": STR,
        "is_protected": BOOL,
        "lifecycle": LIFECYCLE,
        "no_expiry": BOOL,
        "parent": STR,
        "purge_on_delete": BOOL,
        "replace_existing": BOOL,
        "source_branch": STR,
        "source_branch_lsn": STR,
        "source_branch_time": STR,
        "ttl": DURATION,
    },
    required=("branch_id", "parent"),
    # The field descriptions: no_expiry, ttl and expire_time are mutually exclusive, and a new
    # branch needs an expiration policy (CLI docs, `postgres create-branch`).
    one_of=("no_expiry", "ttl", "expire_time"),
)

POSTGRES_ENDPOINT = Obj(
    {
        "autoscaling_limit_max_cu": NUM,
        "autoscaling_limit_min_cu": NUM,
        "disabled": BOOL,
        "endpoint_id": STR,
        # postgres.EndpointType
        "endpoint_type": Enum(("ENDPOINT_TYPE_READ_WRITE", "ENDPOINT_TYPE_READ_ONLY")),
        # postgres.EndpointGroupSpec
        "group": Obj(
            {"enable_readable_secondaries": BOOL, "max": INT, "min": INT}, required=("max", "min")
        ),
        "lifecycle": LIFECYCLE,
        "no_suspension": BOOL,
        "parent": STR,
        "replace_existing": BOOL,
        "settings": Obj({"pg_settings": MapOf(STR)}),  # postgres.EndpointSettings
        "suspend_timeout_duration": DURATION,
    },
    required=("endpoint_id", "parent", "endpoint_type"),
)

POSTGRES_DATABASE = Obj(
    {
        "database_id": STR,
        "lifecycle": LIFECYCLE,
        "parent": STR,
        "postgres_database": STR,
        "replace_existing": BOOL,
        "role": STR,
    },
    required=("database_id", "parent", "role"),
)

CHECKED_RESOURCES: dict[str, Obj] = {
    "apps": APP,
    "sql_warehouses": SQL_WAREHOUSE,
    "database_instances": DATABASE_INSTANCE,
    "model_serving_endpoints": MODEL_SERVING_ENDPOINT,
    "postgres_projects": POSTGRES_PROJECT,
    "postgres_branches": POSTGRES_BRANCH,
    "postgres_endpoints": POSTGRES_ENDPOINT,
    "postgres_databases": POSTGRES_DATABASE,
}

# config.Resources: every resource type a bundle may declare. The types this template does not
# use are accepted by name and not looked into.
OTHER_RESOURCE_TYPES = (
    "alerts",
    "catalogs",
    "clusters",
    "dashboards",
    "database_catalogs",
    "experiments",
    "external_locations",
    "genie_spaces",
    "instance_pools",
    "job_runs",
    "jobs",
    "models",
    "pipelines",
    "postgres_catalogs",
    "postgres_roles",
    "postgres_synced_tables",
    "quality_monitors",
    "registered_models",
    "schemas",
    "secret_scopes",
    "secrets",
    "synced_database_tables",
    "vector_search_endpoints",
    "vector_search_indexes",
    "volumes",
)

RESOURCES = Obj(
    {
        **{kind: MapOf(spec) for kind, spec in CHECKED_RESOURCES.items()},
        **dict.fromkeys(OTHER_RESOURCE_TYPES, MapOf(ANY)),
    }
)

# Fields a `${resources.<type>.<key>.<field>}` reference may name besides the configured ones:
# the deployed object's identity and state (as used in the CLI's acceptance bundles).
OUTPUT_FIELDS: dict[str, frozenset[str]] = {
    "apps": frozenset(
        {
            "id",
            "url",
            "service_principal_client_id",
            "service_principal_id",
            "service_principal_name",
        }
    ),
    "sql_warehouses": frozenset({"id"}),
    "database_instances": frozenset({"id", "uid", "state", "read_write_dns", "read_only_dns"}),
    "model_serving_endpoints": frozenset({"id", "endpoint_id"}),
    "postgres_projects": frozenset({"id", "uid", "state"}),
    "postgres_branches": frozenset({"id", "uid", "state"}),
    "postgres_endpoints": frozenset({"id", "uid", "state"}),
    "postgres_databases": frozenset({"id", "uid", "state"}),
}
COMMON_OUTPUT_FIELDS = frozenset({"id", "name"})

# ---------------------------------------------------------------------------------------------
# Top level: the schema's root `properties`, config.Bundle, config.Sync, config.Workspace,
# config.Target and variable.Variable.

BUNDLE = Obj(
    {
        "cluster_id": STR,
        "compute_id": STR,
        "databricks_cli_version": STR,
        "deployment": ANY,
        "engine": Enum(("terraform", "direct")),  # engine.EngineType
        "git": ANY,
        "name": STR,
        "uuid": STR,
    },
    required=("name",),
)
SYNC = Obj({"exclude": STRINGS, "include": STRINGS, "paths": STRINGS})
WORKSPACE = Obj(
    {
        **dict.fromkeys(
            (
                "account_id",
                "artifact_path",
                "auth_type",
                "azure_client_id",
                "azure_environment",
                "azure_login_app_id",
                "azure_tenant_id",
                "azure_workspace_resource_id",
                "client_id",
                "file_path",
                "google_service_account",
                "host",
                "profile",
                "resource_path",
                "root_path",
                "state_path",
                "workspace_id",
            ),
            STR,
        ),
        "azure_use_msi": BOOL,
        "experimental_is_unified_host": BOOL,
    }
)
# variable.Lookup
LOOKUP = Obj(
    dict.fromkeys(
        (
            "alert",
            "cluster",
            "cluster_policy",
            "dashboard",
            "instance_pool",
            "job",
            "metastore",
            "notification_destination",
            "pipeline",
            "query",
            "service_principal",
            "warehouse",
        ),
        STR,
    )
)
# variable.Variable; `type` is a plain string in the schema, and the bundle variables docs name
# one value, `complex`.
VARIABLE = Obj({"default": ANY, "description": STR, "lookup": LOOKUP, "type": Enum(("complex",))})
# config.Mode is a plain string in the schema; the CLI defines two (bundle/config/target.go, and
# the bundle docs "Deployment modes").
TARGET_MODES = ("development", "production")
TARGET = Obj(
    {
        "artifacts": ANY,
        "bundle": Obj(BUNDLE.fields),
        "cluster_id": STR,
        "compute_id": STR,
        "default": BOOL,
        "git": ANY,
        "mode": Enum(TARGET_MODES),
        "permissions": permissions(GENERIC_LEVELS),
        "presets": ANY,
        "resources": RESOURCES,
        "run_as": ANY,
        "sync": SYNC,
        "variables": MapOf(ANY),  # variable.TargetVariable: a Variable or a bare value
        "workspace": WORKSPACE,
    }
)
ROOT = Obj(
    {
        "artifacts": ANY,
        "bundle": BUNDLE,
        "environments": ANY,
        "experimental": ANY,
        "include": STRINGS,
        "permissions": permissions(GENERIC_LEVELS),
        "presets": ANY,
        "python": ANY,
        "resources": RESOURCES,
        "run_as": ANY,
        "scripts": ANY,
        "sync": SYNC,
        "targets": MapOf(TARGET),
        "variables": MapOf(VARIABLE),
        "workspace": WORKSPACE,
    },
    required=("bundle",),
)

# `${bundle.*}` and `${workspace.*}` references the CLI substitutes (bundle docs, "Substitutions").
BUNDLE_REFERENCES = frozenset(
    {
        "name",
        "target",
        "environment",
        "uuid",
        "git.origin_url",
        "git.branch",
        "git.commit",
        "git.actual_branch",
        "git.bundle_root_path",
    }
)
WORKSPACE_REFERENCES = frozenset(
    {
        "host",
        "profile",
        "root_path",
        "file_path",
        "artifact_path",
        "state_path",
        "resource_path",
        "current_user.userName",
        "current_user.short_name",
        "current_user.id",
        "current_user.displayName",
        "current_user.domain_friendly_name",
    }
)

# user_api_scopes. Databricks Apps docs, "Configure authorization in a Databricks app" (user
# authorization scopes an app may request), and the API scopes reference
# (docs.databricks.com/api/workspace/scopes) with its modifiers (docs "Narrow API scopes with
# scope modifiers": `:read` on any scope, `:restricted-query` on `sql` only).
APP_USER_SCOPES = frozenset(
    {
        "sql",
        "dashboards.genie",
        "files.files",
        "iam.access-control:read",
        "iam.current-user:read",
        "catalog.catalogs:read",
        "catalog.schemas:read",
        "catalog.tables:read",
        "serving.serving-endpoints",
    }
)
API_SCOPES = frozenset(
    {
        "access-management",
        "alerts",
        "apps",
        "dashboards",
        "model-serving",
        "model-serving-inference",
        "postgres",
        "sql",
        "unity-catalog",
    }
)
SQL_MODIFIERS = (":restricted-query", ":read:restricted-query")

# app.yaml (Databricks Apps docs, "Configure app execution with app.yaml"): `command` (a list of
# strings, not run in a shell) and `env` (each entry `name` with `value` or `valueFrom`, the key
# of an app resource).
APP_YAML_KEYS = ("command", "env")
APP_YAML_ENV_KEYS = ("name", "value", "valueFrom")

REFERENCE = re.compile(r"\$\{([^{}]*)\}")
REFERENCE_PATH = re.compile(r"^[A-Za-z][\w-]*(\[\d+\])*(\.[A-Za-z][\w-]*(\[\d+\])*)*$")
WHOLE_REFERENCE = re.compile(r"^\$\{[^{}]*\}$")
PROJECT_NAME = re.compile(r"^projects/[a-z][a-z0-9-]{0,62}$")
BRANCH_NAME = re.compile(r"^projects/[a-z][a-z0-9-]{0,62}/branches/[a-z][a-z0-9-]{0,62}$")
DATABASE_NAME = re.compile(
    r"^projects/[a-z][a-z0-9-]{0,62}/branches/[a-z][a-z0-9-]{0,62}/databases/[\w-]+$"
)

# ---------------------------------------------------------------------------------------------
# Checking


def child(path: str, key: object) -> str:
    """The path of a mapping key or sequence index below `path`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def describe(value: object) -> str:
    """A short rendering of a YAML value for a message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass
class Checker:
    """Walks a YAML value along a shape and collects `path: problem` lines."""

    partial: bool = False  # a target override: required fields may come from the top level
    problems: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        """Record one problem at `path`."""
        self.problems.append(f"{path or '(top level)'}: {message}")

    def check(self, value: Any, spec: Spec, path: str) -> None:
        """Check `value` against `spec`; a whole `${...}` value is resolved later."""
        if isinstance(value, str) and WHOLE_REFERENCE.match(value):
            return
        if isinstance(spec, Obj):
            self.check_object(value, spec, path)
        elif isinstance(spec, ListOf):
            self.check_list(value, spec, path)
        elif isinstance(spec, MapOf):
            self.check_map(value, spec, path)
        elif isinstance(spec, Enum):
            self.check_enum(value, spec, path)
        else:
            self.check_scalar(value, spec, path)

    def check_object(self, value: Any, spec: Obj, path: str) -> None:
        """A mapping with known fields, its required fields and its exclusive fields."""
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping, found {describe(value)}")
            return
        for key, item in value.items():
            if key in spec.fields:
                self.check(item, spec.fields[key], child(path, key))
            else:
                allowed = ", ".join(sorted(spec.fields))
                self.add(child(path, key), f"unknown field {key!r} (allowed: {allowed})")
        if self.partial:
            return
        for key in spec.required:
            if key not in value:
                self.add(path, f"missing required field {key!r}")
        if spec.one_of:
            present = [key for key in spec.one_of if key in value]
            if len(present) != 1:
                names = " / ".join(spec.one_of)
                found = ", ".join(present) or "none"
                self.add(path, f"exactly one of {names} is required (found: {found})")

    def check_list(self, value: Any, spec: ListOf, path: str) -> None:
        """A sequence of items of one shape."""
        if not isinstance(value, list):
            self.add(path, f"expected a list, found {describe(value)}")
            return
        for index, item in enumerate(value):
            self.check(item, spec.item, child(path, index))

    def check_map(self, value: Any, spec: MapOf, path: str) -> None:
        """A mapping with free keys."""
        if value is None:
            return
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping, found {describe(value)}")
            return
        for key, item in value.items():
            self.check(item, spec.value, child(path, key))

    def check_enum(self, value: Any, spec: Enum, path: str) -> None:
        """One of a closed set of strings."""
        if value not in spec.values:
            self.add(path, f"{describe(value)} is not one of {', '.join(spec.values)}")

    def check_scalar(self, value: Any, spec: Scalar, path: str) -> None:
        """A string, integer, number, boolean or duration."""
        ok = {
            "any": True,
            "string": isinstance(value, str),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
            "duration": isinstance(value, str) and bool(DURATION_FORMAT.match(value)),
        }[spec.kind]
        if not ok:
            expected = {"duration": 'a duration such as "300s"', "integer": "an integer"}.get(
                spec.kind, f"a {spec.kind}"
            )
            self.add(path, f"expected {expected}, found {describe(value)}")


# ---------------------------------------------------------------------------------------------
# Targets: each target is the top level with the target's overrides merged in (bundle docs,
# "targets": mappings merge key by key, sequences are appended, target values win).

TARGET_OVERRIDES = (
    "artifacts",
    "bundle",
    "permissions",
    "presets",
    "resources",
    "run_as",
    "sync",
    "workspace",
)


def merge(base: Any, override: Any) -> Any:
    """`override` merged into `base`."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(override, list):
        return base + override
    return override


def target_variables(
    declared: dict[str, Any], overrides: Any, path: str
) -> tuple[dict[str, Any], list[str]]:
    """The variables as one target sees them, and problems with the target's values."""
    variables: dict[str, Any] = {
        name: dict(spec) if isinstance(spec, dict) else spec for name, spec in declared.items()
    }
    problems: list[str] = []
    for name, value in (overrides or {}).items() if isinstance(overrides, dict) else ():
        if name not in variables:
            problems.append(f"{child(path, name)}: variable {name!r} is not declared in variables")
        elif isinstance(variables[name], dict):
            is_full = isinstance(value, dict) and ({"default", "lookup"} & set(value))
            variables[name].update(value if is_full else {"default": value})
    return variables, problems


def target_views(doc: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Each target's merged configuration (one unnamed view when there are no targets)."""
    base = {key: value for key, value in doc.items() if key != "targets"}
    targets = doc.get("targets")
    if not isinstance(targets, dict) or not targets:
        return {"": base}, []
    declared = base.get("variables") if isinstance(base.get("variables"), dict) else {}
    views: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for name, target in targets.items():
        target = target if isinstance(target, dict) else {}
        view = dict(base)
        for key in TARGET_OVERRIDES:
            if key in target:
                view[key] = merge(base.get(key), target[key])
        path = child(child("targets", name), "variables")
        view["variables"], found = target_variables(declared or {}, target.get("variables"), path)
        problems.extend(found)
        views[str(name)] = view
    return views, problems


# ---------------------------------------------------------------------------------------------
# References


def strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string below `value`, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, child(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, child(path, index))


def resource_reference_problem(parts: list[str], resources: dict[str, Any]) -> str | None:
    """Why `${resources.<type>.<key>.<field>}` does not name something deployed, if it does not."""
    if len(parts) < 3:
        return "must name a resource type, a resource key and a field"
    kind, key, name = parts[0], parts[1], parts[2]
    declared = resources.get(kind)
    if not isinstance(declared, dict) or key not in declared:
        return f"no resource {key!r} is declared under resources.{kind}"
    spec = CHECKED_RESOURCES.get(kind)
    if spec is None:
        return None
    known = set(spec.fields) | COMMON_OUTPUT_FIELDS | OUTPUT_FIELDS.get(kind, frozenset())
    if name not in known:
        return f"resources.{kind} have no field {name!r}"
    return None


def reference_problem(inner: str, view: dict[str, Any]) -> str | None:
    """Why the reference `${inner}` does not resolve in this target, if it does not."""
    if not REFERENCE_PATH.match(inner):
        return "is not a well-formed reference"
    parts = re.sub(r"\[\d+\]", "", inner).split(".")
    root, rest = parts[0], parts[1:]
    variables = view.get("variables") or {}
    resources = view.get("resources") if isinstance(view.get("resources"), dict) else {}
    if root == "var":
        return None if rest and rest[0] in variables else "names no declared variable"
    if root == "bundle":
        return None if ".".join(rest) in BUNDLE_REFERENCES else "names no bundle value"
    if root == "workspace":
        return None if ".".join(rest) in WORKSPACE_REFERENCES else "names no workspace value"
    if root == "resources":
        return resource_reference_problem(rest, resources or {})
    return f"unknown reference root {root!r} (known: var, bundle, workspace, resources)"


def check_references(view: dict[str, Any]) -> list[str]:
    """Every `${...}` in a target's configuration resolves; every variable has a value."""
    problems = []
    for path, text in strings(view, ""):
        for inner in REFERENCE.findall(text):
            why = reference_problem(inner, view)
            if why:
                problems.append(f"{path}: ${{{inner}}} {why}")
    for name, spec in (view.get("variables") or {}).items():
        if not isinstance(spec, dict) or not ({"default", "lookup"} & set(spec)):
            problems.append(
                f"{child('variables', name)}: no value (no default, lookup or target value)"
            )
    return problems


# ---------------------------------------------------------------------------------------------
# Rules beyond single fields


def items(view: dict[str, Any], kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The declared resources of one type, with their paths."""
    resources = view.get("resources")
    declared = resources.get(kind) if isinstance(resources, dict) else None
    for key, value in (declared or {}).items() if isinstance(declared, dict) else ():
        if isinstance(value, dict):
            yield child(child("resources", kind), key), value


def literal(value: Any) -> str | None:
    """`value` when it is a string without references (references are resolved separately)."""
    return value if isinstance(value, str) and "${" not in value else None


def check_name_format(value: Any, pattern: re.Pattern[str], path: str, shape: str) -> list[str]:
    """A literal Lakebase API resource name has its documented shape."""
    text = literal(value)
    if text is None or pattern.match(text):
        return []
    return [f"{path}: {describe(value)} is not a {shape} resource name"]


def check_scope(scope: Any, path: str) -> list[str]:
    """A `user_api_scopes` entry is a documented scope."""
    if not isinstance(scope, str) or scope in APP_USER_SCOPES:
        return []
    base, _, modifier = scope.partition(":")
    if base in API_SCOPES and modifier in ("", "read"):
        return []
    if base == "sql" and scope[len(base) :] in SQL_MODIFIERS:
        return []
    return [f"{path}: {scope!r} is not a documented Databricks Apps user authorization scope"]


def check_app(path: str, app: dict[str, Any]) -> list[str]:
    """App resource keys are unique, Lakebase names are well formed, scopes are documented."""
    problems = []
    seen: set[str] = set()
    resources = app.get("resources") if isinstance(app.get("resources"), list) else []
    for index, resource in enumerate(resources or []):
        where = child(child(path, "resources"), index)
        name = resource.get("name") if isinstance(resource, dict) else None
        if isinstance(name, str) and name in seen:
            problems.append(f"{where}.name: app resource name {name!r} is used twice")
        seen.add(str(name))
        postgres = resource.get("postgres") if isinstance(resource, dict) else None
        if isinstance(postgres, dict):
            problems += check_name_format(
                postgres.get("branch"), BRANCH_NAME, f"{where}.postgres.branch", "branch"
            )
            problems += check_name_format(
                postgres.get("database"), DATABASE_NAME, f"{where}.postgres.database", "database"
            )
    scopes = app.get("user_api_scopes")
    for index, scope in enumerate(scopes if isinstance(scopes, list) else []):
        problems += check_scope(scope, child(child(path, "user_api_scopes"), index))
    return problems


def seconds(value: Any) -> float | None:
    """The seconds of a literal duration such as "300s"."""
    text = literal(value)
    return float(text[:-1]) if text and DURATION_FORMAT.match(text) else None


def check_range(value: Any, low: float, high: float, path: str) -> list[str]:
    """A literal number or duration lies in [low, high]."""
    number = seconds(value) if isinstance(value, str) else value
    if not isinstance(number, int | float) or isinstance(number, bool) or low <= number <= high:
        return []
    bounds = "..".join(str(int(b)) if b == int(b) else str(b) for b in (low, high))
    return [f"{path}: {describe(value)} is outside {bounds}"]


def check_compute(settings: dict[str, Any], path: str) -> list[str]:
    """Compute unit limits and suspension of an endpoint or a project's endpoint defaults.

    PostgresEndpoint field descriptions: min >= 0.5, max <= 64, max - min <= 16; the suspend
    timeout lies in 60s..604800s and excludes no_suspension.
    """
    low, high = settings.get("autoscaling_limit_min_cu"), settings.get("autoscaling_limit_max_cu")
    problems = check_range(low, 0.5, 64, f"{path}.autoscaling_limit_min_cu")
    problems += check_range(high, 0.5, 64, f"{path}.autoscaling_limit_max_cu")
    if isinstance(low, int | float) and isinstance(high, int | float) and not 0 <= high - low <= 16:
        problems.append(
            f"{path}: autoscaling_limit_max_cu - autoscaling_limit_min_cu must lie in 0..16"
        )
    timeout = settings.get("suspend_timeout_duration")
    problems += check_range(timeout, 60, 604800, f"{path}.suspend_timeout_duration")
    if timeout is not None and "no_suspension" in settings:
        problems.append(f"{path}: no_suspension and suspend_timeout_duration exclude each other")
    return problems


def check_id(value: Any, path: str) -> list[str]:
    """A literal project, branch or endpoint id is 1-63 lowercase letters, digits, hyphens."""
    text = literal(value)
    if text is None or re.match(r"^[a-z][a-z0-9-]{0,62}$", text):
        return []
    return [
        f"{path}: {describe(value)} must be 1-63 lowercase letters, digits or hyphens, "
        "starting with a letter"
    ]


def check_postgres(view: dict[str, Any]) -> list[str]:
    """Lakebase Autoscaling ids, parents, compute limits, retention and expiration."""
    problems = []
    for path, project in items(view, "postgres_projects"):
        problems += check_id(project.get("project_id"), f"{path}.project_id")
        defaults = project.get("default_endpoint_settings")
        problems += (
            check_compute(defaults, f"{path}.default_endpoint_settings")
            if isinstance(defaults, dict)
            else []
        )
        # PostgresProject.history_retention_duration description: 2 to 35 days.
        problems += check_range(
            project.get("history_retention_duration"),
            172800,
            3024000,
            f"{path}.history_retention_duration",
        )
    for path, branch in items(view, "postgres_branches"):
        problems += check_id(branch.get("branch_id"), f"{path}.branch_id")
        problems += check_name_format(
            branch.get("parent"), PROJECT_NAME, f"{path}.parent", "project"
        )
        if branch.get("no_expiry") is False:
            problems.append(f"{path}.no_expiry: false is invalid; set ttl or expire_time instead")
    for path, endpoint in items(view, "postgres_endpoints"):
        problems += check_id(endpoint.get("endpoint_id"), f"{path}.endpoint_id")
        problems += check_name_format(
            endpoint.get("parent"), BRANCH_NAME, f"{path}.parent", "branch"
        )
        problems += check_compute(endpoint, path)
    return problems


def check_rules(view: dict[str, Any]) -> list[str]:
    """Rules that tie fields together or constrain a string's format."""
    problems = []
    for path, warehouse in items(view, "sql_warehouses"):
        # SqlWarehouse.warehouse_type description: serverless compute needs PRO.
        kind = warehouse.get("warehouse_type")
        wrong_kind = kind is None or literal(kind) not in (None, "PRO")
        if warehouse.get("enable_serverless_compute") is True and wrong_kind:
            problems.append(f"{path}.warehouse_type: serverless compute needs warehouse_type PRO")
    for path, app in items(view, "apps"):
        problems += check_app(path, app)
    return problems + check_postgres(view)


def check_targets(doc: dict[str, Any]) -> list[str]:
    """Target overrides have known fields and at most one target is the default."""
    checker = Checker(partial=True)
    checker.check(doc.get("targets"), MapOf(TARGET), "targets")
    targets = doc.get("targets") if isinstance(doc.get("targets"), dict) else {}
    defaults = [
        name for name, t in (targets or {}).items() if isinstance(t, dict) and t.get("default")
    ]
    if len(defaults) > 1:
        checker.add("targets", f"more than one default target: {', '.join(map(str, defaults))}")
    return checker.problems


def validate_view(view: dict[str, Any]) -> list[str]:
    """Every check that depends on a target's merged configuration."""
    checker = Checker()
    checker.check(view, ROOT, "")
    return checker.problems + check_rules(view) + check_references(view)


def validate_bundle(doc: dict[str, Any]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Problems in a parsed `databricks.yml`, and each target's merged configuration."""
    views, problems = target_views(doc)
    problems = check_targets(doc) + problems
    by_problem: dict[str, list[str]] = {}
    for name, view in views.items():
        for problem in validate_view(view):
            by_problem.setdefault(problem, []).append(name)
    for problem, names in by_problem.items():
        scope = "" if len(names) == len(views) else f" (target {', '.join(names)})"
        problems.append(problem + scope)
    return problems, views


# ---------------------------------------------------------------------------------------------
# app.yaml


def app_resource_names(view: dict[str, Any]) -> set[str]:
    """The resource keys of every app in a target's configuration."""
    names = set()
    for _, app in items(view, "apps"):
        resources = app.get("resources")
        for resource in resources if isinstance(resources, list) else []:
            if isinstance(resource, dict) and isinstance(resource.get("name"), str):
                names.add(resource["name"])
    return names


def check_env_entry(entry: Any, path: str) -> list[str]:
    """One `env` entry: a name and exactly one of a string value or a resource key."""
    if not isinstance(entry, dict):
        return [f"{path}: expected a mapping with name and value or valueFrom"]
    problems = [
        f"{child(path, key)}: unknown field {key!r}"
        for key in entry
        if key not in APP_YAML_ENV_KEYS
    ]
    if not isinstance(entry.get("name"), str) or not entry.get("name"):
        problems.append(f"{path}: missing name")
    sources = [key for key in ("value", "valueFrom") if key in entry]
    if len(sources) != 1:
        problems.append(
            f"{path}: exactly one of value / valueFrom is required (found: {', '.join(sources) or 'none'})"
        )
    for key in sources:
        if not isinstance(entry[key], str):
            problems.append(
                f"{child(path, key)}: expected a string, found {describe(entry[key])} (quote it)"
            )
    return problems


def check_value_from(env: list[Any], views: dict[str, dict[str, Any]]) -> list[str]:
    """Every `valueFrom` names an app resource key declared in the bundle, in every target."""
    problems = []
    for index, entry in enumerate(env):
        key = entry.get("valueFrom") if isinstance(entry, dict) else None
        if not isinstance(key, str):
            continue
        missing = [name for name, view in views.items() if key not in app_resource_names(view)]
        if missing:
            scope = "" if len(missing) == len(views) else f" (target {', '.join(missing)})"
            problems.append(
                f"env[{index}].valueFrom: {key!r} is not the name of an app resource in the bundle{scope}"
            )
    return problems


def validate_app_yaml(doc: Any, views: dict[str, dict[str, Any]]) -> list[str]:
    """Problems in a parsed `app.yaml`, checked against the bundle's app resources."""
    if not isinstance(doc, dict):
        return ["(top level): expected a mapping with command and env"]
    problems = [
        f"{key}: unknown field {key!r} (allowed: command, env)"
        for key in doc
        if key not in APP_YAML_KEYS
    ]
    command = doc.get("command")
    if "command" in doc and (
        not isinstance(command, list)
        or not command
        or not all(isinstance(part, str) and part for part in command)
    ):
        problems.append(f"command: expected a non-empty list of strings, found {describe(command)}")
    env = doc.get("env", [])
    if not isinstance(env, list):
        return [*problems, f"env: expected a list, found {describe(env)}"]
    names = [entry.get("name") for entry in env if isinstance(entry, dict)]
    for index, entry in enumerate(env):
        problems += check_env_entry(entry, f"env[{index}]")
    problems += [
        f"env: {name!r} is set more than once"
        for name in sorted({n for n in names if isinstance(n, str) and names.count(n) > 1})
    ]
    return problems + check_value_from(env, views)


# ---------------------------------------------------------------------------------------------
# Files


class StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a mapping with the same key twice."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        """The mapping, or an error naming the repeated key."""
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        for key in keys:
            if keys.count(key) > 1:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", node.start_mark
                )
        return dict(super().construct_mapping(node, deep=deep))


MAX_NODES = 100_000


def too_large(doc: Any) -> bool:
    """Whether the document, with its aliases expanded, has more than MAX_NODES values.

    A recursive alias expands without end and an alias bomb expands exponentially: both are cut
    off here before anything walks the document.
    """
    stack, count = [doc], 0
    while stack and count <= MAX_NODES:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count > MAX_NODES


def load(path: Path) -> tuple[Any, str | None]:
    """The parsed YAML document, or why it could not be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read: {getattr(exc, 'strerror', None) or exc}"
    try:
        doc = yaml.load(text, Loader=StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        return None, "not valid YAML: " + " ".join(str(exc).split())
    if too_large(doc):
        return (
            None,
            f"more than {MAX_NODES} values once aliases are expanded (or a recursive alias)",
        )
    return doc, None


def validate(bundle_path: Path, app_path: Path) -> tuple[list[str], str]:
    """Problem lines (`file: path: problem`) for both files, and the summary line."""
    bundle, error = load(bundle_path)
    if error or not isinstance(bundle, dict):
        return [f"{bundle_path}: {error or 'expected a mapping at the top level'}"], ""
    bundle_problems, views = validate_bundle(bundle)
    problems = [f"{bundle_path}: {problem}" for problem in bundle_problems]
    app, error = load(app_path)
    app_problems = [error] if error else validate_app_yaml(app, views)
    problems += [f"{app_path}: {problem}" for problem in app_problems]
    resources = sum(
        len(group) for group in (bundle.get("resources") or {}).values() if isinstance(group, dict)
    )
    env = len(app.get("env") or []) if isinstance(app, dict) else 0
    targets = ", ".join(name for name in views if name) or "no targets"
    summary = (
        f"bundle valid: {bundle_path} ({resources} resources; targets {targets}) and "
        f"{app_path} ({env} env entries)"
    )
    return problems, summary


def main(argv: list[str] | None = None) -> int:
    """Validate the files; print the summary or one line per problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bundle", type=Path, default=Path("databricks.yml"))
    parser.add_argument("--app", type=Path, default=Path("app.yaml"))
    args = parser.parse_args(argv)
    problems, summary = validate(args.bundle, args.app)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
