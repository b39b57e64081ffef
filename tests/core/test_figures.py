"""Every figure the package draws: labelled axes with a unit, a title, fractions on [0, 1], legends outside the data."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import necro_sbml.analyses.cohort as cohort
import necro_sbml.analyses.predictions as predictions
import necro_sbml.core.plots as plots
import necro_sbml.ensembles.ensemble as ensemble
import necro_sbml.ensembles.sensitivity as sensitivity
import necro_sbml.sedml.execute as execute
from necro_sbml.core.paths import EXPERIMENTS_DIR
from necro_sbml.simulation.conditions import TSZ
from necro_sbml.simulation.simulate import dose_response, timecourse

UNIT = re.compile(r"\(.+\)")


@pytest.fixture()
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """Figures handed to png_bytes by any module of the package (still rendered, so layout runs)."""
    figures: list[Figure] = []
    original = plots.png_bytes

    def capture(fig: Figure) -> bytes:
        figures.append(fig)
        return original(fig)

    for module in (plots, ensemble, sensitivity, predictions, cohort, execute):
        if hasattr(module, "png_bytes"):
            monkeypatch.setattr(module, "png_bytes", capture)
    return figures


def check(fig: Figure) -> None:
    """The house style on one figure."""
    axes = fig.axes
    assert axes and (fig._suptitle is not None or all(ax.get_title() for ax in axes))
    for ax in [a for a in axes if a.axison]:  # a diagram has no axes to label
        if ax.get_xlabel() or ax is axes[-1] or not ax.get_shared_x_axes().get_siblings(ax)[1:]:
            assert UNIT.search(ax.get_xlabel()), f"x label without unit: {ax.get_xlabel()!r}"
        assert UNIT.search(ax.get_ylabel()), f"y label without unit: {ax.get_ylabel()!r}"
        if "(fraction)" in ax.get_ylabel() and all(line.get_label().endswith("_frac") for line in ax.get_lines()):
            assert ax.get_ylim() == pytest.approx((-0.02, 1.02))
        legend = ax.get_legend()
        if legend is not None:
            fig.canvas.draw()
            box, inside = legend.get_window_extent(), ax.get_window_extent()
            assert box.x0 >= inside.x1 - 1, "legend overlaps the axes"


def timecourse_figures() -> None:
    """simulate --plot: the cell and the tissue outputs."""
    for model, inputs, until in (("necroptosis", dict(TSZ), 24.0), ("osteoporosis", {"estrogen_target": 0.1}, 98.0)):
        from necro_sbml.core.interface import outputs

        df = timecourse(model, inputs, until=until, points=25)
        plots.render_timecourse(df, outputs(model), f"{model}: test")


def dose_figure() -> None:
    """dose-response --plot with the published IC50 band."""
    df = dose_response("necroptosis", TSZ, "Nec1_uM", [0.01, 0.1, 1.0, 10.0], 24.0, ["viable_frac", "pMLKL_frac"])
    plots.render_dose_response(df, "Nec1 test", (0.1, 1.0))


def sedml_figures() -> None:
    """The executor's plots of a time-course and a dose-scan experiment."""
    for exp in ("tsz_necroptosis", "dose_nec1"):
        result = execute.execute(EXPERIMENTS_DIR / f"{exp}.sedml")
        for spec in execute.plot_specs(result):
            execute.render_plot(spec)


def fan_figure() -> None:
    """An ensemble fan chart."""
    t = np.linspace(0, 24, 5)
    band = pd.DataFrame({"condition": "TSZ", "output": "viable_frac", "time": t, "q05": 1 - t / 30, "median": 1 - t / 40, "q95": 1 - t / 50})
    ensemble.fan_chart(band, "viable_frac", "fan test", "dimensionless", "h")


def sensitivity_figures() -> None:
    """Morris and Sobol bar plots."""
    table = pd.DataFrame({"factor": ["a", "b"], "mu_star": [1.0, 0.5], "mu_star_conf": [0.1, 0.1], "S1": [0.5, 0.2],
                          "S1_conf": [0.05, 0.05], "ST": [0.6, 0.3], "ST_conf": [0.05, 0.05]})
    sensitivity.bar_plot(table, "morris", "morris test", "% of sham BV/TV")
    sensitivity.bar_plot(table, "sobol", "sobol test")


def prediction_figure() -> None:
    """The predictions' bar chart."""
    df = pd.DataFrame({"target": ["RIPK1", "RIPK3"], "bone_preserved": [0.4, -0.1]})
    predictions.bar_chart(df, ["target"], "prediction test")


def cohort_figures() -> None:
    """The cohort's probability and share plots."""
    targets = pd.DataFrame([{"disease": "OVX", "glycaemia": "normoglycaemic", "target": t, "p_best": p}
                            for t, p in zip(cohort.TARGET_DRUGS, (0.6, 0.3, 0.1))])
    cohort.probability_plot(targets)
    members = pd.DataFrame({"disease": "OVX", "glycaemia": "normoglycaemic", "necroptotic_share_of_osteocyte_loss": [0.4, 0.6, 0.7]})
    cohort.share_plot(members)


def diagram_figures() -> None:
    """The model diagrams of the reports."""
    from necro_sbml.building.diagram import draw
    from necro_sbml.core.paths import sbml_path

    for model in ("necroptosis", "osteoporosis"):
        plots.png_bytes(draw(sbml_path(model), model))


@pytest.mark.parametrize("draw", [diagram_figures, timecourse_figures, dose_figure, sedml_figures, fan_figure, sensitivity_figures,
                                  prediction_figure, cohort_figures], ids=lambda f: f.__name__)
def test_every_figure_follows_the_house_style(draw: Callable[[], None], drawn: list[Figure]) -> None:
    draw()
    assert drawn, "no figure drawn"
    for fig in drawn:
        check(fig)


def test_one_unit_per_axis() -> None:
    df = timecourse("osteoporosis", {}, until=10.0, points=3)
    groups = plots.unit_groups(df, ["BV_TV", "osteocytes", "empty_lacunae_frac"])
    assert groups == {"percent": ["BV_TV"], "cells per mm^3": ["osteocytes"], "dimensionless": ["empty_lacunae_frac"]}


def test_timecourse_frame_carries_units() -> None:
    df = timecourse("necroptosis", {}, until=1.0, points=2)
    assert df.attrs["units"]["TNF_ngml" if "TNF_ngml" in df.columns else "pMLKL_frac"]
    assert df.attrs["units"]["pMLKL_frac"] == "dimensionless" and df.attrs["time_unit"] == "h"
    assert all(df.attrs["units"][c] for c in df.columns), [c for c in df.columns if not df.attrs["units"][c]]


def test_small_change_keeps_zero_in_view() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [100.0, 100.2])
    plots.honest_limits(ax, np.array([100.0, 100.2]), fraction=False)
    assert ax.get_ylim()[0] == 0.0


def test_sedml_dose_scan_shows_the_published_ic50_range(drawn: list[Figure]) -> None:
    result = execute.execute(EXPERIMENTS_DIR / "dose_nec1.sedml")
    scans = [s for s in execute.plot_specs(result) if s.axes[0] is not None and s.axes[0][1].startswith("Nec1_uM")]
    execute.render_plot(scans[0])
    labels = drawn[-1].axes[0].get_legend_handles_labels()[1]
    assert "published IC50 range" in labels
