"""The public SBML ids of each model (the README's interface table; `necro-sbml list inputs`): kind, default, unit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InterfaceId:
    """One public id: 'input' (global parameter with a default) or 'output' (rule-defined)."""

    id: str
    kind: str
    default: float | None
    unit: str
    meaning: str
    upper: float | None = None  # largest allowed value (inputs); all inputs are >= 0


def _inputs(ids: list[str], default: float, unit: str, meaning: str) -> list[InterfaceId]:
    """Several inputs sharing default, unit and meaning."""
    return [InterfaceId(i, "input", default, unit, meaning) for i in ids]


def _outputs(ids: list[str], unit: str, meaning: str) -> list[InterfaceId]:
    """Several outputs sharing unit and meaning."""
    return [InterfaceId(i, "output", None, unit, meaning) for i in ids]


DRUGS_UM = ["zVAD_uM", "Smac_uM", "Nec1_uM", "GSK2982772_uM", "RIPA56_uM", "GSK872_uM", "dabrafenib_uM", "NSA_uM"]
EXPRESSION = ["RIPK1_expr", "RIPK3_expr", "MLKL_expr", "CASP8_expr", "FADD_expr", "cIAP_expr", "CYLD_expr", "A20_expr", "TAK1_expr"]
SWITCHES = ["RIPK1_kinase_active", "human_MLKL"]
CELL_OUTPUTS = [
    "pMLKL_frac", "MLKL_membrane_frac", "casp8_active_frac", "NFkB_active_frac",
    "necroptotic_frac", "apoptotic_frac", "viable_frac",
]

# What each drug, switch and cell output is (the interface table of README.md).
MEANINGS: dict[str, str] = {
    "TNF_ngml": "extracellular TNF-alpha", "FasL_ngml": "extracellular Fas ligand",
    "zVAD_uM": "pan-caspase inhibitor zVAD-fmk", "Smac_uM": "Smac mimetic (cIAP1/2 antagonist, e.g. BV6, birinapant)",
    "Nec1_uM": "necrostatin-1 (RIPK1 kinase, allosteric)", "GSK2982772_uM": "GSK2982772 (RIPK1 inhibitor)",
    "RIPA56_uM": "RIPA-56 (RIPK1 inhibitor)", "GSK872_uM": "GSK'872 (RIPK3 kinase inhibitor)",
    "dabrafenib_uM": "dabrafenib (RIPK3 inhibitor, disrupts RIPK3-MLKL)", "NSA_uM": "necrosulfonamide (human MLKL)",
    "RIPK1_kinase_active": "1 wild type, 0 kinase-dead RIPK1 knock-in", "human_MLKL": "1 human MLKL (NSA-sensitive), 0 rodent",
    "pMLKL_frac": "phosphorylated MLKL / total MLKL", "MLKL_membrane_frac": "membrane-inserted MLKL / total MLKL",
    "casp8_active_frac": "active caspase-8 / total caspase-8", "NFkB_active_frac": "nuclear (active) NF-kB / total",
    "necroptotic_frac": "cumulative fraction of cells dead by necroptosis",
    "apoptotic_frac": "cumulative fraction of cells dead by apoptosis", "viable_frac": "1 - necroptotic_frac - apoptotic_frac",
}


def _described(items: list[InterfaceId], prefix: str = "") -> list[InterfaceId]:
    """The items with their specific meaning from MEANINGS where one is given."""
    return [InterfaceId(i.id, i.kind, i.default, i.unit, prefix + MEANINGS[i.id]) if i.id in MEANINGS else i for i in items]


CELL: list[InterfaceId] = _described([
    *_inputs(["TNF_ngml", "FasL_ngml"], 0.0, "ng/mL", "extracellular death ligand"),
    *_inputs(DRUGS_UM, 0.0, "uM", "drug concentration"),
    *_inputs(EXPRESSION, 1.0, "dimensionless", "expression relative to wild type; 0 is a knockout"),
    *_inputs(SWITCHES, 1.0, "dimensionless", "1 wild type, 0 kinase-dead RIPK1 / rodent MLKL"),
    *_outputs(CELL_OUTPUTS, "dimensionless", "fraction"),
])

DISEASE_INPUTS: list[InterfaceId] = [
    InterfaceId("estrogen_target", "input", 1.0, "dimensionless", "estrogen level relative to intact"),
    InterfaceId("GC_dose", "input", 0.0, "dimensionless", "glucocorticoid excess"),
    InterfaceId("glucose_mM", "input", 5.5, "mM", "blood glucose"),
    InterfaceId("ethanol", "input", 0.0, "dimensionless", "chronic alcohol exposure"),
    InterfaceId("iron_overload", "input", 0.0, "dimensionless", "iron overload"),
    InterfaceId("TNF_expr", "input", 1.0, "dimensionless", "marrow TNF-alpha production relative to wild type (0 = knockout)"),
]
TREATMENT_INPUTS: list[InterfaceId] = [
    InterfaceId("RANKL_block", "input", 0.0, "dimensionless", "fraction of RANKL neutralised (denosumab, OPG-Fc)", upper=1.0),
    InterfaceId("bisphosphonate", "input", 0.0, "dimensionless", "bisphosphonate regimen (1 = standard rodent regimen)"),
    InterfaceId("estradiol", "input", 0.0, "dimensionless", "estradiol given back, relative to intact estrogen"),
    InterfaceId("treatment_start_day", "input", 0.0, "day", "day from which treatments and drugs act"),
]
BONE_OUTPUTS: list[InterfaceId] = [
    *_outputs(["BV_TV"], "percent", "trabecular bone volume / tissue volume"),
    *_outputs(["osteocytes", "osteoblasts", "osteoclasts"], "cells per mm^3", "viable cell densities"),
    *_outputs(["empty_lacunae_frac"], "dimensionless", "lacunae without a viable osteocyte"),
    *_outputs(
        ["osteocyte_necroptosis_rate", "osteocyte_apoptosis_rate", "osteoblast_necroptosis_rate", "osteoclast_necroptosis_rate",
         "osteoblast_apoptosis_rate", "osteoclast_apoptosis_rate"],
        "cells per mm^3 per day", "current death rates",
    ),
    *_outputs(["TNF_pgml"], "pg/mL", "bone-marrow TNF-alpha"),
    *_outputs(["RANKL", "OPG"], "pM", "free ligand and decoy receptor"),
    *_outputs(["bone_formation_rate", "bone_resorption_rate"], "percent BV/TV per day", "remodelling fluxes"),
]
CELL_TYPES = ("osteocyte", "osteoblast", "osteoclast")
CELL_TYPE_KNOCKOUTS = [f"{gene}_expr_{cell}" for gene in ("RIPK1", "RIPK3", "MLKL", "CASP8", "TAK1") for cell in CELL_TYPES]
DRUG_EXPOSURES = [f"drug_exposure_{cell}" for cell in CELL_TYPES]

TISSUE: list[InterfaceId] = [
    *DISEASE_INPUTS,
    *TREATMENT_INPUTS,
    *_described(_inputs(DRUGS_UM, 0.0, "uM", "effective tissue drug concentration"), "effective tissue concentration: "),
    *_inputs(EXPRESSION + SWITCHES, 1.0, "dimensionless", "global knockouts"),
    *_inputs(CELL_TYPE_KNOCKOUTS, 1.0, "dimensionless", "cell-type-specific knockouts"),
    *_inputs(DRUG_EXPOSURES, 1.0, "dimensionless", "share of each drug reaching the cell type (0 elsewhere mimics a culture)"),
    *BONE_OUTPUTS,
]
# The bone module alone: disease inputs and bone outputs (TNF-driven death at its healthy share).
BONE: list[InterfaceId] = [*DISEASE_INPUTS, *TREATMENT_INPUTS, *BONE_OUTPUTS]

INTERFACE: dict[str, list[InterfaceId]] = {"necroptosis": CELL, "osteoporosis": TISSUE, "bone_remodelling": BONE}
# Rate-rule parameters that only accumulate (they may grow at a steady state): frozen for steady states.
CUMULATIVE: dict[str, tuple[str, ...]] = {
    "necroptosis": ("necroptotic_frac", "apoptotic_frac"),
    # tissue instances count no deaths (count_deaths = 0); their counters are constant but still ODE variables
    "osteoporosis": tuple(f"{cell}__{frac}" for cell in ("ocy", "obl", "ocl") for frac in ("necroptotic_frac", "apoptotic_frac")),
}
TIME_UNIT: dict[str, str] = {"necroptosis": "h", "osteoporosis": "day", "bone_remodelling": "day"}
LIST_HINT = "run `necro-sbml list inputs MODEL` (or see the interface table in README.md)"


def inputs(model: str) -> list[InterfaceId]:
    """The public inputs of a model (empty for a model without an interface)."""
    return [i for i in INTERFACE.get(model, []) if i.kind == "input"]


def outputs(model: str) -> list[str]:
    """The ids of a model's public outputs."""
    return [i.id for i in INTERFACE.get(model, []) if i.kind == "output"]


