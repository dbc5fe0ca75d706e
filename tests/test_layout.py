"""Layouts in one place (matcalc/layout.py): one table of which layout transposes which kind of result,
and every derivative arranged, shaped, checked and described from it."""

from __future__ import annotations

import numpy as np
import pytest

import matcalc as mc
from matcalc import layout
from matcalc.expr import Symbol, Transpose
from matcalc.shapes import ONE, Dim

N, M, P, Q = (Dim.of(c) for c in "nmpq")


@pytest.mark.parametrize("kind, layout_name, f_shape, x_shape, shape", [
    ("gradient", "mixed", (ONE, ONE), (N, M), (N, M)),
    ("gradient", "denominator", (ONE, ONE), (N, M), (N, M)),
    ("gradient", "numerator", (ONE, ONE), (N, ONE), (ONE, N)),
    ("jacobian", "mixed", (M, ONE), (N, ONE), (M, N)),
    ("jacobian", "numerator", (M, ONE), (N, ONE), (M, N)),
    ("jacobian", "denominator", (M, ONE), (N, ONE), (N, M)),
    ("tensor", "denominator", (M, P), (N, Q), (N * Q, M * P)),
    ("derivative", "denominator", (M, ONE), (ONE, ONE), (ONE, M)),
    ("derivative", "denominator", (M, P), (ONE, ONE), (M, P)),  # a matrix keeps its shape
])
def test_the_table_gives_the_shape_a_layout_promises(kind, layout_name, f_shape, x_shape, shape):
    assert layout.expected_shape(kind, layout_name, f_shape, x_shape) == shape


def test_arrange_and_unarrange_are_inverse():
    g = Symbol("G", (N, M))
    assert layout.arrange(g, "gradient", "numerator", (ONE, ONE)) == Transpose(g)
    assert layout.arrange(g, "gradient", "denominator", (ONE, ONE)) == g
    value = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(layout.unarrange(layout.unarrange(value, "jacobian", "denominator", (M, ONE)),
                                           "jacobian", "denominator", (M, ONE)), value)


@pytest.mark.parametrize("layout_name", layout.LAYOUTS)
@pytest.mark.parametrize("expr, wrt", [("x.T@A@x", "x"), ("A@x", "x"), ("A@X@B", "X"), ("x*s", "s"),
                                       ("trace(A@X)", "X")])
def test_every_derivative_has_the_promised_shape_and_words(expr, wrt, layout_name):
    d = mc.derive(expr, wrt, layout=layout_name, where="s: scalar" if "s" in expr else None)
    assert d.shape == d.expected_shape()
    assert d.convention.startswith(layout_name + " (")
    assert d.check().passed
