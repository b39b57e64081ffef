"""Wall time of the whole experiment suite: SED-ML regeneration check, execution, scorecard (prints a table)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from necro_sbml.sedml import evaluate_all, load_catalogue, load_expectations, run_experiments, stale, summary, write_outputs


def timed(label: str, rows: list[tuple[str, float]], func, *args, **kwargs):
    """Run func, record its wall time under label, return its result."""
    start = time.perf_counter()
    result = func(*args, **kwargs)
    rows.append((label, time.perf_counter() - start))
    return result


def main() -> None:
    """Time each stage of `necro-sbml check` and print a Markdown table."""
    rows: list[tuple[str, float]] = []
    experiments = list(load_catalogue().values())
    timed("SED-ML up-to-date check (regenerate in memory)", rows, stale)
    results = timed(f"execute {len(experiments)} experiments", rows, run_experiments, experiments, None)
    outcomes = timed("evaluate expectations", rows, evaluate_all, results, load_expectations())
    with tempfile.TemporaryDirectory() as tmp:
        timed("write reports (CSV) and plots (PNG)", rows, lambda: [write_outputs(r, Path(tmp) / k) for k, r in results.items()])
    passed, failed, limited = summary(outcomes)
    print("| stage | seconds |\n|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} |")
    print(f"| **total** | **{sum(s for _, s in rows):.2f}** |")
    print(f"\nscorecard: {passed} pass, {failed} fail, {limited} known limitations")


if __name__ == "__main__":
    main()
