"""Generated gradients of the classic losses stay finite and right at extreme finite inputs.

Logits of ±800 overflow exp in float64; a gradient written as e^u / (1 + e^u) or y / softmax(z) returns
NaN there although the gradient itself is finite. Each case below is the generated NumPy function at such
inputs, compared with the gradient computed in 60-digit arithmetic (mpmath) from its definition.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import matcalc as mc

mpmath.mp.dps = 60


def _sigmoid(u):
    return 1 / (1 + mpmath.exp(-u))


def _softmax(z):
    top = max(z)
    e = [mpmath.exp(v - top) for v in z]
    return [v / sum(e) for v in e]


def _logistic_pm1(X, w, y):
    """∇ Σ log(1 + exp(−yᵢ xᵢᵀw)) = −Xᵀ (y ∘ σ(−y ∘ Xw))."""
    m = [sum(mpmath.mpf(X[i][k]) * w[k] for k in range(len(w))) for i in range(len(y))]
    r = [y[i] * _sigmoid(-y[i] * m[i]) for i in range(len(y))]
    return [-sum(X[i][k] * r[i] for i in range(len(y))) for k in range(len(w))]


def _logistic_01(X, w, y):
    """∇ −Σ yᵢ log σ(xᵢᵀw) + (1 − yᵢ) log(1 − σ(xᵢᵀw)) = Xᵀ (σ(Xw) − y)."""
    m = [sum(mpmath.mpf(X[i][k]) * w[k] for k in range(len(w))) for i in range(len(y))]
    r = [_sigmoid(m[i]) - y[i] for i in range(len(y))]
    return [sum(X[i][k] * r[i] for i in range(len(y))) for k in range(len(w))]


def _softplus(X, w):
    m = [sum(mpmath.mpf(X[i][k]) * w[k] for k in range(len(w))) for i in range(len(X))]
    return [sum(X[i][k] * _sigmoid(m[i]) for i in range(len(X))) for k in range(len(w))]


def _softmax_ce(z, y):
    p = _softmax([mpmath.mpf(v) for v in z])
    return [sum(y) * p[i] - y[i] for i in range(len(z))]


def _logsumexp(A, x, b):
    u = [sum(mpmath.mpf(A[i][k]) * x[k] for k in range(len(x))) + b[i] for i in range(len(b))]
    p = _softmax(u)
    return [sum(A[i][k] * p[i] for i in range(len(b))) for k in range(len(x))]


X = [[800.0, -1.0], [-700.0, 2.0], [3.0, -900.0]]
CASES = [
    ("sum(log(1 + exp(-y * (X@w))))", "w", None, {"X": X, "w": [1.0, 1.0], "y": [1.0, -1.0, 1.0]}, _logistic_pm1),
    ("sum(log(1 + exp(-y * (X@w))))", "w", None, {"X": X, "w": [-1.0, 1.0], "y": [-1.0, 1.0, -1.0]}, _logistic_pm1),
    ("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w", None,
     {"X": X, "w": [1.0, 1.0], "y": [1.0, 0.0, 1.0]}, _logistic_01),
    ("sum(softplus(X@w))", "w", None, {"X": X, "w": [1.0, 1.0]}, _softplus),
    ("-y.T @ log(softmax(z))", "z", None, {"z": [50.0, 0.0, -800.0], "y": [1.0, 0.0, 0.0]}, _softmax_ce),
    ("-y.T @ log(softmax(z))", "z", None, {"z": [50.0, 0.0, -800.0], "y": [0.2, 0.3, 0.5]}, _softmax_ce),
    ("-y.T @ log(softmax(z))", "z", "y: probability", {"z": [-800.0, 800.0, 0.0], "y": [0.0, 0.0, 1.0]}, _softmax_ce),
    ("logsumexp(A@x + b)", "x", None, {"A": X, "x": [1.0, 1.0], "b": [0.0, 5.0, -3.0]}, _logsumexp),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]} wrt {c[1]} at {list(c[3].values())[1]}" for c in CASES])
def test_generated_gradient_is_finite_and_right_at_extreme_inputs(case):
    expr, wrt, where, values, reference = case
    grad = mc.derive(expr, wrt, where=where).to_function()
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):  # underflow to 0 is harmless
        try:
            got = np.asarray(grad(**{k: np.asarray(v) for k, v in values.items()}), dtype=float).ravel()
        except FloatingPointError as err:
            pytest.fail(f"{expr}: {err}")
    want = np.array([float(v) for v in reference(*values.values())])
    assert np.all(np.isfinite(got))
    # to rounding: a difference of terms of size 1 (p − y) is exact only to ~1e-16 absolute
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13 * max(1.0, float(np.max(np.abs(want)))))


# ---------------------------------------------------------------- values beside gradients (with_value=True)

def _margins(X, w):
    return [sum(mpmath.mpf(X[i][k]) * w[k] for k in range(len(w))) for i in range(len(X))]


def _log1pexp(u):
    return mpmath.log(1 + mpmath.exp(u))


VALUE_CASES = [
    ("sum(log(1 + exp(-y * (X@w))))", "w", {"X": X, "w": [1.0, 1.0], "y": [1.0, -1.0, 1.0]},
     lambda X, w, y: sum(_log1pexp(-y[i] * m) for i, m in enumerate(_margins(X, w)))),
    ("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w", {"X": X, "w": [1.0, 1.0], "y": [1.0, 0.0, 1.0]},
     lambda X, w, y: sum(y[i] * _log1pexp(-m) + (1 - y[i]) * _log1pexp(m) for i, m in enumerate(_margins(X, w)))),
    ("log(sum(exp(A@x + b)))", "x", {"A": X, "x": [1.0, 1.0], "b": [0.0, 5.0, -3.0]},
     lambda A, x, b: mpmath.log(sum(mpmath.exp(m + b[i]) for i, m in enumerate(_margins(A, x))))),
]


@pytest.mark.parametrize("case", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_generated_value_and_gradient_are_finite_and_right_at_extreme_inputs(case):
    """The value written as a person types it, log(1 + exp(u)), overflows at u = 800: the code computes its
    stable equal (softplus, logsumexp, softmax), and the gradient beside it stays finite too."""
    expr, wrt, values, reference = case
    fn = mc.derive(expr, wrt).to_function(with_value=True)
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        try:
            value, grad = fn(**{k: np.asarray(v) for k, v in values.items()})
        except FloatingPointError as err:
            pytest.fail(f"{expr}: {err}")
    want = float(reference(*values.values()))
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(value, want, rtol=1e-13)
