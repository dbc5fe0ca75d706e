"""The finite-difference checker (matcalc.checking): it must be able to say FAIL.

A checker that passes everything proves nothing, so most tests here hand it a deliberately wrong
closed form (a Derivative built by hand) and expect 'fail'. The rest: declared properties are honoured
when sampling, sizes are distinct and reported, scalar variables work, undefined expressions are
'inconclusive' rather than an error.
"""

from __future__ import annotations

import numpy as np
import pytest

import matcalc as mc
from matcalc.checking import (
    KINK_MARGIN,
    SIZE_SETS,
    TOLERANCE,
    check_jacobian,
    finite_difference_jacobian,
    random_value,
    relative_error,
    sample_point,
)
from matcalc.derivative import Derivative
from matcalc.expr import Symbol, symbols
from matcalc.shapes import ONE, Dim


def _with_closed_form(d: Derivative, text: str, where: str | None = None) -> Derivative:
    """The same derivative object with a different (hand-written) closed form."""
    closed = mc.parse(text, where)
    return Derivative(closed, d.f, d.wrt, d.layout, d.kind, [])


# ---------------------------------------------------------------- it says FAIL for wrong answers


@pytest.mark.parametrize("expr,wrt,where,layout,wrong", [
    ("x.T@A@x", "x", None, "mixed", "(A.T + A.T) @ x"),       # A swapped for A.T
    ("x.T@A@x", "x", None, "mixed", "2 * A @ x"),              # symmetric formula, A not declared symmetric
    ("x.T@A@x", "x", None, "mixed", "A @ x"),                  # missing the Aᵀ term
    ("x.T@A@x", "x", None, "numerator", "x.T @ (A + A.T) * 2"),  # wrong factor
    ("||y - Phi theta||^2", "theta", None, "mixed", "2 * Phi.T @ (y - Phi @ theta)"),  # sign
    ("B@x", "x", "B: matrix(n, n)", "mixed", "B.T"),            # transposed Jacobian
    ("sigmoid(x)", "x", None, "mixed", "diag(sigmoid(x))"),
    ("log(sin(x**3)**2)", "x", "x: scalar", "mixed", "6 * x**2 * cos(x**3)"),  # a worked example's printed slip
    ("2*x + y**2", "y", "x, y: scalar", "mixed", "8 * y**2"),                    # a worked example's printed slip
    ("x.T@A@x", "x", None, "mixed", "(1.001 * A + A.T) @ x"),   # off by 0.1 %
])
def test_a_wrong_closed_form_fails(expr, wrt, where, layout, wrong):
    d = mc.derive(expr, wrt, layout=layout, where=where)
    assert d.check().status == "pass"
    bad = _with_closed_form(d, wrong, where)
    report = bad.check()
    assert report.status == "fail", f"{wrong} was accepted for d({expr})/d{wrt}: {report}"
    assert not report.passed and not bool(report)
    assert report.max_error > TOLERANCE
    assert "FAIL" in str(report)


def test_a_closed_form_of_the_wrong_size_fails():
    d = mc.derive("A@x", "x")  # A: n×m, the Jacobian is n×m
    assert d.expected_shape() == d.shape == (Dim.of("n"), Dim.of("m"))
    bad = _with_closed_form(d, "A.T")
    report = bad.check()
    assert report.status == "fail"
    assert not report.passed and report.max_error == float("inf")
    assert report.message == "the result is matrix(m, n) but the mixed layout needs matrix(n, m)"
    assert "FAIL" in str(report)


