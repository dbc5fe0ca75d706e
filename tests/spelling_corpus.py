r"""A spelling corpus of classic matrix-calculus problems.

Each problem is a textbook objective (least squares, ridge, logistic and softmax regression,
log-sum-exp, barriers, quadratic and bilinear forms, the trace, determinant and inverse identities
of the Matrix Cookbook, Gaussian likelihoods, matrix factorisation, PCA, norms, neural-network
layers and losses, ...) together with the ways people type it: NumPy / JAX code, MATLAB code, and
mathematical text as it is written by hand or pasted from a PDF or a web page (Unicode operators,
superscripts and subscripts, Greek letters, the minus sign U+2212, invisible spaces), and LaTeX as a
student types it in Overleaf or a Jupyter Markdown cell or pastes it from lecture notes (spellings
labelled ``latex-…``: ``\mathbf{x}`` or plain ``x``, ``^\top``, ``^T`` or ``^{\intercal}``, ``\frac{1}{2}``
or ``\tfrac12``, ``\left\| … \right\|_2^2``, ``\operatorname{tr}``, ``\log\det``, ``$…$``, ``\,``).

Every problem carries an oracle: a plain NumPy function of the problem's variables, written from the
problem's textbook definition alone. The oracle is the meaning every spelling of the problem is meant
to have; the test (test_spelling_corpus.py) differentiates the oracle by finite differences and
compares the result with what matcalc derives from each spelling.

Sources are cited per problem: the Matrix Cookbook (Petersen & Pedersen, 2012), Boyd & Vandenberghe
"Convex Optimization" (2004), Bishop "Pattern Recognition and Machine Learning" (PRML, 2006),
Deisenroth, Faisal & Ong "Mathematics for Machine Learning" (MML, 2020), Hastie, Tibshirani &
Friedman "The Elements of Statistical Learning" (ESL, 2009), Goodfellow, Bengio & Courville "Deep
Learning" (2016), Rasmussen & Williams "Gaussian Processes for Machine Learning" (GPML, 2006),
Cover & Thomas "Elements of Information Theory" (2006), the Stanford CS229 lecture notes, and the
NumPy and MATLAB reference documentation for the library spellings.

Conventions of the data:

- ``vars`` maps each variable to a spec ``"<kind> <dims...> [property ...]"``: kind is ``scalar``,
  ``vector`` or ``matrix``; dims are size letters of ``SIZES`` (distinct sizes, so that a misplaced
  transpose cannot hide); properties are ``symmetric``, ``spd``, ``invertible`` (well conditioned,
  positive determinant), ``positive`` (entries in [0.5, 2]), ``probability`` (positive, sums to 1),
  ``labels01``, ``pm1`` (±1 entries) and ``=value`` (a fixed value, for counts such as N or n).
- The oracle takes a dict of those names (vectors 1-D, scalars floats) and returns a float (a
  gradient problem) or a 1-D array (a Jacobian problem).
- ``wrt`` is the variable to differentiate by. A spelling that writes it differently (``θ`` for
  ``theta``, ``W₁`` for ``W1``) is differentiated by the name as it is written there (see
  ``ALIASES`` and ``spelled_wrt``). A LaTeX spelling's ``\theta`` is read as θ and differentiated by
  ``theta``, the name as the user types it in Python; ``\mathbf{W}_1`` is differentiated by ``W_1``.
- ``where`` is the declaration string the problem needs; a spelling may override it (``""`` for
  no declarations at all). ``scalars`` says, for the names that are scalars by meaning, which
  spellings declare them and which rely on the rule that an undeclared name used only where a
  scalar fits is read as a scalar.
- ``adjust`` (optional) moves the sampled point into the function's domain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

SIZES = {"n": 5, "m": 3, "p": 4, "k": 6}

# Other spellings of a variable's name, as a person types them: Greek letters, subscripts and
# ASCII words. The test gives a variable's value under each of them.
ALIASES = {
    "θ": "theta",
    "β": "beta",
    "λ": "lam",
    "lambda": "lam",
    "μ": "mu",
    "Σ": "Sigma",
    "Θ": "Theta",
    "Φ": "Phi",
    "α": "alpha",
    "σ": "sigma",
    "δ": "delta",
    "λ₂": "lam2",
    "λ2": "lam2",
    "lambda2": "lam2",
    "W₁": "W1",
    "W₂": "W2",
    "b₁": "b1",
    "b₂": "b2",
    "W_1": "W1",
    "W_2": "W2",
    "b_1": "b1",
    "b_2": "b2",
    "λ_2": "lam2",
    "lambda_2": "lam2",
}

# Names some spellings use for mathematical constants.
CONSTANTS = {"pi": float(np.pi), "π": float(np.pi)}


@dataclass(frozen=True)
class Spelling:
    label: str
    text: str
    where: str | None = None  # None: the problem's declarations; "": none
    wrt: str | None = None  # None: the problem's variable, as this spelling writes it


@dataclass(frozen=True)
class Problem:
    id: str
    source: str
    vars: dict[str, str]
    wrt: str
    oracle: Callable
    spellings: tuple[Spelling, ...]
    where: str | None = None
    scalars: str = ""
    adjust: Callable | None = None
    sizes: dict[str, int] = field(default_factory=lambda: dict(SIZES))


def S(label: str, text: str, where: str | None = None, wrt: str | None = None) -> Spelling:
    return Spelling(label, text, where, wrt)


_ASCII_NAME = r"(?<![A-Za-z0-9_]){}(?![A-Za-z0-9_])"
_LATEX_FONT = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec)\{([^{}]*)\}")


def plain_text(text: str) -> str:
    """The text with LaTeX's font commands taken off the names (``\\mathbf{W}_1`` → ``W_1``), to find names in it."""
    return _LATEX_FONT.sub(r" \1", text)


_LATEX_WORDS = re.compile(r"\\(?:operatorname|text|mathrm|mathsf)\{[^{}]*\}|\\[A-Za-z]+")


def spelled_wrt(problem: Problem, spelling: Spelling) -> str:
    """The name of the problem's variable as the spelling writes it (in LaTeX, ``\\theta`` is spelled ``theta``)."""
    if spelling.wrt is not None:
        return spelling.wrt
    text = plain_text(spelling.text)
    if re.search(_ASCII_NAME.format(re.escape(problem.wrt)), text):
        return problem.wrt
    if spelling.label.startswith("latex") and len(problem.wrt) == 1 and problem.wrt in _LATEX_WORDS.sub(" ", text):
        return problem.wrt  # in LaTeX a run of letters is a product of one-letter names: X w in Xw, x in x_i
    candidates = [alias for alias, name in ALIASES.items() if name == problem.wrt and alias in text]
    if not candidates:
        raise ValueError(f"{problem.id}/{spelling.label}: the variable {problem.wrt} does not appear in {spelling.text!r}")
    return max(candidates, key=len)


def canonical(name: str) -> str:
    return ALIASES.get(name, name)


# --- plain NumPy helpers for the oracles -------------------------------------------------------


def _sq(v):
    v = np.asarray(v, dtype=float)
    return float(np.sum(v * v))


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def _lse(z):
    top = np.max(z)
    return float(top + np.log(np.sum(np.exp(z - top))))


def _logdet(X):
    sign, value = np.linalg.slogdet(X)
    return float(value) if sign > 0 else float("nan")


def _inv(X):
    return np.linalg.inv(X)


PROBLEMS: list[Problem] = []


def _p(id: str, source: str, vars: dict, wrt: str, oracle: Callable, spellings: list, **kw) -> None:
    PROBLEMS.append(Problem(id, source, vars, wrt, oracle, tuple(spellings), **kw))


# --- least squares and friends -----------------------------------------------------------------

_p(
    "ols-grad",
    "CS229 lecture notes (Ng), Part I §2: least squares J(θ) = ‖Xθ − y‖², normal equations",
    {"X": "matrix n m", "y": "vector n", "theta": "vector m"},
    "theta",
    lambda e: _sq(e["X"] @ e["theta"] - e["y"]),
    [
        S("numpy", "(X @ theta - y).T @ (X @ theta - y)"),
        S("numpy-norm", "np.linalg.norm(X @ theta - y)**2"),
        S("numpy-dot", "np.dot(X.dot(theta) - y, X.dot(theta) - y)"),
        S("numpy-square", "np.sum(np.square(X @ theta - y))"),
        S("numpy-1d", "(X @ theta - y) @ (X @ theta - y)"),
        S("matlab", "(X*theta - y)'*(X*theta - y)"),
        S("math", "||X theta - y||^2"),
        S("math-unicode", "‖Xθ − y‖²"),
        S("math-norm2", "‖Xθ − y‖₂²"),
        S("math-nbsp", "||X\u00a0theta - y||^2"),
        S("latex-bold", r"\|X\boldsymbol{\theta} - \mathbf{y}\|^2"),
        S("latex-transpose", r"(X\theta - y)^\top (X\theta - y)"),
        S("latex-dollars", r"$\left\| X\theta - y \right\|_2^2$"),
    ],
)

_p(
    "ols-half",
    "CS229 lecture notes (Ng), Part I §1: LMS cost J(θ) = ½ Σᵢ (θᵀx⁽ⁱ⁾ − y⁽ⁱ⁾)² = ½‖Xθ − y‖²",
    {"X": "matrix n m", "y": "vector n", "theta": "vector m"},
    "theta",
    lambda e: 0.5 * _sq(e["X"] @ e["theta"] - e["y"]),
    [
        S("numpy", "0.5 * np.sum((X @ theta - y)**2)"),
        S("numpy-frac", "1/2 * (X @ theta - y).T @ (X @ theta - y)"),
        S("matlab", "1/2*(X*theta - y)'*(X*theta - y)"),
        S("math", "1/2 ||X θ − y||^2"),
        S("math-half", "½‖Xθ − y‖²"),
        S("math-paren", "(1/2) ||X theta - y||^2"),
        S("math-thin-space", "½\u2009‖Xθ\u2009−\u2009y‖²"),
        S("latex-frac", r"\frac{1}{2}\|X\boldsymbol{\theta} - \mathbf{y}\|_2^2"),
        S("latex-tfrac", r"\tfrac12 (X\theta - y)^T (X\theta - y)"),
        S("latex-dollars-lvert", r"$\frac12 \left\lVert X\theta - y \right\rVert^2$"),
        S("latex-cdot", r"\frac{1}{2} \cdot \|X\theta - y\|^2"),
    ],
)

_p(
    "mse",
    "Goodfellow, Bengio & Courville, Deep Learning eq. (5.4): MSE = (1/n) Σᵢ (ŷ − y)ᵢ², ŷ = Xw",
    {"X": "matrix n m", "y": "vector n", "w": "vector m", "n": "scalar =5"},
    "w",
    lambda e: _sq(e["X"] @ e["w"] - e["y"]) / e["n"],
    [
        S("numpy-mean", "np.mean((X @ w - y)**2)"),
        S("numpy-mean-square", "np.mean(np.square(X.dot(w) - y))"),
        S("numpy-declared", "1/n * np.sum((X @ w - y)**2)", where="n: scalar"),
        S("numpy-implicit", "(1/n) * np.sum((X @ w - y)**2)"),
        S("matlab-mean", "mean((X*w - y).^2)"),
        S("math-declared", "1/n sum((X w - y).^2)", where="n: scalar"),
        S("math-implicit", "1/n sum((X w - y).^2)"),
        S("math-norm-implicit", "(1/n) * ||X w - y||^2"),
        S("latex-frac-implicit", r"\frac{1}{n}\|X\mathbf{w} - \mathbf{y}\|_2^2"),
        S("latex-declared", r"\frac{1}{n} (Xw - y)^\top (Xw - y)", where="n: scalar"),
    ],
    scalars="n (the number of rows): declared in numpy-declared and math-declared, implicit elsewhere",
)

_p(
    "ridge",
    "ESL eq. (3.41): ridge regression RSS(λ) = ‖y − Xβ‖² + λ‖β‖²",
    {"X": "matrix n m", "y": "vector n", "beta": "vector m", "lam": "scalar"},
    "beta",
    lambda e: _sq(e["y"] - e["X"] @ e["beta"]) + e["lam"] * _sq(e["beta"]),
    [
        S("numpy-declared", "np.sum((y - X @ beta)**2) + lam * beta.T @ beta", where="lam: scalar"),
        S("numpy-implicit", "np.linalg.norm(y - X.dot(beta))**2 + lam * np.dot(beta, beta)"),
        S("matlab-implicit", "(y - X*beta)'*(y - X*beta) + lambda*beta'*beta"),
        S("math-declared", "||y - X beta||^2 + lambda ||beta||^2", where="lambda: scalar"),
        S("math-star-implicit", "||y - X beta||^2 + lam * ||beta||^2"),
        S("math-unicode-implicit", "‖y − Xβ‖² + λ‖β‖²"),
        S("math-unicode-declared", "‖y − Xβ‖² + λ‖β‖²", where="λ: scalar"),
        S("latex-implicit", r"\|\mathbf{y} - X\boldsymbol{\beta}\|_2^2 + \lambda\|\boldsymbol{\beta}\|_2^2"),
        S("latex-declared", r"\left\| y - X\beta \right\|^2 + \lambda \beta^\top \beta", where="lambda: scalar"),
        S("latex-unicode-declared", r"$\|y - X\beta\|^2 + \lambda\|\beta\|^2$", where="λ: scalar"),
        S("latex-bm-times", r"$$\|\mathbf{y} - X\bm{\beta}\|^2 + \lambda \times \|\bm{\beta}\|^2$$"),
        S("latex-sum-penalty", r"\|\mathbf{y} - X\boldsymbol{\beta}\|^2 + \lambda\sum_{j=1}^{m} \beta_j^2"),
    ],
    scalars="λ: declared in the *-declared spellings, implicit in the *-implicit ones",
)

_p(
    "ridge-half",
    "PRML eq. (3.27): ½ Σₙ {tₙ − wᵀφ(xₙ)}² + (λ/2) wᵀw",
    {"Phi": "matrix n m", "t": "vector n", "w": "vector m", "lam": "scalar"},
    "w",
    lambda e: 0.5 * _sq(e["t"] - e["Phi"] @ e["w"]) + 0.5 * e["lam"] * _sq(e["w"]),
    [
        S("numpy-declared", "0.5 * np.sum((t - Phi @ w)**2) + lam / 2 * w.T @ w", where="lam: scalar"),
        S("numpy-implicit", "0.5*np.linalg.norm(t - Phi @ w)**2 + 0.5*lam*np.dot(w, w)"),
        S("matlab-implicit", "0.5*(t - Phi*w)'*(t - Phi*w) + lam/2*(w'*w)"),
        S("math-declared", "½‖t − Φw‖² + λ/2 wᵀw", where="λ: scalar"),
        S("math-paren-implicit", "½‖t − Φw‖² + (λ/2) wᵀw"),
        S("math-ascii-declared", "1/2 (t - Phi w)^T (t - Phi w) + lambda/2 w^T w", where="lambda: scalar"),
        S(
            "latex-implicit",
            r"\frac{1}{2}\|\mathbf{t} - \boldsymbol{\Phi}\mathbf{w}\|^2 + \frac{\lambda}{2}\mathbf{w}^\top\mathbf{w}",
        ),
        S("latex-declared", r"\tfrac{1}{2}(t - \Phi w)^\top (t - \Phi w) + \tfrac{\lambda}{2} w^\top w", where="lambda: scalar"),
        S(
            "latex-spacing",
            r"\tfrac12\,\|\mathbf{t}-\boldsymbol{\Phi}\mathbf{w}\|^2\;+\;\tfrac{\lambda}{2}\!\|\mathbf{w}\|^2\quad",
        ),
    ],
    scalars="λ: declared in the *-declared spellings, implicit in the *-implicit ones",
)

