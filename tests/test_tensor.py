"""Matrix variables and tensor-valued derivatives (Matrix Cookbook §2): trace, det, inverse, norms, Kronecker/vec Jacobians.

* Scalar w.r.t. a matrix: golden closed forms in the mixed layout (the variable's shape) and the numerator
  layout (its transpose), X non-square where the expression allows; each passes ``.check()`` and agrees
  with this file's own finite differences (``fd_tensor``, independent of matcalc.checking).
* Symmetric, spd and diagonal variables: the gradient within the subspace (sym(G), diag(G)).
* Tensor-valued derivatives (vector or matrix w.r.t. a matrix, matrix w.r.t. a vector): golden vec-Jacobians,
  and in every layout and every vec order (col, row, col,row, row,col) the closed form's value equals the
  vec-Jacobian rebuilt here from ∂F_ij/∂X_kl, and ``.check()`` passes.
* ``Derivative.evaluate`` of a tensor result: the full tensor, axes out_shape + in_shape (in_shape + out_shape
  in denominator layout), a vector's axis being one axis, entry by entry.
* Note 000's two worked tensors entry by entry (the lecture's two worked tensors, its sign slip not encoded).
* A hypothesis property over expressions with a matrix variable: right (``.check()`` and the independent
  vec-Jacobian) or refused with UnsupportedError.
* The CLI's "done when" lines, and the commutation node (parse/print round trip, value).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_exprs import SCALAR, SYMS, VM, VN, M, N, expr_of

import matcalc as mc
from matcalc.expr import Add, Call, Commutation, Identity, MatMul, Mul, Number, Power, Symbol, Transpose, preorder, symbols
from matcalc.functions import REGISTRY
from matcalc.printing import to_text
from matcalc.shapes import ONE, Dim

LAYOUTS = ("mixed", "numerator", "denominator")
VECS = ("col", "row", "col,row", "row,col")
SIZE_VALUES = (3, 4, 5, 2, 6, 7)  # distinct: a swapped dimension cannot hide
TOL = 1e-5


# ---------------------------------------------------------------- an oracle independent of matcalc.checking


def dim_sizes(e, sizes=SIZE_VALUES) -> dict[str, int]:
    names: list[str] = []
    for s in symbols(e):
        for d in s.shape:
            for name in sorted(d.names()):
                if name not in names:
                    names.append(name)
    return dict(zip(names, sizes))


def point(e, sizes, seed=0, positive=False, invertible=False) -> dict[str, np.ndarray]:
    """Random 2-D values for e's symbols, honouring spd / symmetric / diagonal declarations."""
    rng = np.random.default_rng(seed)
    values = {}
    for s in symbols(e):
        r, c = (d.evaluate(sizes) for d in s.shape)
        if "spd" in s.props:
            g = rng.normal(size=(r, r))
            v = g @ g.T / r + np.eye(r)
        elif "diagonal" in s.props:
            v = np.diag(rng.uniform(0.5, 2.0, size=r) * (1.0 if positive else rng.choice([-1.0, 1.0], size=r)))
        elif positive:
            v = rng.uniform(0.5, 2.0, size=(r, c))
        else:
            v = rng.normal(size=(r, c))
        if "symmetric" in s.props:
            v = (v + v.T) / 2
        if invertible and r == c and r > 1:
            v = v + r * np.eye(r)
        values[s.name] = v
    return values


def value(e, values, sizes=None) -> np.ndarray:
    return np.atleast_2d(np.asarray(mc.evaluate(e, values, sizes=sizes), dtype=float))


def fd_tensor(f, var: str, values, h: float = 1e-5) -> np.ndarray:
    """∂F_ij/∂X_kl by central differences: axes (F rows, F cols, X rows, X cols)."""
    x0 = values[var]
    f0 = value(f, values)
    t = np.zeros(f0.shape + x0.shape)
    for k, c in np.ndindex(*x0.shape):
        step = np.zeros_like(x0)
        step[k, c] = h
        t[..., k, c] = (value(f, {**values, var: x0 + step}) - value(f, {**values, var: x0 - step})) / (2 * h)
    return t


def vec_jacobian(t4: np.ndarray, out_order: str, in_order: str) -> np.ndarray:
    """∂vec(F)/∂vec(X)ᵀ from the entries: column-major ("col") or row-major ("row") flattening of each side."""
    p, q, m, n = t4.shape
    out_axes = (1, 0) if out_order == "col" else (0, 1)  # col: index i + p j; row: index i q + j
    in_axes = (3, 2) if in_order == "col" else (2, 3)
    return t4.transpose(*out_axes, *in_axes).reshape(p * q, m * n)


def natural(shape, sizes) -> tuple[int, ...]:
    """The axes a symbolic shape contributes to a tensor: () scalar, (n,) vector, (p, q) matrix."""
    rows, cols = shape
    if rows == ONE and cols == ONE:
        return ()
    if rows == ONE or cols == ONE:
        return (rows.evaluate(sizes) * cols.evaluate(sizes),)
    return (rows.evaluate(sizes), cols.evaluate(sizes))


def assert_close(got, want, what=""):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, expected {want.shape}"
    scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
    err = float(np.max(np.abs(got - want), initial=0.0)) / scale
    assert err < TOL, f"{what}: relative error {err:.2e}\n got  {got}\n want {want}"


