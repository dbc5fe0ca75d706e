"""Reading text (matcalc.parser.read, matcalc.reading): every text reads as meant or stops with a clear error.

The front end reads NumPy, MATLAB and math notation. Where a text could be misread — a variable that does
not occur, run-together names (``x'Ax``), a fraction before a product (``-N/2 logdet(Σ)``), an undeclared
name that only scales, ``exp`` of a square matrix, ``I_n``, an unused declaration — it either reads it as
meant, saying so in a note (the ``assumes:`` line), or refuses. Each section holds the case that used to be
misread, so a test fails if the old reading comes back. Meanings are compared as trees, or by value on
random arrays of distinct sizes; a note is checked by a stable part of its wording.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import matcalc as mc
from matcalc.errors import DeclarationError, MatcalcError, ParseError, ShapeError, UnsupportedError
from matcalc.expr import symbols
from matcalc.parser import read
from matcalc.shapes import ONE, describe

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"n": 5, "m": 3, "p": 4, "q": 6, "k": 7, "d": 2}


# ---------------------------------------------------------------- helpers


def values_for(expr, seed: int = 0) -> dict[str, np.ndarray]:
    """Random positive values for the names of `expr`, each dimension name its own size (n=5, m=3, p=4, ...);
    square matrices are symmetric positive definite, so det, log det, inv and solve are all defined."""
    rng = np.random.default_rng(seed)
    sizes = dict(SIZES)
    spare = iter(range(8, 30))
    values = {}
    for s in symbols(expr):
        shape = []
        for dim in s.shape:
            if dim.is_int:
                shape.append(dim.value)
            else:
                shape.append(sizes.setdefault(dim.name, next(spare)))
        value = rng.uniform(0.5, 1.5, size=shape)
        if shape[0] == shape[1] > 1:
            value = value @ value.T + shape[0] * np.eye(shape[0])
        values[s.name] = value
    return values


def assert_same_meaning(text, canonical, where=None, notation="auto", canonical_where=None, known=()):
    """`text` means `canonical`: the same tree, or else the same value on random arrays."""
    e = mc.parse(text, where, notation=notation, known=known)
    ref = mc.parse(canonical, canonical_where or where)
    if e == ref:
        return
    assert e.shape == ref.shape or describe(e.shape) == describe(ref.shape), f"{text!r} is {describe(e.shape)}"
    values = values_for(e)
    np.testing.assert_allclose(mc.evaluate(e, values), mc.evaluate(ref, values), rtol=1e-10,
                               err_msg=f"{text!r} read as {mc.to_text(e)}, not {canonical}")


def kind_of(expr, name: str) -> str:
    """'scalar', 'vector', 'covector' or 'matrix': what `name` was read as."""
    (s,) = [s for s in symbols(expr) if s.name == name]
    return describe(s.shape).split("(")[0]


def names_of(expr) -> list[str]:
    return [s.name for s in symbols(expr)]


def ids(rows, *columns):
    """Test ids from the first column(s) of a table whose rows may be pytest.param."""
    out = []
    for row in rows:
        values = row.values if hasattr(row, "values") else row
        out.append(" ".join(str(values[c]) for c in columns or (0,) if values[c] is not None))
    return out


def run_cli(*args, cwd=None):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "matcalc", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=60, cwd=cwd or ROOT, env=env)


def assumes_line(stdout: str) -> str:
    (line,) = [line for line in stdout.splitlines() if line.startswith("  assumes: ")]
    return line


# ---------------------------------------------------------------- a variable that does not occur


def test_deriving_by_an_absent_variable_is_an_error_naming_the_expressions_names():
    """It used to give a zero derivative, which a student would read as an answer."""
    with pytest.raises(MatcalcError) as err:
        mc.derive("||y - X w||^2", "theta")
    assert "theta does not occur" in str(err.value)
    assert "y, X, w" in str(err.value)


ABSENT = [
    # (expression, variable, declarations, the name probably meant, as the message offers it)
    ("AB @ x", "A", "AB: matrix(n, n)", "did you mean AB split into a product"),
    ("x.T @ A @ x", "xi", None, "did you mean x"),
]


@pytest.mark.parametrize(("text", "wrt", "spelled"), [
    ("||y - X theta||^2", "θ", "θ"), ("||y - X θ||^2", "theta", "theta"), ("λ‖w‖²", "lambda", "lambda"),
    ("W_1 @ x + b", "W1", "W1"), (r"\|y - X\theta\|^2", "theta", "theta"),
])
def test_one_letter_written_two_ways_is_one_name_spelled_as_the_variable(text, wrt, spelled):
    """θ, theta and \\theta print the same (as W1, W_1 and W_{1} do): one name, spelled as the variable is."""
    d = mc.derive(text, wrt)
    assert d.wrt.name == spelled and spelled in {s.name for s in symbols(d.f)}


@pytest.mark.parametrize(("text", "wrt", "where", "hint"), ABSENT, ids=[f"{t} wrt {w}" for t, w, _, _ in ABSENT])
def test_an_absent_variable_suggests_the_name_probably_meant(text, wrt, where, hint):
    """A Greek letter written the other way, or a declared name that contains the variable, is pointed out."""
    with pytest.raises(MatcalcError, match="does not occur") as err:
        mc.derive(text, wrt, where=where)
    assert hint in str(err.value)


@pytest.mark.parametrize("call", [mc.gradient, mc.jacobian, mc.hessian], ids=lambda f: f.__name__)
def test_every_derivative_refuses_an_absent_variable(call):
    with pytest.raises(MatcalcError, match="y does not occur"):
        call("x.T @ A @ x", "y")


def test_check_answer_refuses_a_question_by_an_absent_variable():
    """Otherwise the answer 0 would be marked correct."""
    with pytest.raises(MatcalcError, match="y does not occur"):
        mc.check_answer("x.T@A@x", "y", "0")


# ---------------------------------------------------------------- run-together names

RUN_TOGETHER = [
    # (text, variable, the same expression written apart, the note)
    ("x'Ax", "x", "x.T @ A @ x", "Ax read as A x (declare Ax to keep it one name)"),
    ("xᵀLx", "x", "x.T @ L @ x", "Lx read as L x"),
    ("aᵀXb", "X", "a.T @ X @ b", "Xb read as X b"),
    ("tr(AXB)", "X", "trace(A @ X @ B)", "AXB read as A X B"),
    ("tr(ABA^T C)", "A", "trace(A @ B @ A.T @ C)", "ABA read as A B A"),
    ("‖X − UVᵀ‖_F²", "U", "norm_fro(X - U @ V.T)**2", "UV read as U V"),
]


@pytest.mark.parametrize(("text", "wrt", "apart", "note"), RUN_TOGETHER, ids=[r[0] for r in RUN_TOGETHER])
def test_run_together_names_of_the_variable_are_products(text, wrt, apart, note):
    """`Ax` used to be one matrix named Ax; with the variable known it is the product, and the note says so."""
    reading = read(text, known=(wrt,))
    assert reading.expr == mc.parse(apart)
    assert any(note in n for n in reading.notes), reading.notes


@pytest.mark.parametrize(("text", "wrt", "apart", "note"), RUN_TOGETHER, ids=[r[0] for r in RUN_TOGETHER])
def test_derive_splits_run_together_names_by_the_variable(text, wrt, apart, note):
    """derive knows the variable: its derivative is that of the expression written apart."""
    d = mc.derive(text, wrt)
    assert d.f == mc.parse(apart)
    assert str(d) == str(mc.derive(apart, wrt))
    assert note in d.assumptions


def test_run_together_names_split_without_a_variable_when_the_expression_uses_the_pieces():
    assert mc.parse("x'Ax") == mc.parse("x.T @ A @ x")
    assert mc.parse("xᵀLx") == mc.parse("x.T @ L @ x")


def test_declared_names_are_never_split():
    e = mc.parse("x'Ax", where="Ax: vector(n)")
    assert names_of(e) == ["x", "Ax"]
    assert str(mc.derive("x'Ax", "x", where="Ax: vector(n)")) == "Ax"
    reading = read("AB @ x", "AB: matrix(n, n)", known=("A", "B"))
    assert names_of(reading.expr) == ["AB", "x"] and reading.notes == []


WORDS = [
    # (text, names the text is otherwise made of, the word that stays whole)
    ("sum(x) / lam", ("l", "a", "m"), "lam"),
    ("theta^T x", ("t", "h", "e", "a"), "theta"),
    ("Phi x", ("P", "h", "i"), "Phi"),
    ("Sigma x", ("S", "i", "g", "m", "a"), "Sigma"),
]


@pytest.mark.parametrize(("text", "pieces", "word"), WORDS, ids=[w[2] for w in WORDS])
def test_written_out_greek_letters_and_usual_scalars_are_never_split(text, pieces, word):
    """Even when every letter of `lam` is a known name, lam is λ, not l a m."""
    e = mc.parse(text, known=pieces)
    assert word in names_of(e)


def test_a_run_together_name_whose_pieces_do_not_fit_stays_one_name():
    """`xx` beside a vector x: x x is not a product, so xx is a name, and a note says so."""
    reading = read("x.T @ A @ xx")
    assert names_of(reading.expr) == ["x", "A", "xx"]
    assert any("xx kept as one name" in n for n in reading.notes), reading.notes


ANSWERS = [
    # (question, variable, answer written run together, declarations)
    ("x.T@A@x", "x", "(A + A^T)x", None),
    ("x.T@A@x", "x", "Ax + Aᵀx", None),
    ("tr(X^T A X)", "X", "2AX", "A: symmetric"),
    ("tr(X^T A X)", "X", "(A + A^T)X", None),
    ("aᵀXb", "X", "abᵀ", None),
]


@pytest.mark.parametrize(("question", "wrt", "answer", "where"), ANSWERS, ids=[a[2] for a in ANSWERS])
def test_an_answers_run_together_names_are_the_questions_names(question, wrt, answer, where):
    """A student writes `2AX`; with A and X the question's names, it is 2 A X, and correct."""
    verdict = mc.check_answer(question, wrt, answer, where=where)
    assert verdict.correct, verdict.message


