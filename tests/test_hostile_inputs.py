"""Issue 12: hostile and faulty input. One test (or a few) per numbered case of the issue; each failed before the fix."""

from __future__ import annotations

import errno
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from necro_sbml import cli
from necro_sbml.building.annotate import read_table
from necro_sbml.building.build import compile_antimony, read_initial_state
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.paths import model_names, sbml_path
from necro_sbml.exchange.archive import check_archive
from necro_sbml.sedml.execute import execute
from necro_sbml.ensembles.uncertainty import load_uncertainty

SEDML = """<?xml version="1.0" encoding="UTF-8"?>
<sedML xmlns="http://sed-ml.org/sed-ml/level1/version4" xmlns:sbml="http://www.sbml.org/sbml/level3/version2/core" level="1" version="4">
  <listOfModels>
    <model id="m" language="urn:sedml:language:sbml.level-3.version-2" source="{source}">
      <listOfChanges>
        <changeAttribute target="/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='TNF_ngml']/@value" newValue="{new_value}"/>
      </listOfChanges>
    </model>
  </listOfModels>
  <listOfSimulations>
    <uniformTimeCourse id="sim" initialTime="0" outputStartTime="0" outputEndTime="{end}" numberOfSteps="{steps}">
      <algorithm kisaoID="KISAO:0000019">
        <listOfAlgorithmParameters>
          <algorithmParameter kisaoID="KISAO:0000209" value="{rtol}"/>
        </listOfAlgorithmParameters>
      </algorithm>
    </uniformTimeCourse>
  </listOfSimulations>
  <listOfTasks>
    <task id="t" modelReference="m" simulationReference="{sim_ref}"/>
    {extra_tasks}
  </listOfTasks>
  <listOfDataGenerators>
    <dataGenerator id="viable">
      <listOfVariables><variable id="v" target="/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='viable_frac']" taskReference="t"/></listOfVariables>
      <math xmlns="http://www.w3.org/1998/Math/MathML"><ci>v</ci></math>
    </dataGenerator>
    <dataGenerator id="necro">
      <listOfVariables><variable id="w" target="/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='necroptotic_frac']" taskReference="t"/></listOfVariables>
      <math xmlns="http://www.w3.org/1998/Math/MathML">{necro_math}</math>
    </dataGenerator>
  </listOfDataGenerators>
  <listOfOutputs>
    <report id="r">
      <listOfDataSets>
        <dataSet id="d1" label="viable_frac" dataReference="viable"/>
        <dataSet id="d2" label="{second_label}" dataReference="necro"/>
      </listOfDataSets>
    </report>
  </listOfOutputs>
</sedML>
"""
DEFAULTS = {"source": "necroptosis.xml", "new_value": "100", "end": "2", "steps": "4", "rtol": "1e-8", "sim_ref": "sim",
            "extra_tasks": "", "necro_math": "<ci>w</ci>", "second_label": "necroptotic_frac"}


def sedml(tmp_path: Path, **values: str) -> Path:
    """A small SED-ML file on the cell model (copied beside it), with some attributes replaced."""
    shutil.copy(sbml_path("necroptosis"), tmp_path / "necroptosis.xml")
    path = tmp_path / "exp.sedml"
    path.write_text(SEDML.format(**{**DEFAULTS, **values}), encoding="utf-8")
    return path


