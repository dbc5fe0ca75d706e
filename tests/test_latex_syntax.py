r"""The LaTeX front end (grammar/latex.lark, matcalc/latex_syntax.py): each construct reads as the same expression
as its plain spelling, unsupported LaTeX is refused at its position, and LaTeX is recognised by its commands."""

from __future__ import annotations

import numpy as np
import pytest
from lark import Lark

import matcalc as mc
from matcalc import syntax
from matcalc.checking import dim_names_of, sample_point
from matcalc.errors import MatcalcError, ParseError
from matcalc.expr import symbols
from matcalc.latex_lexing import looks_like_latex, prepare_latex
from matcalc.numeric import evaluate
from matcalc.shapes import describe


def test_latex_grammar_builds_with_strict_conflict_and_collision_checks():
    pytest.importorskip("interegular")
    parser = Lark(syntax.grammar_text("latex.lark"), parser="lalr", start=["expr"], strict=True)
    assert parser.parse(r"x^\top A x", start="expr") is not None


# (LaTeX, the same expression in plain notation)
SAME = [
    (r"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|_2^2", "0.5 * norm(X @ w - y)**2"),
    (r"\mathbf{x}^\top A \mathbf{x}", "x.T @ A @ x"),
    (r"\boldsymbol{\theta}^T \boldsymbol{\theta}", "θ.T @ θ"),
    (r"\bm{x}^{\mathsf T} \vec{y}", "x.T @ y"),
    (r"x^{\intercal} A x", "x.T @ A @ x"),
    (r"x^{\mathsf{T}} A x", "x.T @ A @ x"),
    (r"x^\mathsf{T} A x", "x.T @ A @ x"),
    (r"x' A x", "x.T @ A @ x"),
    (r"x^TAx", "x.T @ A @ x"),
    (r"\mathbf{a}^\top X^{-1} \mathbf{b}", "a.T @ inv(X) @ b"),
    (r"\mathbf{a}^\top X^{-\top} \mathbf{b}", "a.T @ inv(X.T) @ b"),
    (r"\mathbf{a}^\top X^{-T} \mathbf{b}", "a.T @ inv(X.T) @ b"),
    (r"\tfrac12 x^\top x", "0.5 * x.T @ x"),
    (r"\dfrac{1}{2} x^\top x", "0.5 * x.T @ x"),
    (r"\frac{x^\top A x}{x^\top x}", "(x.T @ A @ x) / (x.T @ x)"),
    (r"\frac{1}{x^\top x}", "1 / (x.T @ x)"),
    (r"\left( A + A^\top \right) x", "(A + A.T) @ x"),
    (r"\bigl( A + B \bigr) x", "(A + B) @ x"),
    (r"\left[ A + B \right] x", "(A + B) @ x"),
    (r"\lVert x \rVert", "norm(x)"),
    (r"\left\| A x - b \right\|_2^2", "norm(A @ x - b)**2"),
    (r"\|x\|_{2}^{2}", "norm(x)**2"),
    (r"\|X\|_F^2", "norm(X, 'fro')**2"),
    (r"\|X\|_{\mathrm{F}}", "norm(X, 'fro')"),
    (r"\|x\|_1", "norm(x, 1)"),
    (r"\log |X|", "log(det(X))"),
    (r"\det X", "det(X)"),
    (r"\det(X^{-1})", "det(inv(X))"),
    (r"\log\det X", "logdet(X)"),
    (r"\log\det(\Sigma)", "logdet(Σ)"),
    (r"\ln(x^\top x)", "log(x.T @ x)"),
    (r"\exp(a^\top x)", "exp(a.T @ x)"),
    (r"\operatorname{tr}(X^\top A X)", "trace(X.T @ A @ X)"),
    (r"\mathrm{tr}(A X)", "trace(A @ X)"),
    (r"\text{tr}(A X)", "trace(A @ X)"),
    (r"\operatorname{Tr}(A X)", "trace(A @ X)"),
    (r"\operatorname{Tr} \left( A X \right)", "trace(A @ X)"),
    (r"\operatorname{diag}(x) A", "diag(x) @ A"),
    (r"\mathbf{1}^\top \sigma(W\mathbf{x})", "sum(sigmoid(W @ x))"),
    (r"\sigma(\mathbf{w}^\top \mathbf{x})", "sigmoid(w.T @ x)"),
    (r"\tanh(W x + b)", "tanh(W @ x + b)"),
    (r"\mathbf{1}^\top (A \odot X) \mathbf{1}", "sum(A ∘ X)"),
    (r"\mathbf{1}^\top (A \circ X) \mathbf{1}", "sum(A ∘ X)"),
    (r"\operatorname{vec}(X)^\top \operatorname{vec}(X)", "vec(X).T @ vec(X)"),
    (r"(B \otimes A) x", "kron(B, A) @ x"),
    (r"x^\top x \cdot y^\top x", "(x.T @ x) * (y.T @ x)"),
    (r"\mathbf{w} \cdot \mathbf{x}", "w.T @ x"),
    (r"2 \times x^\top x", "2 * x.T @ x"),
    (r"\sum_i x_i", "sum(x)"),
    (r"\sum_{i=1}^{n} x_i^2", "sum(x**2)"),
    (r"\sum_i \log(1 + e^{z_i})", "sum(log(1 + exp(z)))"),
    (r"\sum_{i,j} X_{ij}^2", "sum(X**2)"),
    (r"\sum_i y_i \log p_i", "sum(y ∘ log(p))"),
    (r"\mathbf{1}_n^\top x", "ones(n, 1).T @ x"),
    (r"(\mathbf{I} + x x^\top)", "eye(n) + x @ x.T"),
    (r"(I_n + x x^\top)^{-1}", "inv(eye(n) + x @ x.T)"),
    (r"W_1 \mathbf{x} + b_1", "W1 @ x + b1"),
    (r"\tanh(W_{2} \mathbf{h})", "tanh(W2 @ h)"),
    (r"\sqrt{x^\top x}", "sqrt(x.T @ x)"),
    (r"e^{-\frac{1}{2} x^\top x}", "exp(-0.5 * x.T @ x)"),
    (r"\begin{bmatrix} x \\ 1 \end{bmatrix}^\top \begin{bmatrix} w \\ b \end{bmatrix}", "[x; 1].T @ [w; b]"),
    (r"\begin{pmatrix} A & B \end{pmatrix} x", "[A, B] @ x"),
    (r"$x^\top A x$", "x.T @ A @ x"),
    (r"$$ x^\top A x $$", "x.T @ A @ x"),
    (r"\[ x^\top A x \]", "x.T @ A @ x"),
    (r"x^\top\! A \, x \; + \quad \mathbf{b}^\top x", "x.T @ A @ x + b.T @ x"),
    (r"\displaystyle \frac{1}{2} x^\top x.", "0.5 * x.T @ x"),
    (r"\|y - \Phi\theta\|^2", "norm(y - Φ @ θ)**2"),
    (r"\mathit{Sb}^\top x", "Sb.T @ x"),
    (r"\operatorname{softmax}(W x)^\top y", "softmax(W @ x).T @ y"),
    (r"-\frac{N}{2}\log\det\Sigma", "-(N / 2) * logdet(Σ)"),
    (r"x^\top A x \,−\, b^\top x", "x.T @ A @ x - b.T @ x"),
    (r"\operatorname{ReLU}(W\mathbf{x} + \mathbf{b})", "relu(W @ x + b)"),  # a function name in any case
    (r"\mathrm{Softmax}(\mathbf{z})^\top y", "softmax(z).T @ y"),
    (r"\text{Sigmoid}(x)", "sigmoid(x)"),
    (r"\operatorname{lrelu}(x)", "leaky_relu(x)"),  # the registry's own LaTeX spelling
    (r"\frac{1}{N} X^\top \mathbf{y}", "X.T @ y / N"),  # a denominator is a scalar
    (r"\frac{2}{N} X^T \mathbf{e}", "2 * X.T @ e / N"),
    (r"\frac{1}{2\sigma^2} \|x - \mu\|^2", "norm(x - μ)**2 / (2 * σ**2)"),
    (r"\|X\mathbf{w} + b\mathbf{1} - \mathbf{y}\|^2", "norm(X @ w + b * ones(n, 1) - y)**2"),  # b scales the ones
    (r"\lambda\sum_j \beta_j^2", "λ * sum(β**2)"),
    (r"\frac{1}{n}\sum_i x_i", "sum(x) / n"),
    (r"\log\sum_i e^{x_i}", "log(sum(exp(x)))"),
    (r"\sum_i \sum_j X_{ij}^2", "sum(X**2)"),
    (r"\sum_i (y_i - \exp(-(x_i - c)^2/b))^2", "sum((y - exp(-(x - c)**2 / b))**2)"),  # c, b: scalars
    (r"\tanh^2(z)", "tanh(z)**2"),
    (r"\sin^2 x", "sin(x)**2"),
    (r"\langle \mathbf{x}, A\mathbf{y} \rangle", "x.T @ A @ y"),
    (r"\exp\left\{-\frac{1}{2}\mathbf{x}^\top\Sigma^{-1}\mathbf{x}\right\}", "exp(-0.5 * x.T @ inv(Σ) @ x)"),
    (r"\underline{\Phi}^\top \mathbf{y}", "Φ.T @ y"),
    (r"A\,(x + y)", "A @ (x + y)"),
    (r"\lambda \times I + A", "λ I + A"),
    (r"\exp^{\circ}(A) + B", "np.exp(A) + B"),  # exp of each entry, even of a square matrix
    (r"\log^\circ(A) + B", "np.log(A) + B"),
    (r"\arccos(x) + \lambda", "arccos(x) + λ"),
    (r"I_{n + 1} \mathbf{x}", "eye(n + 1) @ x"),  # a size where nothing fixes it
    (r"\mathbf{0}_{m \times n} + A", "zeros(m, n) + A"),
    (r"\mathbf{1}_{n}^\top \mathbf{x}", "ones(n, 1).T @ x"),
    (r"\begin{bmatrix} \frac{1}{2} q \\ r \end{bmatrix}^\top x", "[0.5 * q; r].T @ x"),  # a space in a cell is a product
    (r"\langle X, A \rangle", "sum(X ∘ A)"),  # of matrices: the Frobenius inner product
    (r"\mathbf{Ax} - \mathbf{b}", "A @ x - b"),  # a bold run is a product, as typeset
    (r"x^{\rm T} A x", "x.T @ A @ x"),
    (r"\textbf{x}^\top \mathbb{1}", "x.T @ ones(n, 1)"),
    (r"x^\top y % the inner product", "x.T @ y"),
    (r"\|x\|^2.", "norm(x)**2"),
    (r"$x^\top A x$, ", "x.T @ A @ x"),
    (r"\operatorname{sgn}(x) + \lambda", "sign(x) + λ"),
    (r"\sqrt x + \sqrt2 \lambda", "sqrt(x) + sqrt(2) * λ"),
    (r"\frac{N}{2} + \frac{x^\top x}{N}", "N / 2 + (x.T @ x) / N"),  # N only scales: a scalar
    (r"\frac{y}{p}", "y ∘ p**-1"),  # a name over a name: entry by entry
    (r"x'(A + A^\top) x", "x.T @ (A + A.T) @ x"),  # a prime on a name that is not a function: a transpose
    (r"\sum_i (x_i y_i)", "sum(x ∘ y)"),
]


