"""The rewrite engine's bookkeeping (matcalc.rewrite.engine): a node found a fixpoint of a lemma list is marked, and a
later simplification with the same lemmas skips it; the mark never changes what simplify returns."""

from __future__ import annotations

import dataclasses

import pytest

import matcalc as mc
from matcalc import limits
from matcalc.printing.text import to_text
from matcalc.rewrite import engine
from matcalc.rewrite.lemmas import LEMMAS
from matcalc.walks import distinct_nodes

TEXTS = [
    ("sum((W2 @ tanh(W1 @ x + b1) + b2 - y)**2)", "W1"),
    ("x.T @ A @ x + 2 * x.T @ A @ x", "x"),
    ("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w"),
    ("trace(X.T @ A @ X @ B)", "X"),
    ("logdet(X) + trace(inv(X) @ A)", "X"),
]


def counting(lemmas):
    """The lemmas, each counting the nodes it is tried on."""
    tried = []

    def wrap(lemma):
        return dataclasses.replace(lemma, apply=lambda e, f=lemma.apply: (tried.append(e), f(e))[1])
    return [wrap(lemma) for lemma in lemmas], tried


def differential_of(text, wrt):
    d = mc.derive(text, wrt)
    return d.differential[0]  # (df, dvar, steps): the simplified differential


@pytest.mark.parametrize("text, wrt", TEXTS)
def test_a_fixpoint_is_not_tried_again(text, wrt):
    lemmas, tried = counting(LEMMAS)
    df = mc.parse(text)
    first = engine.simplify(df, lemmas)
    assert tried
    tried.clear()
    again = engine.simplify(first, lemmas)
    assert again is first and not tried  # every node of a simplified expression is marked: nothing is tried
    wrapped = first.rebuild(*first.args)  # a new node over marked children
    if first.args:
        assert engine.simplify(wrapped, lemmas) == first
        assert len(tried) <= 1 + len(LEMMAS)  # only the new top node is tried


@pytest.mark.parametrize("text, wrt", TEXTS)
def test_marks_never_change_the_result(text, wrt):
    """Simplifying a tree whose parts are marked (from an earlier simplification) gives what a fresh copy gives."""
    e = mc.parse(text)
    fresh = mc.parse(text)
    engine.simplify(e, LEMMAS)  # marks the fixpoints among e's nodes
    assert to_text(engine.simplify(e, LEMMAS)) == to_text(engine.simplify(fresh, LEMMAS))
    assert str(mc.derive(e, wrt)) == str(mc.derive(fresh, wrt)) == str(mc.derive(text, wrt))


def test_a_mark_belongs_to_its_lemma_list():
    """A fixpoint of some lemmas is tried again by another list (it may not be a fixpoint of that one)."""
    e = mc.parse("x.T @ A @ x + x.T @ A @ x")
    none_fire = [dataclasses.replace(LEMMAS[0], apply=lambda e: None)]
    same = engine.simplify(e, none_fire)
    assert all(node._normal is not None for node in distinct_nodes(same))
    assert to_text(engine.simplify(e, LEMMAS)) == "2 * (x.T @ A @ x)"


def test_comparing_equal_copies_keeps_the_marks():
    """Equal nodes share their children when compared (Expr.__eq__); a child known to be a fixpoint stays known."""
    first = engine.simplify(mc.parse("sum(y * log(sigmoid(X@w)))"), LEMMAS)
    copy = first.rebuild(*[a.rebuild(*a.args) for a in first.args])  # new objects: not marked
    assert copy.args[0]._normal is None
    assert copy == first and first.args[0] is copy.args[0] and copy.args[0]._normal is not None


def test_a_node_left_when_the_budget_runs_out_is_not_marked(monkeypatch):
    monkeypatch.setattr(limits, "MAX_REWRITES", 1)
    e = mc.parse("x + x + x + 0 * x")
    once = engine.simplify(e, LEMMAS)
    assert once._normal is None  # not known to be a fixpoint
    monkeypatch.setattr(limits, "MAX_REWRITES", 50_000)
    assert to_text(engine.simplify(once, LEMMAS)) == "3 * x"


def test_flatten_chains_leaves_a_fixpoint_whole():
    """A marked node has no chain to gather: flatten_chains returns it untouched, and gathers chains around it."""
    inner = engine.simplify(mc.parse("a.T @ x + b.T @ x + c.T @ x"), LEMMAS)
    token = inner._normal
    outer = inner + (inner + mc.parse("d.T @ x"))  # (inner + (inner + d.T x)): the nested sum is spliced
    flat = engine.flatten_chains(outer, token)
    assert flat.args[0] is inner and len(flat.args) == 3