_p(
    "map-linreg",
    "PRML eq. (3.55): log posterior −(β/2) Σₙ {tₙ − wᵀφ(xₙ)}² − (α/2) wᵀw + const",
    {"Phi": "matrix n m", "t": "vector n", "w": "vector m", "alpha": "scalar", "beta": "scalar"},
    "w",
    lambda e: -0.5 * e["beta"] * _sq(e["t"] - e["Phi"] @ e["w"]) - 0.5 * e["alpha"] * _sq(e["w"]),
    [
        S("numpy-declared", "-beta / 2 * np.sum((t - Phi @ w)**2) - alpha / 2 * w.T @ w", where="alpha, beta: scalar"),
        S("numpy-implicit", "-0.5 * beta * np.sum((t - Phi @ w)**2) - 0.5 * alpha * np.dot(w, w)"),
        S("matlab-implicit", "-beta/2*(t - Phi*w)'*(t - Phi*w) - alpha/2*(w'*w)"),
        S("math-declared", "−β/2 (t − Φw)ᵀ(t − Φw) − α/2 wᵀw", where="α, β: scalar"),
        S("math-implicit", "−β/2 (t − Φw)ᵀ(t − Φw) − α/2 wᵀw"),
        S("math-paren-implicit", "-(beta/2) * (t - Phi w)^T (t - Phi w) - (alpha/2) * w^T w"),
        S(
            "latex-implicit",
            r"-\frac{\beta}{2}\|\mathbf{t} - \boldsymbol{\Phi}\mathbf{w}\|^2 - \frac{\alpha}{2}\mathbf{w}^\top\mathbf{w}",
        ),
        S("latex-declared", r"-\frac{\beta}{2}(t - \Phi w)^T(t - \Phi w) - \frac{\alpha}{2} w^T w", where="alpha, beta: scalar"),
    ],
    scalars="α, β: declared in the *-declared spellings, implicit elsewhere",
)

_p(
    "prior-quad",
    "MML book §9.2 (MAP estimation) / PRML eq. (3.55): Gaussian prior term (α/2) mᵀm of a MAP objective",
    {"m": "vector n", "alpha": "scalar"},
    "m",
    lambda e: 0.5 * e["alpha"] * _sq(e["m"]),
    [
        S("math-implicit", "alpha/2 m^T m"),
        S("math-declared", "alpha/2 m^T m", where="alpha: scalar"),
        S("numpy-declared", "alpha/2 * m.T @ m", where="alpha: scalar"),
        S("matlab-implicit", "alpha/2*(m'*m)"),
        S("math-paren-implicit", "(α/2) mᵀm"),
        S("math-norm-declared", "α/2 ‖m‖²", where="α: scalar"),
        S("latex-implicit", r"\frac{\alpha}{2}\mathbf{m}^\top\mathbf{m}"),
        S("latex-declared", r"\tfrac{\alpha}{2}\|m\|^2", where="alpha: scalar"),
        S("latex-sum", r"\frac{\alpha}{2}\sum_{i} m_i^2"),
    ],
    scalars="α: declared in the *-declared spellings, implicit elsewhere",
)

_p(
    "ridge-quadratic",
    "ESL §3.4.1, eq. (3.44): the quadratic part of the ridge objective βᵀ(XᵀX + λI)β (normal equations (XᵀX + λI)β = Xᵀy)",
    {"X": "matrix n m", "w": "vector m", "lam": "scalar", "m": "scalar =3"},
    "w",
    lambda e: float(e["w"] @ (e["X"].T @ e["X"] + e["lam"] * np.eye(len(e["w"]))) @ e["w"]),
    [
        S("numpy-identity", "w.T @ (X.T @ X + lam * np.identity(m)) @ w", where="lam: scalar"),
        S("numpy-eye", "w.T @ (X.T @ X + lam * np.eye(m)) @ w", where="lam: scalar"),
        S("numpy-eye-implicit", "w.T @ (X.T @ X + lam * np.eye(m)) @ w"),
        S("matlab-eye-implicit", "w'*(X'*X + lam*eye(m))*w"),
        S("math-implicit", "wᵀ (XᵀX + λI) w"),
        S("math-declared", "w^T (X^T X + lambda I) w", where="lambda: scalar"),
        S("latex-implicit", r"\mathbf{w}^\top (X^\top X + \lambda I)\mathbf{w}"),
        S("latex-declared-size", r"w^T \left(X^T X + \lambda \mathbf{I}_m\right) w", where="lambda: scalar"),
    ],
    scalars="λ: declared in the *-declared and numpy-identity/numpy-eye spellings, implicit elsewhere; m only as a size",
)

_p(
    "wls",
    "Boyd & Vandenberghe §6.1 (weighted norm approximation): (y − Xβ)ᵀ W (y − Xβ)",
    {"X": "matrix n m", "y": "vector n", "beta": "vector m", "W": "matrix n n spd"},
    "beta",
    lambda e: float((e["y"] - e["X"] @ e["beta"]) @ e["W"] @ (e["y"] - e["X"] @ e["beta"])),
    [
        S("numpy", "(y - X @ beta).T @ W @ (y - X @ beta)"),
        S("numpy-dot", "np.dot(y - X.dot(beta), W.dot(y - X.dot(beta)))"),
        S("matlab", "(y - X*beta)'*W*(y - X*beta)"),
        S("math", "(y − Xβ)ᵀ W (y − Xβ)"),
        S("math-declared", "(y - X beta)^T W (y - X beta)", where="W: spd"),
        S("math-nnbsp", "(y\u202f−\u202fXβ)ᵀ\u202fW\u202f(y\u202f−\u202fXβ)"),
        S("latex-bold", r"(\mathbf{y} - X\boldsymbol{\beta})^\top W (\mathbf{y} - X\boldsymbol{\beta})"),
        S("latex-declared", r"$(y - X\beta)^{\mathsf T} W (y - X\beta)$", where="W: spd"),
    ],
)

_p(
    "wls-weights",
    "ESL §4.4.1 (iteratively reweighted least squares): Σᵢ cᵢ (yᵢ − xᵢᵀβ)² = (y − Xβ)ᵀ diag(c) (y − Xβ)",
    {"X": "matrix n m", "y": "vector n", "beta": "vector m", "c": "vector n positive"},
    "beta",
    lambda e: float(np.sum(e["c"] * (e["y"] - e["X"] @ e["beta"]) ** 2)),
    [
        S("numpy", "np.sum(c * (y - X @ beta)**2)"),
        S("numpy-multiply", "np.sum(np.multiply(c, np.square(y - X.dot(beta))))"),
        S("numpy-diag", "(y - X @ beta).T @ np.diag(c) @ (y - X @ beta)"),
        S("matlab", "sum(c .* (y - X*beta).^2)"),
        S("matlab-diag", "(y - X*beta)'*diag(c)*(y - X*beta)"),
        S("math-diag", "(y − Xβ)ᵀ diag(c) (y − Xβ)"),
        S("math-hadamard", "cᵀ ((y − Xβ) ∘ (y − Xβ))"),
        S(
            "latex-diag",
            r"(\mathbf{y} - X\boldsymbol{\beta})^\top \operatorname{diag}(\mathbf{c})\,(\mathbf{y} - X\boldsymbol{\beta})",
        ),
        S("latex-odot", r"\mathbf{c}^\top \left((y - X\beta) \odot (y - X\beta)\right)"),
    ],
)

_p(
    "elastic-net-smooth",
    "Zou & Hastie (2005), elastic net: the smooth part ‖y − Xβ‖² + λ₂‖β‖² (the λ₁‖β‖₁ term left out)",
    {"X": "matrix n m", "y": "vector n", "beta": "vector m", "lam2": "scalar"},
    "beta",
    lambda e: _sq(e["y"] - e["X"] @ e["beta"]) + e["lam2"] * _sq(e["beta"]),
    [
        S("numpy-declared", "np.sum((y - X @ beta)**2) + lam2 * np.sum(beta**2)", where="lam2: scalar"),
        S("numpy-implicit", "np.sum((y - X @ beta)**2) + lam2 * np.sum(beta**2)", where=""),
        S("matlab-implicit", "norm(y - X*beta)^2 + lam2*norm(beta)^2"),
        S("math-implicit", "‖y − Xβ‖² + λ₂‖β‖²"),
        S("math-declared", "‖y − Xβ‖² + λ₂ ‖β‖²", where="λ₂: scalar"),
        S("math-star-implicit", "||y - X beta||^2 + lambda2 * ||beta||^2"),
        S("latex-implicit", r"\|\mathbf{y} - X\boldsymbol{\beta}\|_2^2 + \lambda_2\|\boldsymbol{\beta}\|_2^2"),
        S("latex-declared", r"\left\|y - X\beta\right\|^2 + \lambda_2 \beta^\top\beta", where="lambda_2: scalar"),
        S("latex-sum-penalty", r"\|\mathbf{y} - X\boldsymbol{\beta}\|_2^2 + \lambda_2 \sum_j \beta_j^2"),
    ],
    scalars="λ₂: declared in the *-declared spellings, implicit elsewhere",
)

_p(
    "block-intercept",
    "ESL §3.2: linear regression with an intercept through the augmented design [X 1], ‖[X 1][w; b] − y‖²",
    {"X": "matrix n m", "y": "vector n", "w": "vector m", "b": "scalar", "n": "scalar =5"},
    "w",
    lambda e: _sq(e["X"] @ e["w"] + e["b"] - e["y"]),
    [
        S("numpy-declared", "np.sum((X @ w + b - y)**2)", where="b: scalar"),
        S("numpy-implicit", "np.sum((X @ w + b - y)**2)"),
        S("numpy-hstack", "np.linalg.norm(np.hstack([X, np.ones((n, 1))]) @ np.concatenate([w, [b]]) - y)**2"),
        S("matlab-ones", "norm([X ones(n,1)]*[w; b] - y)^2"),
        S("math-block-declared", "||[X, 1] [w; b] - y||^2", where="b: scalar"),
        S("math-block-implicit", "‖[X 1][w; b] − y‖²"),
        S("latex-ones-implicit", r"\|X\mathbf{w} + b\mathbf{1} - \mathbf{y}\|^2"),
        S(
            "latex-bmatrix-declared",
            r"\left\|\begin{bmatrix} X & \mathbf{1} \end{bmatrix}\begin{bmatrix} \mathbf{w} \\ b \end{bmatrix} - "
            r"\mathbf{y}\right\|^2",
            where="b: scalar",
        ),
    ],
    scalars="b: declared in the *-declared spellings, implicit elsewhere; n (rows) only as a size",
)

_p(
    "block-stack",
    "Matrix Cookbook §9.1 (block matrices): ‖[A B][x; z] − c‖² = ‖Ax + Bz − c‖²",
    {"A": "matrix n m", "B": "matrix n p", "x": "vector m", "z": "vector p", "c": "vector n"},
    "z",
    lambda e: _sq(e["A"] @ e["x"] + e["B"] @ e["z"] - e["c"]),
    [
        S("matlab", "norm([A B]*[x; z] - c)^2"),
        S("matlab-comma", "norm([A, B]*[x; z] - c)^2"),
        S("math", "‖[A, B] [x; z] − c‖²"),
        S("numpy-hstack", "np.linalg.norm(np.hstack([A, B]) @ np.concatenate([x, z]) - c)**2"),
        S("numpy-block", "np.linalg.norm(np.block([A, B]) @ np.concatenate([x, z]) - c)**2"),
        S("numpy-plain", "np.linalg.norm(A @ x + B @ z - c)**2"),
        S(
            "latex-bmatrix",
            r"\left\|\begin{bmatrix} A & B \end{bmatrix}\begin{bmatrix} \mathbf{x} \\ \mathbf{z} \end{bmatrix} - "
            r"\mathbf{c}\right\|_2^2",
        ),
        S("latex-plain", r"\|A\mathbf{x} + B\mathbf{z} - \mathbf{c}\|^2"),
    ],
)

# --- classification losses -----------------------------------------------------------------------


def _logreg01(e):
    s = _sigmoid(e["X"] @ e["w"])
    return float(-np.sum(e["y"] * np.log(s) + (1 - e["y"]) * np.log(1 - s)))


_p(
    "logreg-01",
    "CS229 lecture notes (Ng), Part II: logistic regression log-likelihood with 0/1 labels; PRML eq. (4.90)",
    {"X": "matrix n m", "y": "vector n labels01", "w": "vector m"},
    "w",
    _logreg01,
    [
        S("readme", "-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))"),
        S(
            "numpy-explicit",
            "-np.sum(y * np.log(1 / (1 + np.exp(-X @ w))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-X @ w))))",
        ),
        S("numpy-dot", "-(y.T @ np.log(sigmoid(X @ w)) + (1 - y).T @ np.log(1 - sigmoid(X @ w)))"),
        S("numpy-log1p", "np.sum(np.log1p(np.exp(X @ w)) - y * (X @ w))"),
        S("numpy-logaddexp", "np.sum(np.logaddexp(0, X @ w) - y * (X @ w))"),
        S("matlab", "-sum(y .* log(sigmoid(X*w)) + (1 - y) .* log(1 - sigmoid(X*w)))"),
        S("matlab-dot", "-(y'*log(sigmoid(X*w)) + (1 - y)'*log(1 - sigmoid(X*w)))"),
        S("math", "−(yᵀ log(σ(X w)) + (1 − y)ᵀ log(1 − σ(X w)))"),
        S("math-noparen", "−(yᵀ log σ(X w) + (1 − y)ᵀ log(1 − σ(X w)))"),
        S(
            "latex-bold",
            r"-\mathbf{y}^\top\log\sigma(X\mathbf{w}) - (\mathbf{1} - \mathbf{y})^\top\log(\mathbf{1} - \sigma(X\mathbf{w}))",
        ),
        S("latex-brackets", r"-\left[ y^T \log(\sigma(Xw)) + (1 - y)^T \log(1 - \sigma(Xw)) \right]"),
    ],
)