def one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run the CLI in-process; assert exit 2 and one `error:` line, the last on stderr (after progress lines)."""
    code = cli.main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    errors = [line for line in err.splitlines() if not line.startswith("[")]
    assert len(errors) == 1 and errors[0].startswith("error: ") and err.endswith(errors[0]) and "Traceback" not in err, err
    return errors[0]


def cli_subprocess(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh process (a crash or a traceback shows in its exit code and stderr)."""
    return subprocess.run([sys.executable, "-m", "necro_sbml.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_sedml_baseline_runs(tmp_path: Path) -> None:
    """The template itself is valid: the hostile variants below differ from it in one attribute."""
    result = execute(sedml(tmp_path))
    assert result.reports["r"]["viable_frac"].shape == (5, 1)


# ------------------------------------------------------------------ 3. the loader follows paths and URLs


@pytest.mark.parametrize("text", ["http://127.0.0.1:9/x.xml", "SBML_PATH", "file:///etc/hostname"])
def test_3_model_file_holding_a_path_or_url_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    """RoadRunner would fetch the URL or simulate the other file: the loader refuses any text that is not SBML XML."""
    model = tmp_path / "model.xml"
    model.write_text(text.replace("SBML_PATH", str(sbml_path("necroptosis"))), encoding="utf-8")
    err = one_line_exit_2(capsys, ["simulate", str(model), "--until", "1", "--output", str(tmp_path / "o.csv")])
    assert "not SBML XML" in err and not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("source, problem", [
    ("ABSOLUTE", "absolute model source"),
    ("../../../../../../../../etc/passwd", "leaves the SED-ML file's tree"),
    ("http://127.0.0.1:9/model.xml", "unsupported"),
])
def test_3_sedml_model_source_is_confined(tmp_path: Path, source: str, problem: str) -> None:
    """Absolute, escaping and URL sources are refused before anything is read; no file contents in the message."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(sbml_path("necroptosis"), elsewhere / "other.xml")
    path = sedml(tmp_path, source=source.replace("ABSOLUTE", str(elsewhere / "other.xml")))
    with pytest.raises(NecroSbmlError, match=problem) as err:
        execute(path)
    assert "root:" not in str(err.value) and len(str(err.value).splitlines()) == 1


# ------------------------------------------------------------------------- 4. archive --check


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    """A zip with the given entries (deflated)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


MANIFEST = (b'<?xml version="1.0"?><omexManifest xmlns="http://identifiers.org/combine.specifications/omex-manifest">'
            b'<content location="." format="http://identifiers.org/combine.specifications/omex"/>'
            b'<content location="./NAME" format="http://identifiers.org/combine.specifications/sed-ml"/></omexManifest>')


@pytest.mark.parametrize("name", ["../../x.sedml", "/abs/x.sedml"])
def test_4_archive_entry_names_outside_the_archive_are_refused(tmp_path: Path, name: str) -> None:
    archive = _zip(tmp_path / "a.omex", {"manifest.xml": MANIFEST.replace(b"./NAME", name.encode()), name: b"<sedML/>"})
    with pytest.raises(NecroSbmlError, match="absolute or leaves the archive"):
        check_archive(archive)


def test_4_archive_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    """A member that inflates far beyond its compressed size (or above the size limit) is refused from the directory."""
    archive = _zip(tmp_path / "bomb.omex", {"manifest.xml": MANIFEST.replace(b"NAME", b"x.sedml"),
                                             "x.sedml": b"<sedML>" + b" " * (80 * 2**20) + b"</sedML>"})
    assert archive.stat().st_size < 2**20
    with pytest.raises(NecroSbmlError, match="limit"):
        check_archive(archive)


def test_4_corrupt_deflate_data_is_one_error(tmp_path: Path) -> None:
    data = bytes(range(256)) * 400
    archive = _zip(tmp_path / "c.omex", {"manifest.xml": MANIFEST.replace(b"NAME", b"x.sedml"), "x.sedml": data})
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("x.sedml")
    raw = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)  # the first deflate block header
    raw[start:start + 16] = b"\xff" * 16  # reserved block type: zlib.error "invalid block type"
    archive.write_bytes(bytes(raw))
    with pytest.raises(NecroSbmlError, match="corrupt"):
        check_archive(archive)


# ---------------------------------------------------------------------------- 5. deep nesting


def _deep_sbml(tmp_path: Path, levels: int = 20000) -> Path:
    """The cell model with `levels` nested <p> elements in its notes (0.3 MB)."""
    text = sbml_path("necroptosis").read_text(encoding="utf-8")
    deep = '<notes><body xmlns="http://www.w3.org/1999/xhtml">' + "<p>" * levels + "x" + "</p>" * levels + "</body></notes>"
    start = text.index(">", text.index("<sbml")) + 1
    path = tmp_path / "deep.xml"
    path.write_text(text[:start] + deep + text[start:], encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["validate", "simulate"])
def test_5_deeply_nested_xml_is_refused_not_a_crash(tmp_path: Path, command: str) -> None:
    path = _deep_sbml(tmp_path)
    args = [str(path)] if command == "validate" else [str(path), "--until", "1", "--output", str(tmp_path / "o.csv")]
    result = cli_subprocess(command, *args)
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])
    assert "nested deeper than" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_5_deeply_nested_sedml_is_refused(tmp_path: Path) -> None:
    path = sedml(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("<listOfModels>", "<notes>" + "<p>" * 20000 + "</p>" * 20000 + "</notes><listOfModels>"),
                    encoding="utf-8")
    with pytest.raises(NecroSbmlError, match="nested deeper than"):
        execute(path)


