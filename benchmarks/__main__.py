"""Benchmarks: `make bench`. Prints every figure as it is measured, then the whole table, and
writes test-output/bench.json. Figures that are compared are measured interleaved in one run."""

import sys

from benchmarks import (
    api_overhead,
    chat_stream,
    databricks_latency,
    grid_render,
    identity_check,
    lakebase_tokens,
    paging_scale,
    sql_guard,
    telemetry,
    workers_throughput,
)
from benchmarks.stats import Report
from server.config import PROJECT_ROOT

OUTPUT = PROJECT_ROOT / "test-output" / "bench.json"


def main() -> None:
    """Run every benchmark (or those named on the command line)."""
    suites = {
        "api": api_overhead.run,
        "paging": paging_scale.run,
        "databricks": databricks_latency.run,
        "lakebase": lakebase_tokens.run,
        "identity": identity_check.run,
        "chat": chat_stream.run,
        "grid": grid_render.run,
        "telemetry": telemetry.run,
        "sql": sql_guard.run,
        "workers": workers_throughput.run,
    }
    chosen = sys.argv[1:] or list(suites)
    report = Report()
    for name in chosen:
        print(f"\n== {name}", flush=True)
        suites[name](report)
    print("\n== every figure\n" + report.table())
    report.write(OUTPUT)
    print(f"\nwritten to {OUTPUT.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
