"""Judging a proposed derivative: ``check_answer(expr, wrt, answer)`` → a :class:`Verdict`.

One job: say whether a closed form someone proposes (a student's homework answer) is the derivative (or,
with ``order=2``, the Hessian) of an expression with respect to a variable, and if it is not, how it is
wrong. It does not derive (:mod:`matcalc.derivative` and :mod:`matcalc.hessian` do) and does not read
files (the ``matcalc grade`` command does). The modules, each with one job:

* :mod:`~matcalc.grading.question`: a question prepared once: the derivative found once, its closed forms
  in every layout and vec order, random points and the closed forms' values there;
* :mod:`~matcalc.grading.answer`: an answer read over the question's names, and its values;
* :mod:`~matcalc.grading.compare`: comparing values at the points (equal, a constant multiple, which
  entries differ), with the relative difference shared with :mod:`matcalc.checking`;
* :mod:`~matcalc.grading.findings`: what each diagnosis looks for, as a test over the question and answer;
* :mod:`~matcalc.grading.diagnoses`: the table of diagnoses (name, test, verdict), tried in order;
* :mod:`~matcalc.grading.verdict`: the verdict and its rendering (text, HTML, LaTeX);
* :mod:`~matcalc.grading.check`: ``check_answer``, and ``grade_answers`` for a class;
* :mod:`~matcalc.grading.function`: ``check_function``: a student's gradient as code, its results at the
  points judged as an answer; :mod:`~matcalc.grading.process` calls a function in a file in a child process
  within a time limit, and :mod:`~matcalc.grading.runner` is what calls the function (in either process).

Equivalence is decided numerically: the answer and the derived closed forms are evaluated at
:data:`DRAWS` independent random points, each giving the symbolic dimensions different sizes, with values
honouring the declared properties; two values agree when their largest difference is below
:data:`TOLERANCE` relative to their size. An answer that is the very tree derived is accepted without
numbers, and so is one the simplifier turns into it when the numbers cannot decide.

Diagnoses (each a name in :data:`DIAGNOSES`), tried in the order of :data:`TABLE`: for a student's function,
``raises`` and ``wrong`` (it returned no array of numbers); then ``unknown-name``,
``correct`` (the derived tree itself), ``transposed`` (one factor transposed makes an answer of an
impossible shape right: :mod:`~matcalc.grading.transposes`), ``shape-mismatch``, ``correct`` (by the
simplifier, when the numbers cannot decide), then by the numbers ``inconclusive``, ``wrong`` (undefined
where the derivative is not), ``correct``, ``other-layout``, ``other-convention`` (right in the other
convention for a symmetric variable: sym(G) or the Matrix Cookbook's G + Gᵀ − G∘I), ``vec-order``,
``transposed``, ``sign``, ``factor``, ``symmetric-slip``, ``transposed`` (one factor) and ``wrong``.
:data:`DIAGNOSES` is the order a summary lists them in.
"""

from .check import QUESTION_CACHE, assert_answer, check_answer, grade_answers, judge_answer, prepare
from .compare import TOLERANCE
from .diagnoses import TABLE, Diagnosis
from .function import assert_function, check_function
from .question import DRAWS, Question
from .verdict import Verdict

DIAGNOSES = (
    "correct", "other-layout", "other-convention", "vec-order", "transposed", "symmetric-slip", "sign", "factor",
    "shape-mismatch", "unknown-name", "wrong", "raises", "inconclusive",
)

__all__ = ["assert_answer", "check_answer", "assert_function", "check_function", "grade_answers", "judge_answer",
           "prepare", "Question", "Verdict",
           "Diagnosis", "TABLE", "DIAGNOSES", "TOLERANCE", "DRAWS", "QUESTION_CACHE"]
