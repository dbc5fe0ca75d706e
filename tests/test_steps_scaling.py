"""Printing a derivation's steps (``steps_text``, ``steps_latex``, ``show_steps``) stays linear in the depth of a
deep network or a nested function, and a short derivation prints written out as it always has.

The work is counted, not timed: the Python calls a printing makes at depth N and 2N (cProfile, exact), and the
characters it writes. A long derivation's LaTeX names the same subexpressions, with the same names, as its text."""

from __future__ import annotations

import re

import pytest
from deep_inputs import mlp_text, nested_text, python_calls

import matcalc as mc
from matcalc.printing.step_names import is_long_derivation
from matcalc.printing.steps import steps_latex

LINEAR = 2.3  # the work at depth 2N over the work at depth N: 2 for linear work, 4 for quadratic


def _nested(depth: int):
    return mc.derive(nested_text(depth), "x")


def _mlp(depth: int):
    return mc.derive(mlp_text(depth), "W1")


def _read(d):
    """The derivative with every step's lazily built `after` built: what is counted is the printing alone."""
    for s in d.steps:
        s.after  # noqa: B018 - built on first read
    return d




PRINTERS = {
    "steps_text": lambda d: d.steps_text(),
    "steps_latex": lambda d: d.steps_latex(),
    "show_steps text": lambda d: str(d.show_steps()),
}


@pytest.mark.parametrize("printer", PRINTERS)
@pytest.mark.parametrize("family, depth", [(_mlp, 32), (_nested, 100)], ids=["mlp", "nested"])
def test_printing_the_steps_is_linear_work(raised, family, depth, printer):
    """Twice the depth, at most ~twice the calls and the characters. The text's longness test measured every
    large before/after of every step (limits.tree_size walks the whole expression), quadratic in the depth;
    the LaTeX wrote the long steps out, cubic in the depth."""
    write = PRINTERS[printer]
    small, large = _read(family(depth)), _read(family(2 * depth))
    work = [python_calls(lambda d=d: write(d))[0] for d in (small, large)]
    chars = [len(write(d)) for d in (small, large)]
    assert work[1] / work[0] <= LINEAR, f"{printer}: {work[0]:,} calls at depth {depth}, {work[1]:,} at {2 * depth}"
    assert chars[1] / chars[0] <= LINEAR, f"{printer}: {chars[0]:,} chars at depth {depth}, {chars[1]:,} at {2 * depth}"


@pytest.mark.parametrize("family, depth, per_layer", [(_mlp, 200, 1500), (_nested, 1000, 800)], ids=["mlp", "nested"])
def test_the_latex_of_a_deep_derivation_is_written_with_names(raised, family, depth, per_layer):
    """A depth the derivation handles prints in LaTeX too (it raised RecursionError from mlp 128 and nested 400),
    its size linear in the depth."""
    d = family(depth)
    tex = d.steps_latex()
    assert tex.startswith(r"\begin{aligned}") and tex.endswith(r"\end{aligned}")
    assert len(tex) < per_layer * depth, f"{len(tex):,} chars at depth {depth}"
    assert r"v_{1} &= " in tex
    assert len(d.steps_text()) < per_layer * depth


def _defined(text: str, pattern: str) -> list[str]:
    return re.findall(pattern, text)


@pytest.mark.parametrize("build", [
    lambda: _mlp(8),
    lambda: _nested(30),
    lambda: mc.hessian("sum(tanh(tanh(tanh(tanh(x)))))", "x"),
], ids=["mlp", "nested", "hessian"])
def test_the_latex_names_what_the_text_names(build):
    """One naming decision for both printers: the same new names, defined in the same order, and the same
    let-names; the notebook's plain text of show_steps is the text."""
    d = build()
    assert is_long_derivation(d.steps)
    text, tex = d.steps_text(), d.steps_latex()
    text_names = _defined(text, r"let (v\d+) = ")
    tex_names = ["v" + n for n in _defined(tex, r"(?<![\w\\])v_\{(\d+)\} &= ")]
    assert text_names and text_names == tex_names
    assert _defined(text, r"let (u\d+) = ") == ["u" + n for n in _defined(tex, r"(?<![\w\\])u_\{(\d+)\} &= ")]
    assert str(d.show_steps()) == text


TEXTBOOK = [
    ("x.T @ A @ x", "x"), ("norm(y - Phi @ theta)**2", "theta"), ("trace(X.T @ A @ X)", "X"), ("logdet(X)", "X"),
    ("sum((W2 @ tanh(W1 @ x + b1) + b2 - y)**2)", "W1"), ("norm(W3 @ tanh(W2 @ tanh(W1 @ x)) - y)**2", "W1"),
    ("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w"), ("x.T @ inv(A) @ x", "A"),
    ("c * logdet(S) + trace(inv(S) @ X.T @ X)", "S"), ("sum(sigmoid(W3 @ relu(W2 @ sigmoid(W1 @ x + b1) + b2)))", "W1"),
]


@pytest.mark.parametrize("expr, wrt", TEXTBOOK)
def test_a_textbook_derivation_is_written_out(expr, wrt):
    """A short derivation's LaTeX and its show_steps text write every step out, as they always did (the text of
    its long steps may name parts: steps_text decides per step, as before)."""
    d = mc.derive(expr, wrt, where="S: matrix(n, n) spd" if "S" in expr else None)
    assert not is_long_derivation(d.steps)
    tex = steps_latex(d.steps)
    assert not re.search(r"v_\{\d+\} &=", tex)
    assert str(d.show_steps()) == "\n".join(f"{i:>3}. [{s.rule}] {s.text}" for i, s in enumerate(d.steps, 1))


@pytest.mark.parametrize("expr, wrt", [("trace(X.T @ X @ X.T @ X)", "X"), ("trace(inv(X) @ A)", "X"), ("logsumexp(x)", "x")])
def test_a_hessian_of_a_textbook_function_is_written_out(expr, wrt):
    h = mc.hessian(expr, wrt)
    assert not is_long_derivation(h.steps) and not re.search(r"v_\{\d+\} &=", h.steps_latex())


def test_the_switch_is_the_written_size_of_the_steps():
    """Long means more than step_names.DERIVATION_NODES nodes in all the steps' expressions written out: a network of two
    hidden layers is written out (its text names parts of its long steps), one of three is named."""
    shallow, deep = _mlp(2), _mlp(3)
    assert not is_long_derivation(shallow.steps) and "let v1 = " in shallow.steps_text()
    assert "v_{" not in shallow.steps_latex()
    assert is_long_derivation(deep.steps) and "v_{1} &= " in deep.steps_latex()
