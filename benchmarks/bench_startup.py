"""Start-up costs of the command line, in one run: `--help`, `--version`, and a tissue `simulate` in a first process
(empty compiled-model cache: it compiles) against a second process (it loads the cached model) and `--no-cache`.

CPU time of each child process (user + system, from getrusage), minimum over --rounds. Prints Markdown.
Run: python benchmarks/bench_startup.py [--rounds 3].
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SIMULATE = ["simulate", "osteoporosis", "--until", "196", "--points", "197", "--set", "estrogen_target=0.1", "--columns", "BV_TV"]


def child_cpu(args: list[str], env: dict[str, str], cwd: Path) -> float:
    """CPU seconds of one `necro-sbml ARGS` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "necro_sbml.cli", *args], env=env, cwd=cwd, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env = {**os.environ, "NECRO_SBML_CACHE_DIR": str(tmp_path / "cache")}
        env.pop("NECRO_SBML_NO_CACHE", None)
        out = ["--output", str(tmp_path / "out.csv")]
        for _ in range(args.rounds):
            shutil.rmtree(tmp_path / "cache", ignore_errors=True)
            times = {
                "necro-sbml --help": child_cpu(["--help"], env, tmp_path),
                "necro-sbml --version": child_cpu(["--version"], env, tmp_path),
                "tissue simulate, first process (compiles, fills the cache)": child_cpu(SIMULATE + out, env, tmp_path),
                "tissue simulate, second process (loads from the cache)": child_cpu(SIMULATE + out, env, tmp_path),
                "tissue simulate, --no-cache": child_cpu(["--no-cache", *SIMULATE, *out], env, tmp_path),
            }
            best = {k: min(v, best.get(k, v)) for k, v in times.items()}
    print(f"| command (min of {args.rounds}) | CPU s |\n|---|---|")
    for label, seconds in best.items():
        print(f"| {label} | {seconds:.2f} |")
    first, second = best["tissue simulate, first process (compiles, fills the cache)"], best["tissue simulate, second process (loads from the cache)"]
    print(f"\nsecond-process / first-process tissue simulate: **{second / first:.2f}**")


if __name__ == "__main__":
    main()