def passes(d) -> None:
    report = d.check()
    assert report.status == "pass", f"d({d.f})/d{d.wrt.name} = {d} [{d.layout}, vec {d.vec}]: {report}"


def sym(g):
    return (g + g.T) / 2


# ---------------------------------------------------------------- scalar w.r.t. a matrix

# (expression, variable, where, mixed closed form, numerator closed form, point options)
SCALAR_GOLDEN = [
    ("a.T@X@b", "X", None, "a @ b.T", "b @ a.T", {}),
    ("trace(A@X@B)", "X", None, "A.T @ B.T", "B @ A", {}),
    ("trace(X.T@A@X)", "X", None, "(A + A.T) @ X", "X.T @ (A + A.T)", {}),
    ("det(X)", "X", None, "det(X) * inv(X).T", "det(X) * inv(X)", {"invertible": True}),
    ("logdet(X)", "X", None, "inv(X).T", "inv(X)", {"invertible": True}),
    ("log(det(X))", "X", None, "inv(X).T", "inv(X)", {"invertible": True}),
    ("trace(inv(X)@A)", "X", None, "-inv(X).T @ A.T @ inv(X).T", "-inv(X) @ A @ inv(X)", {"invertible": True}),
    ("a.T@inv(X)@b", "X", None, "-inv(X).T @ a @ b.T @ inv(X).T", "-inv(X) @ b @ a.T @ inv(X)", {"invertible": True}),
    ("trace(inv(X))", "X", None, "-inv(X).T @ inv(X).T", "-inv(X) @ inv(X)", {"invertible": True}),
    ("||X||_F^2", "X", None, "2 * X", "2 * X.T", {}),
    ("||X||_F", "X", None, "X / norm_fro(X)", "X.T / norm_fro(X)", {}),
    ("||A@X - B||_F^2", "X", None, "2 * A.T @ (A @ X - B)", "2 * (A @ X - B).T @ A", {}),
    ("sum(X ∘ A)", "X", None, "A", "A.T", {}),
    ("||Y - Theta@X||_F^2", "Theta", None, "-2 * (Y - Theta @ X) @ X.T", "-2 * X @ (Y - Theta @ X).T", {}),
    ("trace(X^2)", "X", None, "2 * X.T", "2 * X", {}),
    ("trace(X^3)", "X", None, "3 * X.T @ X.T", "3 * X @ X", {}),
    ("trace(X.T@X)", "X", None, "2 * X", "2 * X.T", {}),
    ("a.T@X.T@X@b", "X", None, "X @ (a @ b.T + b @ a.T)", "(a @ b.T + b @ a.T) @ X.T", {}),
    # element-wise functions of matrices, sums of all entries
    ("sum(exp(X))", "X", None, "exp(X)", "exp(X).T", {}),
    ("sum(log(X))", "X", None, "1 / X", "(1 / X).T", {"positive": True}),
    ("sum(A/X)", "X", None, "-A * X**-2", "-(A * X**-2).T", {"positive": True}),
    ("sum(X)", "X", None, "matrix(1)", "matrix(1)", {}),
    ("sum(A@X)", "X", None, "A.T @ matrix(1)", "matrix(1) @ A", {}),
    ("sum(X ∘ X)", "X", None, "2 * X", "2 * X.T", {}),
    ("log(sum(exp(X)))", "X", None, "exp(X) / sum(exp(X))", "exp(X).T / sum(exp(X))", {}),
    ("sum(sigmoid(W@x))", "W", None, "sigmoid(W @ x) * (1 - sigmoid(W @ x)) @ x.T",
     "x @ (sigmoid(W @ x) * (1 - sigmoid(W @ x))).T", {}),
    # Hadamard products inside traces: tr(Aᵀ(B ∘ X)) = sum(A ∘ B ∘ X)
    ("trace(A.T @ (B ∘ X))", "X", None, "multiply(A, B)", "(A * B).T", {}),
    ("trace(A.T @ (B ∘ C))", "C", None, "multiply(A, B)", "(A * B).T", {}),
    ("trace(A@X.T)", "X", None, "A", "A.T", {}),
    ("trace(X)**2", "X", None, "2 * trace(X) * I", "2 * trace(X) * I", {}),
    ("sum(diag(X))", "X", None, "I", "I", {}),
]
SCALAR_IDS = [f"{e} wrt {v}" for e, v, *_ in SCALAR_GOLDEN]


@pytest.mark.parametrize("expr,wrt,where,mixed,numerator,opts", SCALAR_GOLDEN, ids=SCALAR_IDS)
def test_scalar_by_matrix_golden_forms(expr, wrt, where, mixed, numerator, opts):
    d_mixed = mc.derive(expr, wrt, where=where)
    d_num = mc.derive(expr, wrt, layout="numerator", where=where)
    d_den = mc.derive(expr, wrt, layout="denominator", where=where)
    assert d_mixed.kind == d_num.kind == "gradient"
    assert str(d_mixed) == mixed
    assert str(d_num) == numerator
    assert str(d_den) == mixed  # the denominator layout gives a scalar's gradient the variable's shape too
    rows, cols = d_mixed.wrt.shape
    assert d_mixed.shape == (rows, cols) and d_num.shape == (cols, rows)
    for d in (d_mixed, d_num):
        passes(d)


