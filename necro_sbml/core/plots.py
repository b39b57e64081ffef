"""Figures: PNG rendering and the house style (axes labelled with units, fractions on [0, 1], legends outside)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from necro_sbml.core.atomic import write_bytes_atomic
from necro_sbml.core.errors import NecroSbmlError

import numpy as np

if TYPE_CHECKING:  # matplotlib and pandas load only when a figure is drawn
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Below this relative span, autoscaling would blow a tiny change up to the full axis: the axis keeps zero.
SMALL_SPAN = 0.05
UNIT_WORDS = {"dimensionless": "fraction", "percent": "%", "h": "h", "hour": "h"}


def png_bytes(fig: Figure) -> bytes:
    """A figure as reproducible PNG bytes (no software metadata), cropped to its labels so none is clipped."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None}, bbox_inches="tight", pad_inches=0.15)
    return buffer.getvalue()


def unit_text(unit: str) -> str:
    """A unit as an axis shows it ('dimensionless' -> 'fraction', '' -> 'no unit declared')."""
    return UNIT_WORDS.get(unit, unit) if unit else "no unit declared"


def axis_label(quantity: str, unit: str) -> str:
    """'quantity (unit)', the form every axis of the package uses."""
    return f"{quantity} ({unit_text(unit)})"


def legend_outside(ax: Axes) -> None:
    """A legend right of the axes, so it never covers data."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False, borderaxespad=0.0)


def is_fraction(unit: str, ids: Sequence[str]) -> bool:
    """True for quantities bounded by [0, 1]: dimensionless outputs named *_frac."""
    return unit == "dimensionless" and all(i.endswith("_frac") for i in ids)


def honest_limits(ax: Axes, values: np.ndarray, fraction: bool) -> None:
    """[0, 1] for fractions; otherwise keep zero in view when the data span is small against its size."""
    if fraction:
        ax.set_ylim(-0.02, 1.02)
        return
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return
    lo, hi = float(finite.min()), float(finite.max())
    if lo >= 0 and hi > 0 and (hi - lo) < SMALL_SPAN * hi:
        ax.set_ylim(0.0, hi * 1.05)


def unit_groups(df: pd.DataFrame, columns: Sequence[str]) -> dict[str, list[str]]:
    """Columns grouped by their unit (df.attrs["units"]), in first-seen order: one axis per unit."""
    units = df.attrs.get("units", {})
    groups: dict[str, list[str]] = {}
    for column in columns:
        groups.setdefault(units.get(column, ""), []).append(column)
    return groups


def render_timecourse(df: pd.DataFrame, columns: Sequence[str], title: str) -> bytes:
    """PNG bytes of the given columns against time: one panel per unit, labelled with units, legends outside."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise NecroSbmlError("column not in the simulation result", id=missing[0], fix=f"plot one of: {', '.join(df.columns)}")
    from matplotlib.figure import Figure  # noqa: PLC0415

    groups = unit_groups(df, columns)
    fig = Figure(figsize=(8, 1.2 + 2.2 * len(groups)), dpi=100, layout="constrained")
    axes = fig.subplots(len(groups), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (unit, ids) in zip(axes, groups.items()):
        for column in ids:
            ax.plot(df.index, df[column], label=column)
        ax.set_ylabel(axis_label("value", unit))
        honest_limits(ax, df[ids].to_numpy(dtype=float), is_fraction(unit, ids))
        legend_outside(ax)
    axes[-1].set_xlabel(axis_label("time", df.attrs.get("time_unit", "")))
    fig.suptitle(title, fontsize="medium")
    return png_bytes(fig)


def plot_timecourse(df: pd.DataFrame, columns: Sequence[str], path: str | Path, title: str) -> Path:
    """Write a PNG line plot of the columns against time to path, atomically."""
    return write_bytes_atomic(path, render_timecourse(df, columns, title))


def render_dose_response(df: pd.DataFrame, title: str, band: tuple[float, float] | None = None,
                         band_label: str = "published IC50 range") -> bytes:
    """PNG bytes of final values against dose (index), log dose axis when all doses are positive, one panel per unit."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    groups = unit_groups(df, list(df.columns))
    units = df.attrs.get("units", {})
    fig = Figure(figsize=(8, 1.2 + 2.2 * len(groups)), dpi=100, layout="constrained")
    axes = fig.subplots(len(groups), 1, sharex=True, squeeze=False)[:, 0]
    doses = df.index.to_numpy(dtype=float)
    for ax, (unit, ids) in zip(axes, groups.items()):
        if band is not None:
            ax.axvspan(*band, color="grey", alpha=0.2, linewidth=0, label=band_label)
        for column in ids:
            ax.plot(doses, df[column], marker="o", markersize=3, label=column)
        if doses.size and doses.min() > 0:
            ax.set_xscale("log")
        ax.set_ylabel(axis_label("final value", unit))
        honest_limits(ax, df[ids].to_numpy(dtype=float), is_fraction(unit, ids))
        legend_outside(ax)
    axes[-1].set_xlabel(axis_label(str(df.index.name), units.get(str(df.index.name), "")))
    fig.suptitle(title, fontsize="medium")
    return png_bytes(fig)
