"""Timing helpers and the report every benchmark adds its figures to (printed, and written to
test-output/bench.json). The machine is shared, so figures that are compared are measured
interleaved in the same run, and ratios are the result rather than absolute times."""

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

Trial = Callable[[], object]


def percentile(samples: list[float], fraction: float) -> float:
    """The `fraction` quantile (nearest rank) of `samples`."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


@dataclass
class Series:
    """Milliseconds of one kind of call."""

    label: str
    samples: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        """Median."""
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        """95th percentile."""
        return percentile(self.samples, 0.95)


def interleaved(trials: dict[str, Trial], rounds: int, warmup: int = 3) -> dict[str, Series]:
    """Run each trial once per round, in turn, and time every call."""
    series = {label: Series(label) for label in trials}
    for index in range(warmup + rounds):
        for label, trial in trials.items():
            started = time.perf_counter()
            trial()
            if index >= warmup:
                series[label].samples.append((time.perf_counter() - started) * 1000)
    return series


@dataclass
class Figure:
    """One line of the report: a measured value against its goal."""

    name: str
    value: float
    unit: str
    goal: str
    met: bool | None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    """Every figure of one `make bench` run."""

    figures: list[Figure] = field(default_factory=list)

    def add(
        self,
        name: str,
        value: float,
        unit: str,
        goal: str = "",
        met: bool | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Record a figure and print it at once (a long run shows progress)."""
        figure = Figure(name, round(value, 3), unit, goal, met, detail or {})
        self.figures.append(figure)
        print(_line(figure), flush=True)

    def compare(self, name: str, base: Series, candidate: Series, goal: str = "") -> None:
        """Record two series side by side: p50/p95 each and the p50 ratio base / candidate."""
        self.add(
            name,
            base.p50 / candidate.p50,
            "x",
            goal,
            None,
            _series(base) | _series(candidate),
        )

    def write(self, path: Path) -> None:
        """The figures as JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps([asdict(f) for f in self.figures], indent=2) + "\n")

    def table(self) -> str:
        """Every figure, one a line."""
        return "\n".join(_line(f) for f in self.figures)


def _series(series: Series) -> dict[str, float]:
    return {
        f"{series.label} p50 ms": round(series.p50, 3),
        f"{series.label} p95 ms": round(series.p95, 3),
    }


def _line(figure: Figure) -> str:
    verdict = {True: "met", False: "NOT MET", None: ""}[figure.met]
    detail = ", ".join(f"{k} {v}" for k, v in figure.detail.items())
    goal = f"goal {figure.goal} {verdict}".strip() if figure.goal else ""
    return f"{figure.name:<64} {figure.value:>10.3f} {figure.unit:<3} {goal:<22} {detail}"