@pytest.mark.parametrize("expr,wrt,where,mixed,numerator,opts", SCALAR_GOLDEN, ids=SCALAR_IDS)
def test_scalar_by_matrix_against_finite_differences(expr, wrt, where, mixed, numerator, opts):
    """Derivative.evaluate gives G (mixed) and Gᵀ (numerator) with G_kl = ∂f/∂X_kl, at distinct sizes."""
    d = mc.derive(expr, wrt, where=where)
    d_num = mc.derive(expr, wrt, layout="numerator", where=where)
    for seed, sizes in enumerate([SIZE_VALUES, SIZE_VALUES[::-1]]):
        sz = dim_sizes(d.f, sizes)
        values = point(d.f, sz, seed, **opts)
        g = fd_tensor(d.f, wrt, values)[0, 0]
        if d.wrt.shape[0] != d.wrt.shape[1]:
            assert g.shape[0] != g.shape[1], "the variable should be non-square at these sizes"
        assert_close(d.evaluate(values), g, f"{expr} wrt {wrt} [mixed] sizes {sz}")
        assert_close(d_num.evaluate(values), g.T, f"{expr} wrt {wrt} [numerator] sizes {sz}")


# the note's textbook form of a few of the identities, as formulas (not strings)
def test_textbook_formulas_numerically():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(4, 4)) + 4 * np.eye(4)
    A = rng.normal(size=(4, 4))
    Xi = np.linalg.inv(X)
    checks = [
        ("det(X)", {"X": X}, np.linalg.det(X) * Xi.T),
        ("logdet(X)", {"X": X}, Xi.T),
        ("trace(inv(X)@A)", {"X": X, "A": A}, -Xi.T @ A.T @ Xi.T),
    ]
    for text, values, want in checks:
        assert_close(mc.derive(text, "X").evaluate(values), want, text)


def test_logdet_of_a_gram_matrix_at_tall_sizes():
    """logdet(XᵀX) = 2 X (XᵀX)⁻¹: right where XᵀX is invertible (X tall)."""
    d = mc.derive("logdet(X.T@X)", "X")
    assert str(d) == "2 * X @ inv(X.T @ X)"  # XᵀX is symmetric, so is its inverse
    X = np.random.default_rng(1).normal(size=(5, 2))
    assert_close(d.evaluate({"X": X}), 2 * X @ np.linalg.inv(X.T @ X))
    assert_close(d.evaluate({"X": X}), fd_tensor(d.f, "X", {"X": X})[0, 0])


def test_check_of_logdet_of_a_gram_matrix_is_conclusive():
    assert mc.derive("logdet(X.T@X)", "X").check().status == "pass"


def test_check_of_a_structurally_singular_det_is_never_a_false_fail():
    # det(s (C A)) is identically 0 where C A (n×n, rank m < n) is singular: such points are skipped
    d = mc.derive("det(sum(exp(B)) * (C @ A))", "B", where="A: matrix(m, n); B: matrix(n, p); C: matrix(n, m)")
    assert d.check().status in ("pass", "inconclusive")


# ---------------------------------------------------------------- symmetric, spd, diagonal variables

STRUCTURED = [
    # (expression, variable, where, mixed closed form, numerator closed form)
    ("a.T@X@b", "X", "X: symmetric", "0.5 * (a @ b.T + b @ a.T)", "0.5 * (a @ b.T + b @ a.T)"),
    ("a.T@X@a", "X", "X: symmetric", "a @ a.T", "a @ a.T"),
    ("trace(A@X)", "X", "X: symmetric", "0.5 * (A + A.T)", "0.5 * (A + A.T)"),
    ("trace(X@X)", "X", "X: symmetric", "2 * X", "2 * X"),
    ("logdet(X)", "X", "X: spd", "inv(X)", "inv(X)"),
    ("det(X)", "X", "X: symmetric", "det(X) * inv(X)", "det(X) * inv(X)"),
    ("a.T@X@b", "X", "X: diagonal", "diag(multiply(a, b))", "diag(multiply(a, b))"),
    ("trace(A@X)", "X", "X: diagonal", "diag(diag(A))", "diag(diag(A))"),
    ("logdet(X)", "X", "X: diagonal", "diag(diag(inv(X)))", "diag(diag(inv(X)))"),
]


@pytest.mark.parametrize("expr,wrt,where,mixed,numerator", STRUCTURED,
                         ids=[f"{e} where {w}" for e, _, w, _, _ in STRUCTURED])
def test_structured_variable_gradient(expr, wrt, where, mixed, numerator):
    d = mc.derive(expr, wrt, where=where)
    d_num = mc.derive(expr, wrt, layout="numerator", where=where)
    assert str(d) == mixed and str(d_num) == numerator
    passes(d)
    passes(d_num)
    diagonal = "diagonal" in where
    sz = dim_sizes(d.f)
    values = point(d.f, sz, seed=3, positive="logdet" in expr, invertible="det" in expr)
    g_full = fd_tensor(d.f, wrt, values)[0, 0]  # the unconstrained gradient at a structured point
    want = np.diag(np.diag(g_full)) if diagonal else sym(g_full)
    got = d.evaluate(values)
    assert_close(got, want, f"{expr} where {where}")
    assert_close(got, got.T, "the gradient of a symmetric variable is symmetric")
    if diagonal:
        assert_close(got, np.diag(np.diag(got)), "the gradient of a diagonal variable is diagonal")
    assert_close(d_num.evaluate(values), want.T)


