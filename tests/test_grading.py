"""The grading package (matcalc.grading): the table of diagnoses, row by row, over prepared questions.

Each row of ``matcalc.grading.diagnoses.TABLE`` gets its own test: an answer its test must find, answers
it must not, and the verdict the table gives (that row's, since the rows before it do not apply). The
questions have dimensions of different sizes (n ≠ m ≠ p at every random point), so that a misplaced
transpose cannot pass for the right answer. Then: the prepared question (one derivation, transposed
layouts arranged only when shown), the comparison kit shared with the finite-difference check, and
grading a class, which must not depend on the order of the rows.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest

import matcalc as mc
import matcalc.answers  # noqa: F401 - mc.answers, the former home of DIAGNOSES, below
from matcalc import checking
from matcalc.grading import TABLE, check_answer, grade_answers, prepare
from matcalc.grading import findings as dx
from matcalc.grading.answer import read_answer

# Every question has three dimensions, of three different sizes at every random point.
CHAIN = ("y.T@A@C@x", "x", "A: matrix(m, p); C: matrix(p, n)")  # ∂/∂x = Cᵀ Aᵀ y, an n-vector
SLIP = ("x.T@B@x + y.T@A@C@x", "x", "A: matrix(m, p); C: matrix(p, n)")  # (B + Bᵀ) x + Cᵀ Aᵀ y; B is n×n
VEC = ("A@B@x", "A", "A: matrix(n, m); B: matrix(m, p)")  # the vec-Jacobian kron((B x)ᵀ, I), n × nm
BY_SCALAR = ("t*A@B + D", "t", "t: scalar; A: matrix(n, m); B: matrix(m, p)")  # A B, n×p


def _row(test):
    return next(r for r in TABLE if r.test is test)


def found(question, answer, test, layout=None):
    """What `test` finds for `answer` to `question` (None: the row does not apply)."""
    q = prepare(*question, layout=layout)
    for d in q.draws:
        assert len(d.sizes) == 3 and len(set(d.sizes.values())) == 3, d.sizes  # n ≠ m ≠ p
    return test(q, read_answer(q, answer))


def decided_by(question, answer, test, layout=None):
    """check_answer's verdict, asserting that the row of `test` gave it."""
    expr, wrt, where = question
    v = check_answer(expr, wrt, answer, where=where, layout=layout)
    assert v.diagnosis == _row(test).name, str(v)
    assert found(question, answer, test, layout) is not None
    return v


def test_the_table_order_is_the_documented_one():
    assert [(r.name, r.test.__name__) for r in TABLE] == [
        ("raises", "raised"), ("wrong", "no_array"),  # a student's function (tests/test_check_function.py)
        ("unknown-name", "unknown_names"), ("correct", "derived_tree"),
        ("transposed", "_transposed_factor_of_impossible"), ("shape-mismatch", "impossible_shape"),
        ("correct", "simplifies_to_derived"), ("inconclusive", "too_few_points"), ("wrong", "undefined"),
        ("correct", "test"), ("other-layout", "test"), ("other-convention", "equal_in_other_convention"),
        ("vec-order", "test"), ("transposed", "transpose_of"),
        ("sign", "negative"), ("factor", "constant_multiple"), ("symmetric-slip", "symmetric_slip"),
        ("transposed", "_transposed_factor"), ("wrong", "anything"),
    ]
    assert {r.name for r in TABLE} == set(mc.answers.DIAGNOSES)


# ---------------------------------------------------------------- one test per row of the table


def test_unknown_name():
    v = decided_by(CHAIN, "C.T@A.T@z", dx.unknown_names)
    assert v.message == "wrong: the answer uses z, which is not in the question" and v.draws == 0
    assert found(CHAIN, "C.T@A.T@y", dx.unknown_names) is None


def test_the_derived_tree():
    v = decided_by(CHAIN, "C.T @ A.T @ y", dx.derived_tree)
    assert v.correct and v.method == "symbolic" and v.draws == 0
    for other in ["y.T@A@C", "(A@C).T@y", "2*C.T@A.T@y"]:  # right in another layout or form, or wrong: not the tree
        assert found(CHAIN, other, dx.derived_tree) is None


def test_impossible_shape():
    v = decided_by(CHAIN, "A@C@x", dx.impossible_shape)  # an m-vector where the derivative has n entries
    assert "it is vector(m), but the derivative is vector(n)" in v.message
    v = decided_by(CHAIN, "A@y", dx.impossible_shape)  # A y is not even defined with the question's shapes
    assert "with the question's shapes" in v.message and v.answer is None
    for fits in ["C.T@A.T@y", "y.T@A@C", "3*C.T@A.T@y", "x"]:
        assert found(CHAIN, fits, dx.impossible_shape) is None


