"""Depth scaling: the gradient of an L-layer MLP loss with respect to its first weight matrix.

    python benchmarks/depth.py [--quick] [--max-depth 64] [--timeout 60] [--no-sympy]

A script, not a timed test: it prints a table and the fitted growth exponents. For L = 1, 2, 4, …, 64:

* matcalc, tanh network: h0 = x, h_k = tanh(W_k @ h_{k-1}), loss = norm(W_{L+1} @ h_L - y)**2, derived
  with respect to W1 (the deepest weight, whose gradient runs back through every layer). Reported:
  the median time of ``mc.derive(text, "W1")`` (parsing included), the printed size of the result
  with its shared subexpressions named once (``len(d.text_with_lets())``, the form the CLI prints for
  long results) and the time that printing takes, the size of the result written out as one tree
  (``len(str(d))`` and its node count ``tree_size(d.expr)``), the number of distinct subexpressions
  (the DAG the result really is), and the total length of the step texts the derivation records.
* matcalc and SymPy, linear network (h_k = W_k @ h_{k-1}, no activation): SymPy's MatrixSymbol
  ``diff`` has no element-wise functions on matrix expressions, so this is the network both can do.
  SymPy runs in a subprocess per depth with a time limit (--timeout, 60 s); the first depth that
  runs out of time ends its column.

The growth exponent k of each column (quantity ∝ L^k) is the least-squares slope of log(quantity)
against log(L) over the depths from 8 on; "linear" means k ≤ 1.2.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matcalc as mc  # noqa: E402
from matcalc.limits import tree_size  # noqa: E402

LINEAR_SLOPE = 1.2  # a fitted exponent up to this counts as linear growth
FIT_FROM = 8  # fit the exponent on the depths from this one on (small depths are dominated by constants)


def tanh_mlp(depth: int) -> str:
    h = "x"
    for k in range(1, depth + 1):
        h = f"tanh(W{k} @ {h})"
    return f"norm(W{depth + 1} @ {h} - y)**2"


def linear_mlp(depth: int) -> str:
    h = "x"
    for k in range(1, depth + 1):
        h = f"W{k} @ {h}"
    return f"norm(W{depth + 1} @ {h} - y)**2"


CLOCK = time.perf_counter  # --clock cpu: time.process_time, which leaves out the time other processes hold the CPU


def timed(fn, budget: float, max_runs: int):
    """(last result, median seconds) over calls repeated until `budget` seconds or `max_runs` calls (at least one)."""
    times = []
    start = time.perf_counter()
    while True:
        t0 = CLOCK()
        result = fn()
        times.append(CLOCK() - t0)
        if len(times) >= max_runs or time.perf_counter() - start >= budget:
            return result, statistics.median(times)


def dag_nodes(e) -> int:
    """Distinct subexpressions of e (each shared subexpression counted once)."""
    seen = set()
    stack = [e]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(node.args)
    return len(seen)


# SymPy runs in a child process (it cannot be interrupted in-process): argv[1] is the depth,
# argv[2] the time budget for repeated calls, argv[3] the clock (wall or cpu). Prints one JSON line.
SYMPY_CHILD = r"""
import json, statistics, sys, time
import sympy as sp
from sympy.core.cache import clear_cache
depth, budget = int(sys.argv[1]), float(sys.argv[2])
clock = time.process_time if sys.argv[3] == "cpu" else time.perf_counter
n = sp.Symbol("n", integer=True, positive=True)
def loss(L):
    x, y = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("y", n, 1)
    h = x
    for k in range(1, L + 1):
        h = sp.MatrixSymbol(f"W{k}", n, n) * h
    r = sp.MatrixSymbol(f"W{L + 1}", n, n) * h - y
    return r.T * r
def derive(L):
    return loss(L).diff(sp.MatrixSymbol("W1", n, n))
derive(1)  # SymPy's first call sets things up
times, start = [], time.perf_counter()
while True:
    clear_cache()
    t0 = clock()
    d = derive(depth)
    times.append(clock() - t0)
    if len(times) >= 3 or time.perf_counter() - start >= budget:
        break
