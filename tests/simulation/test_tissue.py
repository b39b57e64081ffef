"""The osteoporosis tissue model: interface, healthy steady state, physical bounds and the review's bone claims.

Expected phenotypes come from the studies named in each test (keys resolve in
models/REFERENCES.md).  Claims the model does not reproduce yet are strict
xfails with the reason, so they fail loudly once the model starts to pass them.
"""

from __future__ import annotations

import numpy as np
import pytest

from necro_sbml.simulation import simulate
from necro_sbml.core.interface import TISSUE
from necro_sbml.simulation.reference_data import OVX_BV_TV_RATIO_14_WEEKS

MODEL = "osteoporosis"
OVX = {"estrogen_target": 0.1}
NEC1 = {"Nec1_uM": 1.0}  # effective tissue concentration, ~98% RIPK1 kinase occupancy (assumption)
OUTPUTS = [i.id for i in TISSUE if i.kind == "output"]


def end(inputs: dict, days: float, columns: list[str] | None = None):
    """The state at `days` under `inputs`."""
    return simulate.timecourse(MODEL, inputs, until=days, points=int(days) + 1, selections=columns).iloc[-1]


def test_every_interface_id_is_in_the_model():
    """Every tissue id of shared/model-interface.md exists; inputs carry their documented default."""
    rr = simulate.load(MODEL)
    ids = set(rr.model.getGlobalParameterIds()) | set(rr.model.getFloatingSpeciesIds())
    missing = [i.id for i in TISSUE if i.id not in ids]
    assert not missing
    for item in TISSUE:
        if item.kind == "input":
            assert rr[item.id] == pytest.approx(item.default), item.id


def test_default_run_stays_flat_for_two_years():
    """The compiled initial state is the healthy steady state."""
    df = simulate.timecourse(MODEL, {}, until=730.0, points=74, selections=OUTPUTS)
    drift = (df.max() - df.min()) / df.abs().max().clip(lower=1e-12)
    assert drift.max() < 1e-6, drift.idxmax()


STRESS = {
    "estrogen_target": 0.0, "GC_dose": 3.0, "glucose_mM": 60.0, "ethanol": 3.0, "iron_overload": 3.0,
    "Smac_uM": 3.0, "zVAD_uM": 60.0, "Nec1_uM": 3.0, "TAK1_expr": 0.0, "RIPK3_expr": 3.0,
}


@pytest.mark.parametrize("id_,value", sorted(STRESS.items()))
def test_states_stay_physical_at_three_times_standard_inputs(id_, value):
    """No negative cells and BV/TV within 0-100% over two years."""
    df = simulate.timecourse(MODEL, {id_: value}, until=730.0, points=146,
                             selections=["BV_TV", "osteocytes", "osteoblasts", "osteoclasts", "empty_lacunae_frac"])
    assert (df[["osteocytes", "osteoblasts", "osteoclasts"]] >= -1e-9).all().all()
    assert df["BV_TV"].between(0.0, 100.0).all()
    assert df["empty_lacunae_frac"].between(0.0, 1.0).all()


def test_ovx_loses_55_percent_of_trabecular_bone_by_14_weeks_then_slows():
    """Wronski 1988: BV/TV 17.6% sham vs 7.9% OVX at 14 weeks; loss slows to a plateau after ~100 days."""
    df = simulate.timecourse(MODEL, OVX, until=196.0, points=197, selections=["BV_TV"])
    bv = df["BV_TV"]
    assert bv.loc[98.0] / bv.iloc[0] == pytest.approx(OVX_BV_TV_RATIO_14_WEEKS, abs=0.05)
    early_loss, late_loss = bv.iloc[0] - bv.loc[98.0], bv.loc[98.0] - bv.loc[196.0]
    assert late_loss < 0.25 * early_loss


def test_ovx_is_high_turnover():
    """Wronski 1988: after OVX both osteoclasts and bone formation rise."""
    healthy, ovx = end({}, 35.0), end(OVX, 35.0)
    assert ovx["osteoclasts"] > 1.5 * healthy["osteoclasts"]
    assert ovx["bone_formation_rate"] > 2.0 * healthy["bone_formation_rate"]


