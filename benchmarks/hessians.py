"""Generated Hessians vs hand-written NumPy, ``jax.jit(jax.hessian(...))`` and PyTorch on the CPU.

    python benchmarks/hessians.py [--quick] [--repeats 5] [--limit 20] [--threads one|default]

``mc.hessian(expr, wrt).to_function()`` — the closed-form Hessian as a NumPy function — is timed side by
side, on the same float64 data, with a hand-written NumPy Hessian, ``jax.jit(jax.hessian(f))`` (64-bit
floats), ``torch.autograd.functional.hessian(f, x)`` (the default, not vectorized) and
``torch.func.hessian(f)`` (forward-over-reverse), for

- logistic regression (cross-entropy) w.r.t. the weights w (n features, a fixed 2000 samples);
- the quadratic form ``x.T@A@x`` (A not symmetric), whose Hessian A + Aᵀ does not depend on x;
- the quadratic form plus a softplus, ``x.T@A@x + sum(log(1 + exp(x)))``,

at n = 100, 500, 1000, 2000. Every result is first checked against the hand-written Hessian (✓).

A second section (``--part matrix``; both run by default) times the matrix-variable vec-Hessians of
``logdet(X)``, ``det(X)``, ``trace(inv(X)@A)`` and ``trace(X.T@X@X.T@X)`` (X n×n) at n = 10, 20, 30, 50 against
hand-written NumPy (one-pass einsum outer products, scalars folded into the n×n factors), ``jax.jit(jax.hessian(f))``
and ``torch.autograd.functional.hessian``: n²×n² results whose generated code forms ``kron(A, B) @ K`` in one
pass, never multiplying a commutation matrix (targets: within 1.3× hand NumPy, faster than JAX and PyTorch).

Timing as in generated_code.py (interleaved rounds, medians, one thread per library by default), with a
time budget: an eager implementation whose first (verifying) call takes more than --slow seconds is not
called again, that call is its time (marked ¹); one whose call takes more than --limit seconds (2 s for
torch.func.hessian, a column beyond the brief) is skipped at the larger sizes.

Target (performance issue): generated Hessians ≥ 10× faster than torch.autograd.functional.hessian at n = 1000.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_code import (  # noqa: E402
    agree,
    calibrate,
    environment,
    fmt_ms,
    load_jax,
    load_torch,
    single_thread,
    source_body,
    time_all,
)

import matcalc as mc  # noqa: E402

TARGET = 10.0  # torch.autograd.functional.hessian / generated at n = TARGET_N
TARGET_N = 1000
SAMPLES = 2000  # logistic regression: rows of X
TORCH_FUNC_LIMIT = 2.0  # seconds; torch.func.hessian is not in the brief, and slow


# --------------------------------------------------------------------------------------------------
# the problems
# --------------------------------------------------------------------------------------------------


class Problem(NamedTuple):
    key: str
    title: str
    expr: str
    wrt: str
    args: tuple[str, ...]  # the peers' positional order; the variable first
    data: Callable[[np.random.Generator, int], dict[str, np.ndarray]]
    hands: dict[str, Callable[..., np.ndarray]]  # column name -> hand-written Hessian
    loss: Callable[..., Any]  # loss(ops, *args)


def _logistic_data(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    X = rng.standard_normal((SAMPLES, n)) / np.sqrt(n)
    w_true = rng.standard_normal(n)
    y = (rng.random(SAMPLES) < 1 / (1 + np.exp(-(X @ w_true)))).astype(float)
    return {"X": X, "y": y, "w": rng.standard_normal(n)}


def _quadratic_data(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return {"A": rng.standard_normal((n, n)), "x": rng.standard_normal(n)}


def hand_logistic(X, y, w):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return X.T @ ((p * (1.0 - p))[:, None] * X)


def hand_logistic_syrk(X, y, w):
    # Z.T @ Z with Z = sqrt(s) X: NumPy sees one operand and its transpose and calls BLAS syrk (half the flops)
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    Z = np.sqrt(p * (1.0 - p))[:, None] * X
    return Z.T @ Z


def hand_quadratic(A, x):
    return A + A.T


def hand_quadratic_softplus(A, x):
    s = 1.0 / (1.0 + np.exp(-x))
    H = A + A.T
    H.flat[:: len(x) + 1] += s * (1.0 - s)
    return H


def loss_logistic(ops, w, X, y):
    p = ops.sigmoid(X @ w)
    return -ops.sum(y * ops.log(p) + (1 - y) * ops.log(1 - p))


def loss_quadratic(ops, x, A):
    return x @ A @ x


def loss_quadratic_softplus(ops, x, A):
    return x @ A @ x + ops.sum(ops.log(1 + ops.exp(x)))


PROBLEMS = (
    Problem("logistic", f"logistic regression ({SAMPLES} samples)",
            "-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w", ("w", "X", "y"), _logistic_data,
            {"hand NumPy": hand_logistic, "hand, syrk": hand_logistic_syrk}, loss_logistic),
    Problem("quadratic", "quadratic form", "x.T@A@x", "x", ("x", "A"), _quadratic_data,
            {"hand NumPy": hand_quadratic}, loss_quadratic),
    Problem("softplus", "quadratic form + softplus", "x.T@A@x + sum(log(1 + exp(x)))", "x", ("x", "A"), _quadratic_data,
            {"hand NumPy": hand_quadratic_softplus}, loss_quadratic_softplus),
)

SIZES = (100, 500, 1000, 2000)
QUICK_SIZES = (100, 1000)
COLUMNS = ("generated", "hand NumPy", "hand, syrk", "jax.jit(hessian)", "torch.func.hessian", "torch.autograd")
COMPILED = ("jax.jit(hessian)",)  # the first call compiles: never a sample


def fmt_ratio(ratio: float) -> str:
    return f"{ratio:.0f}×" if ratio >= 100 else f"{ratio:.1f}×" if ratio >= 10 else f"{ratio:.2f}×"


def _call(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _peers(problem: Problem, jax_peer, torch_peer) -> dict[str, Callable[[dict], Callable[[], Any]]]:
    """For each installed peer: values -> a call computing the Hessian, inputs already converted."""
    peers: dict[str, Callable[[dict], Callable[[], Any]]] = {}
    if jax_peer is not None:
        jax, jnp, ops = jax_peer
        jax_hess = jax.jit(jax.hessian(lambda *a: problem.loss(ops, *a)))

        def make_jax(values):
            inputs = [jnp.asarray(values[k]) for k in problem.args]
            return lambda: jax_hess(*inputs).block_until_ready()

        peers["jax.jit(hessian)"] = make_jax
    if torch_peer is not None:
        torch, tops = torch_peer

        def make_torch(values, kind):
            x, *rest = [torch.from_numpy(np.ascontiguousarray(values[k])) for k in problem.args]

            def f(v):
                return problem.loss(tops, v, *rest)

            if kind == "func":
                hess = torch.func.hessian(f)
                return lambda: hess(x)
            return lambda: torch.autograd.functional.hessian(f, x)

        peers["torch.func.hessian"] = lambda values: make_torch(values, "func")
        peers["torch.autograd"] = lambda values: make_torch(values, "autograd")
    return peers


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"n = {', '.join(map(str, QUICK_SIZES))} only, fewer rounds")
    parser.add_argument("--repeats", type=int, default=None, help="rounds of samples (default 5, quick 3)")
    parser.add_argument("--min-time", type=float, default=None, help="seconds per sample (default 0.05, quick 0.02)")
    parser.add_argument("--budget", type=float, default=None, help="seconds of rounds per size (default 8, quick 3)")
    parser.add_argument("--slow", type=float, default=2.0, help="an eager call longer than this is timed once")
    parser.add_argument("--limit", type=float, default=20.0, help="a call longer than this skips the larger sizes")
    parser.add_argument("--threads", choices=["one", "default"], default="one",
                        help="one thread each for OpenBLAS, PyTorch and XLA (default), or the libraries' defaults")
    parser.add_argument("--only", choices=[p.key for p in PROBLEMS], action="append", help="run only these problems")
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="the sizes n")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--part", choices=["vector", "matrix", "both"], default="both",
                        help="the vector Hessians (the sizes above), the matrix ones (n = 10-50), or both")
    parser.add_argument("--matrix-sizes", type=int, nargs="+", default=None, help="the sizes n of the matrix Hessians")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 5)
    min_time = args.min_time or (0.02 if args.quick else 0.05)
    budget = args.budget or (3.0 if args.quick else 8.0)
    sizes = tuple(args.sizes or (QUICK_SIZES if args.quick else SIZES))
    problems = [p for p in PROBLEMS if (not args.only or p.key in args.only) and args.part != "matrix"]

    threads = single_thread() if args.threads == "one" else "threads: the libraries' defaults"
    jax_peer, jax_info = load_jax()
    torch_peer, torch_info = load_torch()
    print(environment(repeats, min_time))
    print(f"{threads}; JAX: {jax_info}; PyTorch: {torch_info}")
    print(f"an eager call over {args.slow:g} s is timed once (¹); a call over {args.limit:g} s "
          f"({TORCH_FUNC_LIMIT:g} s for torch.func.hessian) skips the larger n\n")

    if torch_peer is not None:  # torch.func's first transform costs seconds, once per process
        torch, _ = torch_peer
        torch.func.hessian(lambda v: (v ** 3).sum())(torch.ones(3, dtype=torch.float64))

    rows: list[tuple[str, int, dict[str, str], dict[str, float]]] = []  # problem, n, cells, ratios
    failures: list[str] = []
    rng = np.random.default_rng(args.seed)

    for problem in problems:
        h = mc.hessian(problem.expr, problem.wrt)
        generated = h.to_function()
        print(f"{problem.title}: ∂²/∂{problem.wrt}² {problem.expr}")
        print(f"  matcalc: {h}")
        for line in source_body(h.to_source()):
            print(f"    | {line}")
        peers = _peers(problem, jax_peer, torch_peer)
        limits = {name: TORCH_FUNC_LIMIT if name == "torch.func.hessian" else args.limit for name in COLUMNS}
        skipped: dict[str, str] = {}  # name -> why; skipped at the sizes after
        were_skipped: set[str] = set()

        for n in sizes:
            values = problem.data(rng, n)
            fns: dict[str, Callable[[], Any]] = {"generated": lambda g=generated, v=values: g(**v)}
            for name, hand in problem.hands.items():
                fns[name] = lambda f=hand, v=values: f(**v)
            for name, make in peers.items():
                if name not in skipped:
                    fns[name] = make(values)
            reference = problem.hands["hand NumPy"](**values)
            cells: dict[str, str] = {}
            first: dict[str, float] = {}
            for name, fn in fns.items():
                out, first[name] = _call(fn)
                if name in COMPILED:
                    out, first[name] = _call(fn)  # the first call compiled; this one is warm
                out = out.numpy() if hasattr(out, "numpy") else np.asarray(out)
                ok, err = agree(out, reference)
                cells[name] = "✓" if ok else "✗"
                if not ok:
                    failures.append(f"{problem.title} n={n}: {name} differs from hand NumPy (max rel. error {err:.1e})")
                if first[name] > limits[name]:
                    skipped[name] = f"skipped (> {limits[name]:g} s at n={n})"
            once = {name for name, t in first.items() if t > args.slow}
            rounds = [name for name in ("jax.jit(hessian)", "generated", "hand NumPy", "hand, syrk",
                                        "torch.func.hessian", "torch.autograd") if name in fns and name not in once]
            estimate = sum(max(first[name], min_time) for name in rounds)
            repeats_here = max(3, min(repeats, int(budget / max(estimate, 1e-9))))
            numbers = {name: 1 if first[name] >= min_time else calibrate(fns[name], min_time) for name in rounds}
            timing = time_all({name: fns[name] for name in rounds}, repeats_here, min_time, numbers)
            seconds = dict(timing.seconds)
            seconds.update({name: first[name] for name in once})
            ratios: dict[str, float] = {}
            for name in fns:
                if name in once or "generated" in once:
                    ratios[name] = seconds[name] / seconds["generated"]
                else:
                    ratios[name] = timing.ratio(name, "generated")
                mark = "¹" if name in once else ""
                cells[name] = f"{fmt_ms(seconds[name])}{mark} ({fmt_ratio(ratios[name])}) {cells[name]}"
            for name in COLUMNS:
                if name not in cells:
                    if name in skipped and name in peers:
                        cells[name] = "skipped"
                        were_skipped.add(name)
                    elif name in peers or name.startswith("hand") or name == "generated":
                        cells[name] = "—"
                    else:
                        cells[name] = "not installed"
            rows.append((problem.title, n, cells, ratios))
            print(f"  n={n:<5} " + "  ".join(f"{name} {cells[name]}" for name in COLUMNS if name in fns), flush=True)
        for name in sorted(were_skipped):
            why = skipped[name]
            print(f"  {name}: {why}")
        print()

    if rows:
        _vector_table(rows, sizes, torch_peer is not None)
    if args.part != "vector":
        from matrix_hessians import run_matrix_hessians

        matrix_sizes = tuple(args.matrix_sizes or ((10, 50) if args.quick else (10, 20, 30, 50)))
        failures += run_matrix_hessians(matrix_sizes, repeats, min_time, budget, args.slow, jax_peer, torch_peer, rng)
    for failure in failures:
        print(f"MISMATCH: {failure}")
    return 1 if failures else 0


def _vector_table(rows, sizes, have_torch: bool) -> None:
    # the table
    width = 24
    header = f"{'problem':<34} {'n':>5}" + "".join(f"{c:>{width}}" for c in COLUMNS)
    print("ms per Hessian (× generated, the median of per-round ratios); ✓ = agrees with hand-written NumPy; "
          "¹ = one call")
    print("torch.autograd = torch.autograd.functional.hessian(f, x); hand, syrk = Z.T @ Z with Z = sqrt(p (1 - p)) X")
    print(header)
    print("-" * len(header))
    for title, n, cells, _ in rows:
        print(f"{title:<34} {n:>5}" + "".join(f"{cells[c]:>{width}}" for c in COLUMNS))
    print()

    # headline ratios
    at_target = [(ratios["torch.autograd"], title) for title, n, _, ratios in rows
                 if n == TARGET_N and "torch.autograd" in ratios]
    for title, n, _, ratios in rows:
        if n == TARGET_N:
            parts = [f"{name} / generated {fmt_ratio(ratios[name])}" for name in COLUMNS[1:] if name in ratios]
            print(f"n={n} {title}: " + ", ".join(parts))
    if not have_torch:
        print("target: torch not installed")
    elif not at_target:
        print(f"target: torch.autograd.functional.hessian not measured at n = {TARGET_N} (sizes {', '.join(map(str, sizes))})")
    else:
        worst = min(at_target)
        verdict = "MET" if worst[0] >= TARGET else "NOT MET"
        geo = math.exp(sum(math.log(r) for r, _ in at_target) / len(at_target))
        print(f"target: generated Hessians ≥ {TARGET:g}× faster than torch.autograd.functional.hessian at n = {TARGET_N}: "
              f"{verdict} (worst {fmt_ratio(worst[0])}, {worst[1]}; geometric mean {fmt_ratio(geo)})")


if __name__ == "__main__":
    sys.exit(main())