def same_function(latex: str, plain: str, notation: str = "auto") -> bool:
    """The LaTeX, read with the plain spelling's names and shapes pinned, has the same values at a random point."""
    reference = mc.parse(plain)
    names = list(symbols(reference))
    where = "; ".join(f"{s.name}: {describe(s.shape)}" for s in names) or None
    try:
        read = mc.parse(latex, where=where, notation=notation)
    except mc.DeclarationError:  # a compound size (m + 1) cannot be declared: the printed forms must agree
        return str(mc.parse(latex, notation=notation)) == str(reference)
    if str(read) == str(reference):
        return True
    if read.shape != reference.shape or {s.name for s in symbols(read)} != {s.name for s in names}:
        return False
    dims = dim_names_of([reference, read])
    sizes = {d: 2 + k for k, d in enumerate(dims)}
    point = sample_point([reference, read], sizes, np.random.default_rng(1))
    return np.allclose(evaluate(reference, point, sizes), evaluate(read, point, sizes), rtol=1e-10)


@pytest.mark.parametrize("latex, plain", SAME, ids=[s for s, _ in SAME])
def test_latex_reads_as_its_plain_spelling(latex, plain):
    assert same_function(latex, plain)


@pytest.mark.parametrize("latex, plain", SAME[:20], ids=[s for s, _ in SAME[:20]])
def test_the_latex_notation_can_be_asked_for(latex, plain):
    assert same_function(latex, plain, notation="latex")


