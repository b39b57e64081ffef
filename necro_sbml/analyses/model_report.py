"""The model report (`necro-sbml report`): diagram, species, reactions with rate laws, parameters with value, unit
and source, and the public interface, as Markdown and HTML (one page per model, committed under docs/models/).

Sources come from the Antimony files: the `[Key]` citations on a definition's line (or the comment block above
it); keys of models/REFERENCES.md become citations with DOI links, `assumption`/`calibrated` are shown as such."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import libsbml

from necro_sbml.building.diagram import draw
from necro_sbml.core.atomic import atomic_output_dir, write_bytes_atomic, write_text_atomic
from necro_sbml.core.interface import INTERFACE
from necro_sbml.core.paths import MODELS_DIR, antimony_path, sbml_path
from necro_sbml.core.plots import png_bytes
from necro_sbml.core.templates import render
from necro_sbml.sedml.writer import reference_links
from necro_sbml.simulation.simulate import resolve_sbml, time_unit

DEFINITION = re.compile(r"\b([A-Za-z_][\w.]*)\s*=(?![=>])")
SUBMODEL = re.compile(r"^\s*(\w+)\s*:\s*(\w+)\(\)", re.M)
KEYS = re.compile(r"\[([^\]]+)\]")


@dataclass(frozen=True)
class Source:
    """Where a value comes from: citation keys, and whether it is an assumption or calibrated."""

    keys: tuple[str, ...]
    comment: str

    @property
    def kind(self) -> str:
        """'calibrated', 'assumption', 'cited' or 'not stated' (the report shows 'formula' for rule-defined values)."""
        text = " ".join(self.keys).lower()
        if "calibrated" in text:
            return "calibrated"
        if "assumption" in text or "design choice" in text:
            return "assumption"
        return "cited" if self.keys else "not stated"


def _keys(comment: str) -> tuple[str, ...]:
    """Citation keys and labels of the bracketed groups in a comment."""
    return tuple(k.strip() for group in KEYS.findall(comment) for k in re.split(r"[;,]", group) if k.strip())


def antimony_sources(path: Path) -> dict[str, Source]:
    """id -> Source for every value defined in an Antimony file (line comment, else the comment block above)."""
    found: dict[str, Source] = {}
    block: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        code, _, comment = line.partition("//")
        if not code.strip():
            block = block + [comment] if comment.strip() else []
            continue
        text = comment if _keys(comment) else " ".join(block + [comment])
        for name in DEFINITION.findall(code):
            found.setdefault(name, Source(_keys(text), comment.strip() or " ".join(b.strip() for b in block)))
    return found


def model_sources(name: str, models_dir: Path = MODELS_DIR) -> dict[str, Source]:
    """Sources by SBML id of a (flattened) model: its own file, then each submodel's file under `prefix__`."""
    path = antimony_path(name, models_dir)
    if not path.is_file():
        return {}
    own = antimony_sources(path)
    sources = {k.replace(".", "__"): v for k, v in own.items()}
    for prefix, module in SUBMODEL.findall(path.read_text(encoding="utf-8")):
        for key, source in model_sources(module, models_dir).items():
            sources.setdefault(f"{prefix}__{key}", source)
    return sources


def _formula(math: libsbml.ASTNode | None) -> str:
    """A formula in SBML's infix syntax ('' when absent)."""
    return libsbml.formulaToL3String(math) if math is not None else ""


def _initial(model: libsbml.Model, id_: str, value: float) -> str:
    """The initial value of an element: its initial assignment or rule formula, else its value."""
    assignment = model.getInitialAssignmentBySymbol(id_)
    rule = model.getRule(id_)
    if rule is not None:
        return ("d/dt = " if rule.isRate() else ":= ") + _formula(rule.getMath())
    if assignment is not None:
        return "= " + _formula(assignment.getMath())
    return f"{value:.6g}"