def test_symmetric_gradient_steps_name_the_rule():
    d = mc.derive("a.T@X@b", "X", where="X: symmetric")
    assert "symmetric-gradient" in [s.rule for s in d.steps]
    d = mc.derive("trace(A@X)", "X", where="X: diagonal")
    assert "diagonal-gradient" in [s.rule for s in d.steps]


# ---------------------------------------------------------------- tensor-valued derivatives

# (expression, variable, where, {(layout, vec): closed form}, point options)
TENSOR = [
    ("A@x", "A", None, {("mixed", "col"): "kron(x.T, eye(n))", ("mixed", "row"): "kron(eye(n), x.T)",
                        ("denominator", "col"): "kron(x, eye(n))", ("denominator", "row"): "kron(eye(n), x)"}, {}),
    ("X@X", "X", None, {("mixed", "col"): "kron(X.T, eye(n)) + kron(eye(n), X)",
                        ("mixed", "row"): "kron(eye(n), X.T) + kron(X, eye(n))",
                        ("denominator", "col"): "(kron(X.T, eye(n)) + kron(eye(n), X)).T"}, {}),
    ("X^2", "X", None, {("mixed", "col"): "kron(X.T, eye(n)) + kron(eye(n), X)"}, {}),
    ("X^3", "X", None, {("mixed", "col"): "kron(X.T @ X.T, eye(n)) + kron(X.T, X) + kron(eye(n), X @ X)"}, {}),
    ("inv(X)", "X", None, {("mixed", "col"): "-kron(inv(X).T, inv(X))", ("mixed", "row"): "-kron(inv(X), inv(X).T)",
                           ("denominator", "col"): "-kron(inv(X), inv(X).T)"}, {"invertible": True}),
    ("inv(X)@a", "X", None, {("mixed", "col"): "-kron(a.T @ inv(X).T, inv(X))"}, {"invertible": True}),
    ("x @ y.T", "x", None, {("mixed", "col"): "kron(y, eye(n))", ("mixed", "row"): "kron(eye(n), y)",
                            ("denominator", "col"): "kron(y.T, eye(n))"}, {}),
    ("x@x.T", "x", None, {("mixed", "col"): "kron(x, eye(n)) + kron(eye(n), x)"}, {}),
    ("A@X@B", "X", None, {("mixed", "col"): "kron(B.T, A)", ("mixed", "row"): "kron(A, B.T)",
                          ("mixed", "col,row"): "kron(B.T, A) @ commutation(p, m)",
                          ("mixed", "row,col"): "commutation(n, q) @ kron(B.T, A)",
                          ("denominator", "col"): "kron(B, A.T)"}, {}),
    ("exp(X)", "X", None, {("mixed", "col"): "diag(vec(exp(X)))",
                           ("mixed", "row"): "commutation(n, m) @ diag(vec(exp(X))) @ commutation(m, n)"}, {}),
    ("sigmoid(X)", "X", None, {("mixed", "col"): "diag(vec(multiply(sigmoid(X), 1 - sigmoid(X))))"}, {}),
    ("X ∘ A", "X", None, {("mixed", "col"): "diag(vec(A))"}, {}),
    ("X.T", "X", None, {("mixed", "col"): "commutation(n, m)", ("mixed", "row"): "commutation(m, n)",
                        ("mixed", "col,row"): "I", ("mixed", "row,col"): "I", ("denominator", "col"): "commutation(m, n)"},
     {}),
    ("X", "X", None, {("mixed", "col"): "I", ("mixed", "row"): "I", ("mixed", "col,row"): "commutation(m, n)"}, {}),
    ("vec(X)", "X", None, {("mixed", "col"): "I"}, {}),
    ("diag(x)", "x", None, {("mixed", "col"): "diag(vec(eye(n))) @ kron(eye(n), ones(n, 1))",
                            ("denominator", "col"): "kron(eye(n), ones(1, n)) @ diag(vec(eye(n)))"}, {}),
    ("diag(X)", "X", None, {("mixed", "col"): "kron(eye(n), ones(1, n)) @ diag(vec(eye(n)))",
                            ("mixed", "row"): "kron(eye(n), ones(1, n)) @ diag(vec(eye(n))) @ commutation(n, n)"}, {}),
    ("diag(X) + a", "X", None, {("mixed", "col"): "kron(eye(n), ones(1, n)) @ diag(vec(eye(n)))"}, {}),
    ("A.T@A", "A", None, {("mixed", "col"): "kron(eye(m), A.T) + kron(A.T, eye(m)) @ commutation(n, m)",
                          ("mixed", "col,row"): "kron(eye(m), A.T) @ commutation(m, n) + kron(A.T, eye(m))"}, {}),
    ("X@X.T", "X", None, {("mixed", "col"): "kron(eye(n), X) @ commutation(n, m) + kron(X, eye(n))"}, {}),
    ("x.T@X", "X", None, {("mixed", "col"): "kron(eye(m), x.T)", ("denominator", "col"): "kron(eye(m), x)"}, {}),
    ("X@a + b", "X", None, {("mixed", "col"): "kron(a.T, eye(n))"}, {}),
    ("(X@a).T", "X", None, {("mixed", "col"): "kron(a.T, eye(n))"}, {}),
    ("X@A + B", "X", None, {("mixed", "col"): "kron(A.T, eye(n))"}, {}),
    ("trace(X)*A", "X", None, {("mixed", "col"): "vec(A) @ vec(eye(n)).T"}, {}),
    ("det(X)*X", "X", None, {("mixed", "col"): "det(X) * (vec(X) @ vec(eye(n)).T @ kron(eye(n), inv(X)) + I)"},
     {"invertible": True}),
    ("exp(X@a)", "X", None, {("mixed", "col"): "diag(exp(X @ a)) @ kron(a.T, eye(n))"}, {}),
    ("softmax(X@a)", "X", None, {}, {}),
    ("S.T", "S", "S: symmetric", {("mixed", "col"): "commutation(n, n)"}, {}),
    ("inv(S)", "S", "S: spd", {("mixed", "col"): "-kron(inv(S), inv(S))"}, {}),
]
TENSOR_IDS = [f"{e} wrt {v}" for e, v, *_ in TENSOR]


