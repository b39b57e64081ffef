"""Issue 12: property-based fuzzing (hypothesis, fixed seed) of the CLI's arguments, --set values, SED-ML attribute
values and archive entries. Every input ends in success or one clear NecroSbmlError (exit 0 or 2), never a
traceback or a hang, and nothing outside the output is written. 1,150 examples in all (see FUZZ_EXAMPLES).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from necro_sbml import cli
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.paths import ROOT, sbml_path
from necro_sbml.exchange.archive import check_archive
from necro_sbml.sedml.execute import execute

from test_hostile_inputs import DEFAULTS, MANIFEST, SEDML

FUZZ_EXAMPLES = {"arguments": 400, "set_values": 300, "sedml": 250, "archive": 200}


def fuzz(kind: str) -> settings:
    """Fixed-seed (derandomized) settings with this kind's example count."""
    return settings(derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                    max_examples=FUZZ_EXAMPLES[kind])


NUMBERISH = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers(-10**12, 10**12).map(str),
                      st.sampled_from(["", "nan", "-inf", "1e999", "0x10", "1_0", " 1", "ten", "'", "\\", "0", "-0", "1e-320"]),
                      st.text(max_size=12))


def _tree_state() -> dict[str, int]:
    """Modification times of the package's input and committed output files (must not change)."""
    files = [*ROOT.glob("models/**/*"), *ROOT.glob("experiments/*")]
    return {str(p): p.stat().st_mtime_ns for p in files if p.exists()}


@pytest.fixture(scope="module", autouse=True)
def untouched() -> None:
    """After every fuzz test of this module, nothing outside the fuzz outputs has been written."""
    before = _tree_state()
    yield
    assert _tree_state() == before


def _run_cli(argv: list[str]) -> tuple[int, str]:
    """cli.main in-process with stderr captured."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(argv)
    return code, err.getvalue()


def _assert_clean(code: int, err: str) -> None:
    """Exit 0 or 2, no traceback, at most one error line."""
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err and sum(line.startswith("error:") for line in err.splitlines()) == (code == 2), err


SUBCOMMANDS = ["simulate", "ensemble", "run", "build", "validate", "archive", "check", "sensitivity", "review-questions",
               "cell-report", "predictions", "export-copasi", "crosscheck", "experiments", "list", "dose-response",
               "report", "nosuch"]
OPTIONS = ["--until", "--points", "--seed", "--n", "--workers", "--chunk-size", "--output", "--set", "--max-steps",
           "--scheduler", "--plot", "--columns", "--check", "--resume", "--table", "--help", "--", "-x", "--range",
           "--drug", "--condition", "--creator", "--no-plots", "--no-cache", "--debug", "--version"]


@fuzz("arguments")
@given(command=st.sampled_from(SUBCOMMANDS), rest=st.lists(st.one_of(st.sampled_from(OPTIONS), NUMBERISH), max_size=6))
def test_fuzz_argument_parsing(command: str, rest: list[str]) -> None:
    """Any argument list parses to a namespace or ends in one `error:` line with exit 2 (or --help, exit 0)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            cli.parser().parse_args([command, *rest])
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    assert code in (0, 2) and "Traceback" not in err.getvalue()
    assert len([line for line in err.getvalue().splitlines() if line.strip()]) <= 1, err.getvalue()


IDS = st.sampled_from(["Nec1_uM", "human_MLKL", "RIPK1_kinase_active", "k_amyloid", "RIPK3_0", "TNF_ngml", "RIPK3_expr",
                       "n_necroptosis", "nosuch", "time", "", "=", "viable_frac"])


@fuzz("set_values")
@given(id_=st.one_of(IDS, st.text(max_size=8)), value=NUMBERISH)
def test_fuzz_set_values(id_: str, value: str) -> None:
    """`simulate --set ID=VALUE` with any id and value: a written CSV or one clear error."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "x.csv"
        code, err = _run_cli(["simulate", "necroptosis", "--set", f"{id_}={value}", "--until", "0.05", "--points", "2",
                              "--columns", "viable_frac", "--output", str(out)])
        _assert_clean(code, err)
        assert out.exists() == (code == 0)


ATTRIBUTES = st.sampled_from(sorted(set(DEFAULTS) - {"extra_tasks", "necro_math"}))


@fuzz("sedml")
@given(attribute=ATTRIBUTES, value=st.one_of(NUMBERISH, st.sampled_from(["../x.xml", "/etc/hostname", "http://127.0.0.1:9/",
                                                                        "necroptosis.xml", "nosuch", "sim", "t", "&amp;"])))
def test_fuzz_sedml_attribute_values(attribute: str, value: str) -> None:
    """One attribute of a SED-ML file set to anything (XML-escaped): results or one NecroSbmlError."""
    from xml.sax.saxutils import quoteattr  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(sbml_path("necroptosis"), Path(tmp) / "necroptosis.xml")
        path = Path(tmp) / "exp.sedml"
        path.write_text(SEDML.format(**{**DEFAULTS, attribute: quoteattr(value)[1:-1]}), encoding="utf-8")
        try:
            execute(path, max_steps=10_000)
        except NecroSbmlError as err:
            assert len(str(err).splitlines()) == 1


ENTRY_NAMES = st.one_of(st.sampled_from(["x.sedml", "../x.sedml", "/x.sedml", "a/../../x.sedml", "C:/x.sedml", "./x.sedml",
                                         "manifest.xml", "a\\..\\..\\x.sedml", ""]), st.text(min_size=1, max_size=12))
CONTENTS = st.one_of(st.binary(max_size=200), st.sampled_from([b"<sedML/>", b"", b"<sbml/>", b"\xff\xfe", b"<a>" * 2000]))


@fuzz("archive")
@given(entries=st.lists(st.tuples(ENTRY_NAMES, CONTENTS), min_size=1, max_size=4), listed=ENTRY_NAMES,
       with_manifest=st.booleans())
def test_fuzz_archive_entries(entries: list[tuple[str, bytes]], listed: str, with_manifest: bool) -> None:
    """Archives with any entry names and contents: checked or one NecroSbmlError, nothing extracted anywhere."""
    with tempfile.TemporaryDirectory() as tmp:
        before = set(os.listdir(tmp))
        archive = Path(tmp) / "a.omex"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            if with_manifest:
                zf.writestr("manifest.xml", MANIFEST.replace(b"./NAME", listed.encode("utf-8", "replace")))
            for name, data in entries:
                with contextlib.suppress(ValueError):  # zipfile refuses some names itself
                    zf.writestr(zipfile.ZipInfo(name or "x"), data)
        try:
            check_archive(archive)
        except NecroSbmlError as err:
            assert len(str(err).splitlines()) == 1
        assert set(os.listdir(tmp)) == before | {"a.omex"}
