"""check_function: a student's gradient as NumPy code, called at the question's random points and judged by the
table of diagnoses (matcalc.grading.function), in this process or, for "FILE:FUNCTION", in a child process
with a time limit (matcalc.grading.process, matcalc.grading.runner); and `matcalc check-code`.

The student functions below are written the way students write NumPy: 1-D vectors, ``@``, ``np.dot``,
loops, a forgotten factor or sign, a missing transpose, a forgotten return.
"""

from __future__ import annotations

import doctest
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import matcalc as mc
from matcalc.grading import DIAGNOSES, prepare
from matcalc.grading.function import check_function
from matcalc.layout import LAYOUTS

LSQ = ("||X@w - y||^2", "w")  # X: n×m, w: m, y: n  →  2 Xᵀ(Xw − y)
RIDGE = ("||X@w - y||^2 + lam*w.T@w", "w", "lam: scalar")
LOGISTIC = ("sum(log(1 + exp(X@w))) - y.T@X@w", "w")  # →  Xᵀ(σ(Xw) − y)
SOFTMAX = ("log(sum(exp(z))) - y.T@z", "z")  # cross-entropy of softmax(z) →  softmax(z) − y (when Σy = 1)
QUAD = ("x.T@A@x", "x")
BILINEAR = ("y.T@A@x", "x")  # A: n×m →  Aᵀy
TRACE = ("trace(A@X@B)", "X")  # →  AᵀBᵀ
FROB = ("||A@X - B||_F^2", "X")  # →  2Aᵀ(AX − B)


def sigmoid(u):
    return 1 / (1 + np.exp(-u))


# ---------------------------------------------------------------- the students' functions


def lsq(w, X, y):
    return 2 * X.T @ (X @ w - y)


def lsq_residual_flipped(w, X, y):
    return -2 * X.T @ (y - X @ w)


def lsq_no_two(w, X, y):
    return X.T @ (X @ w - y)


def lsq_sign(w, X, y):
    return 2 * X.T @ (y - X @ w)


def lsq_no_transpose(w, X, y):
    return 2 * X @ (X @ w - y)


def lsq_missing_term(w, X, y):
    return 2 * X.T @ X @ w


def lsq_dot(w, X, y):
    return 2 * np.dot(X.T, np.dot(X, w) - y)


def lsq_matmul(w, X, y):
    return 2 * np.matmul(X.T, np.matmul(X, w) - y)


def lsq_loops(w, X, y):
    n, m = X.shape
    r = [sum(X[i, j] * w[j] for j in range(m)) - y[i] for i in range(n)]
    return np.array([2 * sum(X[i, j] * r[i] for i in range(n)) for j in range(m)])


def lsq_column(w, X, y):
    return (2 * X.T @ (X @ w - y)).reshape(-1, 1)


def lsq_row(w, X, y):
    return (2 * X.T @ (X @ w - y)).reshape(1, -1)


def lsq_list(w, X, y):
    return list(2 * X.T @ (X @ w - y))


def lsq_loss(w, X, y):
    return np.sum((X @ w - y) ** 2)


def lsq_no_return(w, X, y):
    g = 2 * X.T @ (X @ w - y)  # noqa: F841 - the return is forgotten


def lsq_nan(w, X, y):
    return 2 * X.T @ (X @ w - y) / 0.0 * 0.0


def lsq_integers(w, X, y):
    g = np.zeros(len(w), dtype=int)
    g[:] = 2 * X.T @ (X @ w - y)
    return g


def lsq_index_error(w, X, y):
    g = np.zeros(len(w))
    for j in range(len(y)):  # should be len(w)
        g[j] = 2 * X[:, j] @ (X @ w - y)
    return g


def lsq_mutates(w, X, y):
    g = 2 * X.T @ (X @ w - y)
    X *= 0.0  # the draws must not change
    w[:] = 0.0
    return g


def lsq_prints(w, X, y):
    for _ in range(200):
        print("debugging", w, X, y)
    return 2 * X.T @ (X @ w - y)


def lsq_with_value(w, X, y):
    r = X @ w - y
    return r @ r, 2 * X.T @ r


def lsq_text(w, X, y):
    return "2 X^T (X w - y)"


def lsq_default(w, X, y, verbose=False):
    return 2 * X.T @ (X @ w - y)


def lsq_raises_own(w, X, y):
    raise NotImplementedError("TODO")


def ridge(w, X, y, lam):
    return 2 * X.T @ (X @ w - y) + 2 * lam * w