_p(
    "logreg-pm1",
    "Shalev-Shwartz & Ben-David, Understanding Machine Learning §9.3: logistic loss Σᵢ log(1 + exp(−yᵢ⟨w, xᵢ⟩)), y ∈ {±1}",
    {"X": "matrix n m", "y": "vector n pm1", "w": "vector m"},
    "w",
    lambda e: float(np.sum(np.log(1 + np.exp(-e["y"] * (e["X"] @ e["w"]))))),
    [
        S("numpy", "np.sum(np.log(1 + np.exp(-y * (X @ w))))"),
        S("numpy-log1p", "np.sum(np.log1p(np.exp(-y * X.dot(w))))"),
        S("matlab", "sum(log(1 + exp(-y .* (X*w))))"),
        S("math-ones", "1ᵀ log(1 + exp(−y ∘ X w))"),
        S("math-diag", "sum(log(1 + exp(-diag(y) X w)))"),
        S("math-softplus", "sum(softplus(−y ∘ (X w)))"),
        S("latex-odot", r"\mathbf{1}^\top\log\left(\mathbf{1} + \exp(-\mathbf{y}\odot X\mathbf{w})\right)"),
        S("latex-e-power", r"\mathbf{1}^T \log(\mathbf{1} + e^{-\mathbf{y} \circ (X\mathbf{w})})"),
    ],
)

_p(
    "logreg-pm1-l2",
    "Shalev-Shwartz & Ben-David §9.3 with Tikhonov regularisation (§13.1): Σᵢ log(1 + exp(−yᵢ wᵀxᵢ)) + (λ/2)‖w‖²",
    {"X": "matrix n m", "y": "vector n pm1", "w": "vector m", "lam": "scalar"},
    "w",
    lambda e: float(np.sum(np.log(1 + np.exp(-e["y"] * (e["X"] @ e["w"]))))) + 0.5 * e["lam"] * _sq(e["w"]),
    [
        S("numpy-declared", "np.sum(np.log(1 + np.exp(-y * (X @ w)))) + lam / 2 * np.sum(w**2)", where="lam: scalar"),
        S("matlab-implicit", "sum(log(1 + exp(-y .* (X*w)))) + lam/2*norm(w)^2"),
        S("math-implicit", "1ᵀ log(1 + exp(−y ∘ (X w))) + (λ/2) * ‖w‖²"),
        S("math-frac-declared", "1ᵀ log(1 + exp(−y ∘ (X w))) + λ/2 ‖w‖²", where="λ: scalar"),
        S(
            "latex-implicit",
            r"\mathbf{1}^\top\log\left(\mathbf{1} + \exp(-\mathbf{y}\odot X\mathbf{w})\right) + "
            r"\frac{\lambda}{2}\|\mathbf{w}\|_2^2",
        ),
        S(
            "latex-sum-penalty",
            r"\mathbf{1}^\top\log(\mathbf{1} + e^{-\mathbf{y}\odot X\mathbf{w}}) + \frac{\lambda}{2}\sum_j w_j^2",
        ),
    ],
    scalars="λ: declared in the *-declared spellings, implicit elsewhere",
)

_p(
    "logreg-single",
    "Shalev-Shwartz & Ben-David §9.3: logistic loss of one example log(1 + exp(−y w·x)), y = ±1 a scalar",
    {"w": "vector n", "x": "vector n", "y": "scalar pm1"},
    "w",
    lambda e: float(np.log(1 + np.exp(-e["y"] * (e["w"] @ e["x"])))),
    [
        S("numpy-declared", "np.log(1 + np.exp(-y * np.dot(w, x)))", where="y: scalar"),
        S("numpy-implicit", "np.log(1 + np.exp(-y * w.T @ x))"),
        S("math-middle-dot", "log(1 + exp(−y (w · x)))", where="y: scalar"),
        S("math-dot-operator", "log(1 + exp(−y (w ⋅ x)))", where="y: scalar"),
        S("math-implicit", "log(1 + exp(-y w^T x))"),
        S("matlab-implicit", "log(1 + exp(-y*w'*x))"),
        S("latex-declared", r"\log\left(1 + \exp(-y\,\mathbf{w}^\top\mathbf{x})\right)", where="y: scalar"),
        S("latex-cdot-declared", r"\log(1 + e^{-y \, \mathbf{w} \cdot \mathbf{x}})", where="y: scalar"),
        S("latex-langle", r"\log\left(1 + \exp\left(-y\langle \mathbf{w}, \mathbf{x} \rangle\right)\right)", where="y: scalar"),
        S("latex-implicit", r"\ln\left(1 + e^{-y\,\mathbf{w}^\top\mathbf{x}}\right)"),
    ],
    scalars="y: declared in numpy-declared and the math-*dot spellings, implicit elsewhere",
)

_p(
    "softmax-ce-W",
    "PRML eq. (4.108): multiclass cross-entropy −Σₖ tₖ log yₖ, yₖ = softmax(Wx)ₖ; CS229 notes (softmax regression)",
    {"W": "matrix m n", "x": "vector n", "y": "vector m probability"},
    "W",
    lambda e: float(-e["y"] @ np.log(_softmax(e["W"] @ e["x"]))),
    [
        S("numpy", "-y.T @ np.log(softmax(W @ x))"),
        S("numpy-explicit", "-np.sum(y * np.log(np.exp(W @ x) / np.sum(np.exp(W @ x))))"),
        S("numpy-lse", "logsumexp(W @ x) - y.T @ W @ x"),
        S("scipy-log-softmax", "-y @ scipy.special.log_softmax(W @ x)"),
        S("matlab", "-y'*log(softmax(W*x))"),
        S("matlab-explicit", "-sum(y .* log(exp(W*x) ./ sum(exp(W*x))))"),
        S("math", "−yᵀ log(softmax(W x))"),
        S("math-lse", "log(1ᵀ exp(W x)) − yᵀ W x"),
        S("latex-operatorname", r"-\mathbf{y}^\top\log\operatorname{softmax}(W\mathbf{x})"),
        S("latex-lse", r"\log\left(\mathbf{1}^\top\exp(W\mathbf{x})\right) - \mathbf{y}^\top W\mathbf{x}"),
    ],
)

_p(
    "softmax-ce-z",
    "Goodfellow et al., Deep Learning §6.2.2.3: softmax output, −log softmax(z)ᵢ = logsumexp(z) − zᵢ, averaged over y",
    {"z": "vector k", "y": "vector k probability"},
    "z",
    lambda e: float(-e["y"] @ np.log(_softmax(e["z"]))),
    [
        S("numpy", "-np.sum(y * np.log(np.exp(z) / np.sum(np.exp(z))))"),
        S("numpy-lse", "np.log(np.sum(np.exp(z))) - np.dot(y, z)"),
        S("builtin", "-y.T @ log(softmax(z))"),
        S("matlab", "-y'*log(exp(z)/sum(exp(z)))"),
        S("math", "logsumexp(z) − yᵀz"),
        S("latex-logsumexp", r"\operatorname{logsumexp}(\mathbf{z}) - \mathbf{y}^\top\mathbf{z}"),
        S("latex-frac", r"-\mathbf{y}^\top\log\left(\frac{\exp(\mathbf{z})}{\mathbf{1}^\top\exp(\mathbf{z})}\right)"),
        S("latex-sum", r"\log\left(\sum_{j} e^{z_j}\right) - \mathbf{y}^\top\mathbf{z}"),
    ],
)

_p(
    "softmax-jac",
    "Goodfellow et al., Deep Learning §6.2.2.3: softmax(z)ᵢ = exp(zᵢ) / Σⱼ exp(zⱼ); its Jacobian diag(s) − s sᵀ",
    {"z": "vector k"},
    "z",
    lambda e: _softmax(e["z"]),
    [
        S("numpy", "np.exp(z) / np.sum(np.exp(z))"),
        S("builtin", "softmax(z)"),
        S("scipy", "scipy.special.softmax(z)"),
        S("matlab", "exp(z) ./ sum(exp(z))"),
        S("math", "exp(z) / (1ᵀ exp(z))"),
        S("latex-frac", r"\frac{\exp(\mathbf{z})}{\mathbf{1}^\top \exp(\mathbf{z})}"),
        S("latex-operatorname", r"\operatorname{softmax}(\mathbf{z})"),
        S("latex-mathrm", r"\mathrm{softmax}(\mathbf{z})"),
        S("latex-Softmax", r"\operatorname{Softmax}(\mathbf{z})"),
        S("latex-sum", r"\frac{e^{\mathbf{z}}}{\sum_j e^{z_j}}"),
    ],
)

# --- log-sum-exp, barriers, information measures ---------------------------------------------------

_p(
    "lse",
    "Boyd & Vandenberghe §3.1.5: log-sum-exp f(x) = log(e^{x₁} + ⋯ + e^{xₙ})",
    {"x": "vector n"},
    "x",
    lambda e: _lse(e["x"]),
    [
        S("numpy", "np.log(np.sum(np.exp(x)))"),
        S("numpy-method", "np.log(np.exp(x).sum())"),
        S("scipy", "scipy.special.logsumexp(x)"),
        S("builtin", "logsumexp(x)"),
        S("matlab", "log(sum(exp(x)))"),
        S("math-ln", "ln(sum(exp(x)))"),
        S("math-ones", "log(1ᵀ exp(x))"),
        S("latex-sum", r"\log\sum_i e^{x_i}"),
        S("latex-ones", r"\log\left(\mathbf{1}^\top\exp(\mathbf{x})\right)"),
        S("latex-sum-limits", r"\ln \sum_{i=1}^{n} \exp(x_i)"),
    ],
)

_p(
    "lse-affine",
    "Boyd & Vandenberghe App. A.4.2: f(x) = log Σᵢ exp(aᵢᵀx + bᵢ), ∇f = Aᵀz / (1ᵀz)",
    {"A": "matrix n m", "b": "vector n", "x": "vector m"},
    "x",
    lambda e: _lse(e["A"] @ e["x"] + e["b"]),
    [
        S("numpy", "np.log(np.sum(np.exp(A @ x + b)))"),
        S("builtin", "logsumexp(A @ x + b)"),
        S("matlab", "log(sum(exp(A*x + b)))"),
        S("math", "log(1ᵀ exp(A x + b))"),
        S("math-nospace", "log(sum(exp(Ax + b)))", wrt="x"),
        S("latex-ones", r"\log\left(\mathbf{1}^\top\exp(A\mathbf{x} + \mathbf{b})\right)"),
        S("latex-operatorname", r"\operatorname{logsumexp}(Ax + b)"),
    ],
)

_p(
    "log-barrier",
    "Boyd & Vandenberghe §11.2.1: logarithmic barrier φ(x) = −Σᵢ log(bᵢ − aᵢᵀx)",
    {"A": "matrix n m", "b": "vector n", "x": "vector m"},
    "x",
    lambda e: float(-np.sum(np.log(e["b"] - e["A"] @ e["x"]))),
    [
        S("numpy", "-np.sum(np.log(b - A @ x))"),
        S("numpy-method", "-np.log(b - A.dot(x)).sum()"),
        S("matlab", "-sum(log(b - A*x))"),
        S("matlab-ones", "-1'*log(b - A*x)"),
        S("math", "−1ᵀ log(b − A x)"),
        S("latex-ones", r"-\mathbf{1}^\top\log(\mathbf{b} - A\mathbf{x})"),
        S("latex-ones-plain", r"- \mathbf{1}^T \log\left(b - Ax\right)"),
    ],
    adjust=lambda e, rng: e.update(b=e["A"] @ e["x"] + rng.uniform(0.5, 2.0, size=e["b"].shape)),
)

_p(
    "kl-div",
    "Cover & Thomas §2.3: relative entropy D(p‖q) = Σᵢ pᵢ log(pᵢ / qᵢ), differentiated by q",
    {"p": "vector n positive", "q": "vector n positive"},
    "q",
    lambda e: float(np.sum(e["p"] * np.log(e["p"] / e["q"]))),
    [
        S("numpy", "np.sum(p * np.log(p / q))"),
        S("numpy-split", "np.sum(p * (np.log(p) - np.log(q)))"),
        S("numpy-divide", "np.sum(p * np.log(np.divide(p, q)))"),
        S("matlab", "sum(p .* log(p ./ q))"),
        S("math", "pᵀ log(p ⊘ q)"),
        S("latex-sum", r"\sum_i p_i \log\frac{p_i}{q_i}"),
        S("latex-split", r"\mathbf{p}^\top(\log\mathbf{p} - \log\mathbf{q})"),
        S("latex-oslash", r"\mathbf{p}^\top\log(\mathbf{p}\oslash\mathbf{q})"),
    ],
)

_p(
    "entropy",
    "Cover & Thomas §2.1: entropy H(p) = −Σᵢ pᵢ log pᵢ",
    {"p": "vector n positive"},
    "p",
    lambda e: float(-np.sum(e["p"] * np.log(e["p"]))),
    [
        S("numpy", "-np.sum(p * np.log(p))"),
        S("numpy-dot", "-np.dot(p, np.log(p))"),
        S("matlab", "-sum(p .* log(p))"),
        S("matlab-dot", "-p'*log(p)"),
        S("math", "−pᵀ log(p)"),
        S("math-noparen", "−pᵀ log p"),
        S("latex-sum", r"-\sum_i p_i \log p_i"),
        S("latex-dot", r"-\mathbf{p}^\top\log\mathbf{p}"),
    ],
)

_p(
    "sqrt-sum",
    "Boyd & Vandenberghe §3.1.5 (powers x^a, 0 < a < 1, are concave): f(x) = Σᵢ √xᵢ on x > 0",
    {"x": "vector n positive"},
    "x",
    lambda e: float(np.sum(np.sqrt(e["x"]))),
    [
        S("numpy", "np.sum(np.sqrt(x))"),
        S("numpy-power", "np.sum(x**0.5)"),
        S("matlab", "sum(sqrt(x))"),
        S("matlab-power", "sum(x.^(1/2))"),
        S("math-radical", "sum(√x)"),
        S("math-ones", "1ᵀ√x"),
        S("latex-sum", r"\sum_i \sqrt{x_i}"),
        S("latex-ones", r"\mathbf{1}^\top\sqrt{\mathbf{x}}"),
    ],
)

