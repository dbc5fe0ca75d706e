"""A loss and its gradient from one generated function (``with_value=True``) vs computing them separately,
and vs ``jax.value_and_grad`` and ``torch.func.grad_and_value``, on the CPU.

    python benchmarks/value_and_grad.py [--quick] [--repeats 9] [--min-time 0.05] [--threads one|default]

An optimiser (``scipy.optimize.minimize(fun, x0, jac=True)``, any gradient method with a line search)
asks for the loss and its gradient at the same point. For each problem of benchmarks/generated_code.py
(least squares, logistic regression in two spellings, a 2-layer MLP) this times, side by side in one
process on the same float64 data:

- ``together``: ``mc.derive(loss, wrt).to_function(with_value=True)`` — one NumPy function, shared
  subexpressions (the forward pass) computed once;
- ``separately``: the generated NumPy value function, then the generated NumPy gradient;
- ``jax``: ``jax.jit(jax.value_and_grad(loss))``, and ``jax gen``: the generated JAX function
  (``target="jax", with_value=True``) under ``jax.jit``;
- ``torch``: ``torch.func.grad_and_value(loss)``, and ``torch gen``: the generated PyTorch function.

Every implementation is first checked against ``together`` (value and gradient). Rounds interleave the
implementations (forwards and backwards alternately); a ratio is the median of per-round ratios.
The printed headline: separately / together (above 1: one function is faster) and together / jax
(below 1: the generated NumPy function is faster than JAX's).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generated_code import (  # noqa: E402
    PROBLEMS,
    agree,
    environment,
    fmt_ms,
    load_jax,
    load_torch,
    single_thread,
    time_all,
)

import matcalc as mc  # noqa: E402
from matcalc.codegen import function_source  # noqa: E402
from matcalc.expr import symbols  # noqa: E402


def value_function(d, target: str = "numpy"):
    """The generated function of the loss alone (the same emitter, the value as the result)."""
    params = list(symbols(d.f))
    source = function_source(d.f, params, "value", "the loss", target=target)
    namespace: dict = {}
    exec(compile(source, "<value>", "exec"), namespace)  # generated from the tree, not user text
    return namespace["value"]


def implementations(problem, data, jax_peer, torch_peer):
    d = mc.derive(problem.expr, problem.wrt)
    together = d.to_function(with_value=True)
    value, grad = value_function(d), d.to_function()
    fns = {
        "together": lambda: together(**data),
        "separately": lambda: (value(**data), grad(**data)),
    }
    if jax_peer is not None:
        jax, jnp, ops = jax_peer
        args = [jnp.asarray(data[a]) for a in problem.args]
        vg = jax.jit(jax.value_and_grad(lambda *a: problem.loss(ops, *a)))
        gen = jax.jit(d.to_function(target="jax", with_value=True))
        kw = {a: jnp.asarray(data[a]) for a in problem.args}
        fns["jax"] = lambda: jax.block_until_ready(vg(*args))
        fns["jax gen"] = lambda: jax.block_until_ready(gen(**kw))
    if torch_peer is not None:
        torch, tops = torch_peer
        targs = [torch.as_tensor(data[a], dtype=torch.float64) for a in problem.args]
        gv = torch.func.grad_and_value(lambda *a: problem.loss(tops, *a))
        tgen = d.to_function(target="torch", with_value=True)
        tkw = dict(zip(problem.args, targs))
        fns["torch"] = lambda: gv(*targs)[::-1]
        fns["torch gen"] = lambda: tgen(**tkw)
    return fns


def _pair(result):
    value, grad = result
    if hasattr(grad, "detach"):
        value, grad = value.detach().numpy(), grad.detach().numpy()
    return float(np.asarray(value).reshape(())), np.asarray(grad, dtype=float)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the smallest sizes only, shorter samples")
    parser.add_argument("--repeats", type=int, default=None, help="rounds (default 9, quick 5)")
    parser.add_argument("--min-time", type=float, default=None, help="seconds per sample (default 0.05, quick 0.02)")
    parser.add_argument("--threads", choices=["one", "default"], default="one")
    args = parser.parse_args(argv)
    repeats = args.repeats or (5 if args.quick else 9)
    min_time = args.min_time or (0.02 if args.quick else 0.05)
    threads = single_thread() if args.threads == "one" else "threads: the libraries' defaults"
    jax_peer, jax_info = load_jax()
    torch_peer, torch_info = load_torch()
    if torch_peer is not None:
        torch_peer[0].set_default_dtype(torch_peer[0].float64)
    print(environment(repeats, min_time))
    print(f"{threads}; JAX: {jax_info}; PyTorch: {torch_info}\n")
    header = "| problem | size | together | separately | jax | jax gen | torch | torch gen | sep/tog | tog/jax |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    ratios_sep, ratios_jax = [], []
    rng = np.random.default_rng(0)
    for problem in PROBLEMS:
        for size in problem.quick_sizes if args.quick else problem.sizes:
            data = problem.data(rng, size)
            fns = implementations(problem, data, jax_peer, torch_peer)
            want_value, want_grad = _pair(fns["together"]())
            for name, fn in fns.items():
                got_value, got_grad = _pair(fn())
                ok_g, _ = agree(got_grad, want_grad.reshape(got_grad.shape) if got_grad.size == want_grad.size
                                else want_grad)
                if not (ok_g and np.isclose(got_value, want_value, rtol=1e-9)):
                    print(f"{problem.title} {name}: value or gradient disagrees", file=sys.stderr)
                    return 1
            timing = time_all(fns, repeats, min_time)
            cells = [fmt_ms(timing.seconds[n]) if n in fns else "—"
                     for n in ("together", "separately", "jax", "jax gen", "torch", "torch gen")]
            sep = timing.ratio("separately", "together")
            ratios_sep.append(sep)
            tog_jax = f"{timing.ratio('together', 'jax'):.2f}×" if "jax" in fns else "—"
            if "jax" in fns:
                ratios_jax.append(timing.ratio("together", "jax"))
            print(f"| {problem.title} | {problem.size_label(size)} | " + " | ".join(cells) + f" | {sep:.2f}× | {tog_jax} |")
    print(f"\nseparately / together: median {statistics.median(ratios_sep):.2f}×, "
          f"worst {min(ratios_sep):.2f}× over {len(ratios_sep)} problem sizes (times in ms)")
    if ratios_jax:
        print(f"together / jax.value_and_grad: median {statistics.median(ratios_jax):.2f}×, "
              f"worst {max(ratios_jax):.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
