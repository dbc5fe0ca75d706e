"""The matrix-Hessian section of benchmarks/hessians.py (``python benchmarks/hessians.py --part matrix``).

The vec-Hessians ∂vec(∇f)/∂vec(X)ᵀ (n²×n², X flattened column by column) of ``logdet(X)``, ``det(X)``,
``trace(inv(X)@A)`` and ``trace(X.T@X@X.T@X)``, X n×n: the generated NumPy function against a hand-written
NumPy Hessian, ``jax.jit(jax.hessian(f))`` (after warm-up, 64-bit) and ``torch.autograd.functional.hessian``,
interleaved rounds, medians of paired ratios. Every result is first checked against the hand-written one.

The closed forms are ``c·kron(A, B) @ K`` terms (K the commutation matrix): entry
[(j, i), (l, k)] = c·A[j, k]·B[i, l] with C-order rows (j, i) and columns (l, k), so the hand-written form
is an outer product written straight into that arrangement, ``np.einsum("ik,jl->ijlk", c * A, B)`` — O(n⁴),
the size of the result — with the scalar folded into an n×n factor. Targets (performance issue 21): generated
within 1.3× hand NumPy and faster than jax.jit(hessian) and torch at every n.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from generated_code import agree, calibrate, fmt_ms, source_body, time_all

import matcalc as mc

HAND_LIMIT = 1.3  # generated / hand NumPy at most
COLUMNS = ("generated", "hand NumPy", "jax.jit(hessian)", "torch.autograd")


def _commuted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """kron(a, b) @ K for n×n a and b, written at once: entry [(j, i), (l, k)] = a[j, k] * b[i, l]."""
    n = a.shape[0]
    return np.einsum("jk,il->jilk", a, b).reshape(n * n, n * n)


def hand_logdet(X):
    Xi = np.linalg.inv(X)
    return _commuted(-Xi, Xi.T)


def hand_det(X):
    Xi = np.linalg.inv(X)
    d = np.linalg.det(X)
    g = Xi.ravel()  # vec(X⁻ᵀ), column by column
    return np.outer(d * g, g) - _commuted(d * Xi, Xi.T)


def hand_trace_inv(X, A):
    Xi = np.linalg.inv(X)
    P = Xi @ A @ Xi
    return _commuted(P, Xi.T) + _commuted(Xi, P.T)


def hand_quartic(X):
    n = X.shape[0]
    eye = np.eye(n)
    return _commuted(4 * X.T, X) + np.kron(4 * (X.T @ X), eye) + np.kron(eye, 4 * (X @ X.T))


class MatrixProblem(NamedTuple):
    expr: str
    args: tuple[str, ...]  # the peers' positional order; X first
    hand: Callable[..., np.ndarray]
    loss: Callable[[Any, Any, tuple], Any]  # loss(xp, X, rest)


PROBLEMS = (
    MatrixProblem("logdet(X)", ("X",), hand_logdet, lambda xp, X, rest: xp.linalg.slogdet(X)[1]),
    MatrixProblem("det(X)", ("X",), hand_det, lambda xp, X, rest: xp.linalg.det(X)),
    MatrixProblem("trace(inv(X)@A)", ("X", "A"), hand_trace_inv,
                  lambda xp, X, rest: xp.trace(xp.linalg.inv(X) @ rest[0])),
    MatrixProblem("trace(X.T@X@X.T@X)", ("X",), hand_quartic, lambda xp, X, rest: xp.trace(X.T @ X @ X.T @ X)),
)


def _data(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """A well-conditioned X (near the identity: det(X) neither overflows nor vanishes) and an A."""
    return {"X": np.eye(n) + 0.5 * rng.standard_normal((n, n)) / np.sqrt(n), "A": rng.standard_normal((n, n))}


def _peers(problem: MatrixProblem, jax_peer, torch_peer) -> dict[str, Callable[[dict], Callable[[], Any]]]:
    peers: dict[str, Callable[[dict], Callable[[], Any]]] = {}
    if jax_peer is not None:
        jax, jnp, _ = jax_peer
        hess = jax.jit(jax.hessian(lambda X, *rest: problem.loss(jnp, X, rest)))

        def make_jax(values):
            inputs = [jnp.asarray(values[k]) for k in problem.args]
            return lambda: hess(*inputs).block_until_ready()

        peers["jax.jit(hessian)"] = make_jax
    if torch_peer is not None:
        torch, _ = torch_peer

        def make_torch(values):
            X, *rest = [torch.from_numpy(np.ascontiguousarray(values[k])) for k in problem.args]
            return lambda: torch.autograd.functional.hessian(lambda v: problem.loss(torch, v, rest), X)

        peers["torch.autograd"] = make_torch
    return peers


def _as_vec_hessian(out, n: int) -> np.ndarray:
    """A peer's n×n×n×n Hessian H[i, j, k, l] = ∂²f/∂X_ij∂X_kl as the n²×n² vec-Hessian (column by column)."""
    out = out.numpy() if hasattr(out, "numpy") else np.asarray(out)
    return out.reshape(n * n, n * n, order="F")