_p(
    "bhattacharyya",
    "Bhattacharyya coefficient BC(p, q) = Σᵢ √(pᵢ qᵢ) (Bhattacharyya 1943; the Hellinger affinity)",
    {"p": "vector n positive", "q": "vector n positive"},
    "p",
    lambda e: float(np.sum(np.sqrt(e["p"] * e["q"]))),
    [
        S("numpy", "np.sum(np.sqrt(p * q))"),
        S("numpy-power", "np.sum((p * q)**0.5)"),
        S("numpy-dot", "np.sqrt(p).T @ np.sqrt(q)"),
        S("matlab", "sum(sqrt(p .* q))"),
        S("matlab-power", "sum((p .* q).^(1/2))"),
        S("math-radical", "sum(√(p ∘ q))"),
        S("math-ones", "1ᵀ √(p ∘ q)"),
        S("latex-sum", r"\sum_i \sqrt{p_i q_i}"),
        S("latex-odot", r"\mathbf{1}^\top\sqrt{\mathbf{p}\odot\mathbf{q}}"),
    ],
)

# --- quadratic, bilinear forms and the Rayleigh quotient --------------------------------------------

_p(
    "quad-general",
    "Matrix Cookbook §2.4.2: ∂(xᵀBx)/∂x = (B + Bᵀ)x",
    {"x": "vector n", "A": "matrix n n"},
    "x",
    lambda e: float(e["x"] @ e["A"] @ e["x"]),
    [
        S("numpy", "x.T @ A @ x"),
        S("numpy-dot", "np.dot(x, A.dot(x))"),
        S("numpy-inner", "np.inner(x, A @ x)"),
        S("numpy-matmul", "np.matmul(x.T, np.matmul(A, x))"),
        S("numpy-1d", "x @ A @ x"),
        S("numpy-method-chain", "x.dot(A).dot(x)"),
        S("numpy-outer-trace", "np.trace(np.outer(x, x) @ A)"),
        S("numpy-full-prefix", "numpy.dot(x, numpy.dot(A, x))"),
        S("jax", "jnp.dot(x, jnp.dot(A, x))"),
        S("matlab", "x'*A*x"),
        S("math", "x^T A x"),
        S("math-unicode", "xᵀ A x"),
        S("math-nospace", "xᵀAx"),
        S("math-trace", "tr(A x xᵀ)"),
        S("math-nbsp", "x^T\u00a0A\u00a0x"),
        S("math-zwsp", "xᵀ\u200bA\u200bx"),
        S("latex-bold", r"\mathbf{x}^\top A\mathbf{x}"),
        S("latex-run", r"x^TAx"),
        S("latex-intercal", r"$x^{\intercal} A x$"),
        S("latex-trace", r"\operatorname{tr}(A\mathbf{x}\mathbf{x}^\top)"),
        S("latex-prime", r"\mathbf{x}'A\mathbf{x}"),
    ],
)

_p(
    "quad-sym",
    "Matrix Cookbook §2.4.2: ∂(xᵀBx)/∂x = 2Bx for symmetric B",
    {"x": "vector n", "A": "matrix n n symmetric"},
    "x",
    lambda e: float(e["x"] @ e["A"] @ e["x"]),
    [
        S("numpy-declared", "x.T @ A @ x", where="A: symmetric"),
        S("numpy-undeclared", "np.dot(x, A @ x)"),
        S("matlab-declared", "x'*A*x", where="A: symmetric"),
        S("math-declared", "xᵀ A x", where="A: symmetric"),
        S("math-middle-dot", "x · (A x)", where="A: symmetric"),
        S("latex-declared", r"\mathbf{x}^\top A\mathbf{x}", where="A: symmetric"),
        S("latex-undeclared", r"x^\top A x"),
    ],
)

_p(
    "quad-linear",
    "Boyd & Vandenberghe App. A.4.1: f(x) = ½xᵀPx + qᵀx + r, P symmetric, ∇f(x) = Px + q",
    {"x": "vector n", "P": "matrix n n symmetric", "q": "vector n", "r": "scalar"},
    "x",
    lambda e: float(0.5 * e["x"] @ e["P"] @ e["x"] + e["q"] @ e["x"] + e["r"]),
    [
        S("numpy-declared", "0.5 * x.T @ P @ x + q.T @ x + r", where="P: symmetric; r: scalar"),
        S("numpy-implicit", "0.5 * x.T @ P @ x + q.T @ x + r"),
        S("numpy-dot", "0.5 * np.dot(x, P.dot(x)) + np.dot(q, x) + r", where="r: scalar"),
        S("matlab-implicit", "1/2*x'*P*x + q'*x + r"),
        S("math-half", "½ xᵀ P x + qᵀ x + r", where="P: symmetric; r: scalar"),
        S("math-frac-implicit", "1/2 x^T P x + q^T x + r"),
        S(
            "latex-declared",
            r"\frac{1}{2}\mathbf{x}^\top P\mathbf{x} + \mathbf{q}^\top\mathbf{x} + r",
            where="P: symmetric; r: scalar",
        ),
        S("latex-implicit", r"\tfrac12 x^T P x + q^T x + r"),
    ],
    scalars="r: declared in numpy-declared, numpy-dot and math-half, implicit elsewhere",
)

_p(
    "bilinear-X",
    "Matrix Cookbook §2.4.1: ∂(aᵀXb)/∂X = abᵀ",
    {"a": "vector n", "X": "matrix n m", "b": "vector m"},
    "X",
    lambda e: float(e["a"] @ e["X"] @ e["b"]),
    [
        S("numpy", "a.T @ X @ b"),
        S("numpy-1d", "a @ X @ b"),
        S("numpy-dot", "np.dot(a, X.dot(b))"),
        S("numpy-outer-trace", "np.trace(np.outer(b, a) @ X)"),
        S("matlab", "a'*X*b"),
        S("math", "aᵀ X b"),
        S("math-braces", "a^{T} X b"),
        S("math-nospace", "aᵀXb", wrt="X"),
        S("math-zwsp", "a^T\u200bX\u200bb"),
        S("latex-bold", r"\mathbf{a}^\top X\mathbf{b}"),
        S("latex-run", r"a^TXb", wrt="X"),
    ],
)

_p(
    "bilinear-y",
    "Matrix Cookbook §2.4.1: ∂(xᵀAy)/∂y = Aᵀx",
    {"x": "vector n", "A": "matrix n m", "y": "vector m"},
    "y",
    lambda e: float(e["x"] @ e["A"] @ e["y"]),
    [
        S("numpy", "x.T @ A @ y"),
        S("numpy-method-chain", "x.dot(A.dot(y))"),
        S("numpy-inner", "np.inner(x, A @ y)"),
        S("matlab", "x'*A*y"),
        S("math", "xᵀ A y"),
        S("math-middle-dot", "x · (A y)"),
        S("latex-bold", r"\mathbf{x}^\top A\mathbf{y}"),
        S("latex-cdot", r"\mathbf{x} \cdot (A\mathbf{y})"),
        S("latex-langle", r"\left\langle \mathbf{x}, A\mathbf{y} \right\rangle"),
    ],
)

_p(
    "bilinear-Xt",
    "Matrix Cookbook §2.4.1: ∂(aᵀXᵀb)/∂X = baᵀ",
    {"a": "vector m", "X": "matrix n m", "b": "vector n"},
    "X",
    lambda e: float(e["a"] @ e["X"].T @ e["b"]),
    [
        S("numpy", "a.T @ X.T @ b"),
        S("numpy-transpose", "a.T @ np.transpose(X) @ b"),
        S("numpy-method", "a.T @ X.transpose() @ b"),
        S("matlab", "a'*X'*b"),
        S("matlab-dot-quote", "a.'*X.'*b"),
        S("math", "aᵀ Xᵀ b"),
        S("math-caret", "a^T X^T b"),
        S("latex-bold", r"\mathbf{a}^\top X^\top\mathbf{b}"),
        S("latex-caret", r"a^T X^T b"),
        S("latex-mathsf", r"\mathbf{a}^\mathsf{T} X^\mathsf{T} \mathbf{b}"),
    ],
)

_p(
    "rayleigh",
    "Horn & Johnson, Matrix Analysis §4.2: Rayleigh quotient R(x) = xᵀAx / xᵀx, A symmetric",
    {"x": "vector n", "A": "matrix n n symmetric"},
    "x",
    lambda e: float(e["x"] @ e["A"] @ e["x"] / (e["x"] @ e["x"])),
    [
        S("numpy", "(x.T @ A @ x) / (x.T @ x)"),
        S("numpy-dot", "np.dot(x, A @ x) / np.dot(x, x)"),
        S("matlab", "(x'*A*x)/(x'*x)"),
        S("math", "xᵀ A x / xᵀ x", where="A: symmetric"),
        S("math-caret", "(x^T A x)/(x^T x)"),
        S("math-norm", "xᵀ A x / ‖x‖²"),
        S("math-nospace", "xᵀAx / xᵀx"),
        S("latex-frac", r"\frac{\mathbf{x}^\top A\mathbf{x}}{\mathbf{x}^\top\mathbf{x}}"),
        S("latex-norm", r"\frac{x^T A x}{\|x\|_2^2}"),
    ],
)

_p(
    "fisher-lda",
    "PRML §4.1.4: Fisher criterion J(w) = wᵀS_B w / wᵀS_W w",
    {"w": "vector n", "S_B": "matrix n n symmetric", "S_W": "matrix n n spd"},
    "w",
    lambda e: float((e["w"] @ e["S_B"] @ e["w"]) / (e["w"] @ e["S_W"] @ e["w"])),
    [
        S("numpy", "(w.T @ S_B @ w) / (w.T @ S_W @ w)"),
        S("matlab", "(w'*S_B*w)/(w'*S_W*w)"),
        S("math", "wᵀ S_B w / wᵀ S_W w"),
        S("math-paren", "(wᵀ S_B w) / (wᵀ S_W w)"),
        S("latex-frac", r"\frac{\mathbf{w}^\top S_B\mathbf{w}}{\mathbf{w}^\top S_W\mathbf{w}}"),
        S("latex-dfrac", r"\dfrac{w^T S_B w}{w^T S_W w}"),
    ],
)

_p(
    "xdiagw",
    "Matrix Cookbook §2.4 with a diagonal weight: xᵀ diag(w) x = Σᵢ wᵢxᵢ², differentiated by w",
    {"x": "vector n", "w": "vector n"},
    "w",
    lambda e: float(np.sum(e["w"] * e["x"] ** 2)),
    [
        S("numpy-diag", "x.T @ np.diag(w) @ x"),
        S("numpy-sum", "np.sum(w * x**2)"),
        S("matlab-diag", "x'*diag(w)*x"),
        S("matlab-dot", "w'*(x.^2)"),
        S("math-diag", "xᵀ diag(w) x"),
        S("math-middle-dot", "w · (x ∘ x)"),
        S("latex-diag", r"\mathbf{x}^\top\operatorname{diag}(\mathbf{w})\,\mathbf{x}"),
        S("latex-odot", r"\mathbf{w}^\top(\mathbf{x}\odot\mathbf{x})"),
        S("latex-sum", r"\sum_i w_i x_i^2"),
    ],
)

_p(
    "diag-trace",
    "Matrix Cookbook §2.5.1 with a diagonal factor: tr(diag(x) A) = Σᵢ Aᵢᵢ xᵢ",
    {"x": "vector n", "A": "matrix n n"},
    "x",
    lambda e: float(np.trace(np.diag(e["x"]) @ e["A"])),
    [
        S("numpy", "np.trace(np.diag(x) @ A)"),
        S("numpy-diag-sum", "np.sum(np.diag(A) * x)"),
        S("numpy-1d", "np.diag(A) @ x"),
        S("matlab", "trace(diag(x)*A)"),
        S("matlab-dot", "diag(A)'*x"),
        S("math", "tr(diag(x) A)"),
        S("latex-operatorname", r"\operatorname{tr}(\operatorname{diag}(\mathbf{x})A)"),
        S("latex-mathrm", r"\mathrm{tr}(\mathrm{diag}(x) A)"),
    ],
)

# --- traces (Matrix Cookbook §2.5) --------------------------------------------------------------------

_p(
    "trace-AXB",
    "Matrix Cookbook §2.5.1: ∂tr(AXB)/∂X = AᵀBᵀ",
    {"A": "matrix p n", "X": "matrix n m", "B": "matrix m p"},
    "X",
    lambda e: float(np.trace(e["A"] @ e["X"] @ e["B"])),
    [
        S("numpy", "np.trace(A @ X @ B)"),
        S("numpy-dot", "np.trace(A.dot(X).dot(B))"),
        S("numpy-diag-sum", "np.sum(np.diag(A @ X @ B))"),
        S("numpy-matmul", "np.trace(np.matmul(np.matmul(A, X), B))"),
        S("matlab", "trace(A*X*B)"),
        S("math", "tr(A X B)"),
        S("math-nospace", "tr(AXB)", wrt="X"),
        S("latex-operatorname", r"\operatorname{tr}(AXB)"),
        S("latex-Tr", r"\operatorname{Tr}\left(A X B\right)"),
        S("latex-text", r"\text{tr}(AXB)"),
    ],
)

_p(
    "trace-XtAX",
    "Matrix Cookbook §2.5.2: ∂tr(XᵀBX)/∂X = BX + BᵀX",
    {"A": "matrix n n", "X": "matrix n m"},
    "X",
    lambda e: float(np.trace(e["X"].T @ e["A"] @ e["X"])),
    [
        S("numpy", "np.trace(X.T @ A @ X)"),
        S("numpy-hadamard", "np.sum(X * (A @ X))"),
        S("matlab", "trace(X'*A*X)"),
        S("matlab-hadamard", "sum(sum(X .* (A*X)))"),
        S("math", "tr(Xᵀ A X)"),
        S("math-caret", "tr(X^T A X)"),
        S("math-nnbsp", "tr(Xᵀ\u202fA\u202fX)"),
        S("latex-operatorname", r"\operatorname{tr}(X^\top AX)"),
        S("latex-mathrm", r"\mathrm{tr}\left(X^T A X\right)"),
    ],
)

_p(
    "trace-XAXt",
    "Matrix Cookbook §2.5.2: ∂tr(XBXᵀ)/∂X = XBᵀ + XB",
    {"X": "matrix n m", "A": "matrix m m"},
    "X",
    lambda e: float(np.trace(e["X"] @ e["A"] @ e["X"].T)),
    [
        S("numpy", "np.trace(X @ A @ X.T)"),
        S("numpy-dot", "np.trace(X.dot(A).dot(X.T))"),
        S("matlab", "trace(X*A*X')"),
        S("math", "tr(X A Xᵀ)"),
        S("math-caret", "tr(X A X^T)"),
        S("latex-operatorname", r"\operatorname{tr}(XAX^\top)"),
        S("latex-mathsf", r"\text{tr}(X A X^{\mathsf T})"),
    ],
)