# ------------------------------------------------------------------------- 7. silent wrong results


@pytest.mark.parametrize("values, problem", [
    ({"end": "nan"}, "outputEndTime is nan"),
    ({"end": "inf"}, "outputEndTime is inf"),
    ({"second_label": "viable_frac"}, "two dataSets labelled 'viable_frac'"),
    ({"necro_math": "<apply><divide/><ci>w</ci><cn>0</cn></apply>"}, "non-finite"),
])
def test_7_sedml_silent_wrong_results_are_errors(tmp_path: Path, values: dict[str, str], problem: str) -> None:
    with pytest.raises(NecroSbmlError, match=problem):
        execute(sedml(tmp_path, **values))


@pytest.mark.parametrize("argv, fragment", [
    (["simulate", "necroptosis", "--until", "1", "--points", "0", "--output", "OUT/x.csv"], "--points"),
    (["simulate", "necroptosis", "--until", "1", "--set", "human_MLKL=7", "--output", "OUT/x.csv"], "neither 0 nor 1"),
    (["simulate", "necroptosis", "--until", "1", "--set", "RIPK1_kinase_active=0.5", "--output", "OUT/x.csv"], "neither 0 nor 1"),
    (["simulate", "necroptosis", "--until", "1", "--set", "k_amyloid=-5", "--output", "OUT/x.csv"], "negative value"),
    (["simulate", "necroptosis", "--until", "1", "--set", "RIPK3_0=-1", "--output", "OUT/x.csv"], "negative value"),
    (["run", "tsz_necroptosis", "--output", ""], "empty path"),
])
def test_7_bad_values_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> None:
    argv = [a.replace("OUT", str(tmp_path)) for a in argv]
    assert fragment in one_line_exit_2(capsys, argv)
    assert not list(tmp_path.iterdir())


def refused_table(tmp_path: Path, spread: str, problem: str) -> None:
    """An uncertainty table with one k_amyloid entry of the given spread lines is refused with the problem."""
    table = tmp_path / "u.toml"
    table.write_text(f'[necroptosis.parameters.k_amyloid]\nids = ["k_amyloid"]\n{spread}\nsource = "test"\n', encoding="utf-8")
    with pytest.raises(NecroSbmlError, match=problem):
        load_uncertainty("necroptosis", table)


def test_7_negative_uncertainty_bound_is_refused(tmp_path: Path) -> None:
    refused_table(tmp_path, 'distribution = "uniform"\nlow = -5.0\nhigh = 1.0', "negative low")


def test_7_negative_initial_amount_is_refused() -> None:
    with pytest.raises(NecroSbmlError, match="amount >= 0"):
        read_initial_state("id\tamount\nocy__RIPK1\t-3\n", "osteoporosis.initial.tsv")


# ------------------------------------------------------------------------ 8. tracebacks, exit 1


@pytest.mark.parametrize("data, problem", [
    (b"", "empty"),
    (b"\xff\xfe<sbml/>", "not UTF-8"),
    (b"<html><body>hello</body></html>", "root element <html>"),
    (b'<?xml version="1.0"?><!DOCTYPE sbml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><sbml>&b;</sbml>', "DTD"),
    (b"<sbml><model", "not well-formed"),
])
@pytest.mark.parametrize("command", ["validate", "simulate"])
def test_8_model_file_that_is_not_sbml(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, problem: str,
                                       command: str) -> None:
    model = tmp_path / "model.xml"
    model.write_bytes(data)
    args = [str(model)] if command == "validate" else [str(model), "--until", "1", "--output", str(tmp_path / "o.csv")]
    assert problem in one_line_exit_2(capsys, [command, *args])


@pytest.mark.parametrize("argv", [
    ["ensemble", "tsz_necroptosis", "--n", "2", "--seed", "-1", "--output", "OUT"],
    ["ensemble", "tsz_necroptosis", "--n", "2", "--until", "0", "--output", "OUT"],
    ["ensemble", "tsz_necroptosis", "--n", "2", "--until", "nan", "--output", "OUT"],
    ["ensemble", "tsz_necroptosis", "--n", "2", "--until", "inf", "--output", "OUT"],
    ["ensemble", "tsz_necroptosis", "--n", "2", "--until", "1e7", "--output", "OUT"],
    ["ensemble", "tsz_necroptosis", "--n", "2", "--chunk-size", "0", "--output", "OUT"],
    ["ensemble", "tsz_necroptosis", "--n", "2", "--workers", "0", "--output", "OUT"],
    ["simulate", "necroptosis", "--until", "-1", "--output", "OUT/x.csv"],
    ["build", "--check", "nosuch"],
    ["ensemble", "tsz_necroptosis", "--n", "1000000000000", "--output", "OUT"],
])
def test_8_bad_arguments_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    one_line_exit_2(capsys, [a.replace("OUT", str(tmp_path / "out")) for a in argv])
    assert not (tmp_path / "out").exists()