def test_a_wrong_run_together_answer_is_judged_as_the_product():
    """`2Ax` for x'Ax is the classic slip 2 A x, diagnosed as such rather than as an unknown name."""
    assert mc.check_answer("x.T@A@x", "x", "2Ax").diagnosis == "symmetric-slip"
    verdict = mc.check_answer("tr(X^T A X)", "X", "AX", where="A: symmetric")
    assert not verdict.correct and verdict.diagnosis != "error"


# ---------------------------------------------------------------- a fraction before a product

FRACTIONS = [
    # (text, its declarations, the same written with brackets, their declarations, the note)
    ("-N/2 logdet(Sigma)", None, "(-N/2) * logdet(Sigma)", "N: scalar",
     "-N/2 logdet(Sigma) read as (-N/2) logdet(Sigma)"),
    ("alpha/2 m^T m", None, "(alpha/2) * (m.T @ m)", "alpha: scalar", "alpha/2 m^T m read as (alpha/2) m^T m"),
    ("1/n sum(x)", None, "(1/n) * sum(x)", "n: scalar", "1/n sum(x) read as (1/n) sum(x)"),
    ("a/b c", "a, b, c: scalar", "(a/b) * c", "a, b, c: scalar", "a/b c read as (a/b) c"),
]


@pytest.mark.parametrize(("text", "where", "bracketed", "bracketed_where", "note"), FRACTIONS,
                         ids=[f[0] for f in FRACTIONS])
