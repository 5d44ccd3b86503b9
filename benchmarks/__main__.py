"""Benchmarks: `make bench`. Each compares two ways of doing one thing in the same run and prints
medians and their ratio (the machine is shared, so ratios, not absolute times, are the result)."""

import statistics
import time
from collections.abc import Callable

from benchmarks import chat_stream, identity_check, lakebase_tokens, uc_paging

Trial = Callable[[], object]


def compare(
    name: str, baseline: tuple[str, Trial], candidate: tuple[str, Trial], rounds: int
) -> None:
    """Interleave the two trials `rounds` times and print medians and the speed-up."""
    timings: dict[str, list[float]] = {baseline[0]: [], candidate[0]: []}
    for _ in range(rounds):
        for label, trial in (baseline, candidate):
            started = time.perf_counter()
            trial()
            timings[label].append((time.perf_counter() - started) * 1000)
    base = statistics.median(timings[baseline[0]])
    cand = statistics.median(timings[candidate[0]])
    print(f"\n{name} ({rounds} rounds, interleaved)")
    print(f"  {baseline[0]:<44} median {base:9.2f} ms")
    print(f"  {candidate[0]:<44} median {cand:9.2f} ms")
    print(f"  speed-up: {base / cand:.2f}x")


def main() -> None:
    """Run every benchmark."""
    uc_paging.run(compare)
    lakebase_tokens.run(compare)
    identity_check.run(compare)
    chat_stream.run()


if __name__ == "__main__":
    main()
