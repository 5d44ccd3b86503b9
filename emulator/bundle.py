"""Read a Databricks Asset Bundle (`databricks.yml`) and the app's `app.yaml` the way a deploy does.

Only what the emulator provisions is interpreted: variables (defaults, then the target's values),
`${bundle.*}`, `${var.*}` and, once resources exist, `${resources.<type>.<key>.<field>}`.
Reference syntax follows the Databricks docs page "Substitutions and variables in Databricks Asset
Bundles"; the resource shapes follow the bundle JSON schema of the Databricks CLI.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_REFERENCE = re.compile(r"\$\{([^}]+)\}")


class BundleError(ValueError):
    """The bundle cannot be deployed as written (what `databricks bundle deploy` would refuse)."""


@dataclass(frozen=True)
class Bundle:
    """One target of a bundle, with bundle-level and variable references substituted."""

    name: str
    target: str
    resources: dict[str, dict[str, dict[str, Any]]]
    app_yaml: dict[str, Any]

    def only_app(self) -> tuple[str, dict[str, Any]]:
        """The bundle's single app (key, definition)."""
        apps = self.resources.get("apps", {})
        if len(apps) != 1:
            raise BundleError(f"expected exactly one app resource, found {len(apps)}")
        return next(iter(apps.items()))


def substitute(value: Any, lookup: Callable[[str], Any]) -> Any:
    """`value` with every `${path}` replaced by `lookup(path)`, recursively through lists and
    mappings. A string that is exactly one reference takes the referenced value's type."""
    if isinstance(value, dict):
        return {k: substitute(v, lookup) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, lookup) for v in value]
    if not isinstance(value, str):
        return value
    whole = _REFERENCE.fullmatch(value)
    if whole:
        return lookup(whole.group(1))
    return _REFERENCE.sub(lambda m: str(lookup(m.group(1))), value)


def _variables(
    document: dict[str, Any], target: dict[str, Any], overrides: dict[str, str]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, spec in (document.get("variables") or {}).items():
        if isinstance(spec, dict) and "default" in spec:
            values[name] = spec["default"]
    values.update(target.get("variables") or {})
    values.update(overrides)
    missing = [n for n in (document.get("variables") or {}) if n not in values]
    if missing:
        raise BundleError(f"no value for variable {missing[0]}")
    return values


def _bundle_lookup(name: str, target: str, variables: dict[str, Any]) -> Callable[[str], Any]:
    def lookup(path: str) -> Any:
        if path == "bundle.name":
            return name
        if path == "bundle.target":
            return target
        if path.startswith("var."):
            if path[4:] not in variables:
                raise BundleError(f"reference to undeclared variable ${{{path}}}")
            return variables[path[4:]]
        return "${" + path + "}"  # resolved once the resources exist

    return lookup


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_bundle(
    bundle_file: Path, target: str | None = None, overrides: dict[str, str] | None = None
) -> Bundle:
    """The bundle in `bundle_file` for `target` (the default target when None) and variable
    `overrides` (`--var name=value`), with the app's `app.yaml` from its `source_code_path`."""
    document = yaml.safe_load(bundle_file.read_text()) or {}
    targets = document.get("targets") or {}
    if target is None:
        defaults = [n for n, t in targets.items() if (t or {}).get("default")]
        target = defaults[0] if defaults else next(iter(targets), "default")
    if targets and target not in targets:
        raise BundleError(f"target {target} is not defined")
    target_doc = targets.get(target) or {}
    name = str((document.get("bundle") or {}).get("name", ""))
    variables = _variables(document, target_doc, overrides or {})
    lookup = _bundle_lookup(name, target, variables)
    variables = {k: substitute(v, lookup) for k, v in variables.items()}
    lookup = _bundle_lookup(name, target, variables)
    resources = _merge(document.get("resources") or {}, target_doc.get("resources") or {})
    resources = substitute(resources, lookup)
    bundle = Bundle(name, target, resources, {})
    _, app = bundle.only_app()
    source = bundle_file.parent / str(app.get("source_code_path", "."))
    app_yaml_file = source / "app.yaml"
    app_yaml = yaml.safe_load(app_yaml_file.read_text()) if app_yaml_file.exists() else {}
    return Bundle(name, target, resources, app_yaml or {})
