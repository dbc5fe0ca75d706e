"""``check_answer`` for one answer, and :func:`grade_answers` for a class of them.

A question is prepared once (:class:`matcalc.grading.question.Question`) however many answers it is asked
with: ``check_answer`` keeps the last :data:`QUESTION_CACHE` prepared questions, and ``grade_answers``
groups the answers by question first, so each distinct question is prepared exactly once and each distinct
answer to it judged once, whatever the order of the rows.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from functools import lru_cache

from ..errors import MatcalcError
from ..limits import bounded
from .answer import read_answer
from .diagnoses import judge
from .question import Question
from .verdict import Verdict

QUESTION_CACHE = 512  # prepared questions kept between check_answer calls (a few kB each)


@lru_cache(maxsize=QUESTION_CACHE)
def _cached(expr, wrt, where, layout, vec, seed, notation, order, symmetric) -> Question:
    return Question(expr, wrt, where, layout, vec, seed, notation, order, symmetric)


def prepare(expr, wrt, where=None, layout: str | None = None, vec="col", seed: int = 0, notation: str = "auto",
            order: int = 1, symmetric: str = "sym") -> Question:
    """The prepared question (closed forms, pinned names, random points), cached when its inputs hash."""
    key = (expr, wrt, where, layout, vec, seed, notation, order, symmetric)
    if all(isinstance(k, Hashable) for k in key):
        try:
            return _cached(*key)
        except TypeError:  # an unhashable part inside a tuple
            pass
    return Question(*key)


@bounded
def judge_answer(q: Question, answer, steps: bool = False) -> Verdict:
    """The verdict on `answer` to the prepared question `q`."""
    verdict = judge(q, read_answer(q, answer))
    verdict.show_steps = steps
    return verdict


@bounded
def check_answer(expr, wrt, answer, where=None, layout: str | None = None, vec="col", steps: bool = False,
                 seed: int = 0, notation: str = "auto", order: int = 1, symmetric: str = "sym") -> Verdict:
    """Judge `answer`, a proposed closed form of the derivative of `expr` with respect to `wrt` (``order=2``:
    of its Hessian).

    The answer may use the expression's names, which keep the expression's shapes and declared
    properties (`where`). With ``layout=None`` an answer right in any layout is correct and the verdict
    says which layout it used; with a layout, an answer right only in another one is diagnosed
    ``other-layout``. `vec` is the vec order expected of a tensor-valued derivative ("col", "row" or a
    pair). `symmetric` is the convention expected of a gradient w.r.t. a symmetric (spd) matrix: "sym",
    sym(G) = (G + Gᵀ)/2, or "cookbook", the Matrix Cookbook's G + Gᵀ − G∘I; an answer right only in the
    other one is diagnosed ``other-convention``. ``steps=True`` adds the derivation of the correct closed
    form to ``str(verdict)``.

    Raises :class:`MatcalcError` for a user error in either input (bad syntax, inconsistent shapes
    within the answer itself, a derivative matcalc cannot give); the error says when it is in the answer.

    >>> v = check_answer("x.T@A@x", "x", "2*A@x")
    >>> v.correct, v.diagnosis
    (False, 'symmetric-slip')
    >>> str(v.derivative)
    '(A + A.T) @ x'
    >>> check_answer("x.T@A@x", "x", "x.T@(A + A.T)").message
    'correct, in numerator layout (the gradient w.r.t. x as a row)'
    >>> check_answer("x.T@A@x", "x", "2*A", order=2).diagnosis
    'symmetric-slip'
    """
    return judge_answer(prepare(expr, wrt, where, layout, vec, seed, notation, order, symmetric), answer, steps)


def assert_answer(expr, wrt, answer, **options) -> Verdict:
    """:func:`check_answer` for an autograder (pytest, nbgrader, Otter-Grader): the verdict when the answer
    is right, else an ``AssertionError`` whose message is the verdict (what is wrong, the answer, the
    correct closed form). `options` are check_answer's (``where``, ``layout``, ``order``, …).

    >>> assert_answer("x.T@A@x", "x", "(A + A.T)@x").correct
    True
    >>> assert_answer("x.T@A@x", "x", "2*A@x")
    Traceback (most recent call last):
    AssertionError: wrong unless A is symmetric: ...
    """
    return asserted(check_answer(expr, wrt, answer, **options))


def asserted(verdict: Verdict) -> Verdict:
    """The verdict when it is correct, else an AssertionError whose message is the verdict (the autograders')."""
    if not verdict.correct:
        raise AssertionError(str(verdict))
    return verdict


def grade_answers(items: Iterable[tuple[tuple, object]]) -> list[Verdict | Exception]:
    """A verdict per (question, answer) item, or the exception judging it raised. A question is the tuple of
    check_answer's arguments after the answer (expr, wrt, where, layout, vec, seed, notation, order,
    symmetric), as long as it needs to be.

    The items are grouped by question first: each distinct question is prepared once and let go when its
    answers are judged, and each distinct answer to it is judged once, so the order of the items changes
    neither the verdicts nor the work."""
    items = list(items)
    groups: dict[tuple, list[int]] = {}
    for k, (key, _) in enumerate(items):
        groups.setdefault(key, []).append(k)
    out: list[Verdict | Exception | None] = [None] * len(items)
    for key, indices in groups.items():
        q = _attempt(_fresh, *key)
        judged: dict[object, Verdict | Exception] = {}
        for k in indices:
            answer = items[k][1]
            if isinstance(q, Exception):
                out[k] = q
            elif isinstance(answer, Hashable):
                if answer not in judged:
                    judged[answer] = _attempt(judge_answer, q, answer)
                out[k] = judged[answer]
            else:
                out[k] = _attempt(judge_answer, q, answer)
    return out


@bounded
def _fresh(expr, wrt, where=None, layout: str | None = None, vec="col", seed: int = 0, notation: str = "auto",
           order: int = 1, symmetric: str = "sym") -> Question:
    return Question(expr, wrt, where, layout, vec, seed, notation, order, symmetric)


def _attempt(fn, *args):
    try:
        return fn(*args)
    except MatcalcError as err:
        return err
    except Exception as err:  # noqa: BLE001 - a bug in matcalc: reported for this item, the others are graded
        return err


__all__ = ["assert_answer", "check_answer", "judge_answer", "prepare", "grade_answers", "QUESTION_CACHE"]