def test_a_run_of_letters_is_a_product_of_one_letter_names_unless_it_is_a_word():
    assert str(mc.parse(r"\frac12 \|Xw - y\|^2")) == "0.5 * norm(X @ w - y)**2"
    assert str(mc.parse(r"\theta^\top AXB \theta")) == "θ.T @ A @ X @ B @ θ"
    assert str(mc.parse(r"\operatorname{tr}(AXB)")) == "trace(A @ X @ B)"
    assert str(mc.parse(r"theta^\top \mathbf{x}")) == "theta.T @ x"  # a Greek letter written out stays one name
    assert str(mc.parse(r"tr(A X) + \lambda")) == "trace(A @ X) + λ"  # a function name stays a function
    assert str(mc.parse(r"xy^\top A")) == "x @ y.T @ A"  # the postfix applies to the last letter
    assert str(mc.parse(r"Sb^\top x \,", where="Sb: matrix")) == "Sb.T @ x"  # a declared name stays one name


@pytest.mark.parametrize("text, message, at", [
    (r"softplus(x) + \lambda", None, None),  # a known function: read
    (r"relux(x) + \lambda", "run of letters", 0),
    (r"\hat{y}^\top x", r"\hat is not supported", 0),
    (r"\int x \, dx", r"\int is not supported", 0),
    (r"f(x) = x^\top x", "an equation", 5),
    (r"x^23 + \lambda", "x^2 times 3", 0),
    (r"\sum_i (y_i - w^\top x_i)^2", "is not an entry-wise expression", 14),
    (r"\ln x^\top x", r"write \ln(x^\top x)", 0),
    (r"\sum_i A_{ij} x_j", "another index", None),
    (r"\sum x_i", r"\sum is read only over an index", 0),
    (r"\frac{1}{", "end of input", None),
    (r"\left( x^\top x", "end of input", None),
    (r"\|x\|_\infty", r"\infty", None),
    (r"\|x\|_3", "norm _{3} is not supported", None),
    (r"x_{i+1}^\top x", "subscript", None),
    (r"x & y \mathbf{1}", "bmatrix", 2),
    (r"\lim x", r"\lim is not supported", 0),
    (r"\operatorname{foo}(x)", "unknown function 'foo'", 0),
    (r"\operatorname{foo} x", "unknown function 'foo'", 0),
    (r"\|\mathbf{a} \times \mathbf{b}\|^2", "cross product is not supported", None),
    (r"\mathbb{E}[\mathbf{x}^\top A \mathbf{x}]", r"\mathbb is not supported", 0),
    (r"\begin{bmatrix} x \\ 1 \end{pmatrix}", "closed by", None),
    (r"\sin^{-1}(x)", "inverse function or a power", 0),
    (r"\sum_i x_i \sum_j y_j", "not an entry-wise expression", None),
    # entries outside their sum: the sum takes the product after it (up to \cdot), one entry beside the sum over all
    (r"\sum_i x_i \cdot y_i", "y_i is outside the \\sum", 17),
    (r"\sum_i w_i \cdot x_i + b", "x_i is outside", None),
    (r"\log\sum_j e^{a_j} - a_k", "a_k is outside", None),
    (r"\sum_{i=1}^n i x_i", "the index i itself", None),
    (r"\sum_{i=0}^{n-1} x_i", "range of this \\sum", 0),
    (r"\sum_i \sum_i x_i", "summed twice", None),
    (r"\boldsymbol\delta \odot \sigma'(\mathbf{z})", "the derivative of a function is not read", 24),
    (r"f'(x) + \lambda", "the derivative of a function", 0),
    (r"\log_2(x^\top x)", "a subscript on a function", 0),
    (r"\min_w \|Xw - y\|^2", "a subscript on a function", 0),
    (r"\max_i x_i", "a subscript on a function", 0),
    (r"\mathbf{W}^{(1)}\mathbf{x}", "layer or sample index", None),
    (r"\mathbf{w}^\top\phi(\mathbf{x})", "φ as a function", None),
    (r"\|x\|^2 \text{ s.t. } Ax = b", "read only around a function name", None),
])
def test_unsupported_latex_is_refused_at_its_position(text, message, at):
    if message is None:
        mc.parse(text)
        return
    with pytest.raises(MatcalcError) as info:
        mc.parse(text)
    assert message in str(info.value)
    if at is not None:
        assert isinstance(info.value, ParseError) and info.value.pos == at


