"""Cell-model phenotypes from the literature: each test names the study whose result it encodes.

Each expectation comes from the cited experiment, not from the model's output; a model
lacking the mechanism named in the test (e.g. caspase-8 cleavage of RIPK1/RIPK3, the
RIPK3 nucleation threshold, NSA acting after MLKL phosphorylation) fails it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from necro_sbml.simulation import simulate
from necro_sbml.simulation.conditions import TNF, TS, TSZ, TZ
from necro_sbml.simulation.readouts import half_maximal_dose, median_death_time
from necro_sbml.simulation.reference_data import IC50_RANGES_UM, MEDIAN_DEATH_H, PMLKL_NORMALISED, PMLKL_TIMES_H

MODEL = "necroptosis"
FATE = ["viable_frac", "necroptotic_frac", "apoptotic_frac"]
OUTPUTS = [*FATE, "pMLKL_frac", "MLKL_membrane_frac", "casp8_active_frac", "NFkB_active_frac"]


def run(inputs: dict[str, float], until: float = 24.0, points: int = 241) -> pd.DataFrame:
    """Time course of the public outputs under inputs."""
    return simulate.timecourse(MODEL, inputs, until=until, points=points, selections=OUTPUTS)


def final(inputs: dict[str, float], until: float = 24.0) -> pd.Series:
    """Public outputs at the end of a run."""
    return run(inputs, until).iloc[-1]


# ---------------------------------------------------------------- cell fate under TNF


def test_tnf_alone_activates_nfkb_and_cells_survive() -> None:
    """TNF alone: complex I drives NF-kB and survival (Micheau & Tschopp 2003, Cell 114:181)."""
    df = run(TNF)
    assert df["NFkB_active_frac"].max() > 0.3
    assert df["viable_frac"].iloc[-1] > 0.9


def test_tsz_drives_necroptosis() -> None:
    """TNF + Smac mimetic + zVAD kills HT-29 cells by necroptosis (He et al. 2009, Cell 137:1100)."""
    out = final(TSZ)
    assert out["necroptotic_frac"] > 0.8
    assert out["apoptotic_frac"] < 0.05


def test_tnf_smac_drives_apoptosis() -> None:
    """TNF + Smac mimetic: cIAP loss releases RIPK1 into caspase-8-activating complex II
    (Wang, Du & Wang 2008, Cell 133:693; Varfolomeev 2007, Cell 131:669)."""
    out = final(TS)
    assert out["apoptotic_frac"] > 0.5
    assert out["apoptotic_frac"] > 5 * out["necroptotic_frac"]


def test_zvad_switches_apoptosis_to_necroptosis() -> None:
    """Blocking caspase-8 with zVAD turns TNF + Smac apoptosis into necroptosis (He 2009)."""
    without, with_zvad = final(TS), final(TSZ)
    assert without["apoptotic_frac"] > without["necroptotic_frac"]
    assert with_zvad["necroptotic_frac"] > with_zvad["apoptotic_frac"]
    assert with_zvad["apoptotic_frac"] < 0.5 * without["apoptotic_frac"]


def test_pmlkl_time_course_follows_published_curves() -> None:
    """TSZ pMLKL, normalised to 100 ng/mL at 16 h, tracks the L929 Western blots at 100 and
    10 ng/mL TNF within 0.15 (Ildefonso et al. 2023, Biophys J; L929 TNF data as kinetic anchor)."""
    runs = {dose: run({**TSZ, "TNF_ngml": dose}, until=16.0, points=161) for dose in (100.0, 10.0)}
    ref = float(np.interp(16.0, runs[100.0].index, runs[100.0]["pMLKL_frac"]))
    for dose, df in runs.items():
        model = np.interp(PMLKL_TIMES_H, df.index, df["pMLKL_frac"]) / ref
        assert np.max(np.abs(model - np.asarray(PMLKL_NORMALISED[dose]))) < 0.15, dose


def test_median_time_of_death_matches_tnf_dose() -> None:
    """Median death about 10 h at 100 ng/mL and 15-16 h at 10 ng/mL (Ildefonso 2023), within 1.5 h."""
    for dose, (lo, hi) in MEDIAN_DEATH_H.items():
        t50 = median_death_time(run({**TSZ, "TNF_ngml": dose}, until=36.0, points=721))
        assert lo - 1.5 <= t50 <= hi + 1.5, (dose, t50)


def test_low_tnf_dose_gives_little_pmlkl() -> None:
    """At 1 ng/mL TNF pMLKL stays near background over 16 h (Ildefonso 2023: <= 0.11 of maximum)."""
    high = float(run(TSZ, until=16.0).iloc[-1]["pMLKL_frac"])
    low = float(run({**TSZ, "TNF_ngml": 1.0}, until=16.0).iloc[-1]["pMLKL_frac"])
    assert low < 0.15 * high


# ------------------------------------------------------------------------- genetics


@pytest.mark.parametrize(
    ("knockout", "source"),
    [
        ({"RIPK3_expr": 0.0}, "He 2009 Cell 137:1100; Zhang 2009 Science 325:332"),
        ({"MLKL_expr": 0.0}, "Sun 2012 Cell 148:213; Murphy 2013 Immunity 39:443"),
        ({"RIPK1_kinase_active": 0.0}, "Degterev 2008 Nat Chem Biol 4:313; Newton 2014 Science 343:1357"),
    ],
)
def test_core_necroptosis_genes_are_required(knockout: dict[str, float], source: str) -> None:
    """RIPK3, MLKL and RIPK1 kinase activity are each required for TSZ necroptosis."""
    assert final({**TSZ, **knockout})["necroptotic_frac"] < 0.05, source


def test_caspase8_loss_turns_tnf_smac_into_necroptosis() -> None:
    """Caspase-8 restrains RIPK3: without it TNF + Smac kills by necroptosis
    (Oberst 2011 Nature 471:363; Kaiser 2011 Nature 471:368)."""
    out = final({**TS, "CASP8_expr": 0.0})
    assert out["necroptotic_frac"] > 0.8
    assert out["apoptotic_frac"] < 0.05


def test_fadd_loss_blocks_apoptosis_but_not_necroptosis() -> None:
    """FADD-deficient Jurkat cells die by necroptosis under TNF (Degterev 2005 Nat Chem Biol 1:112);
    Fas ligand cannot kill without FADD (Holler 2000 Nat Immunol 1:489)."""
    tnf = final({**TNF, "FADD_expr": 0.0})
    assert tnf["necroptotic_frac"] > 0.5 and tnf["apoptotic_frac"] < 0.05
    assert final({"FasL_ngml": 100.0})["apoptotic_frac"] > 0.8
    assert final({"FasL_ngml": 100.0, "FADD_expr": 0.0})["viable_frac"] > 0.95


def test_fas_with_zvad_kills_by_necroptosis() -> None:
    """Fas ligation with caspases blocked triggers RIPK1-dependent necrosis (Holler 2000)."""
    out = final({"FasL_ngml": 100.0, "zVAD_uM": 20.0})
    assert out["necroptotic_frac"] > 0.5
    assert final({"FasL_ngml": 100.0, "zVAD_uM": 20.0, "Nec1_uM": 30.0})["necroptotic_frac"] < 0.1


def test_cyld_loss_reduces_tnf_zvad_necroptosis() -> None:
    """CYLD knock-down protects against TNF + zVAD necroptosis (Hitomi 2008 Cell 135:1311)."""
    tz = {**TZ, "TNF_ngml": 10.0}
    assert final({**tz, "CYLD_expr": 0.0})["necroptotic_frac"] < 0.8 * final(tz)["necroptotic_frac"]


def test_a20_loss_sensitises_to_necroptosis() -> None:
    """A20-deficient cells are hypersensitive to necroptosis (Onizawa 2015 Nat Immunol 16:618)."""
    tz = {**TZ, "TNF_ngml": 10.0}
    assert final({**tz, "A20_expr": 0.0})["necroptotic_frac"] > 1.3 * final(tz)["necroptotic_frac"]


def test_tak1_loss_sensitises_to_ripk1_kinase_dependent_death() -> None:
    """TAK1 loss turns TNF into a killer, rescued by Nec-1 (Dondelinger 2015 Mol Cell 60:63;
    Lamothe 2013 Mol Cell Biol 33:582)."""
    assert final({**TNF, "TAK1_expr": 0.0})["viable_frac"] < 0.3
    assert final({**TNF, "TAK1_expr": 0.0, "Nec1_uM": 30.0})["viable_frac"] > 0.7


def test_cIAP_loss_sensitises_instead_of_abolishing_death() -> None:
    """Genetic cIAP loss, like Smac mimetics, sensitises to TNF-induced death
    (Varfolomeev 2007; Vince 2007 Cell 131:682) - the opposite of NERM's structure."""
    assert final({**TNF, "cIAP_expr": 0.0})["viable_frac"] < 0.3
    assert final({**TZ, "cIAP_expr": 0.0})["necroptotic_frac"] > 0.8


