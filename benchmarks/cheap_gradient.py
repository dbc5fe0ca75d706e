"""The cheap-gradient bound: does a generated gradient cost at most a small constant times the function?

    python benchmarks/cheap_gradient.py [--quick] [--repeats 5] [--min-time 0.02] [--soak 60] [--soak-n 1000]

For the issue's probes (``x.T@a@b.T@x``, ``x.T@(I + a@a.T)@x``, ``sum(diag(x)@A@diag(x))``,
``trace(A@diag(x)@B@diag(x))``, ``x.T@A@x``), the benchmark models of benchmarks/generated_code.py and a sample
of the soak corpus (benchmarks/soak.py's generator, scalar functions only), at n = 10³ and 10⁴ (smaller
where f itself is O(n³)), this times, side by side in one process:

- f: the function's own value, the NumPy code matcalc generates for the expression;
- grad: the generated gradient (``Derivative.to_function()``), with code generation's cost-aware rewriting
  (matcalc/codegen/cheap.py) and, for the before/after comparison, without it (``cheap.ENABLED = False``;
  only where an n×n array has at most ``--max-before`` entries: the old form may build one);
- hand: the probes' hand-written NumPy gradient, as a person writes it.

Timing: ``--repeats`` rounds, each sampling every implementation once (a sample: at least ``--min-time``
seconds of back-to-back calls), rounds alternately forwards and backwards; a ratio is the median of the
per-round ratios. It prints time(grad) / time(f) per case, time(grad) / max(time(f), floor) (the floor: writing
an array of the variable's size, which any gradient code does, see FLOOR), the worst of the latter and its
expression, and generated / hand-written for the probes. Target (issue 21): time(grad) ≤ 5 × max(time(f), floor).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matcalc as mc  # noqa: E402
from matcalc.codegen import cheap  # noqa: E402
from matcalc.codegen.source import function_source  # noqa: E402
from matcalc.expr import symbols  # noqa: E402

BOUND = 5.0  # time(gradient) / max(time(f), FLOOR)
# FLOOR: the time to write an array of the variable's size (a copy of its value). Any code producing a gradient
# writes one, reverse-mode autodiff included: the gradient of trace(S) w.r.t. an n×n S is I, n² entries, though
# trace(S) reads n of S's. The bound is checked against max(time(f), FLOOR); time(grad) / time(f) is printed too.

# (expression, variable, declarations, sizes {dim: n}, hand-written gradient or None)
PROBES = [
    ("x.T@a@b.T@x", "x", None, lambda v: v["a"] * (v["b"] @ v["x"]) + v["b"] * (v["a"] @ v["x"])),
    ("x.T@(I + a@a.T)@x", "x", None, lambda v: 2 * (v["x"] + v["a"] * (v["a"] @ v["x"]))),
    ("sum(diag(x)@A@diag(x))", "x", None, lambda v: v["A"] @ v["x"] + v["x"] @ v["A"]),
    ("trace(A@diag(x)@B@diag(x))", "x", None, lambda v: (v["A"].T * v["B"] + v["A"] * v["B"].T) @ v["x"]),
    ("x.T@A@x", "x", None, lambda v: v["A"] @ v["x"] + v["x"] @ v["A"]),
    # a gradient w.r.t. a symmetric matrix, sym(G): f reads A twice (two products by a vector), its gradient writes
    # an n×n matrix and adds its transpose, as hand-written NumPy does
    ("y.T@A@A@y", "A", "A: matrix(n, n) symmetric", lambda v: (lambda g: g + g.T)(np.outer(v["A"] @ v["y"], v["y"]))),
]
MODELS = [
    ("sum((X@w - y)**2)", "w", "X: matrix(n, d); w: vector(d); y: vector(n)", None),
    ("sum(log(1 + exp(-y * (X @ w))))", "w", "X: matrix(n, d); w: vector(d); y: vector(n)", None),
    ("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w", "X: matrix(n, d); w: vector(d); y: vector(n)",
     None),
    ("sum((W2 @ tanh(W1 @ X) - Y)**2)", "W1", "X: matrix(d, n); W1: matrix(h, d); W2: matrix(o, h); Y: matrix(o, n)", None),
    ("sum((W2 @ relu(W1 @ X) - Y)**2)", "W1", "X: matrix(d, n); W1: matrix(h, d); W2: matrix(o, h); Y: matrix(o, n)", None),
    # a Gaussian's negative log-likelihood w.r.t. its covariance, n ≫ d samples: the chain's order is the sizes' affair
    ("c * logdet(S) + trace(inv(S) @ X.T @ X)", "S", "c: scalar; S: matrix(d, d) spd; X: matrix(n, d)",
     lambda v: (lambda t: v["c"] * t - t @ (v["X"].T @ v["X"]) @ t)(np.linalg.inv(v["S"]).T)),
]
MODEL_SIZES = {"d": 100, "h": 256, "o": 10}


def arrays_for(syms, sizes: dict[str, int], rng) -> dict[str, np.ndarray]:
    """Random arrays honouring the declared properties (entries in (0.1, 1), scaled so products stay moderate)."""
    out = {}
    for s in syms:
        shape = tuple(d.evaluate(sizes) for d in s.shape)
        a = rng.uniform(0.1, 1.0, shape) / np.sqrt(max(shape))
        if "spd" in s.props:
            a = a @ a.T + np.eye(shape[0])
        elif "symmetric" in s.props:
            a = (a + a.T) / 2
        elif "diagonal" in s.props:
            a = np.diag(np.diag(a))
        out[s.name] = a if shape[1] != 1 else a.reshape(-1)
    return out


def sample(fn, min_time: float) -> float:
    """Seconds per call, over at least min_time of back-to-back calls."""
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return elapsed / calls


def ratios(fns: dict[str, object], repeats: int, min_time: float) -> dict[str, float]:
    """Median over interleaved rounds of time(k) / time('f') for every k, the median time of f, and 'grad / floor':
    time(grad) / max(time(f), time('write')), 'write' being a copy of the variable's value (see FLOOR)."""
    per: dict[str, list[float]] = {k: [] for k in fns}
    for r in range(repeats):
        for k in (list(fns) if r % 2 == 0 else list(fns)[::-1]):
            per[k].append(sample(fns[k], min_time))
    out = {k: statistics.median(a / b for a, b in zip(per[k], per["f"])) for k in fns if k not in ("f", "write")}
    out["f"] = statistics.median(per["f"])
    out["grad / floor"] = statistics.median(g / max(f, w) for g, f, w in zip(per["grad"], per["f"], per["write"]))
    return out


