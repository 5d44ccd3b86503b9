"""WEB_CONCURRENCY and the CPUs it defaults to: cgroup quotas (v2 and v1) cap the CPUs counted."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from server.config import MAX_WORKERS, Settings, describe_validation_error
from server.cpus import available_cpus, cgroup_cpu_limit

DATABRICKS = {
    "APP_MODE": "databricks",
    "DATABRICKS_HOST": "https://workspace.example.com",
    "DATABRICKS_WAREHOUSE_ID": "abc123",
    "DATABASE_URL": "postgresql://app@db.example.com/app",
}


def _cgroup_v2(root: Path, cpu_max: str) -> Path:
    root.mkdir(exist_ok=True)
    (root / "cpu.max").write_text(cpu_max + "\n")
    return root


def _cgroup_v1(root: Path, quota: str, period: str, folder: str = "cpu") -> Path:
    (root / folder).mkdir(parents=True)
    (root / folder / "cpu.cfs_quota_us").write_text(quota + "\n")
    (root / folder / "cpu.cfs_period_us").write_text(period + "\n")
    return root


@pytest.mark.parametrize(
    ("cpu_max", "cpus"),
    [("200000 100000", 2), ("150000 100000", 2), ("50000 100000", 1), ("400000 50000", 8)],
)
def test_a_cgroup_v2_quota_counts_whole_cpus_rounded_up(
    tmp_path: Path, cpu_max: str, cpus: int
) -> None:
    assert cgroup_cpu_limit(_cgroup_v2(tmp_path, cpu_max)) == cpus


def test_a_cgroup_v1_quota_counts_too(tmp_path: Path) -> None:
    assert cgroup_cpu_limit(_cgroup_v1(tmp_path, "250000", "100000")) == 3
    combined = _cgroup_v1(tmp_path / "combined", "100000", "100000", folder="cpu,cpuacct")
    assert cgroup_cpu_limit(combined) == 1


@pytest.mark.parametrize(
    "root_of",
    [
        lambda root: _cgroup_v2(root, "max 100000"),
        lambda root: _cgroup_v1(root, "-1", "100000"),
        lambda root: root,  # no cgroup files at all (macOS, or an unmounted cgroup)
        lambda root: _cgroup_v2(root, "garbage"),
    ],
    ids=["v2 max", "v1 -1", "no files", "unreadable"],
)
def test_no_quota_means_no_limit(tmp_path: Path, root_of: Callable[[Path], Path]) -> None:
    assert cgroup_cpu_limit(root_of(tmp_path)) is None


def test_available_cpus_is_the_affinity_capped_by_the_quota(tmp_path: Path) -> None:
    schedulable = len(os.sched_getaffinity(0))
    assert available_cpus(_cgroup_v2(tmp_path / "one", "100000 100000")) == 1
    assert available_cpus(_cgroup_v2(tmp_path / "many", "6400000 100000")) == schedulable
    assert available_cpus(tmp_path / "none") == schedulable


@pytest.mark.parametrize("environment", [{}, DATABRICKS])
def test_one_worker_unless_told(environment: dict[str, str]) -> None:
    assert Settings.from_environment(environment).workers == 1
    assert Settings.from_environment({**environment, "WEB_CONCURRENCY": "3"}).workers == 3


def test_auto_runs_one_worker_per_available_cpu() -> None:
    workers = Settings.from_environment({**DATABRICKS, "WEB_CONCURRENCY": "auto"}).workers
    assert workers == min(available_cpus(), MAX_WORKERS)


@pytest.mark.parametrize("value", ["0", "-2", str(MAX_WORKERS + 1), "many"])
def test_a_bad_web_concurrency_is_named(value: str) -> None:
    with pytest.raises(ValidationError) as error:
        Settings.from_environment({"WEB_CONCURRENCY": value})
    assert describe_validation_error(error.value).startswith(
        "configuration error: WEB_CONCURRENCY: "
    )