@pytest.mark.parametrize("text, latex", [
    (r"\frac{1}{2} x", True), (r"\theta^\top x", True), (r"\|x\|", True), (r"x^\top\,x", True), (r"$x$", True),
    (r"\hat{y}", True), ("A \\ b", False), ("A\\b", False), ("x.T @ A @ x", False), ("x^T A x", False),
    ("||x||^2", False), ("$", False),
])
def test_latex_is_recognised_by_its_commands(text, latex):
    assert looks_like_latex(text) is latex


def test_a_text_with_braces_only_latex_reads_is_latex():
    assert str(mc.parse("K_{m,n}")) == "commutation(m, n)"
    with pytest.raises(ParseError, match="expected '}'"):  # neither reads it: the plain grammar's error
        mc.parse("x^{T A x")


def test_matlab_left_division_is_not_latex():
    assert str(mc.parse("A \\ b", where="A: matrix(n, n)")) == "inv(A) @ b"


def test_preparation_keeps_positions():
    for text in [r"$\left( x \right)$", r"\|x\|_2 \, \quad", r"\lVert x \rVert"]:
        assert len(prepare_latex(text)) == len(text)


def test_latex_names_match_the_question_names_that_print_the_same():
    d = mc.derive(r"\|y - \Phi\theta\|^2", "theta")
    assert d.wrt.name == "theta"
    assert str(d) == "-2 * Φ.T @ (y - Φ @ theta)"
    assert mc.derive(r"\theta^\top \theta", r"\theta").wrt.name == "θ"
    assert mc.derive(r"\tanh(W_{1} x)", "W1").wrt.name == "W1"
    assert mc.derive(r"\mathbf{w}^\top \mathbf{w}", r"\mathbf{w}").wrt.name == "w"