def test_the_simplifier_when_the_numbers_cannot_decide():
    v = decided_by(CHAIN, "C.T@A.T@y + 0*log(x)", dx.simplifies_to_derived)  # nan where some x_i < 0
    assert v.correct and v.method == "symbolic"
    assert found(CHAIN, "(A@C).T@y + 0*x", dx.simplifies_to_derived) is None  # the numbers decide
    assert found(CHAIN, "C.T@A.T@y + log(x)", dx.simplifies_to_derived) is None  # undefined, and not the derivative


def test_too_few_points():
    question = ("log(-(x.T@x)) + y.T@A@C@x", "x", "A: matrix(m, p); C: matrix(p, n)")  # defined nowhere
    v = check_answer(*question[:2], "C.T@A.T@y", where=question[2])
    assert v.diagnosis == "inconclusive" and not v.correct
    assert v.headline.startswith("inconclusive: no three random points")
    q = prepare(*question)
    assert q.draws == [] and dx.too_few_points(q, read_answer(q, "C.T@A.T@y")) is True
    assert found(CHAIN, "C.T@A.T@y", dx.too_few_points) is None


def test_undefined_where_the_derivative_is_defined():
    v = decided_by(CHAIN, "C.T@A.T@y + log(x)", dx.undefined)
    assert v.diagnosis == "wrong" and "undefined (nan or inf)" in v.message
    assert found(CHAIN, "C.T@A.T@y + x", dx.undefined) is None


def test_equal_as_asked():
    v = decided_by(CHAIN, "y.T@A@C", dx.equal_as_asked)
    assert v.correct and v.layouts == ("numerator",) and str(v.derivative) == "y.T @ A @ C"
    assert found(CHAIN, "2*C.T@A.T@y", dx.equal_as_asked) is None
    with pytest.raises(mc.ShapeError, match="in the answer"):  # the transposes in the wrong order do not multiply
        found(CHAIN, "A.T@C.T@y", dx.equal_as_asked)
    assert found(CHAIN, "y.T@A@C", dx.equal_as_asked, layout="mixed") is None  # asked in mixed: another layout


def test_equal_in_another_layout():
    v = decided_by(CHAIN, "y.T@A@C", dx.equal_in_other_layout, layout="mixed")
    assert v.layouts == ("numerator",) and str(v.derivative) == "C.T @ A.T @ y"
    assert found(CHAIN, "C.T@A.T@y", dx.equal_in_other_layout, layout="mixed") is None


def test_equal_in_another_vec_order():
    v = decided_by(VEC, "kron(I, (B@x).T)", dx.equal_in_other_vec_order)
    assert "flattens A row by row" in v.message and str(v.derivative) == "kron(x.T @ B.T, eye(n))"
    assert found(VEC, "kron((B@x).T, I)", dx.equal_in_other_vec_order) is None
    assert found(VEC, "kron(I, (B@x).T)", dx.equal_as_asked) is None


def test_transpose_of():
    v = decided_by(BY_SCALAR, "B.T@A.T", dx.transpose_of)
    assert v.message == "wrong: this is the transpose of the derivative (matrix(p, n) instead of matrix(n, p))"
    assert found(BY_SCALAR, "A@B", dx.transpose_of) is None
    assert found(BY_SCALAR, "2*B.T@A.T", dx.transpose_of) is None


def test_negative():
    v = decided_by(CHAIN, "-C.T@A.T@y", dx.negative)
    assert v.factor == -1 and v.message == "wrong sign: the answer is the negative of the derivative"
    assert found(CHAIN, "-2*C.T@A.T@y", dx.negative) is None
    assert found(CHAIN, "C.T@A.T@y", dx.negative) is None


def test_constant_multiple():
    v = decided_by(CHAIN, "3*C.T@A.T@y", dx.constant_multiple)
    assert v.factor == 3 and "3 times the derivative" in v.message
    assert decided_by(BY_SCALAR, "A@B/4", dx.constant_multiple).factor == Fraction(1, 4)
    assert found(CHAIN, "C.T@A.T@y + x", dx.constant_multiple) is None
    assert found(CHAIN, "(x.T@x)*C.T@A.T@y", dx.constant_multiple) is None  # a factor changing from point to point


def test_symmetric_slip():
    v = decided_by(SLIP, "2*B@x + C.T@A.T@y", dx.symmetric_slip)
    assert v.symmetric == ("B",) and "(B + B.T) @ x + C.T @ A.T @ y" in v.message
    assert found(SLIP, "2*B@x - C.T@A.T@y", dx.symmetric_slip) is None  # wrong even for a symmetric B
    assert decided_by(SLIP, "(B + B.T)@x + C.T@A.T@y", dx.equal_as_asked).correct  # right: decided before the slip
    assert check_answer(SLIP[0], "x", "2*B@x + C.T@A.T@y", where=SLIP[2] + "; B: symmetric").correct