def test_8_non_numeric_sigma(tmp_path: Path) -> None:
    refused_table(tmp_path, 'distribution = "lognormal"\nsigma = "wide"', "sigma 'wide' is not a number")


@pytest.mark.parametrize("values, problem", [
    ({"new_value": "ten"}, "newValue 'ten' is not a number"),
    ({"rtol": "-1e-6"}, "must be positive"),
    ({"steps": "0"}, "numberOfSteps 0"),
    ({"steps": "-5"}, "numberOfSteps -5"),
    ({"sim_ref": "nosuch"}, "unknown simulation 'nosuch'"),
    ({"extra_tasks": '<repeatedTask id="loop" range="r" resetModel="false"><listOfRanges><vectorRange id="r">'
                     '<value>1</value></vectorRange></listOfRanges><listOfSubTasks><subTask order="1" task="loop"/>'
                     '</listOfSubTasks></repeatedTask>'}, "subTask cycle"),
    ({"extra_tasks": '<repeatedTask id="loop" range="r" resetModel="false"><listOfRanges><vectorRange id="r"/>'
                     '</listOfRanges><listOfSubTasks><subTask order="1" task="t"/></listOfSubTasks></repeatedTask>'},
     "empty vectorRange"),
])
def test_8_sedml_values_that_cannot_run(tmp_path: Path, values: dict[str, str], problem: str) -> None:
    with pytest.raises(NecroSbmlError, match=problem):
        execute(sedml(tmp_path, **values))


def test_8_package_input_files(tmp_path: Path) -> None:
    """Non-UTF-8 Antimony and annotation files, a directory named like a model, a bad initial-state row."""
    ant = tmp_path / "x.ant"
    ant.write_bytes(b"model x()\n  A = 1 \xff\nend\n")
    with pytest.raises(NecroSbmlError, match="not UTF-8"):
        compile_antimony(ant)
    table = tmp_path / "annotations.tsv"
    table.write_bytes(b"\xfe\xff")
    with pytest.raises(NecroSbmlError, match="not UTF-8"):
        read_table(table)
    models = tmp_path / "models"
    (models / "y.ant").mkdir(parents=True)
    with pytest.raises(NecroSbmlError, match="is a directory"):
        model_names(models)
    with pytest.raises(NecroSbmlError, match="bad row 2"):
        read_initial_state("id\tamount\nocy__RIPK1\tlots\n", "osteoporosis.initial.tsv")


