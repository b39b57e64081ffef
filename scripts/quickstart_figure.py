"""The README's first figure: TSZ necroptosis, a knockout, a Nec-1 dose response and OVX bone loss, with data.

Run: python scripts/quickstart_figure.py  (writes docs/figures/quickstart.png, about 20 s)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from necro_sbml import dose_response, timecourse
from necro_sbml.core import ROOT, png_bytes, write_bytes_atomic
from necro_sbml.simulation import IC50_RANGES_UM, OVX_BV_TV_RATIO_14_WEEKS, OVX_DAYS_14_WEEKS, TSZ

FIGURE = ROOT / "docs" / "figures" / "quickstart.png"


def main() -> None:
    """Draw the four panels and write the PNG."""
    fig = Figure(figsize=(11, 7.5), dpi=100, layout="constrained")
    (a, b), (c, d) = fig.subplots(2, 2)
    for name, inputs in (("untreated", {}), ("TNF 100 ng/mL", {"TNF_ngml": 100.0}), ("TSZ", TSZ)):
        df = timecourse("necroptosis", inputs, until=24.0)
        a.plot(df.index, df["viable_frac"], label=name)
    a.set(title="Cell fate: TNF + Smac mimetic + zVAD (TSZ) kills by necroptosis", xlabel="time (h)",
          ylabel="viable cells (fraction)", ylim=(-0.02, 1.02))
    for name, inputs in (("wild type", {}), ("RIPK3 knockout", {"RIPK3_expr": 0.0}), ("MLKL knockout", {"MLKL_expr": 0.0})):
        df = timecourse("necroptosis", {**TSZ, **inputs}, until=24.0)
        b.plot(df.index, df["necroptotic_frac"], label=name)
    b.set(title="Knockouts under TSZ: no RIPK3 or MLKL, no necroptosis", xlabel="time (h)",
          ylabel="necroptotic cells (fraction)", ylim=(-0.02, 1.02))
    doses = np.geomspace(0.001, 100.0, 41)
    scan = dose_response("necroptosis", TSZ, "Nec1_uM", doses, 24.0, ["viable_frac"])
    c.axvspan(*IC50_RANGES_UM["Nec1_uM"], color="grey", alpha=0.25, linewidth=0, label="published EC50 range")
    c.plot(scan.index, scan["viable_frac"], label="model, 24 h")
    c.set(xscale="log", title="Dose response: necrostatin-1 rescues TSZ-treated cells", xlabel="Nec-1 (uM)",
          ylabel="viable cells at 24 h (fraction)", ylim=(-0.02, 1.02))
    sham = timecourse("osteoporosis", {}, until=200.0, points=201)
    ovx = timecourse("osteoporosis", {"estrogen_target": 0.1}, until=200.0, points=201)
    d.plot(sham.index, sham["BV_TV"], label="sham")
    d.plot(ovx.index, ovx["BV_TV"], label="ovariectomy (OVX)")
    d.plot([OVX_DAYS_14_WEEKS], [sham["BV_TV"].iloc[0] * OVX_BV_TV_RATIO_14_WEEKS], "ko", label="OVX rat, 14 weeks (Wronski 1988)")
    d.set(title="Tissue: trabecular bone loss after ovariectomy (rat)", xlabel="time (day)",
          ylabel="trabecular bone volume BV/TV (%)", ylim=(0.0, sham["BV_TV"].max() * 1.1))
    for ax in (a, b, c, d):
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
        ax.title.set_fontsize("medium")
    write_bytes_atomic(FIGURE, png_bytes(fig))
    print(f"wrote {FIGURE}")


if __name__ == "__main__":
    main()