def test_a_fraction_before_a_product_scales_the_product(text, where, bracketed, bracketed_where, note):
    """`-N/2 logdet(Σ)` used to be -N/(2 logdet Σ); it is (-N/2) logdet(Σ), and the note says how it was read."""
    reading = read(text, where)
    assert note in reading.notes
    assert_same_meaning(text, bracketed, where, canonical_where=bracketed_where)


KEPT_FRACTIONS = [
    # (text, declarations, its meaning)
    ("x**2/2", None, "0.5 * x**2"),
    ("x**2/2", "x: scalar", "0.5 * x * x"),
    ("a/(b c)", "a, b, c: scalar", "a / b / c"),
    ("1/2 x^T A x", None, "0.5 * x.T @ A @ x"),
    ("x^T A x / 2", None, "0.5 * x.T @ A @ x"),
]


@pytest.mark.parametrize(("text", "where", "meaning"), KEPT_FRACTIONS, ids=ids(KEPT_FRACTIONS, 0, 1))
def test_fractions_that_are_not_before_a_product_keep_their_meaning(text, where, meaning):
    reading = read(text, where)
    assert not any("read as (" in n for n in reading.notes), reading.notes
    assert_same_meaning(text, meaning, where)


# ---------------------------------------------------------------- undeclared names that only scale

SCALARS = [
    # (text, the names read as scalars)
    ("sum(x)/N", ["N"]),
    ("-N/2 logdet(Sigma)", ["N"]),
    ("λ‖w‖²", ["λ"]),
    ("(λ/2) wᵀw", ["λ"]),
    ("X.T@X + λI", ["λ"]),
    ("lam * np.eye(m) + A", ["lam"]),
    ("x.T@A@x + c", ["c"]),
    ("c + x.T@A@x", ["c"]),
    ("λ‖w‖₁ + μ‖w‖²", ["λ", "μ"]),
    ("sum(x)/N + sum(y)/M", ["M", "N"]),
    ("‖y - X w‖² + λ‖w‖²", ["λ"]),
    ("λ‖w‖² + c", ["c", "λ"]),
    ("sum(x)/N + c", ["N", "c"]),
    ("-N/2 logdet(Sigma) + c", ["N", "c"]),
    ("α ‖w‖² + β", ["α", "β"]),
    ("1/n sum(x) + c", ["c", "n"]),
]