@pytest.mark.parametrize("layout,closed,message", [
    # numerator gradients are rows, mixed and denominator ones are columns
    ("numerator", "(A + A.T) @ x", "the result is vector(n) but the numerator layout needs covector(n)"),
    ("mixed", "x.T @ (A + A.T)", "the result is covector(n) but the mixed layout needs vector(n)"),
    ("denominator", "x.T @ (A + A.T)", "the result is covector(n) but the denominator layout needs vector(n)"),
])
def test_a_gradient_in_the_wrong_orientation_fails(layout, closed, message):
    d = mc.derive("x.T@A@x", "x", layout=layout)
    assert d.check().status == "pass"
    bad = _with_closed_form(d, closed)  # the right values, the wrong orientation
    report = bad.check()
    assert report.status == "fail"
    assert report.message == message


def test_a_jacobian_in_the_wrong_orientation_fails():
    d = mc.derive("B@x", "x", layout="denominator", where="B: matrix(m, n)")
    assert str(d) == "B.T" and d.check().status == "pass"
    report = _with_closed_form(d, "B", "B: matrix(m, n)").check()
    assert report.status == "fail"
    assert "denominator layout needs matrix(n, m)" in report.message


# ---------------------------------------------------------------- declared properties


def test_symmetric_declaration_is_honoured():
    """2 A x is right only for symmetric A: the checker must sample symmetric A."""
    d = mc.derive("x.T@A@x", "x", where="A: symmetric")
    assert str(d) == "2 * A @ x"
    assert d.check().status == "pass"
    for seed in range(3):
        assert d.check(seed=seed).status == "pass"


def test_spd_declaration_is_honoured():
    d = mc.derive("sqrt(x.T@S@x)", "x", where="S: spd")
    assert d.check().status == "pass"
    s = next(sym for sym in symbols(d.f) if sym.name == "S")
    rng = np.random.default_rng(0)
    for _ in range(20):
        value = random_value(s, {"n": 5}, rng)
        np.testing.assert_allclose(value, value.T)
        assert np.min(np.linalg.eigvalsh(value)) > 0


def test_positive_declaration_is_honoured():
    p = mc.parse("p", "p: vector(n) positive")
    assert isinstance(p, Symbol) and "positive" in p.props
    rng = np.random.default_rng(0)
    for _ in range(20):
        assert np.all(random_value(p, {"n": 6}, rng) > 0)
    d = mc.derive("sum(log(p) ∘ x)", "x", where="p: positive")
    assert d.check().status == "pass"


def test_symmetric_variable_gradient_must_be_symmetric():
    """The gradient w.r.t. a symmetric matrix lives in the symmetric matrices: sym(G), not G."""
    d = mc.derive("y.T@S@x", "S", where="S: symmetric")
    assert d.check().status == "pass"
    unconstrained = _with_closed_form(d, "y @ x.T", "x, y: vector(n)")
    report = unconstrained.check()
    assert report.status == "fail"
    assert "symmetric" in report.message


def test_diagonal_variable_gradient_must_be_diagonal():
    d = mc.derive("y.T@D@x", "D", where="D: diagonal")
    assert d.check().status == "pass"
    unconstrained = _with_closed_form(d, "y @ x.T", "x, y: vector(n)")
    assert unconstrained.check().status == "fail"


@pytest.mark.parametrize("prop,test", [
    ("symmetric", lambda v: np.allclose(v, v.T)),
    ("diagonal", lambda v: np.allclose(v, np.diag(np.diag(v)))),
    ("invertible", lambda v: abs(np.linalg.det(v)) > 1e-8),
])
def test_random_values_have_the_declared_property(prop, test):
    s = Symbol("M", (Dim.of("n"), Dim.of("n")), frozenset({prop}))
    rng = np.random.default_rng(1)
    for _ in range(20):
        assert test(random_value(s, {"n": 4}, rng))


# ---------------------------------------------------------------- sizes, scalars, reports


