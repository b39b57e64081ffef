"""The on-disk cache of compiled models: identical results in a second process, damage, size bound, bypass."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import roadrunner

from necro_sbml.core.paths import sbml_path
from necro_sbml.simulation import model_cache, simulate

# Simulate the tissue model in a fresh interpreter; report whether it compiled and the exact results.
PROBE = """
import json, sys, roadrunner
compiled = []
class Counting(roadrunner.RoadRunner):
    def __init__(self, *args):
        compiled.extend(args[:1])
        super().__init__(*args)
roadrunner.RoadRunner = Counting
from necro_sbml.cli import main
args = sys.argv[1:]
code = main([*args, "simulate", "osteoporosis", "--until", "30", "--points", "4", "--set", "estrogen_target=0.1",
             "--columns", "BV_TV,osteoclasts,ocy__pMLKL_frac", "--output", "out.csv"])
print(json.dumps({"code": code, "compiled": len(compiled), "csv": open("out.csv").read()}))
"""


def probe(cache: Path, cwd: Path, *args: str) -> dict:
    """Run PROBE with the given cache directory; its JSON report."""
    env = {**os.environ, "NECRO_SBML_CACHE_DIR": str(cache)}
    env.pop("NECRO_SBML_NO_CACHE", None)
    out = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_process_loads_the_compiled_model_with_identical_results(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = probe(cache, tmp_path)
    assert first["code"] == 0 and first["compiled"] == 1
    assert len(list(cache.glob("*.rrstate"))) == 1
    second = probe(cache, tmp_path)
    assert second["compiled"] == 0  # loaded from the cache
    assert second["csv"] == first["csv"]  # every digit of every value


def test_no_cache_option_compiles_and_writes_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    result = probe(cache, tmp_path, "--no-cache")
    assert result["code"] == 0 and result["compiled"] == 1
    assert not cache.exists() or not list(cache.glob("*.rrstate"))


def test_concurrent_writers_leave_one_intact_entry(tmp_path: Path) -> None:
    """Two processes compiling into the same empty cache at once: both succeed, one valid entry."""
    cache = tmp_path / "cache"
    env = {**os.environ, "NECRO_SBML_CACHE_DIR": str(cache)}
    env.pop("NECRO_SBML_NO_CACHE", None)
    dirs = [tmp_path / "a", tmp_path / "b"]
    for d in dirs:
        d.mkdir()
    runs = [subprocess.Popen([sys.executable, "-c", PROBE], cwd=d, env=env, stdout=subprocess.PIPE, text=True) for d in dirs]
    reports = [json.loads(r.communicate()[0].strip().splitlines()[-1]) for r in runs]
    assert [r["code"] for r in reports] == [0, 0] and reports[0]["csv"] == reports[1]["csv"]
    entries = list(cache.glob("*.rrstate"))
    assert len(entries) == 1 and not list(cache.glob(".*.tmp"))
    assert probe(cache, tmp_path)["compiled"] == 0


def test_damaged_entry_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NECRO_SBML_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("NECRO_SBML_NO_CACHE", raising=False)
    model_cache.write("abc", b"state bytes")
    assert model_cache.read("abc") == b"state bytes"
    path = model_cache.entry("abc")
    path.write_bytes(path.read_bytes()[:-3])  # truncated
    assert model_cache.read("abc") is None
    assert model_cache.read("missing") is None


def test_cache_is_bounded_oldest_removed_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NECRO_SBML_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("NECRO_SBML_NO_CACHE", raising=False)
    for k, key in enumerate(("old", "mid", "new")):
        model_cache.write(key, b"x" * 1000, max_bytes=10**6)
        os.utime(model_cache.entry(key), (1000 + k, 1000 + k))
    model_cache.prune(max_bytes=2500)
    assert [model_cache.read(k) is not None for k in ("old", "mid", "new")] == [False, True, True]


def test_environment_bypass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NECRO_SBML_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("NECRO_SBML_NO_CACHE", "1")
    model_cache.write("abc", b"state")
    assert not list(tmp_path.iterdir()) and model_cache.read("abc") is None


def test_lljit_compile_gives_results_identical_to_mcjit() -> None:
    """The models are compiled with LLJIT (faster); roadrunner's default MCJIT gives the same numbers, bit for bit."""
    sbml = sbml_path("osteoporosis").read_text(encoding="utf-8")
    backend = roadrunner.Config.getValue(roadrunner.Config.LLVM_BACKEND)
    lljit = roadrunner.RoadRunner()
    lljit.loadStateS(simulate.compile_state(sbml))
    assert roadrunner.Config.getValue(roadrunner.Config.LLVM_BACKEND) == backend  # restored
    roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, roadrunner.Config.MCJIT)
    try:
        mcjit = roadrunner.RoadRunner(sbml)
    finally:
        roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, backend)
    runs = []
    for rr in (lljit, mcjit):
        rr.integrator.relative_tolerance, rr.integrator.absolute_tolerance = 1e-8, 1e-10
        rr.model.setValue("init(estrogen_target)", 0.1)
        rr.resetAll()
        rr.timeCourseSelections = ["time", "BV_TV", "osteoclasts", "ocy__pMLKL_frac", "TNF_pgml"]
        runs.append(np.asarray(rr.simulate(0.0, 60.0, 61)))
    assert np.array_equal(runs[0], runs[1])
    assert runs[0][-1, 1] < runs[0][0, 1]  # OVX loses bone: the run is not trivial
