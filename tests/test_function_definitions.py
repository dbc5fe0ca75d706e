"""Every named function is one complete definition (matcalc.functions), and the rows beyond the
element-wise ones do what their definitions say.

* A walk over every built-in row fails when a row lacks a part of its definition: a shape rule, a
  differential whose rules are in the table (an adjoint and a vec-Jacobian for a linear row), a
  spelling that every printer and both code targets use (the NumPy text parsing back to the same
  tree), a NumPy implementation, and what numeric checks sample (an interval, or the kind of matrix).
* ``diag`` is two rows printed alike, picked by the argument (:func:`matcalc.functions.resolve`).
* mean, log_softmax, expm, logm and sqrtm: the rules their derivations fire, the closed forms, the
  honest refusals, and every new function's gradient checked by finite differences at distinct sizes.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import matcalc as mc
from matcalc.codegen import function_source
from matcalc.differentiate import differential
from matcalc.errors import ShapeError, UnsupportedError
from matcalc.expr import Call, Symbol
from matcalc.functions import (
    BUILT_IN,
    DIAG,
    DIAG_PART,
    EXPM,
    LOGM,
    REGISTRY,
    SQRTM,
    TRACE,
    lookup,
    resolve,
)
from matcalc.numeric import evaluate
from matcalc.rules import RULES
from matcalc.shapes import ONE, Dim, describe

N, M, P = Dim.of("n"), Dim.of("m"), Dim.of("p")
SIZES = {"n": 3, "m": 4, "p": 2}
IDS = [row.name for row in BUILT_IN]


def _call(row) -> tuple[Call, list[Symbol]]:
    """The row applied to symbols of a shape it takes: a matrix, else a vector (norms, softmax), a square
    symmetric positive definite matrix for rows that need a square argument, two matrices for kron."""
    if row.arity == 2:
        args = [Symbol("A", (N, M)), Symbol("B", (P, N))]
        return Call(row, *args), args
    if row.square:
        s = Symbol("S", (N, N), frozenset({"spd"}))
        return Call(row, s), [s]
    for arg in (Symbol("X", (N, M)), Symbol("x", (N, ONE))):
        try:
            e = Call(row, arg)
        except ShapeError:
            continue
        if e.fn is row:
            return e, [arg]
    raise AssertionError(f"{row.name}: no argument shape fits")


def _where(args: list[Symbol]) -> str:
    return "; ".join(f"{s.name}: {describe(s.shape)}" + (" spd" if "spd" in s.props else "") for s in args)


def _point(args: list[Symbol], seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    values = {}
    for s in args:
        rows, cols = (d.evaluate(SIZES) for d in s.shape)
        value = rng.uniform(0.2, 0.9, size=(rows, cols))
        values[s.name] = value @ value.T + np.eye(rows) if "spd" in s.props else value
    return values


# ---------------------------------------------------------------- coverage: every row is a complete definition


def test_every_registered_name_is_a_row_and_every_row_is_registered():
    assert [row.name for row in BUILT_IN] == [name for name in REGISTRY if REGISTRY[name] in BUILT_IN]
    assert len({row.name for row in BUILT_IN}) == len(BUILT_IN)


@pytest.mark.parametrize("row", BUILT_IN, ids=IDS)
def test_row_has_a_shape_rule(row):
    e, args = _call(row)
    assert e.fn is row and row.arity == len(args)
    assert len(e.shape) == 2 and all(isinstance(d, Dim) for d in e.shape)
    if row.square:  # the flag the parser reads is what the shape rule enforces
        with pytest.raises(ShapeError, match="square matrix"):
            Call(row, Symbol("X", (N, M)))


@pytest.mark.parametrize("row", BUILT_IN, ids=IDS)
def test_row_has_a_differential_citing_rules_of_the_table(row):
    assert callable(row.differential), f"{row.name} has no differential"
    assert all(RULES.get(rule.name) == rule for rule in row.rules), f"{row.name} cites a rule not in the table"
    if row.kind == "elementwise":
        assert row.derivative is not None and row.derivative_text
    else:
        assert row.rules, f"{row.name} cites no rule"
    if row.linear:
        assert callable(row.adjoint) and callable(row.vec_jacobian), f"{row.name} is linear without its adjoint"
    e, args = _call(row)
    var = args[0]
    cited = {r.name for r in row.rules} | {"elementwise-chain"}
    target = e
    if row.matrix_derivative is not None:  # an analytic matrix function: closed only inside a trace
        target, cited = Call(TRACE, e), {"trace-of-function"}
    d = differential(target, var)
    assert d.df is not None and d.df.shape == target.shape
    assert cited & {step.rule for step in d.steps}


@pytest.mark.parametrize("row", BUILT_IN, ids=IDS)
def test_row_prints_in_every_printer_and_the_text_reads_back(row):
    e, args = _call(row)
    text = mc.to_text(e)
    assert text == f"{row.spelling}({', '.join(s.name for s in args)})"
    assert mc.parse(text, where=_where(args)) == e
    math, latex = mc.to_math(e), mc.to_latex(e)
    assert math and latex and "Function" not in math + latex
    assert all(s.name in math and s.name in latex for s in args)


@pytest.mark.parametrize("target", ["numpy", "jax"])
@pytest.mark.parametrize("row", BUILT_IN, ids=IDS)
def test_row_has_code_in_every_target(row, target):
    e, args = _call(row)
    source = function_source(e, args, "f", "the row", target=target)
    compile(source, "<row>", "exec")
    if target == "jax":
        assert "np." not in source.replace("jnp.", "")
        return
    namespace: dict = {}
    exec(compile(source, "<row>", "exec"), namespace)  # source written by matcalc from a fixed tree
    values = _point(args)
    got = namespace["f"](**values)
    want = evaluate(e, values, SIZES)
    np.testing.assert_allclose(np.reshape(got, np.shape(want)), want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("row", BUILT_IN, ids=IDS)
def test_row_tells_numeric_checks_where_to_sample(row):
    assert row.doc and callable(row.numpy)
    if row.kind == "elementwise":
        lo, hi = row.domain
        assert lo < hi
    else:
        assert row.argument in ("any", "spd")
        assert row.argument == "any" or row.square
    e, args = _call(row)
    value = row.numpy(*_point(args).values())
    rows, cols = (d.evaluate(SIZES) for d in e.shape)
    assert np.asarray(value).size == rows * cols


# ---------------------------------------------------------------- diag: two rows, one spelling


def test_diag_of_a_vector_and_of_a_square_matrix_are_two_rows_printed_alike():
    v, s = mc.parse("diag(x)"), mc.parse("diag(S)", where="S: matrix(n, n)")
    assert v.fn is DIAG and s.fn is DIAG_PART
    assert (str(v), str(s)) == ("diag(x)", "diag(S)")
    assert (mc.to_math(s), mc.to_latex(s)) == ("diag(S)", r"\operatorname{diag}\left(S\right)")
    assert mc.parse(str(s), where="S: matrix(n, n)") == s


def test_resolve_picks_the_row_by_the_argument():
    assert resolve("diag", True) is DIAG and resolve("diag", False) is DIAG_PART
    assert resolve("tr", False) is TRACE and resolve("expm", False) is EXPM
    assert resolve("no_such_function", True) is None and lookup("diag") is DIAG


def test_a_call_of_the_shared_spelling_is_the_row_its_argument_asks_for():
    s = Symbol("S", (N, N))
    assert Call(DIAG, s).fn is DIAG_PART and Call(DIAG, Symbol("x", (N, ONE))).fn is DIAG
    assert Call(DIAG_PART, Call(DIAG, Call(DIAG, s))) == Call(DIAG_PART, Call(DIAG, Call(DIAG_PART, s)))
    with pytest.raises(ShapeError, match=r"diag needs a vector \(to build a diagonal matrix\) or a square matrix"):
        Call(DIAG, Symbol("A", (N, M)))


def test_the_two_diags_are_each_others_adjoint():
    d = mc.derive("sum(diag(S) ∘ x)", "S", where="S: matrix(n, n)")
    assert str(d) == "diag(x)" and d.expr.fn is DIAG
    d = mc.derive("trace(A @ diag(x))", "x", where="A: matrix(n, n)")
    assert str(d) == "diag(A)" and d.expr.fn is DIAG_PART
    assert d.check().passed


# ---------------------------------------------------------------- mean


def test_mean_gradient_is_ones_over_their_count():
    d = mc.derive("mean(x)", "x")
    assert str(d) == "vector(1) / sum(ones(n, 1))"
    assert "mean" in [s.rule for s in d.steps]
    np.testing.assert_allclose(d.evaluate({"x": np.ones(4)}), np.full((4, 1), 0.25))
    assert mc.evaluate("mean(X)", {"X": np.arange(6.0).reshape(2, 3)}) == 2.5


def test_mean_is_a_linear_reduction_for_the_simplifier():
    assert str(mc.derive("mean(c * X)", "c", where="c: scalar")) == "mean(X)"


# ---------------------------------------------------------------- log_softmax


def test_log_softmax_jacobian_is_identity_minus_ones_times_softmax():
    d = mc.derive("log_softmax(x)", "x")
    assert str(d) == "I - vector(1) @ softmax(x).T"  # ∂/∂u (u - lse(u) 1) = I - 1 softmax(u)ᵀ
    x = np.array([0.3, -1.2, 2.0])
    s = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(d.evaluate({"x": x}), np.eye(3) - np.outer(np.ones(3), s))
    np.testing.assert_allclose(mc.evaluate("log_softmax(x)", {"x": x}).ravel(), x - np.log(np.exp(x).sum()))


def test_log_softmax_gradient_of_a_cross_entropy():
    d = mc.derive("y.T @ log_softmax(A @ x)", "x")
    assert str(d) == "A.T @ y - sum(y) * (A.T @ softmax(A @ x))"
    assert d.check().passed


def test_log_softmax_takes_a_vector():
    with pytest.raises(ShapeError, match="log_softmax needs a vector"):
        mc.parse("log_softmax(A)", where="A: matrix(n, m)")


# ---------------------------------------------------------------- expm, logm, sqrtm

SQUARE = "X: matrix(n, n)"


@pytest.mark.parametrize(("expr", "wrt", "where", "expected"), [
    ("trace(expm(X))", "X", SQUARE, "expm(X).T"),
    ("trace(logm(X))", "X", SQUARE, "inv(X).T"),
    ("trace(sqrtm(X))", "X", SQUARE, "0.5 * inv(sqrtm(X)).T"),
    ("trace(logm(S))", "S", "S: matrix(n, n) spd", "inv(S)"),
    ("trace(sqrtm(S))", "S", "S: matrix(n, n) spd", "0.5 * inv(sqrtm(S))"),
    ("trace(expm(A @ X))", "X", "A: matrix(n, m); X: matrix(m, n)", "A.T @ expm(A @ X).T"),
    ("expm(s * A)", "s", "s: scalar; A: matrix(n, n)", "expm(s * A) @ A"),
    ("expm(s**2 * A)", "s", "s: scalar; A: matrix(n, n)", "2 * s * expm(s**2 * A) @ A"),
    ("logm(s * S)", "s", "s: scalar; S: matrix(n, n) spd", "I / s"),
    ("sqrtm(s * S)", "s", "s: scalar; S: matrix(n, n) spd", "0.5 * inv(sqrtm(s * S)) @ S"),
    ("expm(s)", "s", "s: scalar", "expm(s)"),
])
def test_closed_forms_of_matrix_functions(expr, wrt, where, expected):
    d = mc.derive(expr, wrt, where=where)
    assert str(d) == expected
    assert d.check().passed, d.check()


def test_trace_of_a_matrix_function_is_one_step_past_the_function():
    d = mc.derive("trace(expm(A @ X))", "X", where="A: matrix(n, m); X: matrix(m, n)")
    texts = [f"[{s.rule}] {s.text}" for s in d.steps]
    assert "[trace-of-function] d(trace(expm(u1))) = trace(expm(u1) @ du1)" in texts
    assert not any(s.rule == "expm" for s in d.steps)


def test_a_commuting_argument_is_shown_in_its_let_names():
    steps = [f"[{s.rule}] {s.text}" for s in mc.derive("expm(s * A)", "s", where="s: scalar; A: matrix(n, n)").steps]
    assert "[expm] d(expm(u1)) = expm(u1) @ du1" in steps


@pytest.mark.parametrize(("expr", "wrt", "where", "construct"), [
    ("expm(X)", "X", SQUARE, "expm(X)"),
    ("sum(expm(X))", "X", SQUARE, "expm(X)"),
    ("sum(logm(X) @ A)", "X", SQUARE, "logm(X)"),
    ("trace(A @ sqrtm(X))", "X", SQUARE, "sqrtm(X)"),
    ("expm(s * A + B)", "s", "s: scalar; A, B: matrix(n, n)", "expm(s * A + B)"),
])
def test_no_closed_form_is_an_honest_refusal(expr, wrt, where, construct):
    fn = construct.split("(")[0]
    message = rf"the derivative of {re.escape(construct)} itself is not a closed form; tr\({fn}\("
    with pytest.raises(UnsupportedError, match=message):
        mc.derive(expr, wrt, where=where)


def test_the_hessian_of_a_trace_of_expm_is_refused_not_guessed():
    with pytest.raises(UnsupportedError, match="not a closed form"):
        mc.hessian("trace(expm(X))", "X", where=SQUARE)


def _random_spd(n: int, seed: int) -> np.ndarray:
    a = np.random.default_rng(seed).normal(size=(n, n))
    return a @ a.T / n + 0.5 * np.eye(n)


def test_expm_agrees_with_the_eigendecomposition_and_the_series():
    for seed, n in enumerate((1, 2, 3, 6)):
        s = _random_spd(n, seed)
        w, v = np.linalg.eigh(s)
        np.testing.assert_allclose(EXPM.numpy(s), (v * np.exp(w)) @ v.T, rtol=1e-12)
        a = np.random.default_rng(seed).normal(size=(n, n)) * 3  # scaled and squared
        series, term = np.eye(n), np.eye(n)
        for k in range(1, 120):
            term = term @ (a / 4) / k
            series = series + term
        np.testing.assert_allclose(EXPM.numpy(a), np.linalg.matrix_power(series, 4), rtol=1e-10, atol=1e-12)


def test_logm_and_sqrtm_invert_expm_and_squaring():
    for seed, n in enumerate((1, 3, 5)):
        s = _random_spd(n, seed)
        np.testing.assert_allclose(LOGM.numpy(EXPM.numpy(s)), s, rtol=1e-10, atol=1e-12)
        root = SQRTM.numpy(s)
        np.testing.assert_allclose(root @ root, s, rtol=1e-12, atol=1e-12)
        x = s + np.triu(np.ones((n, n)), 1) * 0.1  # not symmetric: the eig path, as finite differences need
        np.testing.assert_allclose(SQRTM.numpy(x) @ SQRTM.numpy(x), x, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(EXPM.numpy(LOGM.numpy(x)), x, rtol=1e-10, atol=1e-12)


def test_logm_and_sqrtm_are_undefined_off_their_domain():
    negative = np.diag([1.0, -2.0])
    assert np.all(np.isnan(LOGM.numpy(negative))) and np.all(np.isnan(SQRTM.numpy(negative)))
    assert np.all(np.isnan(EXPM.numpy(np.full((2, 2), np.inf))))


def test_matrix_functions_of_a_symmetric_matrix_are_symmetric():
    assert str(mc.derive("x.T @ expm(S) @ x", "x", where="S: matrix(n, n) symmetric")) == "2 * expm(S) @ x"


def test_checks_draw_the_argument_of_logm_symmetric_positive_definite():
    report = mc.derive("trace(logm(X))", "X", where=SQUARE).check()
    assert report.status == "pass", report


# ---------------------------------------------------------------- every new function: gradients at n ≠ m ≠ p

THREE = "A: matrix(n, m); X: matrix(m, p); B: matrix(p, n)"
NEW_ELEMENTWISE = ["log1p", "expm1", "cosh", "sinh", "sech", "softsign", "silu", "gelu", "normal_cdf", "normal_pdf"]
GRADIENTS = [(f"sum({name}(A @ X @ B))", "X", THREE) for name in NEW_ELEMENTWISE] + [
    ("swish(A @ X @ B) @ y", "X", THREE + "; y: vector(n)"),
    ("mean(A @ X @ B)", "X", THREE),
    ("y.T @ log_softmax(A @ X @ z)", "X", "A: matrix(n, m); X: matrix(m, p); z: vector(p); y: vector(n)"),
    ("trace(expm(A @ X @ B))", "X", THREE),
    ("trace(logm(A @ X @ X.T @ A.T + I))", "X", "A: matrix(n, m); X: matrix(m, p)"),
    ("trace(sqrtm(A @ X @ X.T @ A.T + I))", "X", "A: matrix(n, m); X: matrix(m, p)"),
    ("sum(diag(A @ X @ B) ∘ y)", "X", THREE + "; y: vector(n)"),
]


@pytest.mark.parametrize("layout", ["mixed", "numerator"])
@pytest.mark.parametrize(("expr", "wrt", "where"), GRADIENTS, ids=[g[0] for g in GRADIENTS])
def test_new_function_gradients_match_finite_differences_at_distinct_sizes(expr, wrt, where, layout):
    d = mc.derive(expr, wrt, where=where, layout=layout)
    report = d.check()
    assert report.status == "pass", f"{expr}: {d}: {report}"
    for trial in report.trials:
        sizes = list(trial.sizes.values())
        assert len(sizes) >= 3 and len(set(sizes)) == len(sizes), trial.sizes


@pytest.mark.parametrize(("expr", "wrt", "where"), [
    ("log_softmax(A @ x)", "x", "A: matrix(n, m)"),
    ("mean(X) * y", "X", "X: matrix(m, p); y: vector(n)"),
    ("silu(A @ x)", "x", "A: matrix(n, m)"),
])
def test_new_function_jacobians_match_finite_differences(expr, wrt, where):
    report = mc.derive(expr, wrt, where=where).check()
    assert report.status == "pass", report


def test_a_swish_is_a_silu():
    assert lookup("swish") is REGISTRY["silu"]
    assert str(mc.parse("swish(x)")) == "silu(x)"
