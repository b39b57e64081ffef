"""Ensembles: every member of a sampled parameter cohort runs a study; results stream to Parquet chunks.

Member i's parameters derive only from (seed, i) (necro_sbml.ensembles.uncertainty.member_unit), so results do not
depend on the engine, the number of workers or the chunk size. Each chunk is written by the worker that ran it
(trajectories first, then the members file that marks the chunk finished), so the parent's memory stays flat
in N and `resume` skips finished chunks. A member whose integration fails is kept with its parameters and
the solver's message.
"""

from __future__ import annotations

import hashlib
import io
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from necro_sbml.core.atomic import write_bytes_atomic, write_text_atomic
from necro_sbml.ensembles.engines import check_scheduler, check_workers, progress, run_jobs
from necro_sbml.ensembles.rundir import fingerprint, run_directory
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.limits import MAX_MEMBERS
from necro_sbml.ensembles.members import MemberResult, MemberRunner, Study, quiet_solver_log
from necro_sbml.ensembles.uncertainty import Uncertainty
from necro_sbml.core.interface import TIME_UNIT, unit_of
from necro_sbml.core.plots import axis_label, honest_limits, is_fraction, legend_outside, png_bytes

DEFAULT_CHUNK = 50
QUANTILES = (0.05, 0.5, 0.95)
_RUNNERS: dict[str, MemberRunner] = {}


@dataclass(frozen=True)
class Chunk:
    """A block of members for one worker: [start, stop), their seed (or explicit quantile rows) and where to write."""

    index: int
    start: int
    stop: int
    seed: int
    directory: str
    study: Study
    uncertainty: Uncertainty
    units: np.ndarray | None = None  # rows of factor quantiles (sensitivity designs) instead of the seed
    fingerprint: str = ""  # of the run (run.json); stored in the members file, checked on resume


@dataclass(frozen=True)
class ChunkDone:
    """What a worker reports back: the chunk, its size and how many members failed."""

    index: int
    members: int
    failed: int


def _key(study: Study, unc: Uncertainty) -> str:
    """The cache key of a worker's runner."""
    return repr((study, unc))


def runner_for(study: Study, unc: Uncertainty) -> MemberRunner:
    """This process's runner for a study (the model is loaded and compiled once per process)."""
    key = _key(study, unc)
    if key not in _RUNNERS:
        quiet_solver_log()
        _RUNNERS.clear()
        _RUNNERS[key] = MemberRunner(study, unc)
    return _RUNNERS[key]


def init_worker(study: Study, unc: Uncertainty) -> None:
    """Worker initializer: load the model and prepare the study before the first chunk."""
    runner_for(study, unc)


def chunk_paths(directory: str | Path, index: int) -> tuple[Path, Path]:
    """The trajectory and members files of a chunk."""
    base = Path(directory)
    return base / f"trajectories-{index:05d}.parquet", base / f"members-{index:05d}.parquet"


def _parquet(table: pa.Table) -> bytes:
    """Parquet bytes of a table."""
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def trajectory_table(results: list[MemberResult], study: Study) -> pa.Table:
    """Long table of the successful members: member, condition, time, one column per output."""
    ok = [r for r in results if r.ok]
    n_cond, n_pts = len(study.conditions), study.points
    rows = len(ok) * n_cond * n_pts
    columns: dict[str, pa.Array] = {
        "member": pa.array(np.repeat([r.member for r in ok], n_cond * n_pts).astype(np.int64)),
        "condition": pa.DictionaryArray.from_arrays(
            pa.array(np.tile(np.repeat(np.arange(n_cond, dtype=np.int32), n_pts), len(ok))), pa.array(list(study.conditions))),
        "time": pa.array(np.tile(study.times, len(ok) * n_cond)),
    }
    data = np.concatenate([r.data.reshape(-1, len(study.outputs)) for r in ok]) if ok else np.empty((0, len(study.outputs)))
    for j, out in enumerate(study.outputs):
        columns[out] = pa.array(data[:rows, j])
    return pa.table(columns)


def members_table(results: list[MemberResult], unc: Uncertainty) -> pa.Table:
    """One row per member: index, ok, the solver's message and every parameter value."""
    columns = {"member": pa.array([r.member for r in results], pa.int64()), "ok": pa.array([r.ok for r in results]),
               "message": pa.array([r.message for r in results], pa.string())}
    for id_ in unc.ids:
        columns[id_] = pa.array([r.params[id_] for r in results], pa.float64())
    return pa.table(columns)


def run_chunk(chunk: Chunk) -> ChunkDone:
    """Run a chunk's members and write its two Parquet files (members last: it marks the chunk finished)."""
    runner = runner_for(chunk.study, chunk.uncertainty)
    results = []
    for k, member in enumerate(range(chunk.start, chunk.stop)):
        if chunk.units is None:
            results.append(runner.run_member(chunk.seed, member))
        else:
            results.append(runner.run_params(member, chunk.uncertainty.values(chunk.units[k])))
    traj, members = chunk_paths(chunk.directory, chunk.index)
    traj_bytes = _parquet(trajectory_table(results, chunk.study))
    write_bytes_atomic(traj, traj_bytes)
    marker = {b"fingerprint": chunk.fingerprint.encode(), b"trajectories_sha256": hashlib.sha256(traj_bytes).hexdigest().encode()}
    table = members_table(results, chunk.uncertainty)
    write_bytes_atomic(members, _parquet(table.replace_schema_metadata(marker)))
    return ChunkDone(chunk.index, len(results), sum(not r.ok for r in results))


