"""How many CPUs this process may use: the CPUs it may run on, capped by a cgroup CPU quota.

`os.cpu_count()` counts the host's CPUs; a container on a 64-core host limited to 2 CPUs by its
cgroup must count 2. The quota is read from cgroup v2 (`cpu.max`: "<quota> <period>" or
"max <period>") or cgroup v1 (`cpu.cfs_quota_us`, -1 for none, and `cpu.cfs_period_us`), and a
fraction of a CPU counts as a whole one (1.5 CPUs → 2).
"""

import math
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
_V1_FOLDERS = ("cpu", "cpu,cpuacct", ".")


def _cpus_of_quota(quota: str, period: str) -> int | None:
    if quota in ("max", "-1"):
        return None
    quota_us, period_us = int(quota), int(period)
    if quota_us <= 0 or period_us <= 0:
        return None
    return math.ceil(quota_us / period_us)


def cgroup_cpu_limit(root: Path = CGROUP_ROOT) -> int | None:
    """CPUs allowed by the cgroup quota under `root` (rounded up), or None without a quota."""
    try:
        v2 = root / "cpu.max"
        if v2.is_file():
            quota, period = v2.read_text().split()[:2]
            return _cpus_of_quota(quota, period)
        for folder in (root / name for name in _V1_FOLDERS):
            if (folder / "cpu.cfs_quota_us").is_file():
                return _cpus_of_quota(
                    (folder / "cpu.cfs_quota_us").read_text().strip(),
                    (folder / "cpu.cfs_period_us").read_text().strip(),
                )
    except (OSError, ValueError):
        return None
    return None


def _schedulable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no CPU affinity
        return os.cpu_count() or 1


def available_cpus(cgroup_root: Path = CGROUP_ROOT) -> int:
    """The CPUs this process may use: its CPU affinity, capped by its cgroup's quota; at least 1."""
    cpus = _schedulable_cpus()
    limit = cgroup_cpu_limit(cgroup_root)
    return max(1, min(cpus, limit) if limit is not None else cpus)
