r"""LaTeX output that reads like a textbook (matcalc.printing.latex, matcalc.printing.steps).

Exact strings for the textbook cases (a product's sign and coefficient lead it, ``X^{-\top}``, ``\frac{1}{2}``,
``\odot``, ``\oslash``), the derivation as lecture notes (``d\left(x^{\top} A x\right) &= ...`` lines citing
their rules), let-blocks, determinism, and well-formed LaTeX over a soak of random derivatives.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

import matcalc as mc
from matcalc.expr import Number
from matcalc.printing.lets import to_latex_lets
from matcalc.printing.steps import Steps

SOAK = Path(__file__).resolve().parent.parent / "benchmarks" / "soak.py"

DERIVATIVES = [
    # (expression, variable, declarations, the derivative's LaTeX)
    ("||y - Phi theta||^2", "theta", None, r"-2 \Phi^{\top} \left(y - \Phi \theta\right)"),
    ("x.T@A@x", "x", None, r"\left(A + A^{\top}\right) x"),
    ("x.T@A@x", "x", "A: symmetric", r"2 A x"),
    ("logdet(X) + tr(A@X)", "X", None, r"X^{-\top} + A^{\top}"),
    ("tr(X^T A X)", "X", None, r"\left(A + A^{\top}\right) X"),
    ("tr(inv(X) @ A)", "X", None, r"-X^{-\top} A^{\top} X^{-\top}"),
    ("sum(sigmoid(W@x+b))", "W", None,
     r"\left(\sigma\left(W x + b\right) \odot \left(1 - \sigma\left(W x + b\right)\right)\right) x^{\top}"),
    ("sum(log(1+exp(-y*(X@w))))", "w", None,
     r"-X^{\top} \left(y \odot \sigma\left(-y \odot X w\right)\right)"),
    ("norm(x)", "x", None, r"\frac{x}{\left\| x \right\|_{2}}"),
    ("sqrt(x.T@x)", "x", None, r"\frac{x}{\sqrt{x^{\top} x}}"),
    ("tanh(W @ x + b)", "x", None, r"\operatorname{diag}\left(1 - \tanh\left(W x + b\right)^{\circ 2}\right) W"),
    ("sum(X)", "X", None, r"\mathbf{1} \mathbf{1}^{\top}"),
    ("c*x.T@x - 2*b.T@x", "x", "c: scalar", r"2 \left(c x - b\right)"),
]


@pytest.mark.parametrize(("expr", "wrt", "where", "tex"), DERIVATIVES, ids=[f"{d[0]} wrt {d[1]}" for d in DERIVATIVES])
def test_derivatives_print_as_a_textbook_writes_them(expr, wrt, where, tex):
    assert mc.derive(expr, wrt, where=where).latex() == tex


EXPRESSIONS = [
    # (expression, declarations, LaTeX)
    ("0.5*||A@x - b||^2", None, r"\frac{1}{2} \left\| A x - b \right\|_{2}^{2}"),  # a half is \frac{1}{2}, not 0.5
    ("(1/2) * x / y", None, r"\frac{x}{2 y}"),  # the coefficient's denominator joins the fraction's
    ("x / (1 + y)", None, r"\frac{x}{1 + y}"),  # a single denominator stands bare
    ("-x / (1 + s)", "s: scalar", r"-\frac{x}{1 + s}"),
    ("0.1 * x", None, r"0.1 x"),  # a decimal a reader typed stays a decimal
    ("1e-30 * x", None, r"10^{-30} x"),
    ("a - 2*Phi.T@x", "a: vector(n)", r"a - 2 \Phi^{\top} x"),  # a negative term in a sum: "- 2 ...", not "+ -2"
    ("y - 2 * Phi.T @ (Phi @ theta)", None, r"y - 2 \Phi^{\top} \Phi \theta"),
    ("A @ (-x)", None, r"-A x"),  # signs and numbers lead a product
    ("inv(X).T @ A @ (2*x)", None, r"2 X^{-\top} A x"),
    ("(-x).T @ y", None, r"-x^{\top} y"),
    ("x.T @ A @ x * 2 * y", None, r"2 \left(x^{\top} A x\right) y"),  # a scalar product before a vector keeps its brackets
    ("2 * (x.T @ A @ x)", None, r"2 x^{\top} A x"),  # ... and needs none at the end
    ("inv(X.T)", None, r"X^{-\top}"),
    ("trace(A @ X @ B)", None, r"\operatorname{tr}\left(A X B\right)"),
    ("logdet(X) - trace(S @ X)", None, r"\log\det\left(X\right) - \operatorname{tr}\left(S X\right)"),
    ("x ∘ (-y) ∘ z", None, r"-x \odot y \odot z"),
    ("(x ∘ y) ∘ z", None, r"x \odot y \odot z"),  # ⊙ is associative: no brackets
    ("x ∘ (y + z)", None, r"x \odot \left(y + z\right)"),
    ("A / B", "A, B: matrix(n, n)", r"A \oslash B"),  # \frac{A}{B} would read as A B^{-1}
    ("x**2", None, r"x^{\circ 2}"),  # element-wise: x^{2} of a vector could be x^{\top} x
    ("s**2", "s: scalar", r"s^{2}"),
    ("sqrt(x)", None, r"\sqrt{x}"),
    ("diag(x) @ A", None, r"\operatorname{diag}\left(x\right) A"),
    ("-(x + y)", None, r"-\left(x + y\right)"),  # brackets the meaning needs stay
    ("A @ (x + y)", None, r"A \left(x + y\right)"),
    ("(-x)**2", None, r"\left(-x\right)^{\circ 2}"),
]


@pytest.mark.parametrize(("expr", "where", "tex"), EXPRESSIONS, ids=[e[0] for e in EXPRESSIONS])
def test_expressions_print_as_a_textbook_writes_them(expr, where, tex):
    assert mc.to_latex(mc.parse(expr, where=where)) == tex


def test_numbers():
    assert mc.to_latex(Number("1/3")) == r"\frac{1}{3}"
    assert mc.to_latex(Number("-1/2")) == r"-\frac{1}{2}"
    assert mc.to_latex(Number("1.5")) == r"\frac{3}{2}"
    assert mc.to_latex(Number("0.001")) == "0.001"
    assert mc.to_latex(Number(10**20)) == "10^{20}"


# ---------------------------------------------------------------- let-names

def test_shared_subexpressions_print_once_as_an_aligned_block():
    d = mc.derive("sum(sigmoid(W2 @ sigmoid(W1 @ x + b1) + b2))", "W1")
    tex = to_latex_lets(d.expr)
    assert tex == (
        r"\begin{aligned} t_{1} &= \sigma\left(W_{1} x + b_{1}\right) \\ "
        r"t_{2} &= \sigma\left(W_{2} t_{1} + b_{2}\right) \\ "
        r"\text{result} &= \left(W_{2}^{\top} \left(t_{2} \odot \left(1 - t_{2}\right)\right) \odot t_{1} "
        r"\odot \left(1 - t_{1}\right)\right) x^{\top} \end{aligned}"
    )
    assert len(tex) < len(d.latex())
    assert to_latex_lets(d.expr, result=r"\frac{\partial f}{\partial W_{1}}").count(r"\frac{\partial f}{\partial W_{1}} &=") == 1


def test_an_expression_with_nothing_shared_prints_plainly():
    d = mc.derive("x.T@A@x", "x")
    assert to_latex_lets(d.expr) == mc.to_latex(d.expr) == r"\left(A + A^{\top}\right) x"


# ---------------------------------------------------------------- the derivation as lecture notes

def _rows(tex: str) -> list[str]:
    assert tex.startswith(r"\begin{aligned} ") and tex.endswith(r" \end{aligned}")
    return tex[len(r"\begin{aligned} "):-len(r" \end{aligned}")].split(r" \\ ")


def test_steps_are_differential_lines_citing_their_rules():
    rows = _rows(mc.derive("x.T@A@x", "x").steps_latex())
    assert rows == [
        r"d\left(x^{\top}\right) &= dx^{\top} && \text{(transpose)}",
        r"d\left(x^{\top} A x\right) &= dx^{\top} A x + x^{\top} A\, dx && \text{(L4)}",
        r"\frac{\partial f}{\partial x} &= \left(\left(A x\right)^{\top}\right)^{\top} + \left(x^{\top} A\right)^{\top} "
        r"&& \text{(identify-gradient)}",
        r"&= \left(x^{\top} A^{\top}\right)^{\top} + \left(x^{\top} A\right)^{\top} && \text{(transpose-of-product)}",
        r"&= \left(A^{\top}\right)^{\top} \left(x^{\top}\right)^{\top} + \left(x^{\top} A\right)^{\top} "
        r"&& \text{(transpose-of-product)}",
        r"&= A \left(x^{\top}\right)^{\top} + \left(x^{\top} A\right)^{\top} && \text{(double-transpose)}",
        r"&= A x + \left(x^{\top} A\right)^{\top} && \text{(double-transpose)}",
        r"&= A x + A^{\top} x && \text{(transpose-of-product)}",
        r"&= \left(A + A^{\top}\right) x && \text{(factor-common)}",
    ]


def test_steps_name_intermediates_and_print_differentials_of_names():
    d = mc.derive("||y - Phi theta||^2", "theta")
    rows = _rows(d.steps_latex())
    assert rows[0] == r"u_{1} &= \Phi \theta && \text{let}"
    assert rows[1] == r"du_{1} &= \Phi\, d\theta && \text{(L1)}"
    assert r"du_{4} &= \frac{u_{3}^{\top}\, du_{3}}{u_{4}} && \text{(norm)}" in rows
    assert (r"d\left(\left\| y - \Phi \theta \right\|_{2}^{2}\right) &= -2 \left(y - \Phi \theta\right)^{\top} \Phi\, d\theta"
            r" && \text{(substitute)}") in rows
    assert r"\frac{\partial f}{\partial \theta} &= " in d.steps_latex()
    assert rows[-1].startswith(r"&= " + d.latex() + " && ")  # the rewrites end at the closed form
    assert r"\mathit{d" not in d.steps_latex()


def test_rewrites_that_print_alike_share_a_line():
    rows = _rows(mc.derive("logdet(X) + tr(A@X)", "X").steps_latex())
    assert rows[-3:] == [
        r"\frac{\partial f}{\partial X} &= X^{-\top} I + A^{\top} I && \text{(identify-gradient, fold-numbers)}",
        r"&= X^{-\top} + A^{\top} I && \text{(identity-factor)}",
        r"&= X^{-\top} + A^{\top} && \text{(identity-factor)}",
    ]


def test_a_substitution_continues_the_differential_of_the_same_expression():
    rows = _rows(mc.derive("x.T@A@x", "x", where="A: symmetric").steps_latex())
    assert rows[1:3] == [r"d\left(x^{\top} A x\right) &= dx^{\top} A x + x^{\top} A\, dx && \text{(L4)}",
                         r"&= 2\, dx^{\top} A x && \text{(substitute)}"]


def test_a_name_that_looks_like_a_differential_stays_a_name():
    tex = mc.derive("x.T @ dx + x.T@x", "x").steps_latex()
    assert r"du_{1} &= dx^{\top} \mathit{dx} && \text{(L3)}" in tex


def test_steps_without_expressions():
    zero = _rows(mc.derive("x.T@y - y.T@x", "x").steps_latex())
    assert zero[-1] == r"df &= 0 && \text{(variable)}"
    rows = _rows(mc.hessian("x.T@A@x", "x").steps_latex())
    assert r"H &= \frac{\partial \nabla f}{\partial x} && \text{(hessian)}" in rows
    assert rows[-1].startswith(r"&= A + A^{\top} && ")


def test_the_rewrites_of_a_long_closed_form_are_shown_one_by_one():
    network = "x"
    for i in range(1, 9):
        network = f"sigmoid(W{i} @ {network} + b{i})"
    d = mc.derive(f"sum({network})", "W1")
    tex = d.steps_latex()
    assert r"&\Rightarrow " in tex
    _assert_well_formed(tex)


def test_no_text_nests_and_rules_keep_their_hyphens():
    tex = mc.derive("sum(sigmoid(W@x+b))", "W").steps_latex()
    assert r"\text{(elementwise-chain)}" in tex and r"\text{-}" not in tex
    _assert_text_does_not_nest(tex)


def test_steps_render_in_jupyter():
    d = mc.derive("x.T@A@x", "x")
    assert Steps(d.steps)._repr_latex_() == "$$" + d.steps_latex() + "$$"
    assert d.show_steps()._repr_latex_().startswith(r"$$\begin{aligned}")


# ---------------------------------------------------------------- determinism and well-formedness

def test_printing_is_deterministic():
    for expr, wrt, where, _ in DERIVATIVES:
        first, second = mc.derive(expr, wrt, where=where), mc.derive(expr, wrt, where=where)
        assert first.latex() == second.latex() == mc.to_latex(first.expr.rebuild(*first.expr.args))
        assert first.steps_latex() == second.steps_latex() == first.steps_latex()
        assert to_latex_lets(first.expr) == to_latex_lets(second.expr)


def _assert_text_does_not_nest(tex: str) -> None:
    for start in (m.end() for m in re.finditer(r"\\text\{", tex)):
        depth = 1
        for i in range(start, len(tex)):
            if tex[i] in "{}" and tex[i - 1] != "\\":
                depth += 1 if tex[i] == "{" else -1
            if depth == 0:
                assert r"\text{" not in tex[start:i], tex
                break


def _assert_well_formed(tex: str) -> None:
    depth = 0
    for i, ch in enumerate(tex):
        if ch in "{}" and tex[i - 1:i] != "\\":
            depth += 1 if ch == "{" else -1
            assert depth >= 0, tex
    assert depth == 0, tex
    lefts = re.findall(r"\\left[(|\\]", tex)
    rights = re.findall(r"\\right[)|\\]", tex)
    assert len(lefts) == len(rights), tex
    assert tex.count(r"\begin{") == tex.count(r"\end{"), tex
    assert "  " not in tex, tex
    _assert_text_does_not_nest(tex)


def _soak_derivatives(count: int):
    spec = importlib.util.spec_from_file_location("soak", SOAK)
    soak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak)
    found, index = [], 0
    while len(found) < count and index < 4 * count:
        expr, var, layout, _ = soak.make_case(11, index, 3, 60)
        index += 1
        if var is None:
            continue
        try:
            found.append(mc.derive(expr, var.name, layout=layout))
        except mc.MatcalcError:
            continue
    return found


def test_random_derivatives_print_well_formed_latex():
    derivatives = _soak_derivatives(50)
    assert len(derivatives) == 50
    for d in derivatives:
        for tex in (mc.to_latex(d.f), d.latex(), to_latex_lets(d.expr), d.steps_latex()):
            _assert_well_formed(tex)
        assert d.latex() == mc.to_latex(d.expr)


@pytest.mark.parametrize("text, where, latex", [
    ("[zeros(n, 1); 1]", None, r"\begin{bmatrix} \mathbf{0}_{n} \\ 1 \end{bmatrix}"),  # a size nothing else fixes
    ("kron(eye(m), A)", None, r"I_{m} \otimes A"),
    ("zeros(m, n)", None, r"\mathbf{0}_{m \times n}"),  # a bare \mathbf{0} would read back as the number 0
    ("np.exp(A) + B", "A: matrix(n, n)", r"\exp^{\circ}\left(A\right) + B"),  # entry-wise: not the matrix exponential
    ("np.sqrt(A) + B", "A: matrix(n, n)", r"A^{\circ \frac{1}{2}} + B"),
])
def test_latex_says_what_reading_back_needs(text, where, latex):
    e = mc.parse(text, where)
    assert mc.to_latex(e) == latex
    again = str(mc.parse(latex, where, notation="latex"))
    assert again == (str(e) if "sqrt" not in text else "A**0.5 + B")  # the Hadamard root is the 1/2 power


def test_a_long_closed_form_names_its_shared_parts_once_in_latex():
    d = mc.derive("sum(tanh(W3 @ tanh(W2 @ tanh(W1 @ x + b1) + b2) + b3))", "W1")
    block = d.latex_with_lets()
    assert block.startswith(r"\begin{aligned} t_{1} &= ") and block.endswith(r"\end{aligned}")
    assert r"\frac{\partial f}{\partial W_{1}} &= " in block
    assert mc.derive("x.T @ A @ x", "x").latex_with_lets() == r"\left(A + A^{\top}\right) x"  # nothing shared
