"""Published measurements the cell model is calibrated and tested against (with sources)."""

from __future__ import annotations

from necro_sbml.simulation.study_data import study_value

# Normalised pMLKL (Western blot, L929 cells, TNF alone) at 0, 0.5, 1.5, 4.5, 8, 12, 16 h.
# Ildefonso, Oliver Metzig, Hoffmann, Harris, Lopez 2023, Biophys J, doi:10.1016/j.bpj.2023.01.035.
PMLKL_TIMES_H = (0.0, 0.5, 1.5, 4.5, 8.0, 12.0, 16.0)
PMLKL_NORMALISED = {
    100.0: (0.0, 0.009, 0.016, 0.037, 0.28, 0.78, 0.98),
    10.0: (0.0, 0.011, 0.005, 0.030, 0.050, 0.17, 0.47),
    1.0: (0.0, 0.085, 0.006, 0.009, 0.011, 0.02, 0.11),
}

# Median time of necroptotic death (h): about 10 h at 100 ng/mL (617-635 min) and
# 15-16 h at 10 ng/mL in re-simulation (Ildefonso 2023).
MEDIAN_DEATH_H = {100.0: (617 / 60, 635 / 60), 10.0: (15.0, 16.0)}

# Cellular half-maximal concentrations (uM) of the inhibitors, as literature ranges.
IC50_RANGES_UM = {
    "Nec1_uM": (0.1, 1.0),          # EC50 0.2-0.5 uM (Degterev 2005 Nat Chem Biol 1:112; Degterev 2008 Nat Chem Biol 4:313)
    "GSK2982772_uM": (0.003, 0.1),  # human RIPK1 IC50 16 nM (Harris 2017 J Med Chem 60:1247)
    "RIPA56_uM": (0.005, 0.1),      # IC50 13 nM, cellular EC50 27 nM (Ren 2017 J Med Chem 60:972)
    "GSK872_uM": (0.1, 3.0),        # cells need 0.1-3 uM (Kaiser 2013 J Biol Chem 288:31268; Mandal 2014 Mol Cell 56:481)
    "dabrafenib_uM": (0.1, 10.0),   # blocks necroptosis at low uM (Li 2014 Cell Death Dis 5:e1278)
    "NSA_uM": (0.05, 0.5),          # IC50 ~0.1-0.2 uM in HT-29 (Sun 2012 Cell 148:213)
}

# Ovariectomised rat, proximal tibia: trabecular BV/TV 17.6% (sham) vs 7.9% (OVX) at 14 weeks (-55%;
# Wronski 1987, Calcif Tissue Int 40:155); loss slows to a plateau after ~100 days (Wronski 1988, Calcif
# Tissue Int 43:179); at 35 days osteoclast surface about x2 and bone formation rate 0.111 vs
# 0.026 um^3/um^2/day, x4.3 (Wronski 1988, Endocrinology 123:681). Tables: experiments/data/Wronski*.tsv.
OVX_BV_TV_RATIO_14_WEEKS = (study_value("Wronski1987", "OVX", "BV_TV", 98.0).mean
                            / study_value("Wronski1987", "sham", "BV_TV", 98.0).mean)
OVX_DAYS_14_WEEKS = 98.0
OVX_OSTEOCLAST_FOLD_35_DAYS = study_value("Wronski1988", "OVX/sham", "osteoclast_surface_fold", 35.0).mean
OVX_FORMATION_FOLD_35_DAYS = (study_value("Wronski1988", "OVX", "bone_formation_rate", 35.0).mean
                              / study_value("Wronski1988", "sham", "bone_formation_rate", 35.0).mean)

# Women through menopause (SWAN, Greendale et al. 2012, J Bone Miner Res 27:111): lumbar spine BMD
# falls about 2.5% per year in the 3-year transition (-7.4%) and -10.6% over the 10 years around the FMP.
SWAN_SPINE_LOSS_TRANSITION_3Y = study_value("Greendale2012", "menopausal_transition", "BMD_loss", 3 * 365.0).mean / 100
SWAN_SPINE_LOSS_10Y = study_value("Greendale2012", "menopausal_transition", "BMD_loss", 10 * 365.0).mean / 100