_p(
    "trace-XinvA",
    "Matrix Cookbook §2.5.1 / §2.2: ∂tr(X⁻¹A)/∂X = −X⁻ᵀAᵀX⁻ᵀ",
    {"X": "matrix n n invertible", "A": "matrix n n"},
    "X",
    lambda e: float(np.trace(_inv(e["X"]) @ e["A"])),
    [
        S("numpy", "np.trace(np.linalg.inv(X) @ A)"),
        S("numpy-solve", "np.trace(np.linalg.solve(X, A))"),
        S("matlab", "trace(inv(X)*A)"),
        S("matlab-backslash", "trace(X\\A)"),
        S("math", "tr(X⁻¹ A)"),
        S("math-braces", "tr(X^{-1} A)"),
        S("math-caret", "tr(X^-1 A)"),
        S("latex-operatorname", r"\operatorname{tr}(X^{-1}A)"),
        S("latex-mathrm", r"\mathrm{tr}\left(X^{-1} A\right)"),
    ],
)

_p(
    "trace-AXinvB",
    "Matrix Cookbook §2.5.1: ∂tr(AX⁻¹B)/∂X = −(X⁻¹BAX⁻¹)ᵀ",
    {"A": "matrix p n", "X": "matrix n n invertible", "B": "matrix n p"},
    "X",
    lambda e: float(np.trace(e["A"] @ _inv(e["X"]) @ e["B"])),
    [
        S("numpy", "np.trace(A @ np.linalg.inv(X) @ B)"),
        S("matlab", "trace(A*inv(X)*B)"),
        S("matlab-slash", "trace(A/X*B)"),
        S("math", "tr(A X⁻¹ B)"),
        S("latex-operatorname", r"\operatorname{tr}(AX^{-1}B)"),
    ],
)

_p(
    "trace-inv",
    "Matrix Cookbook §2.5.1: ∂tr(X⁻¹)/∂X = −(X⁻²)ᵀ",
    {"X": "matrix n n invertible"},
    "X",
    lambda e: float(np.trace(_inv(e["X"]))),
    [
        S("numpy", "np.trace(np.linalg.inv(X))"),
        S("matlab", "trace(inv(X))"),
        S("math", "tr(X⁻¹)"),
        S("math-braces", "tr(X^{-1})"),
        S("latex-operatorname", r"\operatorname{tr}(X^{-1})"),
        S("latex-Tr", r"\operatorname{Tr}\left(X^{-1}\right)"),
    ],
)

_p(
    "trace-X2",
    "Matrix Cookbook §2.5.3: ∂tr(X²)/∂X = 2Xᵀ",
    {"X": "matrix n n"},
    "X",
    lambda e: float(np.trace(e["X"] @ e["X"])),
    [
        S("numpy", "np.trace(X @ X)"),
        S("numpy-matrix-power", "np.trace(np.linalg.matrix_power(X, 2))"),
        S("numpy-dot", "np.trace(X.dot(X))"),
        S("matlab", "trace(X^2)"),
        S("matlab-star", "trace(X*X)"),
        S("math", "tr(X²)"),
        S("latex-operatorname", r"\operatorname{tr}(X^2)"),
        S("latex-mathrm", r"\mathrm{tr}(XX)"),
    ],
)

_p(
    "matpow-3",
    "Matrix Cookbook §2.4.3: ∂(aᵀXⁿb)/∂X = Σᵣ (Xʳ)ᵀ abᵀ (Xⁿ⁻¹⁻ʳ)ᵀ, here n = 3",
    {"a": "vector n", "X": "matrix n n", "b": "vector n"},
    "X",
    lambda e: float(e["a"] @ np.linalg.matrix_power(e["X"], 3) @ e["b"]),
    [
        S("numpy", "a.T @ X @ X @ X @ b"),
        S("numpy-matrix-power", "a.T @ np.linalg.matrix_power(X, 3) @ b"),
        S("matlab", "a'*X^3*b"),
        S("math", "aᵀ X³ b"),
        S("math-caret", "a^T X^3 b"),
        S("latex-bold", r"\mathbf{a}^\top X^3\mathbf{b}"),
        S("latex-braces", r"a^T X^{3} b"),
    ],
)

_p(
    "pca",
    "PRML §12.1.1: PCA maximises the projected variance tr(WᵀSW) (S the covariance)",
    {"W": "matrix n m", "S": "matrix n n symmetric"},
    "W",
    lambda e: float(np.trace(e["W"].T @ e["S"] @ e["W"])),
    [
        S("numpy", "np.trace(W.T @ S @ W)"),
        S("matlab", "trace(W'*S*W)"),
        S("math", "tr(Wᵀ S W)", where="S: symmetric"),
        S("math-caret", "tr(W^T S W)"),
        S("latex-operatorname", r"\operatorname{tr}(W^\top SW)"),
        S("latex-declared", r"\mathrm{tr}\left(W^{\top} S W\right)", where="S: symmetric"),
    ],
)

# --- norms and Frobenius objectives ---------------------------------------------------------------

_p(
    "frob-sq",
    "Matrix Cookbook §2.7.1: ∂‖X‖²_F/∂X = 2X",
    {"X": "matrix n m"},
    "X",
    lambda e: _sq(e["X"]),
    [
        S("numpy-fro", "np.linalg.norm(X, 'fro')**2"),
        S("numpy-fro-double-quotes", 'np.linalg.norm(X, "fro")**2'),
        S("numpy-fro-keyword", "np.linalg.norm(X, ord='fro')**2"),
        S("numpy-sum", "np.sum(X**2)"),
        S("numpy-trace", "np.trace(X.T @ X)"),
        S("numpy-method", "np.square(X).sum()"),
        S("matlab", "norm(X, 'fro')^2"),
        S("matlab-colon", "sum(X(:).^2)"),
        S("math", "‖X‖_F²"),
        S("math-caret", "||X||_F^2"),
        S("math-trace", "tr(XᵀX)"),
        S("latex-F", r"\|X\|_F^2"),
        S("latex-lVert", r"\lVert X \rVert_{F}^{2}"),
        S("latex-trace", r"\operatorname{tr}(X^\top X)"),
    ],
)

_p(
    "frob-mf-U",
    "Udell et al., Generalized Low Rank Models (2016) §2: matrix factorisation ‖X − UVᵀ‖²_F, differentiated by U",
    {"X": "matrix n m", "U": "matrix n p", "V": "matrix m p"},
    "U",
    lambda e: _sq(e["X"] - e["U"] @ e["V"].T),
    [
        S("numpy-fro", "np.linalg.norm(X - U @ V.T, 'fro')**2"),
        S("numpy-sum", "np.sum((X - U @ V.T)**2)"),
        S("numpy-trace", "np.trace((X - U.dot(V.T)).T.dot(X - U.dot(V.T)))"),
        S("matlab", "norm(X - U*V', 'fro')^2"),
        S("math", "||X - U V^T||_F^2"),
        S("math-unicode", "‖X − U Vᵀ‖_F²"),
        S("math-nospace", "‖X − UVᵀ‖_F²", wrt="U"),
        S("latex-F", r"\|X - UV^\top\|_F^2"),
        S("latex-mathrm-F", r"\left\| X - U V^{T} \right\|_{\mathrm{F}}^{2}"),
    ],
)

_p(
    "frob-mf-V",
    "Udell et al., Generalized Low Rank Models (2016) §2: matrix factorisation ‖X − UVᵀ‖²_F, differentiated by V",
    {"X": "matrix n m", "U": "matrix n p", "V": "matrix m p"},
    "V",
    lambda e: _sq(e["X"] - e["U"] @ e["V"].T),
    [
        S("numpy-fro", "np.linalg.norm(X - U @ V.T, 'fro')**2"),
        S("numpy-sum", "np.sum((X - U @ V.T)**2)"),
        S("matlab", "norm(X - U*V', 'fro')^2"),
        S("math", "||X - U V^T||_F^2"),
        S("math-unicode", "‖X − U Vᵀ‖_F²"),
        S("latex-F", r"\|X - UV^\top\|_F^2"),
        S("latex-lVert", r"\lVert X - UV^T\rVert_F^2"),
    ],
)

_p(
    "norm",
    "Matrix Cookbook §2.6.1: ∂‖x‖₂/∂x = x / ‖x‖₂",
    {"x": "vector n"},
    "x",
    lambda e: float(np.sqrt(e["x"] @ e["x"])),
    [
        S("numpy", "np.linalg.norm(x)"),
        S("numpy-sqrt", "np.sqrt(x.T @ x)"),
        S("numpy-sqrt-sum", "np.sqrt(np.sum(x**2))"),
        S("numpy-sqrt-dot", "np.sqrt(np.dot(x, x))"),
        S("matlab", "norm(x)"),
        S("matlab-sqrt", "sqrt(x'*x)"),
        S("math", "‖x‖"),
        S("math-sub2", "‖x‖₂"),
        S("math-ascii-sub2", "||x||_2"),
        S("math-radical", "√(xᵀx)"),
        S("latex-bold", r"\|\mathbf{x}\|"),
        S("latex-sub2", r"\|x\|_2"),
        S("latex-sqrt", r"\sqrt{\mathbf{x}^\top\mathbf{x}}"),
        S("latex-vec", r"\|\vec{x}\|_2"),
    ],
)

_p(
    "norm-sq",
    "Matrix Cookbook §2.6.1: ∂‖x‖₂²/∂x = 2x",
    {"x": "vector n"},
    "x",
    lambda e: _sq(e["x"]),
    [
        S("numpy", "x.T @ x"),
        S("numpy-dot", "np.dot(x, x)"),
        S("numpy-inner", "np.inner(x, x)"),
        S("numpy-1d", "x @ x"),
        S("numpy-power", "np.sum(x ** 2)"),
        S("numpy-square", "np.sum(np.square(x))"),
        S("numpy-norm", "np.linalg.norm(x)**2"),
        S("numpy-abs", "np.sum(np.abs(x)**2)"),
        S("matlab", "x'*x"),
        S("matlab-power", "sum(x.^2)"),
        S("math", "‖x‖²"),
        S("math-sub2", "‖x‖₂²"),
        S("math-caret", "||x||^2"),
        S("math-transpose", "xᵀx"),
        S("latex-sub2", r"\|\mathbf{x}\|_2^2"),
        S("latex-transpose", r"\mathbf{x}^\top\mathbf{x}"),
        S("latex-sum", r"\sum_i x_i^2"),
    ],
)

_p(
    "norm-affine",
    "Boyd & Vandenberghe §6.1: norm approximation ‖Ax − b‖₂, gradient Aᵀ(Ax − b)/‖Ax − b‖₂",
    {"A": "matrix n m", "x": "vector m", "b": "vector n"},
    "x",
    lambda e: float(np.linalg.norm(e["A"] @ e["x"] - e["b"])),
    [
        S("numpy", "np.linalg.norm(A @ x - b)"),
        S("matlab", "norm(A*x - b)"),
        S("math", "‖A x − b‖"),
        S("math-nospace", "‖Ax − b‖", wrt="x"),
        S("math-sub2", "||A x - b||_2"),
        S("math-radical", "√((A x − b)ᵀ(A x − b))"),
        S("latex-sub2", r"\|A\mathbf{x} - \mathbf{b}\|_2"),
        S("latex-lVert", r"\left\lVert Ax - b\right\rVert", wrt="x"),
    ],
)

_p(
    "l1-regression",
    "Boyd & Vandenberghe §6.1.1: ℓ1-norm approximation ‖Ax − b‖₁ (least absolute deviations)",
    {"A": "matrix n m", "x": "vector m", "b": "vector n"},
    "x",
    lambda e: float(np.sum(np.abs(e["A"] @ e["x"] - e["b"]))),
    [
        S("numpy", "np.sum(np.abs(A @ x - b))"),
        S("numpy-norm", "np.linalg.norm(A @ x - b, 1)"),
        S("matlab", "norm(A*x - b, 1)"),
        S("matlab-sum", "sum(abs(A*x - b))"),
        S("math", "||A x - b||_1"),
        S("math-unicode", "‖A x − b‖₁"),
        S("latex-sub1", r"\|A\mathbf{x} - \mathbf{b}\|_1"),
        S("latex-left-right", r"\left\| Ax - b \right\|_1", wrt="x"),
    ],
)

_p(
    "norm-product",
    "Matrix Cookbook §2.6.1 with the product rule: ∂(‖x‖‖y‖)/∂x = ‖y‖ x / ‖x‖",
    {"x": "vector n", "y": "vector m"},
    "x",
    lambda e: float(np.linalg.norm(e["x"]) * np.linalg.norm(e["y"])),
    [
        S("numpy", "np.linalg.norm(x) * np.linalg.norm(y)"),
        S("matlab", "norm(x)*norm(y)"),
        S("math-space", "‖x‖ ‖y‖"),
        S("math-adjacent", "‖x‖‖y‖"),
        S("math-star", "||x|| * ||y||"),
        S("math-middle-dot", "‖x‖·‖y‖"),
        S("math-dot-operator", "‖x‖ ⋅ ‖y‖"),
        S("latex-thin-space", r"\|\mathbf{x}\|\,\|\mathbf{y}\|"),
        S("latex-cdot", r"\|x\|_2 \cdot \|y\|_2"),
    ],
)

_p(
    "cosine",
    "Cosine similarity xᵀy / (‖x‖‖y‖) (Manning, Raghavan & Schütze, Introduction to Information Retrieval §6.3.1)",
    {"x": "vector n", "y": "vector n"},
    "x",
    lambda e: float(e["x"] @ e["y"] / (np.linalg.norm(e["x"]) * np.linalg.norm(e["y"]))),
    [
        S("numpy", "x.T @ y / (np.linalg.norm(x) * np.linalg.norm(y))"),
        S("numpy-dot", "np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y))"),
        S("matlab", "x'*y/(norm(x)*norm(y))"),
        S("math", "xᵀy / (‖x‖ ‖y‖)"),
        S("math-middle-dot", "x · y / (‖x‖ ‖y‖)"),
        S("latex-frac", r"\frac{\mathbf{x}^\top\mathbf{y}}{\|\mathbf{x}\|\|\mathbf{y}\|}"),
        S("latex-dfrac-cdot", r"\dfrac{x \cdot y}{\|x\|_2 \, \|y\|_2}"),
    ],
)

_p(
    "col-sum",
    "Column sums 1ᵀX (NumPy X.sum(axis=0), MATLAB sum(X) / sum(X, 1)): ‖Xᵀ1‖², differentiated by X",
    {"X": "matrix n m"},
    "X",
    lambda e: _sq(np.sum(e["X"], axis=0)),
    [
        S("numpy", "np.sum(np.sum(X, axis=0)**2)"),
        S("numpy-method", "np.sum(X.sum(axis=0)**2)"),
        S("matlab", "sum(sum(X).^2)"),
        S("matlab-dim", "sum(sum(X, 1).^2)"),
        S("math", "‖Xᵀ 1‖²"),
        S("math-caret", "||X^T 1||^2"),
        S("latex-ones", r"\|X^\top\mathbf{1}\|^2"),
        S("latex-ones-row", r"\left\|\mathbf{1}^\top X\right\|_2^2"),
    ],
)