@pytest.mark.parametrize(("text", "scalars"), SCALARS, ids=ids(SCALARS))
def test_undeclared_names_that_only_scale_are_scalars(text, scalars):
    """N in `sum(x)/N` used to be a matrix; it is a scalar, with a note, and the expression is the one with
    those names declared scalars."""
    reading = read(text)
    for name in scalars:
        assert kind_of(reading.expr, name) == "scalar", mc.assumptions(reading.expr)
        assert any(n.startswith(f"{name} read as a scalar") for n in reading.notes), reading.notes
    assert reading.expr == mc.parse(text, where=f"{', '.join(scalars)}: scalar")


@pytest.mark.parametrize("text", ["-N/2 log(2π)", "-N/2 log(2 pi) - N/2 logdet(Sigma)"])
def test_the_gaussian_normalising_constant_reads_as_a_scalar(text):
    """The constant of a Gaussian log-likelihood is a scalar; it must not become a matrix-vector product."""
    e = mc.parse(text)
    assert describe(e.shape) == "scalar"
    assert kind_of(e, "N") == "scalar"


ARRAYS = [
    # (text, declarations, a name, what it stays)
    ("A + t*B", "t: scalar", "B", "matrix"),
    ("trace(X)*A", None, "A", "matrix"),
    ("a b^T x", None, "a", "vector"),
    ("-y w^T x", None, "y", "vector"),
]


@pytest.mark.parametrize(("text", "where", "name", "kind"), ARRAYS, ids=[a[0] for a in ARRAYS])
def test_names_that_can_be_arrays_stay_arrays(text, where, name, kind):
    """A matrix scaled by a scalar is still a matrix; only names that must be scalars for a scalar reading are."""
    e = mc.parse(text, where)
    assert kind_of(e, name) == kind


def test_a_lowercase_name_that_only_scales_stays_a_vector_with_a_note():
    reading = read("-y w^T x")
    assert kind_of(reading.expr, "y") == "vector"
    assert any("y read as a vector; a scalar fits too" in n for n in reading.notes), reading.notes


# ---------------------------------------------------------------- exp, log, sqrt of a square matrix

MATRIX_FUNCTIONS = [
    # (text, declarations, the matrix function offered, the entry-wise spelling offered)
    ("tr(exp(X))", None, "expm(", "np.exp("),
    ("x^T exp(A) x", None, "expm(", "np.exp("),
    ("exp(A)", "A: symmetric", "expm(", "np.exp("),
    ("log(Sigma)", "Sigma: spd", "logm(", "np.log("),
    ("sqrt(X)", "X: matrix(n, n)", "sqrtm(", "np.sqrt("),
    ("exp(A t)", "t: scalar; A: matrix(n, n)", "expm(", "np.exp("),
    ("tr(e^X)", None, "expm(", "np.exp("),
    ("exp(A t)", "t: scalar", "expm(", "np.exp("),  # A undeclared: A t may be square
]


@pytest.mark.parametrize(("text", "where", "matrix_function", "entrywise"), MATRIX_FUNCTIONS,
                         ids=ids(MATRIX_FUNCTIONS, 0, 1))
def test_exp_log_sqrt_of_a_square_matrix_in_math_notation_is_refused(text, where, matrix_function, entrywise):
    """`exp(X)` of a square X used to be entry-wise without a word; most readers mean expm."""
    with pytest.raises(UnsupportedError) as err:
        mc.parse(text, where)
    assert matrix_function in str(err.value) and entrywise in str(err.value)


ENTRYWISE = [
    # (text, declarations, the NumPy computation)
    ("np.exp(X)", "X: matrix(n, n)", lambda v: np.exp(v["X"])),
    ("tr(np.exp(X))", None, lambda v: np.trace(np.exp(v["X"]))),
    ("exp(X)", "X: matrix(n, m)", lambda v: np.exp(v["X"])),
    ("sum(exp(A@x))", None, lambda v: np.exp(v["A"] @ v["x"]).sum()),
    ("np.log(Sigma)", "Sigma: spd", lambda v: np.log(v["Sigma"])),
]


@pytest.mark.parametrize(("text", "where", "numpy"), ENTRYWISE, ids=[e[0] for e in ENTRYWISE])
def test_entrywise_functions_are_read_entrywise(text, where, numpy):
    e = mc.parse(text, where)
    values = values_for(e)
    np.testing.assert_allclose(mc.evaluate(e, values), numpy(values))


@pytest.mark.parametrize("notation", ["numpy", "matlab"])
def test_exp_in_numpy_or_matlab_notation_is_entrywise(notation):
    assert mc.parse("tr(exp(X))", notation=notation) == mc.parse("tr(np.exp(X))")


def test_the_refusal_of_e_to_a_square_matrix_offers_the_exponential_of_the_exponent():
    with pytest.raises(UnsupportedError) as err:
        mc.parse("tr(e^X)")
    assert "expm(X)" in str(err.value)


