"""Every performance benchmark in one run, each printing its table, headline ratios and targets.

    pip install -e ".[bench]"      # the peers: PyTorch (CPU), JAX, tensorgrad; SymPy is a dependency
    python benchmarks/run_all.py [--quick]

A peer that is not installed is reported as such; matcalc's own figures are printed regardless.
The results, and how they were measured, are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ("Derivation time: textbook identities and ML losses", "derivation.py"),
    ("Depth scaling: an L-layer MLP", "depth.py"),
    ("Checking an L-layer MLP's gradient: directional vs entry-wise; step texts", "check_speed.py"),
    ("Generated gradients vs hand-written NumPy, JAX and PyTorch", "generated_code.py"),
    ("The cheap-gradient bound: time(gradient) / time(f)", "cheap_gradient.py"),
    ("Value and gradient from one function vs separately, JAX and PyTorch", "value_and_grad.py"),
    ("Generated Hessians vs JAX and PyTorch", "hessians.py"),
    ("CLI cold start", "cold_start.py"),
]


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    args = parser.parse_args(argv)
    status = 0
    for title, name in SCRIPTS:
        print(f"\n{'=' * 100}\n{title}  (benchmarks/{name})\n{'=' * 100}", flush=True)
        start = time.perf_counter()
        code = _load(HERE / name).main(["--quick"] if args.quick else [])
        print(f"[{name}: {time.perf_counter() - start:.0f} s]", flush=True)
        status = status or (code or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