@pytest.mark.parametrize("expr,wrt,where,golden,opts", TENSOR, ids=TENSOR_IDS)
def test_tensor_golden_forms(expr, wrt, where, golden, opts):
    for (layout, vec), closed in golden.items():
        d = mc.derive(expr, wrt, layout=layout, where=where, vec=vec)
        assert d.kind == "tensor"
        assert str(d) == closed, f"{expr} wrt {wrt} [{layout}, vec={vec}]"


@pytest.mark.parametrize("expr,wrt,where,golden,opts", TENSOR, ids=TENSOR_IDS)
def test_tensor_every_layout_and_vec_order(expr, wrt, where, golden, opts):
    """In each layout and vec order: the shape promised, .check(), and the value of the closed form equal to
    the vec-Jacobian rebuilt from ∂F_ij/∂X_kl (flattened column- or row-major as asked)."""
    base = mc.derive(expr, wrt, where=where)
    sz = dim_sizes(base.f)
    values = point(base.f, sz, seed=1, **opts)
    t4 = fd_tensor(base.f, wrt, values)
    for layout in LAYOUTS:
        for vec in VECS:
            d = mc.derive(expr, wrt, layout=layout, where=where, vec=vec)
            assert d.kind == "tensor"
            (fr, fc), (xr, xc) = d.f.shape, d.wrt.shape
            rows, cols = fr * fc, xr * xc
            assert d.shape == ((cols, rows) if layout == "denominator" else (rows, cols)), (layout, vec, str(d))
            passes(d)
            orders = vec.split(",") * (2 if "," not in vec else 1)
            want = vec_jacobian(t4, *orders)
            got = value(d.expr, values, sz)
            assert_close(got, want.T if layout == "denominator" else want, f"{expr} wrt {wrt} [{layout}, vec={vec}]: {d}")


@pytest.mark.parametrize("expr,wrt,where,golden,opts", TENSOR, ids=TENSOR_IDS)
def test_evaluate_returns_the_full_tensor(expr, wrt, where, golden, opts):
    """axes out_shape + in_shape (in_shape + out_shape for denominator), a vector's axis one axis; the vec
    order does not change the tensor."""
    base = mc.derive(expr, wrt, where=where)
    for sizes in (SIZE_VALUES, (4, 2, 3, 5, 6, 7)):
        sz = dim_sizes(base.f, sizes)
        values = point(base.f, sz, seed=2, **opts)
        t4 = fd_tensor(base.f, wrt, values)
        out_nat, in_nat = natural(base.f.shape, sz), natural(base.wrt.shape, sz)
        numerator = t4.reshape(out_nat + in_nat)
        denominator = t4.transpose(2, 3, 0, 1).reshape(in_nat + out_nat)
        for layout in LAYOUTS:
            for vec in ("col", "row"):
                d = mc.derive(expr, wrt, layout=layout, where=where, vec=vec)
                got = d.evaluate(values)
                want = denominator if layout == "denominator" else numerator
                assert_close(got, want, f"{expr} wrt {wrt} [{layout}, vec={vec}] sizes {sz}")