# ---------------------------------------------------------------- identities of a named size

IDENTITIES = [
    "I_k", "eye(k)", "np.eye(k)", "np.identity(k)",
    "I_{k}",
]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_identity_spellings_have_the_named_size(identity):
    """`I_n` used to be an unknown matrix named I_n; it is the identity, and its size names the dimension."""
    e = mc.parse(f"A + {identity}")
    assert names_of(e) == ["A"]
    assert describe(e.shape) == "matrix(k, k)"
    a = values_for(e)["A"]
    np.testing.assert_allclose(mc.evaluate(e, {"A": a}), a + np.eye(7))


def test_identity_sizes_bind_the_other_names():
    assert mc.assumptions("x^T I_d x") == "x: vector(d)"
    assert mc.assumptions("X.T @ X + I_n", where="X: matrix(m, n)") == "X: matrix(m, n)"
    assert mc.assumptions("A + I_3") == "A: matrix(3, 3)"
    assert mc.evaluate("x^T I_d x", {"x": [1.0, 2.0]}) == pytest.approx(5.0)
    with pytest.raises(ShapeError):
        mc.parse("X @ I_d", where="X: matrix(n, m)")
    with pytest.raises(ShapeError):
        mc.parse("A + I_3", where="A: matrix(4, 4)")


def test_a_declared_name_like_an_identity_is_that_name():
    e = mc.parse("I_n", where="I_n: matrix(n, m)")
    assert names_of(e) == ["I_n"]


# ---------------------------------------------------------------- declarations that are not used


def test_unused_declarations_are_accepted_by_parse_and_refused_when_strict():
    """One declaration may serve many expressions; derive and strict parsing refuse a name that is not there
    (it is most likely misspelt), where they used to ignore it."""
    assert mc.parse("x^T x", where="z: scalar") == mc.parse("x^T x")
    with pytest.raises(DeclarationError, match="z is declared but does not occur"):
        mc.parse("x^T x", where="z: scalar", strict=True)
    with pytest.raises(DeclarationError, match="u, z are declared but do not occur"):
        mc.parse("x^T x", where="z, u: scalar", strict=True)
    with pytest.raises(DeclarationError, match="z is declared but does not occur"):
        mc.derive("x^T x", "x", where="z: scalar")
    assert mc.parse("x^T A x", where="A: symmetric", strict=True) == mc.parse("x^T A x", where="A: symmetric")


# ---------------------------------------------------------------- the reading does not depend on order


@pytest.mark.parametrize("text", ["A (D) + B * C", "B * C + A (D)"])
def test_a_name_before_a_bracket_marks_products_wherever_it_stands(text):
    """`A (D)` is juxtaposition, so `*` is a matrix product in the whole expression; `B * C + A (D)` used to be
    refused because `*` came first."""
    assert_same_meaning(text, "A @ D + B @ C")


# ---------------------------------------------------------------- spellings of NumPy, MATLAB and math