def test_low_ripk3_prevents_necrosome_and_high_ripk3_speeds_it() -> None:
    """RIPK3 abundance decides necroptosis: cells with little RIPK3 resist TSZ (He 2009; Koo 2015
    Cell Res 25:707: RIPK3 silencing in cancer cells)."""
    low = final({**TSZ, "RIPK3_expr": 0.1})
    assert low["necroptotic_frac"] < 0.05 and low["pMLKL_frac"] < 0.05
    t_wt = median_death_time(run(TSZ, until=36.0, points=361))
    t_high = median_death_time(run({**TSZ, "RIPK3_expr": 2.0}, until=36.0, points=361))
    assert t_high < t_wt


# --------------------------------------------------------------------------- drugs


def ic50(drug: str) -> float:
    """Concentration halving TSZ necroptosis at 24 h (log-interpolated over a dose scan)."""
    doses = np.logspace(-4, 2, 49)
    scan = simulate.dose_response(MODEL, TSZ, drug, doses, until=24.0, output="necroptotic_frac")
    y = scan["necroptotic_frac"].to_numpy()
    half = 0.5 * final(TSZ)["necroptotic_frac"]
    assert y[0] > half > y[-1], f"{drug} does not halve necroptosis over {doses[0]}-{doses[-1]} uM"
    return half_maximal_dose(doses, y, half)


