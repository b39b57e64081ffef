"""Derived readouts of simulated cell populations (times of death, half-maximal doses)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def median_death_time(df: pd.DataFrame) -> float:
    """Hours until half the cells are dead (a time course indexed by time with `viable_frac`); inf if never."""
    dead = 1.0 - df["viable_frac"].to_numpy()
    return float(np.interp(0.5, dead, df.index.to_numpy())) if dead[-1] > 0.5 else float("inf")


def half_maximal_dose(doses: np.ndarray, response: np.ndarray, half: float) -> float:
    """Dose at which a response falling with dose crosses `half` (log-interpolated)."""
    return float(np.exp(np.interp(half, response[::-1], np.log(doses[::-1]))))