def test_report_gives_distinct_sizes_for_each_dimension():
    d = mc.derive("y.T@A@x + sum(B@z)", "x")
    report = d.check()
    assert report.status == "pass"
    assert len(report.trials) == 3
    names = set(report.trials[0].sizes)
    assert {"n", "m"} <= names
    for trial in report.trials:
        assert set(trial.sizes) == names
        assert len(set(trial.sizes.values())) == len(trial.sizes), trial.sizes
    assert len({tuple(t.sizes.values()) for t in report.trials}) == 3, "every trial should use new sizes"
    text = str(report)
    assert text.startswith("check: PASS")
    for trial in report.trials:
        assert ", ".join(f"{k}={v}" for k, v in trial.sizes.items()) in text


def test_sizes_come_from_the_size_sets():
    report = mc.derive("A@x", "x").check()
    for trial, sizes in zip(report.trials, SIZE_SETS, strict=False):
        assert list(trial.sizes.values()) == list(sizes[: len(trial.sizes)])


@pytest.mark.parametrize("expr,wrt,where", [
    ("sin(x**2)", "x", "x: scalar"),
    ("log(sin(x**3)**2)", "x", "x: scalar"),
    ("s * x + s**2 * y", "s", "s: scalar"),
    ("sum((y - exp(-(x - c)**2/b))**2)", "c", "c, b: scalar"),
])
def test_scalar_variables(expr, wrt, where):
    d = mc.derive(expr, wrt, where=where)
    report = d.check()
    assert report.status == "pass", report
    wrong = _with_closed_form(d, f"2 * ({d})", where)
    assert wrong.check().status == "fail"


def test_scalar_only_expression_reports_scalars():
    report = mc.derive("sin(x**2)", "x", where="x: scalar").check()
    assert "scalars" in str(report)


def test_check_is_reproducible_and_seeded():
    d = mc.derive("||A@x - y||^2", "x")
    a, b = d.check(seed=3), d.check(seed=3)
    assert a.max_error == b.max_error and a.status == b.status == "pass"
    assert d.check(seed=4).max_error != a.max_error


def test_kinked_functions_are_checked_away_from_the_kink():
    d = mc.derive("sum(relu(A@x)) + norm1(x)", "x")
    for seed in range(5):
        assert d.check(seed=seed).status == "pass"
    f = d.f
    rng = np.random.default_rng(0)
    arrays = sample_point([f], {"n": 4, "m": 3}, rng, kink_expr=f)
    assert np.min(np.abs(arrays["A"] @ arrays["x"])) >= KINK_MARGIN
    assert np.min(np.abs(arrays["x"])) >= KINK_MARGIN


def test_undefined_everywhere_is_inconclusive():
    d = mc.derive("log(-(x.T@x) - 1)", "x")
    report = d.check()
    assert report.status == "inconclusive"
    assert not report.passed
    assert "no random point" in report.message


def test_singular_everywhere_does_not_raise():
    """logdet of the rank-one x u is undefined at every point: check() reports, it does not raise."""
    d = mc.derive("logdet(x @ u)", "u", where="u: covector(n)")
    report = d.check()
    assert report.status in ("inconclusive", "fail")
    assert not report.passed


def test_singular_everywhere_is_inconclusive():
    d = mc.derive("logdet(x @ u)", "u", where="u: covector(n)")
    assert d.check().status == "inconclusive"


# ---------------------------------------------------------------- the pieces


def test_finite_difference_jacobian_of_a_linear_map_is_the_matrix():
    f = mc.parse("A@x")
    x = next(s for s in symbols(f) if s.name == "x")
    rng = np.random.default_rng(0)
    a, xv = rng.normal(size=(3, 4)), rng.normal(size=(4, 1))
    jac = finite_difference_jacobian(f, x, {"A": a, "x": xv}, {"n": 3, "m": 4})
    np.testing.assert_allclose(jac, a, atol=1e-8)