def case(expr: str, wrt: str, where: str | None, sizes: dict[str, int], hand, args, max_before: float) -> dict:
    d = mc.derive(expr, wrt, where=where)
    params = list(symbols(d.f))
    values = arrays_for(params + ([d.wrt] if d.wrt not in params else []), sizes, np.random.default_rng(0))
    scope: dict = {}
    exec(function_source(d.f, params, "f", "f"), scope)  # noqa: S102
    grad = d.to_function()
    variable = values[d.wrt.name]
    fns = {"f": lambda: scope["f"](**values), "grad": lambda: grad(**values), "write": lambda: np.array(variable)}
    if max(sizes.values()) ** 2 <= max_before:  # the old code may form an n×n temporary: only where it fits
        cheap.ENABLED = False
        try:
            before = d.to_function()
        finally:
            cheap.ENABLED = True
        fns["before"] = lambda: before(**values)
    if hand is not None:
        fns["hand"] = lambda: hand(values)
        got, want = np.ravel(fns["grad"]()), np.ravel(fns["hand"]())
        assert np.allclose(got, want, rtol=1e-8, atol=1e-10), f"{expr}: generated ≠ hand-written"
    out = ratios(fns, args.repeats, args.min_time)
    if "hand" in out:
        out["vs hand"] = out["grad"] / out["hand"]
    return out


