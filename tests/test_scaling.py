"""Derivation, printing and code generation stay linear in the size of deep and long inputs (issue 21;
benchmarks/scaling.py measures the exponents). Time bounds are generous: they catch a pass that turns
quadratic, not a slow machine."""

from __future__ import annotations

import gc
import time

import numpy as np
import pytest
from deep_inputs import mlp_text
from trees import values_for

import matcalc as mc
from matcalc import walks
from matcalc.expr import Add, MatMul, Symbol, Transpose
from matcalc.rewrite.engine import flatten_chains
from matcalc.rewrite.factoring import _factor_common
from matcalc.shapes import ONE, Dim


def test_a_depth_1000_mlp_derives_and_compiles_quickly(raised):
    t0 = time.perf_counter()
    d = mc.derive(mlp_text(1000), "W1")
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


def _sums(n: int) -> str:
    return " + ".join(f"a{k}.T@x" for k in range(1, n + 1))


def test_deriving_a_sum_keys_the_same_nodes_per_term_at_any_size(raised, monkeypatch):
    """Sort keys are built for the same nodes per term at N = 500 and N = 4000, and a second derivation of the
    same tree builds fewer (a node keeps its key). A bounded cache of keys made the second derivation rebuild
    every key past about 16 000 nodes: 3 keys per term at N = 500, 5 at N = 4000."""
    built = [0]
    key_of = walks._key_of

    def counting(*args):
        built[0] += 1
        return key_of(*args)

    monkeypatch.setattr(walks, "_key_of", counting)
    per_term = {}
    for n in (500, 4000):
        tree = mc.parse(_sums(n))
        counts = []
        for _ in range(2):
            built[0] = 0
            mc.derive(tree, "x")
            counts.append(built[0])
        per_term[n] = [c / n for c in counts]
    assert per_term[500][1] < per_term[500][0]
    for first, again in zip(per_term[500], per_term[4000]):
        assert abs(first - again) < 0.01, per_term


def test_factoring_a_factor_every_term_shares_is_linear():
    """a1ᵀdx + … + aNᵀdx → (a1ᵀ + … + aNᵀ) dx: the terms left out are looked up in a set (N = 40 000: 0.2 s;
    6 s when each was looked up in the list of N factored terms)."""
    n = Dim.of("n")
    dx = Symbol("dx", (n, ONE))
    e = Add(*[MatMul(Transpose(Symbol(f"a{k}", (n, ONE))), dx) for k in range(40_000)])
    t0 = time.process_time()
    factored = _factor_common(e)
    assert time.process_time() - t0 < 2
    assert isinstance(factored, MatMul) and factored.args[1] == dx and len(factored.args[0].args) == 40_000


def test_a_derivation_leaves_no_cyclic_garbage():
    """The rewriting's and substitution's recursive closures are let go when they return, so their memos (every
    node they built) are freed at once instead of waiting for the cyclic collector, whose full collections
    traverse the whole heap: none left for it here (about 5000 objects, 25 per term, before)."""
    text = _sums(200)
    mc.derive(text, "x")
    gc.collect()
    gc.disable()
    try:
        mc.derive(text, "x").text_with_lets()
        assert gc.collect() < 50  # 0 here; a margin for anything else the process does meanwhile
    finally:
        gc.enable()


@pytest.mark.parametrize("text, wrt", [
    (mlp_text(3), "W1"),
    ("sum(tanh(tanh(tanh(x))))", "x"),
    ("a1.T@x + a2.T@x + a3.T@x", "x"),
    ("x.T @ A1 @ A2 @ A3 @ x", "x"),
    (mlp_text(60), "W1"),
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
