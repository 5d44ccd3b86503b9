"""Mutation testing of the security-critical modules (`make mutation`).

    python -m scripts.mutation [--max-children N] [--no-run]

Runs mutmut 3 (configured in pyproject.toml, `[tool.mutmut]`): every mutant of the modules in
`only_mutate` runs only against the tests in `pytest_add_cli_args_test_selection` that reach the
mutated function. Then prints `mutation score: N% (module)` per module, lists the survivors with
the line each one changed, and writes test-output/mutation.json.

Equivalent mutants (no behaviour change is possible) are listed with their reason in
config/mutation.toml and not counted. Each entry names the line the mutant changed, so an entry
that no longer matches its mutant (the code moved) fails the run instead of hiding a survivor.

Exit 0 when every module reaches `--threshold` percent, 1 otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "config" / "mutation.toml"
REPORT = ROOT / "test-output" / "mutation.json"
LOG = ROOT / "test-output" / "mutation.log"

# mutmut's exit codes (mutmut/stats.py): a failing test run, a pytest internal error, a timeout and
# a type-check rejection all mean some check noticed the mutant.
KILLED = {1, 3, 24, -24, 36, 37, 152, 255}
SURVIVED = {0, 5, 33}  # passed, or no test reaches the function at all
SKIPPED = {34}


@dataclass
class Mutant:
    """One mutant's verdict and the line it changed."""

    name: str
    status: str
    change: str
    reason: str | None = None


@dataclass
class ModuleScore:
    """Killed / counted for one module (equivalent and skipped mutants are not counted)."""

    module: str
    killed: int = 0
    counted: int = 0
    equivalent: int = 0
    skipped: int = 0
    survivors: list[Mutant] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Percent killed of the counted mutants (100 when nothing is counted)."""
        return 100.0 * self.killed / self.counted if self.counted else 100.0


def mutmut_config() -> dict[str, Any]:
    """The `[tool.mutmut]` table of pyproject.toml."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    table: dict[str, Any] = data["tool"]["mutmut"]
    return table


def load_equivalents(path: Path = EQUIVALENTS) -> dict[str, dict[str, str]]:
    """`{mutant name: {"change": ..., "reason": ...}}` from config/mutation.toml."""
    if not path.exists():
        return {}
    entries = tomllib.loads(path.read_text()).get("equivalent", [])
    return {e["mutant"]: {"change": e["change"], "reason": e["reason"]} for e in entries}


def changed_lines(mutated_source: list[str], spans: dict[str, list[int]], name: str) -> str:
    """The lines the mutant `name` (a `x_func__mutmut_N` key) changed in its function."""
    function = name.rsplit("__mutmut_", 1)[0]
    start, end = spans[name]
    o_start, o_end = spans[f"{function}__mutmut_orig"]
    mutant = [line.replace(name, function) for line in mutated_source[start:end]]
    original = [
        line.replace(f"{function}__mutmut_orig", function) for line in mutated_source[o_start:o_end]
    ]
    diff = difflib.unified_diff(original, mutant, lineterm="", n=0)
    return " | ".join(
        f"{line[0]}{line[1:].strip()}"
        for line in diff
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )


def classify(code: int | None) -> str:
    """killed, survived, skipped or not checked."""
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in SKIPPED:
        return "skipped"
    return "not checked" if code is None else "suspicious"


def score_module(module: str, equivalents: dict[str, dict[str, str]]) -> ModuleScore:
    """The verdicts mutmut stored for one module, with equivalent mutants set aside."""
    meta = json.loads((MUTANTS / f"{module}.meta").read_text())["exit_code_by_key"]
    spans = json.loads((MUTANTS / f"{module}.spans").read_text())["spans"]
    source = (MUTANTS / module).read_text().splitlines()
    result = ModuleScore(module)
    prefix = module.removesuffix(".py").replace("/", ".") + "."
    for key, code in sorted(meta.items()):
        short = key.removeprefix(prefix)
        change = changed_lines(source, spans, short)
        status = classify(code)
        if status == "skipped":
            result.skipped += 1
            continue
        equivalent = equivalents.get(key)
        if equivalent is not None:
            if equivalent["change"] != change:
                raise SystemExit(
                    f"config/mutation.toml: {key} now changes {change!r}, not "
                    f"{equivalent['change']!r}; re-check that entry"
                )
            result.equivalent += 1
            continue
        result.counted += 1
        if status == "killed":
            result.killed += 1
        else:
            result.survivors.append(Mutant(key, status, change))
    return result


def run_mutmut(max_children: int) -> None:
    """`mutmut run` from a clean mutants/ (its progress goes to test-output/mutation.log)."""
    shutil.rmtree(MUTANTS, ignore_errors=True)
    LOG.parent.mkdir(exist_ok=True)
    mutmut = Path(sys.executable).parent / "mutmut"
    with LOG.open("w") as log:
        done = subprocess.run(
            [str(mutmut), "run", "--max-children", str(max_children)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"mutmut run failed ({done.returncode}); see {LOG}")


def main(argv: list[str] | None = None) -> int:
    """Run mutmut, score each module, write the report; 1 when a module is under the threshold."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threshold", type=float, default=90.0)
    parser.add_argument("--no-run", action="store_true", help="score the existing mutants/")
    args = parser.parse_args(argv)
    if not args.no_run:
        run_mutmut(args.max_children)
    equivalents = load_equivalents()
    scores = [score_module(m, equivalents) for m in mutmut_config()["only_mutate"]]
    for s in scores:
        for mutant in s.survivors:
            print(f"  {mutant.status}: {mutant.name}: {mutant.change}")
    for s in scores:
        print(
            f"mutation score: {s.score:.0f}% ({s.module}) "
            f"killed {s.killed}/{s.counted}, {s.equivalent} equivalent"
        )
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            [{**asdict(s), "score": round(s.score, 1)} for s in scores], indent=2, sort_keys=True
        )
    )
    return 0 if all(s.score >= args.threshold for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