def test_numpy_inner_and_vdot_of_matrices():
    """np.vdot flattens (the Frobenius inner product), np.inner sums over the last axes: A Bᵀ."""
    assert str(mc.parse("np.vdot(X, A)")) == "sum(multiply(X, A))"
    assert str(mc.parse("np.inner(X, A)")) == "X @ A.T"
    assert str(mc.parse("np.vdot(x, y)")) == str(mc.parse("np.inner(x, y)")) == "x.T @ y"


def test_a_transpose_after_a_run_applies_to_its_last_letter():
    """``A^TB^T`` is Aᵀ Bᵀ, not (Aᵀ B)ᵀ: tr(AᵀXBᵀ) by X is A B."""
    assert str(mc.parse("A^TB^T")) == "A.T @ B.T"
    assert str(mc.derive("tr(A^TXB^T)", "X")) == "A @ B"
    assert str(mc.derive("x^TA^TAx", "x")) == "2 * A.T @ A @ x"


def test_an_expression_starting_with_a_minus_is_not_an_option(capsys):
    from matcalc.cli import main

    assert main(["derive", r"-\frac{1}{2}(x-\mu)^\top\Sigma^{-1}(x-\mu)", "wrt", r"\mu", "--where", r"\Sigma: spd"]) == 0
    assert capsys.readouterr().out.startswith("inv(Σ) @ (x - μ)")
    assert main(["check", "x^T x", "wrt", "x", "--answer", "-2 x"]) == 3  # wrong, and said so
    assert "wrong sign" in capsys.readouterr().out


