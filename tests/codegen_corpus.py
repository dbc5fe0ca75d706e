"""The codegen test corpus: derivatives whose generated code every target must compute alike.

Gradients, Jacobians, tensor (vec-Jacobian) results in every vec order, Hessians, blocks, diagonal
matrices, Kronecker products and commutation matrices, and one case per registry function.
"""

from __future__ import annotations

import re

import numpy as np

import matcalc as mc
from matcalc.checking import sample_point
from matcalc.expr import symbols
from matcalc.functions import REGISTRY

CASES = [
    ("x.T @ A @ x", "x", None, "mixed"),
    ("x.T @ A @ x", "x", None, "numerator"),
    ("a.T @ X @ b", "X", None, "mixed"),
    ("a.T @ X @ b", "X", None, "numerator"),
    ("A @ x", "x", None, "mixed"),
    ("A @ x", "x", None, "denominator"),
    ("norm(y - Phi @ theta)**2", "theta", None, "mixed"),
    ("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w", None, "mixed"),
    ("sum(log(1 + exp(-y * (X @ w))))", "w", None, "mixed"),
    ("sum((W2 @ tanh(W1 @ x + b1) + b2 - y)**2)", "W1", None, "mixed"),
    ("sum((W2 @ relu(W1 @ X) - Y)**2)", "W2", None, "mixed"),
    ("trace(X.T @ A @ X)", "X", None, "mixed"),
    ("logdet(S)", "S", "S: matrix(n, n) spd", "mixed"),
    ("det(A)", "A", None, "mixed"),
    ("trace(inv(A) @ B)", "A", None, "mixed"),
    ("x.T @ inv(A) @ x", "A", None, "mixed"),
    ("A @ X @ B", "X", None, "mixed"),
    ("A @ X @ B", "X", None, "denominator"),
    ("X.T", "X", None, "mixed"),
    ("X @ X", "X", None, "mixed"),
    ("A.T @ A", "A", None, "mixed"),
    ("inv(X)", "X", None, "mixed"),
    ("X * X.T", "X", None, "mixed"),
    ("exp(x)", "x", None, "mixed"),
    ("softmax(x)", "x", None, "mixed"),
    ("logsumexp(x)", "x", None, "mixed"),
    ("sigmoid(W @ [x; 1])", "W", None, "mixed"),
    ("[x; 1].T @ A @ [x; 1]", "x", None, "mixed"),
    ("diag(x) @ A @ diag(x)", "x", None, "mixed"),
    ("sum(diag(A) ∘ x)", "A", None, "mixed"),
    ("x ∘ sin(c * x)", "c", "c: scalar", "mixed"),
    ("c * A", "A", "c: scalar", "mixed"),
    ("norm(x) + norm1(x) + norm_fro(A)", "x", None, "mixed"),
    ("vec(A @ X)", "X", None, "mixed"),
    ("sigmoid(A @ X)", "X", None, "mixed"),
    ("tanh(X) @ B", "X", None, "mixed"),
    ("X @ sigmoid(X)", "X", None, "mixed"),
    ("A @ X @ X", "X", None, "mixed"),
    ("kron(A, B) @ vec(X)", "X", "A: matrix(p, r); B: matrix(q, s); X: matrix(s, r)", "mixed"),
    ("sum(lambda ∘ x)", "x", "lambda: vector(n)", "mixed"),
]

EXTRA_CASES = [
    ("c * x.T @ A @ x", "c", "c: scalar", "mixed"),
    ("sum(gelu(A @ x))", "x", None, "mixed"),
    ("y.T @ log_softmax(A @ x)", "x", None, "mixed"),
    ("x.T @ sqrtm(S) @ y + x.T @ logm(S) @ y", "x", "S: matrix(n, n) spd", "mixed"),
    ("trace(A @ expm(S))", "A", "S: matrix(n, n)", "mixed"),
    ("sum(relu(W @ x) + step(W @ x) + softplus(W @ x))", "W", None, "mixed"),
    ("exp(2) * sum(x) + sum(sigmoid(x))", "x", None, "mixed"),
    # the cheap-gradient probes (issue 21): rewritten by matcalc/codegen/cheap.py, held to the closed form
    ("x.T @ a @ b.T @ x", "x", None, "mixed"),
    ("x.T @ (I + a @ a.T) @ x", "x", None, "mixed"),
    ("sum(diag(x) @ A @ diag(x))", "x", None, "mixed"),
    ("trace(A @ diag(x) @ B @ diag(x))", "x", None, "mixed"),
    ("trace(A @ diag(x) @ B @ diag(y))", "x", "x: vector(n); y: vector(m)", "mixed"),
    ("y.T @ (a @ b.T + C) @ z", "z", "y: vector(n); a: vector(n); b: vector(m); C: matrix(n, m)", "mixed"),
    ("y.T @ (a @ b.T + C) @ z", "C", "y: vector(n); a: vector(n); b: vector(m); C: matrix(n, m)", "mixed"),
    ("trace(A @ X @ B) + sum(A @ X)", "X", "A: matrix(m, n); X: matrix(n, p); B: matrix(p, m)", "mixed"),
    ("sum(relu(W @ x))", "W", None, "mixed"),
    # chains whose best order depends on the sizes at call time: the target's multi_dot (issue 21)
    ("c * logdet(S) + trace(inv(S) @ X.T @ X)", "S", "c: scalar; S: matrix(n, n) spd; X: matrix(m, n)", "mixed"),
    ("trace(A @ X @ B @ C)", "X", "A: matrix(m, n); X: matrix(n, p); B: matrix(p, q); C: matrix(q, m)", "mixed"),
    # a selector [I; 0] or [I, 0] left by differentiating a block: slices of the other factor, never multiplied
    ("norm_fro(relu([B, x]))", "B", "B: matrix(n, m); x: vector(n)", "mixed"),
    ("norm_fro(relu([B; x.T]))", "B", "B: matrix(n, m); x: vector(m)", "mixed"),
    ("sum(tanh([X, Y; Z, W]))", "W", "X: matrix(n, m); Y: matrix(n, p); Z: matrix(q, m); W: matrix(q, p)", "mixed"),
    ("sum(tanh([X, Y; Z, W]))", "Y", "X: matrix(n, m); Y: matrix(n, p); Z: matrix(q, m); W: matrix(q, p)", "mixed"),
]