def test_tensor_axes_entry_by_entry_from_the_definition():
    """∂(A X B)_ij/∂X_kl = A_ik B_lj, read off the evaluated tensor index by index."""
    rng = np.random.default_rng(11)
    A, X, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=(5, 2))
    values = {"A": A, "X": X, "B": B}
    t = mc.derive("A@X@B", "X").evaluate(values)
    assert t.shape == (3, 2, 4, 5)
    td = mc.derive("A@X@B", "X", layout="denominator").evaluate(values)
    assert td.shape == (4, 5, 3, 2)
    for i, j, k, c in np.ndindex(3, 2, 4, 5):
        assert t[i, j, k, c] == pytest.approx(A[i, k] * B[c, j], abs=1e-12)
        assert td[k, c, i, j] == pytest.approx(A[i, k] * B[c, j], abs=1e-12)
    # vector output, matrix variable: one axis for the vector
    x = rng.normal(size=4)
    t = mc.derive("X@a", "X").evaluate({"X": rng.normal(size=(3, 4)), "a": x})
    assert t.shape == (3, 3, 4)
    for i, k, c in np.ndindex(3, 3, 4):
        assert t[i, k, c] == pytest.approx(x[c] if i == k else 0.0, abs=1e-12)
    # matrix output, vector variable
    y = rng.normal(size=4)
    t = mc.derive("x @ y.T", "x").evaluate({"x": rng.normal(size=3), "y": y})
    assert t.shape == (3, 4, 3)
    for i, j, k in np.ndindex(3, 4, 3):
        assert t[i, j, k] == pytest.approx(y[j] if i == k else 0.0, abs=1e-12)


def test_tensor_convention_says_the_flattening():
    d = mc.derive("A@X@B", "X", vec="row,col")
    assert "the output flattened row by row" in d.convention
    assert "X flattened column by column (vec)" in d.convention
    d = mc.derive("A@x", "A", layout="denominator")
    assert "rows indexed by A" in d.convention and "the output flattened" not in d.convention
    assert d.vec == ("col", "col")
    assert mc.derive("A@x", "A", vec=("row", "col")).vec == ("row", "col")


@pytest.mark.parametrize("vec", ["diag", "col,row,col", "", ("col",) * 3])
def test_bad_vec_order_is_a_matcalc_error(vec):
    with pytest.raises(mc.MatcalcError, match="vec"):
        mc.derive("A@x", "A", vec=vec)


def test_zero_tensor_derivative_has_the_vec_jacobian_shape():
    d = mc.derive("A@x", Symbol("B", (Dim.of("p"), Dim.of("q"))))
    assert d.kind == "tensor"
    rows, cols = d.f.shape[0] * d.f.shape[1], d.wrt.shape[0] * d.wrt.shape[1]
    assert d.shape == (rows, cols)
    passes(d)


# ---------------------------------------------------------------- worked tensors, entry by entry


def test_note_000_vector_by_matrix_row_by_row():
    """(a) A x wrt A, M = 3, N = 2, flattened row by row: row i holds xᵀ in block i (I_M ⊗ xᵀ)."""
    where = "A: matrix(m, n); x: vector(n)"
    M_, N_ = 3, 2
    rng = np.random.default_rng(0)
    A, x = rng.normal(size=(M_, N_)), rng.normal(size=N_)
    d = mc.derive("A@x", "A", where=where, vec="row")
    assert str(d) == "kron(eye(m), x.T)"  # I_M ⊗ xᵀ, as the worked example writes it
    assert "A flattened row by row" in d.convention
    got = value(d.expr, {"A": A, "x": x}, {"m": M_, "n": N_})
    want = np.zeros((M_, M_ * N_))
    for i in range(M_):
        for j in range(N_):
            want[i, i * N_ + j] = x[j]  # ∂(Ax)_i/∂A_ij = x_j, A_ij at position i N + j
    np.testing.assert_allclose(got, want, atol=1e-12)
    np.testing.assert_allclose(got, np.kron(np.eye(M_), x[None, :]), atol=1e-12)
    passes(d)


def test_note_000_vector_by_matrix_column_major():
    """(a) with column-major vec (Magnus–Neudecker): xᵀ ⊗ I_M."""
    M_, N_ = 3, 2
    rng = np.random.default_rng(0)
    A, x = rng.normal(size=(M_, N_)), rng.normal(size=N_)
    d = mc.derive("A@x", "A", where="A: matrix(m, n); x: vector(n)", vec="col")
    assert str(d) == "kron(x.T, eye(m))"
    got = value(d.expr, {"A": A, "x": x}, {"m": M_, "n": N_})
    want = np.zeros((M_, M_ * N_))
    for i in range(M_):
        for j in range(N_):
            want[i, i + M_ * j] = x[j]  # A_ij at position i + M j
    np.testing.assert_allclose(got, want, atol=1e-12)
    np.testing.assert_allclose(got, np.kron(x[None, :], np.eye(M_)), atol=1e-12)
    # the full tensor: ∂(Ax)_i/∂A_kj = x_j if k = i else 0
    t = d.evaluate({"A": A, "x": x})
    for i, k, j in np.ndindex(M_, M_, N_):
        assert t[i, k, j] == (x[j] if k == i else 0.0)


