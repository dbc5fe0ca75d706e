"""What a notebook shows (matcalc/printing/display.py): the MIME bundle JupyterLab, Notebook 7 and VS Code
render. They rank HTML above Markdown above LaTeX, so a display object must offer no HTML (its maths would
show as code) and must offer Markdown with the maths between $$, the conventions as notes, and plain text."""

from __future__ import annotations

import pytest
from IPython.core.formatters import DisplayFormatter

import matcalc as mc
from matcalc.printing.display import code_span, markdown_text, math_bundle

OBJECTS = {
    "gradient": lambda: mc.derive("x.T@A@x", "x"),
    "jacobian": lambda: mc.jacobian("tanh(W @ x + b)", "x"),
    "matrix gradient": lambda: mc.derive("trace(X.T@A@X)", "X"),
    "hessian": lambda: mc.hessian("logsumexp(x)", "x"),
    "long, with lets": lambda: mc.derive("sum((W2 @ sigmoid(W1 @ x + b1) + b2 - y)**2)", "W1"),
    "verdict, wrong": lambda: mc.check_answer("x.T@A@x", "x", "2*A@x"),
    "verdict, right with steps": lambda: mc.check_answer("x.T@A@x", "x", "(A + A.T)@x", steps=True),
    "verdict, hessian": lambda: mc.check_answer("x.T@A@x", "x", "2*A", order=2),
    "steps": lambda: mc.derive("||y - Phi theta||^2", "theta").show_steps(),
}


@pytest.mark.parametrize("name", OBJECTS)
def test_jupyter_gets_typeset_maths_and_no_html(name):
    obj = OBJECTS[name]()
    data, _ = DisplayFormatter().format(obj)  # what IPython sends to the front end
    assert "text/html" not in data
    markdown = data["text/markdown"]
    assert markdown.count("$$") == 2 and "\\" in markdown.split("$$")[1]  # display maths, LaTeX inside
    plain = obj.describe() if hasattr(obj, "describe") and not hasattr(obj, "diagnosis") else str(obj)
    assert data["text/latex"].startswith("$") and data["text/plain"] == plain


def test_a_derivative_shows_its_operator_and_conventions():
    d = mc.derive("x.T@A@x", "x")
    markdown = d._repr_mimebundle_()["text/markdown"]
    assert r"\frac{\partial}{\partial x} \left(x^{\top} A x\right) = \left(A + A^{\top}\right) x" in markdown
    assert "`vector(n); mixed (the gradient has the shape of x); x: vector(n), A: matrix(n, n)`" in markdown
    h = mc.hessian("x.T@A@x", "x")
    assert r"\frac{\partial^2}{\partial x\,\partial x^{\top}}" in h._repr_mimebundle_()["text/markdown"]


def test_a_long_derivative_names_its_shared_subexpressions():
    d = OBJECTS["long, with lets"]()
    assert r"\begin{aligned} t_{1} &=" in d._repr_mimebundle_()["text/markdown"]


def test_steps_read_like_the_notes():
    markdown = OBJECTS["steps"]()._repr_mimebundle_()["text/markdown"]
    assert r"\begin{aligned}" in markdown and r"&& \text{(L1)}" in markdown or r"\text{(norm)}" in markdown
    assert "d\\left(" in markdown  # d(…) = … lines


def test_markdown_text_is_shown_as_written():
    assert markdown_text("a_b *c* [d] $e$") == r"a\_b \*c\* \[d\] \$e\$"
    assert markdown_text("(A + A.T) @ x") == "(A + A.T) @ x"  # no \( that would open inline maths
    assert code_span("x.T @ A") == "`x.T @ A`" and code_span("a ` b") == "`` a ` b ``"[0:2] + " a ` b " + "``" \
        or code_span("a ` b") == "``a ` b``"
    bundle = math_bundle("x^2", "x**2", ("note",), heading="h")
    assert bundle == {"text/markdown": "**h**\n\n$$\nx^2\n$$\n\n`note`", "text/latex": "$$\nx^2\n$$", "text/plain": "x**2"}