_p(
    "row-sum",
    "Row sums X1 (NumPy X.sum(axis=1), MATLAB sum(X, 2)): ‖X1‖², differentiated by X",
    {"X": "matrix n m", "m": "scalar =3"},
    "X",
    lambda e: _sq(np.sum(e["X"], axis=1)),
    [
        S("numpy", "np.sum(np.sum(X, axis=1)**2)"),
        S("numpy-method", "np.sum(X.sum(axis=1)**2)"),
        S("numpy-ones", "np.linalg.norm(X @ np.ones(m))**2"),
        S("matlab", "sum(sum(X, 2).^2)"),
        S("matlab-ones", "norm(X*ones(m, 1))^2"),
        S("math", "‖X 1‖²"),
        S("latex-ones", r"\|X\mathbf{1}\|^2"),
        S("latex-ones-sized", r"\|X\mathbf{1}_m\|_2^2"),
    ],
    scalars="m only as a size (np.ones(m), ones(m, 1))",
)

_p(
    "variance",
    "Population variance (1/n) Σᵢ (xᵢ − x̄)² (NumPy np.var, MATLAB var(x, 1))",
    {"x": "vector n", "n": "scalar =5"},
    "x",
    lambda e: float(np.mean((e["x"] - np.mean(e["x"])) ** 2)),
    [
        S("numpy-var", "np.var(x)"),
        S("numpy-mean", "np.mean((x - np.mean(x))**2)"),
        S("numpy-method", "np.mean((x - x.mean())**2)"),
        S("matlab", "mean((x - mean(x)).^2)"),
        S("math-declared", "1/n * ‖x − sum(x)/n‖²", where="n: scalar"),
        S(
            "latex-centering",
            r"\frac{1}{n}\left\|\mathbf{x} - \frac{1}{n}\mathbf{1}\mathbf{1}^\top\mathbf{x}\right\|^2",
            where="n: scalar",
        ),
        S("latex-sums", r"\frac{1}{n} \sum_{i=1}^n \left(x_i - \frac{1}{n}\sum_j x_j\right)^2", where="n: scalar"),
    ],
    scalars="n: declared in math-declared",
)

# --- elementwise maps and layers (Jacobians) --------------------------------------------------------

_p(
    "affine-jac",
    "Matrix Cookbook §2.4.1: ∂(Ax + b)/∂x = A",
    {"A": "matrix n m", "x": "vector m", "b": "vector n"},
    "x",
    lambda e: e["A"] @ e["x"] + e["b"],
    [
        S("numpy", "A @ x + b"),
        S("numpy-dot", "np.dot(A, x) + b"),
        S("numpy-method", "A.dot(x) + b"),
        S("numpy-matmul", "np.matmul(A, x) + b"),
        S("matlab", "A*x + b"),
        S("math", "A x + b"),
        S("math-nospace", "Ax + b", wrt="x"),
        S("latex-bold", r"A\mathbf{x} + \mathbf{b}"),
        S("latex-run", r"$Ax + b$", wrt="x"),
    ],
)

_p(
    "transpose-jac",
    "Matrix Cookbook §2.4.1: ∂(Aᵀx)/∂x = Aᵀ",
    {"A": "matrix n m", "x": "vector n"},
    "x",
    lambda e: e["A"].T @ e["x"],
    [
        S("numpy", "A.T @ x"),
        S("numpy-transpose", "np.transpose(A) @ x"),
        S("numpy-method", "A.transpose() @ x"),
        S("numpy-1d", "x @ A"),
        S("matlab", "A' * x"),
        S("matlab-dot-quote", "A.' * x"),
        S("math", "Aᵀ x"),
        S("math-caret", "A^T x"),
        S("latex-bold", r"A^\top\mathbf{x}"),
        S("latex-caret", r"A^T x"),
    ],
)

_p(
    "outer-jac",
    "Matrix Cookbook §2.4.1 (outer product): ∂(a bᵀx)/∂x = a bᵀ",
    {"a": "vector n", "b": "vector m", "x": "vector m"},
    "x",
    lambda e: np.outer(e["a"], e["b"]) @ e["x"],
    [
        S("numpy-outer", "np.outer(a, b) @ x"),
        S("numpy-scale", "a * np.dot(b, x)"),
        S("numpy", "(a @ b.T) @ x"),
        S("matlab", "a*b'*x"),
        S("math", "a bᵀ x"),
        S("math-middle-dot", "a (b · x)"),
        S("latex-bold", r"\mathbf{a}\mathbf{b}^\top\mathbf{x}"),
        S("latex-paren", r"a\,(b^T x)"),
    ],
)

_p(
    "solve-jac",
    "Matrix Cookbook §2.2 (linear systems): ∂(A⁻¹b)/∂b = A⁻¹",
    {"A": "matrix n n invertible", "b": "vector n"},
    "b",
    lambda e: np.linalg.solve(e["A"], e["b"]),
    [
        S("numpy-solve", "np.linalg.solve(A, b)"),
        S("numpy-inv", "np.linalg.inv(A) @ b"),
        S("matlab-backslash", "A\\b"),
        S("matlab-inv", "inv(A)*b"),
        S("math-braces", "A^{-1} b"),
        S("math", "A⁻¹ b"),
        S("math-nospace", "A⁻¹b"),
        S("latex-inverse", r"A^{-1}\mathbf{b}"),
        S("latex-bold", r"\mathbf{A}^{-1}\mathbf{b}"),
    ],
)

_p(
    "square-jac",
    "Element-wise square: ∂(x ∘ x)/∂x = diag(2x)",
    {"x": "vector n"},
    "x",
    lambda e: e["x"] ** 2,
    [
        S("numpy", "x ** 2"),
        S("numpy-square", "np.square(x)"),
        S("numpy-power", "np.power(x, 2)"),
        S("numpy-multiply", "np.multiply(x, x)"),
        S("plain-star", "x * x"),
        S("matlab", "x.^2"),
        S("matlab-times", "x .* x"),
        S("math-circ", "x ∘ x"),
        S("math-odot", "x ⊙ x"),
        S("latex-odot", r"\mathbf{x}\odot\mathbf{x}"),
        S("latex-circ", r"x \circ x"),
    ],
)

_p(
    "tanh-layer",
    "Goodfellow et al., Deep Learning §6.5: layer h = tanh(Wx + b), Jacobian diag(1 − h²) W",
    {"W": "matrix m n", "x": "vector n", "b": "vector m"},
    "x",
    lambda e: np.tanh(e["W"] @ e["x"] + e["b"]),
    [
        S("numpy", "np.tanh(W @ x + b)"),
        S("numpy-dot", "np.tanh(W.dot(x) + b)"),
        S("numpy-matmul", "np.tanh(np.matmul(W, x) + b)"),
        S("jax", "jnp.tanh(W @ x + b)"),
        S("matlab", "tanh(W*x + b)"),
        S("math", "tanh(W x + b)"),
        S("math-nospace", "tanh(Wx + b)", wrt="x"),
        S("latex-bold", r"\tanh(W\mathbf{x} + \mathbf{b})"),
        S("latex-left-right", r"\tanh\left(Wx + b\right)", wrt="x"),
    ],
)

_p(
    "tanh-layer-b",
    "Goodfellow et al., Deep Learning §6.5: layer h = tanh(Wx + b), ∂h/∂b = diag(1 − h²)",
    {"W": "matrix m n", "x": "vector n", "b": "vector m"},
    "b",
    lambda e: np.tanh(e["W"] @ e["x"] + e["b"]),
    [
        S("numpy", "np.tanh(W @ x + b)"),
        S("matlab", "tanh(W*x + b)"),
        S("math", "tanh(W x + b)"),
        S("latex-bold", r"\tanh(W\mathbf{x} + \mathbf{b})"),
    ],
)

_p(
    "sigmoid-layer",
    "Goodfellow et al., Deep Learning §6.3.2 / eq. (3.30): σ(Wx + b), σ(z) = 1 / (1 + e^−z)",
    {"W": "matrix m n", "x": "vector n", "b": "vector m"},
    "x",
    lambda e: _sigmoid(e["W"] @ e["x"] + e["b"]),
    [
        S("numpy", "1 / (1 + np.exp(-(W @ x + b)))"),
        S("builtin", "sigmoid(W @ x + b)"),
        S("scipy", "scipy.special.expit(W @ x + b)"),
        S("matlab", "1 ./ (1 + exp(-(W*x + b)))"),
        S("math", "σ(W x + b)"),
        S("math-logistic", "logistic(W x + b)"),
        S("latex-sigma", r"\sigma(W\mathbf{x} + \mathbf{b})"),
        S("latex-frac", r"\frac{1}{1 + e^{-(W\mathbf{x} + \mathbf{b})}}"),
        S("latex-Sigmoid", r"\operatorname{Sigmoid}(W\mathbf{x} + \mathbf{b})"),
    ],
)

_p(
    "relu-layer",
    "Goodfellow et al., Deep Learning §6.3.1: rectified linear unit g(z) = max{0, z}, layer g(Wx + b)",
    {"W": "matrix m n", "x": "vector n", "b": "vector m"},
    "x",
    lambda e: np.maximum(0.0, e["W"] @ e["x"] + e["b"]),
    [
        S("numpy", "np.maximum(0, W @ x + b)"),
        S("numpy-swapped", "np.maximum(W @ x + b, 0)"),
        S("numpy-clip", "np.clip(W @ x + b, 0, None)"),
        S("matlab", "max(0, W*x + b)"),
        S("math", "max(0, W x + b)"),
        S("builtin", "relu(W x + b)"),
        S("latex-max", r"\max(0, W\mathbf{x} + \mathbf{b})"),
        S("latex-relu", r"\operatorname{ReLU}(W\mathbf{x} + \mathbf{b})"),
    ],
)

# --- one-hidden-layer networks ------------------------------------------------------------------------

_MLP_VARS = {"W1": "matrix p n", "b1": "vector p", "W2": "matrix m p", "b2": "vector m", "x": "vector n", "y": "vector m"}


def _mlp_tanh(e):
    return 0.5 * _sq(e["W2"] @ np.tanh(e["W1"] @ e["x"] + e["b1"]) + e["b2"] - e["y"])


_MLP_SPELLINGS = [
    S("numpy", "0.5 * np.sum((W2 @ np.tanh(W1 @ x + b1) + b2 - y)**2)"),
    S("numpy-norm", "0.5 * np.linalg.norm(W2.dot(np.tanh(W1.dot(x) + b1)) + b2 - y)**2"),
    S("matlab", "0.5*norm(W2*tanh(W1*x + b1) + b2 - y)^2"),
    S("math", "1/2 ||W2 tanh(W1 x + b1) + b2 - y||^2"),
    S("math-star", "0.5 * ||W2 tanh(W1 x + b1) + b2 - y||^2"),
    S("math-subscripts", "½‖W₂ tanh(W₁ x + b₁) + b₂ − y‖²"),
    S("latex-subscripts", r"\frac{1}{2}\left\|W_2\tanh(W_1 x + b_1) + b_2 - y\right\|_2^2"),
]

for _name in ("W1", "b1", "W2", "b2"):
    _p(
        f"mlp-tanh-{_name}",
        f"Goodfellow et al., Deep Learning §6.5.4 (back-propagation): ½‖W₂ tanh(W₁x + b₁) + b₂ − y‖², by {_name}",
        dict(_MLP_VARS),
        _name,
        _mlp_tanh,
        # the subscripted spelling once more, differentiated by the ASCII name of the variable
        list(_MLP_SPELLINGS)
        + [
            S("math-subscripts-ascii-wrt", "½‖W₂ tanh(W₁ x + b₁) + b₂ − y‖²", wrt=_name),
            # bold matrices and vectors, as in Goodfellow et al.; differentiated by W_1 (or b_1, ...) as written
            S(
                "latex-bold",
                r"\tfrac12 \left\| \mathbf{W}_2 \tanh(\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1)"
                r" + \mathbf{b}_2 - \mathbf{y} \right\|^2",
                wrt=f"{_name[0]}_{_name[1]}",
            ),
            S(
                "latex-ascii-wrt",
                r"\frac{1}{2}\|W_2 \tanh(W_1\mathbf{x} + \mathbf{b}_1) + \mathbf{b}_2 - \mathbf{y}\|_2^2",
                wrt=_name,
            ),
        ],
    )

_p(
    "mlp-relu-W1",
    "Goodfellow et al., Deep Learning §6.1 (a ReLU network) with squared loss ½‖W₂ max(0, W₁x) − y‖², by W₁",
    {"W1": "matrix p n", "W2": "matrix m p", "x": "vector n", "y": "vector m"},
    "W1",
    lambda e: 0.5 * _sq(e["W2"] @ np.maximum(0.0, e["W1"] @ e["x"]) - e["y"]),
    [
        S("numpy", "0.5 * np.sum((W2 @ np.maximum(0, W1 @ x) - y)**2)"),
        S("matlab", "1/2*norm(W2*max(0, W1*x) - y)^2"),
        S("math", "0.5 * ||W2 max(0, W1 x) - y||^2"),
        S("math-subscripts", "½‖W₂ relu(W₁ x) − y‖²"),
        S("latex-max", r"\frac{1}{2}\left\|W_2\max(0, W_1\mathbf{x}) - \mathbf{y}\right\|^2"),
        S("latex-bold-relu", r"\tfrac{1}{2}\|\mathbf{W}_2\,\mathrm{ReLU}(\mathbf{W}_1\mathbf{x}) - \mathbf{y}\|_2^2"),
    ],
)

_p(
    "mlp-softmax-ce-W1",
    "PRML §5.2 / eq. (5.24): softmax cross-entropy of a sigmoid hidden layer −yᵀ log softmax(W₂σ(W₁x)), by W₁",
    {"W1": "matrix p n", "W2": "matrix m p", "x": "vector n", "y": "vector m probability"},
    "W1",
    lambda e: float(-e["y"] @ np.log(_softmax(e["W2"] @ _sigmoid(e["W1"] @ e["x"])))),
    [
        S("numpy", "-y.T @ np.log(softmax(W2 @ sigmoid(W1 @ x)))"),
        S("matlab", "-y'*log(softmax(W2*sigmoid(W1*x)))"),
        S("math-subscripts", "−yᵀ log(softmax(W₂ σ(W₁ x)))"),
        S("latex-operatorname", r"-\mathbf{y}^\top\log\operatorname{softmax}\left(W_2\,\sigma(W_1\mathbf{x})\right)"),
    ],
)

# --- smooth robust losses and GLMs ----------------------------------------------------------------------

