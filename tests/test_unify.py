"""Dimension equations (matcalc/unify.py): solved incrementally, binding chains followed once (compressed)."""

from __future__ import annotations

import time

import pytest

import matcalc as mc
from matcalc.shapes import Dim
from matcalc.unify import Unifier


def test_a_long_chain_of_bindings_resolves_and_is_compressed():
    u = Unifier()
    dims = [u.fresh() for _ in range(5000)]
    for a, b in zip(dims, dims[1:]):
        assert u.unify(a, b)
    assert u.unify(dims[-1], Dim.of("n"))
    assert u.resolve(dims[0]) == Dim.of("n")
    assert all(u.bound[d.name] == Dim.of("n") for d in dims[:-1])  # compressed on the way


def test_a_chain_through_polynomials():
    u = Unifier()
    a, b, c = u.fresh(), u.fresh(), u.fresh()
    assert u.unify(a, b + 1) and u.unify(b, c * 2) and u.unify(c, Dim.of("n"))
    assert u.resolve(a) == Dim.of("n") * 2 + 1


@pytest.mark.parametrize("terms", [64, 128, 600])
def test_a_long_sum_sharing_an_undeclared_variable_derives(terms):
    """Each A_i @ x ties A_i's columns to x's length: a chain as long as the sum ("too deep" at 64 before)."""
    text = " + ".join(f"A{i}@x" for i in range(terms))
    start = time.perf_counter()
    d = mc.derive(text, "x")
    assert time.perf_counter() - start < 30
    assert str(d) == " + ".join(f"A{i}" for i in range(terms))  # the Jacobian of a vector: the sum of the A_i
    assert d.check().passed
