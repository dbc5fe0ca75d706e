"""Classic derivatives print no larger than the form a textbook prints, and never with ``-1 *``.

Each row: a problem, its variable, declarations, and the textbook's closed form (mixed layout, matcalc's
NumPy syntax), from the Matrix Cookbook (Petersen & Pedersen, 2012), Bishop's PRML (2006), Boyd &
Vandenberghe's Convex Optimization (2004, appendix A.4) and Goodfellow et al.'s Deep Learning (2016, §6.5).
Size = names + numbers + operators + calls + transposes of the one-line text. The textbook form is also
checked to be right (it equals matcalc's derivative at random points), so the table cannot drift.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest

import matcalc as mc
from matcalc.checking import dim_names_of, sample_point
from matcalc.expr import Add, Mul, Number, Transpose, preorder, symbols
from matcalc.numeric import evaluate
from matcalc.rewrite.symmetry import is_symmetric
from matcalc.shapes import describe

# (expression, wrt, declarations, textbook form, source); "H:" marks a Hessian
ROWS = [
    ("x.T@A@x", "x", None, "(A + A.T) @ x", "Matrix Cookbook (81)"),
    ("x.T@A@x", "x", "A: symmetric", "2 * A @ x", "Matrix Cookbook (81)"),
    ("||y - Phi theta||^2", "theta", None, "-2 * Phi.T @ (y - Phi @ theta)", "PRML §3.1.1"),
    ("0.5 * ||X@w - y||^2 + 0.5 * lam * w.T@w", "w", "lam: scalar", "X.T @ (X @ w - y) + lam * w", "PRML §3.1.4"),
    ("H:0.5 * ||X@w - y||^2 + 0.5 * lam * w.T@w", "w", "lam: scalar", "X.T @ X + lam * I", "PRML §3.1.4"),
    ("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w", None, "X.T @ (sigmoid(X @ w) - y)",
     "PRML (4.91)"),
    ("H:-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w", None,
     "X.T @ diag(sigmoid(X @ w) * (1 - sigmoid(X @ w))) @ X", "PRML (4.97)"),
    ("sum(log(1 + exp(-y * (X@w))))", "w", None, "-X.T @ (y * sigmoid(-y * (X @ w)))", "logistic loss, ±1 labels"),
    ("sum(softplus(X@w))", "w", None, "X.T @ sigmoid(X @ w)", "softplus' = σ"),
    ("-y.T @ log(softmax(z))", "z", None, "sum(y) * softmax(z) - y", "PRML §4.3.4"),
    ("-y.T @ log(softmax(z))", "z", "y: probability", "softmax(z) - y", "PRML (4.109)"),
    ("H:-y.T @ log(softmax(z))", "z", "y: probability", "diag(softmax(z)) - softmax(z) @ softmax(z).T", "PRML (4.111)"),
    ("H:sum(log(1 + exp(-y * (X@w))))", "w", "y: pm1", "X.T @ diag(sigmoid(y * (X @ w)) * sigmoid(-y * (X @ w))) @ X",
     "y² = 1 for ±1 labels"),
    ("logsumexp(W@x) - y.T@W@x", "W", None, "(softmax(W @ x) - y) @ x.T", "PRML (4.109)"),
    ("H:logsumexp(A@x + b)", "x", None,
     "A.T @ (diag(softmax(A @ x + b)) - softmax(A @ x + b) @ softmax(A @ x + b).T) @ A", "Boyd & Vandenberghe A.4"),
    ("-sum(log(b - A@x))", "x", None, "A.T @ (1 / (b - A @ x))", "Boyd & Vandenberghe §11.2"),
    ("H:-sum(log(b - A@x))", "x", None, "A.T @ diag(1 / (b - A @ x)**2) @ A", "Boyd & Vandenberghe §11.2"),
    ("trace(A@X@B)", "X", None, "A.T @ B.T", "Matrix Cookbook (100)"),
    ("tr(X^T A X)", "X", None, "(A + A.T) @ X", "Matrix Cookbook (107)"),
    ("tr(W^T S W)", "W", "S: symmetric", "2 * S @ W", "PCA, PRML §12.1"),
    ("logdet(X)", "X", None, "inv(X).T", "Matrix Cookbook (57)"),
    ("det(X)", "X", None, "det(X) * inv(X).T", "Matrix Cookbook (49)"),
    ("det(X @ X @ X)", "X", None, "3 * det(X @ X @ X) * inv(X).T", "Matrix Cookbook (52)"),
    ("log(abs(det(X)))", "X", None, "inv(X).T", "Matrix Cookbook (57)"),
    ("det(c * X)", "X", "c: scalar", "det(c * X) * inv(X).T", "Matrix Cookbook (49)"),
    ("logdet(X.T@X)", "X", None, "2 * X @ inv(X.T @ X)", "Matrix Cookbook (55)"),
    ("logdet(A + X@X.T)", "X", "A: spd", "2 * inv(A + X @ X.T) @ X", "XXᵀ + A is symmetric"),
    ("a.T@inv(X)@b", "X", None, "-inv(X).T @ a @ b.T @ inv(X).T", "Matrix Cookbook (61)"),
    ("0.5 * logdet(Sigma) + 0.5 * (x - mu).T @ inv(Sigma) @ (x - mu)", "Sigma", "Sigma: spd",
     "0.5 * (inv(Sigma) - inv(Sigma) @ (x - mu) @ (x - mu).T @ inv(Sigma))", "PRML (2.122)"),
    ("0.5 * logdet(Sigma) + 0.5 * (x - mu).T @ inv(Sigma) @ (x - mu)", "mu", "Sigma: spd", "-inv(Sigma) @ (x - mu)",
     "PRML (2.121)"),
    ("-0.5 * logdet(P) + 0.5 * (x - mu).T @ P @ (x - mu)", "P", "P: spd", "0.5 * ((x - mu) @ (x - mu).T - inv(P))",
     "precision form"),
    ("||X - U@V.T||_F^2", "U", None, "-2 * (X - U @ V.T) @ V", "Matrix Cookbook (103)"),
    ("tanh(W@x + b)", "x", None, "diag(1 - tanh(W @ x + b)**2) @ W", "Deep Learning §6.5"),
    ("0.5 * ||y - W2@tanh(W1@x)||^2", "W1", None,
     "-((W2.T @ (y - W2 @ tanh(W1 @ x))) * (1 - tanh(W1 @ x)**2)) @ x.T", "Deep Learning §6.5 (backprop)"),
    ("norm(x)", "x", None, "x / norm(x)", "Matrix Cookbook (129)"),
    ("sum(exp(A@x))", "x", None, "A.T @ exp(A @ x)", "chain rule"),
    ("(x.T@A@x) / (x.T@x)", "x", "A: symmetric", "2 * (A @ x - (x.T @ A @ x) / (x.T @ x) * x) / (x.T @ x)",
     "Rayleigh quotient"),
]
LONGER: dict[str, str] = {}  # strict xfails: a row that reaches its textbook size is reported, and its entry removed
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?=\()|[A-Za-z_\u0370-\u03ff][A-Za-z0-9_]*|\d+\.?\d*|\*\*|[-+*/@]|\.T")


def size(text: str) -> int:
    """Names + numbers + operators + calls + transposes."""
    return len([t for t in TOKEN.findall(text) if t != "T"])


def _derive(expr: str, wrt: str, where):
    if expr.startswith("H:"):
        return mc.hessian(expr[2:], wrt, where=where)
    return mc.derive(expr, wrt, where=where)


def _id(row) -> str:
    return f"{row[0]} wrt {row[1]}"


@pytest.mark.parametrize("row", [pytest.param(r, id=_id(r), marks=pytest.mark.xfail(reason=LONGER[_id(r)], strict=True))
                                 if _id(r) in LONGER else pytest.param(r, id=_id(r)) for r in ROWS])
def test_no_larger_than_the_textbook(row):
    expr, wrt, where, book, _ = row
    printed = str(_derive(expr, wrt, where))
    assert "-1 *" not in printed
    assert size(printed) <= size(book), f"{printed} ({size(printed)}) is larger than {book} ({size(book)})"


@pytest.mark.parametrize("row", ROWS, ids=[_id(r) for r in ROWS])
def test_the_textbook_form_is_right(row):
    """The table's form equals matcalc's derivative at a random point of distinct sizes."""
    expr, wrt, where, book, _ = row
    d = _derive(expr, wrt, where)
    names = list(symbols(d.expr)) + [s for s in symbols(d.f) if s.name not in {t.name for t in symbols(d.expr)}]
    pinned = "; ".join(f"{s.name}: {describe(s.shape)}" + (" " + " ".join(sorted(s.props)) if s.props else "")
                       for s in names)
    textbook = mc.parse(book, where=pinned)  # (the declared properties pinned too: the draws honour them)
    dims = dim_names_of([d.expr, textbook, d.f])
    sizes = {name: 7 - k for k, name in enumerate(dims)}  # distinct, the first (rows) largest: XᵀX invertible
    point = sample_point([d.expr, textbook], sizes, np.random.default_rng(5))  # not d.f: log(b - Ax) needs b > Ax
    assert point is not None
    want, got = evaluate(d.expr, point, sizes), evaluate(textbook, point, sizes)
    assert np.allclose(np.asarray(want, float), np.asarray(got, float), rtol=1e-8, atol=1e-10)


def test_no_derivative_of_the_corpora_prints_a_minus_one_factor_or_a_sum_of_ones():
    """Across the spelling corpus and the soak: never `-1 *` (a minus sign belongs there) nor `sum(vector(1))`."""
    import importlib.util
    from pathlib import Path

    from spelling_corpus import PROBLEMS

    spec = importlib.util.spec_from_file_location(
        "soak_for_forms", Path(__file__).resolve().parent.parent / "benchmarks" / "soak.py")
    soak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak)
    derivatives = []
    for problem in PROBLEMS:
        for spelling in problem.spellings:
            where = problem.where if spelling.where is None else (spelling.where or None)
            try:
                derivatives.append(mc.derive(spelling.text, spelling.wrt or problem.wrt, where=where))
            except mc.MatcalcError:
                continue
    for index in range(300):
        expr, var, layout, _ = soak.make_case(23, index, 3, 40)
        if var is not None:
            try:
                derivatives.append(mc.derive(expr, var, layout=layout))
            except mc.MatcalcError:
                continue
    assert len(derivatives) > 900
    offending = [str(d) for d in derivatives if "-1 *" in str(d) or "sum(vector(1))" in str(d)]
    assert not offending, "\n".join(offending[:5])
    symmetrised = [str(d) for d in derivatives for node in preorder(d.expr) if _sym_of_symmetric(node)]
    assert not symmetrised, "\n".join(symmetrised[:5])


def _sym_of_symmetric(node) -> bool:
    """½ (G + Gᵀ) around a G that is already symmetric."""
    if not (isinstance(node, Mul) and len(node.args) == 2 and node.args[0] == Number(Fraction(1, 2))):
        return False
    inner = node.args[1]
    return (isinstance(inner, Add) and len(inner.args) == 2 and inner.args[1] == Transpose(inner.args[0])
            and is_symmetric(inner.args[0]))


def test_a_symmetric_gradient_is_not_symmetrised_again():
    d = mc.derive("0.5 * logdet(S) + 0.5 * (x - m).T @ inv(S) @ (x - m)", "S", where="S: spd")
    assert not any(_sym_of_symmetric(n) for n in preorder(d.expr))
    assert "(x - m) @ (x - m).T" in str(d) and d.check().passed
