"""Derivation, printing and code generation stay linear in the size of deep and long inputs (issue 21;
benchmarks/scaling.py measures the exponents). Time bounds are generous: they catch a pass that turns
quadratic, not a slow machine."""

from __future__ import annotations

import time

import numpy as np
import pytest
from trees import values_for

import matcalc as mc
from matcalc import limits
from matcalc.rewrite.engine import flatten_chains


def _mlp(depth: int) -> str:
    h = "x"
    for k in range(1, depth + 1):
        h = f"tanh(W{k} @ {h})"
    return f"norm(W{depth + 1} @ {h} - y)**2"


@pytest.fixture
def raised(monkeypatch):
    monkeypatch.setattr(limits, "MAX_INPUT_LENGTH", 10**7)
    monkeypatch.setattr(limits, "MAX_NESTING_DEPTH", 10**5)
    monkeypatch.setattr(limits, "MAX_TREE_SIZE", 10**9)


def test_a_depth_1000_mlp_derives_and_compiles_quickly(raised):
    t0 = time.perf_counter()
    d = mc.derive(_mlp(1000), "W1")
    fn = d.to_function()  # the source nests no brackets past Python's parser limit
    assert time.perf_counter() - t0 < 30
    assert "gradient" in fn.source


def test_nested_element_wise_functions_1000_deep(raised):
    t0 = time.perf_counter()
    d = mc.derive("sum(" + "tanh(" * 1000 + "x" + ")" * 1000 + ")", "x")
    d.text_with_lets()
    d.to_function()
    assert time.perf_counter() - t0 < 30


def test_a_sum_of_5000_terms_compiles(raised):
    d = mc.derive(" + ".join(f"a{k}.T@x" for k in range(1, 5001)), "x")
    fn = d.to_function()
    values = {f"a{k}": np.full((3, 1), k) for k in range(1, 5001)} | {"x": np.zeros((3, 1))}
    assert np.allclose(np.ravel(fn(**values)), 5000 * 5001 / 2)


@pytest.mark.parametrize("text, wrt", [
    (_mlp(3), "W1"),
    ("sum(tanh(tanh(tanh(x))))", "x"),
    ("a1.T@x + a2.T@x + a3.T@x", "x"),
    ("x.T @ A1 @ A2 @ A3 @ x", "x"),
    (_mlp(60), "W1"),
])
def test_members_of_each_family_check_and_compile_right(text, wrt):
    d = mc.derive(text, wrt)
    if len(text) < 200:
        assert d.check(trials=1).status == "pass"
    values = values_for(d.f) if len(text) < 200 else {
        s.name: np.random.default_rng(3).uniform(-0.5, 0.5, (3 if s.shape[0].name else 1, 3 if s.shape[1].name else 1))
        for s in mc.expr.symbols(d.f)}
    assert np.allclose(np.reshape(d.to_function()(**values), np.shape(d.matrix(values))), d.matrix(values))


def test_flattening_chains_splices_only_unshared_parts():
    x, y = (mc.expr.Symbol(n, mc.expr.SCALAR) for n in "xy")
    shared = mc.expr.Mul(x, y)
    e = mc.expr.Mul(mc.expr.Mul(x, mc.expr.Mul(y, x)), shared, mc.expr.Add(shared, x))
    flat = flatten_chains(e)
    assert flat.args[:3] == (x, y, x) and flat.args[3] == shared
