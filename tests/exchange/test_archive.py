"""The COMBINE archive: contents, metadata, bad archives, and execution by tellurium and BioSimulators COPASI."""

from __future__ import annotations

import json
import os
import subprocess
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from necro_sbml.exchange.archive import SEDML_FORMAT, build_archive, check_archive
from necro_sbml.sedml.catalogue import load_catalogue
from necro_sbml.core.errors import NecroSbmlError

BIOSIMULATORS_PYTHON = os.environ.get("NECRO_BIOSIMULATORS_PYTHON", "")


def test_archive_holds_models_experiments_readme_and_metadata(archive_file: Path) -> None:
    locations = check_archive(archive_file)
    ids = load_catalogue()
    assert {f"experiments/{i}.sedml" for i in ids} <= set(locations)
    assert {"models/sbml/necroptosis.xml", "README.md"} <= set(locations)
    with zipfile.ZipFile(archive_file) as zf:
        assert "metadata.rdf" in zf.namelist()
        manifest = zf.read("manifest.xml").decode()
        rdf = zf.read("metadata.rdf").decode()
    assert f'location="experiments/tsz_necroptosis.sedml" format="{SEDML_FORMAT}"' in manifest
    assert "combine.specifications/sbml.level-3.version-2" in manifest and 'location="."' in manifest
    for needle in ("dc:title", "dc:creator", "dcterms:created", "dcterms:modified", "dcterms:license",
                   "taxonomy:9606", "isDescribedBy", "10.3389/fendo.2022.1032614"):
        assert needle in rdf, needle


def _rewrite(src: Path, dest: Path, drop: str = "", replace: tuple[str, bytes] | None = None) -> Path:
    """Copy an archive, leaving out one member or replacing its content."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for item in zin.infolist():
            if item.filename == drop:
                continue
            data = replace[1] if replace and item.filename == replace[0] else zin.read(item.filename)
            zout.writestr(item, data)
    return dest


def test_corrupt_and_incomplete_archives_are_named(archive_file: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.omex"
    truncated.write_bytes(archive_file.read_bytes()[: archive_file.stat().st_size // 2])
    with pytest.raises(NecroSbmlError, match="not a zip file") as err:
        check_archive(truncated)
    assert err.value.file == str(truncated) and "necro-sbml archive" in err.value.fix
    with pytest.raises(NecroSbmlError, match="no manifest") as err:
        check_archive(_rewrite(archive_file, tmp_path / "nomanifest.omex", drop="manifest.xml"))
    with pytest.raises(NecroSbmlError, match="lacks") as err:
        check_archive(_rewrite(archive_file, tmp_path / "missing.omex", drop="experiments/ko_ripk3.sedml"))
    assert err.value.id == "experiments/ko_ripk3.sedml"
    with pytest.raises(NecroSbmlError, match="lacks") as err:
        check_archive(_rewrite(archive_file, tmp_path / "nomodel.omex", drop="models/sbml/necroptosis.xml"))
    assert err.value.id == "models/sbml/necroptosis.xml"
    with pytest.raises(NecroSbmlError, match="invalid SED-ML entry"):
        check_archive(_rewrite(archive_file, tmp_path / "bad.omex", replace=("experiments/ko_mlkl.sedml", b"<sedML/>")))


def test_archive_written_atomically(archive_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "kept.omex"
    target.write_bytes(archive_file.read_bytes())
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(NecroSbmlError, match="cannot write"):
        build_archive(blocker / "a.omex")
    assert target.read_bytes() == archive_file.read_bytes()


def test_archive_is_reproducible(archive_file: Path, tmp_path: Path) -> None:
    """Issue 12 case 12: two builds are equal byte for byte (fixed timestamps, sorted entries)."""
    again = build_archive(tmp_path / "again.omex")
    assert again.read_bytes() == archive_file.read_bytes()
    with zipfile.ZipFile(again) as zf:
        assert zf.namelist() == sorted(zf.namelist()) and {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.fixture(scope="module")
def tellurium_outputs(archive_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """tellurium's own runner on the unchanged archive, outputs on (its generated Python draws and saves every
    plot, issue 12 case 12): data generators of every SED-ML file, and the output folder."""
    import matplotlib
    import tellurium as te

    matplotlib.use("Agg")
    out = tmp_path_factory.mktemp("tellurium_outputs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = te.executeCombineArchive(str(archive_file), createOutputs=True, saveOutputs=True, outputDir=str(out),
                                           plottingEngine="matplotlib")
    return {Path(k).name: {g: np.asarray(v) for g, v in r["dataGenerators"].items()} for k, r in results.items()}, out


@pytest.fixture(scope="module")
def tellurium_results(tellurium_outputs: tuple[dict, Path]) -> dict[str, dict[str, np.ndarray]]:
    """Data generators of every SED-ML file, computed by tellurium."""
    return tellurium_outputs[0]


def test_tellurium_runs_every_experiment_of_the_archive(tellurium_outputs: tuple[dict, Path]) -> None:
    results, out = tellurium_outputs
    assert set(results) == {f"{i}.sedml" for i in load_catalogue()}
    assert any(p.name.startswith("dose_gsk872_plot") for p in out.iterdir())  # the title with GSK'872 generated


def test_executor_matches_tellurium_on_every_experiment(tellurium_results: dict, suite_results: dict) -> None:
    """Same numbers as tellurium (CVODE at rtol 1e-8 in both): every data generator within 1e-6 relative."""
    for exp_id, result in suite_results.items():
        theirs = tellurium_results[f"{exp_id}.sedml"]
        assert set(theirs) == set(result.generators), exp_id
        for dg_id, ours in result.generators.items():
            assert theirs[dg_id].shape == ours.shape, (exp_id, dg_id)
            assert np.allclose(ours, theirs[dg_id], rtol=1e-6, atol=1e-9), (exp_id, dg_id)


DUMP_H5 = """
import h5py, json, sys
out = {}
with h5py.File(sys.argv[1]) as f:
    def visit(name, node):
        if isinstance(node, h5py.Dataset):
            labels = [str(l) for l in node.attrs["sedmlDataSetLabels"]]
            out[name] = {l: node[i].reshape(-1, node[i].shape[-1])[:, -1].tolist() for i, l in enumerate(labels)}
    f.visititems(visit)
print(json.dumps(out))
"""


@pytest.mark.skipif(not BIOSIMULATORS_PYTHON, reason="set NECRO_BIOSIMULATORS_PYTHON to the python of a venv with "
                    "biosimulators-copasi (it pins numpy<2); .ci/run does this")
def test_biosimulators_copasi_runs_the_archive(archive_file: Path, tmp_path: Path, suite_results: dict) -> None:
    """BioSimulators' COPASI runner executes the archive unchanged; its end points agree with the executor."""
    cli = Path(BIOSIMULATORS_PYTHON).parent / "biosimulators-copasi"
    run = subprocess.run([str(cli), "-i", str(archive_file), "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    dump = subprocess.run([BIOSIMULATORS_PYTHON, "-c", DUMP_H5, str(tmp_path / "out" / "reports.h5")],
                          capture_output=True, text=True, check=True)
    copasi = json.loads(dump.stdout)
    for exp_id, result in suite_results.items():
        for report_id, columns in result.reports.items():
            theirs = copasi[f"experiments/{exp_id}.sedml/{report_id}"]
            for label, values in columns.items():
                ours = values[-1, :] if values.shape[1] > 1 else values[-1:, 0]
                assert np.allclose(ours, theirs[label], rtol=1e-3, atol=1e-6), (exp_id, report_id, label)
