"""Symbolic dimensions and 2-D shapes (matcalc.shapes): the Dim polynomial class and the shape kinds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcalc.shapes import (
    ONE,
    SCALAR,
    Dim,
    describe,
    dim_names,
    is_covector,
    is_scalar,
    is_vector,
    kind,
    shape,
)

n, m, h = Dim.of("n"), Dim.of("m"), Dim.of("h")


def test_construction():
    assert Dim.of(3).value == 3 and Dim.of(3).is_int
    assert Dim.of("n").name == "n" and not Dim.of("n").is_int
    assert Dim.of(n) is n
    with pytest.raises(TypeError):
        Dim.of(True)
    with pytest.raises(TypeError):
        Dim.of(2.5)
    with pytest.raises(ValueError, match="symbolic"):
        _ = n.value


def test_arithmetic_is_polynomial():
    assert h + 1 == Dim({("h",): 1, (): 1})
    assert 1 + h == h + 1
    assert n * m == m * n == Dim({("m", "n"): 1})
    assert 2 * n == n + n
    assert (n + 1) * (n + 1) == n * n + 2 * n + 1
    assert n + (n * -1) == Dim.of(0)
    assert Dim.of(2) + Dim.of(3) == 5
    assert (h + 1).name is None and (n * m).name is None and (2 * n).name is None


@pytest.mark.parametrize(("dim", "text"), [
    (n, "n"), (Dim.of(4), "4"), (h + 1, "h + 1"), (n * m, "m*n"), (2 * n, "2*n"), (n + -1, "n - 1"),
    (n * m + n + 2, "m*n + n + 2"), (Dim.of(0), "0"), (Dim({}), "0"),
])
def test_printing(dim, text):
    assert str(dim) == text
    assert repr(dim) == f"Dim({text!r})"


def test_equality_and_hash():
    assert Dim.of("n") == Dim.of("n") and hash(Dim.of("n")) == hash(Dim.of("n"))
    assert Dim.of(1) == 1 and Dim.of(1) == ONE
    assert n != m and n != 1 and n != "n"
    assert Dim.of(1) != True  # noqa: E712 - a bool is not a dimension
    assert len({n, Dim.of("n"), m, h + 1, 1 + h}) == 3


def test_immutable():
    with pytest.raises(AttributeError):
        n.terms = ()


def test_names_substitute_and_evaluate():
    d = n * m + h + 3
    assert d.names() == {"n", "m", "h"}
    assert d.substitute({"n": Dim.of(2), "h": m}) == 3 * m + 3
    assert d.evaluate({"n": 3, "m": 4, "h": 5}) == 3 * 4 + 5 + 3
    with pytest.raises(KeyError):
        d.evaluate({"n": 3})


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.dictionaries(st.sampled_from(["n", "m", "h"]), st.integers(-3, 3), max_size=3),
    st.dictionaries(st.sampled_from(["n", "m", "h"]), st.integers(-3, 3), max_size=3),
    st.integers(-3, 3), st.integers(-3, 3),
)
def test_polynomial_arithmetic_agrees_with_integers(a_terms, b_terms, a0, b0):
    a = Dim({**{(k,): c for k, c in a_terms.items()}, (): a0})
    b = Dim({**{(k,): c for k, c in b_terms.items()}, (): b0})
    sizes = {"n": 3, "m": 5, "h": 7}
    assert (a + b).evaluate(sizes) == a.evaluate(sizes) + b.evaluate(sizes)
    assert (a * b).evaluate(sizes) == a.evaluate(sizes) * b.evaluate(sizes)
    assert (a + b) == (b + a) and (a * b) == (b * a)


@pytest.mark.parametrize(("s", "expected_kind", "text"), [
    (SCALAR, "scalar", "scalar"),
    (shape("n", 1), "vector", "vector(n)"),
    (shape(1, "n"), "covector", "covector(n)"),
    (shape("n", "m"), "matrix", "matrix(n, m)"),
    (shape("n", "n"), "matrix", "matrix(n, n)"),
    ((h + 1, ONE), "vector", "vector(h + 1)"),
    ((n * m, ONE), "vector", "vector(m*n)"),
    (shape(2, 3), "matrix", "matrix(2, 3)"),
])
def test_kinds_and_descriptions(s, expected_kind, text):
    assert kind(s) == expected_kind
    assert describe(s) == text
    assert is_scalar(s) == (expected_kind == "scalar")
    assert is_vector(s) == (expected_kind == "vector")
    assert is_covector(s) == (expected_kind == "covector")


def test_dim_names():
    assert dim_names([shape("n", "m"), (h + 1, ONE), SCALAR]) == {"n", "m", "h"}
    assert dim_names([SCALAR, shape(2, 3)]) == set()