def ridge_half_penalty(w, X, y, lam):
    return 2 * X.T @ (X @ w - y) + lam * w


def logistic(w, X, y):
    return X.T @ (sigmoid(X @ w) - y)


def logistic_sign(w, X, y):
    return X.T @ (y - sigmoid(X @ w))


def softmax_xent(z, y):
    e = np.exp(z - z.max())
    return e / e.sum() - y


def quad(x, A):
    return (A + A.T) @ x


def quad_slip(x, A):
    return 2 * A @ x


def bilinear(x, A, y):
    return A.T @ y


def bilinear_covector(x, A, y):
    return y @ A


def bilinear_no_transpose(x, A, y):
    return A @ y


def trace_grad(X, A, B):
    return A.T @ B.T


def trace_numerator(X, A, B):
    return B @ A


def det_grad(X):
    return np.linalg.det(X) * np.linalg.inv(X).T


def det_numerator(X):
    return np.linalg.det(X) * np.linalg.inv(X)


def logdet_grad(X):
    return np.linalg.inv(X).T


def frob(X, A, B):
    return 2 * A.T @ (A @ X - B)


def frob_wrong_side(X, A, B):
    return 2 * (A @ X - B) @ A.T


def by_scalar_transposed(t, A, B):
    return (A @ B).T


def quad_hessian(x, A):
    return A + A.T


def quad_hessian_slip(x, A):
    return 2 * A


def quad_hessian_gradient(x, A):
    return (A + A.T) @ x


def scalar_derivative(c, x):
    return float(x @ x)


def complex_result(x):
    return np.sqrt(-np.ones(len(x)) + 0j)


# (function, (expr, wrt[, where]), options, the diagnosis expected)
CASES = [
    (lsq, LSQ, {}, "correct"),
    (lsq_residual_flipped, LSQ, {}, "correct"),
    (lsq_no_two, LSQ, {}, "factor"),
    (lsq_sign, LSQ, {}, "sign"),
    (lsq_no_transpose, LSQ, {}, "raises"),  # X @ r: NumPy refuses the shapes
    (lsq_missing_term, LSQ, {}, "wrong"),
    (lsq_dot, LSQ, {}, "correct"),
    (lsq_matmul, LSQ, {}, "correct"),
    (lsq_loops, LSQ, {}, "correct"),
    (lsq_column, LSQ, {}, "correct"),
    (lsq_column, LSQ, {"layout": "numerator"}, "other-layout"),
    (lsq_row, LSQ, {"layout": "mixed"}, "other-layout"),
    (lsq, LSQ, {"layout": "numerator"}, "correct"),  # a 1-D array is right in any layout
    (lsq_list, LSQ, {}, "correct"),
    (lsq_loss, LSQ, {}, "shape-mismatch"),
    (lsq_no_return, LSQ, {}, "wrong"),
    (lsq_nan, LSQ, {}, "wrong"),
    (lsq_integers, LSQ, {}, "wrong"),
    (lsq_index_error, LSQ, {}, "raises"),
    (lsq_mutates, LSQ, {}, "correct"),
    (lsq_prints, LSQ, {}, "correct"),
    (lsq_with_value, LSQ, {}, "wrong"),
    (lsq_text, LSQ, {}, "wrong"),
    (lsq_default, LSQ, {}, "correct"),
    (lsq_raises_own, LSQ, {}, "raises"),
    (ridge, RIDGE, {}, "correct"),
    (ridge_half_penalty, RIDGE, {}, "wrong"),
    (logistic, LOGISTIC, {}, "correct"),
    (logistic_sign, LOGISTIC, {}, "sign"),
    (softmax_xent, SOFTMAX, {}, "correct"),
    (quad, QUAD, {}, "correct"),
    (quad_slip, QUAD, {}, "symmetric-slip"),
    (quad_slip, (*QUAD, "A: symmetric"), {}, "correct"),
    (bilinear, BILINEAR, {}, "correct"),
    (bilinear_covector, BILINEAR, {}, "correct"),
    (bilinear_no_transpose, BILINEAR, {}, "raises"),  # A is n×m: A @ y does not multiply
    (bilinear_no_transpose, (*BILINEAR, "A: matrix(n, n)"), {}, "symmetric-slip"),  # A y = Aᵀ y only for A = Aᵀ
    (trace_grad, TRACE, {}, "correct"),
    (trace_numerator, TRACE, {}, "correct"),  # numerator layout, said so
    (trace_numerator, TRACE, {"layout": "mixed"}, "other-layout"),
    (det_grad, ("det(X)", "X"), {"layout": "mixed"}, "correct"),
    (det_numerator, ("det(X)", "X"), {"layout": "mixed"}, "other-layout"),
    (logdet_grad, ("logdet(X)", "X"), {}, "correct"),
    (frob, FROB, {}, "correct"),
    (frob_wrong_side, FROB, {}, "raises"),
    (by_scalar_transposed, ("t*A@B", "t", "t: scalar"), {}, "transposed"),
    (quad_hessian, QUAD, {"order": 2}, "correct"),
    (quad_hessian_slip, QUAD, {"order": 2}, "symmetric-slip"),
    (quad_hessian_gradient, QUAD, {"order": 2}, "shape-mismatch"),
    (scalar_derivative, ("c*x.T@x", "c", "c: scalar"), {}, "correct"),
    (complex_result, ("x.T@x", "x"), {}, "wrong"),
]


