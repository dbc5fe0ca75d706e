"""The element-wise registry (matcalc.functions): every row's stored derivative is SymPy's derivative.

For each element-wise row, the derivative builder ``row.derivative(u)`` (a matcalc expression) is
evaluated with :func:`matcalc.numeric.evaluate` on a 1-D array of points drawn from ``row.domain``
(kept away from 0 for kinked rows) and compared with SymPy's derivative of the row's scalar definition
``row.sympy(sympy, x)``. The NumPy implementation is compared with the definition the same way. One
generated test per row: a new row without a correct derivative fails here.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import sympy

import matcalc as mc
from matcalc.expr import Call, Expr, Symbol
from matcalc.functions import CONSTANTS, ELEMENTWISE, REGISTRY
from matcalc.numeric import evaluate
from matcalc.shapes import Dim

X = sympy.Symbol("x", real=True)
U = Symbol("u", (Dim.of("n"), Dim.of(1)))
U_MATRIX = Symbol("U", (Dim.of("n"), Dim.of("m")))
KINK_MARGIN = 0.05
POINTS = 60

ROWS = list(ELEMENTWISE)
IDS = [row.name for row in ROWS]


def _points(row, count: int = POINTS, seed: int = 0) -> np.ndarray:
    lo, hi = row.domain
    rng = np.random.default_rng(seed)
    pts = rng.uniform(lo, hi, size=4 * count)
    if row.kink:
        pts = pts[np.abs(pts) > KINK_MARGIN]
    pts = pts[:count]
    assert pts.size == count
    return pts


def _sympy_values(expr, pts: np.ndarray, exact: bool) -> np.ndarray:
    """SymPy's value of `expr` (a function of X) at the points.

    Smooth rows go through ``sympy.lambdify``; kinked rows (Heaviside, DiracDelta, Piecewise, Max)
    are evaluated point by point by SymPy itself, so SymPy's own semantics decide away from 0, and so
    are definitions NumPy has no function for (erf).
    """
    if exact or expr.has(sympy.erf):
        return np.array([float(expr.subs(X, sympy.Float(p, 30)).evalf()) for p in pts])
    fn = sympy.lambdify(X, expr, modules="numpy")
    return np.broadcast_to(np.asarray(fn(pts), dtype=float), pts.shape).copy()


def test_there_are_elementwise_rows():
    names = {row.name for row in ROWS}
    # the element-wise functions docs/syntax.md lists
    assert {"exp", "log", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "tanh", "sigmoid", "relu",
            "softplus", "abs", "sign", "sqrt"} <= names
    assert {"log1p", "expm1", "cosh", "sinh", "sech", "softsign", "silu", "gelu", "normal_cdf", "normal_pdf"} <= names
    assert all(row.kind == "elementwise" for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_row_is_complete(row):
    assert row.sympy is not None, f"{row.name} has no SymPy definition"
    assert row.derivative is not None, f"{row.name} has no derivative builder"
    assert row.derivative_text, f"{row.name} has no derivative statement"
    lo, hi = row.domain
    assert lo < hi
    d = row.derivative(U)
    assert isinstance(d, Expr)
    assert d.shape == U.shape, f"{row.name}'(u) must have u's shape"
    # an element-wise function keeps the shape of any argument, matrices included
    assert Call(row, U_MATRIX).shape == U_MATRIX.shape
    assert row.derivative(U_MATRIX).shape == U_MATRIX.shape


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_stored_derivative_equals_sympy_derivative(row):
    pts = _points(row)
    reference = _sympy_values(sympy.diff(row.sympy(sympy, X), X), pts, exact=row.kink)
    got = evaluate(row.derivative(U), {"u": pts})
    assert got.shape == (pts.size, 1)
    np.testing.assert_allclose(got[:, 0], reference, rtol=1e-9, atol=1e-12,
                               err_msg=f"{row.name}: stored derivative {row.derivative_text!r} != SymPy's")


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_stored_derivative_on_a_matrix_argument(row):
    """The builder works entry-wise on a matrix too (the rule is used on matrix arguments)."""
    pts = _points(row, count=12, seed=1).reshape(3, 4)
    reference = _sympy_values(sympy.diff(row.sympy(sympy, X), X), pts.ravel(), exact=row.kink).reshape(3, 4)
    got = evaluate(row.derivative(U_MATRIX), {"U": pts})
    np.testing.assert_allclose(got, reference, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_numpy_implementation_equals_sympy_definition(row):
    pts = _points(row, seed=2)
    reference = _sympy_values(row.sympy(sympy, X), pts, exact=row.kink)
    got = evaluate(Call(row, U), {"u": pts})
    np.testing.assert_allclose(got[:, 0], reference, rtol=1e-10, atol=1e-12,
                               err_msg=f"{row.name}: NumPy implementation != SymPy definition")


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_stored_derivative_matches_finite_differences(row):
    """Independent of SymPy: central differences of the NumPy implementation."""
    pts = _points(row, seed=3)
    lo, hi = row.domain
    h = 1e-6
    pts = np.clip(pts, lo + 2 * h, hi - 2 * h)
    f = lambda v: evaluate(Call(row, U), {"u": v})[:, 0]  # noqa: E731
    numeric = (f(pts + h) - f(pts - h)) / (2 * h)
    got = evaluate(row.derivative(U), {"u": pts})[:, 0]
    np.testing.assert_allclose(got, numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_derive_uses_the_row(row):
    """Deriving f(x) w.r.t. x gives the Jacobian diag(f'(x)), checked numerically at distinct sizes
    (the zero matrix for the piecewise-constant step and sign)."""
    lo, hi = row.domain
    arg = "x" if (lo, hi) == (-2.0, 2.0) or lo > 0 else "x / 4"
    d = mc.derive(f"{row.name}({arg})", "x")
    assert d.kind == "jacobian"
    assert d.shape == (Dim.of("n"), Dim.of("n"))
    if row.name in ("step", "sign"):
        assert str(d) == "matrix(0)"
        np.testing.assert_array_equal(d.evaluate({"x": np.array([-1.0, 0.5, 2.0])}), np.zeros((3, 3)))
    report = d.check()
    assert report.status == "pass", f"{row.name}: {d} {report}"


def test_sigmoid_and_tanh_derivatives_are_written_as_in_the_lecture():
    """σ' = σ(1 − σ) and tanh' = 1 − tanh² (as lectures and PRML §5.3 write them), not SymPy's exp forms."""
    assert str(REGISTRY["sigmoid"].derivative(U)) == "multiply(sigmoid(u), 1 - sigmoid(u))"
    assert str(REGISTRY["tanh"].derivative(U)) == "1 - tanh(u)**2"


def test_relu_derivative_is_the_step():
    row = REGISTRY["relu"]
    got = evaluate(row.derivative(U), {"u": np.array([-1.5, -0.01, 0.01, 2.0])})[:, 0]
    np.testing.assert_array_equal(got, [0.0, 0.0, 1.0, 1.0])


def test_leaky_relu_derivative_is_one_or_one_hundredth():
    row = REGISTRY["leaky_relu"]
    got = evaluate(row.derivative(U), {"u": np.array([-1.5, -0.01, 0.01, 2.0])})[:, 0]
    np.testing.assert_allclose(got, [0.01, 0.01, 1.0, 1.0])


def test_plain_derivation_does_not_import_sympy():
    """SymPy stays out of the import path of plain derivations (fast cold start)."""
    code = (
        "import sys, matcalc as mc\n"
        "d = mc.derive('-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))', 'w')\n"
        "str(d); d.check()\n"
        "print('sympy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- a user's own function (SymPy bridge)


@pytest.fixture
def registered():
    """Register functions for one test and remove them afterwards (the registry is global)."""
    names = []

    def register(name, definition):
        names.append(name)
        return mc.register_function(name, definition)

    yield register
    for name in names:
        REGISTRY.pop(name, None)


def test_registered_function_derivative_is_sympys(registered):
    x = sympy.Symbol("x")
    definition = x / (1 + sympy.exp(-x))  # swish
    row = registered("swish_under_test", definition)
    assert row.kind == "elementwise"
    pts = np.linspace(-2, 2, 41)
    reference = sympy.lambdify(x, sympy.diff(definition, x), "numpy")(pts)
    np.testing.assert_allclose(evaluate(row.derivative(U), {"u": pts})[:, 0], reference, rtol=1e-10)
    np.testing.assert_allclose(evaluate(Call(row, U), {"u": pts})[:, 0],
                               sympy.lambdify(x, definition, "numpy")(pts), rtol=1e-12)
    d = mc.derive("sum(swish_under_test(A@w))", "w")
    assert str(d).startswith("A.T @ ")
    assert d.check().status == "pass"


def test_registering_an_existing_name_is_refused():
    with pytest.raises(mc.MatcalcError):
        mc.register_function("exp", sympy.Symbol("x"))


def test_registering_an_untranslatable_definition_is_unsupported():
    x = sympy.Symbol("x")
    with pytest.raises(mc.UnsupportedError):
        mc.register_function("gamma_under_test", sympy.gamma(x))
    assert "gamma_under_test" not in REGISTRY


def test_registering_abs_with_a_plain_symbol(registered):
    """A plain Symbol('x') is complex to SymPy; the registry differentiates over the reals (d|x|/dx = sign x)."""
    x = sympy.Symbol("x")
    row = registered("softsign_plain_under_test", x / (1 + sympy.Abs(x)))
    pts = np.array([-1.7, -0.3, 0.2, 1.1])
    np.testing.assert_allclose(evaluate(Call(row, U), {"u": pts})[:, 0], pts / (1 + np.abs(pts)), rtol=1e-12)
    np.testing.assert_allclose(evaluate(row.derivative(U), {"u": pts})[:, 0], 1 / (1 + np.abs(pts)) ** 2,
                               rtol=1e-12)
    d = mc.derive("softsign_plain_under_test(w)", "w")
    assert d.kind == "jacobian"
    assert d.check().status == "pass"


def test_registering_with_a_real_symbol_gives_the_same_function(registered):
    x = sympy.Symbol("x", real=True)
    row = registered("softsign_real_under_test", x / (1 + sympy.Abs(x)))
    pts = np.array([-1.7, -0.3, 0.2, 1.1])
    np.testing.assert_allclose(evaluate(row.derivative(U), {"u": pts})[:, 0], 1 / (1 + np.abs(pts)) ** 2,
                               rtol=1e-12)
    assert mc.derive("sum(softsign_real_under_test(A@w))", "w").check().status == "pass"


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "exp", "tanh", "normal_cdf", "silu", "gelu", "expm1"])
def test_tails_keep_full_relative_precision(name):
    """Far out on a tail the value is tiny but must not be rounded to 0: a closed form evaluated as 0
    where finite differences see 1e-19 fails the check (softplus' = σ at -45 did)."""
    row = REGISTRY[name]
    pts = np.array([-700.0, -300.0, -45.0, -20.0, -1.0, 0.0, 3.0, 45.0])
    exact = np.array([float(row.sympy(sympy, X).subs(X, sympy.Float(p, 400)).evalf(400)) for p in pts])
    got = row.numpy(pts)
    assert np.all(np.abs(got - exact) <= 1e-13 * np.abs(exact)), (pts, got, exact)