@pytest.mark.parametrize("drug", sorted(IC50_RANGES_UM))
def test_drug_half_maximal_concentration_in_literature_range(drug: str) -> None:
    """Each inhibitor halves TSZ necroptosis within its published cellular potency range
    (ranges and sources in necro_sbml.simulation.reference_data.IC50_RANGES_UM)."""
    lo, hi = IC50_RANGES_UM[drug]
    assert lo <= ic50(drug) <= hi


def test_nsa_blocks_death_but_not_mlkl_phosphorylation() -> None:
    """Necrosulfonamide binds human MLKL Cys86: no pores, but MLKL stays phosphorylated
    (Sun 2012 Cell 148:213)."""
    tsz, nsa = final(TSZ), final({**TSZ, "NSA_uM": 1.0})
    assert nsa["necroptotic_frac"] < 0.1
    assert nsa["pMLKL_frac"] >= 0.8 * tsz["pMLKL_frac"]
    assert nsa["MLKL_membrane_frac"] < 0.1 * tsz["MLKL_membrane_frac"]


def test_nsa_inactive_on_rodent_mlkl() -> None:
    """NSA does not protect cells with mouse MLKL (Sun 2012; Murphy 2013)."""
    assert final({**TSZ, "NSA_uM": 1.0, "human_MLKL": 0.0})["necroptotic_frac"] > 0.8


@pytest.mark.parametrize("drug", ["GSK872_uM", "dabrafenib_uM"])
def test_ripk3_inhibitors_lower_mlkl_phosphorylation(drug: str) -> None:
    """RIPK3 inhibitors act upstream of MLKL: pMLKL falls (Kaiser 2013; Li 2014 Cell Death Dis 5:e1278)."""
    assert final({**TSZ, drug: 10.0})["pMLKL_frac"] < 0.2 * final(TSZ)["pMLKL_frac"]


# ---------------------------------------------------------------------- invariants

PANEL = {
    "untreated": {}, "TNF": TNF, "TS": TS, "TZ": TZ, "TSZ": TSZ,
    "TSZ_KO_all": {**TSZ, "RIPK3_expr": 0.0, "MLKL_expr": 0.0, "CASP8_expr": 0.0, "FADD_expr": 0.0},
    "FasL": {"FasL_ngml": 100.0}, "high_drugs": {**TSZ, "Nec1_uM": 100.0, "NSA_uM": 100.0, "GSK872_uM": 100.0},
    "overexpression": {**TSZ, "RIPK1_expr": 3.0, "RIPK3_expr": 3.0, "MLKL_expr": 3.0},
}


@pytest.mark.parametrize("name", sorted(PANEL))
def test_fractions_are_bounded_and_conserved(name: str) -> None:
    """All fractions stay in [0, 1] and viable + necroptotic + apoptotic = 1 throughout."""
    df = run(PANEL[name], until=48.0)
    tol = 1e-6
    for column in OUTPUTS:
        assert df[column].between(-tol, 1 + tol).all(), column
    assert np.allclose(df[FATE].sum(axis=1), 1.0, atol=1e-9)


def test_untreated_cell_is_at_rest() -> None:
    """Without stimulus nothing changes over two days: the initial state is a steady state."""
    df = simulate.timecourse(MODEL, {}, until=48.0, points=3)
    assert np.allclose(df.iloc[0].to_numpy(), df.iloc[-1].to_numpy(), rtol=1e-6, atol=1e-6)