SPELLINGS = [
    # (text, its meaning, declarations, notation)
    ("np.exp(x)", "exp(x)", None, "auto"),
    ("numpy.exp(x)", "exp(x)", None, "auto"),
    ("jnp.exp(x)", "exp(x)", None, "auto"),
    ("np.linalg.norm(X, 'fro')", "norm_fro(X)", None, "auto"),
    ("np.linalg.norm(X)", "norm_fro(X)", "X: matrix(n, m)", "auto"),
    ("norm(x, 1)", "norm1(x)", None, "auto"),
    ("norm(x, ord=2)", "norm(x)", None, "auto"),
    ("np.linalg.solve(A, b)", "inv(A) @ b", None, "auto"),
    ("matrix_power(X, 3)", "X @ X @ X", None, "auto"),
    ("np.dot(A, x)", "A @ x", None, "auto"),
    ("A.dot(x)", "A @ x", None, "auto"),
    ("x.dot(A).dot(x)", "x.T @ A @ x", None, "auto"),
    ("np.outer(x, y)", "x @ y.T", None, "auto"),
    ("np.inner(x, y)", "x.T @ y", None, "auto"),
    ("np.matmul(A, x)", "A @ x", None, "auto"),
    ("np.multiply(x, y)", "x ∘ y", None, "auto"),
    ("np.trace(A)", "trace(A)", None, "auto"),
    ("np.diag(x)", "diag(x)", None, "auto"),
    ("np.transpose(A)", "A.T", None, "auto"),
    ("A.transpose()", "A.T", None, "auto"),
    ("np.sum(X, axis=0)", "X.T @ vector(1)", None, "auto"),
    ("X.sum(axis=1)", "X @ vector(1)", None, "auto"),
    ("sum(W, 2)", "W @ vector(1)", None, "auto"),
    ("sum(W, 1)", "vector(1).T @ W", None, "matlab"),
    ("np.maximum(0, z)", "relu(z)", None, "auto"),
    ("A\\b", "inv(A) @ b", None, "auto"),
    ("x'/Y", "x.T @ inv(Y)", None, "auto"),
    ("[A B]", "[A, B]", None, "auto"),
    ("[x 1]", "[x, 1]", None, "auto"),
    ("A.'", "A.T", None, "auto"),
    ("x @ A @ x", "x.T @ A @ x", None, "auto"),
    ("1/2 ||X θ − y||^2", "0.5 * norm(X @ θ - y)**2", None, "auto"),
    ("λ‖w‖²", "λ * norm(w)**2", "λ: scalar", "auto"),
    ("‖x‖ ‖y‖", "norm(x) * norm(y)", None, "auto"),
    ("½ xᵀx", "0.5 * x.T @ x", None, "auto"),
    ("√x", "sqrt(x)", None, "auto"),
    ("X^{-T}", "inv(X.T)", None, "auto"),
    ("X^-T", "inv(X.T)", None, "auto"),
    ("X⁻ᵀ", "inv(X.T)", None, "auto"),
    ("|A|", "det(A)", None, "auto"),
    ("|x|", "abs(x)", None, "auto"),
    ("log det X", "logdet(X)", None, "auto"),
    ("log|X|", "logdet(X)", None, "auto"),
    ("det X", "det(X)", None, "auto"),
    ("log p", "log(p)", None, "auto"),
    ("‖x‖₂", "norm(x)", None, "auto"),
    ("x ⋅ y", "x.T @ y", None, "auto"),
    ("x · y", "x.T @ y", None, "auto"),
    ("W₁ x", "W1 @ x", None, "auto"),
    ("x\u00a0+\u00a0y", "x + y", None, "auto"),
    ("A\u200bx", "A @ x", None, "auto"),
    ("A\u2009x", "A @ x", None, "auto"),
    ("A\u202fx", "A @ x", None, "auto"),
    ("e^x", "exp(x)", None, "auto"),
    ("np.logaddexp(0, z)", "softplus(z)", None, "auto"),
    ("scipy.special.expit(z)", "sigmoid(z)", None, "auto"),
    ("np.hstack([X, 1])", "[X, 1]", None, "auto"),
    ("np.block([[A, B], [C, D]])", "[A, B; C, D]", None, "auto"),
    ("np.divide(p, q)", "p / q", None, "auto"),
    ("A*x", "A @ x", None, "matlab"),
    ("A*x", "A @ x", None, "math"),
    ("A*B", "A ∘ B", None, "numpy"),
]


@pytest.mark.parametrize(("text", "meaning", "where", "notation"), SPELLINGS,
                         ids=[f"{s[0]} ({s[3]})" if s[3] != "auto" else s[0] for s in SPELLINGS])
def test_spellings_mean_what_they_mean_in_their_notation(text, meaning, where, notation):
    assert_same_meaning(text, meaning, where, notation=notation)


@pytest.mark.parametrize("text", ["e^{-x}", "e^(-x)", "e^-x"])
def test_e_to_a_negated_exponent_is_the_exponential(text):
    assert mc.parse(text) == mc.parse("exp(-x)")


@pytest.mark.parametrize("text", ["x^{-y}", "2^{-x}", "e^{-x}"])
def test_errors_in_exponents_name_no_grammar_internals(text):
    try:
        mc.parse(text)
    except MatcalcError as err:
        assert "__anon" not in str(err)


NOTES = [
    # (text, notation, part of the note that says how it was read)
    ("x @ A @ x", "auto", "x read as a row in x @ A @ x"),
    ("sum(W, 1)", "matlab", "sum(W, 1) read as 1ᵀ W"),
    ("np.sum(X, axis=0)", "auto", "read as Xᵀ 1"),
    ("[A B]", "auto", "[A B] read as blocks side by side"),
    ("e^x", "auto", "read as exp(…)"),
    ("|X|", "auto", "|X| read as det(X)"),
]


@pytest.mark.parametrize(("text", "notation", "note"), NOTES, ids=[n[0] for n in NOTES])
def test_spellings_a_reader_could_doubt_are_noted(text, notation, note):
    reading = read(text, notation=notation)
    assert any(note in n for n in reading.notes), reading.notes


AMBIGUOUS = [
    # (text, notation, part of the message)
    ("sum(W, 1)", "auto", "sum(W, 1) is ambiguous"),
    ("sum(W, 1)", "math", "sum(W, 1) is ambiguous"),
    ("A*x", "auto", "'*' between two non-scalars is ambiguous"),
]


