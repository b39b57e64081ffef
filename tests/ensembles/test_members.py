"""The member runner's vector path gives bit-identical results to setting every value one id at a time."""

from __future__ import annotations

import numpy as np
import pytest

from necro_sbml.ensembles.members import MemberRunner, study_from_experiment
from necro_sbml.ensembles.uncertainty import load_uncertainty, member_unit


def per_id_reference(runner: MemberRunner, params: dict[str, float]) -> np.ndarray:
    """The previous runner: every parameter and settle species set by id before each of its three resetAll calls."""
    rr, study = runner.rr, runner.study

    def apply(values: dict[str, float]) -> None:
        for id_, value in values.items():
            rr.model.setValue(f"init({id_})", value)
        rr.resetAll()

    apply({**runner.defaults, **params, **runner.species_defaults})
    rr.simulate(0.0, runner.uncertainty.settle_days, 2)
    start = {s: max(0.0, float(rr[s])) for s in runner.settle_species}
    out = np.empty((len(runner.conditions), study.points, len(study.outputs)))
    for k, inputs in enumerate(runner.conditions.values()):
        apply({**runner.defaults, **params, **start, **inputs})
        out[k] = np.asarray(rr.simulate(0.0, study.until, study.points))[:, 1:]
    return out


@pytest.fixture(scope="module")
def tissue_runner() -> MemberRunner:
    """The OVX study (sham + OVX, settling 93 signalling species first), shortened to 28 days."""
    return MemberRunner(study_from_experiment("tissue_ovx", until=28.0), load_uncertainty("osteoporosis"))


def test_vector_runner_is_bit_identical_to_the_per_id_path(tissue_runner: MemberRunner) -> None:
    """Three members, each run by the vector path before and after the per-id reference on the same instance."""
    unc = tissue_runner.uncertainty
    assert len(tissue_runner.settle_species) > 50 and len(tissue_runner.conditions) == 2
    for member in range(3):
        params = unc.values(member_unit(0, member, len(unc.factors)))
        vector = tissue_runner.run_params(member, params).data
        reference = per_id_reference(tissue_runner, params)
        assert np.array_equal(vector, reference), member
        assert np.array_equal(tissue_runner.run_params(member, params).data, vector)
    first = tissue_runner.run_params(0, unc.values(member_unit(0, 0, len(unc.factors)))).data
    assert not np.array_equal(first, reference)  # members differ, so equality above is not trivial


def test_member_after_a_failed_member_is_unaffected(tissue_runner: MemberRunner) -> None:
    """A member whose integration fails leaves nothing behind for the next one."""
    unc = tissue_runner.uncertainty
    params = unc.values(member_unit(0, 1, len(unc.factors)))
    before = tissue_runner.run_params(1, params).data
    bad = dict(params)
    bad[next(iter(bad))] = -1e12
    failed = tissue_runner.run_params(2, bad)
    after = tissue_runner.run_params(1, params).data
    assert not failed.ok and failed.message
    assert np.array_equal(after, before)