def test_ovx_raises_marrow_tnf_and_osteocyte_death():
    """Cenci 2000: OVX raises T-cell TNF; Cui 2016: more dying osteocytes at 8 weeks."""
    healthy, ovx = end({}, 56.0), end(OVX, 56.0)
    assert ovx["TNF_pgml"] > 1.5 * healthy["TNF_pgml"]
    per_cell = lambda s: (s["osteocyte_necroptosis_rate"] + s["osteocyte_apoptosis_rate"]) / s["osteocytes"]  # noqa: E731
    assert per_cell(ovx) > 1.5 * per_cell(healthy)


def test_necroptosis_outweighs_apoptosis_in_ovx_osteocytes():
    """He 2021: in OVX rats at 8 weeks necroptosis weighs at least as much as apoptosis in osteocyte loss."""
    ovx = end(OVX, 56.0)
    assert ovx["osteocyte_necroptosis_rate"] >= ovx["osteocyte_apoptosis_rate"]


def test_ovx_raises_empty_lacunae():
    """Cui 2016: empty lacunae rise 8 weeks after OVX; Ye 2017: still raised at 90 days."""
    for day in (56.0, 90.0):
        assert end(OVX, day)["empty_lacunae_frac"] > end({}, day)["empty_lacunae_frac"]


def test_estrogen_loss_alone_raises_osteocyte_apoptosis():
    """Tomkinson 1998, Emerton 2010: estrogen loss raises osteocyte apoptosis even without TNF-driven death."""
    no_tnf_death = {"MLKL_expr": 0.0, "CASP8_expr": 0.0}
    healthy, ovx = end(no_tnf_death, 14.0), end({**OVX, **no_tnf_death}, 14.0)
    assert ovx["osteocyte_apoptosis_rate"] / ovx["osteocytes"] > 2.0 * healthy["osteocyte_apoptosis_rate"] / healthy["osteocytes"]


def test_nec1_reduces_osteocyte_necroptosis_and_bone_loss_in_ovx():
    """Cui 2016 (Sci Rep companion): Nec-1 lowers osteocyte necroptosis and protects trabecular bone in OVX rats."""
    ovx, treated = end(OVX, 98.0), end({**OVX, **NEC1}, 98.0)
    assert treated["osteocyte_necroptosis_rate"] < 0.1 * ovx["osteocyte_necroptosis_rate"]
    assert treated["BV_TV"] > ovx["BV_TV"]


def test_glucocorticoids_suppress_formation_and_nec1_improves_it():
    """Weinstein 1998 / Compston 2018: GC excess suppresses formation and loses bone; Feng 2023: Nec-1 improves formation."""
    healthy, gc, gc_nec1 = end({}, 84.0), end({"GC_dose": 1.0}, 84.0), end({"GC_dose": 1.0, **NEC1}, 84.0)
    assert gc["bone_formation_rate"] < 0.8 * healthy["bone_formation_rate"]
    assert gc["BV_TV"] < healthy["BV_TV"]
    assert gc_nec1["bone_formation_rate"] > gc["bone_formation_rate"]


def test_alcohol_raises_osteoblast_necroptosis_and_nec1_protects():
    """Guo 2021: alcohol drives osteoblast necroptosis and bone loss; Nec-1 reduces the loss."""
    healthy, etoh, treated = end({}, 98.0), end({"ethanol": 1.0}, 98.0), end({"ethanol": 1.0, **NEC1}, 98.0)
    assert etoh["osteoblast_necroptosis_rate"] / etoh["osteoblasts"] > 2 * healthy["osteoblast_necroptosis_rate"] / healthy["osteoblasts"]
    assert etoh["BV_TV"] < healthy["BV_TV"]
    assert treated["BV_TV"] > etoh["BV_TV"]


def test_iron_overload_raises_osteoblast_necroptosis_and_loses_bone():
    """Hu 2022 (review): iron overload drives ROS-dependent osteoblast necroptosis and bone loss."""
    healthy, iron = end({}, 98.0), end({"iron_overload": 1.0}, 98.0)
    assert iron["osteoblast_necroptosis_rate"] / iron["osteoblasts"] > healthy["osteoblast_necroptosis_rate"] / healthy["osteoblasts"]
    assert iron["BV_TV"] < healthy["BV_TV"]