def _ids():
    return [f"{fn.__name__}|{question[0]}|{','.join(f'{k}={v}' for k, v in options.items())}|{diagnosis}"
            for fn, question, options, diagnosis in CASES]


@pytest.mark.parametrize("fn, question, options, diagnosis", CASES, ids=_ids())
def test_student_function(fn, question, options, diagnosis, capsys):
    expr, wrt, *where = question
    v = check_function(fn, expr, wrt, where=where[0] if where else None, **options)
    assert v.diagnosis == diagnosis, str(v)
    assert v.correct == (diagnosis == "correct") == bool(v)
    assert v.answer is None and v.answer_text.startswith(f"{fn.__name__}(")
    assert f"  answer:  {fn.__name__}(" in str(v)


def test_the_cases_are_many_and_cover_the_diagnoses():
    assert len(CASES) >= 30
    covered = {diagnosis for *_, diagnosis in CASES}
    assert covered >= set(DIAGNOSES) - {"inconclusive", "unknown-name", "vec-order", "other-convention"}


def test_the_points_have_distinct_sizes():
    """A misplaced transpose cannot pass: every dimension has its own size at each point, and the sizes change."""
    for question in (LSQ, TRACE, FROB, BILINEAR):
        q = prepare(*question)
        for d in q.draws:
            assert len(set(d.sizes.values())) == len(d.sizes), d.sizes
        assert len({tuple(d.sizes.values()) for d in q.draws}) == len(q.draws)


# ---------------------------------------------------------------- what the verdicts say


def test_a_one_dimensional_result_is_right_in_any_layout():
    v = check_function(lsq, *LSQ)
    assert v.message == "correct, as a 1-D array (neither a column nor a row: right in any layout)"
    assert set(v.layouts) == set(LAYOUTS)
    assert check_function(lsq_column, *LSQ).message == ("correct, in mixed or denominator layout (the gradient has "
                                                        "the shape of w)")


def test_raises_names_the_exception_and_the_students_line():
    v = check_function(lsq_index_error, *LSQ)
    assert v.headline.startswith("raises: lsq_index_error raised IndexError: index ")
    assert "of test_check_function.py: g[j] = 2 * X[:, j] @ (X @ w - y)" in v.message
    v = check_function(lsq_no_transpose, *LSQ)
    assert "ValueError: matmul" in v.headline and "a missing or extra transpose?" in v.headline
    assert "return 2 * X @ (X @ w - y)" in v.message


def test_what_is_returned_instead_of_numbers():
    assert check_function(lsq_no_return, *LSQ).message == ("wrong: lsq_no_return returned None, not an array of "
                                                           "numbers (is a return statement missing?)")
    assert check_function(lsq_with_value, *LSQ).message == "wrong: lsq_with_value returned a tuple, not an array of numbers"
    assert "undefined (nan or inf)" in check_function(lsq_nan, *LSQ).message
    assert "lsq_integers returns integers (int64)" in check_function(lsq_integers, *LSQ).message


def test_a_wrong_shape_says_which_shape_and_which_was_expected():
    v = check_function(lsq_loss, *LSQ)
    assert "lsq_loss returns a number at a random point (n=4, m=2)" in v.message
    assert "shape (2,), (2, 1) or (1, 2)" in v.message
    v = check_function(quad_hessian_gradient, *QUAD, order=2)
    assert v.message.endswith("the answer is the first derivative, not the Hessian")


def test_the_students_function_cannot_corrupt_the_draws():
    q = prepare(*LSQ)
    before = [{k: a.copy() for k, a in d.arrays.items()} for d in q.draws]
    assert check_function(lsq_mutates, *LSQ).correct
    for d, b in zip(q.draws, before):
        assert all(np.array_equal(d.arrays[k], b[k]) for k in b)
    assert check_function(lsq, *LSQ).correct