@pytest.mark.parametrize(("text", "notation", "message"), AMBIGUOUS, ids=[f"{a[0]} ({a[1]})" for a in AMBIGUOUS])
def test_spellings_that_differ_between_notations_are_refused_until_the_notation_is_chosen(text, notation, message):
    with pytest.raises(ParseError) as err:
        mc.parse(text, notation=notation)
    assert message in str(err.value)


def test_the_notation_decides_what_star_means_in_derive():
    assert str(mc.derive("x'*A*x", "x", notation="matlab")) == "(A + A.T) @ x"
    assert str(mc.derive("A*x", "x", notation="matlab")) == str(mc.derive("A @ x", "x"))
    with pytest.raises(ParseError, match="ambiguous"):
        mc.derive("A*x", "x")
    with pytest.raises(MatcalcError, match="notation must be one of"):
        mc.parse("A*x", notation="fortran")


def test_a_subscript_digit_is_the_digit_also_as_the_variable():
    d = mc.derive("W₁ x", "W₁")
    assert d.wrt.name == "W1"
    assert str(d) == str(mc.derive("W1 x", "W1"))


# ---------------------------------------------------------------- the command line


def test_show_prints_the_fraction_reading_on_the_assumes_line():
    r = run_cli("show", "-N/2 logdet(Sigma)")
    assert r.returncode == 0, r.stderr
    line = assumes_line(r.stdout)
    assert "N: scalar" in line
    assert "-N/2 logdet(Sigma) read as (-N/2) logdet(Sigma)" in line
    assert "N read as a scalar" in line


def test_derive_prints_the_split_on_the_assumes_line():
    r = run_cli("derive", "x'Ax", "wrt", "x")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "(A + A.T) @ x"
    assert "Ax read as A x" in assumes_line(r.stdout)


CLI_ERRORS = [
    # (arguments, parts of the message)
    (["derive", "||y - X w||^2", "wrt", "theta"], ["theta does not occur", "y, X, w"]),
    (["derive", "||y - X theta||^2", "wrt", "φ"], ["φ does not occur"]),
    (["derive", "x^T x", "wrt", "x", "--where", "z: scalar"], ["z is declared but does not occur"]),
    (["show", "x", "--where", "z: scalar"], ["z is declared but does not occur"]),
    (["show", "tr(exp(X))"], ["expm(", "np.exp("]),
    (["show", "A*x"], ["ambiguous"]),
]


@pytest.mark.parametrize(("args", "parts"), CLI_ERRORS, ids=[" ".join(a) for a, _ in CLI_ERRORS])
def test_the_command_refuses_a_misreading_with_one_message(args, parts):
    r = run_cli(*args)
    assert r.returncode == 1, r.stdout
    assert r.stderr.startswith("error: ") and "Traceback" not in r.stderr
    for part in parts:
        assert part in r.stderr


CLI_NOTATIONS = [
    # (arguments, the first line of the output)
    (["show", "A*x", "--notation", "matlab"], "A @ x"),
    (["show", "B * C + A (D)"], "B @ C + A @ D"),
    (["derive", "x'*A*x", "wrt", "x", "--notation", "matlab"], "(A + A.T) @ x"),
    (["hessian", "x'*A*x", "wrt", "x", "--notation", "matlab"], "A + A.T"),
    (["check", "x'*A*x", "wrt", "x", "--answer", "(A + A')*x", "--notation", "math"],
     "correct, in mixed or denominator layout (the gradient has the shape of x)"),
]


@pytest.mark.parametrize(("args", "first"), CLI_NOTATIONS, ids=[" ".join(a) for a, _ in CLI_NOTATIONS])
def test_the_notation_option_of_the_command(args, first):
    r = run_cli(*args)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == first


def test_grade_does_not_mark_a_question_by_an_absent_variable_correct(tmp_path):
    """The answer 0 to a question by a variable that is not there used to be graded correct."""
    path = tmp_path / "answers.csv"
    path.write_text("id,expression,wrt,answer\nann,x.T@A@x,y,0\nbob,x.T@A@x,x,(A + A^T)x\n", encoding="utf-8")
    r = run_cli("grade", str(path))
    assert r.returncode == 0, r.stderr
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(r.stdout))}
    assert rows["ann"]["correct"] == "no" and rows["ann"]["diagnosis"] == "error"
    assert "y does not occur" in rows["ann"]["message"]
    assert rows["bob"]["correct"] == "yes"


def test_slogdet_index_one_is_the_log_determinant_and_other_uses_are_refused():
    """np.linalg.slogdet(X)[1] is how NumPy code writes log|det X|: it reads as logdet(X); slogdet alone is refused."""
    assert mc.parse("np.linalg.slogdet(X)[1]") == mc.parse("logdet(X)")
    with pytest.raises(UnsupportedError, match="write logdet"):
        mc.parse("np.linalg.slogdet(X)")