def test_note_000_matrix_by_matrix():
    """(b) K = AᵀA wrt A, M = 3, N = 2, outputs K11, K21, K12, K22 (column by column), inputs A11, A12, A21,
    A22, A31, A32 (row by row): vec="col,row". Erratum: the case table's "−A_iq" is +."""
    rng = np.random.default_rng(7)
    A = rng.normal(size=(3, 2))
    d = mc.derive("A.T@A", "A", where="A: matrix(m, n)", vec="col,row")
    assert d.kind == "tensor"
    got = mc.evaluate(d.expr, {"A": A})
    assert got.shape == (4, 6)
    a = {(i + 1, j + 1): A[i, j] for i in range(3) for j in range(2)}
    mixed_row = [a[1, 2], a[1, 1], a[2, 2], a[2, 1], a[3, 2], a[3, 1]]
    want = np.array([
        [2 * a[1, 1], 0, 2 * a[2, 1], 0, 2 * a[3, 1], 0],
        mixed_row,
        mixed_row,
        [0, 2 * a[1, 2], 0, 2 * a[2, 2], 0, 2 * a[3, 2]],
    ])
    np.testing.assert_allclose(got, want, atol=1e-12)
    # the case table: ∂K_pq/∂A_ij = δ_jp A_iq + δ_jq A_ip (+, not the note's −)
    t = d.evaluate({"A": A})
    assert t.shape == (2, 2, 3, 2)
    case_table, erratum = np.zeros_like(t), np.zeros_like(t)
    for p, q, i, j in np.ndindex(2, 2, 3, 2):
        case_table[p, q, i, j] = (A[i, q] if j == p else 0.0) + (A[i, p] if j == q else 0.0)
        erratum[p, q, i, j] = (A[i, q] if j == p else 0.0) - (A[i, p] if j == q else 0.0)
    np.testing.assert_allclose(t, case_table, atol=1e-12)
    assert not np.allclose(t, erratum)
    passes(d)


# ---------------------------------------------------------------- property: matrix variables

F = REGISTRY
MATRIX_VARS = [SYMS["A"], SYMS["B"], SYMS["C"]]
SMOOTH = ["sin", "tanh", "sigmoid", "exp", "softplus", "square"]


@st.composite
def with_var(draw, shape, var, depth):
    """A random expression of `shape` that contains the matrix variable `var`, built through matrix
    constructs (products, transposes, trace, det, logdet, inverse, Frobenius norm, sums) and element-wise ones."""
    rows, cols = shape
    if shape == var.shape and (depth <= 0 or draw(st.integers(0, 3)) == 0):
        return var
    if depth <= 0:  # a fixed path to the variable
        if shape == SCALAR:
            return Call(F["sum"], var)
        (r, c) = var.shape
        left = [] if rows == r else [draw(expr_of((rows, r), 0))]
        right = [] if cols == c else [draw(expr_of((c, cols), 0))]
        return MatMul(*left, var, *right)
    inner = lambda s: with_var(s, var, depth - 1)
    other = lambda s: expr_of(s, 1)
    kinds = ["add", "hadamard", "scale", "scale_by", "smooth", "matmul_left", "matmul_right", "transpose"]
    if shape == SCALAR:
        kinds += ["trace", "det", "logdet", "fro", "fro2", "sum", "bilinear"] * 2
    if shape == (N, N):
        kinds += ["inv", "square"]
    kind = draw(st.sampled_from(kinds))
    if kind == "add":
        return Add(draw(inner(shape)), draw(other(shape)))
    if kind == "hadamard":
        return Mul(draw(inner(shape)), draw(other(shape)))
    if kind == "scale":
        return Mul(draw(other(SCALAR)), draw(inner(shape)))
    if kind == "scale_by":
        return Mul(draw(inner(SCALAR)), draw(other(shape)))
    if kind == "smooth":
        return Call(F[draw(st.sampled_from(SMOOTH))], draw(inner(shape)))
    if kind in ("matmul_left", "matmul_right"):
        k = draw(st.sampled_from([ONE, N, M]))
        if kind == "matmul_left":
            return MatMul(draw(inner((rows, k))), draw(other((k, cols))))
        return MatMul(draw(other((rows, k))), draw(inner((k, cols))))
    if kind == "transpose":
        return Transpose(draw(inner((cols, rows))))
    if kind == "trace":
        return Call(F["trace"], draw(inner((N, N))))
    if kind == "det":
        return Call(F["det"], draw(inner((N, N))))
    if kind == "logdet":  # of W Wᵀ + I: positive definite
        w = draw(inner((N, draw(st.sampled_from([N, M])))))
        return Call(F["logdet"], Add(MatMul(w, Transpose(w)), Identity(N)))
    if kind == "fro":  # ‖W + 1‖_F: away from its kink at random points
        return Call(F["norm_fro"], Add(draw(inner((M, N))), Number(1)))
    if kind == "fro2":
        return Power(Call(F["norm_fro"], draw(inner((M, N)))), Number(2))
    if kind == "sum":
        return Call(F["sum"], draw(inner(draw(st.sampled_from([(M, N), (N, N), (N, M), VN])))))
    if kind == "bilinear":
        return MatMul(Transpose(SYMS["y"]), draw(inner((M, N))), SYMS["x"])
    if kind == "inv":
        w = draw(inner((N, N)))
        return Call(F["inv"], Add(MatMul(w, Transpose(w)), Identity(N)))
    w = draw(inner((N, N)))  # square
    return MatMul(w, w)


