"""Each lemma declares the node kinds it can fire on (matcalc.rewrite.engine.Lemma.kinds), and the engine
tries a node only with the lemmas of its kind. A declaration that left a kind out would silently skip a
rewrite, so every lemma is applied here to every node of the other kinds met in a wide sample of
derivations (every expression before, during and after simplification) and must decline them all.
"""

from __future__ import annotations

import pytest
from codegen_corpus import CASES, EXTRA_CASES, HESSIAN_CASES
from test_textbook_forms import ROWS

import matcalc as mc
from matcalc.rewrite import engine
from matcalc.rewrite.lemmas import LEMMAS
from matcalc.walks import distinct_nodes

MORE = [  # textbook and course problems beside the code-generation corpus
    ("sum((X@w - y)**2) + lam * w.T@w", "w"), ("trace(A@X@B@X.T)", "X"), ("logdet(X.T@X)", "X"),
    ("x.T@inv(A + B)@x", "A"), ("y.T@log(softmax(W@x))", "W"), ("norm_fro(A@X - B)**2 / 2", "X"),
    ("sum(exp(-(x - mu)**2 / 2))", "mu"), ("-(y - s).T@(y - s)", "s"), ("trace(kron(A, B)@X)", "X"),
    ("sum(sigmoid(-y * (X@w)))", "w"), ("x.T@x * (a.T@x)", "x"), ("det(A@X@B)", "X"),
]


def _sample() -> list:
    """The distinct nodes of every expression a sample of derivations reads, rewrites and returns."""
    trace: list = []
    nodes: dict = {}
    original = engine.simplify

    def recording(e, lemmas, trace_=None):
        out = original(e, lemmas, trace if trace_ is None else trace_)
        for n in distinct_nodes(e):
            nodes.setdefault(n, None)
        return out

    engine.simplify, simplify_in_derivative = recording, mc.derivative.simplify
    mc.derivative.simplify = recording
    try:
        questions = [(e, w, None) for e, w, *_ in CASES + EXTRA_CASES] + [(e, w, None) for e, w in HESSIAN_CASES]
        questions += [(e, w, where) for e, w, where, *_ in ROWS] + [(e, w, None) for e, w in MORE]
        for expr, wrt, where in questions:
            try:
                d = mc.derive(expr, wrt, where=where)
            except mc.MatcalcError:
                continue
            for e in (d.f, d.expr, *(s for step in d.steps for s in (step.before, step.after) if s is not None)):
                for n in distinct_nodes(e):
                    nodes.setdefault(n, None)
    finally:
        engine.simplify, mc.derivative.simplify = original, simplify_in_derivative
    for _, before, after in trace:
        for e in (before, after):
            for n in distinct_nodes(e):
                nodes.setdefault(n, None)
    return list(nodes)


SAMPLE = _sample()


def test_every_lemma_declares_its_kinds():
    assert all(lemma.kinds for lemma in LEMMAS), [lemma.name for lemma in LEMMAS if not lemma.kinds]
    assert len(SAMPLE) > 2000


@pytest.mark.parametrize("lemma", LEMMAS, ids=lambda lemma: lemma.name)
def test_a_lemma_declines_every_node_of_another_kind(lemma):
    others = [n for n in SAMPLE if not isinstance(n, lemma.kinds)]
    fired = [n for n in others if lemma.apply(n) is not None]
    assert not fired, f"{lemma.name} fires on {type(fired[0]).__name__} {fired[0]}, not among its kinds"


def test_the_engine_gives_the_same_results_with_and_without_the_kinds():
    plain = [engine.Lemma(lemma.name, lemma.statement, lemma.apply, lemma.source) for lemma in LEMMAS]
    for expr, wrt in MORE:
        d = mc.derive(expr, wrt)
        df = d.differential[0] if d.differential else None
        if df is not None:
            assert engine.simplify(df, LEMMAS) == engine.simplify(df, plain)