def test_anything_else_is_wrong():
    v = decided_by(CHAIN, "C.T@A.T@y + x", dx.anything)
    assert v.message.startswith("wrong: the derivative is C.T @ A.T @ y\n  at a random point (")
    assert len(set(v.sizes.values())) == len(v.sizes) == 3  # n ≠ m ≠ p there
    assert v.differences and all(expected != pytest.approx(got) for _, expected, got in v.differences)


# ---------------------------------------------------------------- the prepared question


def test_a_transposed_layout_is_arranged_only_when_shown(monkeypatch):
    from matcalc import derivative

    q = prepare("z.T@A@z + y.T@A@z", "z")  # a question no other test prepares
    calls = []
    original = derivative._arranged
    monkeypatch.setattr(derivative, "_arranged", lambda *a: calls.append(a) or original(*a))
    assert check_answer("z.T@A@z + y.T@A@z", "z", "(A + A.T)@z + A.T@y").correct and calls == []
    v = check_answer("z.T@A@z + y.T@A@z", "z", "z.T@(A + A.T) + y.T@A")
    assert v.correct and v.layouts == ("numerator",) and len(calls) == 1
    assert q.arrangements[1].derivative is v.derivative


def test_symmetric_closed_forms_are_right_in_every_layout():
    v = check_answer("x", "x", "I")
    assert v.message == "correct" and v.layouts == ("mixed", "numerator", "denominator")


def test_the_comparison_kit_is_shared_with_the_finite_difference_check():
    q = prepare(*CHAIN)
    assert [d.sizes for d in q.draws] == [checking.sizes_at(q.dim_names, t) for t in range(4)]
    report = mc.derive(*CHAIN[:2], where=CHAIN[2]).check()
    names = list(report.trials[0].sizes)
    assert [t.sizes for t in report.trials] == [checking.sizes_at(names, t) for t in range(3)]
    many = [f"d{i}" for i in range(10)]
    assert checking.sizes_at(many, 0) != checking.sizes_at(many, 1)  # names past the size sets change too
    assert all(len(set(checking.sizes_at(many, t).values())) >= 7 for t in range(6))
    assert checking.relative_difference(np.zeros(2), np.zeros(2)) == 0
    assert checking.relative_difference(np.ones(2), np.zeros(2)) == 1
    assert checking.relative_difference(np.array([1e-13]), np.zeros(1), floor=1e-12) == pytest.approx(0.1)


# ---------------------------------------------------------------- Hessians


@pytest.mark.parametrize("expr,wrt,where,answer,diagnosis", [
    ("x.T@A@x", "x", None, "A + A.T", "correct"),
    ("x.T@A@x", "x", None, "(A + A.T).T", "correct"),  # a Hessian is symmetric: its transpose is itself
    ("x.T@A@x", "x", None, "2*A", "symmetric-slip"),
    ("x.T@A@x", "x", None, "A", "symmetric-slip"),
    ("x.T@A@x", "x", "A: symmetric", "2*A", "correct"),
    ("x.T@A@x", "x", None, "2*(A + A.T)", "factor"),
    ("x.T@A@x", "x", None, "-(A + A.T)", "sign"),
    ("x.T@A@x", "x", None, "A@A.T", "wrong"),
    ("x.T@A@x", "x", None, "(A + A.T)@x", "shape-mismatch"),
    ("sum(exp(x))", "x", None, "diag(exp(x))", "correct"),
    ("sum(exp(x))", "x", None, "exp(x)@exp(x).T", "wrong"),
    ("sum(exp(x))", "x", None, "-diag(exp(x))", "sign"),
    ("sum(exp(x))", "x", None, "exp(x)", "shape-mismatch"),
    ("0.5*||A@x - b||^2", "x", None, "A.T@A", "correct"),
    ("0.5*||A@x - b||^2", "x", None, "A@A.T", "shape-mismatch"),  # m×m where the Hessian is n×n
    ("0.5*||A@x - b||^2", "x", None, "2*A.T@A", "factor"),
    ("logsumexp(x)", "x", None, "diag(softmax(x)) - softmax(x)@softmax(x).T", "correct"),
    ("logsumexp(x)", "x", None, "diag(softmax(x))", "wrong"),
    ("trace(X.T@A@X)", "X", None, "kron(I, A + A.T)", "correct"),
    ("trace(X.T@A@X)", "X", None, "kron(A + A.T, I)", "vec-order"),
    ("trace(X.T@A@X)", "X", None, "2*kron(I, A)", "symmetric-slip"),
    ("t**3", "t", "t: scalar", "6*t", "correct"),
    ("t**3", "t", "t: scalar", "3*t**2", "wrong"),
])
def test_hessian_answers(expr, wrt, where, answer, diagnosis):
    v = check_answer(expr, wrt, answer, where=where, order=2)
    assert v.diagnosis == diagnosis, str(v)
    assert v.correct == (diagnosis == "correct")
    assert v.derivative.kind == "hessian"