def test_a_declared_sigma_is_a_name_not_the_sigmoid():
    assert str(mc.parse(r"\sigma(\boldsymbol\epsilon - \mathbf{x})", where="sigma: scalar")) == "sigma * (ε - x)"
    assert str(mc.parse(r"\sigma(\boldsymbol\epsilon - \mathbf{x})")) == "sigmoid(ε - x)"


def test_declarations_may_name_latex_variables():
    d = mc.derive(r"\mathbf{x}^\top \Sigma^{-1} \mathbf{x}", "x", where=r"\Sigma: spd")
    assert str(d) == "2 * inv(Σ) @ x"


def test_question_and_answer_in_different_notations():
    question = r"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|_2^2"
    assert mc.check_answer(question, "w", r"X^\top (X\mathbf{w} - \mathbf{y})").correct
    assert mc.check_answer(question, "w", "X.T @ (X @ w - y)").correct
    assert not mc.check_answer(question, "w", r"X (X\mathbf{w} - \mathbf{y})").correct
    assert mc.check_answer("||y - Phi theta||^2", "theta", r"-2\Phi^\top(y - \Phi\theta)").correct
    assert not mc.check_answer("||y - Phi theta||^2", "theta", r"2\Phi^\top(y - \Phi\theta)").correct


def test_the_command_line_reads_latex(capsys):
    from matcalc.cli import main

    code = main(["check", r"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|_2^2", "wrt", "w",
                 "--answer", r"X^\top (X\mathbf{w} - \mathbf{y})"])
    assert code == 0 and capsys.readouterr().out.startswith("correct")
    code = main(["derive", r"x^\top A x", "wrt", "x", "--notation", "latex"])
    assert code == 0 and capsys.readouterr().out.startswith("(A + A.T) @ x")


def test_a_class_file_of_latex_answers_is_graded(tmp_path, capsys):
    from matcalc.cli import main

    rows = [
        "id,expression,wrt,answer,where",
        r'ana,"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|_2^2",w,"X^\top (X\mathbf{w} - \mathbf{y})",',
        r'ben,"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|_2^2",w,"X (X\mathbf{w} - \mathbf{y})",',
        r"cleo,\log\det\Sigma,\Sigma,\Sigma^{-1},\Sigma: spd",
        r'dan,x^T A x,x,"$(A + A^\top)\mathbf{x}$",',
    ]
    path = tmp_path / "class.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    main(["grade", str(path), "--format", "markdown"])
    report = capsys.readouterr().out
    assert r"| ana | yes | correct | `X^\top (X\mathbf{w} - \mathbf{y})` |" in report
    assert "| ben | no |" in report and "| cleo | yes |" in report and "| dan | yes |" in report


def test_the_syntax_page_latex_table_is_what_matcalc_reads():
    """Every row of the LaTeX table in docs/syntax.md: the text reads as the expression, shape and note shown."""
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "docs" / "syntax.md").read_text(encoding="utf-8")
    section = page[page.index("### LaTeX"):page.index("## Choosing the notation")]
    rows = re.findall(r"^\| `(.+?)` \| `(.+?)` \| (.+?) \| (.+?) \|$", section, flags=re.M)
    assert len(rows) >= 40
    for text, shown, shape, note in rows:
        reading = mc.parser.read(text)
        assert str(reading.expr) == shown, text
        assert describe(reading.expr.shape) == shape, text
        assert ("; ".join(reading.notes) or "—") == note.strip("`"), text
