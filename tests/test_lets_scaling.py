"""Printing with names (``text_with_lets``) and generated code stay linear in the depth of a deep network
or a nested function (issue 21; benchmarks/scaling.py measures the exponents). The work is counted, not
timed: the Python calls a printing makes at depth N and 4N, and the generators a deep walk runs inside."""

from __future__ import annotations

import inspect
import sys

import pytest
from deep_inputs import mlp_text, nested_text, python_calls

import matcalc as mc
from matcalc import limits, walks
from matcalc.codegen.backend import backend
from matcalc.codegen.emit import Emitter
from matcalc.expr import Call, Mul, Number, Power, Symbol
from matcalc.functions import REGISTRY
from matcalc.printing.lets import with_lets
from matcalc.shapes import ONE, Dim


def _nested(depth: int):
    return mc.derive(nested_text(depth), "x")


def _mlp(depth: int):
    return mc.derive(mlp_text(depth), "W1")




@pytest.mark.parametrize("family", [_nested, _mlp])
def test_text_with_lets_makes_the_same_calls_per_layer_at_any_depth(raised, family):
    """Naming the shared parts of a depth-4N gradient makes 4x the calls of depth N (within 5%). Each
    definition's uses were counted by looking up every name in its walk (for name in names: ... in paths):
    definitions x names hash calls, quadratic (calls x6.9 for depth x4 at 250 -> 1000)."""
    small, large = family(100), family(400)
    calls = [python_calls(d.text_with_lets)[0] for d in (small, large)]
    assert calls[1] / calls[0] < 4 * 1.05, calls


def test_generated_code_makes_the_same_calls_per_level_at_any_depth(raised):
    """The code for nested tanh of depth 4N makes 4x the calls of depth N (within 5%): the gradient is one
    product of N factors (1 - t_k**2), and splitting its factors into numerator and denominator compared
    each factor with every numerator factor (f not in top: N**2 / 2 Expr.__eq__ calls)."""
    small, large = _nested(100), _nested(400)
    counted = [python_calls(d.to_source) for d in (small, large)]
    assert counted[1][0] / counted[0][0] < 4 * 1.05, [c[0] for c in counted]
    assert counted[1][1].get("__eq__", 0) <= 4 * counted[0][1].get("__eq__", 0) + 100


def test_a_long_product_is_emitted_with_calls_linear_in_its_factors():
    n = Dim.of("n")
    counts = []
    for size in (300, 1200):
        factors = [Symbol(f"a{k}", (n, ONE)) for k in range(size)] + [Power(Symbol("b", (n, ONE)), Number(-1))]
        e = Mul(*factors)
        w = Emitter({f"a{k}" for k in range(size)} | {"b"}, backend("numpy"))
        w.dims["n"] = "n"
        counts.append(python_calls(lambda e=e, w=w: w.text(e))[1].get("__eq__", 0))
    assert counts[1] <= 4 * counts[0] + 100, counts


def _running_generators() -> int:
    """Generator frames on the stack: an exception raised here (a generator closed early, a missing attribute
    looked up with a default) searches all of them for the exception being handled."""
    frame, count = sys._getframe(1), 0
    while frame is not None:
        count += bool(frame.f_code.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR))
        frame = frame.f_back
    return count


def test_a_deep_walk_recurses_through_no_generators():
    """bottom_up and substitute rebuild a node's children in a list, not a generator: each level of a deep tree
    ran inside a generator (tuple(fn(a) for a in args)), and every exception raised below it, such as the
    GeneratorExit that closes all(...) once a child has changed, searched that chain: quadratic in the depth
    (a substitution over a tanh chain 8 000 deep cost 2.7x per node what one 250 deep did)."""
    x = Symbol("x", (Dim.of("n"), ONE))
    e = x
    for _ in range(300):
        e = Call(REGISTRY["tanh"], e)
    at_leaf = []

    def visit(node):
        if node is x:
            at_leaf.append(_running_generators())
        return node

    base = _running_generators()
    limits.bounded(walks.bottom_up)(e, visit)  # room for 300 levels of frames
    assert at_leaf and at_leaf[0] - base <= 2, (base, at_leaf)


def test_a_deep_substitution_gives_the_same_tree():
    x, y = Symbol("x", (Dim.of("n"), ONE)), Symbol("y", (Dim.of("n"), ONE))
    e, want = x, y
    for _ in range(2000):
        e, want = Call(REGISTRY["tanh"], e), Call(REGISTRY["tanh"], want)
    same = limits.bounded(lambda: walks.substitute(e, {x: y}) == want)  # room for 2 000 levels of frames
    assert same()
    assert limits.bounded(walks.substitute)(e, {Symbol("z", x.shape): y}) is e  # nothing replaced: the same object


def test_named_definitions_and_body_unchanged_for_a_small_network():
    definitions, body = with_lets(_mlp(3).expr)
    assert [f"{s.name} = {d}" for s, d in definitions] == ["t1 = tanh(W1 @ x)", "t2 = tanh(W2 @ t1)", "t3 = tanh(W3 @ t2)"]
    assert str(body) == "2 * (W2.T @ (W3.T @ (W4.T @ (W4 @ t3 - y) * (1 - t3**2)) * (1 - t2**2))) * (1 - t1**2) @ x.T"