print(json.dumps({"ms": 1e3 * statistics.median(times), "chars": len(str(d)), "sympy": sp.__version__}))
"""


def sympy_available() -> bool:
    try:
        import sympy  # noqa: F401
    except ImportError:
        return False
    return True


def sympy_depth(depth: int, timeout: float, budget: float, clock: str):
    """{'ms', 'chars'} for SymPy at this depth, 'timeout', or an error text."""
    try:
        done = subprocess.run([sys.executable, "-c", SYMPY_CHILD, str(depth), str(budget), clock],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout"
    if done.returncode != 0:
        return "error: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return json.loads(done.stdout.strip().splitlines()[-1])


def slope(depths, values) -> float | None:
    """Least-squares exponent over the depths from FIT_FROM on (or the last three, when fewer reach it)."""
    pts = [(math.log(L), math.log(v)) for L, v in zip(depths, values) if v and v > 0]
    far = [(x, y) for x, y in pts if x >= math.log(FIT_FROM)]
    pts = far if len(far) >= 2 else pts[-3:]
    if len(pts) < 2:
        return None
    xs, ys = zip(*pts)
    return float(np.polyfit(xs, ys, 1)[0])


def last_doubling(depths, values) -> float | None:
    """The exponent between the last two depths: log2 of the ratio of their values when L doubles."""
    if len(depths) < 2 or not values[-1] or not values[-2] or values[-1] <= 0 or values[-2] <= 0:
        return None
    return math.log(values[-1] / values[-2]) / math.log(depths[-1] / depths[-2])


def verdict(k: float | None, last: float | None = None) -> str:
    if k is None:
        return "too few points"
    tail = f"; last doubling L^{last:.2f}" if last is not None else ""
    return f"L^{k:.2f}  {'linear' if k <= LINEAR_SLOPE else 'NOT linear'} (target k <= {LINEAR_SLOPE}){tail}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (budget 0.3 s, at most 3 calls)")
    parser.add_argument("--max-depth", type=int, default=64, help="largest L (the depths are the powers of 2 up to it)")
    parser.add_argument("--budget", type=float, default=1.5, help="seconds of repeated calls per depth and system")
    parser.add_argument("--runs", type=int, default=5, help="at most this many timed calls per depth and system")
    parser.add_argument("--timeout", type=float, default=60.0, help="SymPy's time limit per depth, in seconds")
    parser.add_argument("--check-up-to", type=int, default=8, help="check matcalc's result numerically up to this depth")
    parser.add_argument("--no-sympy", action="store_true", help="leave SymPy out")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="time matcalc with the wall clock (default) or the process's CPU time (steadier on a busy machine)")
    args = parser.parse_args(argv)
    if args.quick:
        args.budget, args.runs = 0.3, 3
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter

    depths = [1 << i for i in range(max(1, args.max_depth).bit_length()) if 1 << i <= args.max_depth]
    use_sympy = not args.no_sympy and sympy_available()
    started = time.perf_counter()
    sympy_note = f"(subprocess, {args.timeout:g} s limit)" if use_sympy else "left out" if args.no_sympy else "not installed"
    print(f"Depth scaling: d/dW1 of an L-layer MLP loss, L = {', '.join(map(str, depths))}; matcalc {mc.__version__}; "
          f"SymPy {sympy_note}")
    print(f"  tanh:   {tanh_mlp(2)}  (L = 2)")
    print(f"  linear: {linear_mlp(2)}  (L = 2)")
    print()
    mc.derive(tanh_mlp(1), "W1")  # builds the parser tables once

    rows = []
    sympy_stopped = None
    for L in depths:
        row = {"L": L}
        d, sec = timed(lambda: mc.derive(tanh_mlp(L), "W1"), args.budget, args.runs)
        row["ms"] = sec * 1e3
        t0 = time.perf_counter()
        lets = d.text_with_lets()
        row["lets_ms"] = (time.perf_counter() - t0) * 1e3
        row["lets"] = len(lets)
        row["str"] = len(str(d))
        row["tree"] = tree_size(d.expr)
        row["dag"] = dag_nodes(d.expr)
        row["steps"] = sum(len(s.text) for s in d.steps)
        row["check"] = (d.check(trials=1).status if L <= args.check_up_to else "")
        dl, sec = timed(lambda: mc.derive(linear_mlp(L), "W1"), args.budget, args.runs)
        row["lin_ms"] = sec * 1e3
        row["lin_lets"] = len(dl.text_with_lets())
        if not use_sympy:
            row["sympy"] = "not installed" if not args.no_sympy else "left out"
        elif sympy_stopped:
            row["sympy"] = f"skipped ({sympy_stopped})"
        else:
            got = sympy_depth(L, args.timeout, args.budget, args.clock)
            row["sympy"] = got
            if not isinstance(got, dict):
                sympy_stopped = f"{got} at L={L}"
        rows.append(row)
        print(f"  L={L:<3} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)

    head = (f"{'L':>3} | {'tanh: ms':>9} {'lets chars':>10} {'lets ms':>8} {'str chars':>10} {'tree nodes':>10} "
            f"{'dag nodes':>9} {'steps chars':>11} {'check':>6} | {'linear: ms':>10} {'chars':>6} | "
            f"{'SymPy linear: ms':>16} {'chars':>6}")
    print(head)
    print("-" * len(head))
    for r in rows:
        sy = r["sympy"]
        sy_cells = f"{sy['ms']:>16.1f} {sy['chars']:>6}" if isinstance(sy, dict) else f"{sy:>23}"
        print(f"{r['L']:>3} | {r['ms']:>9.1f} {r['lets']:>10} {r['lets_ms']:>8.1f} {r['str']:>10} {r['tree']:>10} "
              f"{r['dag']:>9} {r['steps']:>11} {r['check']:>6} | {r['lin_ms']:>10.1f} {r['lin_lets']:>6} | {sy_cells}")
    print()
    print(f"times in ms ({'process CPU time' if args.clock == 'cpu' else 'wall clock'}); SymPy's limit is wall clock")
    print("tanh: ms = median mc.derive(text, 'W1'); lets chars = len(d.text_with_lets()), lets ms = the time to print it; "
          "str chars = len(str(d)) (one tree);")
    print("tree nodes = tree_size(d.expr); dag nodes = distinct subexpressions; steps chars = total length of d.steps' texts; "
          "check = d.check(trials=1)")
    print("linear: the same network without activation (ms, len(d.text_with_lets())); SymPy: MatrixSymbol diff, cache cleared, "
          "len(str(result))")

    Ls = [r["L"] for r in rows]
    print()
    print(f"Growth exponents k (value ∝ L^k, least squares on log-log over L >= {FIT_FROM}, else the last three depths):")
    fits = [
        ("matcalc tanh: derivation time", [r["ms"] for r in rows]),
        ("matcalc tanh: printed size (lets)", [r["lets"] for r in rows]),
        ("matcalc tanh: printing time (lets)", [r["lets_ms"] for r in rows]),
        ("matcalc tanh: size as one tree (str)", [r["str"] for r in rows]),
        ("matcalc tanh: distinct subexpressions", [r["dag"] for r in rows]),
        ("matcalc tanh: step texts", [r["steps"] for r in rows]),
        ("matcalc linear: derivation time", [r["lin_ms"] for r in rows]),
        ("matcalc linear: printed size", [r["lin_lets"] for r in rows]),
    ]
    sy_rows = [(r["L"], r["sympy"]) for r in rows if isinstance(r["sympy"], dict)]
    if sy_rows:
        fits.append(("SymPy linear: derivation time", [s["ms"] for _, s in sy_rows]))
        fits.append(("SymPy linear: printed size", [s["chars"] for _, s in sy_rows]))
    for name, values in fits:
        xs = [L for L, _ in sy_rows] if name.startswith("SymPy") else Ls
        print(f"  {name:<40} {verdict(slope(xs, values), last_doubling(xs, values))}")
    if use_sympy and sy_rows:
        both = [(r["L"], r["lin_ms"], r["sympy"]["ms"]) for r in rows if isinstance(r["sympy"], dict)]
        print("  SymPy / matcalc time on the linear network: "
              + ", ".join(f"L={L}: {s / m:.1f}x" for L, m, s in both))
    if sympy_stopped:
        print(f"  SymPy stopped: {sympy_stopped}")

    print()
    print("Targets")
    k_time, k_size = slope(Ls, [r["ms"] for r in rows]), slope(Ls, [r["lets"] for r in rows])
    for what, k in (("derivation time linear in L (tanh MLP)", k_time), ("printed size linear in L (tanh MLP)", k_size)):
        if k is None:
            print(f"  {what:<42} too few depths to fit")
        else:
            print(f"  {what:<42} k = {k:.2f} (target <= {LINEAR_SLOPE})  {'MET' if k <= LINEAR_SLOPE else 'NOT MET'}")
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