def input_upper_bounds() -> dict[str, float]:
    """Inputs with a largest allowed value (e.g. a fraction), by id."""
    return {i.id: i.upper for ids in INTERFACE.values() for i in ids if i.kind == "input" and i.upper is not None}


def nonnegative_input_ids() -> frozenset[str]:
    """Ids of every public input of every model (all are doses, levels or switches: never negative)."""
    return frozenset(i.id for ids in INTERFACE.values() for i in ids if i.kind == "input")


def unit_of(model: str, id_: str) -> str | None:
    """The unit of a public id of a model (None for an id outside the interface)."""
    return next((i.unit for i in INTERFACE.get(model, []) if i.id == id_), None)


NONNEGATIVE_SUFFIXES = ("_uM", "_ngml", "_mM", "_pgml", "_expr", "_0")
# Rate constants, dissociation constants and amplitudes (k_x, K_x, Kd_x, D_x, A_x; module prefixes stripped).
NONNEGATIVE_PREFIXES = ("k_", "K_", "Kd_", "D_", "A_")


def is_nonnegative(id_: str) -> bool:
    """True for doses, expression levels, switches, rate constants and initial amounts, which must not be negative."""
    local = id_.rsplit("__", 1)[-1]
    return local.endswith(NONNEGATIVE_SUFFIXES) or local.startswith(NONNEGATIVE_PREFIXES) or id_ in nonnegative_input_ids()