def test_diabetes_hypothesis_adds_osteocyte_necroptosis_and_can_be_switched_off():
    """Hu 2022: necroptosis in diabetic osteoporosis is not confirmed, so it is a switchable hypothesis (prediction)."""
    on = end({"glucose_mM": 20.0}, 98.0)
    off = end({"glucose_mM": 20.0, "diabetes_necroptosis_hypothesis": 0.0}, 98.0)
    healthy = end({}, 98.0)
    assert on["osteocyte_necroptosis_rate"] > off["osteocyte_necroptosis_rate"]
    assert off["osteocyte_necroptosis_rate"] / off["osteocytes"] == pytest.approx(
        healthy["osteocyte_necroptosis_rate"] / healthy["osteocytes"], rel=0.05)


def test_ripk3_deficient_bone_has_less_trabecular_bone():
    """Mullin 2020: RIPK3-deficient mice have disturbed trabecular bone (less bone)."""
    assert end({"RIPK3_expr": 0.0}, 365.0)["BV_TV"] < end({}, 365.0)["BV_TV"]


def test_ripk3_deficient_bone_has_more_osteoclasts():
    """Mullin 2020: RIPK3-deficient mice have more osteoclasts."""
    assert end({"RIPK3_expr": 0.0}, 365.0)["osteoclasts"] > end({}, 365.0)["osteoclasts"]


def test_smac_mimetic_kills_osteoclasts_mostly_by_apoptosis_with_some_necroptosis():
    """Cell Death Discov 2021: Smac mimetics kill pre-osteoclasts TNF-dependently, mostly by apoptosis, some necroptosis."""
    healthy, smac = end({}, 7.0), end({"Smac_uM": 1.0}, 7.0)
    apoptosis_fold = smac["osteoclast_apoptosis_per_cell"] / healthy["osteoclast_apoptosis_per_cell"]
    necroptosis_fold = smac["osteoclast_necroptosis_per_cell"] / healthy["osteoclast_necroptosis_per_cell"]
    assert apoptosis_fold > 1.5
    assert 1.05 < necroptosis_fold < apoptosis_fold


def test_smac_mimetic_lowers_osteoclast_numbers_in_the_osteoclast_lineage():
    """Moen2021 (Cell Death Discov 2021): birinapant and LCL-161 lower human osteoclast numbers in culture.

    The culture analogue: the drug reaches the osteoclast lineage only (no osteocytes or osteoblasts exposed).
    Part of the fall is necroptotic: without osteoclast MLKL the drug lowers osteoclasts less."""
    culture = {"Smac_uM": 1.0, "drug_exposure_osteocyte": 0.0, "drug_exposure_osteoblast": 0.0}
    no_mlkl = {"MLKL_expr_osteoclast": 0.0}
    fold = lambda background: end({**culture, **background}, 28.0)["osteoclasts"] / end(background, 28.0)["osteoclasts"]  # noqa: E731
    assert fold({}) < 1.0
    assert fold({}) < fold(no_mlkl)


def test_systemic_smac_mimetic_raises_osteoclasts_and_loses_bone():
    """Yang 2013 (Cancer Discov 3:212): IAP antagonists given to mice raise osteoclastogenesis and cause osteoporosis.

    Direction only: the study's mechanism (NIK in osteoclasts) is not modelled; here dying osteocytes release RANKL."""
    healthy, smac = end({}, 28.0), end({"Smac_uM": 1.0}, 28.0)
    assert smac["osteoclasts"] > healthy["osteoclasts"]
    assert smac["BV_TV"] < healthy["BV_TV"]


def test_osteoclast_tak1_loss_raises_their_necroptosis_rescued_by_nec1():
    """Lamothe 2013: TAK1-deleted osteoclast precursors die by necroptosis (rescued by Nec-1); high bone mass."""
    healthy, ko = end({}, 98.0), end({"TAK1_expr_osteoclast": 0.0}, 98.0)
    rescued = end({"TAK1_expr_osteoclast": 0.0, **NEC1}, 98.0)
    assert ko["osteoclast_necroptosis_per_cell"] > healthy["osteoclast_necroptosis_per_cell"]
    assert rescued["osteoclast_necroptosis_per_cell"] < healthy["osteoclast_necroptosis_per_cell"]
    assert ko["osteoclasts"] < healthy["osteoclasts"] and ko["BV_TV"] > healthy["BV_TV"]