def test_finite_difference_jacobian_uses_column_major_vec():
    f = mc.parse("x @ y.T")  # vec(x yᵀ) = (y ⊗ I) x
    x = next(s for s in symbols(f) if s.name == "x")
    xv, yv = np.arange(1.0, 4.0).reshape(3, 1), np.array([[2.0], [5.0]])
    jac = finite_difference_jacobian(f, x, {"x": xv, "y": yv}, {"n": 3, "m": 2})
    np.testing.assert_allclose(jac, np.kron(yv, np.eye(3)), atol=1e-7)


def test_relative_error():
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0
    assert relative_error(np.array([1.0, 2.2]), np.array([1.0, 2.0])) == pytest.approx(0.1 / 1.1)
    # a zero derivative is not failed on rounding noise when the function is large
    assert relative_error(np.array([0.0]), np.array([1e-7]), f_scale=1e3) < TOLERANCE


@pytest.mark.parametrize("expr, scale", [
    ("1e-8 * x.T @ A @ x", 1e-8), ("1e8 * x.T @ A @ x", 1e8), ("1e-300 * sum(x)", 1e-300), ("1e120 * sum(x)", 1e120),
])
def test_tiny_and_huge_scales_are_judged_relatively(expr, scale):
    d = mc.derive(expr, "x")
    assert d.check().status == "pass"
    wrong = mc.parse(f"{scale!r} * 1.001 * (A + A.T) @ x" if "A" in expr else f"{scale!r} * 1.001 * x**0")
    assert check_jacobian(d.f, d.wrt, wrong, d._to_vec_jacobian).status == "fail"


@pytest.mark.parametrize("expr", ["1e-12 * x.T @ A @ x + 1", "1e8 + sum(x)"])
def test_a_variation_below_rounding_noise_is_inconclusive_not_a_pass(expr):
    d = mc.derive(expr, "x")
    assert d.check().status == "inconclusive"
    wrong = "2e-12 * (A + A.T) @ x" if "A" in expr else "0 * x"
    assert check_jacobian(d.f, d.wrt, mc.parse(wrong), d._to_vec_jacobian).status == "inconclusive"


def test_an_exactly_zero_derivative_passes():
    d = mc.derive("x.T @ A @ x", Symbol("y", (Dim.of("p"), ONE)))
    assert d.check().status == "pass"


def test_ill_conditioned_points_are_skipped_not_failed():
    d = mc.derive("trace(inv(A @ A.T + 1e-14 * I))", "A")
    assert d.check().status in ("pass", "inconclusive")



@pytest.mark.parametrize("prop", ["probability", "onehot", "pm1", "binary"])
def test_draws_honour_value_declarations(prop):
    """A declared probability vector sums to 1 (one-hot: a single 1), pm1 entries are ±1, binary 0/1."""
    from matcalc.checking import random_value

    y = mc.parse("y", where=f"y: {prop}")
    rng = np.random.default_rng(3)
    for _ in range(20):
        v = random_value(y, {name: 5 for d in y.shape for name in d.names()}, rng)
        if prop in ("probability", "onehot"):
            assert np.isclose(v.sum(), 1) and (v >= 0).all()
        if prop == "onehot":
            assert sorted(v.ravel()) == [0, 0, 0, 0, 1]
        if prop == "pm1":
            assert set(v.ravel()) <= {-1.0, 1.0}
        if prop == "binary":
            assert set(v.ravel()) <= {0.0, 1.0}


def test_value_declarations_are_data_not_variables():
    with pytest.raises(mc.MatcalcError, match="a property of data"):
        mc.derive("-y.T @ log(softmax(z))", "y", where="y: probability")
    with pytest.raises(mc.DeclarationError, match="cannot be probability"):
        mc.parse("Y", where="Y: matrix probability")
    with pytest.raises(mc.DeclarationError, match="contradict"):
        mc.parse("y", where="y: pm1 binary")
    assert mc.check_answer("-y.T @ log(softmax(z))", "z", "softmax(z) - y", where="y: probability").correct
    assert not mc.check_answer("-y.T @ log(softmax(z))", "z", "softmax(z) - y").correct  # right only for a probability y
