"""Chains of matrix products in generated code (matcalc/codegen/cost.py chain_order, matcalc/codegen/products.py).

The order of a chain is the cheapest for large sizes: the exact search is the minimum over every bracketing,
a long chain is ordered greedily in n log n, and every order's merges replay to the cost it reports. A chain
whose best order depends on sizes known only at call time is the target's multi_dot; a chain of hundreds of
factors compiles (its nested products are named) and computes the closed form.
"""

from __future__ import annotations

import functools
import random
import re

import numpy as np
import pytest
from codegen_corpus import close

import matcalc as mc
import matcalc.limits as limits
from matcalc.checking import sample_point
from matcalc.codegen import cost
from matcalc.codegen.cost import LARGE, SEARCH_LIMIT, chain_order
from matcalc.expr import symbols
from matcalc.rewrite import symmetry

CHOICES = [1.0, 2.0, 3.0, LARGE, 2 * LARGE, LARGE * LARGE]


def replay(dims: list[float], merges: list[int]) -> float:
    """The cost of multiplying neighbours at the given positions, one after another, down to one product."""
    dims, total = list(dims), 0.0
    for k in merges:
        total += dims[k] * dims[k + 1] * dims[k + 2] + dims[k] * dims[k + 2]
        del dims[k + 1]
    assert len(dims) == 2
    return total


def minimum(dims: list[float]) -> float:
    """The cheapest bracketing, by trying every one."""
    @functools.cache
    def best(i, j):
        if i == j:
            return 0.0
        return min(best(i, k) + best(k + 1, j) + dims[i] * dims[k + 1] * dims[j + 1] + dims[i] * dims[j + 1]
                   for k in range(i, j))
    return best(0, len(dims) - 2)


def close_costs(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * max(a, b)


@pytest.mark.parametrize("seed", range(5))
def test_the_order_is_the_cheapest_bracketing_and_its_merges_cost_what_it_says(seed):
    rng = random.Random(seed)
    for _ in range(200):
        dims = [rng.choice(CHOICES) for _ in range(rng.randint(2, 8))]
        found, merges = chain_order(dims)
        assert close_costs(replay(dims, merges), found), dims
        assert close_costs(found, minimum(dims)), dims


def test_a_long_chain_is_ordered_greedily_cheapest_neighbours_first():
    def reference(dims):  # the same rule, written the plain quadratic way
        dims, total = list(dims), 0.0
        while len(dims) > 2:
            k = min(range(len(dims) - 2), key=lambda k: dims[k] * dims[k + 1] * dims[k + 2])
            total += dims[k] * dims[k + 1] * dims[k + 2] + dims[k] * dims[k + 2]
            del dims[k + 1]
        return total
    rng = random.Random(3)
    for _ in range(20):
        dims = [rng.choice(CHOICES[1:]) for _ in range(SEARCH_LIMIT + rng.randint(2, 80))]
        found, merges = chain_order(dims)
        assert len(merges) == len(dims) - 2
        assert close_costs(replay(dims, merges), found)
        assert close_costs(found, reference(dims))
    # ties go to the leftmost pair: deterministic
    assert cost._greedy([5.0] * (SEARCH_LIMIT + 3))[1] == [0] * (SEARCH_LIMIT + 1)


def test_a_chain_ordered_by_the_sizes_at_call_time_is_multi_dot():
    nll = mc.derive("c * logdet(S) + trace(inv(S) @ X.T @ X)", "S", where="c: scalar; S: matrix(n, n) spd; X: matrix(m, n)")
    assert "np.linalg.multi_dot([" in nll.to_source()
    for target in ("jax", "torch"):
        try:
            source = nll.to_source(target=target)
        except ImportError:
            continue
        assert ".linalg.multi_dot([" in source
    # one order is best whatever the sizes: from a vector end, or every size alike
    assert "multi_dot" not in mc.derive("x.T @ A @ B @ C @ x", "x").to_source()
    same = "A: matrix(n, n); B: matrix(n, n); C: matrix(n, n); X: matrix(n, n)"
    assert "multi_dot" not in mc.derive("trace(A @ X @ B @ C)", "X", where=same).to_source()


def test_a_chain_of_512_factors_compiles_and_computes_the_closed_form(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TREE_SIZE", 10**7)
    monkeypatch.setattr(limits, "MAX_NESTING_DEPTH", 10**5)
    n = 512
    d = mc.derive("x.T @ " + " @ ".join(f"A{k}" for k in range(1, n + 1)) + " @ x", "x")
    source = d.to_source()
    deepest, depth = 0, 0
    for ch in source:
        depth += ch == "(" or ch == "["
        depth -= ch == ")" or ch == "]"
        deepest = max(deepest, depth)
    assert deepest < 100  # Python's parser refuses about 200
    params = list(symbols(d.f))
    names = sorted({name for p in params for dim in p.shape for name in dim.names()})
    sizes = {name: 2 + k % 3 for k, name in enumerate(names)}  # 2, 3, 4: distinct neighbours
    arrays = sample_point([d.f, d.expr, *params], sizes, np.random.default_rng(0))
    arrays = {k: v * 0.7 if k.startswith("A") else v for k, v in arrays.items()}  # keep the product's size moderate
    close(d.to_function()(**arrays), d.matrix(arrays), "chain of 512")


def test_the_symmetry_test_reads_a_long_chain_in_one_pass(monkeypatch):
    calls = []
    times = symmetry._times
    monkeypatch.setattr(symmetry, "_times", lambda a, b: calls.append(1) or times(a, b))
    monkeypatch.setattr(limits, "MAX_TREE_SIZE", 10**7)
    monkeypatch.setattr(limits, "MAX_NESTING_DEPTH", 10**5)
    chain = mc.parse(" @ ".join(f"A{k}" for k in range(1, 301)), "; ".join(f"A{k}: matrix(n, n)" for k in range(1, 301)))
    symmetry.is_symmetric(chain + chain.T)
    assert 0 < len(calls) <= 4  # a run of one-term factors is multiplied in at once, not factor by factor


def test_generated_code_has_no_product_nested_deeper_than_it_names():
    text = mc.derive("x.T @ " + " @ ".join(f"A{k}" for k in range(1, 61)) + " @ x", "x").to_source()
    assert re.search(r"\bu\d+ = ", text)  # the inner products of a chain of 62 factors are named
