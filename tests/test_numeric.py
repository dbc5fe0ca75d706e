"""Evaluation (matcalc.numeric) equals direct NumPy, at DISTINCT sizes n=3, m=4, p=5 (q=6), so a swapped
dimension cannot go unnoticed; inputs are checked against the symbolic dimensions with clear errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from trees import BUILTIN_FUNCTIONS, SIZES, random_values, trees

import matcalc as mc
from matcalc.errors import EvaluationError, MatcalcError
from matcalc.expr import (
    NODE_TYPES,
    Add,
    Block,
    Call,
    Identity,
    MatMul,
    Mul,
    Number,
    Ones,
    Power,
    Symbol,
    Transpose,
    Zeros,
)
from matcalc.numeric import _eval, evaluate

N, M, P, Q = 3, 4, 5, 6
rng = np.random.default_rng(2024)


def spd(k: int) -> np.ndarray:
    a = rng.normal(size=(k, k))
    return a @ a.T + k * np.eye(k)


VALUES = {
    "x": rng.normal(size=N), "y": rng.normal(size=N), "z": rng.normal(size=M), "w": rng.uniform(0.5, 2, size=N),
    "u": rng.normal(size=(1, M)),
    "s": 0.7, "t": np.array(1.3), "c": np.array([[0.4]]),
    "A": rng.normal(size=(N, M)), "B": rng.normal(size=(M, P)), "C": rng.normal(size=(N, M)),
    "D": rng.normal(size=(P, Q)), "S": spd(N), "X": rng.uniform(0.2, 0.9, size=(N, M)),
    "W": rng.normal(size=(2, M)), "Z": rng.normal(size=(N, P)), "v": rng.normal(size=P + 1),
}
WHERE_NUMERIC = "s, t, c: scalar; u: covector; S: spd; v: vector; X: matrix(n, m)"
x, y, z, w, u = (np.asarray(VALUES[k], dtype=float).reshape(-1, 1) for k in "xyzwu")
u = u.T
s, t, c = 0.7, 1.3, 0.4
A, B, C, D, S, X, W, Z, v = (VALUES[k] for k in "ABCDSXWZv")
v = v.reshape(-1, 1)


def ev(text: str):
    return mc.evaluate(text, VALUES, where=WHERE_NUMERIC)


# ---------------------------------------------------------------- one row per node type (and variant)

NODES = [
    # (node type exercised, expression, direct NumPy)
    ("Symbol", "A", lambda: A),
    ("Symbol scalar", "s", lambda: s),
    ("Number", "2.5", lambda: 2.5),
    ("Number fraction", "1/3", lambda: 1 / 3),
    ("Ones", "x + vector(1)", lambda: x + 1),
    ("Ones covector", "u + covector(1)", lambda: u + 1),
    ("Ones matrix", "A + matrix(1)", lambda: A + 1),
    ("Ones in a product", "x^T 1", lambda: np.sum(x)),
    ("Zeros", "A + matrix(0)", lambda: A),
    ("Identity", "S + I", lambda: S + np.eye(N)),
    ("Identity product", "I A", lambda: A),
    ("Add", "A + C - X", lambda: A + C - X),
    ("Add broadcast", "x + s", lambda: x + s),
    ("Mul Hadamard", "A ∘ C ∘ X", lambda: A * C * X),
    ("Mul scaling", "s t A", lambda: s * t * A),
    ("Mul division", "x / w", lambda: x / w),
    ("Mul negation", "-A", lambda: -A),
    ("MatMul", "A @ B @ D", lambda: A @ B @ D),
    ("MatMul quadratic form", "x^T S x", lambda: (x.T @ S @ x).item()),
    ("MatMul outer", "x z^T", lambda: x @ z.T),
    ("Power scalar exponent", "w**3", lambda: w**3),
    ("Power fractional exponent", "w**0.5", lambda: np.sqrt(w)),
    ("Power array exponent", "w**y", lambda: w**y),
    ("Power scalar base", "2.^x", lambda: 2.0**x),
    ("Power matrix", "S^3", lambda: S @ S @ S),
    ("Power inverse", "S^{-1} x", lambda: np.linalg.solve(S, x)),
    ("Transpose", "A^T", lambda: A.T),
    ("Transpose covector", "u'", lambda: u.T),
    ("Call", "exp(A)", lambda: np.exp(A)),
    ("Block row", "[x, 1]", lambda: np.hstack([x, np.ones((N, 1))])),
    ("Block row matrices", "[A, Z]", lambda: np.hstack([A, Z])),
    ("Block stack", "[A; u]", lambda: np.vstack([A, u])),
    ("Block 2x2", "[s, t; c, s]", lambda: np.array([[s, t], [c, s]])),
    ("Block in a product", "[x, 1] W", lambda: np.hstack([x, np.ones((N, 1))]) @ W),
    ("Block compound dims", "[Z, 1] v", lambda: np.hstack([Z, np.ones((N, 1))]) @ v),
    ("norm", "||x - y||^2", lambda: np.sum((x - y) ** 2)),
    ("dot", "x · y", lambda: (x.T @ y).item()),
    ("kron", "A ⊗ u", lambda: np.kron(A, u)),
    # K(m, n) vec(A) = vec(Aᵀ) for an m×n A: here vec(Xᵀ), X being n×m
    ("Commutation", "commutation(n, m) @ vec(X)", lambda: X.T.reshape(-1, 1, order="F")),
    ("Commutation transposed", "commutation(m, n).T @ vec(X)", lambda: X.T.reshape(-1, 1, order="F")),
]


@pytest.mark.parametrize(("what", "text", "reference"), NODES, ids=[n[0] for n in NODES])
def test_every_node_type_evaluates_like_numpy(what, text, reference):
    got = ev(text)
    expected = reference()
    if np.ndim(expected) == 0:
        assert isinstance(got, float)
        assert got == pytest.approx(float(expected), rel=1e-12)
    else:
        assert isinstance(got, np.ndarray) and got.ndim == 2
        assert got.shape == np.shape(expected)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_the_table_covers_every_node_type():
    covered = set()
    for _, text, _ in NODES:
        covered |= {type(node).__name__ for node in _nodes(mc.parse(text, where=WHERE_NUMERIC))}
    assert {cls.__name__ for cls in NODE_TYPES} <= covered


def test_every_node_type_has_an_evaluation_rule():
    missing = [cls.__name__ for cls in NODE_TYPES if _eval.registry.get(cls) is _eval.registry[object]]
    assert not missing


def _nodes(e):
    from matcalc.expr import preorder

    return preorder(e)


# ---------------------------------------------------------------- every registry function

def _logsumexp(a):
    return np.log(np.sum(np.exp(a)))


def _erf(a):
    return np.vectorize(math.erf)(a)


def _spectral(f, a):
    w, v = np.linalg.eigh(a)
    return (v * f(w)) @ v.T


REFERENCE = {
    # name: (argument, direct NumPy on the argument's value)
    "exp": ("X", np.exp), "log": ("X", np.log), "sin": ("X", np.sin), "cos": ("X", np.cos), "tan": ("X", np.tan),
    "arcsin": ("X", np.arcsin), "arccos": ("X", np.arccos), "arctan": ("X", np.arctan), "tanh": ("X", np.tanh),
    "sigmoid": ("A", lambda a: 1 / (1 + np.exp(-a))),
    "relu": ("A", lambda a: np.where(a > 0, a, 0.0)),
    "step": ("A", lambda a: np.where(a > 0, 1.0, 0.0)),
    "leaky_relu": ("A", lambda a: np.where(a > 0, a, 0.01 * a)),
    "softplus": ("A", lambda a: np.log(1 + np.exp(a))),
    "abs": ("A", np.abs), "sign": ("A", np.sign), "sqrt": ("X", np.sqrt), "square": ("A", lambda a: a * a),
    "sum": ("A", np.sum), "trace": ("S", np.trace), "det": ("S", np.linalg.det),
    "logdet": ("S", lambda a: np.log(np.linalg.det(a))),
    "norm": ("x", lambda a: np.sqrt(np.sum(a * a))), "norm1": ("x", lambda a: np.sum(np.abs(a))),
    "norm_fro": ("A", lambda a: np.sqrt(np.sum(a * a))), "logsumexp": ("A", _logsumexp),
    "softmax": ("x", lambda a: np.exp(a) / np.sum(np.exp(a))), "inv": ("S", np.linalg.inv),
    "diag": ("x", lambda a: np.diag(a.ravel())), "vec": ("A", lambda a: a.T.reshape(-1, 1)),
    "kron": ("A, Z", np.kron),
    "log1p": ("X", np.log1p), "expm1": ("A", lambda a: np.exp(a) - 1), "cosh": ("A", np.cosh), "sinh": ("A", np.sinh),
    "sech": ("A", lambda a: 1 / np.cosh(a)), "softsign": ("A", lambda a: a / (1 + np.abs(a))),
    "silu": ("A", lambda a: a / (1 + np.exp(-a))), "normal_pdf": ("A", lambda a: np.exp(-a * a / 2) / np.sqrt(2 * np.pi)),
    "normal_cdf": ("A", lambda a: (1 + _erf(a / np.sqrt(2))) / 2), "gelu": ("A", lambda a: a * (1 + _erf(a / np.sqrt(2))) / 2),
    "mean": ("A", np.mean), "log_softmax": ("x", lambda a: a - np.log(np.sum(np.exp(a)))),
    "diag_part": ("S", lambda a: np.diag(a).reshape(-1, 1)),
    "expm": ("S", lambda a: _spectral(np.exp, a)), "logm": ("S", lambda a: _spectral(np.log, a)),
    "sqrtm": ("S", lambda a: _spectral(np.sqrt, a)),
}
ARRAYS = {"X": X, "A": A, "S": S, "x": x, "Z": Z}


@pytest.mark.parametrize("name", sorted(BUILTIN_FUNCTIONS))
def test_every_registry_function_evaluates_like_numpy(name):
    assert name in REFERENCE, f"add a direct NumPy reference for {name} to REFERENCE"
    arg, reference = REFERENCE[name]
    got = ev(f"{name}({arg})")
    expected = reference(*(ARRAYS[a.strip()] for a in arg.split(",")))
    np.testing.assert_allclose(np.asarray(got).reshape(np.shape(expected)), expected, rtol=1e-10, atol=1e-12)
    fn = BUILTIN_FUNCTIONS[name]
    assert fn.name == name


@pytest.mark.parametrize("name", sorted(n for n, f in BUILTIN_FUNCTIONS.items() if f.kind == "elementwise"))
def test_element_wise_functions_on_their_domain_and_on_1d_input(name):
    fn = BUILTIN_FUNCTIONS[name]
    lo, hi = fn.domain
    pts = np.linspace(lo, hi, 7)
    got = mc.evaluate(f"{name}(x)", {"x": pts})
    np.testing.assert_allclose(got[:, 0], REFERENCE[name][1](pts), rtol=1e-10, atol=1e-12)


def test_diag_of_a_square_matrix_is_its_diagonal_as_a_column():
    np.testing.assert_allclose(ev("diag(S)"), np.diag(S).reshape(-1, 1))


# ---------------------------------------------------------------- random trees against a direct evaluator

def direct(e, values):
    """An independent evaluator: plain NumPy on the tree, with REFERENCE for named functions."""
    if isinstance(e, Symbol):
        return np.atleast_2d(np.asarray(values[e.name], dtype=float))
    if isinstance(e, Number):
        return np.array([[float(e.value)]])
    if isinstance(e, (Ones, Zeros)):
        rows, cols = (d.evaluate(SIZES) for d in e.shape)
        return np.full((rows, cols), 1.0 if isinstance(e, Ones) else 0.0)
    if isinstance(e, Identity):
        return np.eye(e.shape[0].evaluate(SIZES))
    args = [direct(a, values) for a in e.args]
    if isinstance(e, Add):
        return sum(args[1:], args[0])
    if isinstance(e, Mul):
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if isinstance(e, MatMul):
        out = args[0]
        for a in args[1:]:
            out = out @ a
        return out
    if isinstance(e, Power):
        return np.power(args[0], args[1])
    if isinstance(e, Transpose):
        return args[0].T
    if isinstance(e, Block):
        rows, i = [], 0
        for k in e.layout:
            rows.append(np.hstack(args[i : i + k]))
            i += k
        return np.vstack(rows)
    if isinstance(e, Call):
        if e.fn.name == "diag" and args[0].shape[0] == args[0].shape[1] and args[0].shape != (1, 1):
            return np.diag(args[0]).reshape(-1, 1)
        if e.fn.name == "diag":
            return np.diag(args[0].ravel())
        return np.atleast_2d(np.asarray(REFERENCE[e.fn.name][1](*args), dtype=float)).reshape(
            tuple(d.evaluate(SIZES) for d in e.shape)
        )
    raise AssertionError(type(e))  # pragma: no cover


TREE_VALUES = random_values(seed=11)


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(trees(depth=3))
def test_random_trees_evaluate_like_direct_numpy(e):
    with np.errstate(all="ignore"):
        try:
            got = evaluate(e, TREE_VALUES, SIZES)
        except EvaluationError:
            with pytest.raises(np.linalg.LinAlgError):  # only a singular inverse may refuse
                direct(e, TREE_VALUES)
            return
        expected = direct(e, TREE_VALUES)
    got = np.asarray(got, dtype=float).reshape(np.shape(expected))
    assert expected.shape == tuple(d.evaluate(SIZES) for d in e.shape)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9, equal_nan=True)


# ---------------------------------------------------------------- inputs: 1-D vectors, scalars, errors

def test_vectors_may_be_1d_or_columns_and_scalars_plain_numbers():
    one_d = mc.evaluate("A @ z + s", {"A": A, "z": z.ravel(), "s": 2.0}, where="s: scalar")
    column = mc.evaluate("A @ z + s", {"A": A, "z": z, "s": np.array([[2.0]])}, where="s: scalar")
    zero_d = mc.evaluate("A @ z + s", {"A": A, "z": list(z.ravel()), "s": np.float64(2.0)}, where="s: scalar")
    np.testing.assert_allclose(one_d, A @ z + 2.0)
    np.testing.assert_allclose(column, one_d)
    np.testing.assert_allclose(zero_d, one_d)
    covector = mc.evaluate("u @ z", {"u": u.ravel(), "z": z.ravel()}, where="u: covector")
    assert covector == pytest.approx((u @ z).item())


def test_scalars_come_back_as_floats_and_arrays_as_2d():
    assert isinstance(mc.evaluate("x^T x", {"x": x}), float)
    value = mc.evaluate("x", {"x": x.ravel()})
    assert isinstance(value, np.ndarray) and value.shape == (N, 1)


def test_lecture_forward_pass_note_000():
    """tanh(W a0 + b) with the numbers of a worked forward pass (its printed slip: [0.7616, 0.9414], not [0.76, -0.76])."""
    values = {"W": [[-2, 4, -1], [6, 0, -3]], "b": [0.1, 0.25], "a0": [0.3, 0.4, 0.1]}
    np.testing.assert_allclose(mc.evaluate("W a0", values), [[0.9], [1.5]], atol=1e-12)
    np.testing.assert_allclose(mc.evaluate("tanh(W a0 + b)", values), [[0.7616], [0.9414]], atol=5e-5)


def test_lecture_backpropagation_forward_numbers_note_003():
    values = {
        "x": 2.0, "w1": [0.1, 0.1], "b1": [0.1, 0.2],
        "W2": [[0.2, 0.1], [0.3, 0.2], [0.1, 0.3]], "b2": [0.3, 0.1, 0.2], "w3": [0.4, 0.2, 0.6], "b3": 0.5, "y": 1.0,
    }
    where = "x, b3, y: scalar"
    a1 = mc.evaluate("sigmoid(w1 x + b1)", values, where=where)
    a2 = mc.evaluate("sigmoid(W2 sigmoid(w1 x + b1) + b2)", values, where=where)
    yhat_text = "sigmoid(w3^T sigmoid(W2 sigmoid(w1 x + b1) + b2) + b3)"
    yhat = mc.evaluate(yhat_text, values, where=where)
    loss = mc.evaluate(f"-(y log({yhat_text}) + (1 - y) log(1 - {yhat_text}))", values, where=where)
    np.testing.assert_allclose(a1.ravel(), [0.5744, 0.5987], atol=5e-5)
    np.testing.assert_allclose(a2.ravel(), [0.6165, 0.5968, 0.6076], atol=5e-5)
    assert yhat == pytest.approx(0.7739, abs=5e-5)
    assert loss == pytest.approx(0.2563, abs=5e-5)


def test_lecture_hessian_of_xy_note_001():
    np.testing.assert_array_equal(mc.evaluate("[0, 1; 1, 0]"), [[0, 1], [1, 0]])


EVALUATION_ERRORS = [
    # (expression, where, values, fragment of the message)
    ("x^T A x", None, {"x": np.ones(3), "A": np.eye(4)}, "dimension n is 3 elsewhere but 4 for A"),
    ("A x", None, {"A": np.ones((3, 4)), "x": np.ones(5)}, "dimension m is 4 elsewhere but 5 for x"),
    ("x + y", None, {"x": np.ones(3)}, "no value given for y (vector(n))"),
    ("A x", None, {"A": np.ones((2, 2, 2)), "x": np.ones(2)}, "A must be at most 2-D, got shape (2, 2, 2)"),
    ("x", None, {"x": "abc"}, "the value of x is not a numeric array"),
    ("x", None, {"x": [[1, 2], [3, 4]]}, "x is vector(n) but the value has shape (2, 2)"),
    ("x", "x: vector(3)", {"x": np.ones(4)}, "x is vector(3) but the value has shape (4, 1)"),
    ("[x, 1] W", "W: matrix(2, m)", {"x": np.ones(3), "W": np.ones((3, 4))}, "W is matrix(2, m)"),
    ("[Z, 1] v", "v: vector", {"Z": np.ones((3, 2)), "v": np.ones(5)}, "v is vector(m + 1) = vector(3) here"),
    ("kron(A, B) + C", None, {"A": np.ones((2, 3)), "B": np.ones((2, 2)), "C": np.ones((4, 5))},
     "C is matrix(n*p, m*q) = matrix(4, 6) here, but the value has shape (4, 5)"),
    ("inv(S)", None, {"S": np.zeros((3, 3))}, "cannot evaluate inv"),
    ("x", None, {"x": np.array([1 + 2j, 3])}, "the value of x is complex; only real values are supported"),
    ("c", None, {"c": 10**400}, "the value of c is too large for a floating-point number"),
    ("I + 1", None, {}, "the size of dimension n is not known; pass sizes={...}"),
    ("x^T x", None, {"x": np.ones(3)}, None),  # sizes given below disagree with the value
]


@pytest.mark.parametrize(("text", "where", "values", "fragment"), EVALUATION_ERRORS,
                         ids=[f"{e[0]}-{i}" for i, e in enumerate(EVALUATION_ERRORS)])
def test_evaluation_errors_are_clear(text, where, values, fragment):
    sizes = {"n": 4} if fragment is None else None
    with pytest.raises(EvaluationError) as err:
        mc.evaluate(text, values, where=where, sizes=sizes)
    assert isinstance(err.value, MatcalcError)
    if fragment is not None:
        assert fragment in str(err.value)
    else:
        assert "dimension n is 4 elsewhere but 3 for x" in str(err.value)


def test_sizes_give_dimensions_no_value_binds():
    np.testing.assert_array_equal(mc.evaluate("I + 1", sizes={"n": 2}), [[2, 1], [1, 2]])
    np.testing.assert_array_equal(mc.evaluate("x + vector(1)", {"x": [1, 2]}), [[2], [3]])
    np.testing.assert_array_equal(mc.evaluate("[x, 1] W2", {"x": [1.0], "W2": [2.0, 3.0]}, where="W2: vector"),
                                  [[5.0]])


def test_evaluation_accepts_an_expression_or_text():
    e = mc.parse("x^T S x")
    assert mc.evaluate(e, {"x": x, "S": S}) == mc.evaluate("x^T S x", {"x": x, "S": S})
    assert mc.evaluate(e, {"x": x, "S": S}) == pytest.approx((x.T @ S @ x).item())


def test_literals_beyond_the_float_range_are_infinite():
    assert mc.evaluate("1e400") == float("inf")
    assert mc.evaluate("-1e400 * c", {"c": 2.0}) == float("-inf")
    assert mc.evaluate("1e400 * c - 1e400 * c", {"c": 1.0}) != mc.evaluate("1e400 * c - 1e400 * c", {"c": 1.0})  # nan
