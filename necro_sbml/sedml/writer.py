"""SED-ML Level 1 Version 4 files generated from the catalogue with libsedml (experiments/<id>.sedml)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import libsbml
import libsedml

from necro_sbml.core.atomic import write_bytes_atomic
from necro_sbml.sedml.catalogue import Experiment, Scan, load_catalogue
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.interface import unit_of
from necro_sbml.core.plots import axis_label
from necro_sbml.core.paths import EXPERIMENTS_DIR, MODELS_DIR
from necro_sbml.simulation.simulate import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE, load, set_inputs

LEVEL, VERSION = 1, 4
SBML_NS = "http://www.sbml.org/sbml/level3/version2/core"
SBML_LANGUAGE = "urn:sedml:language:sbml.level-3.version-2"
CVODE = "KISAO:0000019"
TIME_SYMBOL = "urn:sedml:symbol:time"
# CVODE tolerances (KISAO:0000209 relative, KISAO:0000211 absolute), those of necro_sbml.simulation.simulate.
TOLERANCES = {"KISAO:0000209": RELATIVE_TOLERANCE, "KISAO:0000211": ABSOLUTE_TOLERANCE}
XHTML_NS = "http://www.w3.org/1999/xhtml"
DOI = re.compile(r"doi:\s*(10\.\S+?)[,;.]?(?:\s|$)")
REFERENCES: Path = MODELS_DIR / "REFERENCES.md"


def species_xpath(species_id: str) -> str:
    """XPath of an SBML species element."""
    return f"/sbml:sbml/sbml:model/sbml:listOfSpecies/sbml:species[@id='{species_id}']"


def parameter_xpath(param_id: str) -> str:
    """XPath of a global SBML parameter element."""
    return f"/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='{param_id}']"


def value_xpath(param_id: str) -> str:
    """XPath of a global SBML parameter's value attribute (the target of changeAttribute)."""
    return parameter_xpath(param_id) + "/@value"


def reference_texts(path: Path = REFERENCES) -> dict[str, str]:
    """Citation key -> bibliographic text (before the dash) from models/REFERENCES.md."""
    found = re.findall(r"^- \*\*([A-Za-z0-9]+)\*\*: (.+?)(?: — |$)", path.read_text(encoding="utf-8"), flags=re.M)
    return dict(found)


def reference_links(keys: set[str] | list[str], path: Path = REFERENCES) -> dict[str, dict[str, str]]:
    """key -> {text, url} for the keys known to models/REFERENCES.md (url from the DOI, when the entry gives one)."""
    texts = reference_texts(path)
    links = {}
    for key in sorted(set(keys)):
        if key in texts:
            doi = DOI.search(texts[key] + " ")
            links[key] = {"text": texts[key], "url": f"https://doi.org/{doi.group(1)}" if doi else ""}
    return links


def _check(ok: int, what: str, exp: Experiment) -> None:
    """Raise when a libsedml call did not succeed."""
    if ok != libsedml.LIBSEDML_OPERATION_SUCCESS:
        raise NecroSbmlError(f"libsedml could not set {what}", file=exp.path, id=exp.id, fix="check the catalogue entry")


def notes(exp: Experiment, references: dict[str, str]) -> str:
    """XHTML notes: title, description and the full literature sources."""
    missing = [k for k in exp.source if k not in references]
    if missing:
        raise NecroSbmlError("citation key not in models/REFERENCES.md", file=exp.path, id=missing[0],
                             fix="cite a key listed in models/REFERENCES.md or add the source there")
    items = "".join(f"<li>[{k}] {html.escape(references[k], quote=False)}</li>" for k in exp.source)
    return (f'<body xmlns="{XHTML_NS}"><p>{html.escape(exp.title, quote=False)}</p>'
            f"<p>{html.escape(exp.description, quote=False)}</p><p>Sources:</p><ul>{items}</ul></body>")


# ---------------------------------------------------------------------------- model checks


