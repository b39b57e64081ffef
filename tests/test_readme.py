"""README and docs figures that describe the committed files are checked against them."""

from __future__ import annotations

import re

import libsbml

from necro_sbml.core.paths import ROOT, model_names, sbml_path

COUNTS = re.compile(r"(\d+) species,\s+(\d+) reactions,\s+(\d+) parameters")


def _counts(model: str) -> tuple[int, int, int]:
    """Species, reactions and parameters of a committed compiled model."""
    doc = libsbml.readSBMLFromFile(str(sbml_path(model)))
    m = doc.getModel()
    return m.getNumSpecies(), m.getNumReactions(), m.getNumParameters()


def test_readme_model_sizes_match_the_compiled_models() -> None:
    """Each 'N species, M reactions, K parameters' (README and docs) belongs to the model named last before it."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    mention = re.compile(r"`(?:models/(?:sbml/)?)?(" + "|".join(model_names()) + r")(?:\.xml|\.ant)?`")
    stated = {}
    for match in COUNTS.finditer(text):
        before = mention.findall(text[: match.start()])
        assert before, f"no model named before '{match.group(0)}'"
        stated[before[-1]] = tuple(int(g) for g in match.groups())
    assert {"necroptosis", "osteoporosis"} <= set(stated)
    assert stated == {m: _counts(m) for m in stated}