def test_hessian_messages_name_the_hessian():
    v = check_answer("x.T@A@x", "x", "2*A", order=2)
    assert v.message.startswith("wrong unless A is symmetric: the answer is the Hessian only when A = Aᵀ")
    assert "in general the Hessian is A + A.T" in v.message
    assert check_answer("x.T@A@x", "x", "A + A.T", order=2).message == "correct"
    assert check_answer("t**3", "t", "3*t**2", where="t: scalar", order=2).headline == (
        "wrong: the answer is the first derivative, not the Hessian; the Hessian is 6 * t")
    v = check_answer("x.T@A@x", "x", "x.T@(A + A.T)", order=2)
    assert v.message.endswith("; the answer is the first derivative, not the Hessian")
    v = check_answer("sum(exp(x))", "x", "exp(x)", order=2)
    assert v.message.endswith("; the answer holds its diagonal: the Hessian is diag(exp(x))")
    assert check_answer("trace(X.T@A@X)", "X", "kron(A + A.T, I)", order=2, vec="row").correct
    assert "flattens X row by row" in check_answer("trace(X.T@A@X)", "X", "kron(A + A.T, I)", order=2).message
    with pytest.raises(mc.MatcalcError, match="scalar"):
        check_answer("A@x", "x", "A", order=2)
    with pytest.raises(mc.MatcalcError, match="order"):
        check_answer("x.T@x", "x", "2*I", order=3)


def test_a_hessian_verdict_renders():
    v = check_answer("x.T@A@x", "x", "2*A", order=2)
    assert r"\partial^2" in v._repr_latex_() and "Hessian" in str(v)


# ---------------------------------------------------------------- grading a class


def _class(seed: int):
    questions = [("x.T@A@x", "x", None, None), ("y.T@A@x", "x", "A: matrix(m, n)", "mixed"), ("A@x", "A", None, None),
                 ("x.T@A@x", "x", "A: symmetric", None), ("x.T@A@", "x", None, None)]
    answers = ["(A + A.T)@x", "2*A@x", "x.T@(A + A.T)", "A.T@y", "y.T@A", "kron(x.T, I)", "kron(I, x.T)",
               "A@x +", "-(A + A.T)@x", "2*x"]
    rng = random.Random(seed)
    return [(rng.choice(questions), rng.choice(answers)) for _ in range(120)]


def _shown(results):
    return [(v.diagnosis, v.message, str(v.derivative)) if isinstance(v, mc.answers.Verdict) else (type(v), str(v))
            for v in results]


def test_grading_does_not_depend_on_the_order_of_the_rows():
    items = _class(1)
    shuffled = list(range(len(items)))
    random.Random(2).shuffle(shuffled)
    straight = _shown(grade_answers(items))
    mixed = _shown(grade_answers([items[k] for k in shuffled]))
    assert [straight[k] for k in shuffled] == mixed
    for (q, a), graded in list(zip(items, straight))[:30]:  # the same verdict as check_answer gives alone
        if q[0] != "x.T@A@" and a != "A@x +":
            assert _shown([check_answer(q[0], q[1], a, where=q[2], layout=q[3])]) == [graded]


def test_grading_prepares_each_question_once_and_judges_each_answer_once(monkeypatch):
    from matcalc import derivative
    from matcalc.grading import check

    derived, read = [], []
    original_differential, original_read = derivative.differential, check.read_answer
    monkeypatch.setattr(derivative, "differential", lambda *a, **k: derived.append(1) or original_differential(*a, **k))
    monkeypatch.setattr(check, "read_answer", lambda q, a: read.append(1) or original_read(q, a))
    items = _class(3)
    results = grade_answers(items)
    readable = {q for q, _ in items if q[0] != "x.T@A@"}
    assert len(derived) == len(readable)
    assert len(read) == len({(q, a) for q, a in items if q in readable})
    errors = [r for (q, _), r in zip(items, results) if q[0] == "x.T@A@"]
    assert errors and all(isinstance(e, mc.ParseError) for e in errors)