def _math_symbols(ast: libsbml.ASTNode) -> set[str]:
    """Names used in an SBML math expression."""
    names = set()
    for i in range(ast.getNumChildren()):
        names |= _math_symbols(ast.getChild(i))
    if ast.isName():
        names.add(ast.getName())
    return names


def _dependencies(math: libsbml.ASTNode, rules: dict[str, set[str]]) -> set[str]:
    """Symbols a math expression depends on, through assignment rules."""
    todo, seen = _math_symbols(math), set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo |= rules.get(name, set())
    return seen


def initial_assignment_dependencies(model: libsbml.Model) -> dict[str, set[str]]:
    """Symbol with an initial assignment -> the symbols its value depends on."""
    rules = {r.getVariable(): _math_symbols(r.getMath()) for r in model.getListOfRules() if r.isAssignment()}
    # initial assignments may build on each other (set point -> derived rate -> initial amount)
    rules |= {ia.getSymbol(): _math_symbols(ia.getMath()) for ia in model.getListOfInitialAssignments()}
    return {ia.getSymbol(): _dependencies(ia.getMath(), rules) for ia in model.getListOfInitialAssignments()}


def initial_assignment_inputs(model: libsbml.Model) -> set[str]:
    """Symbols that initial assignments depend on (through assignment rules too)."""
    return set().union(*initial_assignment_dependencies(model).values())