def run_matrix_hessians(sizes, repeats, min_time, budget, slow, jax_peer, torch_peer, rng) -> list[str]:
    """Time the four matrix Hessians at each n, print the rows, the table and the verdict; the mismatches."""
    import time

    failures: list[str] = []
    rows: list[tuple[str, int, dict[str, str], dict[str, float]]] = []
    print("matrix Hessians: vec-Hessians ∂vec(∇f)/∂vec(X)ᵀ, X n×n (n²×n² results)")
    for problem in PROBLEMS:
        h = mc.hessian(problem.expr, "X")
        generated = h.to_function()
        print(f"{problem.expr}: {h}")
        for line in source_body(h.to_source()):
            print(f"    | {line}")
        peers = _peers(problem, jax_peer, torch_peer)
        for n in sizes:
            values = {k: v for k, v in _data(rng, n).items() if k in problem.args}
            fns: dict[str, Callable[[], Any]] = {"generated": lambda v=values: generated(**v),
                                                 "hand NumPy": lambda v=values: problem.hand(**v)}
            fns.update({name: make(values) for name, make in peers.items()})
            reference = problem.hand(**values)
            cells: dict[str, str] = {}
            first: dict[str, float] = {}
            for name, fn in fns.items():
                if name == "jax.jit(hessian)":
                    fn()  # compiles
                start = time.perf_counter()
                out = fn()
                first[name] = time.perf_counter() - start
                out = _as_vec_hessian(out, n) if name in peers else np.asarray(out)
                ok, err = agree(out, reference)
                cells[name] = "✓" if ok else "✗"
                if not ok:
                    failures.append(f"{problem.expr} n={n}: {name} differs from hand NumPy (max rel. error {err:.1e})")
            once = {name for name, t in first.items() if t > slow}
            rounds = [name for name in ("jax.jit(hessian)", "generated", "hand NumPy", "torch.autograd")
                      if name in fns and name not in once]
            estimate = sum(max(first[name], min_time) for name in rounds)
            repeats_here = max(3, min(repeats, int(budget / max(estimate, 1e-9))))
            numbers = {name: 1 if first[name] >= min_time else calibrate(fns[name], min_time) for name in rounds}
            timing = time_all({name: fns[name] for name in rounds}, repeats_here, min_time, numbers)
            seconds = {**timing.seconds, **{name: first[name] for name in once}}
            ratios = {name: seconds[name] / seconds["generated"] if name in once else timing.ratio(name, "generated")
                      for name in fns}
            # the headline generated / hand ratio: the two NumPy functions alone, as benchmarks/generated_code.py
            # does (a JAX call just before leaves its threads busy, which the next NumPy call pays for)
            if not {"generated", "hand NumPy"} & once:
                pair = time_all({name: fns[name] for name in ("generated", "hand NumPy")}, 2 * repeats_here + 1,
                                min_time / 2, {name: numbers[name] for name in ("generated", "hand NumPy")})
                ratios["alone"] = pair.ratio("generated", "hand NumPy")
                cells["alone"] = f"{ratios['alone']:.2f}×"
            for name in fns:
                cells[name] = f"{fmt_ms(seconds[name])}{'¹' if name in once else ''} ({ratios[name]:.2f}×) {cells[name]}"
            rows.append((problem.expr, n, cells, ratios))
            print(f"  n={n:<4} " + "  ".join(f"{name} {cells[name]}" for name in COLUMNS if name in cells), flush=True)
        print()

    width = 26
    header = f"{'problem':<20} {'n':>4}" + "".join(f"{c:>{width}}" for c in COLUMNS) + f"{'gen/hand alone':>16}"
    print("ms per matrix Hessian (× generated: the median of per-round ratios); ✓ = agrees with hand NumPy; ¹ = one call;")
    print("gen/hand alone: generated / hand-written NumPy timed without the peers (the headline)")
    print(header)
    print("-" * len(header))
    for title, n, cells, _ in rows:
        alone = cells.get("alone", "—")
        print(f"{title:<20} {n:>4}" + "".join(f"{cells.get(c, '—'):>{width}}" for c in COLUMNS) + f"{alone:>16}")
    print()
    hand = [(r.get("alone", 1 / r["hand NumPy"]), t, n) for t, n, _, r in rows]  # generated / hand
    worst = max(hand)
    print(f"target: generated within {HAND_LIMIT:g}× hand NumPy: {'MET' if worst[0] <= HAND_LIMIT else 'NOT MET'} "
          f"(worst generated/hand {worst[0]:.2f}×, {worst[1]} at n={worst[2]})")
    for peer in COLUMNS[2:]:
        measured = [(r[peer], t, n) for t, n, _, r in rows if peer in r]
        if measured:
            low = min(measured)
            print(f"target: generated faster than {peer}: {'MET' if low[0] > 1 else 'NOT MET'} "
                  f"(slowest margin {low[0]:.2f}×, {low[1]} at n={low[2]})")
    return failures