# ------------------------------------------------------------------------------ a run


def check_n(n: int) -> int:
    """The ensemble size must be a positive integer."""
    if int(n) != n or n <= 0:
        raise NecroSbmlError(f"bad ensemble size {n}", id="--n", fix="give --n 1 or more members")
    if n > MAX_MEMBERS:
        raise NecroSbmlError(f"ensemble size {n} above the limit {MAX_MEMBERS}", id="--n", fix="run fewer members")
    return int(n)


def run_manifest(study: Study, unc: Uncertainty, n: int, seed: int, chunk_size: int, design: str) -> dict:
    """What identifies a run, with its fingerprint (model and table hashed too): a resumed run must match it."""
    manifest = {"study": asdict(study), "uncertainty": [asdict(f) for f in unc.factors], "settle_days": unc.settle_days,
                "n": n, "seed": seed, "chunk_size": chunk_size, "design": design}
    return {**manifest, "fingerprint": fingerprint(manifest, study.model, unc.file)}


def check_run_args(n: int, chunk_size: int, workers: int, scheduler: str | None) -> int:
    """Every engine argument checked before any output is touched; returns n."""
    n = check_n(n)
    if int(chunk_size) != chunk_size or chunk_size < 1:
        raise NecroSbmlError(f"bad chunk size {chunk_size}", id="--chunk-size", fix="give 1 or more")
    check_workers(workers)
    check_scheduler(scheduler)
    return n


def plan_chunks(n: int, chunk_size: int, seed: int, directory: Path, study: Study, unc: Uncertainty,
                units: np.ndarray | None = None, run_fingerprint: str = "") -> list[Chunk]:
    """The chunks covering members 0..n-1."""
    if chunk_size < 1:
        raise NecroSbmlError(f"bad chunk size {chunk_size}", id="--chunk-size", fix="give 1 or more")
    starts = range(0, n, chunk_size)
    return [Chunk(k, s, min(s + chunk_size, n), seed, str(directory), study, unc,
                  None if units is None else units[s:min(s + chunk_size, n)], run_fingerprint) for k, s in enumerate(starts)]


def finished(chunk: Chunk) -> bool:
    """True when a chunk's files are complete and belong to this run: fingerprint, checksum, member ids, row counts."""
    traj, members = chunk_paths(chunk.directory, chunk.index)
    try:
        table = pq.read_table(members)
        meta = table.schema.metadata or {}
        data = traj.read_bytes()
        if meta.get(b"fingerprint", b"").decode() != chunk.fingerprint or \
                meta.get(b"trajectories_sha256", b"").decode() != hashlib.sha256(data).hexdigest():
            return False
        ids = table.column("member").to_pylist()
        ok = sum(table.column("ok").to_pylist())
        rows = pq.read_metadata(io.BytesIO(data)).num_rows
        expected_columns = {"member", "ok", "message", *chunk.uncertainty.ids}
    except (OSError, KeyError, ValueError, TypeError, pa.ArrowException):
        return False
    return ids == list(range(chunk.start, chunk.stop)) and set(table.column_names) == expected_columns and \
        rows == ok * len(chunk.study.conditions) * chunk.study.points


def execute_chunks(chunks: list[Chunk], workers: int, scheduler: str | None, resume: bool,
                   stream: TextIO | None = sys.stderr, label: str = "ensemble") -> int:
    """Run the unfinished chunks on the chosen engine; returns the number of failed members among them."""
    todo = [c for c in chunks if not (resume and finished(c))]
    if stream is not None and len(todo) < len(chunks):
        print(f"[{label}] resuming: {len(chunks) - len(todo)} of {len(chunks)} chunks already written", file=stream)
    if not todo:
        return 0
    failed = 0
    done = len(chunks) - len(todo)
    for result in run_jobs(run_chunk, todo, workers=workers, scheduler=scheduler, init=init_worker,
                           init_args=(todo[0].study, todo[0].uncertainty)):
        failed += result.failed
        done += 1
        progress(done, len(chunks), f"{label}: chunks, {failed} member(s) failed", stream)
    return failed


def run_ensemble(study: Study, unc: Uncertainty, n: int, seed: int, output: str | Path, *, workers: int = 1,
                 scheduler: str | None = None, resume: bool = False, chunk_size: int = DEFAULT_CHUNK,
                 stream: TextIO | None = sys.stderr, summarise: bool = True) -> Path:
    """Run n members of a study into output/ (chunks/, run.json) and, by default, write the summary."""
    n, output = check_run_args(n, chunk_size, workers, scheduler), Path(output)
    manifest = run_manifest(study, unc, n, int(seed), chunk_size, "seed")
    with run_directory(output, manifest, resume) as work:
        chunks = plan_chunks(n, chunk_size, int(seed), work / "chunks", study, unc, run_fingerprint=manifest["fingerprint"])
        execute_chunks(chunks, workers, scheduler, resume, stream)
        if summarise:
            write_summary(work, study)
    return output


