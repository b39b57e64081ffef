"""PNG plots of time courses (matplotlib Agg, written atomically)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from necro_sbml.core.atomic import write_bytes_atomic
from necro_sbml.core.errors import NecroSbmlError

if TYPE_CHECKING:  # matplotlib and pandas load only when a figure is drawn
    import pandas as pd
    from matplotlib.figure import Figure


def png_bytes(fig: Figure) -> bytes:
    """A laid-out figure as reproducible PNG bytes (no software/version metadata)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def render_timecourse(df: pd.DataFrame, columns: Sequence[str], title: str) -> bytes:
    """PNG bytes of the given columns of a time-indexed DataFrame."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise NecroSbmlError("column not in the simulation result", id=missing[0], fix=f"plot one of: {', '.join(df.columns)}")
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=(7, 4.5), dpi=100)
    ax = fig.add_subplot()
    for column in columns:
        ax.plot(df.index, df[column], label=column)
    ax.set_xlabel(df.index.name or "time")
    ax.set_title(title)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return png_bytes(fig)


def plot_timecourse(df: pd.DataFrame, columns: Sequence[str], path: str | Path, title: str) -> Path:
    """Write a PNG line plot of the columns against time to path, atomically."""
    return write_bytes_atomic(path, render_timecourse(df, columns, title))
