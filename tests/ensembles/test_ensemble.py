"""Ensembles and global sensitivity: reproducibility across engines, failures, resume, bad inputs, Morris."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from necro_sbml import cli
from necro_sbml.ensembles.ensemble import read_members, run_ensemble
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.ensembles.members import study_from_experiment
from necro_sbml.ensembles.sensitivity import sensitivity
from necro_sbml.ensembles.uncertainty import UNCERTAINTY, load_uncertainty, member_unit

EXPERIMENT = "tsz_necroptosis"  # cell model, 24 h: fast
N = 12


@pytest.fixture(scope="module")
def study():
    """The TSZ experiment shortened to 6 h (same time grid)."""
    return study_from_experiment(EXPERIMENT, until=6.0)


@pytest.fixture(scope="module")
def uncertainty():
    """The committed uncertainty table of the cell model."""
    return load_uncertainty("necroptosis")


@pytest.fixture(scope="module")
def serial(tmp_path_factory, study, uncertainty) -> Path:
    """A reference run: one worker, in-process."""
    return run_ensemble(study, uncertainty, N, 7, tmp_path_factory.mktemp("serial"), workers=1, chunk_size=5, stream=None)


def write_table(path: Path, body: str) -> Path:
    """A small uncertainty table for one test."""
    path.write_text(body, encoding="utf-8")
    return path


def finals(run: Path) -> pd.DataFrame:
    """A run's per-member final values."""
    return pd.read_csv(run / "summary" / "finals.csv")


def test_members_depend_only_on_seed_and_index() -> None:
    """Member draws are a function of (seed, index) alone."""
    assert np.array_equal(member_unit(3, 5, 4), member_unit(3, 5, 4))
    assert not np.array_equal(member_unit(3, 5, 4), member_unit(3, 6, 4))
    assert not np.array_equal(member_unit(3, 5, 4), member_unit(4, 5, 4))


def test_every_uncertain_parameter_has_a_source() -> None:
    """The committed table loads for both models (ids checked against the compiled SBML) and cites every spread."""
    for model in ("necroptosis", "osteoporosis"):
        unc = load_uncertainty(model)
        assert unc.factors and all(f.source for f in unc.factors)


def test_summary_files(serial, study) -> None:
    """A run writes bands, final-value distributions, per-member finals and one fan chart per output."""
    summary = serial / "summary"
    bands = pd.read_csv(summary / "bands.csv")
    assert set(bands["output"]) == set(study.outputs)
    assert (bands["q05"] <= bands["median"] + 1e-12).all() and (bands["median"] <= bands["q95"] + 1e-12).all()
    assert len(finals(serial)) == N * len(study.conditions)
    for output in study.outputs:
        assert (summary / f"fan_{output}.png").read_bytes().startswith(b"\x89PNG")
    assert len(pd.read_csv(summary / "final_values.csv")) == len(study.outputs) * len(study.conditions)


def test_two_local_workers_give_identical_results(tmp_path, serial, study, uncertainty) -> None:
    """Same seed: a 2-process pool with another chunking reproduces the serial run exactly."""
    run = run_ensemble(study, uncertainty, N, 7, tmp_path, workers=2, chunk_size=4, stream=None)
    pd.testing.assert_frame_equal(finals(run), finals(serial))
    pd.testing.assert_frame_equal(read_members(run), read_members(serial))


def test_dask_local_cluster_gives_identical_results(tmp_path, serial, study, uncertainty) -> None:
    """Same seed: a Dask LocalCluster with two workers reproduces the local run exactly."""
    pytest.importorskip("dask.distributed")
    run = run_ensemble(study, uncertainty, N, 7, tmp_path, workers=2, scheduler="local", chunk_size=6, stream=None)
    pd.testing.assert_frame_equal(finals(run), finals(serial))


def test_failing_member_is_recorded_and_run_continues(tmp_path, study) -> None:
    """An absurd draw (negative Hill coefficient) makes CVODE fail; the member keeps its parameters and the message.

    (A negative rate constant is refused when the table loads, issue 12.)
    """
    table = write_table(tmp_path / "bad.toml", """
[necroptosis.parameters.n_necroptosis]
ids = ["n_necroptosis"]
distribution = "uniform"
low = -4.0
high = 4.0
source = "test: absurd on purpose"
""")
    unc = load_uncertainty("necroptosis", table)
    run = run_ensemble(study, unc, 6, 1, tmp_path / "run", chunk_size=3, stream=None)
    members = read_members(run)
    failed = members[~members["ok"]]
    assert len(members) == 6 and len(failed) >= 1
    assert failed["message"].str.len().gt(0).all() and np.isfinite(failed["n_necroptosis"]).all()
    assert set(finals(run)["member"]) == set(members.index[members["ok"]])
    assert len(pd.read_csv(run / "summary" / "failures.csv")) == len(failed)


