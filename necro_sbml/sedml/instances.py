"""Model instances of a SED-ML run: one compiled RoadRunner per SBML file, restored between tasks, never reloaded.

Reloading a model (`loadStateS`) costs far more than integrating it, so an instance keeps the initial values a
task changed and puts them back on restore (then `resetAll`), which gives the state of a freshly loaded model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import roadrunner

from necro_sbml.simulation import simulate


@dataclass
class Instance:
    """A loaded model and the initial values changed since its last restore (selector -> value as loaded)."""

    sbml: Path
    rr: roadrunner.RoadRunner
    reload: bool = False  # reload the SBML on every restore instead (the reference the tests compare with)
    changed: dict[str, float] = field(default_factory=dict)

    def set_init(self, selector: str, value: float) -> None:
        """Set an initial value (`init(p)`, `init(S)`, `init([S])`), remembering the value it replaces."""
        if selector not in self.changed:
            self.changed[selector] = self.rr.model.getValue(selector)
        self.rr.model.setValue(selector, value)

    def restore(self, values: Mapping[str, float]) -> None:
        """Back to the loaded model's initial values, then these (selector -> value), and resetAll."""
        if self.reload:
            self.rr, self.changed = simulate.load(self.sbml), {}
        for selector in [s for s in self.changed if s not in values]:
            self.rr.model.setValue(selector, self.changed.pop(selector))
        for selector, value in values.items():
            self.set_init(selector, value)
        self.rr.integrator.relative_tolerance = simulate.RELATIVE_TOLERANCE
        self.rr.integrator.absolute_tolerance = simulate.ABSOLUTE_TOLERANCE
        self.rr.resetAll()


@dataclass
class InstancePool:
    """The instances of one run, by SBML file; `fresh` reloads on every restore (the old, slow behaviour)."""

    fresh: bool = False
    free: dict[Path, list[Instance]] = field(default_factory=dict)

    def acquire(self, sbml: Path) -> Instance:
        """An instance of the SBML file not in use (loaded on first need); give it back with release."""
        free = self.free.get(sbml, [])
        if free:
            return free.pop()
        return Instance(sbml, simulate.load(sbml), reload=self.fresh)

    def release(self, instance: Instance) -> None:
        """Return an instance for the next task to restore and reuse."""
        self.free.setdefault(instance.sbml, []).append(instance)
