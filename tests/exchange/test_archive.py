"""The COMBINE archive: contents, metadata, bad archives, and execution by tellurium and BioSimulators COPASI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import warnings
import zipfile
from pathlib import Path

from xml.etree import ElementTree as ET

import libcombine
import numpy as np
import pytest

from necro_sbml.exchange.archive import SEDML_FORMAT, archive_warnings, build_archive, check_archive
from necro_sbml.exchange.omex_metadata import ARCHIVE_URI, NS, parse_creator
from necro_sbml.building.metadata import Creator, load_metadata
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
    for needle in ("dc:title", "dc:creator", "dc:created", "dc:modified", "dc:license",
                   "taxonomy:9606", "taxonomy:10116", "isDescribedBy", "10.3389/fendo.2022.1032614"):
        assert needle in rdf, needle


def _metadata_of(archive_path: Path) -> dict[str, ET.Element]:
    """metadata.rdf read back through libcombine: subject URI -> its rdf:Description."""
    archive = libcombine.CombineArchive()
    assert archive.initializeFromArchive(str(archive_path))
    try:
        root = ET.fromstring(archive.extractEntryToString("metadata.rdf"))
    finally:
        archive.cleanUp()
    return {d.get(f"{{{NS['rdf']}}}about"): d for d in root.findall(f"{{{NS['rdf']}}}Description")}


def _labelled(about: ET.Element, tag: str) -> dict[str, str]:
    """URI -> rdfs:label of the blank nodes under one predicate (the shape BioSimulations reads)."""
    out = {}
    for node in about.findall(f"{tag}/{{{NS['rdf']}}}Description"):
        ident = node.find(f"{{{NS['dc']}}}identifier")
        out[ident.get(f"{{{NS['rdf']}}}resource") if ident is not None else ""] = node.findtext(f"{{{NS['rdfs']}}}label")
    return out


def test_metadata_describes_archive_and_each_model_in_full(archive_file: Path) -> None:
    """Every field BioSimulations reads, with a label on every URI; taxa and dates per model."""
    dc, bq, bqm = f"{{{NS['dc']}}}", f"{{{NS['bqbiol']}}}", f"{{{NS['bqmodel']}}}"
    described = _metadata_of(archive_file)
    models = {m: f"{ARCHIVE_URI}/models/sbml/{m}.xml" for m in ("necroptosis", "bone_remodelling", "osteoporosis")}
    assert set(described) == {ARCHIVE_URI, *models.values()}
    expected_taxa = {"necroptosis": {"https://identifiers.org/taxonomy:9606": "Homo sapiens"},
                     "bone_remodelling": {"https://identifiers.org/taxonomy:10116": "Rattus norvegicus"},
                     "osteoporosis": {"https://identifiers.org/taxonomy:10116": "Rattus norvegicus"}}
    for model, uri in models.items():
        about, meta = described[uri], load_metadata(model)
        assert _labelled(about, f"{bq}hasTaxon") == expected_taxa[model]
        assert about.findtext(f"{dc}created/*/*") == meta.created and about.findtext(f"{dc}modified/*/*") == meta.modified
        assert about.findtext(f"{dc}title") and about.findtext(f"{dc}description").startswith(f"{model}:")
        citations = _labelled(about, f"{bqm}isDescribedBy")
        assert citations and all(u.startswith("https://doi.org/10.") and label for u, label in citations.items())
    archive = described[ARCHIVE_URI]
    assert set(_labelled(archive, f"{bq}hasTaxon")) == {"https://identifiers.org/taxonomy:9606",
                                                        "https://identifiers.org/taxonomy:10116"}
    assert _labelled(archive, f"{dc}license") == {
        "https://creativecommons.org/licenses/by/4.0/": "Creative Commons Attribution 4.0 International (CC BY 4.0)"}
    hu2022 = _labelled(archive, f"{bqm}isDescribedBy")["https://doi.org/10.3389/fendo.2022.1032614"]
    assert "Necroptosis: a new target for prevention of osteoporosis" in hu2022
    creators = archive.findall(f"{dc}creator/{{{NS['rdf']}}}Description")
    assert creators and all(c.findtext(f"{{{NS['foaf']}}}name") == c.findtext(f"{{{NS['rdfs']}}}label") for c in creators)


def test_placeholder_creator_warns_and_creator_option_names_a_person(archive_file: Path, tmp_path: Path) -> None:
    """models/metadata.toml holds only a placeholder person: the check warns; --creator replaces it everywhere."""
    assert all(c.placeholder for m in ("necroptosis", "osteoporosis") for c in load_metadata(m).creators)
    warnings_ = archive_warnings(archive_file)
    assert warnings_ and all("placeholder" in w and "--creator" in w for w in warnings_)
    person = parse_creator("Ada Maria Lovelace <ada@example.org> [0000-0002-1825-0097]")
    assert person == Creator("Ada Maria", "Lovelace", "ada@example.org", orcid="0000-0002-1825-0097")
    named = build_archive(tmp_path / "named.omex", (person,))
    assert archive_warnings(named) == []
    about = _metadata_of(named)[ARCHIVE_URI]
    node = about.find(f"{{{NS['dc']}}}creator/{{{NS['rdf']}}}Description")
    assert node.findtext(f"{{{NS['foaf']}}}name") == "Ada Maria Lovelace"
    assert node.find(f"{{{NS['foaf']}}}mbox").get(f"{{{NS['rdf']}}}resource") == "mailto:ada@example.org"
    assert node.find(f"{{{NS['dc']}}}identifier").get(f"{{{NS['rdf']}}}resource") == "https://orcid.org/0000-0002-1825-0097"
    for bad in ("Plato", "Ada Lovelace [12-34]"):
        with pytest.raises(NecroSbmlError, match="bad creator"):
            parse_creator(bad)


def test_every_sedml_entry_is_master_and_tellurium_inline_import_keeps_all(archive_file: Path) -> None:
    """tellurium's inline-OMEX import keeps only master entries; BioSimulators runs every master SED-ML file."""
    import tellurium as te

    with zipfile.ZipFile(archive_file) as zf:
        manifest = ET.fromstring(zf.read("manifest.xml"))
    sedml = [c for c in manifest if c.get("format") == SEDML_FORMAT]
    assert len(sedml) == len(load_catalogue()) and all(c.get("master") == "true" for c in sedml)
    assert all(c.get("master") != "true" for c in manifest if c.get("format") != SEDML_FORMAT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inline = te.convertCombineArchive(str(archive_file))
    kept = re.findall(r"^// -- Begin PhraSEDML block converted from (\S+)\.sedml$", inline, flags=re.M)
    assert sorted(kept) == sorted(load_catalogue())


READ_METADATA = """
import json, sys
from biosimulators_utils.omex_meta.io import BiosimulationsOmexMetaReader
md, errors, warnings = BiosimulationsOmexMetaReader().run(sys.argv[1])
print(json.dumps({"metadata": md, "errors": errors, "warnings": warnings}, default=str))
"""


@pytest.mark.skipif(not BIOSIMULATORS_PYTHON, reason="set NECRO_BIOSIMULATORS_PYTHON to the python of a venv with "
                    "biosimulators-copasi (it brings biosimulators-utils); .ci/run does this")
def test_biosimulations_reader_recovers_every_field(archive_file: Path, tmp_path: Path) -> None:
    """BioSimulations' own OMEX metadata reader: no errors or warnings; creators, dates, licence, taxa, citations."""
    with zipfile.ZipFile(archive_file) as zf:
        zf.extract("metadata.rdf", tmp_path)
    run = subprocess.run([BIOSIMULATORS_PYTHON, "-c", READ_METADATA, str(tmp_path / "metadata.rdf")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    read = json.loads(run.stdout)
    assert read["errors"] == [] and read["warnings"] == []
    by_uri = {m["uri"]: m for m in read["metadata"]}
    assert set(by_uri) == {".", "./models/sbml/necroptosis.xml", "./models/sbml/bone_remodelling.xml",
                           "./models/sbml/osteoporosis.xml"}
    archive = by_uri["."]
    assert archive["creators"] and all(c["label"] for c in archive["creators"])
    assert archive["created"] == "2026-11-27T00:00:00Z" and archive["modified"]
    assert archive["license"]["uri"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {t["label"] for t in archive["taxa"]} == {"Homo sapiens", "Rattus norvegicus"}
    assert len(archive["citations"]) >= 5 and all(c["label"] and c["uri"] for c in archive["citations"])
    assert [t["label"] for t in by_uri["./models/sbml/osteoporosis.xml"]["taxa"]] == ["Rattus norvegicus"]
    assert [t["label"] for t in by_uri["./models/sbml/necroptosis.xml"]["taxa"]] == ["Homo sapiens"]


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
def tellurium_results(archive_file: Path) -> dict[str, dict[str, np.ndarray]]:
    """Data generators of every SED-ML file, computed by tellurium's own runner on the unchanged archive."""
    import tellurium as te

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = te.executeCombineArchive(str(archive_file), createOutputs=False)
    return {Path(k).name: {g: np.asarray(v) for g, v in r["dataGenerators"].items()} for k, r in results.items()}


def test_tellurium_runs_every_experiment_of_the_archive(tellurium_results: dict) -> None:
    assert set(tellurium_results) == {f"{i}.sedml" for i in load_catalogue()}


def test_tellurium_draws_the_plots_of_an_archived_experiment(archive_file: Path, tmp_path: Path) -> None:
    """Issue 12 case 12: with outputs on, tellurium pastes plot titles into generated Python; GSK'872's title
    (an apostrophe) was a SyntaxError. The experiment and its model, taken unchanged from the archive, plot."""
    import matplotlib
    import tellurium as te

    matplotlib.use("Agg")
    keep = ("experiments/dose_gsk872.sedml", "models/sbml/necroptosis.xml")
    small = tmp_path / "gsk872.omex"
    with zipfile.ZipFile(archive_file) as src, zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as dst:
        manifest = src.read("manifest.xml").decode("utf-8")
        lines = [line for line in manifest.splitlines() if "location=" not in line or any(k in line for k in keep)
                 or 'location="."' in line]
        dst.writestr("manifest.xml", "\n".join(lines))
        for name in keep:
            dst.writestr(name, src.read(name))
    out = tmp_path / "out"
    out.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        te.executeCombineArchive(str(small), createOutputs=True, saveOutputs=True, outputDir=str(out), plottingEngine="matplotlib")
    assert len([p for p in out.iterdir() if p.name.startswith("dose_gsk872_plot")]) >= 3


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


def test_cli_check_warns_on_placeholder_and_rejects_a_bad_creator(archive_file: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from necro_sbml.cli import main

    assert main(["archive", "--check", str(archive_file)]) == 0
    captured = capsys.readouterr()
    assert "OK" in captured.out and "warning:" in captured.err and "placeholder" in captured.err
    assert main(["archive", "--output", str(tmp_path / "x.omex"), "--creator", "Plato"]) == 2
    assert "bad creator 'Plato'" in capsys.readouterr().err and not (tmp_path / "x.omex").exists()