TENSOR_CASES = [(e, "X", None, "mixed", vec) for e in ("A @ X @ B", "X.T @ A", "X @ X.T") for vec in ("col", "row", "col,row")]

HESSIAN_CASES = [
    ("sum(log(1 + exp(-y * (X @ w))))", "w"),
    ("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w"),
    ("x.T @ A @ x", "x"),
    ("logsumexp(x)", "x"),
    ("trace(X.T @ A @ X)", "X"),
    ("sum(tanh(X @ w))", "X"),
    ("logdet(S)", "S"),
    # the matrix-Hessian probes (issue 21): kron(A, B) @ K formed in one pass, no commutation matrix multiplied
    ("logdet(X)", "X"),
    ("det(X)", "X"),
    ("trace(inv(X) @ A)", "X"),
    ("trace(X.T @ X @ X.T @ X)", "X"),
]

MATRIX_HESSIAN_PROBES = HESSIAN_CASES[-4:]


def registry_case(name: str) -> tuple[str, str, str | None]:
    """(expression, variable, declarations) that puts the registry function `name` into generated code."""
    fn = REGISTRY[name]
    if fn.kind == "elementwise" or name in ("softmax", "log_softmax"):
        expr = f"sum({name}(x) ∘ y)"
    elif fn.matrix_derivative is not None:  # an analytic matrix function: in the code of a derivative it stays
        expr = f"x.T @ {name}(S) @ y"
    elif fn.square:
        expr = f"sum({name}(S))" if name != "logdet" else "logdet(S)"
    elif name == "kron":
        expr = "x.T @ kron(A, B) @ y"
    elif name == "vec":
        expr = "vec(A).T @ x"
    elif name == "diag":
        expr = "sum(diag(x) @ S)"
    else:
        expr = f"sum({name}(A))" if name not in ("norm", "norm1") else f"{name}(x)"
    wrt = next(v for v in ("x", "S", "X", "A") if re.search(rf"\b{v}\b", expr))
    return expr, "y" if name == "kron" else wrt, "S: matrix(n, n) spd" if "S" in expr else None


def corpus() -> list[tuple[str, object]]:
    """(id, builder) for every derivative of the corpus; the builder derives it when called."""
    out = []
    for expr, wrt, where, layout in CASES + EXTRA_CASES:
        out.append((f"{expr} wrt {wrt} [{layout}]", lambda e=expr, v=wrt, w=where, lay=layout: mc.derive(e, v, lay, w)))
    for expr, wrt, _where, _layout, vec in TENSOR_CASES:
        out.append((f"{expr} wrt {wrt} vec={vec}", lambda e=expr, v=wrt, vec=vec: mc.derive(e, v, vec=vec)))
    for expr, wrt in HESSIAN_CASES:
        where = "S: matrix(n, n) spd" if "S" in expr else None
        out.append((f"hessian {expr} wrt {wrt}", lambda e=expr, v=wrt, w=where: mc.hessian(e, v, where=w)))
    for name in sorted(REGISTRY):
        expr, wrt, where = registry_case(name)
        out.append((f"{name}: {expr} wrt {wrt}", lambda e=expr, v=wrt, w=where: mc.derive(e, v, where=w)))
    return out


def values(d, seed=0, sizes=(3, 5, 2, 4, 6)):
    params = list(symbols(d.f)) + ([d.wrt] if d.wrt not in symbols(d.f) else [])
    names = sorted({n for p in params for dim in p.shape for n in dim.names()})
    arrays = sample_point([d.f, d.expr, *params], dict(zip(names, sizes)), np.random.default_rng(seed))
    assert arrays is not None
    return arrays




def as_numpy(value) -> np.ndarray:
    """A result of any target (a NumPy or JAX array, a tensor, a number) as a float NumPy array."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=float)


def close(got, want, what: str = ""):
    """`got` (of any target) equals `want` to 1e-9, in `want`'s shape (a 1-D vector may stand for a column)."""
    got, want = as_numpy(got), np.asarray(want, dtype=float)
    assert got.size == want.size, f"{what}: shape {got.shape}, want {want.shape}"
    np.testing.assert_allclose(got.reshape(want.shape), want, rtol=1e-9, atol=1e-10, err_msg=what)
