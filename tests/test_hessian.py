"""Hessians and mixed second derivatives (PRML §5.4; the Matrix Cookbook's second-order forms).

* ``mc.hessian`` of every scalar function in issue 5: the exact closed form, ``.check()``, and an
  independent comparison with a second-order central finite-difference Hessian of f computed here
  (not with matcalc's checker) at distinct sizes (n ≠ m), plus symmetry for vector variables.
* Matrix variables: the vec-Hessian in Kronecker form, X flattened column by column and row by row.
* Mixed second derivatives ``mc.derive(mc.derive(f, "x"), "y")`` against finite differences.
* The CLI: ``matcalc hessian "logsumexp(x)" wrt x [--check]``.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

import matcalc as mc

H = 1e-4  # step of the second-order central differences
RTOL = 1e-5


def fd_hessian(f, x0: np.ndarray, h: float = H) -> np.ndarray:
    """∂²f/∂x_i∂x_j of f: R^k → R by central differences (four evaluations per entry)."""
    k = x0.size
    out = np.empty((k, k))
    eye = np.eye(k) * h
    for i in range(k):
        for j in range(i, k):
            value = (f(x0 + eye[i] + eye[j]) - f(x0 + eye[i] - eye[j])
                     - f(x0 - eye[i] + eye[j]) + f(x0 - eye[i] - eye[j])) / (4 * h * h)
            out[i, j] = out[j, i] = value
    return out


def fd_mixed(f, x0: np.ndarray, y0: np.ndarray, h: float = H) -> np.ndarray:
    """∂²f/∂x_i∂y_j of f(x, y) by central differences: rows indexed by x, columns by y."""
    out = np.empty((x0.size, y0.size))
    ex, ey = np.eye(x0.size) * h, np.eye(y0.size) * h
    for i in range(x0.size):
        for j in range(y0.size):
            out[i, j] = (f(x0 + ex[i], y0 + ey[j]) - f(x0 + ex[i], y0 - ey[j])
                         - f(x0 - ex[i], y0 + ey[j]) + f(x0 - ex[i], y0 - ey[j])) / (4 * h * h)
    return out


def assert_close(actual, expected, rtol: float = RTOL) -> None:
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    scale = max(1.0, float(np.max(np.abs(expected))))
    err = float(np.max(np.abs(actual - expected))) / scale
    assert err < rtol, f"max relative error {err:.2e}\nactual:\n{actual}\nexpected:\n{expected}"


def _passes(d) -> None:
    report = d.check()
    assert report.status == "pass", f"{d.f} wrt {d.wrt.name}: {d} — {report}"


# ---------------------------------------------------------------- vector variables: exact closed forms

def _logistic_values(rng, n=6, m=3):
    return {"X": rng.normal(size=(n, m)), "w": rng.normal(size=(m, 1)),
            "y": rng.integers(0, 2, size=(n, 1)).astype(float)}


VECTOR_CASES = [
    # (id, expression, variable, closed form, values builder (distinct sizes: n = 5 rows, m = 3 unknowns))
    ("quadratic form", "x.T@A@x", "x", "A + A.T",
     lambda r: {"x": r.normal(size=(4, 1)), "A": r.normal(size=(4, 4))}),
    ("least squares", "0.5*||A@x - b||^2", "x", "A.T @ A",
     lambda r: {"x": r.normal(size=(3, 1)), "A": r.normal(size=(5, 3)), "b": r.normal(size=(5, 1))}),
    ("sum exp", "sum(exp(x))", "x", "diag(exp(x))",
     lambda r: {"x": r.normal(size=(4, 1))}),
    ("logsumexp", "logsumexp(x)", "x", "diag(softmax(x)) - softmax(x) @ softmax(x).T",
     lambda r: {"x": r.normal(size=(5, 1))}),
    ("logistic loss", "-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w",
     "X.T @ diag(sigmoid(X @ w) * (1 - sigmoid(X @ w))) @ X", lambda r: _logistic_values(r)),
    ("sum exp affine", "sum(exp(A@x))", "x", "A.T @ diag(exp(A @ x)) @ A",
     lambda r: {"x": 0.5 * r.normal(size=(3, 1)), "A": 0.5 * r.normal(size=(5, 3))}),
]


@pytest.mark.parametrize("expr,wrt,closed", [c[1:4] for c in VECTOR_CASES], ids=[c[0] for c in VECTOR_CASES])
def test_vector_hessian_closed_form(expr, wrt, closed):
    h = mc.hessian(expr, wrt)
    assert isinstance(h, mc.Hessian)
    assert str(h) == closed
    assert h.shape[0] == h.shape[1] == h.wrt.shape[0]
    assert "symmetric" in h.convention
    _passes(h)


@pytest.mark.parametrize("expr,wrt,build", [(c[1], c[2], c[4]) for c in VECTOR_CASES],
                         ids=[c[0] for c in VECTOR_CASES])
@pytest.mark.parametrize("seed", [0, 1])
def test_vector_hessian_against_finite_differences_of_f(expr, wrt, build, seed):
    rng = np.random.default_rng(seed)
    values = build(rng)
    tree = mc.parse(expr)
    h = mc.hessian(expr, wrt)

    def f(v):
        return float(mc.evaluate(tree, {**values, wrt: v.reshape(-1, 1)}))

    x0 = values[wrt].ravel()
    numeric = fd_hessian(f, x0)
    value = np.asarray(h.evaluate(values))
    assert value.shape == (x0.size, x0.size)
    assert_close(value, numeric)
    np.testing.assert_allclose(value, value.T, atol=1e-12 * max(1.0, np.abs(value).max()))
    # the gradient that the Hessian was derived from agrees with f as well
    g = np.asarray(h.gradient.evaluate(values)).ravel()
    fd_g = np.array([(f(x0 + e) - f(x0 - e)) / 2e-6 for e in np.eye(x0.size) * 1e-6])
    assert_close(g, fd_g)


def test_hessian_of_the_quadratic_form_is_a_plus_a_transpose_numerically():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(4, 4))
    value = mc.hessian("x.T@A@x", "x").evaluate({"A": A, "x": rng.normal(size=(4, 1))})
    np.testing.assert_allclose(value, A + A.T, atol=1e-12)


def test_hessian_of_symmetric_quadratic_form():
    h = mc.hessian("x.T@A@x", "x", where="A: symmetric")
    assert str(h) == "2 * A"
    _passes(h)


def test_logsumexp_hessian_is_singular_along_ones():
    # diag(s) - s sᵀ annihilates the ones vector (softmax is shift-invariant)
    x = np.random.default_rng(4).normal(size=(5, 1))
    value = mc.hessian("logsumexp(x)", "x").evaluate({"x": x})
    np.testing.assert_allclose(value @ np.ones((5, 1)), np.zeros((5, 1)), atol=1e-12)


# ---------------------------------------------------------------- matrix variables: vec-Hessians

MATRIX_CASES = [
    # (id, expression, variable, where, {vec order: closed form}, values builder (X is 3×4, n ≠ m))
    ("trace quadratic", "trace(X.T@A@X)", "X", None, {"col": "kron(eye(m), A + A.T)", "row": "kron(A + A.T, eye(m))"},
     lambda r: {"X": r.normal(size=(3, 4)), "A": r.normal(size=(3, 3))}),
    ("frobenius", "||X||_F^2", "X", None, {"col": "2 * I", "row": "2 * I"},
     lambda r: {"X": r.normal(size=(3, 4))}),
]


@pytest.mark.parametrize("vec", ["col", "row"])
@pytest.mark.parametrize("expr,wrt,where,forms", [c[1:5] for c in MATRIX_CASES], ids=[c[0] for c in MATRIX_CASES])
def test_matrix_hessian_closed_form(expr, wrt, where, forms, vec):
    h = mc.hessian(expr, wrt, where=where, vec=vec)
    assert str(h) == forms[vec]
    assert h.vec[1] == vec
    assert {"col": "column by column", "row": "row by row"}[vec] in h.convention
    _passes(h)


@pytest.mark.parametrize("vec", ["col", "row"])
@pytest.mark.parametrize("expr,wrt,where,build", [(c[1], c[2], c[3], c[5]) for c in MATRIX_CASES],
                         ids=[c[0] for c in MATRIX_CASES])
def test_matrix_hessian_against_finite_differences_of_f(expr, wrt, where, build, vec):
    rng = np.random.default_rng(5)
    values = build(rng)
    tree = mc.parse(expr, where)
    shape = values[wrt].shape
    order = "F" if vec == "col" else "C"

    def f(v):
        return float(mc.evaluate(tree, {**values, wrt: v.reshape(shape, order=order)}))

    numeric = fd_hessian(f, values[wrt].ravel(order=order))
    value = np.asarray(mc.hessian(expr, wrt, where=where, vec=vec).matrix(values))
    assert value.shape == (shape[0] * shape[1],) * 2
    assert_close(value, numeric)
    np.testing.assert_allclose(value, value.T, atol=1e-10)


def _spd(rng, n):
    m = rng.normal(size=(n, n))
    return m @ m.T / n + np.eye(n)


@pytest.mark.parametrize("vec", ["col", "row"])
def test_logdet_vec_hessian_closed_form(vec):
    h = mc.hessian("logdet(X)", "X", where="X: spd", vec=vec)
    assert str(h.gradient) == "inv(X)"
    assert str(h) == "-kron(inv(X), inv(X))"
    _passes(h)


@pytest.mark.parametrize("vec", ["col", "row"])
@pytest.mark.parametrize("n", [3, 4])
def test_logdet_vec_hessian_against_finite_differences_along_symmetric_directions(vec, n):
    """X is spd, so the Hessian is only defined on symmetric directions: compare S H S with the
    symmetriser S = (I + K)/2 (K swaps X_ij and X_ji; the same matrix in either vec order)."""
    rng = np.random.default_rng(n)
    X = _spd(rng, n)
    order = "F" if vec == "col" else "C"

    def f(v):
        return float(mc.evaluate("logdet(X)", {"X": v.reshape(n, n, order=order)}))

    numeric = fd_hessian(f, X.ravel(order=order))
    value = np.asarray(mc.hessian("logdet(X)", "X", where="X: spd", vec=vec).matrix({"X": X}))
    K = np.zeros((n * n, n * n))
    for i in range(n):
        for j in range(n):
            K[i * n + j, j * n + i] = 1
    S = (np.eye(n * n) + K) / 2
    assert_close(S @ value @ S, S @ numeric @ S)
    # and the closed form is the textbook -(X⁻¹ ⊗ X⁻¹)
    inv = np.linalg.inv(X)
    np.testing.assert_allclose(value, -np.kron(inv, inv), atol=1e-12)
    np.testing.assert_allclose(value, value.T, atol=1e-12)


# ---------------------------------------------------------------- mixed second derivatives

def test_mixed_second_derivative_of_bilinear_form():
    d = mc.derive(mc.derive("x.T@A@y", "x"), "y")
    assert str(d) == "A"
    _passes(d)
    rng = np.random.default_rng(6)
    values = {"x": rng.normal(size=(3, 1)), "y": rng.normal(size=(5, 1)), "A": rng.normal(size=(3, 5))}

    def f(x, y):
        return float(mc.evaluate("x.T@A@y", {**values, "x": x.reshape(-1, 1), "y": y.reshape(-1, 1)}))

    numeric = fd_mixed(f, values["x"].ravel(), values["y"].ravel())
    assert_close(d.evaluate(values), numeric)


def test_mixed_second_derivative_of_squared_inner_product():
    d = mc.derive(mc.derive("(x.T@y)**2", "x"), "y")
    assert str(d) == "2 * (y @ x.T + x.T @ y * I)"
    _passes(d)
    rng = np.random.default_rng(7)
    values = {"x": rng.normal(size=(4, 1)), "y": rng.normal(size=(4, 1))}

    def f(x, y):
        return float(mc.evaluate("(x.T@y)**2", {"x": x.reshape(-1, 1), "y": y.reshape(-1, 1)}))

    numeric = fd_mixed(f, values["x"].ravel(), values["y"].ravel())
    assert_close(d.evaluate(values), numeric)
    x, y = values["x"], values["y"]
    np.testing.assert_allclose(d.evaluate(values), 2 * (y @ x.T + (x.T @ y).item() * np.eye(4)), atol=1e-12)


def test_mixed_derivatives_commute_for_bilinear_form():
    rng = np.random.default_rng(8)
    values = {"x": rng.normal(size=(3, 1)), "y": rng.normal(size=(5, 1)), "A": rng.normal(size=(3, 5))}
    xy = mc.derive(mc.derive("x.T@A@y", "x"), "y").evaluate(values)
    yx = mc.derive(mc.derive("x.T@A@y", "y"), "x").evaluate(values)
    np.testing.assert_allclose(xy, yx.T, atol=1e-12)


def test_note_001_hessian_of_xy():
    """f(x, y) = x y: H = [[0, 1], [1, 0]]."""
    where = "x, y: scalar"
    assert str(mc.hessian("x*y", "x", where=where)) == "0"
    assert str(mc.hessian("x*y", "y", where=where)) == "0"
    for a, b in (("x", "y"), ("y", "x")):
        d = mc.derive(mc.derive("x*y", a, where=where), b, where=where)
        assert str(d) == "1"
        _passes(d)
    values = {"x": 0.7, "y": -1.3}

    def f(v):
        return float(mc.evaluate("x*y", {"x": v[0], "y": v[1]}, where=where))

    numeric = fd_hessian(f, np.array([values["x"], values["y"]]))
    np.testing.assert_allclose(numeric, [[0, 1], [1, 0]], atol=1e-6)


# ---------------------------------------------------------------- the CLI

def _cli(*args):
    return subprocess.run([sys.executable, "-m", "matcalc", *args], capture_output=True, text=True, timeout=60)


def _closed_form_of(stdout: str) -> str:
    """The printed result with its let-bindings (t1 = ...) substituted back."""
    lines = []
    for line in stdout.splitlines():
        if line.startswith("  ") or line.startswith("check:"):
            break
        lines.append(line)
    *definitions, body = lines
    for definition in reversed(definitions):
        name, text = definition.split(" = ", 1)
        body = re.sub(rf"\b{re.escape(name)}\b", text, body)
    return body


def test_cli_hessian_of_logsumexp_prints_the_closed_form():
    result = _cli("hessian", "logsumexp(x)", "wrt", "x")
    assert result.returncode == 0, result.stderr
    assert _closed_form_of(result.stdout) == "diag(softmax(x)) - softmax(x) @ softmax(x).T"
    assert "matrix(n, n)" in result.stdout


def test_cli_hessian_of_logsumexp_check_passes():
    result = _cli("hessian", "logsumexp(x)", "wrt", "x", "--check")
    assert result.returncode == 0, result.stderr
    assert "check: PASS" in result.stdout


def test_cli_matrix_hessian_row_order():
    result = _cli("hessian", "trace(X.T@A@X)", "wrt", "X", "--vec", "row", "--check")
    assert result.returncode == 0, result.stderr
    assert _closed_form_of(result.stdout) == "kron(A + A.T, eye(m))"
    assert "row by row" in result.stdout
    assert "check: PASS" in result.stdout


# ---------------------------------------------------------------- further Hessians, numerically only

MORE_VECTOR = [
    ("sum(sigmoid(x))", "x", lambda r: {"x": r.normal(size=(4, 1))}),
    ("norm(x)", "x", lambda r: {"x": r.normal(size=(5, 1))}),
    ("(x.T@x)**2", "x", lambda r: {"x": r.normal(size=(3, 1))}),
    ("sum(softplus(A@x))", "x", lambda r: {"x": r.normal(size=(3, 1)), "A": r.normal(size=(5, 3))}),
    ("0.5*||tanh(W @ x + b) - y||^2", "b",
     lambda r: {"W": r.normal(size=(4, 3)), "x": r.normal(size=(3, 1)), "b": r.normal(size=(4, 1)),
                "y": r.normal(size=(4, 1))}),
    ("-y.T @ log(softmax(W @ x + b))", "b",
     lambda r: {"W": r.normal(size=(4, 3)), "x": r.normal(size=(3, 1)), "b": r.normal(size=(4, 1)),
                "y": r.uniform(size=(4, 1))}),
]


@pytest.mark.parametrize("expr,wrt,build", MORE_VECTOR, ids=[c[0] for c in MORE_VECTOR])
def test_more_vector_hessians_against_finite_differences(expr, wrt, build):
    values = build(np.random.default_rng(9))
    tree = mc.parse(expr)
    h = mc.hessian(expr, wrt)
    _passes(h)

    def f(v):
        return float(mc.evaluate(tree, {**values, wrt: v.reshape(-1, 1)}))

    value = np.asarray(h.evaluate(values))
    assert_close(value, fd_hessian(f, values[wrt].ravel()))
    np.testing.assert_allclose(value, value.T, atol=1e-10)


def test_softmax_cross_entropy_hessian_in_the_bias():
    """H = sum(y) (diag(s) − s sᵀ) with s = softmax(W x + b), for any y."""
    rng = np.random.default_rng(10)
    v = {"W": rng.normal(size=(4, 3)), "x": rng.normal(size=(3, 1)), "b": rng.normal(size=(4, 1)),
         "y": rng.uniform(size=(4, 1))}
    z = v["W"] @ v["x"] + v["b"]
    s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    value = mc.hessian("-y.T @ log(softmax(W @ x + b))", "b").evaluate(v)
    np.testing.assert_allclose(value, v["y"].sum() * (np.diagflat(s) - s @ s.T), atol=1e-12)


MORE_MATRIX = [
    ("sum(exp(X@w))", "X", None, lambda r: {"X": 0.5 * r.normal(size=(4, 3)), "w": r.normal(size=(3, 1))}),
    ("0.5*||X@w - y||^2", "X", None,
     lambda r: {"X": r.normal(size=(4, 3)), "w": r.normal(size=(3, 1)), "y": r.normal(size=(4, 1))}),
    ("trace(X@X)", "X", None, lambda r: {"X": r.normal(size=(3, 3))}),
    ("trace(X@B@X.T)", "X", None, lambda r: {"X": r.normal(size=(2, 3)), "B": r.normal(size=(3, 3))}),
]


@pytest.mark.parametrize("vec", ["col", "row"])
@pytest.mark.parametrize("expr,wrt,where,build", MORE_MATRIX, ids=[c[0] for c in MORE_MATRIX])
def test_more_matrix_hessians_against_finite_differences(expr, wrt, where, build, vec):
    values = build(np.random.default_rng(11))
    tree = mc.parse(expr, where)
    shape = values[wrt].shape
    order = "F" if vec == "col" else "C"
    h = mc.hessian(expr, wrt, where=where, vec=vec)
    _passes(h)

    def f(v):
        return float(mc.evaluate(tree, {**values, wrt: v.reshape(shape, order=order)}))

    value = np.asarray(h.matrix(values))
    assert_close(value, fd_hessian(f, values[wrt].ravel(order=order)))
    np.testing.assert_allclose(value, value.T, atol=1e-10)


@pytest.mark.parametrize("layout", ["numerator", "denominator"])
def test_hessian_is_the_same_matrix_in_every_layout(layout):
    rng = np.random.default_rng(12)
    v = {"x": rng.normal(size=(3, 1)), "A": rng.normal(size=(5, 3))}
    mixed = mc.hessian("sum(exp(A@x))", "x").evaluate(v)
    other = mc.hessian("sum(exp(A@x))", "x", layout=layout)
    _passes(other)
    np.testing.assert_allclose(other.evaluate(v), mixed, atol=1e-12)