def soak_cases(count: int, seed: int = 0):
    """Scalar functions from the soak corpus's generator, with a variable they depend on."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import soak

    out, index = [], 0
    while len(out) < count and index < 50 * count:
        e, var, _layout, _table = soak.make_case(seed, index, 4, 60)
        index += 1
        if var is None or e.shape != (soak.ONE, soak.ONE) or any(d not in ("n", "m") for s in symbols(e)
                                                                 for dim in s.shape for d in dim.names()):
            continue
        syms = symbols(e)
        if var not in syms:
            continue
        try:
            mc.derive(str(e), var.name, where=soak.where_of(syms)).to_source("g")
        except Exception:  # noqa: BLE001  (a case matcalc refuses is not a timing case)
            continue
        out.append((str(e), var.name, soak.where_of(syms), None))
    return out


def report(title: str, rows: list[tuple[str, str, dict]]) -> None:
    print(f"\n## {title}\n")
    print("| expression, wrt | size | f | grad / f | grad / max(f, floor) | before / f | grad / hand |")
    print("|---|---|---|---|---|---|---|")
    for expr, size, r in rows:
        before = f"{r['before']:.2f}" if "before" in r else "—"
        hand = f"{r['vs hand']:.2f}" if "vs hand" in r else "—"
        print(f"| `{expr}` | {size} | {r['f'] * 1e3:.3f} ms | {r['grad']:.2f} | {r['grad / floor']:.2f} | {before} | {hand} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 10³ only, 3 rounds")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.02)
    parser.add_argument("--soak", type=int, default=60, help="soak-corpus cases to time")
    parser.add_argument("--soak-n", type=int, default=1000, help="n of the soak cases (m = n // 2 + 1)")
    parser.add_argument("--max-before", type=float, default=2e7, help="largest n×n temporary the old code may form")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats = 3
    ns = (1000,) if args.quick else (1000, 10000)
    worst: list[tuple[float, str]] = []
    rows = []
    for expr, wrt, where, hand in PROBES:
        for n in ns if "A" not in expr else ns[:1] + ((2000,) if not args.quick else ()):  # f is O(n²): 10⁴ is 0.8 GB
            r = case(expr, wrt, where, {"n": n}, hand, args, args.max_before)
            rows.append((f"{expr}, {wrt}", f"n = {n}", r))
            worst.append((r["grad / floor"], f"{expr} wrt {wrt} at n = {n}"))
    report("Probes (issue 21)", rows)
    rows = []
    for expr, wrt, where, hand in MODELS:
        for n in ns:
            r = case(expr, wrt, where, {**MODEL_SIZES, "n": n}, hand, args, args.max_before)
            rows.append((f"{expr}, {wrt}", f"n = {n}", r))
            worst.append((r["grad / floor"], f"{expr} wrt {wrt} at n = {n}"))
    report("Benchmark models (n samples; d = 100, h = 256, o = 10)", rows)
    rows = []
    for expr, wrt, where, hand in soak_cases(args.soak):
        n = args.soak_n
        try:
            r = case(expr, wrt, where, {"n": n, "m": n // 2 + 1}, hand, args, args.max_before)
        except Exception as err:  # noqa: BLE001
            print(f"skipped {expr}: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}")
            continue
        rows.append((f"{expr}, {wrt}", f"n = {n}", r))
        worst.append((r["grad / floor"], f"{expr} wrt {wrt} at n = {n}"))
    report(f"Soak corpus sample (n = {args.soak_n}, m = n/2 + 1)", rows)
    ratio, what = max(worst)
    print(f"\nworst time(grad) / max(time(f), floor): {ratio:.2f} ({what}); bound {BOUND:g}: "
          f"{'met' if ratio <= BOUND else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
