"""Scaling in the size of the input: derivation, printing and code generation for four families of growing size.

    python benchmarks/scaling.py [--quick] [--no-jax] [--only FAMILY] [--gc]

A script, not a timed test: it prints a table per family and the fitted exponent of each column (time ∝ size^k,
least squares on log-log). Families (built as text, with the documented limits raised for the largest):

* sums:    a1.T@x + a2.T@x + … (N terms sharing the undeclared x), d/dx
* chains:  x.T @ A1 @ A2 @ … @ AN @ x (a chain of N + 2 factors), d/dx
* nested:  sum(tanh(tanh(… tanh(x) …))) (N element-wise functions inside each other), d/dx
* mlp:     norm(W{L+1} @ tanh(W_L @ … tanh(W1 @ x)) - y)**2 (L layers), d/dW1

Columns: derive = ``mc.derive(tree, wrt)`` from a tree parsed beforehand; lets = ``d.text_with_lets()``;
source = ``d.to_source()``; function = ``d.to_function()`` (compiling the source); jax = tracing
``jax.make_jaxpr(jax.grad(f))`` for the same function written in jax.numpy (every family), and
derive / jax, the ratio. ``str(d)`` writes shared subexpressions out (its length grows as the square of
the depth for nested and mlp) and is not timed here: ``text_with_lets`` is the printed form that grows
linearly.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matcalc as mc  # noqa: E402
import matcalc.limits as limits  # noqa: E402

LINEAR = 1.1  # a fitted exponent up to this counts as linear


def sums(n: int):
    return " + ".join(f"a{k}.T@x" for k in range(1, n + 1)), "x"


def chains(n: int):
    return "x.T @ " + " @ ".join(f"A{k}" for k in range(1, n + 1)) + " @ x", "x"


def nested(n: int):
    return "sum(" + "tanh(" * n + "x" + ")" * n + ")", "x"


def mlp(n: int):
    h = "x"
    for k in range(1, n + 1):
        h = f"tanh(W{k} @ {h})"
    return f"norm(W{n + 1} @ {h} - y)**2", "W1"


def jax_sums(n: int):
    import jax.numpy as jnp

    rng = np.random.default_rng(0)
    a = [rng.standard_normal((3, 1)) for _ in range(n)]

    def f(x):
        total = a[0].T @ x
        for ak in a[1:]:
            total = total + ak.T @ x
        return jnp.sum(total)
    return f, (np.ones((3, 1)),)


def jax_chains(n: int):
    import jax.numpy as jnp

    rng = np.random.default_rng(0)
    factors = [rng.standard_normal((3, 3)) for _ in range(n)]

    def f(x):
        v = x.T
        for factor in factors:
            v = v @ factor
        return jnp.sum(v @ x)
    return f, (np.ones((3, 1)),)


def jax_nested(n: int):
    import jax.numpy as jnp

    def f(x):
        for _ in range(n):
            x = jnp.tanh(x)
        return jnp.sum(x)
    return f, (np.ones((3, 1)),)


def jax_mlp(n: int):
    import jax.numpy as jnp

    rng = np.random.default_rng(0)
    ws = [rng.standard_normal((3, 3)) for _ in range(n + 1)]
    x, y = rng.standard_normal((3, 1)), rng.standard_normal((3, 1))

    def f(w1):
        h = jnp.tanh(w1 @ x)
        for w in ws[1:n]:
            h = jnp.tanh(w @ h)
        return jnp.sum((ws[n] @ h - y) ** 2)
    return f, (ws[0],)


FAMILIES = {
    "sums": (sums, [500, 1000, 2000, 5000], jax_sums),
    "chains": (chains, [64, 128, 256, 512, 1024, 2048], jax_chains),
    "nested": (nested, [100, 200, 500, 1000], jax_nested),
    "mlp": (mlp, [32, 64, 128, 256, 512, 1000], jax_mlp),
}


COLLECTOR = False  # --gc: leave Python's cyclic garbage collector on while timing


def best_of(fn, runs: int):
    """(result, fastest time) of `runs` calls. As Python's timeit does, garbage is collected before each call
    and the collector is off during it (unless --gc): its full passes walk every object in the process, the
    interpreter's own and the libraries' included, so they add a cost that depends on the heap, not the call."""
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        if not COLLECTOR:
            gc.disable()
        try:
            t0 = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t0)
        finally:
            gc.enable()
    return result, min(times)


def slope(xs, ys) -> float:
    return float(np.polyfit([math.log(x) for x in xs], [math.log(y) for y in ys], 1)[0])


def jax_trace(build, n: int, runs: int) -> float:
    import jax

    _, args = build(n)
    return best_of(lambda: jax.make_jaxpr(jax.grad(build(n)[0]))(*args), runs)[1]  # a new function: JAX caches traces


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run per size, the smaller half of the sizes")
    parser.add_argument("--no-jax", action="store_true", help="leave JAX out")
    parser.add_argument("--only", default="", help="only the families whose name contains this")
    parser.add_argument("--gc", action="store_true", help="time with the garbage collector on (timeit's convention: off)")
    args = parser.parse_args(argv)
    global COLLECTOR
    COLLECTOR = args.gc
    runs = 1 if args.quick else 3
    use_jax = not args.no_jax
    if use_jax:
        try:
            import jax
            jax.config.update("jax_enable_x64", True)
        except ImportError:
            use_jax = False
    limits.MAX_INPUT_LENGTH = 10**7  # the documented limits, raised for the largest sizes
    limits.MAX_NESTING_DEPTH = 10**5
    limits.MAX_TREE_SIZE = 10**9
    started = time.perf_counter()
    for name, (build, sizes, jax_build) in FAMILIES.items():
        if args.only not in name:
            continue
        if args.quick:
            sizes = sizes[: max(3, len(sizes) // 2 + 1)]
        rows = []
        for n in sizes:
            text, wrt = build(n)
            tree = mc.parse(text)
            d, t_derive = best_of(lambda: mc.derive(tree, wrt), runs)
            _, t_lets = best_of(d.text_with_lets, runs)
            _, t_source = best_of(d.to_source, runs)
            try:
                _, t_function = best_of(d.to_function, runs)
            except SyntaxError:  # a chain's product text nests brackets past Python's parser limit (not yet split)
                t_function = float("nan")
            t_jax = jax_trace(jax_build, n, runs) if use_jax and jax_build else None
            rows.append((n, t_derive, t_lets, t_source, t_function, t_jax))
            print(f"  {name} {n} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
        print(f"\n{name}: {build(2)[0]}  (N = 2), d/d{build(2)[1]}")
        print(f"{'N':>6} | {'derive ms':>10} {'lets ms':>9} {'source ms':>10} {'function ms':>12} | "
              f"{'jax ms':>8} {'derive/jax':>10}")
        for n, *ts in rows:
            jax_cells = f"{ts[4] * 1e3:>8.1f} {ts[0] / ts[4]:>10.2f}" if ts[4] else f"{'':>8} {'':>10}"
            print(f"{n:>6} | {ts[0] * 1e3:>10.1f} {ts[1] * 1e3:>9.1f} {ts[2] * 1e3:>10.1f} {ts[3] * 1e3:>12.1f} | {jax_cells}")
        ns = [r[0] for r in rows]
        fits = [(col, slope(ns, [r[i] for r in rows])) for i, col in enumerate(("derive", "lets", "source", "function"), 1)
                if not any(math.isnan(r[i]) for r in rows)]
        if all(r[5] for r in rows):
            fits.append(("jax", slope(ns, [r[5] for r in rows])))
        print("exponents: " + ", ".join(f"{col} N^{k:.2f}{'' if k <= LINEAR else ' (NOT linear)'}" for col, k in fits))
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