@st.composite
def matrix_cases(draw):
    """(expression, matrix variable, layout, vec order): scalar-, vector- and matrix-valued."""
    var = draw(st.sampled_from(MATRIX_VARS))
    shape = draw(st.sampled_from([SCALAR, SCALAR, VN, VM, (M, N), (N, N), (N, M), (ONE, N)]))
    e = draw(with_var(shape, var, 3))
    layout = draw(st.sampled_from(LAYOUTS))
    vec = draw(st.sampled_from(VECS))
    return e, var.name, layout, vec


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(matrix_cases())
def test_random_matrix_variable_expressions_are_right_or_refused(case):
    e, wrt, layout, vec = case
    text = to_text(e)
    try:
        d = mc.derive(e, wrt, layout=layout, vec=vec)
    except mc.UnsupportedError:
        return
    report = d.check()
    # inconclusive (e.g. det of a structurally singular matrix) is honest; a FAIL never is
    assert report.status in ("pass", "inconclusive"), f"d({text})/d{wrt} [{layout}, vec={vec}] = {d}: {report}"
    # and the value (for a tensor: flattened as asked) agrees with this file's own differences
    sz = dim_sizes(d.f)
    values = point(d.f, sz, seed=4)
    try:
        t4 = fd_tensor(d.f, wrt, values)
        got = value(d.expr, values, sz) if d.kind == "tensor" else d.evaluate(values)
    except mc.EvaluationError:  # undefined at this point (a singular argument): the check above has spoken
        return
    if not (np.all(np.isfinite(t4)) and np.all(np.isfinite(got))):
        return
    if d.kind == "tensor":
        want = vec_jacobian(t4, *(vec.split(",") * (2 if "," not in vec else 1)))
        want = want.T if layout == "denominator" else want
    else:
        want = t4[0, 0].T if layout == "numerator" else t4[0, 0]
    assert_close(got, want, f"d({text})/d{wrt} [{layout}, vec={vec}] = {d}")


# ---------------------------------------------------------------- the command line


def run(*args: str):
    return subprocess.run([sys.executable, "-m", "matcalc", *args], capture_output=True, text=True,
                          timeout=60, encoding="utf-8")


def test_cli_trace_quadratic_form():
    r = run("derive", "trace(X.T@A@X)", "wrt", "X", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "(A + A.T) @ X"
    assert "check: PASS" in r.stdout


def test_cli_vec_row():
    r = run("derive", "A@x", "wrt", "A", "--vec", "row", "--check")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "kron(eye(n), x.T)"
    layout = next(line for line in lines if line.strip().startswith("layout:"))
    assert "A flattened row by row" in layout
    assert "check: PASS" in r.stdout


def test_cli_vec_default_and_pair():
    r = run("derive", "A@X@B", "wrt", "X", "--vec", "col,row", "--check")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "kron(B.T, A) @ commutation(p, m)"
    assert "X flattened row by row" in r.stdout and "output flattened column by column" in r.stdout
    assert "check: PASS" in r.stdout
    r = run("derive", "A@x", "wrt", "A")
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "kron(x.T, eye(n))"
    assert "A flattened column by column (vec)" in r.stdout


def test_cli_bad_vec_is_usage_error():
    r = run("derive", "A@x", "wrt", "A", "--vec", "diagonal")
    assert r.returncode == 2 and "usage:" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------- the commutation node


def reference_commutation(m: int, n: int) -> np.ndarray:
    """K(m, n) from its definition: K vec(A) = vec(Aᵀ) for every m×n A (column-major vec)."""
    order = np.arange(m * n).reshape((m, n), order="F").T.reshape(-1, order="F")  # vec(Aᵀ)[k] = vec(A)[order[k]]
    return np.eye(m * n)[order]


@pytest.mark.parametrize("text,where", [
    ("commutation(m, n) @ vec(X)", "X: matrix(m, n)"),
    ("A @ commutation(n, m) @ B", None),
    ("kron(x.T, A) @ commutation(n, q) + B", "A: matrix(p, q); x: vector(n)"),
    ("commutation(2, 3).T @ y", None),
    ("commutation(n, 1)", None),
])
def test_commutation_parse_print_round_trip(text, where):
    e = mc.parse(text, where)
    assert any(isinstance(node, Commutation) for node in preorder(e))
    printed = str(e)
    assert "commutation(" in printed
    again = mc.parse(printed, where)
    assert again == e and str(again) == printed


@pytest.mark.parametrize("m,n", [(2, 3), (3, 2), (4, 4), (1, 5), (5, 1)])
def test_commutation_value_is_the_permutation(m, n):
    k = value(f"commutation({m}, {n})", {})
    np.testing.assert_array_equal(k, reference_commutation(m, n))
    a = np.random.default_rng(m * 10 + n).normal(size=(m, n))
    np.testing.assert_allclose(k @ a.reshape(-1, order="F"), a.T.reshape(-1, order="F"))
    np.testing.assert_array_equal(k.T @ k, np.eye(m * n))


def test_commutation_symbolic_sizes_and_vec():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(3, 5))
    got = mc.evaluate("commutation(m, n) @ vec(X)", {"X": X}, where="X: matrix(m, n)")
    np.testing.assert_allclose(np.ravel(got), X.T.reshape(-1, order="F"))
    k = value("commutation(m, n)", {}, {"m": 3, "n": 5})
    np.testing.assert_array_equal(k, reference_commutation(3, 5))
    k = mc.parse("commutation(m, n)")
    assert k.shape == mc.parse("commutation(n, m)").shape and k != mc.parse("commutation(n, m)")