# ----------------------------------------------------------------------------- reading


def read_members(output: str | Path) -> pd.DataFrame:
    """Every member's parameters, ok flag and solver message, by member index."""
    files = sorted((Path(output) / "chunks").glob("members-*.parquet"))
    if not files:
        raise NecroSbmlError("no finished chunks", file=output, fix="run `necro-sbml ensemble` into this directory first")
    return pd.concat([pq.read_table(f).to_pandas() for f in files]).set_index("member").sort_index()


def _dataset(output: str | Path) -> pads.Dataset:
    """The trajectory chunks of a run as one dataset."""
    return pads.dataset(sorted(str(p) for p in (Path(output) / "chunks").glob("trajectories-*.parquet")), format="parquet")


def trajectories(output: str | Path, condition: str, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(members, times, values members x times) of one output under one condition (one column read at a time)."""
    table = _dataset(output).to_table(columns=["member", "time", column], filter=pads.field("condition") == condition)
    frame = table.to_pandas().sort_values(["member", "time"], kind="stable")
    members = frame["member"].unique()
    if not len(members):  # every member failed
        return members, np.empty(0), np.empty((0, 0))
    times = frame["time"].to_numpy()[: len(frame) // max(1, len(members))]
    return members, times, frame[column].to_numpy().reshape(len(members), -1)


def final_values(output: str | Path, study: Study) -> pd.DataFrame:
    """Per member and condition, every output at the last time point."""
    table = _dataset(output).to_table(filter=pads.field("time") == float(study.times[-1]))
    frame = table.to_pandas()
    frame["condition"] = frame["condition"].astype(str)
    return frame.drop(columns="time").sort_values(["member", "condition"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- summary


def bands(output: str | Path, study: Study) -> pd.DataFrame:
    """Median and 5-95% band over members, per condition, output and time."""
    rows = []
    for condition in study.conditions:
        for column in study.outputs:
            members, times, values = trajectories(output, condition, column)
            if not len(members):
                continue
            q = np.quantile(values, QUANTILES, axis=0)
            rows.append(pd.DataFrame({"condition": condition, "output": column, "time": times, "q05": q[0],
                                      "median": q[1], "q95": q[2], "members": len(members)}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def final_summary(finals: pd.DataFrame, study: Study) -> pd.DataFrame:
    """Distribution of each output's final value per condition: mean, sd, 5/50/95% quantiles."""
    long = finals.melt(id_vars=["member", "condition"], value_vars=list(study.outputs), var_name="output")
    stats = long.groupby(["condition", "output"], sort=False)["value"]
    return pd.DataFrame({"members": stats.count(), "mean": stats.mean(), "sd": stats.std(), "q05": stats.quantile(0.05),
                         "median": stats.median(), "q95": stats.quantile(0.95)}).reset_index()


def fan_chart(band: pd.DataFrame, output: str, title: str, unit: str = "", time_unit: str = "") -> bytes:
    """PNG bytes of one output's median and 5-95% band over time, one colour per condition."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=(7, 4.5), dpi=100)
    ax = fig.add_subplot()
    for k, (condition, rows) in enumerate(band[band["output"] == output].groupby("condition", sort=False)):
        ax.fill_between(rows["time"], rows["q05"], rows["q95"], color=f"C{k}", alpha=0.25, linewidth=0)
        ax.plot(rows["time"], rows["median"], color=f"C{k}", label=f"{condition} (median, 5-95%)")
    ax.set_xlabel(axis_label("time", time_unit))
    ax.set_ylabel(axis_label(output, unit))
    honest_limits(ax, band.loc[band["output"] == output, ["q05", "q95"]].to_numpy(dtype=float), is_fraction(unit, [output]))
    ax.set_title(title, fontsize="small")
    legend_outside(ax)
    return png_bytes(fig)


def write_summary(output: str | Path, study: Study) -> list[Path]:
    """Write summary/: bands.csv, final_values.csv (distributions), finals.csv (per member), failures.csv, fan_*.png."""
    output = Path(output)
    summary = output / "summary"
    members = read_members(output)
    finals = final_values(output, study)
    band = bands(output, study)
    written = [
        write_text_atomic(summary / "bands.csv", band.to_csv(index=False)),
        write_text_atomic(summary / "final_values.csv", final_summary(finals, study).to_csv(index=False)),
        write_text_atomic(summary / "finals.csv", finals.to_csv(index=False)),
        write_text_atomic(summary / "failures.csv", members[~members["ok"]].to_csv()),
    ]
    n_ok = int(members["ok"].sum())
    for column in study.outputs:
        if len(band):
            title = f"{study.name}: {column}, {n_ok} of {len(members)} members"
            png = fan_chart(band, column, title, unit_of(study.model, column) or "", TIME_UNIT.get(study.model, ""))
            written.append(write_bytes_atomic(summary / f"fan_{column}.png", png))
    return written