def test_resume_skips_finished_chunks(tmp_path, study, uncertainty, serial) -> None:
    """An interrupted run (one chunk missing) resumes: finished chunks are not rewritten, the result is the same."""
    run = run_ensemble(study, uncertainty, N, 7, tmp_path, chunk_size=5, stream=None, summarise=False)
    chunks = sorted((run / "chunks").glob("members-*.parquet"))
    kept, lost = chunks[0], chunks[-1]
    stamp = kept.stat().st_mtime_ns
    lost.unlink()
    log = io.StringIO()
    run_ensemble(study, uncertainty, N, 7, tmp_path, chunk_size=5, resume=True, stream=log)
    assert kept.stat().st_mtime_ns == stamp and lost.is_file()
    assert f"{len(chunks) - 1} of {len(chunks)} chunks already written" in log.getvalue()
    pd.testing.assert_frame_equal(finals(run), finals(serial))
    with pytest.raises(NecroSbmlError, match="cannot resume"):
        run_ensemble(study, uncertainty, N + 1, 7, tmp_path, chunk_size=5, resume=True, stream=None)


def test_bad_size_and_unknown_experiment(tmp_path, study, uncertainty) -> None:
    """N <= 0 and an unknown experiment id are NecroSbmlErrors naming the item."""
    with pytest.raises(NecroSbmlError, match="--n"):
        run_ensemble(study, uncertainty, 0, 1, tmp_path, stream=None)
    with pytest.raises(NecroSbmlError, match="no_such_experiment"):
        study_from_experiment("no_such_experiment")


def test_unknown_parameter_id_in_table(tmp_path) -> None:
    """An id the model does not have stops loading the table, naming the id and the table."""
    table = write_table(tmp_path / "typo.toml", """
[necroptosis.parameters.typo]
ids = ["k_R1R3_typo"]
distribution = "lognormal"
sigma = 0.5
source = "assumption"
""")
    with pytest.raises(NecroSbmlError, match="k_R1R3_typo") as err:
        load_uncertainty("necroptosis", table)
    assert err.value.fix and str(table) in str(err.value)


def test_unreachable_scheduler(tmp_path, study, uncertainty) -> None:
    """A Dask scheduler that does not answer is a NecroSbmlError naming the address."""
    pytest.importorskip("dask.distributed")
    with pytest.raises(NecroSbmlError, match="tcp://127.0.0.1:9"):
        run_ensemble(study, uncertainty, 2, 1, tmp_path, scheduler="tcp://127.0.0.1:9", stream=None)


def test_cli_errors_exit_2(tmp_path, capsys) -> None:
    """The CLI prints one error line and exits 2 on bad input."""
    assert cli.main(["ensemble", EXPERIMENT, "--n", "-3", "--output", str(tmp_path)]) == 2
    assert cli.main(["ensemble", "nope", "--n", "3", "--output", str(tmp_path)]) == 2
    assert "unknown experiment" in capsys.readouterr().err


def test_cli_ensemble(tmp_path) -> None:
    """`necro-sbml ensemble` writes the summary of a small run."""
    assert cli.main(["ensemble", EXPERIMENT, "--n", "3", "--seed", "2", "--until", "2", "--output", str(tmp_path)]) == 0
    assert (tmp_path / "summary" / "final_values.csv").is_file()


def test_morris_on_a_tiny_problem(tmp_path) -> None:
    """Morris screening returns an index for every factor of the table, with CSV and bar plot."""
    table = write_table(tmp_path / "tiny.toml", UNCERTAINTY.read_text(encoding="utf-8").split("[necroptosis.parameters.K_nucleation]")[0])
    names = load_uncertainty("necroptosis", table).names
    result = sensitivity("morris", "necroptotic_frac_tsz_24h", 2, tmp_path / "out", table=table, stream=None)
    assert sorted(result["factor"]) == sorted(names) and np.isfinite(result["mu_star"]).all()
    assert (tmp_path / "out" / "necroptotic_frac_tsz_24h_morris.png").is_file()
    with pytest.raises(NecroSbmlError, match="outcome"):
        sensitivity("morris", "no_outcome", 2, tmp_path / "out2", stream=None)
