r"""A LaTeX corpus: lecture formulas, textbook answers, and LaTeX that must be refused.

The texts are written as a student types them in Overleaf or a Jupyter Markdown cell, or pastes them
from lecture notes: ``\mathbf{x}`` or a plain ``x``, ``^\top``, ``^T`` or ``^{\intercal}``,
``\frac{1}{2}`` or ``\tfrac12``, ``\left\| … \right\|_2^2``, ``\operatorname{tr}``, ``\log\det``,
sometimes between ``$…$``, sometimes with ``\,`` spaces. test_latex_corpus.py judges them with numbers.

Five tables:

- ``FORMULAS``: the lemmas and worked examples of a course's lecture notes on matrix calculus (the
  Matrix Cookbook's first- and second-order identities, the vector-calculus examples of Deisenroth,
  Faisal & Ong, "Mathematics for Machine Learning" (MML, 2020) ch. 5, and the element-wise, chain-rule
  and neuron examples of Parr & Howard, "The Matrix Calculus You Need For Deep Learning" (2018)). Each
  holds the function in LaTeX, the variable, and a reference in matcalc's NumPy notation; the LaTeX
  derivative must equal the reference's derivative at random points of distinct sizes. A formula with
  a ``point`` is also checked against the numbers the notes print at that point.
- ``VALUES``: LaTeX expressions evaluated at the numbers of a worked example (a forward pass).
- ``ANSWERS``: the classic problems with their textbook answers (the forms a textbook prints), in
  LaTeX, judged by ``mc.check_answer``; right answers must be judged correct, and deliberately wrong
  ones (a missing transpose, a missing factor 2, a wrong sign, the slips the notes themselves make)
  must be judged wrong, with the diagnosis when it is certain. Some mix notations: a NumPy question
  with a LaTeX answer and the reverse.
- ``HESSIANS``: textbook Hessians in LaTeX, compared with ``mc.hessian`` of the LaTeX question.
- ``REFUSALS``: LaTeX that matcalc must refuse with a ``MatcalcError`` naming the problem (a sum over
  the rows of a matrix, an integral, a limit, an unbalanced ``\left(``, ``x^23``, …).

Conventions: ``vars`` maps each name, as the reference writes it, to a spec
``"<kind> <dims...> [property ...]"`` as in spelling_corpus.py (kinds scalar, vector, matrix; dims
size letters n, m, p, k, a number, or ``p+1``; properties symmetric, spd, invertible, positive,
probability, pm1). A LaTeX text may write a name differently (``\theta`` for ``theta``, ``W_1`` for
``W1``, ``\mathbf{b}_1`` for ``b1``); the test gives each value under every such spelling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --------------------------------------------------------------------------------------------------
# Lecture formulas: LaTeX, the variable, and the reference in NumPy notation


@dataclass(frozen=True)
class Formula:
    id: str
    source: str
    vars: dict[str, str]
    latex: str
    wrt: str  # as the user passes it with the LaTeX text
    reference: str  # NumPy notation
    ref_wrt: str | None = None  # None: the same as wrt
    where: str | None = None  # declarations for the LaTeX text
    ref_where: str | None = None  # None: the same as where
    layout: str = "mixed"
    vec: str = "col"
    hessian: bool = False
    notation: str = "auto"  # how the LaTeX text is passed ("latex" for a text with no backslash)
    point: dict | None = None  # fixed values (by reference name) instead of random ones
    expected: object = None  # the derivative the notes print at `point` (4 decimals)


def F(id, source, vars, latex, wrt, reference, **kw) -> Formula:
    return Formula(id, source, vars, latex, wrt, reference, **kw)


COOKBOOK = "Matrix Cookbook (Petersen & Pedersen, 2012)"
PARR_HOWARD = 'Parr & Howard, "The Matrix Calculus You Need For Deep Learning" (2018)'
MML = "Deisenroth, Faisal & Ong, Mathematics for Machine Learning (2020)"

FORMULAS: list[Formula] = [
    # --- lemmas: first- and second-order identities, numerator layout in the notes -----------------
    F("lemma-Ax", f"lecture-note lemma 1: y = Ax, ∂y/∂x = A ({COOKBOOK} §2.4.1)",
      {"A": "matrix n m", "x": "vector m"}, r"A\mathbf{x}", "x", "A @ x"),
    F("lemma-chain-ABz", f"lecture-note lemma 2: y = Ax with x = Bz, ∂y/∂z = A ∂x/∂z ({COOKBOOK} §2.4.1)",
      {"A": "matrix n m", "B": "matrix m p", "z": "vector p"}, r"AB\mathbf{z}", "z", "A @ B @ z"),
    F("lemma-yAx-x", f"lecture-note lemma 3: ∂(yᵀAx)/∂x = yᵀA ({COOKBOOK} §2.4.1)",
      {"y": "vector n", "A": "matrix n m", "x": "vector m"}, r"\mathbf{y}^\top A\mathbf{x}", "x", "y.T @ A @ x"),
    F("lemma-yAx-y", f"lecture-note lemma 3: ∂(yᵀAx)/∂y = xᵀAᵀ ({COOKBOOK} §2.4.1)",
      {"y": "vector n", "A": "matrix n m", "x": "vector m"}, r"$y^T A x$", "y", "y.T @ A @ x"),
    F("lemma-yAx-numerator", f"lecture-note lemma 3 in the notes' numerator layout ({COOKBOOK} §2.4.1)",
      {"y": "vector n", "A": "matrix n m", "x": "vector m"}, r"$\mathbf{y}^{\mathsf T} A \mathbf{x}$", "x", "y.T @ A @ x",
      layout="numerator"),
    F("lemma-xAx", f"lecture-note lemma 4: ∂(xᵀAx)/∂x = xᵀ(A + Aᵀ) ({COOKBOOK} §2.4.2, eq. (81))",
      {"x": "vector n", "A": "matrix n n"}, r"\mathbf{x}^\top A\mathbf{x}", "x", "x.T @ A @ x"),
    F("lemma-xAx-sym", f"lecture-note lemma 4 with A symmetric: 2Ax ({COOKBOOK} §2.4.2, eq. (81))",
      {"x": "vector n", "A": "matrix n n symmetric"}, r"\mathbf{x}^{\top} A \mathbf{x}", "x", "x.T @ A @ x",
      where="A: symmetric"),
    F("lemma-xAx-run", f"lecture-note lemma 4 typed without spaces (x^TAx is x^T A x in LaTeX) ({COOKBOOK} eq. (81))",
      {"x": "vector n", "A": "matrix n n"}, r"x^TAx", "x", "x.T @ A @ x", notation="latex"),
    F("lemma-product-rule", f"lecture-note lemma 5: c = yᵀx, both functions of z (the product rule; {COOKBOOK} §2.4.1)",
      {"B": "matrix n p", "C": "matrix n p", "z": "vector p"}, r"(B\mathbf{z})^\top (C\mathbf{z})", "z", "(B @ z).T @ (C @ z)"),
    F("lemma-xtx-chain", f"lecture-note lemma 6: c = xᵀx with x = x(z), ∂c/∂z = 2xᵀ ∂x/∂z ({COOKBOOK} §2.4.2)",
      {"B": "matrix n p", "z": "vector p"}, r"(B\mathbf{z})^\top B\mathbf{z}", "z", "(B @ z).T @ (B @ z)"),
    F("lemma-yAx-chain", f"lecture-note lemma 7: c = yᵀAx, both functions of z ({COOKBOOK} §2.4.2)",
      {"B": "matrix n p", "A": "matrix n m", "C": "matrix m p", "z": "vector p"},
      r"\left(B\mathbf{z}\right)^\top A \left(C\mathbf{z}\right)", "z", "(B @ z).T @ A @ (C @ z)"),
    # --- element-wise operators, scalar expansion, sum reduction ----------------------------------
    F("ew-add", f"lecture-note rule: ∂(w + x)/∂w = I ({PARR_HOWARD}, element-wise binary operators)",
      {"w": "vector n", "x": "vector n"}, r"\mathbf{w} + \mathbf{x}", "w", "w + x"),
    F("ew-sub", f"lecture-note rule: ∂(w − x)/∂x = −I ({PARR_HOWARD}, element-wise binary operators)",
      {"w": "vector n", "x": "vector n"}, r"\mathbf{w} - \mathbf{x}", "x", "w - x"),
    # Parr & Howard (and the notes) write the Hadamard product ⊗; in LaTeX \otimes is the Kronecker product,
    # so the corpus writes \odot and \circ as a student typing LaTeX does
    F("ew-hadamard-odot", f"lecture-note rule: ∂(w ∘ x)/∂w = diag(x) ({PARR_HOWARD}, element-wise binary operators)",
      {"w": "vector n", "x": "vector n"}, r"\mathbf{w} \odot \mathbf{x}", "w", "np.multiply(w, x)"),
    F("ew-hadamard-circ", f"lecture-note rule: ∂(w ∘ x)/∂x = diag(w) ({PARR_HOWARD})",
      {"w": "vector n", "x": "vector n"}, r"w \circ x", "x", "np.multiply(w, x)"),
    F("ew-divide-oslash", f"lecture-note rule: ∂(w ⊘ x)/∂w = diag(1 ⊘ x) ({PARR_HOWARD}, element-wise binary operators)",
      {"w": "vector n", "x": "vector n positive"}, r"\mathbf{w} \oslash \mathbf{x}", "w", "w / x"),
    F("ew-divide-frac", f"lecture-note rule: ∂(w ⊘ x)/∂x = diag(−w ⊘ x²) ({PARR_HOWARD})",
      {"w": "vector n", "x": "vector n positive"}, r"\frac{\mathbf{w}}{\mathbf{x}}", "x", "w / x"),
    F("scalar-expansion",
      f"lecture-note rule: ∂(x + z)/∂z = 1 for a scalar z ({PARR_HOWARD}, derivatives involving scalar expansion)",
      {"x": "vector n", "z": "scalar"}, r"\mathbf{x} + z", "z", "x + z", where="z: scalar"),
    F("sum-reduction", f"lecture-note rule: ∂sum(x)/∂x = 1ᵀ ({PARR_HOWARD}, vector sum reduction)",
      {"x": "vector n"}, r"\sum_i x_i", "x", "sum(x)"),
    F("sum-reduction-text", f"lecture-note rule as the notes write it, \\text{{sum}}(x) ({PARR_HOWARD}, vector sum reduction)",
      {"x": "vector n"}, r"\text{sum}(\mathbf{x})", "x", "sum(x)"),
    F("sum-reduction-hadamard", f"lecture-note rule: sum(w ∘ x) = w · x, by w ({PARR_HOWARD}, vector sum reduction)",
      {"w": "vector n", "x": "vector n"}, r"\sum_{i=1}^{n} w_i x_i", "w", "np.sum(np.multiply(w, x))"),
    F("neuron-w", f"lecture-note rule: ∂(w · x + b)/∂w = xᵀ ({PARR_HOWARD}, the gradient of neuron activation)",
      {"w": "vector n", "x": "vector n", "b": "scalar"}, r"\mathbf{w} \cdot \mathbf{x} + b", "w", "w.T @ x + b",
      where="b: scalar"),
    F("neuron-b", f"lecture-note rule: ∂(w · x + b)/∂b = 1 ({PARR_HOWARD}, the gradient of neuron activation)",
      {"w": "vector n", "x": "vector n", "b": "scalar"}, r"\mathbf{w} \cdot \mathbf{x} + b", "b", "w.T @ x + b",
      where="b: scalar"),
    F("relu", f"lecture-note rule: ∂max(0, x)/∂x = diag(step(x)) ({PARR_HOWARD}; Goodfellow et al., Deep Learning §6.3.1)",
      {"x": "vector n"}, r"\max(0, \mathbf{x})", "x", "relu(x)"),
    F("leaky-relu", "lecture-note rule: LeakyReLU max(0.01x, x), derivative 1 for x > 0, 0.01 otherwise (Maas et al., 2013)",
      {"x": "vector n"}, r"\max(0.01\mathbf{x}, \mathbf{x})", "x", "maximum(0.01 * x, x)"),
    F("sigmoid", "lecture-note rule: σ' = σ(1 − σ) (Goodfellow et al., Deep Learning eq. (3.30))",
      {"x": "vector n"}, r"\sigma(\mathbf{x})", "x", "sigmoid(x)"),
    F("sigmoid-frac", "lecture-note rule: σ(x) = 1/(1 + e^{−x}) written out (Goodfellow et al., Deep Learning eq. (3.30))",
      {"x": "vector n"}, r"\frac{1}{1+e^{-\mathbf{x}}}", "x", "1 / (1 + exp(-x))"),
    F("tanh", "lecture-note rule: tanh' = 1 − tanh² (Goodfellow et al., Deep Learning §6.3.2)",
      {"x": "vector n"}, r"\tanh(\mathbf{x})", "x", "tanh(x)"),
    F("chain-elementwise", f"lecture-note rule: gᵀ diag(f'(x)) = (g ∘ f'(x))ᵀ ({PARR_HOWARD}, the chain rules)",
      {"g": "vector n", "x": "vector n"}, r"\mathbf{g}^\top \tanh(\mathbf{x})", "x", "g.T @ tanh(x)"),
    # --- worked examples ---------------------------------------------------------------------------
    F("affine", f"lecture-note worked example: ∇ₓ(Ax + b) = A ({MML} §5.3)",
      {"A": "matrix n m", "x": "vector m", "b": "vector n"}, r"A\mathbf{x} + \mathbf{b}", "x", "A @ x + b"),
    F("least-squares", f"lecture-note worked example: L(θ) = ‖y − Φθ‖², ∂L/∂θ = −2(y − Φθ)ᵀΦ ({MML} §5.3, Example 5.11)",
      {"y": "vector n", "Phi": "matrix n m", "theta": "vector m"},
      r"\|\mathbf{y} - \boldsymbol{\Phi}\boldsymbol{\theta}\|^2", "theta", "norm(y - Phi @ theta)**2"),
    F("least-squares-numerator", f"lecture-note worked example, the notes' row result −2(y − Φθ)ᵀΦ ({MML} Example 5.11)",
      {"y": "vector n", "Phi": "matrix n m", "theta": "vector m"},
      r"\left\| y - \Phi\theta \right\|^2", "theta", "norm(y - Phi @ theta)**2", layout="numerator"),
    F("least-squares-unicode-wrt",
      f"lecture-note worked example, differentiated by θ as the LaTeX prints it ({MML} Example 5.11)",
      {"y": "vector n", "Phi": "matrix n m", "theta": "vector m"},
      r"$\|y - \Phi\theta\|_2^2$", "θ", "norm(y - Phi @ theta)**2", ref_wrt="theta"),
    F("least-squares-latex-wrt",
      f"lecture-note worked example, the variable passed as LaTeX, \\boldsymbol{{\\theta}} ({MML} Example 5.11)",
      {"y": "vector n", "Phi": "matrix n m", "theta": "vector m"},
      r"\|\mathbf{y} - \boldsymbol{\Phi}\boldsymbol{\theta}\|^2", r"\boldsymbol{\theta}", "norm(y - Phi @ theta)**2",
      ref_wrt="theta"),
    F("least-squares-latex-wrt-plain", f"lecture-note worked example, the variable passed as \\theta ({MML} Example 5.11)",
      {"y": "vector n", "Phi": "matrix n m", "theta": "vector m"},
      r"\left\| y - \Phi\theta \right\|_2^2", r"\theta", "norm(y - Phi @ theta)**2", ref_wrt="theta"),
    F("least-squares-underline", f"lecture-note worked example as the notes typeset it, underlined Φ and θ ({MML} Example 5.11)",
      {"y": "vector n", "Phi": "matrix n m", "theta": "vector m"},
      r"\|\mathbf{y} - \underline{\Phi}\,\underline{\theta}\|^2", "theta", "norm(y - Phi @ theta)**2"),
    F("vector-by-matrix", f"lecture-note worked example: ∂(Ax)/∂A, a tensor; vec-Jacobian xᵀ ⊗ I ({MML} §5.4, Example 5.12)",
      {"A": "matrix n m", "x": "vector m"}, r"A\mathbf{x}", "A", "A @ x"),
    F("vector-by-matrix-row", f"lecture-note worked example: ∂(Ax)/∂A with A flattened row by row, I ⊗ xᵀ ({MML} Example 5.12)",
      {"A": "matrix n m", "x": "vector m"}, r"A\mathbf{x}", "A", "A @ x", vec="row"),
    F("matrix-by-matrix", f"lecture-note worked example: ∂(AᵀA)/∂A, ∂Kpq/∂Aij = δjp Aiq + δjq Aip ({MML} Example 5.13)",
      {"A": "matrix n m"}, r"A^\top A", "A", "A.T @ A"),
    F("matrix-by-matrix-row", f"lecture-note worked example: ∂(AᵀA)/∂A, both flattened row by row ({MML} Example 5.13)",
      {"A": "matrix n m"}, r"\mathbf{A}^{T}\mathbf{A}", "A", "A.T @ A", vec="row"),
    F("hessian-xAx", f"lecture-note worked example: the Hessian of xᵀAx is A + Aᵀ ({COOKBOOK} §2.4.2; {MML} §5.7)",
      {"x": "vector n", "A": "matrix n n"}, r"\mathbf{x}^\top A\mathbf{x}", "x", "x.T @ A @ x", hessian=True),
    F("chain-ln-sin", f"lecture-note worked example: d/dx ln(sin(x³)²) = 6x² cos(x³)/sin(x³) ({PARR_HOWARD}, the chain rules)",
      {"x": "scalar"}, r"\ln(\sin(x^3)^2)", "x", "log(sin(x**3)**2)", where="x: scalar"),
    F("chain-ln-sin-squared", f"the same with sin² written as LaTeX writes it, \\sin^2(x^3) ({PARR_HOWARD}, the chain rules)",
      {"x": "scalar"}, r"\ln\left(\sin^2(x^3)\right)", "x", "log(sin(x**3)**2)", where="x: scalar"),
    F("chain-sin-x2", f"lecture-note worked example: d/dx sin(x²) = 2x cos(x²) ({PARR_HOWARD}, single-variable chain rule)",
      {"x": "scalar"}, r"\sin(x^2)", "x", "sin(x**2)", where="x: scalar"),
    F("chain-sin-x-x2", f"lecture-note worked example: d/dx sin(x + x²) = (1 + 2x) cos(x + x²) ({PARR_HOWARD}, total derivative)",
      {"x": "scalar"}, r"\sin\left(x + x^{2}\right)", "x", "sin(x + x**2)", where="x: scalar"),
    F("total-x-x2",
      f"lecture-note worked example: d/dx (x · x²) = 3x² ({PARR_HOWARD}, single-variable total-derivative chain rule)",
      {"x": "scalar"}, r"x \cdot x^2", "x", "x * x**2", where="x: scalar"),
    F("total-u-u2",
      f"lecture-note worked example: d/du (u + u²) = 1 + 2u ({PARR_HOWARD}, single-variable total-derivative chain rule)",
      {"u": "scalar"}, r"u + u^2", "u", "u + u**2", where="u: scalar", notation="latex"),
    F("gradient-2x-y2", "lecture-note worked example: g = 2x + y², ∂g/∂y = 2y (the notes' 8y² is a slip)",
      {"x": "scalar", "y": "scalar"}, r"2x + y^2", "y", "2*x + y**2", where="x, y: scalar", notation="latex"),
    F("gradient-3x2y-x", "lecture-note worked example: f = 3x²y, ∂f/∂x = 6xy",
      {"x": "scalar", "y": "scalar"}, r"3x^2y", "x", "3 * x**2 * y", where="x, y: scalar", notation="latex"),
    F("gradient-3x2y-y", "lecture-note worked example: f = 3x²y, ∂f/∂y = 3x²",
      {"x": "scalar", "y": "scalar"}, r"$3x^2 y$", "y", "3 * x**2 * y", where="x, y: scalar"),
    F("vector-chain",
      f"lecture-note worked example: y = [ln(x²), sin(3x)], ∂y/∂x = [2/x, 3cos(3x)] ({PARR_HOWARD}, vector chain rule)",
      {"x": "scalar"}, r"\begin{bmatrix} \ln(x^2) \\ \sin(3x) \end{bmatrix}", "x", "[log(x**2); sin(3*x)]", where="x: scalar"),
    F("rbf-c",
      "lecture-note worked example: RBF regression J = Σᵢ (yᵢ − exp(−(xᵢ − c)²/b))², ∂J/∂c (PRML §6.3, radial basis functions)",
      {"y": "vector n", "x": "vector n", "c": "scalar", "b": "scalar"},
      r"\sum_i \left(y_i - \exp\left(-\frac{(x_i - c)^2}{b}\right)\right)^2", "c",
      "sum((y - exp(-(x - c)**2 / b))**2)", where="c, b: scalar"),
    F("rbf-b", "lecture-note worked example: RBF regression, ∂J/∂b (PRML §6.3)",
      {"y": "vector n", "x": "vector n", "c": "scalar", "b": "scalar"},
      r"\sum_{i=1}^{N} \left( y_i - e^{-(x_i - c)^2 / b} \right)^2", "b",
      "sum((y - exp(-(x - c)**2 / b))**2)", where="c, b: scalar"),
    F("rbf-weighted-w", "lecture-note worked example: J = Σᵢ (yᵢ − w φᵢ − w₀)², ∂J/∂w = −2 Σ eᵢ φᵢ (PRML §6.3)",
      {"y": "vector n", "x": "vector n", "c": "scalar", "b": "scalar", "w": "scalar", "w0": "scalar"},
      r"\sum_i \left(y_i - w\,e^{-(x_i - c)^2/b} - w_0\right)^2", "w",
      "sum((y - w * exp(-(x - c)**2 / b) - w0)**2)", where="w, w_0, c, b: scalar", ref_where="w, w0, c, b: scalar"),
    F("rbf-weighted-w0", "lecture-note worked example: ∂J/∂w₀ = −2 Σ eᵢ (PRML §6.3)",
      {"y": "vector n", "x": "vector n", "c": "scalar", "b": "scalar", "w": "scalar", "w0": "scalar"},
      r"\sum_i \left(y_i - w\,e^{-(x_i - c)^2/b} - w_0\right)^2", "w_0",
      "sum((y - w * exp(-(x - c)**2 / b) - w0)**2)", ref_wrt="w0", where="w, w_0, c, b: scalar",
      ref_where="w, w0, c, b: scalar"),
    F("rbf-weighted-c", "lecture-note worked example: ∂J/∂c = −4 Σ eᵢ w φᵢ (xᵢ − c)/b (PRML §6.3)",
      {"y": "vector n", "x": "vector n", "c": "scalar", "b": "scalar", "w": "scalar", "w0": "scalar"},
      r"\sum_i \left(y_i - w\,e^{-(x_i - c)^2/b} - w_0\right)^2", "c",
      "sum((y - w * exp(-(x - c)**2 / b) - w0)**2)", where="w, w_0, c, b: scalar", ref_where="w, w0, c, b: scalar"),
    F("two-layer-W1", "lecture-note worked example: J = ½‖y − [σ([x 1] W₁) 1] W₂‖², ∂J/∂W₁ = −[x 1]ᵀ(e W₂'ᵀ ∘ σ') "
      "(Goodfellow et al., Deep Learning §6.5.4, back-propagation)",
      {"y": "vector n", "x": "vector n", "W1": "matrix 2 p", "W2": "vector p+1"},
      r"\frac{1}{2}\left\|\mathbf{y} - \begin{bmatrix} \sigma\left("
      r"\begin{bmatrix} \mathbf{x} & \mathbf{1} \end{bmatrix} W_1\right)"
      r" & \mathbf{1} \end{bmatrix} W_2\right\|^2",
      "W_1", "0.5 * norm(y - [sigmoid([x, 1] @ W1), 1] @ W2)**2", ref_wrt="W1",
      where="W_2: vector", ref_where="W2: vector"),
    F("two-layer-W2", "lecture-note worked example: ∂J/∂W₂ = −[Z 1]ᵀe (Goodfellow et al., Deep Learning §6.5.4)",
      {"y": "vector n", "x": "vector n", "W1": "matrix 2 p", "W2": "vector p+1"},
      r"\tfrac12 \left\| y - \begin{bmatrix} \sigma(\begin{bmatrix} x & 1 \end{bmatrix} W_1) & 1 \end{bmatrix} W_2 \right\|_2^2",
      "W2", "0.5 * norm(y - [sigmoid([x, 1] @ W1), 1] @ W2)**2", where="W_2: vector", ref_where="W2: vector"),
    F("sigmoid-cross-entropy", "lecture-note worked example: L = −[y log σ(z) + (1 − y) log(1 − σ(z))], ∂L/∂z = σ(z) − y "
      "(Goodfellow et al., Deep Learning §6.2.2.2)",
      {"y": "scalar", "z": "scalar"}, r"-\left[y\log\sigma(z) + (1 - y)\log(1 - \sigma(z))\right]", "z",
      "-(y * log(sigmoid(z)) + (1 - y) * log(1 - sigmoid(z)))", where="y, z: scalar"),
    F("relu-mse-w",
      f"lecture-note worked example: C = (1/N)‖y − max(0, Xw + b1)‖², by w ({PARR_HOWARD}, the neural network loss)",
      {"X": "matrix n m", "y": "vector n", "w": "vector m", "b": "scalar", "N": "scalar"},
      r"\frac{1}{N}\left\|\mathbf{y} - \max(0, X\mathbf{w} + b\mathbf{1})\right\|^2", "w",
      "1/N * norm(y - maximum(0, X @ w + b))**2", where="N, b: scalar"),
    F("relu-mse-b", f"lecture-note worked example: C = (1/N)‖y − max(0, Xw + b1)‖², by b ({PARR_HOWARD})",
      {"X": "matrix n m", "y": "vector n", "w": "vector m", "b": "scalar", "N": "scalar"},
      r"\frac{1}{N}\left\|\mathbf{y} - \max(0, X\mathbf{w} + b\mathbf{1})\right\|^2", "b",
      "1/N * norm(y - maximum(0, X @ w + b))**2", where="N, b: scalar"),
    F("gauss-cov-where-unicode", "the Gaussian log-likelihood by Σ, Σ declared as the Unicode letter (PRML eq. (2.118))",
      {"Sigma": "matrix n n spd", "S": "matrix n n spd", "N": "scalar"},
      r"-\frac{N}{2}\log\det\Sigma - \frac{1}{2}\operatorname{tr}(\Sigma^{-1}S)", "Sigma",
      "-N/2 * logdet(Sigma) - 0.5 * trace(inv(Sigma) @ S)", where="Σ: spd; N: scalar", ref_where="Sigma: spd; N: scalar"),
    F("gauss-cov-wrt-unicode",
      "the Gaussian log-likelihood by Σ, differentiated by the Unicode letter, declared as Sigma (PRML eq. (2.118))",
      {"Sigma": "matrix n n spd", "S": "matrix n n spd", "N": "scalar"},
      r"-\frac{N}{2}\log\det\Sigma - \frac{1}{2}\operatorname{tr}(\Sigma^{-1}S)", "Σ",
      "-N/2 * logdet(Sigma) - 0.5 * trace(inv(Sigma) @ S)", ref_wrt="Sigma", where="Sigma: spd; N: scalar"),
    F("gauss-cov-where-latex", "the Gaussian log-likelihood by Σ, declared in LaTeX, \\Sigma: spd (PRML eq. (2.118))",
      {"Sigma": "matrix n n spd", "S": "matrix n n spd", "N": "scalar"},
      r"-\frac{N}{2}\log\det\Sigma - \frac{1}{2}\operatorname{tr}(\Sigma^{-1}S)", "Sigma",
      "-N/2 * logdet(Sigma) - 0.5 * trace(inv(Sigma) @ S)", where=r"\Sigma: spd; N: scalar", ref_where="Sigma: spd; N: scalar"),
    F("declared-scalar-before-parenthesis",
      "a declared scalar σ before a parenthesis is a product, σ(ε − x), not the sigmoid "
      "(Kingma & Welling, Auto-Encoding Variational Bayes (2014) §2.4: z = μ + σ ⊙ ε)",
      {"mu": "vector n", "sigma": "scalar", "epsilon": "vector n", "x": "vector n"},
      r"\left\|\boldsymbol{\mu} + \sigma(\boldsymbol{\epsilon} - \mathbf{x})\right\|^2", "mu",
      "norm(mu + sigma * (epsilon - x))**2", where="sigma: scalar"),
    F("relu-mse-w-implicit-N",
      f"lecture-note worked example: C = (1/N)‖y − max(0, Xw + b1)‖², N not declared ({PARR_HOWARD})",
      {"X": "matrix n m", "y": "vector n", "w": "vector m", "b": "scalar", "N": "scalar"},
      r"\frac{1}{N}\left\|\mathbf{y} - \max(0, X\mathbf{w} + b\mathbf{1})\right\|^2", "w",
      "1/N * norm(y - maximum(0, X @ w + b))**2", where="b: scalar", ref_where="N, b: scalar"),
    F("relu-mse-gradient-map",
      f"lecture-note worked example: the gradient (2/N)Xᵀe as a function of the residual e, N not declared "
      f"({PARR_HOWARD}, the neural network loss)",
      {"X": "matrix n m", "e": "vector n", "N": "scalar"}, r"\frac{2}{N} X^T \mathbf{e}", "e", "2 / N * X.T @ e",
      ref_where="N: scalar"),
    F("sample-cross-covariance", "the sample cross-covariance (1/N)Xᵀy of centred data, by y, N not declared (ESL §3.2)",
      {"X": "matrix n m", "y": "vector n", "N": "scalar"}, r"\frac{1}{N}X^\top\mathbf{y}", "y", "X.T @ y / N",
      ref_where="N: scalar"),
    F("layer-denominator",
      "lecture-note worked example, denominator layout: Z = WᵀA, ∂Z/∂A = W (Goodfellow et al., Deep Learning §6.5)",
      {"W": "matrix n m", "a": "vector n"}, r"W^\top\mathbf{a}", "a", "W.T @ a", layout="denominator"),
    F("layer-activation-denominator", "lecture-note worked example, denominator layout: ∂σ(z)/∂z = diag(σ'(z)) "
      "(Goodfellow et al., Deep Learning §6.5)",
      {"z": "vector n"}, r"\sigma(\mathbf{z})", "z", "sigmoid(z)", layout="denominator"),
    F("layer-weights", "lecture-note worked example: ∂L/∂W = A(∂L/∂Z)ᵀ for L = gᵀWᵀa (Goodfellow et al., Deep Learning §6.5)",
      {"g": "vector m", "W": "matrix n m", "a": "vector n"}, r"\mathbf{g}^\top W^\top \mathbf{a}", "W", "g.T @ W.T @ a"),
]

# The back-propagation example with numbers: one input x = 2, label y = 1, sigmoid units, binary
# cross-entropy; ŷ = σ(w₃ᵀ σ(W₂ σ(w₁x + b₁) + b₂) + b₃) (Goodfellow et al., Deep Learning §6.5.4; the
# numbers are the lecture notes'). The gradients are the ones the notes print, to 4 decimals.
_BACKPROP_VARS = {"x": "scalar", "y": "scalar", "w1": "vector 2", "b1": "vector 2", "W2": "matrix 3 2",
                  "b2": "vector 3", "w3": "vector 3", "b3": "scalar"}
_BACKPROP_POINT = {
    "x": 2.0, "y": 1.0, "w1": [0.1, 0.1], "b1": [0.1, 0.2], "W2": [[0.2, 0.1], [0.3, 0.2], [0.1, 0.3]],
    "b2": [0.3, 0.1, 0.2], "w3": [0.4, 0.2, 0.6], "b3": 0.5,
}
_YHAT = r"\sigma\left(\mathbf{w}_3^\top \sigma\left(W_2\,\sigma(\mathbf{w}_1 x + \mathbf{b}_1) + \mathbf{b}_2\right) + b_3\right)"
_BACKPROP_LATEX = rf"-\left[y \log {_YHAT} + (1 - y)\log\left(1 - {_YHAT}\right)\right]"
_YHAT_REF = "sigmoid(w3.T @ sigmoid(W2 @ sigmoid(w1 * x + b1) + b2) + b3)"
_BACKPROP_REF = f"-(y * log({_YHAT_REF}) + (1 - y) * log(1 - {_YHAT_REF}))"
_BACKPROP_WHERE = "x, y, b_3: scalar"

for _wrt, _expected in [
    ("w3", [-0.1394, -0.1349, -0.1374]),
    ("b3", -0.2261),
    ("W2", [[-0.0123, -0.0128], [-0.0063, -0.0065], [-0.0186, -0.0194]]),
    ("b2", [-0.0214, -0.0109, -0.0323]),
    ("w1", [-0.00527, -0.00674]),
    ("b1", [-0.00263, -0.00337]),
]:
    FORMULAS.append(F(
        f"backprop-numbers-{_wrt}",
        "lecture-note worked example: back-propagation with numbers, ∂L/∂" + _wrt
        + " (Goodfellow et al., Deep Learning §6.5.4; Nielsen, Neural Networks and Deep Learning ch. 2)",
        dict(_BACKPROP_VARS), _BACKPROP_LATEX, f"{_wrt[0]}_{_wrt[1]}", _BACKPROP_REF, ref_wrt=_wrt,
        where=_BACKPROP_WHERE, ref_where="x, y, b3: scalar", point=dict(_BACKPROP_POINT), expected=_expected,
    ))


# --------------------------------------------------------------------------------------------------
# Values at the numbers of a worked example


@dataclass(frozen=True)
class Value:
    id: str
    source: str
    latex: str
    point: dict  # by reference name; the test also gives each value under its LaTeX spellings
    expected: object  # to 4 decimals
    where: str | None = None


VALUES: list[Value] = [
    # the notes print [0.76, −0.76] after adding b wrongly; W a₀ = [0.9, 1.5], tanh(W a₀ + b) = [0.7616, 0.9414]
    Value("forward-tanh", "lecture-note worked example: forward pass a₁ = tanh(W a₀ + b) (Goodfellow et al., Deep Learning §6.5)",
          r"\tanh(W\mathbf{a}_0 + \mathbf{b})",
          {"W": [[-2.0, 4.0, -1.0], [6.0, 0.0, -3.0]], "a0": [0.3, 0.4, 0.1], "b": [0.1, 0.25]}, [0.7616, 0.9414]),
    Value("forward-linear", "lecture-note worked example: W a₀ = [0.9, 1.5]",
          r"W\mathbf{a}_0", {"W": [[-2.0, 4.0, -1.0], [6.0, 0.0, -3.0]], "a0": [0.3, 0.4, 0.1]}, [0.9, 1.5]),
    Value("backprop-forward-yhat", "lecture-note worked example: the forward pass of the back-propagation example, ŷ = 0.7739",
          _YHAT, dict(_BACKPROP_POINT), 0.7739, where=_BACKPROP_WHERE),
    Value("backprop-forward-loss", "lecture-note worked example: the loss of the back-propagation example, L = 0.2563",
          _BACKPROP_LATEX, dict(_BACKPROP_POINT), 0.2563, where=_BACKPROP_WHERE),
]


# --------------------------------------------------------------------------------------------------
# Textbook answers in LaTeX, judged by mc.check_answer


@dataclass(frozen=True)
class Answer:
    id: str
    source: str
    question: str
    wrt: str
    answer: str
    expect: str | tuple[str, ...] = "correct"  # a diagnosis, or any of several; "wrong-any": any but correct
    where: str | None = None
    layout: str | None = None
    notation: str = "auto"


def A(id, source, question, wrt, answer, expect="correct", **kw) -> Answer:
    return Answer(id, source, question, wrt, answer, expect, **kw)


_LSQ = r"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|_2^2"
_PHI = r"\|\mathbf{y} - \Phi\boldsymbol{\theta}\|^2"
_LOGREG = (r"-\mathbf{y}^\top\log\sigma(X\mathbf{w})"
           r" - (\mathbf{1} - \mathbf{y})^\top\log\left(\mathbf{1} - \sigma(X\mathbf{w})\right)")
_GAUSS = (r"\frac{1}{2}\log\det\Sigma + \frac{1}{2}(\mathbf{x} - \boldsymbol{\mu})^\top\Sigma^{-1}"
          r"(\mathbf{x} - \boldsymbol{\mu})")
_MF = r"\left\|X - UV^\top\right\|_F^2"

ANSWERS: list[Answer] = [
    # the acceptance example, exactly
    A("acceptance", "least squares: ∇ ½‖Xw − y‖² = Xᵀ(Xw − y) (Boyd & Vandenberghe §6.1; CS229 notes Part I)",
      _LSQ, "w", r"X^\top (X\mathbf{w} - \mathbf{y})"),
    A("acceptance-missing-transpose", "least squares, the transpose left out", _LSQ, "w", r"X (X\mathbf{w} - \mathbf{y})",
      "shape-mismatch"),
    A("acceptance-extra-2", "least squares, a factor 2 too many (the ½ forgotten)", _LSQ, "w",
      r"2X^\top (X\mathbf{w} - \mathbf{y})", "factor"),
    A("acceptance-sign",
      "least squares, the residual the wrong way round", _LSQ, "w", r"X^\top (\mathbf{y} - X\mathbf{w})", "sign"),
    A("acceptance-numerator", "least squares, the gradient as a row (numerator layout)", _LSQ, "w",
      r"(X\mathbf{w} - \mathbf{y})^\top X"),
    A("acceptance-dollars", "least squares, pasted with $…$ and \\tfrac", r"$\tfrac12 \left\| Xw - y \right\|^2$", "w",
      r"$X^{\mathsf T}(Xw - y)$"),
    # xᵀAx
    A("quad", f"{COOKBOOK} §2.4.2, eq. (81): ∂(xᵀAx)/∂x = (A + Aᵀ)x", r"\mathbf{x}^\top A\mathbf{x}", "x",
      r"(A + A^\top)\mathbf{x}"),
    A("quad-symmetric-slip", f"{COOKBOOK} eq. (81): 2Ax only for a symmetric A", r"\mathbf{x}^\top A\mathbf{x}", "x",
      r"2A\mathbf{x}", "symmetric-slip"),
    A("quad-sym", f"{COOKBOOK} eq. (81), A symmetric: 2Ax", r"x^\top A x", "x", r"2Ax", where="A: symmetric"),
    A("quad-sym-missing-2", f"{COOKBOOK} eq. (81), A symmetric, the factor 2 missing", r"x^\top A x", "x", r"A\mathbf{x}",
      "factor", where="A: symmetric"),
    # least squares in the notes' form
    A("phi-theta", f"{MML} Example 5.11: ∂‖y − Φθ‖²/∂θ = −2Φᵀ(y − Φθ)", _PHI, "theta",
      r"-2\Phi^\top(\mathbf{y} - \Phi\boldsymbol{\theta})"),
    A("phi-theta-row", f"{MML} Example 5.11, the row result −2(y − Φθ)ᵀΦ", _PHI, "theta",
      r"-2(\mathbf{y} - \Phi\boldsymbol{\theta})^\top\Phi"),
    A("phi-theta-missing-2", f"{MML} Example 5.11, the factor 2 missing", _PHI, "theta",
      r"-\Phi^\top(\mathbf{y} - \Phi\boldsymbol{\theta})", "factor"),
    A("phi-theta-sign", f"{MML} Example 5.11, the sign lost", _PHI, "theta", r"2\Phi^T(y - \Phi\theta)", "sign"),
    A("phi-theta-missing-transpose", f"{MML} Example 5.11, the transpose left out", _PHI, "theta",
      r"-2\Phi(\mathbf{y} - \Phi\boldsymbol{\theta})", "shape-mismatch"),
    # ridge
    A("ridge", "ESL eq. (3.44) / PRML eq. (3.27): ∇(½‖Xw − y‖² + (λ/2)‖w‖²) = Xᵀ(Xw − y) + λw",
      r"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|_2^2 + \frac{\lambda}{2}\|\mathbf{w}\|_2^2", "w",
      r"X^\top(X\mathbf{w} - \mathbf{y}) + \lambda\mathbf{w}", where="lambda: scalar"),
    A("ridge-missing-lambda-term", "ridge, the regulariser's gradient left out",
      r"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|_2^2 + \frac{\lambda}{2}\|\mathbf{w}\|_2^2", "w",
      r"X^\top(X\mathbf{w} - \mathbf{y})", "wrong", where="lambda: scalar"),
    # logistic regression
    A("logistic", "CS229 notes Part II / PRML eq. (4.91): ∇ = Xᵀ(σ(Xw) − y)", _LOGREG, "w",
      r"X^\top\left(\sigma(X\mathbf{w}) - \mathbf{y}\right)"),
    A("logistic-sign", "logistic regression, the sign lost (the log-likelihood's gradient, not the loss's)", _LOGREG, "w",
      r"X^\top(\mathbf{y} - \sigma(X\mathbf{w}))", "sign"),
    A("logistic-pm1", "Shalev-Shwartz & Ben-David §9.3: ∇ Σ log(1 + e^{−yᵢxᵢᵀw}) = −Xᵀ(y ∘ σ(−y ∘ Xw))",
      r"\mathbf{1}^\top\log\left(\mathbf{1} + \exp(-\mathbf{y}\odot X\mathbf{w})\right)", "w",
      r"-X^\top\left(\mathbf{y}\odot\sigma(-\mathbf{y}\odot X\mathbf{w})\right)"),
    A("softplus", "Goodfellow et al., Deep Learning §3.10: softplus' = σ, ∇ 1ᵀsoftplus(Xw) = Xᵀσ(Xw)",
      r"\mathbf{1}^\top\operatorname{softplus}(X\mathbf{w})", "w", r"X^\top\sigma(X\mathbf{w})"),
    # softmax
    A("softmax-ce", "Goodfellow et al., Deep Learning §6.2.2.3: ∇ −yᵀlog softmax(z) = (1ᵀy) softmax(z) − y",
      r"-\mathbf{y}^\top\log\operatorname{softmax}(\mathbf{z})", "z",
      r"(\mathbf{1}^\top\mathbf{y})\operatorname{softmax}(\mathbf{z}) - \mathbf{y}"),
    A("softmax-ce-unnormalised-y", "softmax cross-entropy: softmax(z) − y is wrong when y need not sum to 1",
      r"-\mathbf{y}^\top\log\operatorname{softmax}(\mathbf{z})", "z", r"\operatorname{softmax}(\mathbf{z}) - \mathbf{y}",
      "wrong-any"),
    A("softmax-ce-sign", "softmax cross-entropy, the sign lost", r"-\mathbf{y}^\top\log\operatorname{softmax}(\mathbf{z})", "z",
      r"\mathbf{y} - (\mathbf{1}^\top\mathbf{y})\operatorname{softmax}(\mathbf{z})", "sign"),
    A("softmax-regression-W", "CS229 notes (softmax regression): ∇_W (logsumexp(Wx) − yᵀWx) = (softmax(Wx) − y)xᵀ",
      r"\log\left(\mathbf{1}^\top\exp(W\mathbf{x})\right) - \mathbf{y}^\top W\mathbf{x}", "W",
      r"\left(\operatorname{softmax}(W\mathbf{x}) - \mathbf{y}\right)\mathbf{x}^\top"),
    A("log-barrier", "Boyd & Vandenberghe §11.2.1: ∇ −Σ log(bᵢ − aᵢᵀx) = Aᵀ(1 ⊘ (b − Ax))",
      r"-\mathbf{1}^\top\log(\mathbf{b} - A\mathbf{x})", "x", r"A^\top\frac{\mathbf{1}}{\mathbf{b} - A\mathbf{x}}"),
    A("exp-sum", "∇ 1ᵀexp(Ax) = Aᵀexp(Ax) (the chain rule through an element-wise exp)",
      r"\mathbf{1}^\top\exp(A\mathbf{x})", "x", r"A^\top\exp(A\mathbf{x})"),
    # traces
    A("trace-AXB", f"{COOKBOOK} §2.5.1: ∂tr(AXB)/∂X = AᵀBᵀ", r"\operatorname{tr}(AXB)", "X", r"A^\top B^\top"),
    A("trace-AXB-missing-transposes", f"{COOKBOOK} §2.5.1, the transposes left out", r"\operatorname{tr}(AXB)", "X", r"$AB$",
      "shape-mismatch"),
    A("trace-AXB-numerator", f"{COOKBOOK} §2.5.1: BA is the numerator-layout answer, not the mixed one",
      r"\operatorname{tr}(AXB)", "X", r"BA", "other-layout", layout="mixed"),
    A("trace-XtAX", f"{COOKBOOK} §2.5.2: ∂tr(XᵀAX)/∂X = (A + Aᵀ)X", r"\mathrm{tr}(X^T A X)", "X", r"(A + A^T)X"),
    A("trace-XtAX-slip", f"{COOKBOOK} §2.5.2: 2AX only for a symmetric A", r"\mathrm{tr}(X^T A X)", "X", r"2AX",
      "symmetric-slip"),
    A("pca", "PRML §12.1.1: ∂tr(WᵀSW)/∂W = 2SW for a symmetric S", r"\operatorname{tr}(W^\top S W)", "W", r"2SW",
      where="S: symmetric"),
    # determinants and inverses
    A("logdet", f"{COOKBOOK} §2.1.2, eq. (57): ∂ log det X/∂X = X⁻ᵀ", r"\log\det X", "X", r"X^{-\top}"),
    A("logdet-inverse-transposed", f"{COOKBOOK} eq. (57), written (X⁻¹)ᵀ", r"\log\det(X)", "X", r"\left(X^{-1}\right)^\top"),
    A("logdet-other-layout", f"{COOKBOOK} eq. (57): X⁻¹ is the numerator-layout form", r"\log\det X", "X", r"X^{-1}",
      "other-layout", layout="mixed"),
    A("det", f"{COOKBOOK} §2.1.2, eq. (49): ∂det X/∂X = det(X) X⁻ᵀ", r"\det(X)", "X", r"\det(X)\,X^{-\top}"),
    A("det-bars", f"{COOKBOOK} eq. (49) with bars: |X| X⁻ᵀ", r"$|X|$", "X", r"$|X| X^{-T}$"),
    A("det-missing-det", f"{COOKBOOK} eq. (49), the factor det X left out", r"\det(X)", "X", r"X^{-\top}", "wrong-any"),
    A("det-cube", "det(X³) = det(X)³: ∂/∂X = 3 det(X³) X⁻ᵀ", r"\det(X^3)", "X", r"3\det(X^3)X^{-\top}"),
    A("log-abs-det", f"{COOKBOOK} eq. (57): ∂ log|det X|/∂X = X⁻ᵀ", r"\log\left|\det X\right|", "X", r"X^{-\top}"),
    A("det-scaled", "det(cX): ∂/∂X = det(cX) X⁻ᵀ", r"\det(cX)", "X", r"\det(cX)\,X^{-T}", where="c: scalar"),
    A("logdet-XtX", f"{COOKBOOK} §2.1.2: ∂ log det(XᵀX)/∂X = 2X(XᵀX)⁻¹", r"\log\det(X^\top X)", "X",
      r"2X\left(X^\top X\right)^{-1}"),
    A("logdet-A-XXt", "PRML §12.2.1: ∂ log det(A + XXᵀ)/∂X = 2(A + XXᵀ)⁻¹X", r"\log\det(A + XX^\top)", "X",
      r"2(A + XX^\top)^{-1}X", where="A: spd"),
    A("inv-aXb", f"{COOKBOOK} §2.2, eq. (61): ∂aᵀX⁻¹b/∂X = −X⁻ᵀabᵀX⁻ᵀ", r"\mathbf{a}^\top X^{-1}\mathbf{b}", "X",
      r"-X^{-\top}\mathbf{a}\mathbf{b}^\top X^{-\top}"),
    A("inv-aXb-sign", f"{COOKBOOK} eq. (61), the sign lost", r"\mathbf{a}^\top X^{-1}\mathbf{b}", "X",
      r"X^{-\top}\mathbf{a}\mathbf{b}^\top X^{-\top}", "sign"),
    A("inv-aXb-untransposed", f"{COOKBOOK} eq. (61) with X⁻¹ for X⁻ᵀ: right only for a symmetric X",
      r"\mathbf{a}^\top X^{-1}\mathbf{b}", "X", r"-X^{-1}\mathbf{a}\mathbf{b}^\top X^{-1}", ("symmetric-slip", "wrong")),
    # Gaussians
    A("gauss-Sigma", "PRML eq. (2.118) / Matrix Cookbook §8.1: ∂/∂Σ of ½ log det Σ + ½(x − μ)ᵀΣ⁻¹(x − μ) (Σ symmetric)",
      _GAUSS, "Sigma",
      r"\frac{1}{2}\left(\Sigma^{-1}"
      r" - \Sigma^{-1}(\mathbf{x} - \boldsymbol{\mu})(\mathbf{x} - \boldsymbol{\mu})^\top\Sigma^{-1}\right)",
      where="Sigma: spd"),
    A("gauss-mu", "PRML eq. (2.121): ∂/∂μ = −Σ⁻¹(x − μ)", _GAUSS, "mu", r"-\Sigma^{-1}(\mathbf{x} - \boldsymbol{\mu})",
      where="Sigma: spd"),
    A("gauss-mu-sign", "PRML eq. (2.121), the sign lost", _GAUSS, "mu", r"\Sigma^{-1}(x - \mu)", "sign", where="Sigma: spd"),
    A("gauss-precision", "the precision form: ∂/∂P of −½ log det P + ½(x − μ)ᵀP(x − μ) = ½((x − μ)(x − μ)ᵀ − P⁻¹) (PRML §2.3.6)",
      r"-\frac{1}{2}\log\det P + \frac{1}{2}(\mathbf{x} - \boldsymbol{\mu})^\top P(\mathbf{x} - \boldsymbol{\mu})", "P",
      r"\frac{1}{2}\left((\mathbf{x} - \boldsymbol{\mu})(\mathbf{x} - \boldsymbol{\mu})^\top - P^{-1}\right)", where="P: spd"),
    # matrix factorisation, layers, networks
    A("mf-U", "Udell et al., Generalized Low Rank Models §2: ∂‖X − UVᵀ‖²_F/∂U = −2(X − UVᵀ)V", _MF, "U",
      r"-2(X - UV^\top)V"),
    A("mf-U-missing-2", "matrix factorisation, the factor 2 missing", _MF, "U", r"-(X - UV^\top)V", "factor"),
    A("mf-U-sign", "matrix factorisation, the sign lost", _MF, "U", r"2(X - UV^\top)V", "sign"),
    A("tanh-layer", "Goodfellow et al., Deep Learning §6.5: ∂tanh(Wx + b)/∂x = diag(1 − tanh²(Wx + b)) W",
      r"\tanh(W\mathbf{x} + \mathbf{b})", "x",
      r"\operatorname{diag}\left(\mathbf{1} - \tanh(W\mathbf{x} + \mathbf{b})\odot\tanh(W\mathbf{x} + \mathbf{b})\right)W"),
    A("tanh-layer-squared", "Goodfellow et al., Deep Learning §6.5, with tanh² written as a power",
      r"\tanh(W\mathbf{x} + \mathbf{b})", "x", r"\operatorname{diag}\left(1 - \tanh^2(W\mathbf{x} + \mathbf{b})\right) W"),
    A("backprop-W1", "Goodfellow et al., Deep Learning §6.5.4: ∂½‖y − W₂ tanh(W₁x)‖²/∂W₁",
      r"\frac{1}{2}\left\|\mathbf{y} - W_2\tanh(W_1\mathbf{x})\right\|^2", "W1",
      r"-\left(\left(W_2^\top(\mathbf{y} - W_2\tanh(W_1\mathbf{x}))\right)\odot\left(\mathbf{1} - \tanh(W_1\mathbf{x})"
      r"\odot\tanh(W_1\mathbf{x})\right)\right)\mathbf{x}^\top"),
    A("backprop-W1-missing-derivative", "back-propagation with the tanh' factor left out",
      r"\frac{1}{2}\left\|\mathbf{y} - W_2\tanh(W_1\mathbf{x})\right\|^2", "W1",
      r"-W_2^\top(\mathbf{y} - W_2\tanh(W_1\mathbf{x}))\mathbf{x}^\top", "wrong"),
    A("mixed-subscripts-latex-to-numpy", "back-propagation asked in LaTeX (W_1, W_2), answered in NumPy (W1, W2), by W_1",
      r"\frac{1}{2}\left\|\mathbf{y} - W_2\tanh(W_1\mathbf{x})\right\|^2", "W_1",
      "-((W2.T @ (y - W2 @ tanh(W1 @ x))) * (1 - tanh(W1 @ x)**2)) @ x.T"),
    A("mixed-subscripts-numpy-to-latex", "back-propagation asked in NumPy (W1, W2), answered in LaTeX (W_1, W_2)",
      "0.5 * np.linalg.norm(y - W2 @ np.tanh(W1 @ x))**2", "W1",
      r"-\left(\left(W_2^\top(\mathbf{y} - W_2\tanh(W_1\mathbf{x}))\right)\odot\left(\mathbf{1} - \tanh(W_1\mathbf{x})"
      r"\odot\tanh(W_1\mathbf{x})\right)\right)\mathbf{x}^\top"),
    A("norm", f"{COOKBOOK} §2.6.1: ∂‖x‖/∂x = x/‖x‖", r"\|\mathbf{x}\|_2", "x", r"\frac{\mathbf{x}}{\|\mathbf{x}\|_2}"),
    A("rayleigh", "Horn & Johnson §4.2: ∇ xᵀAx/xᵀx = 2(Ax − R(x)x)/xᵀx, A symmetric",
      r"\frac{\mathbf{x}^\top A\mathbf{x}}{\mathbf{x}^\top\mathbf{x}}", "x",
      r"\frac{2}{\mathbf{x}^\top\mathbf{x}}"
      r"\left(A\mathbf{x} - \frac{\mathbf{x}^\top A\mathbf{x}}{\mathbf{x}^\top\mathbf{x}}\mathbf{x}\right)",
      where="A: symmetric"),
    # scalar chain rule, with the slips of the notes as wrong answers
    A("chain-ln-sin", f"{PARR_HOWARD}, the chain rules: d/dx ln(sin(x³)²) = 6x² cos(x³)/sin(x³)",
      r"\ln(\sin(x^3)^2)", "x", r"\frac{6x^2\cos(x^3)}{\sin(x^3)}", where="x: scalar"),
    A("chain-ln-sin-slip", "the notes' slip: 1/sin(x³) dropped, 6x² cos(x³)", r"\ln(\sin(x^3)^2)", "x",
      r"6x^2\cos(x^3)", "wrong-any", where="x: scalar"),
    A("gradient-y", "g = 2x + y²: ∂g/∂y = 2y", r"2x + y^2", "y", r"2y", where="x, y: scalar", notation="latex"),
    A("gradient-y-slip", "the notes' slip: ∂g/∂y written 8y²", r"2x + y^2", "y", r"8y^2", "wrong-any",
      where="x, y: scalar", notation="latex"),
    A("sigmoid-ce", "Goodfellow et al., Deep Learning §6.2.2.2: ∂/∂z of −[y log σ(z) + (1 − y) log(1 − σ(z))] = σ(z) − y",
      r"-\left[y\log\sigma(z) + (1 - y)\log(1 - \sigma(z))\right]", "z", r"\sigma(z) - y", where="y, z: scalar"),
    # mixed notations: a question in NumPy, MATLAB or math with a LaTeX answer, and the reverse
    A("mixed-numpy-question", "least squares asked in NumPy, answered in LaTeX", "0.5 * np.linalg.norm(X @ w - y)**2", "w",
      r"X^\top (X\mathbf{w} - \mathbf{y})"),
    A("mixed-numpy-question-sign", "least squares asked in NumPy, answered in LaTeX with the wrong sign",
      "0.5 * np.linalg.norm(X @ w - y)**2", "w", r"X^\top (\mathbf{y} - X\mathbf{w})", "sign"),
    A("mixed-numpy-quad", f"{COOKBOOK} eq. (81) asked in NumPy, answered in LaTeX", "x.T @ A @ x", "x",
      r"\left(A + A^{\top}\right)\mathbf{x}"),
    A("mixed-numpy-trace", f"{COOKBOOK} §2.5.1 asked in NumPy, answered in LaTeX", "np.trace(A @ X @ B)", "X", r"A^\top B^\top"),
    A("mixed-matlab-question", f"{COOKBOOK} eq. (81) asked in MATLAB, answered in LaTeX", "x'*A*x", "x", r"x^\top (A + A^\top)"),
    A("mixed-latex-numpy-answer", f"{COOKBOOK} eq. (57) asked in LaTeX, answered in NumPy", r"\log\det X", "X",
      "np.linalg.inv(X).T"),
    A("mixed-latex-matlab-answer", f"{COOKBOOK} eq. (57) asked in LaTeX, answered in MATLAB", r"\log\det X", "X", "inv(X)'"),
    A("mixed-latex-math-answer", f"{COOKBOOK} eq. (81) asked in LaTeX, answered in math notation",
      r"\mathbf{x}^\top A\mathbf{x}", "x", "(A + A^T) x"),
    A("mixed-greek-latex-to-numpy", f"{MML} Example 5.11 asked in LaTeX (\\Phi, \\theta), answered in NumPy (Phi, theta)",
      _PHI, "theta", "-2 * Phi.T @ (y - Phi @ theta)"),
    A("mixed-greek-numpy-to-latex", f"{MML} Example 5.11 asked in NumPy (Phi, theta), answered in LaTeX (\\Phi, \\theta)",
      "np.linalg.norm(y - Phi @ theta)**2", "theta", r"-2\Phi^\top(\mathbf{y} - \Phi\boldsymbol{\theta})"),
    A("mixed-greek-unicode-to-latex", f"{MML} Example 5.11 asked in Unicode (Φ, θ), answered in LaTeX",
      "‖y − Φθ‖²", "θ", r"-2\Phi^\top(y - \Phi\theta)"),
    A("mixed-greek-numpy-to-latex-sign", f"{MML} Example 5.11 asked in NumPy, answered in LaTeX with the wrong sign",
      "np.linalg.norm(y - Phi @ theta)**2", "theta", r"2\Phi^\top(y - \Phi\theta)", "sign"),
    A("explicit-notation", "least squares with notation='latex' for both texts", r"\frac12\|Xw - y\|^2", "w",
      r"X^T(Xw - y)", notation="latex"),
]


# --------------------------------------------------------------------------------------------------
# Textbook Hessians in LaTeX


@dataclass(frozen=True)
class HessianCase:
    id: str
    source: str
    vars: dict[str, str]
    question: str
    wrt: str
    hessian: str  # the textbook's Hessian, LaTeX
    where: str | None = None


HESSIANS: list[HessianCase] = [
    HessianCase("ridge", "ESL §3.4.1: the Hessian of ½‖Xw − y‖² + (λ/2)‖w‖² is XᵀX + λI",
                {"X": "matrix n m", "y": "vector n", "w": "vector m", "lam": "scalar"},
                r"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|^2 + \frac{\lambda}{2}\|\mathbf{w}\|^2", "w", r"X^\top X + \lambda I",
                where="lambda: scalar"),
    HessianCase("logistic", "PRML eq. (4.97): the Hessian of the logistic loss is Xᵀ diag(σ(Xw) ∘ (1 − σ(Xw))) X",
                {"X": "matrix n m", "y": "vector n labels01", "w": "vector m"}, _LOGREG, "w",
                r"X^\top\operatorname{diag}\left(\sigma(X\mathbf{w})\odot(\mathbf{1} - \sigma(X\mathbf{w}))\right)X"),
    HessianCase("softmax", "Goodfellow et al., Deep Learning §6.2.2.3: the Hessian of −yᵀlog softmax(z) is (1ᵀy)(diag(s) − ssᵀ)",
                {"z": "vector k", "y": "vector k positive"}, r"-\mathbf{y}^\top\log\operatorname{softmax}(\mathbf{z})", "z",
                r"(\mathbf{1}^\top\mathbf{y})\left(\operatorname{diag}(\operatorname{softmax}(\mathbf{z}))"
                r" - \operatorname{softmax}(\mathbf{z})"
                r"\operatorname{softmax}(\mathbf{z})^\top\right)"),
    HessianCase("log-barrier", "Boyd & Vandenberghe §11.2.1: ∇²φ(x) = Aᵀ diag(1/(b − Ax)²) A",
                {"A": "matrix n m", "b": "vector n", "x": "vector m"}, r"-\mathbf{1}^\top\log(\mathbf{b} - A\mathbf{x})", "x",
                r"A^\top\operatorname{diag}\left("
                r"\frac{\mathbf{1}}{(\mathbf{b} - A\mathbf{x})\odot(\mathbf{b} - A\mathbf{x})}\right)A"),
    HessianCase("quad", f"{COOKBOOK} §2.4.2: the Hessian of xᵀAx is A + Aᵀ", {"x": "vector n", "A": "matrix n n"},
                r"\mathbf{x}^\top A\mathbf{x}", "x", r"A + A^\top"),
]


# --------------------------------------------------------------------------------------------------
# LaTeX that must be refused


@dataclass(frozen=True)
class Refusal:
    id: str
    why: str
    text: str
    wrt: str
    keyword: str  # a regular expression (case-insensitive) the message must match: it names the problem
    where: str | None = None
    answer_to: tuple[str, str] | None = None  # (question, wrt): the text is an answer to this question
    notations: tuple[str, ...] = field(default=("latex", "auto"))


REFUSALS: list[Refusal] = [
    Refusal("sum-matrix-index", "an index sum that is a matrix product: Σᵢ Aᵢⱼ xⱼ", r"\sum_i A_{ij} x_j", "x", r"sum|index"),
    Refusal("sum-rows", "a sum over the rows xᵢ of a data matrix", r"\sum_i (y_i - \mathbf{w}^\top \mathbf{x}_i)^2", "w",
            r"sum|index|row"),
    Refusal("sum-rows-logistic", "the logistic loss over the rows xᵢ",
            r"\sum_{i=1}^{n} \log\left(1 + e^{-y_i \mathbf{w}^\top \mathbf{x}_i}\right)", "w", r"sum|index|row"),
    Refusal("sum-rows-relu", "the ReLU neuron's cost over the rows xᵢ, as the notes write it",
            r"\frac{1}{N} \sum_i \left(y_i - \max(0, \mathbf{w} \cdot \mathbf{x}_i + b)\right)^2", "w", r"sum|index|row"),
    Refusal("double-sum", "a double sum Σᵢ Σⱼ Aᵢⱼ xᵢ xⱼ (write xᵀAx)", r"\sum_i \sum_j A_{ij} x_i x_j", "x", r"sum|index"),
    Refusal("integral", "an integral", r"\int_0^1 x^2 \, dx", "x", r"int"),
    Refusal("limit", "a limit", r"\lim_{h \to 0} \frac{(x + h)^2 - x^2}{h}", "x", r"lim"),
    Refusal("unbalanced-left",
            "\\left( without \\right)", r"\left( A\mathbf{x} + \mathbf{b}", "x", r"\\left|\\right|unbalanced|\)|end of input"),
    Refusal("unclosed-frac", "\\frac{1}{ with its denominator never closed", r"\frac{1}{", "x", r"frac|brace|end|\{|unexpected"),
    Refusal("unclosed-brace", "a brace never closed", r"\frac{1}{2 \|\mathbf{x}\|^2", "x", r"brace|end|\{|\}|unexpected"),
    Refusal("ambiguous-superscript", "x^23 renders as x²3 in LaTeX: the exponent needs braces", r"x^23", "x",
            r"ambiguous|brace|\{|x\^", where="x: scalar", notations=("latex",)),
    Refusal("ambiguous-superscript-dollars", "x^23 between dollars", r"$x^23 + x$", "x", r"ambiguous|brace|\{|x\^",
            where="x: scalar"),
    Refusal("partial", "the derivative operator itself: matcalc is asked for the derivative, not given it",
            r"\frac{\partial}{\partial \mathbf{x}} \mathbf{x}^\top A \mathbf{x}", "x", r"partial|derivative"),
    Refusal("nabla", "a gradient operator", r"\nabla_{\mathbf{x}} \mathbf{x}^\top A \mathbf{x}", "x", r"nabla|gradient"),
    Refusal("expectation", "an expectation", r"\mathbb{E}\left[\mathbf{x}^\top A \mathbf{x}\right]", "x", r"mathbb|E|expect"),
    Refusal("product", "a product over an index", r"\prod_i x_i", "x", r"prod"),
    Refusal("unknown-command", "a command matcalc does not know", r"\foo(\mathbf{x})", "x", r"foo|unknown"),
    Refusal("ragged-bmatrix", "a bmatrix whose rows have different lengths",
            r"\begin{bmatrix} A & B \\ C \end{bmatrix} \mathbf{x}", "x", r"row|column|bmatrix|block|entries"),
    Refusal("mismatched-environment", "\\begin{bmatrix} closed by \\end{pmatrix}",
            r"\begin{bmatrix} \mathbf{x} \\ 1 \end{pmatrix}", "x", r"bmatrix|pmatrix|end|environment"),
    Refusal("cross-product", "a cross product of two vectors (\\times between vectors is not a dot product)",
            r"\|\mathbf{a} \times \mathbf{b}\|^2", "a", r"\\times|cross"),
    Refusal("hat", "a hat accent: ŷ is not a name matcalc reads", r"\|\hat{\mathbf{y}} - \mathbf{y}\|^2", "y", r"hat"),
    Refusal("layer-superscript", "a layer index written as a superscript, W^{(1)}: not a power of W",
            r"\frac{1}{2}\left\|W^{(2)}\tanh\left(W^{(1)}\mathbf{x}\right) - \mathbf{y}\right\|^2", "W",
            r"W\^\{\(|superscript|layer"),
    Refusal("answer-unbalanced", "an answer with an unclosed parenthesis", r"X^\top (X\mathbf{w} - \mathbf{y}", "w",
            r"answer", answer_to=(_LSQ, "w")),
    Refusal("answer-unknown-command", "an answer with a command matcalc does not know", r"\foo(X^\top X)\mathbf{w}", "w",
            r"answer|foo|unknown", answer_to=(_LSQ, "w")),
]
