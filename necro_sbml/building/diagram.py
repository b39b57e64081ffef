"""A reaction-network diagram drawn from the SBML (matplotlib): species as boxes, reactions as arrows.

Species are placed in layers by their distance from the network's entry points (synthesis reactions and the
species bound by the inputs), so the figure reads left to right like a pathway figure. Models with submodel
instances (ids `prefix__x`) are drawn one level up: one node per instance, arrows where reactions cross."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import libsbml
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

# Above this many species the instances are collapsed into one node each.
MAX_SPECIES = 45


def _node(species_id: str, collapse: bool) -> str:
    """The node a species is drawn in: itself, or its submodel instance when collapsing."""
    return species_id.split("__")[0] + " (module)" if collapse and "__" in species_id else species_id


def edges(model: libsbml.Model, collapse: bool) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Nodes (in SBML order) and (source, target, reaction id) edges: reactant -> product, modifier -> product."""
    nodes: list[str] = []
    for s in model.getListOfSpecies():
        if _node(s.getId(), collapse) not in nodes:
            nodes.append(_node(s.getId(), collapse))
    found: list[tuple[str, str, str]] = []
    for r in model.getListOfReactions():
        sources = [_node(x.getSpecies(), collapse) for x in (*r.getListOfReactants(), *r.getListOfModifiers())]
        targets = [_node(x.getSpecies(), collapse) for x in r.getListOfProducts()]
        found += [(a, b, r.getId()) for a in sources for b in targets if a != b]
    if collapse:
        found += influences(model, set(nodes))
    unique = list(dict.fromkeys((a, b) for a, b, _ in found))
    names = {(a, b): r for a, b, r in found}
    return nodes, [(a, b, names[(a, b)]) for a, b in unique]


def _refs(math: libsbml.ASTNode | None) -> set[str]:
    """Ids a formula refers to."""
    if math is None:
        return set()
    own = {math.getName()} if math.isName() else set()
    return own.union(*(_refs(math.getChild(i)) for i in range(math.getNumChildren())))


def influences(model: libsbml.Model, nodes: set[str]) -> list[tuple[str, str, str]]:
    """Module-level arrows: a module whose ids enter a rate law or rule (directly or through assignment rules of
    top-level quantities) acts on the nodes that law moves or sets."""
    rules = {r.getVariable(): _refs(r.getMath()) for r in model.getListOfRules()}

    def owner(id_: str) -> str | None:
        node = _node(id_, True)
        return node if node in nodes or "__" in id_ else None

    def sources(ids: set[str], seen: frozenset[str] = frozenset()) -> set[str]:
        found = set()
        for i in ids - seen:
            node = owner(i)
            if node is not None:
                found.add(node)
            elif i in rules:
                found |= sources(rules[i], seen | ids)
        return found & nodes

    found = []
    for r in model.getListOfReactions():
        law = r.getKineticLaw()
        moved = {owner(x.getSpecies()) for x in (*r.getListOfReactants(), *r.getListOfProducts())} - {None}
        for source in sources(_refs(law.getMath() if law else None)):
            found += [(source, m, r.getId()) for m in moved if m != source]
    for variable, refs in rules.items():
        target = owner(variable)
        if target in nodes:
            found += [(source, target, variable) for source in sources(refs) - {target}]
    return found


def layers(nodes: list[str], links: list[tuple[str, str, str]]) -> dict[str, int]:
    """Layer of each node: breadth-first distance from the nodes nothing points to (entry points)."""
    targets = defaultdict(list)
    incoming = {n: 0 for n in nodes}
    for a, b, _ in links:
        targets[a].append(b)
        incoming[b] += 1
    roots = [n for n in nodes if incoming[n] == 0] or nodes[:1]
    depth = {n: 0 for n in roots}
    frontier = list(roots)
    while frontier:
        nxt = []
        for n in frontier:
            for m in targets[n]:
                if m not in depth:
                    depth[m] = depth[n] + 1
                    nxt.append(m)
        frontier = nxt
    last = max(depth.values(), default=0)
    return {n: depth.get(n, last + 1) for n in nodes}


def draw(sbml: Path, title: str) -> Figure:
    """The diagram of one SBML file as a matplotlib Figure."""
    model = libsbml.readSBMLFromFile(str(sbml)).getModel()
    collapse = model.getNumSpecies() > MAX_SPECIES
    nodes, links = edges(model, collapse)
    depth = layers(nodes, links)
    columns: dict[int, list[str]] = defaultdict(list)
    for n in nodes:
        columns[depth[n]].append(n)
    height = max(len(c) for c in columns.values())
    position = {n: (x * 3.0, -(i - (len(col) - 1) / 2.0)) for x, col in columns.items() for i, n in enumerate(col)}
    fig = Figure(figsize=(2.2 + 1.9 * len(columns), 1.5 + 0.42 * height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    for a, b, _ in links:
        ax.add_patch(FancyArrowPatch(position[a], position[b], arrowstyle="-|>", mutation_scale=7, linewidth=0.5,
                                     color="0.55", connectionstyle="arc3,rad=0.08", shrinkA=14, shrinkB=14))
    for n, (x, y) in position.items():
        ax.text(x, y, n, ha="center", va="center", fontsize=7,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "#e8f0fe" if "(" not in n else "#fde8d8", "linewidth": 0.6})
    xs, ys = [p[0] for p in position.values()], [p[1] for p in position.values()]
    ax.set_xlim(min(xs) - 1.6, max(xs) + 1.6)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.set_axis_off()
    note = "one node per submodel instance; " if collapse else ""
    ax.set_title(f"{title}: {len(nodes)} nodes, {len(links)} arrows ({note}reactant or modifier -> product; "
                 "synthesis and degradation not drawn)", fontsize="small")
    return fig
