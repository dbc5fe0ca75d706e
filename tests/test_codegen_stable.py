"""The stable forms code is computed in (matcalc/codegen/stable.py): each rewrite fires where it should and
is an identity — the rewritten tree has the original's value at random points of distinct sizes."""

from __future__ import annotations

import numpy as np
import pytest

import matcalc as mc
from matcalc.codegen.stable import stable
from matcalc.printing import to_text

WHERE = "A: matrix(n, m); x: vector(m); y: vector(n); z: vector(p); M: matrix(p, q)"

CASES = [
    ("sum(log(1 + exp(A@x)))", "softplus(A @ x)"),
    ("sum(log(exp(A@x) + 1))", "softplus(A @ x)"),
    ("sum(y * log(sigmoid(A@x)))", "softplus(-(A @ x))"),
    ("sum(log(1 - sigmoid(A@x)))", "softplus(A @ x)"),
    ("log(sum(exp(A@x)))", "logsumexp(A @ x)"),
    ("x.T @ A.T @ exp(A@x) / sum(exp(A@x))", "softmax(A @ x)"),
    ("sum(exp(z) / sum(exp(z)))", "softmax(z)"),
    ("sum(exp(z).T @ M) / sum(exp(z))", "softmax(z)"),
]

UNTOUCHED = [
    "sum(log(2 + exp(A@x)))",  # not 1 + exp(u)
    "sum(log(1 + exp(A@x) + y))",  # a third term
    "sum(exp(A@x)) + sum(exp(y))",  # no log, no quotient of exp by its sum
    "sum(exp(A@x)) / sum(exp(y))",  # a different exponent below
    "sum(log(sigmoid(A@x) + 1))",
]


def _values(seed: int):
    rng = np.random.default_rng(seed)
    n, m, p, q = 3, 5, 4, 2
    return {"A": rng.normal(size=(n, m)), "x": rng.normal(size=m), "y": rng.normal(size=n),
            "z": rng.normal(size=p), "M": rng.normal(size=(p, q))}


@pytest.mark.parametrize("text, form", CASES)
def test_each_stable_form_fires_and_keeps_the_value(text, form):
    e = mc.parse(text, where=WHERE)
    s = stable(e)
    assert form in to_text(s), to_text(s)
    for seed in range(3):
        values = {k: v for k, v in _values(seed).items() if k in text}
        np.testing.assert_allclose(mc.evaluate(s, values), mc.evaluate(e, values), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("text", UNTOUCHED)
def test_a_near_miss_is_left_alone(text):
    e = mc.parse(text, where=WHERE)
    assert stable(e) == e


def test_the_printed_answer_keeps_the_readers_form():
    d = mc.derive("sum(log(1 + exp(A@x)))", "x")
    assert "softplus" not in str(d.f) and "log(1 + exp(" in to_text(d.f)
    assert "np.logaddexp" in d.to_source(with_value=True)