def test_parameters_are_matched_by_name():
    assert check_function(lambda X, y, w: 2 * X.T @ (X @ w - y), *LSQ).correct  # any order
    with pytest.raises(mc.MatcalcError, match="its parameter weights is not a name of the question"):
        check_function(lambda weights, X, y: weights, *LSQ)
    with pytest.raises(mc.MatcalcError, match="time limit"):
        check_function(lsq, *LSQ, timeout=5)
    with pytest.raises(mc.MatcalcError, match="FILE:FUNCTION"):
        check_function("lsq", *LSQ)


def test_the_docstring_examples_run():
    from matcalc.grading import function

    failures, _ = doctest.testmod(function, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_a_courses_conventions():
    course = mc.Course(layout="mixed")
    assert course.check_function(trace_numerator, *TRACE).diagnosis == "other-layout"
    assert course.check_function(trace_numerator, *TRACE, layout=None).correct  # an option given wins


def test_assert_function_raises_the_diagnosis():
    assert mc.assert_function(lsq, *LSQ).correct
    with pytest.raises(AssertionError, match=r"(?s)^off by a constant factor.*answer:  lsq_no_two\(w, X, y\)"):
        mc.assert_function(lsq_no_two, *LSQ)


# ---------------------------------------------------------------- a function in a file: a child process

STUDENT = '''
import numpy as np
from helpers import residual  # a module beside the student's file

def grad(w, X, y):
    return 2 * X.T @ residual(w, X, y)

def half(w, X, y):
    return X.T @ residual(w, X, y)

def broken(w, X, y):
    return X[len(y) + 1] @ w

def endless(w, X, y):
    while True:
        pass

if __name__ == "__main__":
    raise SystemExit("not run when checked")
'''


@pytest.fixture
def student(tmp_path):
    (tmp_path / "student.py").write_text(textwrap.dedent(STUDENT), encoding="utf-8")
    (tmp_path / "helpers.py").write_text("def residual(w, X, y):\n    return X @ w - y\n", encoding="utf-8")
    return tmp_path / "student.py"


def test_a_function_in_a_file(student):
    v = check_function(f"{student}:grad", *LSQ)
    assert v.correct and v.answer_text == "grad(w, X, y)"
    assert check_function(f"{student}:half", *LSQ).diagnosis == "factor"
    v = check_function(f"{student}:broken", *LSQ)
    assert v.diagnosis == "raises" and "IndexError" in v.headline and "of student.py: return X[len(y) + 1] @ w" in v.message
    v = check_function(f"{student}:endless", *LSQ, timeout=0.5)
    assert v.diagnosis == "wrong" and v.headline == "wrong: student.py:endless did not return within 0.5 s (an endless loop?)"
    with pytest.raises(mc.MatcalcError, match="defines no function gard"):
        check_function(f"{student}:gard", *LSQ)
    with pytest.raises(mc.MatcalcError, match="no such file"):
        check_function(f"{student.parent / 'missing.py'}:grad", *LSQ)


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "matcalc", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_the_command_line(student):
    r = _cli("check-code", f"{student}:grad", "||X@w - y||^2", "wrt", "w")
    assert r.returncode == 0 and r.stdout.startswith("correct, as a 1-D array"), r.stderr
    assert "  answer:  grad(w, X, y)" in r.stdout
    r = _cli("check-code", "student.py:half", "||X@w - y||^2", "wrt", "w", cwd=student.parent)
    assert r.returncode == 3 and r.stdout.startswith("off by a constant factor"), r.stderr
    r = _cli("check-code", "student.py:broken", "||X@w - y||^2", "wrt", "w", cwd=student.parent)
    assert r.returncode == 3 and r.stdout.startswith("raises: broken raised IndexError"), r.stderr
    r = _cli("check-code", "student.py:endless", "||X@w - y||^2", "wrt", "w", "--timeout", "0.5", cwd=student.parent)
    assert r.returncode == 3 and "did not return within 0.5 s" in r.stdout and not r.stderr
    r = _cli("check-code", "missing.py:grad", "||X@w - y||^2", "wrt", "w", cwd=student.parent)
    assert r.returncode == 1 and r.stderr == "error: missing.py: no such file\n" and "Traceback" not in r.stderr
    r = _cli("check-code", "student.py:grad", "x.T@A@x", "wrt", "x", cwd=student.parent)
    assert r.returncode == 1 and "its parameter w is not a name of the question" in r.stderr