def species_rows(model: libsbml.Model) -> list[dict[str, str]]:
    """One row per species: id, name, compartment, initial value and unit."""
    rows = []
    for s in model.getListOfSpecies():
        value = s.getInitialAmount() if s.isSetInitialAmount() else s.getInitialConcentration()
        rows.append({"id": s.getId(), "name": s.getName(), "compartment": s.getCompartment(),
                     "initial": _initial(model, s.getId(), value), "unit": s.getSubstanceUnits() or model.getSubstanceUnits()})
    return rows


def _side(refs: libsbml.ListOfSpeciesReferences) -> str:
    """One side of a reaction equation."""
    terms = [(f"{r.getStoichiometry():g} " if r.getStoichiometry() != 1 else "") + r.getSpecies() for r in refs]
    return " + ".join(terms) or "∅"


def reaction_rows(model: libsbml.Model) -> list[dict[str, str]]:
    """One row per reaction: id, name, equation and rate law."""
    return [{"id": r.getId(), "name": r.getName(), "equation": f"{_side(r.getListOfReactants())} → {_side(r.getListOfProducts())}",
             "rate": _formula(r.getKineticLaw().getMath()) if r.getKineticLaw() else ""} for r in model.getListOfReactions()]


def parameter_rows(model: libsbml.Model, sources: dict[str, Source], inputs: set[str] = frozenset()) -> list[dict[str, str]]:
    """One row per parameter: id, name, value (or formula), unit, source kind and citation keys."""
    rows = []
    for p in model.getListOfParameters():
        source = sources.get(p.getId(), Source((), ""))
        value = _initial(model, p.getId(), p.getValue())
        kind = source.kind
        if kind == "not stated":
            kind = "input" if p.getId() in inputs else "formula" if value[:1] in (":", "=", "d") else kind
        rows.append({"id": p.getId(), "name": p.getName(), "value": value,
                     "unit": p.getUnits(), "source": kind, "keys": source.keys, "comment": source.comment})
    return rows


def context(name: str, sbml: Path, diagram: str) -> dict:
    """Everything the report templates show for one model."""
    document = libsbml.readSBMLFromFile(str(sbml))
    model = document.getModel()
    inputs = {i.id for i in INTERFACE.get(name, []) if i.kind == "input"}
    parameters = parameter_rows(model, model_sources(name), inputs)
    cited = {k for row in parameters for k in row["keys"]}
    kinds = {k: sum(r["source"] == k for r in parameters) for k in ("cited", "calibrated", "assumption", "formula", "input", "not stated")}
    return {"name": name, "title": model.getName() or name, "sbml": sbml.name, "time_unit": time_unit(sbml),
            "diagram": diagram, "species": species_rows(model), "reactions": reaction_rows(model),
            "parameters": parameters, "kinds": kinds, "references": reference_links(cited),
            "interface": INTERFACE.get(name, []),
            "named": {"parameters": sum(bool(r["name"]) for r in parameters), "reactions": sum(bool(r["name"]) for r in reaction_rows(model))}}


def write_report(model: str, output: str | Path) -> list[Path]:
    """Write <model>.md, <model>.html and <model>_diagram.png into output (atomically, as one directory update)."""
    return write_reports([model], output)


def write_reports(models: list[str], output: str | Path) -> list[Path]:
    """The reports of several models, written as one directory update (the directory holds exactly these)."""
    written = []
    with atomic_output_dir(output) as tmp:
        for model in models:
            sbml = resolve_sbml(model)
            name = sbml.stem
            diagram = f"{name}_diagram.png"
            ctx = context(name, sbml, diagram)
            write_bytes_atomic(tmp / diagram, png_bytes(draw(sbml, name)))
            write_text_atomic(tmp / f"{name}.md", render("model_report.md.j2", **ctx))
            write_text_atomic(tmp / f"{name}.html", render("model_report.html.j2", **ctx))
            written += [Path(output) / f"{name}{suffix}" for suffix in (".md", ".html", "_diagram.png")]
    return written


def default_models() -> list[str]:
    """Every model with a committed SBML file."""
    return sorted(p.stem for p in sbml_path("x").parent.glob("*.xml"))
