"""A missing (or extra) transpose on one factor is named as such (matcalc/grading/transposes.py), not reported
as a shape mismatch or a plain wrong answer; the search never makes an answer correct."""

from __future__ import annotations

import pytest

import matcalc as mc

# (question, variable, the answer with one transpose missing or extra, the factor) — the slips a TA meets
MISSING = [
    ("y.T@A@x", "x", "A@y", "A"),  # A is n×m: A@y cannot be formed
    ("a.T@X@b", "X", "a@b", "b"),  # an outer product written as a@b
    ("0.5*||A@x - b||^2", "x", "A@(A@x - b)", "A"),
    ("||X@w - y||^2", "w", "2*X@(X@w - y)", "X"),
    ("sum(exp(A@x))", "x", "A@exp(A@x)", "A"),
    ("sum(tanh(W@x))", "W", "(1 - tanh(W@x)**2)@x", "x"),
    ("y.T@tanh(W@x)", "x", "W@(y * (1 - tanh(W@x)**2))", "W"),
    ("0.5*||A@x - b||^2", "x", "A.T@(A.T@x - b)", "A"),  # an extra transpose
    ("sum(log(1 + exp(-y * (X@w))))", "w", "-X@(y * sigmoid(-y * (X@w)))", "X"),
    ("z.T@B@sigmoid(A@x)", "x", "A@(sigmoid(A@x) * (1 - sigmoid(A@x)) * (B.T@z))", "A"),
]


@pytest.mark.parametrize("question, wrt, answer, factor", MISSING)
def test_a_missing_transpose_is_named(question, wrt, answer, factor):
    v = mc.check_answer(question, wrt, answer, layout="mixed")
    assert not v.correct and v.diagnosis == "transposed", v.message
    assert v.message.startswith(f"wrong: {factor} ") and "transpose" in v.message


def test_nine_of_ten_missing_transposes_are_named():
    named = sum(mc.check_answer(q, w, a, layout="mixed").diagnosis == "transposed" for q, w, a, _ in MISSING)
    assert named >= 9


@pytest.mark.parametrize("question, wrt, answer, diagnosis", [
    ("y.T@A@x", "x", "A.T@y", "correct"),  # right answers stay right
    ("x.T@A@x", "x", "(A + A.T)@x", "correct"),
    ("x.T@A@x", "x", "2*A@x", "symmetric-slip"),  # the better-known name wins
    ("y.T@A@x", "x", "-A.T@y", "sign"),
    ("y.T@W@x", "W", "y.T@x", "shape-mismatch"),  # not one transpose away
    ("sum(exp(A@x))", "x", "A.T@exp(A@x) + x", "wrong"),
])
def test_other_answers_keep_their_diagnosis(question, wrt, answer, diagnosis):
    assert mc.check_answer(question, wrt, answer, layout="mixed").diagnosis == diagnosis


def test_latex_answers_are_left_as_they_are():
    v = mc.check_answer("y.T@A@x", "x", r"A \mathbf{y}")
    assert v.diagnosis == "shape-mismatch"


def test_a_math_notation_answer_gets_a_math_transpose():
    v = mc.check_answer("x.T@A@x", "x", "x (A + A^T)")  # any layout: xᵀ(A + Aᵀ) is the numerator-layout gradient
    assert v.diagnosis == "transposed" and "xᵀ (A + A^T)" in v.message
