"""Parameter uncertainty (models/uncertainty.toml): documented distributions and reproducible member draws."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import numpy as np

from necro_sbml.sedml.catalogue import read_toml
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.interface import is_nonnegative
from necro_sbml.core.paths import MODELS_DIR

UNCERTAINTY: Path = MODELS_DIR / "uncertainty.toml"
DISTRIBUTIONS = ("lognormal", "uniform")
TAIL = 0.01  # lognormal draws are truncated at the 1st and 99th percentile (|z| <= 2.33)
_NORMAL = NormalDist()


@dataclass(frozen=True)
class Factor:
    """One uncertain factor: the SBML ids it sets, its distribution and the model values of those ids."""

    name: str
    ids: tuple[str, ...]
    distribution: str
    base: tuple[float, ...]
    sigma: float = 0.0
    low: float = 0.0
    high: float = 0.0
    source: str = ""

    def values(self, u: float) -> dict[str, float]:
        """The ids' values at quantile u in [0, 1] of the distribution."""
        if self.distribution == "uniform":
            return dict.fromkeys(self.ids, self.low + (self.high - self.low) * float(u))
        z = _NORMAL.inv_cdf(TAIL + (1.0 - 2.0 * TAIL) * float(u))
        return {id_: b * math.exp(self.sigma * z) for id_, b in zip(self.ids, self.base)}


@dataclass(frozen=True)
class Uncertainty:
    """A model's uncertain factors and how its members settle before their conditions run."""

    model: str
    factors: tuple[Factor, ...]
    file: str
    settle_days: float = 0.0
    settle_prefixes: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """Factor names, in table order."""
        return [f.name for f in self.factors]

    @property
    def ids(self) -> list[str]:
        """Every SBML id any factor sets, in table order."""
        return [id_ for f in self.factors for id_ in f.ids]

    def values(self, unit: np.ndarray) -> dict[str, float]:
        """Parameter values for one point of the unit hypercube (one quantile per factor)."""
        out: dict[str, float] = {}
        for factor, u in zip(self.factors, unit):
            out.update(factor.values(u))
        return out


def member_unit(seed: int, member: int, n_factors: int) -> np.ndarray:
    """Member `member`'s quantiles: a generator seeded only by (seed, member), so chunking cannot change them."""
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(int(member),)))
    return rng.random(n_factors)


def _number(spec: dict, key: str, path: Path, name: str) -> float:
    """A numeric field of a table entry (NaN when absent), as an error when it is not a number."""
    value = spec.get(key, math.nan)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NecroSbmlError(f"{key} {str(value)[:40]!r} is not a number", file=path, id=name, fix=f"give {key} as a number")
    return float(value)


def _factor(name: str, spec: dict, settable: set[str], values: dict[str, float], path: Path) -> Factor:
    """Parse and check one [<model>.parameters.<name>] entry."""
    if not isinstance(spec, dict):
        raise NecroSbmlError("an uncertain parameter must be a table", file=path, id=name, fix=f"write [<model>.parameters.{name}]")
    ids = spec.get("ids", [name])
    ids = [ids] if isinstance(ids, str) else list(ids) if isinstance(ids, list) else [str(ids)]
    kind = spec.get("distribution")
    if kind not in DISTRIBUTIONS:
        raise NecroSbmlError(f"unknown distribution {kind!r}", file=path, id=name, fix="use distribution = 'lognormal' or 'uniform'")
    for id_ in ids:
        if id_ not in settable:
            raise NecroSbmlError("unknown parameter id in the uncertainty table", file=path, id=id_,
                                 fix="use a settable global parameter of the compiled model (flattened ids, e.g. bone__n_surface)")
    if not spec.get("source"):
        raise NecroSbmlError("uncertain parameter without a source", file=path, id=name, fix="add source = '<citation key> or assumption'")
    if kind == "lognormal":
        sigma = _number(spec, "sigma", path, name)
        if not (math.isfinite(sigma) and sigma > 0):
            raise NecroSbmlError("lognormal needs sigma > 0", file=path, id=name, fix="give sigma, e.g. sigma = 0.5")
        return Factor(name, tuple(ids), kind, tuple(values[i] for i in ids), sigma=sigma, source=spec["source"])
    low, high = _number(spec, "low", path, name), _number(spec, "high", path, name)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise NecroSbmlError("uniform needs finite low < high", file=path, id=name, fix="give low and high")
    if low < 0 and any(is_nonnegative(i) for i in ids):
        raise NecroSbmlError(f"negative low {low:g} for a rate constant, amount or dose", file=path, id=name,
                             fix="give low >= 0")
    return Factor(name, tuple(ids), kind, tuple(values[i] for i in ids), low=low, high=high, source=spec["source"])


def load_uncertainty(model: str, path: Path = UNCERTAINTY) -> Uncertainty:
    """The uncertain factors of a model, each id checked against the compiled model."""
    from necro_sbml.simulation.simulate import _settable_ids, load  # noqa: PLC0415  (roadrunner only when needed)

    table = read_toml(Path(path)).get(model)
    if not table or not table.get("parameters"):
        raise NecroSbmlError("no uncertain parameters for this model", file=path, id=model,
                             fix=f"add [{model}.parameters.<name>] entries")
    rr = load(model)
    settable = set(_settable_ids(rr))
    values = {id_: float(rr[id_]) for id_ in settable}
    factors = tuple(_factor(n, s, settable, values, Path(path)) for n, s in table["parameters"].items())
    return Uncertainty(model, factors, str(path), float(table.get("settle_days", 0.0)),
                       tuple(table.get("settle_prefixes", ())))


def describe(unc: Uncertainty) -> list[dict[str, object]]:
    """One row per factor (name, ids, distribution, spread, source) for reports."""
    rows = []
    for f in unc.factors:
        spread = f"sigma {f.sigma:g} (x{math.exp(-2.326 * f.sigma):.2g}-x{math.exp(2.326 * f.sigma):.2g})" \
            if f.distribution == "lognormal" else f"U({f.low:g}, {f.high:g})"
        rows.append({"factor": f.name, "ids": " ".join(f.ids), "model_value": f.base[0], "distribution": f.distribution,
                     "spread": spread, "source": f.source})
    return rows