def test_matlab_colon_is_refused_with_the_vec_spelling():
    with pytest.raises(ParseError, match=r"for MATLAB's X\(:\) write vec\(X\)"):
        mc.parse("sum(X(:).^2)")


# ---------------------------------------------------------------- found by reading as a reviewer would type

SCALAR_DIVISORS = [
    # (text, the names that must be scalars): a name a scalar is divided by, or in a denominator, is a scalar
    ("1/(2*m) * np.sum((X @ theta - y)**2)", ["m"]),
    ("1/(2*m)*(X*theta - y)'*(X*theta - y)", ["m"]),
    ("1/(2*m) * np.sum((X @ w - y)**2) + lam/(2*m) * np.sum(w**2)", ["lam", "m"]),
    ("sum(x) / (N - 1)", ["N"]),
    ("1/(N-1) sum(x)", ["N"]),
    ("2/n x^T x", ["n"]),
    ("2 / n * sum(x)", ["n"]),
    ("1/2m sum((X θ - y).^2)", ["m"]),
    ("1/2n ‖y − X w‖²", ["n"]),
    ("1/2σ^2 ‖x − μ‖²", ["σ"]),
    ("1/2 w^T w + C sum(ξ)", ["C"]),
    ("C ‖w‖² + ‖y - X w‖²", ["C"]),
]


@pytest.mark.parametrize(("text", "scalars"), SCALAR_DIVISORS, ids=[t for t, _ in SCALAR_DIVISORS])
def test_names_in_denominators_and_scaled_terms_of_a_scalar_sum_are_scalars(text, scalars):
    reading = read(text)
    kinds = {s.name: s.shape for s in symbols(reading.expr)}
    for name in scalars:
        assert kinds[name] == (ONE, ONE), f"{name} in {text}: {mc.assumptions(text)}"
        assert any(f"{name} read as a scalar" in note for note in reading.notes)
    assert reading.expr.shape == (ONE, ONE)


@pytest.mark.parametrize(("text", "wrt", "meaning", "where"), [
    ("θ − α g", "g", "θ - α * g", "α: scalar"),  # the coefficient is the scalar, not what it scales
    ("μ + σ ε", "ε", "μ + σ * ε", "σ: scalar"),
    ("1/λ A x", "x", "(1/λ) * A @ x", "λ: scalar"),
    ("w^T Sb w / w^T Sw w", "w", "w.T @ Sb @ w / (w.T @ Sw @ w)", None),  # Sb, Sw: a family of names
    ("inv(XtX) X.T @ y", "X", "inv(X.T @ X) @ X.T @ y", None),
    ("inv(X.T @ X) @ Xty", "X", "inv(X.T @ X) @ X.T @ y", None),
    ("x^TAy", "x", "x.T @ A @ y", None),
])
def test_what_is_scaled_and_named_families_keep_their_meaning(text, wrt, meaning, where):
    got, want = mc.derive(text, wrt), mc.derive(meaning, wrt, where=where)
    assert {s.name: s.shape for s in symbols(got.f)} == {s.name: s.shape for s in symbols(want.f)}
    values = values_for(want.f)
    np.testing.assert_allclose(mc.evaluate(got.f, values), mc.evaluate(want.f, values))
    np.testing.assert_allclose(got.evaluate(values), want.evaluate(values))


@pytest.mark.parametrize("text", ["[I -A]", "[x -y]", "[A -B; -C D]"])
def test_a_matlab_minus_glued_to_a_block_is_refused(text):
    with pytest.raises(ParseError, match="a space before '-' starts a new block"):
        mc.parse(text)


def test_a_leading_minus_in_a_matlab_block_belongs_to_the_first_block():
    assert mc.parse("[-A B]") == mc.parse("[-A, B]")


def test_a_spelling_name_used_without_brackets_is_refused():
    with pytest.raises(ParseError, match="'max' is a function"):
        mc.parse("max x")


@pytest.mark.parametrize(("text", "message"), [
    ("p^T log p/q", "write log(p/q) or log(p)/q"),
    ("log p * q", "write log(p * q) or log(p) * q"),
])
def test_a_function_word_before_an_operator_is_refused(text, message):
    with pytest.raises(ParseError, match=re.escape(message)):
        mc.parse(text)


def test_a_sum_along_an_axis_is_a_column_of_ones_not_a_broadcast_matrix():
    """np.exp(S) / np.sum(np.exp(S), axis=1) needs NumPy's broadcasting of a column: refused, not misread."""
    with pytest.raises(ShapeError):
        mc.parse("np.exp(S) / np.sum(np.exp(S), axis=1)")
    assert mc.parse("X.sum(axis=1)").shape[1] == ONE