def derived_initial_values(sbml_file: Path, inputs: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """Initial species concentrations and parameter values whose initial assignments depend on the inputs.

    tellurium's SED-ML runner reloads a changed model from getCurrentSBML(), which drops initial
    assignments: a changed input would not reach the species or parameters it initialises. Writing
    these values as extra changeAttributes keeps every runner in agreement (SBML-compliant tools
    recompute the same numbers from the initial assignments; the executor checks the species).
    """
    if not inputs:
        return {}, {}
    doc = libsbml.readSBMLFromFile(str(sbml_file))  # the document must outlive its model
    model = doc.getModel()
    deps = initial_assignment_dependencies(model)
    changed = {sym for sym, needs in deps.items() if needs & set(inputs)} - set(inputs)
    species = [s.getId() for s in model.getListOfSpecies() if s.getId() in changed]
    params = [p.getId() for p in model.getListOfParameters() if p.getId() in changed]
    if not species and not params:
        return {}, {}
    rr = load(sbml_file)
    set_inputs(rr, inputs)
    return {sid: float(rr[f"init([{sid}])"]) for sid in species}, {pid: float(rr[pid]) for pid in params}


def check_against_model(exp: Experiment, sbml_file: Path) -> None:
    """Every input, scan parameter and output id exists; scans avoid initial-assignment inputs."""
    if not sbml_file.is_file():
        raise NecroSbmlError("model file not found", file=sbml_file, id=exp.model.id,
                             fix="run `necro-sbml build` or correct [models] in experiments/catalogue.toml")
    doc = libsbml.readSBMLFromFile(str(sbml_file))  # the document must outlive its model
    model = doc.getModel()
    ruled = {r.getVariable() for r in model.getListOfRules()}
    params = {p.getId() for p in model.getListOfParameters()}
    inputs = params - ruled
    for name, cond in exp.conditions.items():
        for id_ in cond:
            if id_ not in inputs:
                raise NecroSbmlError(f"condition {name} sets an id that is not an input parameter of {sbml_file.name}",
                                     file=exp.path, id=id_, fix="use an input id (`necro-sbml list inputs`, or the interface table in README.md)")
    for out in exp.outputs:
        if out not in params and model.getSpecies(out) is None:
            raise NecroSbmlError(f"output not in {sbml_file.name}", file=exp.path, id=out, fix="use a public output id")
    if exp.scan is not None:
        if exp.scan.parameter not in inputs:
            raise NecroSbmlError("scan parameter is not an input parameter", file=exp.path, id=exp.scan.parameter,
                                 fix="scan a global input parameter")
        if exp.scan.parameter in initial_assignment_inputs(model):
            raise NecroSbmlError(
                "scan parameter sets initial values through initial assignments; SED-ML setValue moves only its "
                "current value in tellurium, so simulators would disagree", file=exp.path, id=exp.scan.parameter,
                fix="list the levels as separate conditions (changeAttribute), as experiment ripk3_expression does")


# ---------------------------------------------------------------------------- document


def _add_model(doc: libsedml.SedDocument, exp: Experiment, name: str, inputs: dict[str, float], sbml_file: Path) -> None:
    """One SED-ML model per condition: the file source, a changeAttribute per input, then derived species values.

    tellurium applies a model's changes in reverse order: species first, then the parameters.
    """
    model = doc.createModel()
    _check(model.setId(f"model_{name}"), "model id", exp)
    model.setName(safe_name(f"{exp.model.id}: {name}"))
    model.setLanguage(SBML_LANGUAGE)
    model.setSource(exp.model.source)
    for id_, value in inputs.items():
        change = model.createChangeAttribute()
        change.setTarget(value_xpath(id_))
        change.setNewValue(repr(float(value)))
    species, params = derived_initial_values(sbml_file, inputs)
    for pid, value in params.items():
        change = model.createChangeAttribute()
        change.setTarget(value_xpath(pid))
        change.setNewValue(repr(value))
    for sid, conc in species.items():
        change = model.createChangeAttribute()
        change.setTarget(species_xpath(sid) + "/@initialConcentration")
        change.setNewValue(repr(conc))


def _add_time_course(doc: libsedml.SedDocument, sim_id: str, until: float, steps: int) -> None:
    """A uniformTimeCourse from 0 to until integrated with CVODE."""
    sim = doc.createUniformTimeCourse()
    sim.setId(sim_id)
    sim.setInitialTime(0.0)
    sim.setOutputStartTime(0.0)
    sim.setOutputEndTime(float(until))
    sim.setNumberOfSteps(int(steps))
    algorithm = sim.createAlgorithm()
    algorithm.setKisaoID(CVODE)
    for kisao, value in TOLERANCES.items():
        param = algorithm.createAlgorithmParameter()
        param.setKisaoID(kisao)
        param.setValue(repr(value))


def _add_generator(doc: libsedml.SedDocument, dg_id: str, task: str, *, target: str = "", symbol: str = "") -> None:
    """A data generator that is one variable (a model target or the time symbol) of a task."""
    dg = doc.createDataGenerator()
    dg.setId(dg_id)
    var = dg.createVariable()
    var.setId(f"v_{dg_id}")
    var.setTaskReference(task)
    if symbol:
        var.setSymbol(symbol)
    else:
        var.setTarget(target)
    dg.setMath(libsedml.parseL3Formula(f"v_{dg_id}"))


UNSAFE_IN_CODE = str.maketrans({"'": "\u2019", '"': "\u201d", "\\": "/", "\n": " ", "\r": " ", "\t": " "})


def safe_name(text: str) -> str:
    """A name or title safe for consumers that paste it into generated code (tellurium writes Python literals)."""
    return text.translate(UNSAFE_IN_CODE)


def _add_report(doc: libsedml.SedDocument, report_id: str, name: str, columns: list[tuple[str, str]]) -> None:
    """A report whose data sets are (label, data generator id) pairs."""
    report = doc.createReport()
    report.setId(report_id)
    report.setName(safe_name(name))
    for label, dg_id in columns:
        ds = report.createDataSet()
        ds.setId(f"ds_{dg_id}")
        ds.setLabel(label)
        ds.setDataReference(dg_id)


def _add_plot(doc: libsedml.SedDocument, plot_id: str, name: str, curves: list[tuple[str, str, str]],
              xlabel: str, ylabel: str, log_x: bool = False) -> None:
    """A plot2D with one curve per (name, x generator, y generator)."""
    plot = doc.createPlot2D()
    plot.setId(plot_id)
    plot.setName(safe_name(name))
    xaxis = plot.createXAxis()
    xaxis.setType(libsedml.SEDML_AXISTYPE_LOG10 if log_x else libsedml.SEDML_AXISTYPE_LINEAR)
    xaxis.setName(safe_name(xlabel))
    yaxis = plot.createYAxis()
    yaxis.setType(libsedml.SEDML_AXISTYPE_LINEAR)
    yaxis.setName(safe_name(ylabel))
    for i, (curve_name, x, y) in enumerate(curves):
        curve = plot.createCurve()
        curve.setId(f"{plot_id}_c{i}")
        curve.setName(safe_name(curve_name))
        curve.setXDataReference(x)
        curve.setYDataReference(y)
        curve.setType("points" if log_x else "line")


def _add_scan(doc: libsedml.SedDocument, exp: Experiment, scan: Scan, name: str) -> None:
    """repeatedTask scan_<name>: resets the model and sets the scan parameter for every range value."""
    task = doc.createTask()
    task.setId(f"task_{name}_endpoint")
    task.setModelReference(f"model_{name}")
    task.setSimulationReference("sim_endpoint")
    rt = doc.createRepeatedTask()
    rt.setId(f"scan_{name}")
    rt.setResetModel(True)
    rt.setRangeId(f"range_{name}")
    if scan.range == "vector":
        rng = rt.createVectorRange()
        for value in scan.values:
            rng.addValue(value)
    else:
        rng = rt.createUniformRange()
        rng.setStart(scan.start)
        rng.setEnd(scan.end)
        rng.setNumberOfPoints(scan.points - 1)  # SED-ML counts intervals: points - 1 gives `points` values
        rng.setType("log" if scan.range == "log" else "linear")
    rng.setId(f"range_{name}")
    change = rt.createTaskChange()
    change.setModelReference(f"model_{name}")
    change.setRange(f"range_{name}")
    change.setTarget(parameter_xpath(scan.parameter))
    change.setMath(libsedml.parseL3Formula(f"range_{name}"))
    sub = rt.createSubTask()
    sub.setTask(f"task_{name}_endpoint")
    sub.setOrder(1)


def model_file(exp: Experiment) -> Path:
    """The SBML file an experiment's model source points to."""
    return (EXPERIMENTS_DIR / exp.model.source).resolve()


def build_document(exp: Experiment, references: dict[str, str] | None = None) -> libsedml.SedDocument:
    """The SED-ML document of one experiment."""
    doc = libsedml.SedDocument(LEVEL, VERSION)
    doc.getSedNamespaces().getNamespaces().add(SBML_NS, "sbml")
    _check(doc.setNotes(notes(exp, references or reference_texts())), "notes", exp)
    for name, inputs in exp.conditions.items():
        _add_model(doc, exp, name, inputs, model_file(exp))
    _add_time_course(doc, "sim_timecourse", exp.until, exp.points - 1)
    if exp.scan is not None:
        _add_time_course(doc, "sim_endpoint", exp.until, 1)
    for name in exp.conditions:
        task = doc.createTask()
        task.setId(f"task_{name}")
        task.setModelReference(f"model_{name}")
        task.setSimulationReference("sim_timecourse")
    if exp.scan is not None:
        for name in exp.conditions:
            _add_scan(doc, exp, exp.scan, name)
    _add_outputs(doc, exp, model_species(model_file(exp)))
    return doc


def model_species(sbml_file: Path) -> set[str]:
    """Ids of the model's species (their XPath differs from a parameter's)."""
    doc = libsbml.readSBMLFromFile(str(sbml_file))  # keep the document alive while its model is read
    return {s.getId() for s in doc.getModel().getListOfSpecies()}


def output_xpath(id_: str, species: set[str]) -> str:
    """The XPath of an output: a species or a parameter."""
    return species_xpath(id_) if id_ in species else parameter_xpath(id_)


def _add_outputs(doc: libsedml.SedDocument, exp: Experiment, species: set[str]) -> None:
    """Data generators, one report per condition (and scan) and one plot per output."""
    unit = exp.model.time_unit
    for name in exp.conditions:
        _add_generator(doc, f"{name}_time", f"task_{name}", symbol=TIME_SYMBOL)
        for out in exp.outputs:
            _add_generator(doc, f"{name}_{out}", f"task_{name}", target=output_xpath(out, species))
        _add_report(doc, name, f"{name}: time course", [("time", f"{name}_time")] + [(o, f"{name}_{o}") for o in exp.outputs])
        if exp.scan is not None:
            param = exp.scan.parameter
            _add_generator(doc, f"scan_{name}_{param}", f"scan_{name}", target=parameter_xpath(param))
            for out in exp.outputs:
                _add_generator(doc, f"scan_{name}_{out}", f"scan_{name}", target=output_xpath(out, species))
            _add_report(doc, f"{name}_scan", f"{name}: {param} scan, values at {exp.until:g} {unit}",
                        [(param, f"scan_{name}_{param}")] + [(o, f"scan_{name}_{o}") for o in exp.outputs])
    for out in exp.outputs:
        curves = [(name, f"{name}_time", f"{name}_{out}") for name in exp.conditions]
        _add_plot(doc, f"plot_{out}", f"{exp.title}: {out}", curves, axis_label("time", unit),
                  axis_label(out, unit_of(exp.model.id, out) or ""))
    if exp.scan is not None:
        param = exp.scan.parameter
        for out in exp.outputs:
            curves = [(name, f"scan_{name}_{param}", f"scan_{name}_{out}") for name in exp.conditions]
            _add_plot(doc, f"plot_scan_{out}", f"{out} at {exp.until:g} {unit} against {param}", curves,
                      axis_label(param, unit_of(exp.model.id, param) or ""),
                      axis_label(out, unit_of(exp.model.id, out) or ""), log_x=exp.scan.range == "log")


def validation_errors(text: str) -> list[str]:
    """libsedml's messages of severity error or worse when reading SED-ML text."""
    log = libsedml.readSedMLFromString(text).getErrorLog()
    return [log.getError(i).getMessage().strip() for i in range(log.getNumErrors())
            if log.getError(i).getSeverity() >= libsedml.LIBSEDML_SEV_ERROR]


def render(exp: Experiment, references: dict[str, str] | None = None) -> bytes:
    """The SED-ML text of one experiment, checked against its model and validated."""
    check_against_model(exp, model_file(exp))
    text = libsedml.writeSedMLToString(build_document(exp, references))
    errors = validation_errors(text)
    if errors:
        raise NecroSbmlError(f"generated SED-ML is invalid: {errors[0]}", file=exp.path, id=exp.id,
                             fix="correct the catalogue entry")
    return text.encode("utf-8")


def write_all(experiments: list[Experiment] | None = None) -> list[Path]:
    """Regenerate experiments/<id>.sedml for the given (default all) experiments."""
    experiments = experiments if experiments is not None else list(load_catalogue().values())
    references = reference_texts()
    rendered = [(exp.path, render(exp, references)) for exp in experiments]
    return [write_bytes_atomic(path, data) for path, data in rendered]


def stale(experiments: list[Experiment] | None = None) -> list[Path]:
    """SED-ML files that are missing or differ from what the catalogue generates."""
    experiments = experiments if experiments is not None else list(load_catalogue().values())
    references = reference_texts()
    return [e.path for e in experiments if not e.path.is_file() or e.path.read_bytes() != render(e, references)]


def orphans(experiments: list[Experiment] | None = None) -> list[Path]:
    """SED-ML files in experiments/ with no catalogue entry."""
    ids = {e.id for e in (experiments if experiments is not None else load_catalogue().values())}
    return sorted(p for p in EXPERIMENTS_DIR.glob("*.sedml") if p.stem not in ids)