_p(
    "pseudo-huber",
    "Hartley & Zisserman, Multiple View Geometry, App. A6.8: pseudo-Huber Σᵢ δ²(√(1 + (rᵢ/δ)²) − 1), r = Xw − y",
    {"X": "matrix n m", "y": "vector n", "w": "vector m", "delta": "scalar"},
    "w",
    lambda e: float(np.sum(e["delta"] ** 2 * (np.sqrt(1 + ((e["X"] @ e["w"] - e["y"]) / e["delta"]) ** 2) - 1))),
    [
        S("numpy-declared", "np.sum(delta**2 * (np.sqrt(1 + ((X @ w - y) / delta)**2) - 1))", where="delta: scalar"),
        S("numpy-implicit", "np.sum(delta**2 * (np.sqrt(1 + ((X @ w - y) / delta)**2) - 1))"),
        S("matlab-declared", "sum(delta^2*(sqrt(1 + ((X*w - y)/delta).^2) - 1))", where="delta: scalar"),
        S("math-declared", "1ᵀ (δ² (√(1 + ((X w − y)/δ).^2) − 1))", where="δ: scalar"),
        S(
            "latex-declared",
            r"\delta^2\,\mathbf{1}^\top\left(\sqrt{\mathbf{1} + \frac{(X\mathbf{w} - \mathbf{y})\odot(X\mathbf{w} - "
            r"\mathbf{y})}{\delta^2}} - \mathbf{1}\right)",
            where="delta: scalar",
        ),
    ],
    scalars="δ: declared in the *-declared spellings, implicit in numpy-implicit",
)

_p(
    "log-cosh",
    "Keras API reference, losses.LogCosh: log-cosh regression loss Σᵢ log cosh(xᵢᵀw − yᵢ)",
    {"X": "matrix n m", "y": "vector n", "w": "vector m"},
    "w",
    lambda e: float(np.sum(np.log(np.cosh(e["X"] @ e["w"] - e["y"])))),
    [
        S("numpy", "np.sum(np.log(np.cosh(X @ w - y)))"),
        S("matlab", "sum(log(cosh(X*w - y)))"),
        S("math", "1ᵀ log(cosh(X w − y))"),
        S("latex-ones", r"\mathbf{1}^\top\log\cosh(X\mathbf{w} - \mathbf{y})"),
    ],
)

_p(
    "cauchy-loss",
    "Hartley & Zisserman App. A6.8 (Cauchy / Lorentzian cost): Σᵢ log(1 + rᵢ²), r = Ax − b",
    {"A": "matrix n m", "x": "vector m", "b": "vector n"},
    "x",
    lambda e: float(np.sum(np.log1p((e["A"] @ e["x"] - e["b"]) ** 2))),
    [
        S("numpy-log1p", "np.sum(np.log1p((A @ x - b)**2))"),
        S("numpy-square", "np.sum(np.log(1 + np.square(A @ x - b)))"),
        S("matlab", "sum(log(1 + (A*x - b).^2))"),
        S("math", "1ᵀ log(1 + (A x − b) ∘ (A x − b))"),
        S(
            "latex-odot",
            r"\mathbf{1}^\top\log\left(\mathbf{1} + (A\mathbf{x} - \mathbf{b})\odot(A\mathbf{x} - \mathbf{b})\right)",
        ),
    ],
)

_p(
    "softplus-sum",
    "Goodfellow et al., Deep Learning eq. (3.31): softplus ζ(x) = log(1 + exp(x)), Σᵢ ζ(xᵢ)",
    {"x": "vector n"},
    "x",
    lambda e: float(np.sum(np.log1p(np.exp(e["x"])))),
    [
        S("numpy", "np.sum(np.log(1 + np.exp(x)))"),
        S("numpy-log1p", "np.sum(np.log1p(np.exp(x)))"),
        S("numpy-logaddexp", "np.sum(np.logaddexp(0, x))"),
        S("builtin", "sum(softplus(x))"),
        S("matlab", "sum(log(1 + exp(x)))"),
        S("math", "1ᵀ log(1 + exp(x))"),
        S("latex-sum", r"\sum_i \log(1 + e^{x_i})"),
        S("latex-ones", r"\mathbf{1}^\top\log(\mathbf{1} + \exp(\mathbf{x}))"),
    ],
)

_p(
    "poisson-glm",
    "Murphy, Machine Learning: a Probabilistic Perspective §9.3 (GLMs): Poisson NLL Σᵢ (exp(xᵢᵀw) − yᵢ xᵢᵀw) + const",
    {"X": "matrix n m", "y": "vector n positive", "w": "vector m"},
    "w",
    lambda e: float(np.sum(np.exp(e["X"] @ e["w"]) - e["y"] * (e["X"] @ e["w"]))),
    [
        S("numpy", "np.sum(np.exp(X @ w) - y * (X @ w))"),
        S("numpy-expm1", "np.sum(np.expm1(X @ w)) - y.T @ X @ w"),
        S("matlab", "sum(exp(X*w)) - y'*X*w"),
        S("math", "1ᵀ exp(X w) − yᵀ X w"),
        S("latex-ones", r"\mathbf{1}^\top\exp(X\mathbf{w}) - \mathbf{y}^\top X\mathbf{w}"),
    ],
)

# --- determinants ----------------------------------------------------------------------------------

_p(
    "det",
    "Matrix Cookbook §2.1.2: ∂det(X)/∂X = det(X) X⁻ᵀ",
    {"X": "matrix n n invertible"},
    "X",
    lambda e: float(np.linalg.det(e["X"])),
    [
        S("numpy", "np.linalg.det(X)"),
        S("jax", "jnp.linalg.det(X)"),
        S("matlab", "det(X)"),
        S("math-bars", "|X|"),
        S("math-noparen", "det X"),
        S("latex-det", r"\det(X)"),
        S("latex-bars", r"|X|"),
        S("latex-det-noparen", r"$\det X$"),
    ],
)

_p(
    "logdet-spd",
    "Boyd & Vandenberghe App. A.4.1: f(X) = log det X on Sⁿ₊₊, ∇f(X) = X⁻¹",
    {"X": "matrix n n spd"},
    "X",
    lambda e: _logdet(e["X"]),
    [
        S("numpy", "np.log(np.linalg.det(X))", where="X: spd"),
        S("numpy-slogdet", "np.linalg.slogdet(X)[1]", where="X: spd"),
        S("builtin", "logdet(X)", where="X: spd"),
        S("builtin-undeclared", "logdet(X)", where=""),
        S("matlab", "log(det(X))", where="X: spd"),
        S("math", "log det X", where="X: spd"),
        S("math-bars", "log|X|", where="X: spd"),
        S("math-ln", "ln det(X)", where="X: spd"),
        S("latex-log-det", r"\log\det X", where="X: spd"),
        S("latex-ln-bars", r"\ln|X|", where="X: spd"),
        S("latex-bold", r"\log\det(\mathbf{X})", where="X: spd"),
    ],
)

_p(
    "logdet-general",
    "Matrix Cookbook §2.1.2: ∂ ln|det(X)|/∂X = X⁻ᵀ (X invertible with positive determinant, not symmetric)",
    {"X": "matrix n n invertible"},
    "X",
    lambda e: _logdet(e["X"]),
    [
        S("numpy", "np.log(np.linalg.det(X))"),
        S("builtin", "logdet(X)"),
        S("matlab", "log(det(X))"),
        S("math-bars", "log |X|"),
        S("math-ln-bars", "ln|X|"),
        S("latex-log-det", r"\log\det(X)"),
        S("latex-abs-det", r"\log\left|\det X\right|"),
    ],
)

_p(
    "logdet-XtX",
    "Matrix Cookbook §2.1.2: ∂ ln|XᵀX|/∂X = 2(X⁺)ᵀ = 2X(XᵀX)⁻¹",
    {"X": "matrix n m"},
    "X",
    lambda e: _logdet(e["X"].T @ e["X"]),
    [
        S("numpy", "np.log(np.linalg.det(X.T @ X))"),
        S("numpy-slogdet", "np.linalg.slogdet(X.T @ X)[1]"),
        S("builtin", "logdet(X.T @ X)"),
        S("matlab", "log(det(X'*X))"),
        S("math", "log det(XᵀX)"),
        S("math-bars", "log|XᵀX|"),
        S("math-bars-caret", "log|X^T X|"),
        S("latex-log-det", r"\log\det(X^\top X)"),
        S("latex-ln-bars", r"\ln\left|X^T X\right|"),
    ],
)

_p(
    "logdet-A-XXt",
    "PRML §12.2.1 (probabilistic PCA, C = WWᵀ + σ²I): ∂ log det(A + XXᵀ)/∂X = 2(A + XXᵀ)⁻¹X",
    {"A": "matrix n n spd", "X": "matrix n m"},
    "X",
    lambda e: _logdet(e["A"] + e["X"] @ e["X"].T),
    [
        S("numpy", "np.log(np.linalg.det(A + X @ X.T))"),
        S("builtin", "logdet(A + X @ X.T)"),
        S("matlab", "log(det(A + X*X'))"),
        S("math", "log det(A + X Xᵀ)"),
        S("math-bars", "log|A + X Xᵀ|"),
        S("latex-log-det", r"\log\det(A + XX^\top)"),
        S("latex-bars", r"\log\left|A + X X^{T}\right|"),
    ],
)

_p(
    "det-XtAX",
    "Matrix Cookbook §2.1.2: ∂det(XᵀAX)/∂X = det(XᵀAX)(AX(XᵀAX)⁻¹ + AᵀX(XᵀAᵀX)⁻¹)",
    {"X": "matrix n m", "A": "matrix n n"},
    "X",
    lambda e: float(np.linalg.det(e["X"].T @ e["A"] @ e["X"])),
    [
        S("numpy", "np.linalg.det(X.T @ A @ X)"),
        S("matlab", "det(X'*A*X)"),
        S("math", "det(Xᵀ A X)"),
        S("math-bars", "|Xᵀ A X|"),
        S("math-nospace", "det(XᵀAX)"),
        S("latex-det", r"\det(X^\top AX)"),
        S("latex-bars", r"\left|X^T A X\right|"),
    ],
)

_p(
    "jacobi-formula",
    "Magnus & Neudecker, Matrix Differential Calculus, Ch. 8 (Jacobi's formula): d/dt log det(A + tB) = tr((A + tB)⁻¹B)",
    {"A": "matrix n n spd", "B": "matrix n n", "t": "scalar =0.1"},
    "t",
    lambda e: _logdet(e["A"] + e["t"] * e["B"]),
    [
        S("numpy-declared", "np.log(np.linalg.det(A + t * B))", where="t: scalar"),
        S("numpy-implicit", "np.log(np.linalg.det(A + t * B))"),
        S("builtin-declared", "logdet(A + t B)", where="t: scalar"),
        S("matlab-implicit", "log(det(A + t*B))"),
        S("math-declared", "log det(A + t B)", where="t: scalar"),
        S("latex-declared", r"\log\det(A + tB)", where="t: scalar"),
        S("latex-implicit", r"\ln\det\left(A + t\,B\right)"),
    ],
    scalars="t: declared in the *-declared spellings, implicit elsewhere",
)

# --- inverses --------------------------------------------------------------------------------------

_p(
    "inv-aXb",
    "Matrix Cookbook §2.2: ∂(aᵀX⁻¹b)/∂X = −X⁻ᵀabᵀX⁻ᵀ",
    {"a": "vector n", "X": "matrix n n invertible", "b": "vector n"},
    "X",
    lambda e: float(e["a"] @ _inv(e["X"]) @ e["b"]),
    [
        S("numpy", "a.T @ np.linalg.inv(X) @ b"),
        S("numpy-solve", "np.dot(a, np.linalg.solve(X, b))"),
        S("numpy-1d", "a @ np.linalg.inv(X) @ b"),
        S("matlab-inv", "a'*inv(X)*b"),
        S("matlab-backslash", "a'*(X\\b)"),
        S("matlab-slash", "a'/X*b"),
        S("math", "aᵀ X⁻¹ b"),
        S("math-braces", "a^T X^{-1} b"),
        S("math-caret", "a^T X^-1 b"),
        S("latex-bold", r"\mathbf{a}^\top X^{-1}\mathbf{b}"),
        S("latex-caret", r"a^T X^{-1} b"),
    ],
)

_p(
    "inv-T",
    "Matrix Cookbook §2.2: ∂(aᵀX⁻ᵀb)/∂X = −X⁻¹baᵀX⁻¹",
    {"a": "vector n", "X": "matrix n n invertible", "b": "vector n"},
    "X",
    lambda e: float(e["a"] @ _inv(e["X"]).T @ e["b"]),
    [
        S("numpy", "a.T @ np.linalg.inv(X).T @ b"),
        S("numpy-inv-of-transpose", "a.T @ np.linalg.inv(X.T) @ b"),
        S("matlab", "a'*inv(X)'*b"),
        S("matlab-inv-of-transpose", "a'*inv(X')*b"),
        S("math", "aᵀ X⁻ᵀ b"),
        S("math-braces", "a^T X^{-T} b"),
        S("math-caret", "a^T X^-T b"),
        S("latex-minus-top", r"\mathbf{a}^\top X^{-\top}\mathbf{b}"),
        S("latex-inverse-transposed", r"a^T (X^{-1})^T b"),
        S("latex-minus-T", r"a^\top X^{-T} b"),
    ],
)

# --- Gaussians -------------------------------------------------------------------------------------


def _mahalanobis(e):
    d = e["x"] - e["mu"]
    return float(d @ _inv(e["Sigma"]) @ d)


_p(
    "mahalanobis-mu",
    "PRML eq. (2.44): Mahalanobis distance Δ² = (x − μ)ᵀΣ⁻¹(x − μ), differentiated by μ",
    {"x": "vector n", "mu": "vector n", "Sigma": "matrix n n spd"},
    "mu",
    _mahalanobis,
    [
        S("numpy", "(x - mu).T @ np.linalg.inv(Sigma) @ (x - mu)"),
        S("numpy-solve", "np.dot(x - mu, np.linalg.solve(Sigma, x - mu))"),
        S("matlab-inv", "(x - mu)'*inv(Sigma)*(x - mu)"),
        S("matlab-slash", "(x - mu)'/Sigma*(x - mu)"),
        S("matlab-backslash", "(x - mu)'*(Sigma\\(x - mu))"),
        S("math", "(x − μ)ᵀ Σ⁻¹ (x − μ)"),
        S("math-braces", "(x - μ)^T Σ^{-1} (x - μ)"),
        S("latex-bold", r"(\mathbf{x} - \boldsymbol{\mu})^\top\boldsymbol{\Sigma}^{-1}(\mathbf{x} - \boldsymbol{\mu})"),
        S("latex-plain", r"(x - \mu)^T \Sigma^{-1} (x - \mu)"),
        S(
            "latex-bigl",
            r"\bigl(\mathbf{x} - \boldsymbol{\mu}\bigr)^{\top} \Sigma^{-1} \bigl(\mathbf{x} - \boldsymbol{\mu}\bigr)",
        ),
    ],
)