def test_8_disk_full_during_run_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out"))

    monkeypatch.setattr("pandas.DataFrame.to_csv", full)
    assert "No space left on device" in one_line_exit_2(capsys, ["run", "tsz_necroptosis", "--output", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()


def test_8_ctrl_c_is_exit_130_and_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("necro_sbml.simulation.simulate.timecourse", interrupt)
    assert cli.main(["simulate", "necroptosis", "--until", "1", "--output", str(tmp_path / "x.csv")]) == 130
    assert capsys.readouterr().err.strip() == "interrupted; earlier results intact"


# ----------------------------------------------------------------------------- 9. bound on work


@pytest.mark.parametrize("values", [
    {"steps": "20000000"},
    {"extra_tasks": '<repeatedTask id="loop" range="r" resetModel="true"><listOfRanges><uniformRange id="r" start="0" '
                    'end="1" numberOfSteps="100000000" type="linear"/></listOfRanges><listOfSubTasks>'
                    '<subTask order="1" task="t"/></listOfSubTasks></repeatedTask>'},
])
def test_9_work_bound_refuses_huge_step_counts_at_once(tmp_path: Path, values: dict[str, str]) -> None:
    with pytest.raises(NecroSbmlError, match="--max-steps"):
        execute(sedml(tmp_path, **values))


def test_9_dose_response_range_is_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = one_line_exit_2(capsys, ["dose-response", "necroptosis", "--drug", "Nec1_uM", "--range", "0.1:10:100000000",
                                   "--output", str(tmp_path / "x.csv")])
    assert "limit 10000" in err


# ----------------------------------------------------------------- 11. bad output paths found first


@pytest.mark.parametrize("command", ["check", "predictions", "run", "cell-report"])
def test_11_output_that_is_a_file_fails_before_any_simulation(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    def no_simulation(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("simulated before checking the output path")

    monkeypatch.setattr("necro_sbml.simulation.simulate.load", no_simulation)
    blocker = tmp_path / "a_file"
    blocker.write_bytes(b"keep")
    assert "existing file" in one_line_exit_2(capsys, [command, "--output", str(blocker)])
    assert blocker.read_bytes() == b"keep"


def test_11_solver_log_is_captured_into_the_one_line_error(tmp_path: Path) -> None:
    """CVODE's own multi-line log no longer precedes the error: stderr is the one error line, naming CVODE."""
    result = cli_subprocess("simulate", "necroptosis", "--set", "TNF_ngml=100", "--set", "Smac_uM=1", "--set", "zVAD_uM=20",
                            "--set", "n_necroptosis=-4", "--until", "24", "--output", str(tmp_path / "x.csv"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "CVODE" in result.stderr, result.stderr


# ------------------------------------------------------------------------------ 12. interoperability


def test_12_build_check_of_an_unknown_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert "unknown model" in one_line_exit_2(capsys, ["build", "--check", "nosuch"])


def test_12_names_are_safe_for_generated_code() -> None:
    """No SED-ML name or title holds a quote or backslash that tellurium would paste into a Python literal."""
    from necro_sbml.sedml.catalogue import load_catalogue  # noqa: PLC0415
    import libsedml  # noqa: PLC0415

    for exp in load_catalogue().values():
        doc = libsedml.readSedMLFromFile(str(exp.path))
        elements = doc.getListOfAllElements()
        names = [elements.get(i).getName() for i in range(elements.getSize()) if elements.get(i).isSetName()]
        assert not [n for n in names if set(n) & {"'", '"', "\\", "\n"}], exp.id


# ---------------------------------------------------------------- 1, 2. ensembles: mixing and destruction

EXPERIMENT = "tsz_necroptosis"


@pytest.fixture(scope="module")
def study():
    """The TSZ experiment shortened to 2 h."""
    from necro_sbml.ensembles.members import study_from_experiment  # noqa: PLC0415

    return study_from_experiment(EXPERIMENT, until=2.0)


@pytest.fixture(scope="module")
def uncertainty():
    """The committed uncertainty table of the cell model."""
    return load_uncertainty("necroptosis")


def _snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under a directory, by relative path."""
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def _ensemble(study, uncertainty, out: Path, seed: int, **kwargs):
    from necro_sbml.ensembles.ensemble import run_ensemble  # noqa: PLC0415

    return run_ensemble(study, uncertainty, 6, seed, out, chunk_size=2, stream=None, **kwargs)


def test_1_second_run_into_a_locked_output_fails_naming_the_holder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """While one run holds the output, a second `ensemble` into it fails at once and touches nothing."""
    out = tmp_path / "run"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom necro_sbml.core.lock import output_lock\n"
                               f"with output_lock({str(out)!r}):\n    print('held', flush=True)\n    time.sleep(60)\n"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        err = one_line_exit_2(capsys, ["ensemble", EXPERIMENT, "--n", "2", "--until", "1", "--seed", "2",
                                       "--output", str(out)])
        assert "in use by another run" in err and f"pid {holder.pid}" in err
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()


def test_1_resume_refuses_chunks_of_another_run(tmp_path: Path, study, uncertainty) -> None:
    """A chunk written by a seed-2 run inside a seed-1 run is recomputed on --resume, never mixed in."""
    import pandas as pd  # noqa: PLC0415

    one, two = _ensemble(study, uncertainty, tmp_path / "one", 1), _ensemble(study, uncertainty, tmp_path / "two", 2)
    reference = pd.read_csv(one / "summary" / "finals.csv")
    foreign = two / "chunks" / "members-00001.parquet"
    shutil.copy(foreign, one / "chunks" / foreign.name)
    shutil.copy(two / "chunks" / "trajectories-00001.parquet", one / "chunks" / "trajectories-00001.parquet")
    (one / "chunks" / "members-00002.parquet").write_bytes(b"garbage")  # a truncated or garbage chunk
    log = io.StringIO()
    from necro_sbml.ensembles.ensemble import run_ensemble  # noqa: PLC0415

    run_ensemble(study, uncertainty, 6, 1, one, chunk_size=2, stream=log, resume=True)
    assert "1 of 3 chunks already written" in log.getvalue()
    pd.testing.assert_frame_equal(pd.read_csv(one / "summary" / "finals.csv"), reference)


@pytest.mark.parametrize("argv", [
    ["--chunk-size", "0"], ["--workers", "0"], ["--scheduler", "tcp://127.0.0.1:9"], ["--until", "-1"], ["--n", "0"],
])
def test_2_bad_argument_leaves_a_finished_ensemble_intact(tmp_path: Path, capsys: pytest.CaptureFixture[str], study,
                                                         uncertainty, argv: list[str]) -> None:
    out = _ensemble(study, uncertainty, tmp_path / "run", 1)
    before = _snapshot(out)
    args = ["ensemble", EXPERIMENT, "--n", "6", "--until", "2", "--chunk-size", "2", "--output", str(out), *argv]
    one_line_exit_2(capsys, args)
    assert _snapshot(out) == before


def test_2_interrupted_rerun_keeps_the_old_run_whole(tmp_path: Path, study, uncertainty, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during a non-resumed rerun: every old chunk and the old summary stay, matching the old run.json."""
    from necro_sbml.ensembles import ensemble  # noqa: PLC0415

    out = _ensemble(study, uncertainty, tmp_path / "run", 1)
    before = _snapshot(out)
    real = ensemble.run_chunk
    calls = []

    def interrupted(chunk):
        calls.append(chunk.index)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(chunk)

    monkeypatch.setattr(ensemble, "run_chunk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _ensemble(study, uncertainty, out, 2)
    assert _snapshot(out) == before
    monkeypatch.setattr(ensemble, "run_chunk", real)
    rerun = _ensemble(study, uncertainty, out, 2)  # a complete rerun replaces the old run whole
    assert _snapshot(rerun) != before and not list(tmp_path.glob(".run.*"))


# ------------------------------------------------------------------ 6. whole-directory output swaps


def test_6_stale_temporaries_of_killed_runs_are_cleaned(tmp_path: Path) -> None:
    from necro_sbml.core.atomic import atomic_output_dir  # noqa: PLC0415

    final = tmp_path / "results"
    (tmp_path / ".results.k1ll3d.tmp" / "sub").mkdir(parents=True)
    with atomic_output_dir(final) as tmp:
        (tmp / "a.csv").write_text("new", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_6_kill_during_the_swap_never_mixes_old_and_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed between moving the old output away and moving the new one in: the next run restores the old one."""
    import os  # noqa: PLC0415

    from necro_sbml.core import atomic  # noqa: PLC0415

    final = tmp_path / "results"
    with atomic.atomic_output_dir(final) as tmp:
        for name in ("a.csv", "b.png", "c.png"):
            (tmp / name).write_text("old", encoding="utf-8")
    real, calls = os.replace, []

    def killed(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt), atomic.atomic_output_dir(final) as tmp:
        (tmp / "a.csv").write_text("new", encoding="utf-8")
    monkeypatch.setattr(atomic.os, "replace", real)
    assert not final.exists()  # the instant of the kill: neither half is at the output path
    atomic.clean_stale(final)
    assert {p.name: p.read_text(encoding="utf-8") for p in final.iterdir()} == dict.fromkeys(("a.csv", "b.png", "c.png"), "old")


# -------------------------------------------------------------------- 10. workers die with the parent


def test_10_pool_workers_die_when_the_parent_is_killed(tmp_path: Path) -> None:
    import os  # noqa: PLC0415
    import signal  # noqa: PLC0415
    import time  # noqa: PLC0415

    psutil = pytest.importorskip("psutil")
    parent = subprocess.Popen([sys.executable, "-m", "necro_sbml.cli", "ensemble", EXPERIMENT, "--n", "400", "--workers", "2",
                               "--chunk-size", "5", "--output", str(tmp_path / "run")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        workers: list = []
        while time.monotonic() < deadline and len(workers) < 2:
            line = parent.stderr.readline()  # progress lines appear once workers run chunks
            workers = [c for c in psutil.Process(parent.pid).children(recursive=True) if c.is_running()]
            if not line and parent.poll() is not None:
                break
        assert len(workers) >= 2, "the pool did not start"
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
    gone, alive = psutil.wait_procs(workers, timeout=20)
    assert not alive, [p.pid for p in alive]
