"""assert_answer: check_answer for autograders — a right answer passes, a wrong one fails with the diagnosis."""

from __future__ import annotations

import doctest

import pytest

import matcalc as mc
from matcalc.grading import check


def test_a_right_answer_passes_and_returns_its_verdict():
    v = mc.assert_answer("trace(A@X@B)", "X", "A.T@B.T")
    assert v.correct and v.diagnosis == "correct"


@pytest.mark.parametrize("expr, wrt, answer, options, diagnosis", [
    ("x.T@A@x", "x", "2*A@x", {}, "wrong unless A is symmetric"),
    ("trace(A@X@B)", "X", "B@A", {"layout": "mixed"}, "numerator layout"),
    ("0.5*||A@x - b||^2", "x", "-A.T@(A@x - b)", {}, "wrong sign"),
    ("x.T@A@x", "x", "x.T@(A + A.T)", {"layout": "mixed"}, "numerator layout"),
    ("x.T@A@x", "x", "2*A", {"order": 2}, "wrong unless A is symmetric"),
])
def test_a_wrong_answer_fails_with_the_diagnosis(expr, wrt, answer, options, diagnosis):
    with pytest.raises(AssertionError) as failure:
        mc.assert_answer(expr, wrt, answer, **options)
    assert diagnosis in str(failure.value) and "correct:" in str(failure.value)


def test_a_malformed_answer_is_an_error_not_a_pass():
    with pytest.raises(mc.MatcalcError, match="in the answer"):
        mc.assert_answer("x.T@A@x", "x", "2*A@x +")


def test_the_docstring_examples_run():
    failures, _ = doctest.testmod(check, optionflags=doctest.ELLIPSIS)
    assert failures == 0