def _gauss_nll(e):
    d = e["x"] - e["mu"]
    n = len(d)
    return float(0.5 * d @ _inv(e["Sigma"]) @ d + 0.5 * _logdet(e["Sigma"]) + n / 2 * np.log(2 * np.pi))


_GAUSS_NLL_SPELLINGS = [
    S(
        "numpy-implicit",
        "0.5 * (x - mu).T @ np.linalg.inv(Sigma) @ (x - mu) + 0.5 * np.log(np.linalg.det(Sigma)) + n / 2 * np.log(2 * np.pi)",
    ),
    S(
        "numpy-declared",
        "0.5 * (x - mu).T @ np.linalg.inv(Sigma) @ (x - mu) + 0.5 * np.log(np.linalg.det(Sigma)) + n / 2 * np.log(2 * np.pi)",
        where="Sigma: spd; n: scalar",
    ),
    S("matlab-implicit", "0.5*(x - mu)'*inv(Sigma)*(x - mu) + 0.5*log(det(Sigma)) + n/2*log(2*pi)"),
    S("math-declared", "½ (x − μ)ᵀ Σ⁻¹ (x − μ) + ½ log|Σ| + n/2 log(2π)", where="Σ: spd; n: scalar"),
    S("math-ascii-implicit", "1/2 (x - mu)^T Sigma^{-1} (x - mu) + 1/2 logdet(Sigma) + n/2 log(2 pi)"),
    S(
        "latex-implicit",
        r"\frac{1}{2}(\mathbf{x} - \boldsymbol{\mu})^\top\Sigma^{-1}(\mathbf{x} - \boldsymbol{\mu})"
        r" + \frac{1}{2}\log\det\Sigma + \frac{n}{2}\log(2\pi)",
    ),
    S(
        "latex-declared",
        r"\tfrac12 (x - \mu)^\top \Sigma^{-1} (x - \mu) + \tfrac12 \log|\Sigma| + \tfrac{n}{2}\ln(2\pi)",
        where="Sigma: spd; n: scalar",
    ),
]

_p(
    "gauss-nll-mu",
    "PRML eq. (2.43): −log N(x | μ, Σ) = ½(x − μ)ᵀΣ⁻¹(x − μ) + ½ log|Σ| + (D/2) log 2π, by μ",
    {"x": "vector n", "mu": "vector n", "Sigma": "matrix n n spd", "n": "scalar =5"},
    "mu",
    _gauss_nll,
    list(_GAUSS_NLL_SPELLINGS),
    where="Sigma: spd",
    scalars="n (the dimension D): declared in the *-declared spellings, implicit elsewhere; pi as π",
)

_p(
    "gauss-nll-Sigma",
    "PRML eq. (2.43): −log N(x | μ, Σ) = ½(x − μ)ᵀΣ⁻¹(x − μ) + ½ log|Σ| + (D/2) log 2π, by Σ (symmetric gradient)",
    {"x": "vector n", "mu": "vector n", "Sigma": "matrix n n spd", "n": "scalar =5"},
    "Sigma",
    _gauss_nll,
    list(_GAUSS_NLL_SPELLINGS),
    where="Sigma: spd",
    scalars="n (the dimension D): declared in the *-declared spellings, implicit elsewhere; pi as π",
)


def _gauss_ll_cov(e):
    return float(-e["N"] / 2 * _logdet(e["Sigma"]) - 0.5 * np.trace(_inv(e["Sigma"]) @ e["S"]))


_p(
    "gauss-ll-cov",
    "PRML eq. (2.118): log-likelihood −(N/2) ln|Σ| − ½ Σₙ (xₙ − μ)ᵀΣ⁻¹(xₙ − μ) = −(N/2) ln|Σ| − ½ tr(Σ⁻¹S), by Σ",
    {"Sigma": "matrix n n spd", "S": "matrix n n spd", "N": "scalar =7"},
    "Sigma",
    _gauss_ll_cov,
    [
        S(
            "numpy-declared",
            "-N / 2 * np.log(np.linalg.det(Sigma)) - 0.5 * np.trace(np.linalg.inv(Sigma) @ S)",
            where="Sigma: spd; N: scalar",
        ),
        S("numpy-implicit", "-N/2 * np.log(np.linalg.det(Sigma)) - 0.5 * np.trace(np.linalg.solve(Sigma, S))"),
        S("math-declared", "-N/2 logdet(Sigma) - 1/2 tr(Sigma^{-1} S)", where="Sigma: spd; N: scalar"),
        S("math-implicit", "-N/2 logdet(Sigma) - 1/2 tr(Sigma^{-1} S)"),
        S("math-unicode-declared", "−N/2 log|Σ| − ½ tr(Σ⁻¹ S)", where="Σ: spd; N: scalar"),
        S("math-paren-implicit", "-(N/2) logdet(Sigma) - (1/2) tr(inv(Sigma) S)"),
        S("matlab-implicit", "-N/2*log(det(Sigma)) - 1/2*trace(Sigma\\S)"),
        S("latex-implicit", r"-\frac{N}{2}\log\det\Sigma - \frac{1}{2}\operatorname{tr}(\Sigma^{-1}S)"),
        S(
            "latex-declared",
            r"-\frac{N}{2}\ln|\boldsymbol{\Sigma}| - \frac12\mathrm{tr}\left(\boldsymbol{\Sigma}^{-1}\mathbf{S}\right)",
            where="Sigma: spd; N: scalar",
        ),
    ],
    where="Sigma: spd",
    scalars="N (the number of samples): declared in the *-declared spellings, implicit elsewhere",
)

_p(
    "graphical-lasso-smooth",
    "Friedman, Hastie & Tibshirani (2008), graphical lasso: smooth part tr(SΘ) − log det Θ, by Θ (symmetric gradient)",
    {"Theta": "matrix n n spd", "S": "matrix n n spd"},
    "Theta",
    lambda e: float(np.trace(e["S"] @ e["Theta"]) - _logdet(e["Theta"])),
    [
        S("numpy", "np.trace(S @ Theta) - np.log(np.linalg.det(Theta))"),
        S("builtin", "trace(S @ Theta) - logdet(Theta)"),
        S("matlab", "trace(S*Theta) - log(det(Theta))"),
        S("math", "tr(S Θ) − log det Θ", where="Θ: spd"),
        S("math-bars", "tr(SΘ) − log|Θ|", where="Θ: spd"),
        S("latex-log-det", r"\operatorname{tr}(S\Theta) - \log\det\Theta"),
        S("latex-bars", r"\mathrm{tr}(S\boldsymbol{\Theta}) - \log|\boldsymbol{\Theta}|"),
    ],
    where="Theta: spd",
)


def _gauss_pdf(e):
    d = e["x"] - e["mu"]
    return float(np.exp(-0.5 * d @ _inv(e["Sigma"]) @ d) / np.sqrt(np.linalg.det(2 * np.pi * e["Sigma"])))


_p(
    "gauss-pdf",
    "PRML eq. (2.43): N(x | μ, Σ) = exp(−½(x − μ)ᵀΣ⁻¹(x − μ)) / √det(2πΣ), by x",
    {"x": "vector m", "mu": "vector m", "Sigma": "matrix m m spd", "D": "scalar =3"},
    "x",
    _gauss_pdf,
    [
        S("numpy", "np.exp(-0.5 * (x - mu).T @ np.linalg.inv(Sigma) @ (x - mu)) / np.sqrt(np.linalg.det(2 * np.pi * Sigma))"),
        S("matlab", "exp(-0.5*(x - mu)'*inv(Sigma)*(x - mu))/sqrt(det(2*pi*Sigma))"),
        S("matlab-slash", "1/sqrt(det(2*pi*Sigma)) * exp(-1/2*(x - mu)'/Sigma*(x - mu))"),
        S("math", "exp(−½ (x − μ)ᵀ Σ⁻¹ (x − μ)) / √(det(2π Σ))"),
        S("math-pi-declared", "exp(-1/2 (x - mu)^T Sigma^{-1} (x - mu)) / sqrt(det(2 pi Sigma))", where="pi: scalar"),
        S(
            "latex-frac-sqrt",
            r"\frac{1}{\sqrt{\det(2\pi\Sigma)}}\exp\left(-\frac{1}{2}(\mathbf{x} - \boldsymbol{\mu})^\top\Sigma^{-1}(\mathbf{x} "
            r"- \boldsymbol{\mu})\right)",
        ),
        S("latex-bars", r"\frac{\exp\left(-\tfrac12 (x - \mu)^T \Sigma^{-1} (x - \mu)\right)}{\sqrt{|2\pi\Sigma|}}"),
        # as PRML typesets eq. (2.43): ^{\mathrm{T}}, |Σ|^{1/2}, exp{…} with braces, D the dimension
        S(
            "latex-prml",
            r"\frac{1}{(2\pi)^{D/2}}\frac{1}{|\boldsymbol{\Sigma}|^{1/2}}\exp\left\{-\frac{1}{2}(\mathbf{x}-\boldsymbol{\mu})^{\mathrm{T}}"
            r"\boldsymbol{\Sigma}^{-1}(\mathbf{x}-\boldsymbol{\mu})\right\}",
        ),
        S(
            "latex-prml-parens",
            r"\frac{1}{(2\pi)^{D/2}}\frac{1}{|\boldsymbol{\Sigma}|^{1/2}}\exp\left(-\frac{1}{2}(\mathbf{x}-\boldsymbol{\mu})^{\mathrm{T}}"
            r"\boldsymbol{\Sigma}^{-1}(\mathbf{x}-\boldsymbol{\mu})\right)",
        ),
    ],
    scalars="pi: π in numpy (np.pi), implicit in matlab/math, declared in math-pi-declared",
)

_p(
    "iso-gauss-pdf",
    "PRML eq. (2.43) with Σ = σ²I: (2πσ²)^(−D/2) exp(−‖x − μ‖² / (2σ²)), by x",
    {"x": "vector n", "mu": "vector n", "sigma": "scalar", "n": "scalar =5"},
    "x",
    lambda e: float((2 * np.pi * e["sigma"] ** 2) ** (-e["n"] / 2) * np.exp(-_sq(e["x"] - e["mu"]) / (2 * e["sigma"] ** 2))),
    [
        S(
            "numpy-declared",
            "(2 * np.pi * sigma**2)**(-n / 2) * np.exp(-np.sum((x - mu)**2) / (2 * sigma**2))",
            where="sigma, n: scalar",
        ),
        S("numpy-implicit", "(2 * np.pi * sigma**2)**(-n / 2) * np.exp(-np.sum((x - mu)**2) / (2 * sigma**2))"),
        S("matlab-declared", "(2*pi*sigma^2)^(-n/2)*exp(-norm(x - mu)^2/(2*sigma^2))", where="sigma, n: scalar"),
        S("math-declared", "(2πσ²)^{-n/2} exp(−‖x − μ‖² / (2σ²))", where="σ, n: scalar"),
        S(
            "latex-declared",
            r"(2\pi\sigma^2)^{-n/2}\exp\left(-\frac{\|\mathbf{x} - \boldsymbol{\mu}\|^2}{2\sigma^2}\right)",
            where="sigma, n: scalar",
        ),
        S("latex-implicit", r"\left(2\pi\sigma^{2}\right)^{-\frac{n}{2}} \exp\left(-\frac{1}{2\sigma^2}\|x - \mu\|_2^2\right)"),
    ],
    scalars="σ, n: declared in the *-declared spellings, implicit in numpy-implicit; pi as π",
)


def _gp_lml(e):
    C = e["K"] + e["sigma"] ** 2 * np.eye(len(e["y"]))
    return float(-0.5 * e["y"] @ _inv(C) @ e["y"] - 0.5 * _logdet(C) - e["n"] / 2 * np.log(2 * np.pi))


def _gp_spellings(extra_where: str) -> list:
    return [
        S(
            "numpy-declared",
            "-0.5 * y.T @ np.linalg.inv(K + sigma**2 * np.eye(n)) @ y"
            " - 0.5 * np.log(np.linalg.det(K + sigma**2 * np.eye(n))) - n / 2 * np.log(2 * np.pi)",
            where=extra_where + "sigma, n: scalar",
        ),
        S(
            "numpy-identity-implicit",
            "-0.5 * y.T @ np.linalg.solve(K + sigma**2 * np.identity(n), y)"
            " - 0.5 * np.log(np.linalg.det(K + sigma**2 * np.identity(n))) - n / 2 * np.log(2 * np.pi)",
            where=extra_where.rstrip("; ") or "",
        ),
        S(
            "matlab-implicit",
            "-1/2*y'*((K + sigma^2*eye(n))\\y) - 1/2*log(det(K + sigma^2*eye(n))) - n/2*log(2*pi)",
            where=extra_where.rstrip("; ") or "",
        ),
        S(
            "math-declared",
            "-1/2 y^T (K + sigma^2 I)^{-1} y - 1/2 logdet(K + sigma^2 I) - n/2 log(2 pi)",
            where=extra_where + "sigma, n: scalar",
        ),
        S(
            "math-unicode-declared",
            "−½ yᵀ (K + σ² I)⁻¹ y − ½ log|K + σ² I| − n/2 log(2π)",
            where=extra_where + "σ, n: scalar",
        ),
        S(
            "latex-declared",
            r"-\frac{1}{2}\mathbf{y}^\top(K + \sigma^2 I_n)^{-1}\mathbf{y} - \frac{1}{2}\log\det(K + \sigma^2 I_n)"
            r" - \frac{n}{2}\log(2\pi)",
            where=extra_where + "sigma, n: scalar",
        ),
        S(
            "latex-implicit",
            r"$-\tfrac12 y^T \left(K + \sigma^2 I\right)^{-1} y"
            r" - \tfrac12 \log\left|K + \sigma^2 I\right| - \tfrac{n}{2}\log(2\pi)$",
            where=extra_where.rstrip("; ") or "",
        ),
    ]


_p(
    "gp-lml-y",
    "GPML eq. (2.30): log p(y | X) = −½ yᵀ(K + σₙ²I)⁻¹y − ½ log|K + σₙ²I| − (n/2) log 2π, by y",
    {"K": "matrix n n spd", "y": "vector n", "sigma": "scalar", "n": "scalar =5"},
    "y",
    _gp_lml,
    _gp_spellings(""),
    scalars="σ, n: declared in the *-declared spellings, implicit in the *-implicit ones; pi as π",
)

_p(
    "gp-lml-K",
    "GPML eq. (2.30) and (5.9): log marginal likelihood by the kernel matrix K (symmetric gradient)",
    {"K": "matrix n n spd", "y": "vector n", "sigma": "scalar", "n": "scalar =5"},
    "K",
    _gp_lml,
    _gp_spellings("K: spd; "),
    scalars="σ, n: declared in the *-declared spellings, implicit in the *-implicit ones; pi as π",
)
