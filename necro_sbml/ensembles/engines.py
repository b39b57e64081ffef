"""Execution engines for ensemble chunks: in-process, a local process pool, or Dask distributed."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import urlsplit
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TextIO

from necro_sbml.core.errors import NecroSbmlError

DASK_TIMEOUT = "3s"
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def check_workers(workers: int) -> int:
    """Workers must be a positive integer."""
    if int(workers) < 1:
        raise NecroSbmlError(f"bad number of workers {workers}", id="--workers", fix="give --workers 1 or more")
    return int(workers)


def check_scheduler(scheduler: str | None) -> None:
    """A Dask scheduler address must be reachable (checked before any output is touched); 'local' needs Dask."""
    if not scheduler:
        return
    if scheduler == "local":
        try:
            import dask.distributed  # noqa: F401, PLC0415
        except ImportError as err:
            raise NecroSbmlError("Dask is not installed", id="--scheduler", fix="pip install 'dask[distributed]'") from err
        return
    parts = urlsplit(scheduler if "://" in scheduler else f"tcp://{scheduler}")
    try:
        host, port = parts.hostname, parts.port
        with socket.create_connection((host or "", port or 8786), timeout=3):
            pass
    except (OSError, ValueError) as err:
        raise NecroSbmlError(f"cannot reach the Dask scheduler ({type(err).__name__})", id=scheduler[:80],
                             fix="start it (dask scheduler) and give its address, e.g. tcp://host:8786, or use --scheduler local") from None


def die_with_parent() -> None:
    """In a worker process: be killed when the parent dies, even by SIGKILL (Linux; elsewhere a no-op)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _start_worker(init: Callable | None, init_args: tuple) -> None:
    """Pool worker initializer: tie the worker's life to the parent, then run the user's initializer."""
    die_with_parent()
    if init is not None:
        init(*init_args)


def _serial(fn: Callable, jobs: Sequence, init: Callable | None, init_args: tuple) -> Iterator[Any]:
    """Run the jobs in this process, in order."""
    if init is not None:
        init(*init_args)
    for job in jobs:
        yield fn(job)


def _pool(fn: Callable, jobs: Sequence, workers: int, init: Callable | None, init_args: tuple) -> Iterator[Any]:
    """Run the jobs in a local process pool; each worker runs `init` once (loads and compiles the model)."""
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(init, init_args)) as pool:
        futures = [pool.submit(fn, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()


def dask_client(scheduler: str, workers: int) -> Any:
    """A Dask client: a LocalCluster of `workers` single-threaded processes for 'local', else the scheduler's address."""
    try:
        from dask.distributed import Client, LocalCluster  # noqa: PLC0415  (dask only when asked)
    except ImportError as err:
        raise NecroSbmlError("Dask is not installed", id="--scheduler", fix="pip install 'dask[distributed]'") from err
    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster)
    try:
        return Client(scheduler, timeout=DASK_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as err:
        raise NecroSbmlError(f"cannot reach the Dask scheduler: {err}", id=scheduler,
                             fix="start it (dask scheduler) and give its address, e.g. tcp://host:8786, or use --scheduler local") from err


def _dask(fn: Callable, jobs: Sequence, scheduler: str, workers: int, init: Callable | None, init_args: tuple) -> Iterator[Any]:
    """Run the jobs on a Dask cluster; each worker process runs `init` once before its first job."""
    from dask.distributed import as_completed as dask_completed  # noqa: PLC0415

    client = dask_client(scheduler, workers)
    try:
        if scheduler == "local":
            client.run(die_with_parent)
        if init is not None:
            client.run(init, *init_args)
        futures = client.map(fn, list(jobs), pure=False)
        for future in dask_completed(futures):
            yield future.result()
    finally:
        cluster = client.cluster if scheduler == "local" else None
        client.close()
        if cluster is not None:
            cluster.close()


def run_jobs(fn: Callable, jobs: Sequence, *, workers: int = 1, scheduler: str | None = None,
             init: Callable | None = None, init_args: tuple = ()) -> Iterator[Any]:
    """Results of fn(job) for every job, as they complete, on the chosen engine."""
    workers = check_workers(workers)
    if workers > 1 and len(jobs) < workers:
        print(f"warning: {workers} workers but only {len(jobs)} chunk(s) to run: {max(len(jobs), 1)} worker(s) will be busy "
              "(lower --chunk-size to split the work)", file=sys.stderr, flush=True)
    if scheduler:
        return _dask(fn, jobs, scheduler, workers, init, init_args)
    if workers == 1:
        return _serial(fn, jobs, init, init_args)
    return _pool(fn, jobs, workers, init, init_args)


def progress(done: int, total: int, label: str, stream: TextIO | None = sys.stderr) -> None:
    """A one-line progress counter, e.g. `[ensemble] 3/25 chunks (12 members failed)`."""
    if stream is not None:
        print(f"[{label}] {done}/{total}", file=stream, flush=True)
