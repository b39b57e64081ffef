"""Named treatment conditions of the cell model (inputs by SBML id of the public interface)."""

from __future__ import annotations

# Standard doses: TSZ in HT-29 is TNF + BV6 1 uM + zVAD-fmk 20 uM (He 2009, Cell 137:1100);
# 100 ng/mL TNF is the top dose of the L929 pMLKL data (Ildefonso 2023, Biophys J).
TNF_HIGH = 100.0
SMAC = 1.0
ZVAD = 20.0

TNF = {"TNF_ngml": TNF_HIGH}
TS = {**TNF, "Smac_uM": SMAC}
TZ = {**TNF, "zVAD_uM": ZVAD}
TSZ = {**TS, "zVAD_uM": ZVAD}


def condition(description: str, inputs: dict[str, float], until: float = 24.0) -> dict:
    """One named condition: its description, inputs by SBML id and simulated hours."""
    return {"description": description, "inputs": dict(inputs), "until": until}


CANONICAL: dict[str, dict] = {
    "untreated": condition("No stimulus: the resting cell stays viable", {}),
    "TNF": condition("TNF alone: complex I and NF-kB, survival", TNF),
    "TNF_Smac": condition("TNF + Smac mimetic: cIAP loss, RIPK1-dependent apoptosis", TS),
    "TNF_zVAD": condition("TNF + zVAD: caspase-8 blocked, necroptosis slower than with Smac", TZ),
    "TSZ": condition("TNF + Smac + zVAD: canonical necroptosis", TSZ),
    "TSZ_Nec1": condition("TSZ + necrostatin-1 30 uM: RIPK1 kinase blocked", {**TSZ, "Nec1_uM": 30.0}),
    "TSZ_GSK872": condition("TSZ + GSK'872 3 uM: RIPK3 kinase blocked", {**TSZ, "GSK872_uM": 3.0}),
    "TSZ_NSA": condition("TSZ + necrosulfonamide 1 uM: MLKL phosphorylated but no pores", {**TSZ, "NSA_uM": 1.0}),
    "TSZ_RIPK3_KO": condition("TSZ in RIPK3-deficient cells", {**TSZ, "RIPK3_expr": 0.0}),
    "TSZ_MLKL_KO": condition("TSZ in MLKL-deficient cells", {**TSZ, "MLKL_expr": 0.0}),
    "TSZ_RIPK1_KD": condition("TSZ in kinase-dead RIPK1 cells", {**TSZ, "RIPK1_kinase_active": 0.0}),
    "TNF_Smac_CASP8_KO": condition("TNF + Smac in caspase-8-deficient cells: necroptosis", {**TS, "CASP8_expr": 0.0}),
    "TNF_TAK1_KO": condition("TNF in TAK1-deficient cells: RIPK1-dependent death", {**TNF, "TAK1_expr": 0.0}),
    "FasL": condition("Fas ligand: caspase-8, apoptosis", {"FasL_ngml": 100.0}),
    "FasL_zVAD": condition("Fas ligand + zVAD: necroptosis through FADD-RIPK1", {"FasL_ngml": 100.0, "zVAD_uM": ZVAD}),
}
