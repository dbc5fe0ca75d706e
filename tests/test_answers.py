"""The homework checker (matcalc.answers): a verdict on a proposed derivative, with a named diagnosis.

The table holds (question, answer, expected diagnosis) triples from lecture-note exercises:
right answers in each layout, transposed answers, the symmetric slip (2 A x for xᵀAx), factor and sign
slips, answers of an impossible shape, plain wrong answers, and declared-symmetric A where 2 A x is
right. The tests after it pin down what each verdict says, and that the numbers cannot be fooled.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import matcalc as mc
from matcalc.answers import DIAGNOSES, DRAWS, Verdict, check_answer

# (expression, wrt, where, layout, answer, diagnosis)
TABLE = [
    # L4: xᵀAx — right in each layout, the symmetric slip, factor and sign slips, impossible shapes
    ("x.T@A@x", "x", None, None, "(A + A.T) @ x", "correct"),
    ("x.T@A@x", "x", None, None, "x.T@(A + A.T)", "correct"),
    ("x.T@A@x", "x", None, None, "x^T (A + A^T)", "correct"),
    ("x.T@A@x", "x", None, None, "A x + A^T x", "correct"),
    ("x.T@A@x", "x", None, "numerator", "x.T@(A + A.T)", "correct"),
    ("x.T@A@x", "x", None, "denominator", "(A + A.T)@x", "correct"),
    ("x.T@A@x", "x", None, "mixed", "x.T@(A + A.T)", "other-layout"),
    ("x.T@A@x", "x", None, "numerator", "(A + A.T)@x", "other-layout"),
    ("x.T@A@x", "x", None, None, "2*A@x", "symmetric-slip"),
    ("x.T@A@x", "x", None, None, "2 A x", "symmetric-slip"),
    ("x.T@A@x", "x", None, None, "2*x.T@A", "symmetric-slip"),
    ("x.T@A@x", "x", None, None, "A@x", "symmetric-slip"),
    ("x.T@A@x", "x", None, None, "0.5*(A + A.T)@x", "factor"),
    ("x.T@A@x", "x", None, None, "-(A + A.T)@x", "sign"),
    ("x.T@A@x", "x", None, None, "A + A.T", "shape-mismatch"),
    ("x.T@A@x", "x", None, None, "x.T@x", "shape-mismatch"),
    ("x.T@A@x", "x", None, None, "A@x - A.T@x", "wrong"),
    ("x.T@A@x", "x", None, None, "2*B@x", "unknown-name"),
    # declared symmetric: 2 A x IS the derivative, and so is the general form
    ("x.T@A@x", "x", "A: symmetric", None, "2*A@x", "correct"),
    ("x.T@A@x", "x", "A: symmetric", None, "2 x^T A", "correct"),
    ("x.T@A@x", "x", "A: symmetric", None, "(A + A.T)@x", "correct"),
    ("x.T@A@x", "x", "A: symmetric", None, "A@x", "factor"),
    ("x^T A x", "x", "A: spd", "mixed", "2*A@x", "correct"),
    # L3: yᵀAx w.r.t. x and y
    ("y.T@A@x", "x", None, None, "y.T@A", "correct"),
    ("y.T@A@x", "x", None, None, "A.T@y", "correct"),
    ("y.T@A@x", "y", None, None, "x.T@A.T", "correct"),
    ("y.T@A@x", "y", None, "numerator", "A@x", "other-layout"),
    ("y.T@A@x", "x", None, None, "A@y", "transposed"),  # A.T@y: the factor is named
    ("y.T@A@x", "x", None, None, "-A.T@y", "sign"),
    # Eg 2: least squares
    ("||y - Phi theta||^2", "theta", None, None, "-2 Phi^T (y - Phi theta)", "correct"),
    ("||y - Phi theta||^2", "theta", None, None, "-2 (y - Phi theta)^T Phi", "correct"),
    ("||y - Phi theta||^2", "theta", None, None, "2*Phi.T@(Phi@theta - y)", "correct"),
    ("||y - Phi theta||^2", "theta", None, None, "2 Phi^T (y - Phi theta)", "sign"),
    ("||y - Phi theta||^2", "theta", None, None, "-Phi^T (y - Phi theta)", "factor"),
    ("||y - Phi theta||^2", "theta", None, None, "-2 (y - Phi theta)", "shape-mismatch"),
    ("||y - Phi theta||^2", "theta", None, None, "-2 Phi^T y", "wrong"),
    ("0.5*||A@x - b||^2", "x", None, None, "A.T@(A@x - b)", "correct"),
    ("0.5*||A@x - b||^2", "x", None, None, "2*A.T@(A@x - b)", "factor"),
    ("0.5*||A@x - b||^2", "x", None, None, "A.T@A@x", "wrong"),
    # Eg 1 and L1: Jacobians (numerator = mixed; denominator is the transpose)
    ("A@x + b", "x", None, None, "A", "correct"),
    ("A@x + b", "x", None, None, "A.T", "correct"),
    ("A@x + b", "x", None, "mixed", "A.T", "other-layout"),
    ("A@x + b", "x", None, "denominator", "A.T", "correct"),
    ("A@x + b", "x", None, None, "I", "shape-mismatch"),
    ("x", "x", None, None, "I", "correct"),
    ("w - x", "x", None, None, "-I", "correct"),
    ("tanh(W @ x + b)", "x", None, None, "diag(1 - tanh(W@x + b)**2) @ W", "correct"),
    ("tanh(W @ x + b)", "x", None, None, "-diag(1 - tanh(W@x + b)**2) @ W", "sign"),
    ("tanh(W @ x + b)", "x", None, None, "diag(tanh(W@x + b)) @ W", "wrong"),
    ("sigmoid(x)", "x", None, None, "diag(sigmoid(x) ∘ (1 - sigmoid(x)))", "correct"),
    ("sigmoid(x)", "x", None, None, "sigmoid(x) ∘ (1 - sigmoid(x))", "shape-mismatch"),
    # reductions and the perceptron
    ("sum(x)", "x", None, None, "vector(1)", "correct"),
    ("sum(x)", "x", None, None, "1", "correct"),
    ("sum(x)", "x", None, None, "x", "wrong"),
    ("w.T@x + b", "w", "b: scalar", None, "x", "correct"),
    ("w.T@x + b", "w", "b: scalar", None, "x.T", "correct"),
    ("w.T@x + b", "b", "b: scalar", None, "1", "correct"),
    ("w.T@x + b", "b", "b: scalar", None, "2", "factor"),
    # matrix variables: the gradient has the variable's shape; numerator gives the transpose
    ("trace(A@X@B)", "X", None, None, "A.T@B.T", "correct"),
    ("trace(A@X@B)", "X", None, None, "B@A", "correct"),
    ("trace(A@X@B)", "X", None, "mixed", "B@A", "other-layout"),
    ("trace(A@X@B)", "X", None, "mixed", "2 A^T B^T", "factor"),
    ("trace(A@X@B)", "X", None, "mixed", "A@B", "shape-mismatch"),
    ("trace(X.T@A@X)", "X", None, None, "(A + A.T)@X", "correct"),
    ("trace(X.T@A@X)", "X", None, None, "2*A@X", "symmetric-slip"),
    ("trace(X.T@A@X)", "X", None, None, "-(A + A.T)@X", "sign"),
    ("logdet(X)", "X", None, "mixed", "inv(X).T", "correct"),
    ("logdet(X)", "X", "X: spd", "mixed", "inv(X)", "correct"),
    ("logdet(X)", "X", "X: spd", "mixed", "2 inv(X) - diag(diag(inv(X)))", "other-convention"),  # the Cookbook's
    ("det(X)", "X", None, "mixed", "det(X) inv(X)^T", "correct"),
    # a matrix w.r.t. a scalar: its transpose is no layout, just the transpose
    ("t*A + B", "t", "t: scalar", None, "A", "correct"),
    ("t*A + B", "t", "t: scalar", None, "A.T", "transposed"),
    ("t*A + B", "t", "t: scalar", "mixed", "A^T", "transposed"),
    ("t*A + B", "t", "t: scalar", None, "0.5 A", "factor"),
    # Eg 3: a vector w.r.t. a matrix (vec-Jacobian), column- vs row-major vec
    ("A@x", "A", None, None, "kron(x.T, I)", "correct"),
    ("A@x", "A", None, None, "kron(x, I)", "correct"),
    ("A@x", "A", None, None, "kron(I, x.T)", "vec-order"),
    ("A@x", "A", None, "mixed", "kron(x, I)", "other-layout"),
    ("A@x", "A", None, None, "x.T", "shape-mismatch"),
    ("[Z, 1] @ W", "W", None, None, "kron(I, [Z, 1])", "correct"),  # a two-layer network with [Z, 1]: I's size is solved for
    ("[Z, 1] @ W", "W", None, None, "kron([Z, 1], I)", "vec-order"),  # both flattened row by row
    # Eg 6: the scalar chain rule (with the erratum corrected)
    ("sin(x^2)", "x", "x: scalar", None, "2 x cos(x^2)", "correct"),
    ("sin(x^2)", "x", "x: scalar", None, "x cos(x^2)", "factor"),
    ("sin(x^2)", "x", "x: scalar", None, "2 cos(x^2)", "wrong"),
    ("ln(sin(x^3)^2)", "x", "x: scalar", None, "6 x^2 cos(x^3)/sin(x^3)", "correct"),
    ("ln(sin(x^3)^2)", "x", "x: scalar", None, "6 x^2 cos(x^3)", "wrong"),
    ("x * x^2", "x", "x: scalar", None, "3 x^2", "correct"),
    ("x * x^2", "x", "x: scalar", None, "2 x", "wrong"),
]


@pytest.mark.parametrize("expr,wrt,where,layout,answer,diagnosis", TABLE,
                         ids=[f"{e}|d{w}|{a}|{d}" for e, w, _, _, a, d in TABLE])
def test_lecture_table(expr, wrt, where, layout, answer, diagnosis):
    v = check_answer(expr, wrt, answer, where=where, layout=layout)
    assert v.diagnosis == diagnosis, str(v)
    assert v.correct == (diagnosis == "correct")
    assert bool(v) == v.correct


def test_the_table_is_large_and_covers_every_diagnosis():
    assert len(TABLE) >= 40
    covered = {row[-1] for row in TABLE}
    assert covered >= set(DIAGNOSES) - {"inconclusive", "raises"}  # (raises: a function's, test_check_function.py)


# ---------------------------------------------------------------- the "done when"


def test_done_when_the_symmetric_slip():
    v = mc.check_answer("x.T@A@x", "x", "2*A@x")
    assert not v.correct and v.diagnosis == "symmetric-slip"
    assert v.headline.startswith("wrong unless A is symmetric")
    assert str(v.derivative) == "(A + A.T) @ x"
    assert "(A + A.T) @ x" in str(v)
    assert v.symmetric == ("A",)


def test_done_when_correct_in_numerator_layout():
    v = mc.check_answer("x.T@A@x", "x", "x.T@(A + A.T)")
    assert v.correct
    assert v.message == "correct, in numerator layout (the gradient w.r.t. x as a row)"
    assert v.layouts == ("numerator",)
    assert v.derivative.layout == "numerator"


# ---------------------------------------------------------------- what each verdict says


def test_correct_says_which_layouts():
    v = check_answer("x.T@A@x", "x", "(A + A.T) @ x")
    assert v.message.startswith("correct, in mixed or denominator layout")
    assert v.layouts == ("mixed", "denominator")
    j = check_answer("A@x + b", "x", "A.T")
    assert j.message.startswith("correct, in denominator layout") and j.layouts == ("denominator",)


def test_a_layout_free_derivative_names_no_layout():
    v = check_answer("sin(x^2)", "x", "2 x cos(x^2)", where="x: scalar")
    assert v.message == "correct"


def test_other_layout_names_both_layouts_and_gives_the_asked_form():
    v = check_answer("x.T@A@x", "x", "x.T@(A + A.T)", layout="mixed")
    assert v.message == ("correct in numerator layout, but mixed was asked: in mixed layout the derivative is "
                         "(A + A.T) @ x")
    assert str(v.derivative) == "(A + A.T) @ x" and v.layouts == ("numerator",)


def test_the_derived_tree_needs_no_numbers():
    v = check_answer("x.T@A@x", "x", "(A + A.T) @ x")
    assert v.correct and v.method == "symbolic" and v.draws == 0
    v = check_answer("x.T@A@x", "x", "A@x + A.T@x")  # another form of it: the numbers prove it
    assert v.correct and v.method == "numeric" and v.draws == DRAWS
    v = check_answer("x.T@A@x", "x", "(A.T + A)@x + 0*x")
    assert v.correct and v.method in ("symbolic", "numeric")


def test_the_simplifier_decides_when_the_numbers_cannot():
    # undefined (nan) wherever some x_i < 0, yet the simplifier turns it into the derived tree
    v = check_answer("x.T@A@x", "x", "(A + A.T)@x + 0*log(x)")
    assert v.correct and v.method == "symbolic" and v.draws == 0


def test_numeric_equality_uses_several_draws_of_distinct_sizes():
    v = check_answer("x.T@A@x", "x", "A.T@x + A@x + (x.T@x)*x - norm(x)**2*x")
    assert v.correct and v.method == "numeric"
    assert v.draws == DRAWS >= 3


def test_factor_is_estimated_and_reported():
    v = check_answer("x.T@A@x", "x", "0.5*(A + A.T)@x")
    assert v.factor == Fraction(1, 2)
    assert "1/2 times the derivative" in v.message and "a factor 2 is missing" in v.message
    v = check_answer("||y - Phi theta||^2", "theta", "-6 Phi^T (y - Phi theta)")
    assert v.diagnosis == "factor" and v.factor == 3
    v = check_answer("||y - Phi theta||^2", "theta", "2 Phi^T (y - Phi theta)")
    assert v.diagnosis == "sign" and v.factor == -1
    assert v.message == "wrong sign: the answer is the negative of the derivative"


def test_factor_in_another_layout_says_so():
    v = check_answer("x.T@A@x", "x", "2*x.T@(A + A.T)", layout="mixed")
    assert v.diagnosis == "factor" and v.factor == 2
    assert "numerator layout, but mixed was asked" in v.message


def test_a_factor_that_is_not_constant_is_no_factor():
    v = check_answer("x.T@x", "x", "(x.T@x) * x")  # 2x scaled by a number that changes from point to point
    assert v.diagnosis == "wrong"


def test_symmetric_slip_with_a_missing_factor_says_both():
    v = check_answer("x.T@A@x", "x", "A@x")
    assert v.diagnosis == "symmetric-slip"
    assert "even then the answer is 1/2 times the derivative" in v.message


def test_symmetric_slip_in_another_layout():
    v = check_answer("x.T@A@x", "x", "2*x.T@A", layout="mixed")
    assert v.diagnosis == "symmetric-slip"
    assert "numerator layout, but mixed was asked" in v.message


def test_symmetric_slip_names_the_matrix_among_several():
    v = check_answer("x.T@A@x + x.T@B@x", "x", "2*A@x + (B + B.T)@x")
    assert v.diagnosis == "symmetric-slip" and v.symmetric == ("A",)
    v = check_answer("x.T@A@x + x.T@B@x", "x", "2*A@x + 2*B@x")
    assert v.diagnosis == "symmetric-slip" and v.symmetric == ("A", "B")
    assert "A and B are symmetric" in v.message


def test_shape_mismatch_names_both_shapes():
    v = check_answer("x.T@A@x", "x", "A + A.T")
    assert v.message == ("shape mismatch: the answer cannot be the derivative: it is matrix(n, n), but the "
                         "derivative is vector(n) (mixed or denominator layout) or covector(n) (numerator layout)")
    v = check_answer("x.T@A@x", "x", "A + A.T", layout="mixed")
    assert "matrix(n, n)" in v.message and "vector(n)" in v.message


def test_shape_mismatch_when_the_answer_contradicts_the_question_shapes():
    v = check_answer("y.T@A@x", "x", "x@A")  # A is n×m, x has m entries: x A is not defined, nor one transpose away
    assert v.diagnosis == "shape-mismatch"
    assert "with the question's shapes" in v.message and "matrix(n, m)" in v.message
    assert v.answer is None and v.answer_text == "x@A"
    assert "answer:  x@A" in str(v)


def test_shape_mismatch_notices_a_missing_diag():
    v = check_answer("sigmoid(x)", "x", "sigmoid(x) ∘ (1 - sigmoid(x))")
    assert v.diagnosis == "shape-mismatch"
    assert "the answer holds its diagonal: the derivative is diag(" in v.message


def test_wrong_gives_the_closed_form_and_the_entries_that_differ():
    v = check_answer("x.T@A@x", "x", "A@x - A.T@x")
    assert v.diagnosis == "wrong"
    assert v.message.startswith("wrong: the derivative is (A + A.T) @ x\n  at a random point (n=2), ")
    assert v.sizes == {"n": 2}
    assert v.differences and all(len(index) == 1 for index, _, _ in v.differences)
    index, expected, got = v.differences[0]
    assert expected != pytest.approx(got)


def test_wrong_matrix_answer_names_row_and_column():
    v = check_answer("trace(X.T@A@X)", "X", "(A + A.T)@X + X")
    assert v.diagnosis == "wrong"
    assert all(len(index) == 2 for index, _, _ in v.differences)
    assert "entries differ: [0, 0]:" in v.message


def test_wrong_scalar_answer_names_the_point():
    v = check_answer("sin(x^2)", "x", "2 cos(x^2)", where="x: scalar")
    assert "\n  at x = " in v.message and "the answer is" in v.message


def test_unknown_names():
    v = check_answer("x.T@A@x", "x", "A@y + B@x")
    assert v.diagnosis == "unknown-name"
    assert v.message == "wrong: the answer uses y, B, which are not in the question"


def test_vec_order_is_named():
    v = check_answer("A@x", "A", "kron(I, x.T)")
    assert v.diagnosis == "vec-order"
    assert "flattens A row by row" in v.message and "A column by column" in v.message
    assert check_answer("A@x", "A", "kron(I, x.T)", vec="row").correct
    assert check_answer("A@x", "A", "kron(x.T, I)", vec="row").diagnosis == "vec-order"


def test_transposed():
    v = check_answer("t*A + B", "t", "A.T", where="t: scalar")
    assert v.message == "wrong: this is the transpose of the derivative (matrix(m, n) instead of matrix(n, m))"


def test_a_constant_answer_is_read_as_an_array_of_the_derivatives_shape():
    assert check_answer("sum(x)", "x", "1").correct
    assert check_answer("x.T@A@x", "x", "0", where="A: matrix(n, n)").diagnosis == "wrong"
    with pytest.raises(mc.MatcalcError, match="y does not occur"):  # not a zero: a question nobody asked
        check_answer("x.T@A@x", "y", "0")
    assert check_answer("sum(3*x)", "x", "3").correct


# ---------------------------------------------------------------- the numbers cannot be fooled


def test_not_fooled_by_one_size():
    # sum(x**0) is n: equal to the derivative when n = 3 only
    v = check_answer("x.T@A@x", "x", "(A + A.T)@x * sum(x**0) / 3")
    assert not v.correct


def test_not_fooled_by_a_symmetric_point_when_nothing_is_declared():
    assert not check_answer("trace(A@X)", "X", "A", layout="mixed").correct


def test_relative_tolerance_is_scale_free():
    assert check_answer("1e6 * x.T@A@x", "x", "1e6*(A + A.T)@x").correct
    assert check_answer("1e-6 * x.T@A@x", "x", "1e-6*(A + A.T)@x").correct
    assert not check_answer("1e-6 * x.T@A@x", "x", "1e-6*(A + A.T)@x + 1e-9*x").correct
    assert check_answer("x.T@A@x", "x", "(A + A.T)@x + 1e-13*x").correct  # rounding noise is not an error


def test_declared_properties_are_honoured():
    # inv(X) is the gradient of logdet for a symmetric X only: with X: spd it is right, without it the transpose
    assert check_answer("logdet(X)", "X", "inv(X)", where="X: spd", layout="mixed").correct
    assert check_answer("logdet(X)", "X", "inv(X)", layout="mixed").diagnosis == "other-layout"
    assert check_answer("sum(log(x))", "x", "1/x").correct  # x drawn where log is defined


def test_an_answer_undefined_where_the_derivative_is_defined_is_wrong():
    v = check_answer("x.T@x", "x", "2*sqrt(x)**2")
    assert v.diagnosis == "wrong" and "undefined" in v.message


def test_verdicts_are_deterministic():
    a = check_answer("x.T@A@x", "x", "A@x - A.T@x")
    b = check_answer("x.T@A@x", "x", "A@x - A.T@x")
    assert a.message == b.message


# ---------------------------------------------------------------- inputs, errors, rendering


def test_answers_may_be_expressions_or_derivatives():
    d = mc.derive("x.T@A@x", "x")
    assert check_answer("x.T@A@x", "x", d).correct
    assert check_answer("x.T@A@x", "x", d.expr).correct
    assert check_answer(mc.parse("x.T@A@x"), "x", "x.T@(A + A.T)").correct
    foreign = mc.parse("A @ x", where="A: matrix(n, m); x: vector(m)")
    assert check_answer("x.T@A@x", "x", foreign).diagnosis == "shape-mismatch"


@pytest.mark.parametrize("answer", ["2*A@x +", "(A + A.T @ x", "A*B*x", "", "x[0]", "__import__('os')"])
def test_an_unreadable_answer_is_a_user_error_that_says_so(answer):
    with pytest.raises(mc.MatcalcError, match="in the answer"):
        check_answer("x.T@A@x", "x", answer)


def test_an_unreadable_question_is_a_user_error():
    with pytest.raises(mc.ParseError):
        check_answer("x.T@A@", "x", "x")
    with pytest.raises(mc.MatcalcError, match="layout"):
        check_answer("x.T@A@x", "x", "x", layout="sideways")
    with pytest.raises(mc.MatcalcError):
        check_answer("x.T@A@x", "x", 42)


def test_a_deeply_nested_answer_is_a_user_error_or_a_verdict():
    try:
        v = check_answer("x.T@A@x", "x", "-" * 3001 + "x")
    except mc.MatcalcError:
        return
    assert v.diagnosis == "wrong"


def test_str_shows_message_answer_correct_form_layout_and_assumptions():
    text = str(check_answer("x.T@A@x", "x", "2*A@x"))
    lines = text.splitlines()
    assert lines[0].startswith("wrong unless A is symmetric")
    assert lines[1:] == [
        "  answer:  2 * A @ x",
        "  correct: (A + A.T) @ x",
        "  shape:   vector(n)",
        "  layout:  mixed (the gradient has the shape of x)",
        "  assumes: x: vector(n), A: matrix(n, n)",
    ]


def test_steps_on_request():
    v = check_answer("x.T@A@x", "x", "2*A@x", steps=True)
    assert "steps:" in str(v) and "[L4]" in str(v)
    assert "steps:" not in str(check_answer("x.T@A@x", "x", "2*A@x"))
    assert [s.rule for s in v.steps][:2] == ["transpose", "L4"]


def test_jupyter_rendering():
    v = check_answer("x.T@A@x", "x", "2*A@x")
    bundle = v._repr_mimebundle_()
    assert "text/html" not in bundle and bundle["text/markdown"].startswith("**✗ ") and "(A + A.T) @ x" in bundle["text/plain"]
    latex = v._repr_latex_()
    assert latex.startswith("$") and latex.endswith("$")
    assert r"\left(A + A^{\top}\right) x" in latex and r"\times" in latex
    ok = check_answer("x.T@A@x", "x", "(A + A.T)@x", steps=True)
    markdown = ok._repr_mimebundle_()["text/markdown"]
    assert markdown.startswith("**✓ ") and r"\text{(L4)}" in markdown and r"\checkmark" in ok._repr_latex_()
    assert repr(ok).startswith("<Verdict correct: correct")


def test_public_api():
    assert mc.check_answer is check_answer and mc.Verdict is Verdict
    assert "check_answer" in mc.__all__ and "Verdict" in mc.__all__


def test_a_question_is_derived_once_whatever_layouts_and_vec_orders_it_compares(monkeypatch):
    """Every layout and vec order is arranged from the one differential (Derivative.in_layout)."""
    from matcalc import derivative
    from matcalc.grading.check import _cached

    calls = []
    original = derivative.differential
    monkeypatch.setattr(derivative, "differential", lambda *a, **k: calls.append(1) or original(*a, **k))
    for question, wrt, answer in [("A@X@B", "X", "kron(B.T, A)"), ("x.T@A@x", "x", "x.T @ (A + A.T)"),
                                  ("X@X.T", "X", "kron(X, eye(n))")]:
        _cached.cache_clear()
        calls.clear()
        mc.check_answer(question, wrt, answer)
        assert len(calls) == 1, question


@pytest.mark.parametrize("layout", ["mixed", "numerator", "denominator"])
@pytest.mark.parametrize("vec", ["col", "row", "col,row"])
def test_in_layout_is_what_derive_gives(layout, vec):
    for expr, wrt in [("A@X@B", "X"), ("x.T@A@x", "x"), ("A@x", "x"), ("x*s", "s"), ("x - x", "x")]:
        d = mc.derive(expr, wrt, where="s: scalar" if "s" in expr else None)
        direct = mc.derive(expr, wrt, layout=layout, vec=vec, where="s: scalar" if "s" in expr else None)
        arranged = d.in_layout(layout, vec)
        assert (str(arranged), arranged.convention, arranged.kind) == (str(direct), direct.convention, direct.kind)
