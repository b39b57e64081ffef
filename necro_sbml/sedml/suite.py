"""Run catalogue experiments: execute each SED-ML file and write its reports and plots atomically."""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TextIO

from necro_sbml.core.atomic import atomic_output_dir
from necro_sbml.sedml.catalogue import Experiment, load_catalogue, select
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.limits import DEFAULT_MAX_STEPS
from necro_sbml.sedml.execute import SedResult, execute, plot_specs, render_plot, write_reports
from necro_sbml.sedml.instances import InstancePool


def progress_line(i: int, n: int, label: str, stream: TextIO) -> None:
    """A one-line progress counter on stderr, e.g. `[ 3/25] ko_ripk3`."""
    width = len(str(n))
    bar = "#" * (20 * i // n)
    print(f"[{i:>{width}}/{n}] [{bar:<20}] {label}", file=stream, flush=True)


def run_experiments(experiments: list[Experiment], progress: TextIO | None = sys.stderr,
                    max_steps: int = DEFAULT_MAX_STEPS) -> dict[str, SedResult]:
    """Execute the experiments' SED-ML files in order (each SBML file loaded once); results by experiment id."""
    results, pool = {}, InstancePool()
    for i, exp in enumerate(experiments, start=1):
        if progress is not None:
            progress_line(i, len(experiments), exp.id, progress)
        if not exp.path.is_file():
            raise NecroSbmlError("SED-ML file missing", file=exp.path, id=exp.id, fix="run `necro-sbml experiments`")
        results[exp.id] = execute(exp.path, pool, max_steps=max_steps)
    return results


MIN_POOLED_PLOTS = 8  # below this, starting worker processes costs more than rendering here


def plot_workers() -> int:
    """Processes that render plots: the machine's cores, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def _plot_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a fresh single-threaded server with the renderer preloaded (forking this process, which
    may hold solver, Dask or JIT threads, can deadlock)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["necro_sbml.sedml.execute", "matplotlib.figure"])
    return context


def write_results(results: dict[str, SedResult], out_dir: Path, plots: bool = True, workers: int | None = None) -> dict[str, list[Path]]:
    """Write out_dir/<id>/*.csv and, with plots, *.png (rendered in a process pool); files written, by experiment."""
    written = {exp_id: write_reports(result, out_dir / exp_id) for exp_id, result in results.items()}
    jobs = [(exp_id, spec) for exp_id, result in results.items() for spec in (plot_specs(result) if plots else [])]
    workers = plot_workers() if workers is None else workers
    specs = [spec for _, spec in jobs]
    if workers > 1 and len(jobs) >= MIN_POOLED_PLOTS:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=_plot_context()) as pool:
            images = list(pool.map(render_plot, specs, chunksize=max(1, len(jobs) // (4 * workers))))
    else:
        images = [render_plot(spec) for spec in specs]
    for (exp_id, spec), png in zip(jobs, images):
        path = out_dir / exp_id / f"{spec.id}.png"
        path.write_bytes(png)
        written[exp_id].append(path)
    return written


def run_to_directory(ids: list[str], output: Path, progress: TextIO | None = sys.stderr, plots: bool = True,
                     max_steps: int = DEFAULT_MAX_STEPS) -> dict[str, SedResult]:
    """Run the named experiments ('all' or none = every one) and write output/<id>/*.csv|png atomically.

    Everything is computed before anything is written, so an error leaves earlier results intact.
    """
    experiments = select(ids, load_catalogue())
    results = run_experiments(experiments, progress, max_steps)
    with atomic_output_dir(output) as tmp:
        write_results(results, tmp, plots)
    return results