def test_ripk1_inhibition_preserves_more_bone_than_ripk3_inhibition_in_ovx():
    """Hu 2022 asks RIPK1 vs RIPK3 as targets; with RHIM-driven osteoclast necroptosis (hypothesis) Nec-1 spares osteoclast death (prediction)."""
    assert end({**OVX, **NEC1}, 98.0)["BV_TV"] > end({**OVX, "GSK872_uM": 3.0}, 98.0)["BV_TV"]


def test_cell_type_specificity_osteoclast_necroptosis_protects_bone():
    """Hu 2022 asks which cell type's necroptosis matters: losing it in osteoclasts costs bone, in osteocytes saves it (prediction)."""
    healthy = end(OVX, 98.0)["BV_TV"]
    assert end({**OVX, "RIPK3_expr_osteoclast": 0.0}, 98.0)["BV_TV"] < healthy
    assert end({**OVX, "RIPK3_expr_osteocyte": 0.0}, 98.0)["BV_TV"] > healthy


def test_tissue_rejects_unknown_and_negative_inputs():
    """Bad input names the id and the fix."""
    with pytest.raises(Exception, match="estrogen_targt"):
        simulate.timecourse(MODEL, {"estrogen_targt": 0.1}, until=1.0)
    with pytest.raises(Exception, match="negative"):
        simulate.timecourse(MODEL, {"GC_dose": -1.0}, until=1.0)


def test_time_units_convert_hours_to_days():
    """The signalling instances run 24x faster in tissue days: TNF re-equilibrates within a day."""
    df = simulate.timecourse(MODEL, OVX, until=2.0, points=49, selections=["TNF_pgml", "ocy__TNF"])
    target = df["TNF_pgml"].iloc[-1] * 1e-3 * 23.26
    assert np.isclose(df["ocy__TNF"].iloc[-1], target, rtol=0.2)


def test_human_parameter_set_matches_swan_spine_loss():
    """Greendale 2012 (SWAN): spine BMD -7.4% over the 3-year transition and -10.6% over 10 years (BV/TV as proxy)."""
    from necro_sbml.simulation.parameter_sets import parameter_set
    from necro_sbml.simulation.reference_data import SWAN_SPINE_LOSS_10Y, SWAN_SPINE_LOSS_TRANSITION_3Y

    model, values = parameter_set("human_postmenopausal")
    df = simulate.timecourse(model, values, until=3650.0, points=521, selections=["BV_TV"])
    bv = df["BV_TV"]
    assert 1 - np.interp(1095.0, bv.index, bv) / bv.iloc[0] == pytest.approx(SWAN_SPINE_LOSS_TRANSITION_3Y, abs=0.015)
    assert 1 - bv.iloc[-1] / bv.iloc[0] == pytest.approx(SWAN_SPINE_LOSS_10Y, abs=0.015)


def test_human_parameter_set_starts_at_steady_state_without_estrogen_loss():
    """The human set changes set points through initial assignments, so it is flat with estrogen intact."""
    from necro_sbml.simulation.parameter_sets import parameter_set

    _, values = parameter_set("human_postmenopausal")
    df = simulate.timecourse(MODEL, {**values, "estrogen_target": 1.0}, until=3650.0, points=11, selections=["BV_TV", "osteocytes"])
    assert ((df.max() - df.min()) / df.max()).max() < 1e-6


def test_unknown_parameter_set_names_the_file_and_the_choices():
    """Bad input: an unknown set name."""
    from necro_sbml.core.errors import NecroSbmlError
    from necro_sbml.simulation.parameter_sets import parameter_set

    with pytest.raises(NecroSbmlError, match="human_postmenopausal") as err:
        parameter_set("human_premenopausal")
    assert err.value.id == "human_premenopausal" and "parameter_sets.toml" in str(err.value)
