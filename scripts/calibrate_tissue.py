"""Fit the estrogen-deficiency gains of the tissue model to the ovariectomised rat and to women (SWAN).

Rat targets (Wronski 1988): trabecular BV/TV -55% at 14 weeks, the loss
slowing to a plateau after ~100 days, osteoclasts x2 and bone formation x4.3
at 35 days.  With --human, fits `bone__estrogen_sensitivity` of the
human_postmenopausal parameter set to SWAN's spine BMD (-7.4% over the 3-year
transition, -10.6% over 10 years).  Prints the fitted values to copy into
models/bone_remodelling.ant or models/parameter_sets.toml; --figure writes the
calibration figure (docs/figures/tissue_calibration.png) comparing model and data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from necro_sbml.core import ROOT, write_bytes_atomic
from necro_sbml.simulation import (
    load, parameter_set, timecourse,
    OVX_BV_TV_RATIO_14_WEEKS, OVX_DAYS_14_WEEKS, OVX_FORMATION_FOLD_35_DAYS, OVX_OSTEOCLAST_FOLD_35_DAYS,
    SWAN_SPINE_LOSS_10Y, SWAN_SPINE_LOSS_TRANSITION_3Y,
)

FIGURE = ROOT / "docs" / "figures" / "tissue_calibration.png"
YEAR = 365.0

FITTED = ["bone__g_RANKL_estrogen", "bone__g_resorption_estrogen", "bone__n_surface", "bone__g_osteoblastogenesis_estrogen"]
OVX = {"estrogen_target": 0.1}
PLATEAU_RATIO = 0.92  # BV/TV at 28 weeks over 14 weeks: loss has largely stopped [Wronski1989; assumption on the exact value]


def ovx_run(params: dict[str, float]):
    """OVX time course over 28 weeks."""
    return timecourse("osteoporosis", {**OVX, **params}, until=196.0, points=197)


def per_surface_fold(df, column: str, day: float) -> float:
    """Fold change of a per-tissue quantity per unit bone surface (histomorphometry's Oc.S/BS, BFR/BS).

    Trabeculae are lost by perforation at roughly constant thickness, so bone surface is taken as
    proportional to BV_TV [assumption].
    """
    at = lambda col: float(np.interp(day, df.index, df[col]))  # noqa: E731
    return (at(column) / df[column].iloc[0]) / (at("BV_TV") / df["BV_TV"].iloc[0])


def residuals(logp: np.ndarray) -> np.ndarray:
    """Weighted relative residuals against the OVX targets."""
    df = ovx_run(dict(zip(FITTED, np.exp(logp))))
    bv0 = df["BV_TV"].iloc[0]
    at = lambda col, t: float(np.interp(t, df.index, df[col]))  # noqa: E731
    return np.array([
        3.0 * (at("BV_TV", OVX_DAYS_14_WEEKS) / bv0 - OVX_BV_TV_RATIO_14_WEEKS),
        1.0 * (at("BV_TV", 196.0) / at("BV_TV", OVX_DAYS_14_WEEKS) - PLATEAU_RATIO),
        0.1 * np.log(per_surface_fold(df, "osteoclasts", 35.0) / OVX_OSTEOCLAST_FOLD_35_DAYS),
        0.1 * np.log(per_surface_fold(df, "bone_formation_rate", 35.0) / OVX_FORMATION_FOLD_35_DAYS),
    ])


def human_run(sensitivity: float | None = None):
    """The human_postmenopausal course over 10 years (weekly points)."""
    _, values = parameter_set("human_postmenopausal")
    if sensitivity is not None:
        values = {**values, "bone__estrogen_sensitivity": sensitivity}
    return timecourse("osteoporosis", values, until=10 * YEAR, points=521, selections=["BV_TV"])


def human_losses(df) -> tuple[float, float]:
    """Relative BV_TV loss over the first 3 years and over 10 years."""
    bv = df["BV_TV"]
    return 1.0 - float(np.interp(3 * YEAR, bv.index, bv)) / bv.iloc[0], 1.0 - bv.iloc[-1] / bv.iloc[0]


def fit_human() -> None:
    """Fit the human estrogen sensitivity to SWAN and print it."""
    def res(logs: np.ndarray) -> np.ndarray:
        three, ten = human_losses(human_run(float(np.exp(logs[0]))))
        return np.array([three - SWAN_SPINE_LOSS_TRANSITION_3Y, ten - SWAN_SPINE_LOSS_10Y])
    fit = least_squares(res, [np.log(0.2)], bounds=([np.log(0.01)], [np.log(1.0)]), diff_step=1e-3)
    print(f"bone__estrogen_sensitivity = {np.exp(fit.x[0]):.4g}  (3-year and 10-year loss residuals {np.round(fit.fun, 4)})")


def figure() -> Path:
    """Model against the rat OVX and SWAN data, written atomically to FIGURE."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rat, sham = ovx_run({}), timecourse("osteoporosis", {}, until=196.0, points=197, selections=["BV_TV"])
    human = human_run()
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(13, 4))
    a.plot(sham.index, sham["BV_TV"], color="grey", label="model, sham")
    a.plot(rat.index, rat["BV_TV"], color="C3", label="model, OVX")
    bv0 = rat["BV_TV"].iloc[0]
    a.plot([0, OVX_DAYS_14_WEEKS], [bv0, bv0 * OVX_BV_TV_RATIO_14_WEEKS], "ks", label="Wronski 1988 (17.6% vs 7.9%)")
    a.set(xlabel="days after ovariectomy", ylabel="trabecular BV/TV (%)", title="rat proximal tibia")
    a.legend(fontsize=8)
    for col, fold, colour in (("osteoclasts", OVX_OSTEOCLAST_FOLD_35_DAYS, "C0"), ("bone_formation_rate", OVX_FORMATION_FOLD_35_DAYS, "C2")):
        b.plot(rat.index, (rat[col] / rat[col].iloc[0]) / (rat["BV_TV"] / bv0), color=colour, label=f"model {col} per bone surface")
        b.plot([35.0], [fold], "o", color=colour, label=f"Wronski 1988 {col} x{fold:.1f}")
    b.set(xlabel="days after ovariectomy", ylabel="fold of sham, per bone surface", title="high turnover after OVX")
    b.legend(fontsize=8)
    c.plot(human.index / YEAR, 100 * (human["BV_TV"] / human["BV_TV"].iloc[0] - 1), color="C4", label="model, human set")
    c.plot([3, 10], [-100 * SWAN_SPINE_LOSS_TRANSITION_3Y, -100 * SWAN_SPINE_LOSS_10Y], "ks", label="SWAN spine BMD")
    c.set(xlabel="years from start of transition", ylabel="change (%)", title="women through menopause")
    c.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    FIGURE.parent.mkdir(parents=True, exist_ok=True)
    return write_bytes_atomic(FIGURE, buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    """Fit from the model's current values and print the result."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--human", action="store_true", help="fit the human estrogen sensitivity to SWAN")
    parser.add_argument("--figure", action="store_true", help="only write the calibration figure")
    args = parser.parse_args(argv)
    if args.figure:
        print(f"wrote {figure()}")
        return 0
    if args.human:
        fit_human()
        return 0
    start = load("osteoporosis")
    p0 = np.log([start[p] for p in FITTED])
    lower, upper = p0 - 2.5, p0 + 2.5
    lower[0], upper[0] = np.log(1.0), np.log(3.0)  # RANKL x1.9-3.7 in OVX [EghbaliFatourechi2003]
    fit = least_squares(residuals, np.clip(p0, lower + 1e-6, upper - 1e-6), bounds=(lower, upper), x_scale=0.5, diff_step=1e-3, max_nfev=300)
    for name, value in zip(FITTED, np.exp(fit.x)):
        print(f"{name.removeprefix('bone__')} = {value:.4g}")
    print("residuals", np.round(fit.fun, 4), "cost", round(float(fit.cost), 5))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