def test_softplus_far_below_zero_checks():
    w = "x: vector(n) positive; A: matrix(n, n) positive; y: vector(n); B: matrix(n, m) positive; z: vector(m)"
    d = mc.derive("softplus((x.T @ [A; y.T].T) @ [B; z.T] @ z)", "z", layout="denominator", where=w)
    assert d.check().status == "pass"


# ---------------------------------------------------------------- named constants


@pytest.mark.parametrize("spelling", ["pi", "π", "np.pi", "numpy.pi"])
def test_pi_is_the_circle_constant_unless_declared(spelling):
    """π is a row of no arguments: a scalar constant with a zero derivative, printed by name in every form."""
    e = mc.parse(f"{spelling} * x.T @ x")
    assert mc.to_text(e) == "pi * x.T @ x" and mc.to_math(e) == "π xᵀ x" and r"\pi" in mc.to_latex(e)
    assert mc.evaluate(e, {"x": [1.0, 2.0]}) == pytest.approx(5 * np.pi)
    d = mc.derive(f"{spelling} * x.T @ x", "x")
    assert str(d) == "2 * pi * x" and d.check().passed
    assert "np.pi" in d.to_source()
    np.testing.assert_allclose(d.to_function()(x=[1.0, 2.0]).ravel(), [2 * np.pi, 4 * np.pi])
    assert mc.parse("pi * x", where="pi: scalar") != e  # a declared name pi is a name
    assert [f.name for f in CONSTANTS] == ["pi"]
