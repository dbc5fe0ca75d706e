"""A student's gradient as code: ``check_function(fn, expr, wrt)`` calls it at the question's random points.

The function's result is an answer like any other (:class:`FunctionAnswer`, an
:class:`~matcalc.grading.answer.Answer` whose values come from calling the function), judged by the one
table of diagnoses (:func:`matcalc.grading.diagnoses.judge`); the rows that need the answer's expression
(the derived tree, the simplifier, unknown names, a transposed factor) do not apply to code. Each
parameter is given the question's name it is named after: a vector as a 1-D array, a matrix as a 2-D
one, a scalar as a float, always a copy. A 1-D result stands for a vector in any layout (it is neither a
column nor a row); a 2-D result is compared as it is.

A Python function is called in this process, with no time limit. A function in a file
(``"student.py:grad"``) runs in a child process (:mod:`~matcalc.grading.process`) within `timeout`
seconds: it is the student's code, never text matcalc evaluates. Either way the calls are made, and the
results read, by :mod:`~matcalc.grading.runner`.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from contextlib import contextmanager

import numpy as np

from ..errors import MatcalcError
from ..layout import LAYOUTS
from ..limits import bounded
from ..shapes import Shape
from .answer import Answer
from .check import asserted, prepare
from .diagnoses import _shape_list, judge
from .findings import gradient_hint
from .process import InFile, arguments
from .question import Draw, Question
from .runner import Outcome, SignatureError, call, label, parameters
from .verdict import Verdict

TIMEOUT = 10.0  # seconds a function in a file has to load and return at every point


class _Want:
    """The binding of a function's result to one shape: no sizes of its own to choose."""

    def __init__(self, shape: Shape):
        self.shape = shape

    def __call__(self, sizes: dict[str, int]) -> dict[str, int]:
        return {}


class FunctionAnswer(Answer):
    """The results of a student's function at the question's points, as an answer. `raised` and `no_array`
    say (for the table's first rows) when the function raised or gave no array of numbers; `contradiction`
    when its results have a shape the derivative cannot have."""

    def __init__(self, question: Question, caller):
        super().__init__(question, None, "")
        self.caller, self.label = caller, caller.label
        self.raised = self.no_array = None
        self.integers = ""
        self.results: list[np.ndarray] = []
        if caller.failure:
            self.no_array = f"wrong: {caller.failure}"
            return
        for d, o in zip(question.draws, caller.outcomes(question.draws)):
            if o.raised is not None:
                self.raised = _raised_text(caller.name, o.raised, d)
                return
            if o.value is None:
                self.no_array = _no_array_text(caller.name, o.returned)
                return
            self.results.append(o.value)
            self.integers = self.integers or o.integers
        if self.results and not self.fits() and not self.flips():
            self.contradiction = _shape_text(question, self)

    @property
    def vector(self) -> bool:
        """Does the function return 1-D arrays (a vector neither a column nor a row)?"""
        return bool(self.results) and all(r.ndim == 1 for r in self.results)

    def fit(self, want: Shape) -> _Want | None:
        if want not in self._fits:
            ok = all(_arranged(r, _at(want, d)) is not None for r, d in zip(self.results, self.q.draws))
            self._fits[want] = _Want(want) if ok else None
        return self._fits[want]

    def values(self, draws: list[Draw], binding) -> list[np.ndarray] | None:
        key = (id(draws), binding.shape)
        if key not in self._values:
            out: list[np.ndarray] | None = []
            for d, o in zip(draws, self.caller.outcomes(draws)):
                v = _arranged(o.value, _at(binding.shape, d)) if o.value is not None else None
                if v is None:
                    out = None
                    break
                out.append(v)
            self._values[key] = out if out and len(out) == len(draws) else None
        return self._values[key]


def _at(shape: Shape, d: Draw) -> tuple[int, int]:
    return shape[0].evaluate(d.sizes), shape[1].evaluate(d.sizes)


def _arranged(value: np.ndarray, target: tuple[int, int]) -> np.ndarray | None:
    """The result as a 2-D array of the `target` shape: as it is, or a 1-D array as a column or a row (a number
    as 1×1); None when it has another shape."""
    if value.shape == target:
        return value
    if value.ndim == 1 and target in ((value.size, 1), (1, value.size)) or value.ndim == 0 and target == (1, 1):
        return value.reshape(target)
    return None


# ----------------------------------------------------------------------------------------- the callers


class InProcess:
    """A Python function, called here (no time limit) with the question's values."""

    failure = ""

    def __init__(self, fn: Callable, q: Question):
        name = getattr(fn, "__name__", type(fn).__name__)
        self.fn, self.q, self.name = fn, q, "lambda" if name == "<lambda>" else name
        try:
            self.positional, self.keywords = parameters(fn, q.names)
        except SignatureError as err:
            raise MatcalcError(f"{self.name} cannot be given the question's values: {err}") from None
        self.label = label(self.name, self.positional, self.keywords)
        try:
            self.filename = inspect.getfile(inspect.unwrap(fn))  # its file: the traceback's lines there are the student's
        except TypeError:  # (a callable object, a partial: no line is named)
            self.filename = ""
        self._memo: dict[int, list[Outcome]] = {}

    def outcomes(self, draws: list[Draw]) -> list[Outcome]:
        if id(draws) not in self._memo:
            with _python_recursion():
                self._memo[id(draws)] = [call(self.fn, self.positional, self.keywords, arguments(self.q, d), self.filename)
                                         for d in draws]
        return self._memo[id(draws)]


@contextmanager
def _python_recursion():
    """Python's usual recursion room while the student's code runs (matcalc's own is far larger, for deep
    trees; endless recursion in a student's function would overflow the C stack with it)."""
    old, depth, frame = sys.getrecursionlimit(), 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    sys.setrecursionlimit(min(old, depth + 1000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# ----------------------------------------------------------------------------------------- the words


def _sizes_text(d: Draw) -> str:
    return ", ".join(f"{k}={v}" for k, v in d.sizes.items())


def _raised_text(name: str, info: dict, d: Draw) -> str:
    where = f"at a random point ({_sizes_text(d)})"
    if info.get("line"):
        source = "" if info["file"].startswith("<") else f" of {info['file']}"
        where += f", line {info['line']}{source}" + (f": {info['code']}" if info.get("code") else "")
    message = f": {info['message']}" if info.get("message") else ""
    hint = ""
    if info["type"] == "ValueError" and ("mismatch" in message or "shapes" in message or "broadcast" in message):
        hint = " (arrays whose shapes do not fit: a missing or extra transpose?)"
    return f"raises: {name} raised {info['type']}{message}{hint}\n  {where}"


def _no_array_text(name: str, returned: str) -> str:
    hint = " (is a return statement missing?)" if returned == "None" else ""
    return f"wrong: {name} returned {returned}, not an array of numbers{hint}"


def _shape_text(q: Question, a: FunctionAnswer) -> str:
    """Why the results cannot be the derivative: the shape returned and the shapes expected, at one point."""
    order = sorted(range(len(q.draws)), key=lambda t: sum(q.draws[t].sizes.values()))
    k = next((t for t in order if not any(_arranged(a.results[t], _at(g.shape, q.draws[t])) is not None
                                          for g in q.arrangements)), order[0])
    d, got = q.draws[k], a.results[k].shape
    wanted: list[tuple[int, ...]] = []
    for g in q.arrangements:
        if g.role != "vec":
            shape = _at(g.shape, d)
            wanted += [(max(shape),)] * (1 in shape) + [shape]
    wanted = list(dict.fromkeys(wanted))
    numbers = ", ".join(map(str, wanted[:-1])) + (" or " if len(wanted) > 1 else "") + str(wanted[-1])
    hint = gradient_hint(q, a)
    returned = "a number" if got == () else f"an array of shape {got}"
    return (f"{a.caller.name} returns {returned} at a random point ({_sizes_text(d)}), where the "
            f"{q.noun} is {_shape_list(q)}: shape {numbers}" + (f"; {hint}" if hint else ""))


# ----------------------------------------------------------------------------------------- checking


@bounded
def judge_function(q: Question, caller, steps: bool = False) -> Verdict:
    """The verdict on the function behind `caller` (its results at the question's points)."""
    a = FunctionAnswer(q, caller)
    v = judge(q, a)
    v.answer_text, v.show_steps = a.label, steps
    if v.correct and a.vector:
        fitting = {n for g in q.arrangements if g.role != "vec" and a.fit(g.shape) is not None for n in g.layouts}
        v.layouts = tuple(n for n in LAYOUTS if n in fitting)
        v.message = f"correct, as a 1-D array (neither a column nor a row: right in {_layouts_text(v.layouts)})"
    elif not v.correct and a.integers and v.diagnosis not in ("raises", "shape-mismatch"):
        v.message += (f"\n  note: {caller.name} returns integers ({a.integers}): an integer array truncates the "
                      "numbers written into it")
    return v


def _layouts_text(layouts: tuple[str, ...]) -> str:
    return "any layout" if set(layouts) == set(LAYOUTS) else f"{' or '.join(layouts)} layout"


def check_function(fn, expr, wrt, where=None, layout: str | None = None, vec="col", steps: bool = False,
                   seed: int = 0, notation: str = "auto", order: int = 1, symmetric: str = "sym",
                   timeout: float | None = None) -> Verdict:
    """Judge a student's function computing the derivative of `expr` with respect to `wrt` (``order=2``: the
    Hessian), as :func:`~matcalc.grading.check_answer` judges a closed form, with the same diagnoses, and
    ``raises`` for a function that raises.

    `fn` is a Python function, called in this process (without a time limit), or ``"FILE:FUNCTION"``, a
    function in a Python file, called in a child process within `timeout` seconds (default
    :data:`TIMEOUT`). Its parameters are named after the question's names (a parameter with a default
    that is not one keeps its default); a vector is passed as a 1-D array, a matrix as a 2-D one, a scalar
    as a float. A parameter that is no name of the question, or a file or function that cannot be
    loaded, raises :class:`MatcalcError`.

    >>> import numpy as np
    >>> check_function(lambda x, A: (A + A.T) @ x, "x.T@A@x", "x").message
    'correct, as a 1-D array (neither a column nor a row: right in any layout)'
    >>> check_function(lambda x, A: 2 * A @ x, "x.T@A@x", "x").diagnosis
    'symmetric-slip'
    """
    q = _prepare(expr, wrt, where, layout, vec, seed, notation, order, symmetric)
    if isinstance(fn, str):
        caller = InFile(fn, q, TIMEOUT if timeout is None else timeout)
    elif callable(fn):
        if timeout is not None:
            raise MatcalcError("a time limit applies to a function in a file ('student.py:grad'), which runs in a "
                               "process of its own; a Python function is called here, without one")
        caller = InProcess(fn, q)
    else:
        raise MatcalcError(f"the function must be a Python function or 'FILE:FUNCTION', not {type(fn).__name__}")
    return judge_function(q, caller, steps)


@bounded
def _prepare(*args) -> Question:
    return prepare(*args)


def assert_function(fn, expr, wrt, **options) -> Verdict:
    """:func:`check_function` for an autograder (pytest, nbgrader, Otter-Grader): the verdict when the function
    is right, else an ``AssertionError`` whose message is the verdict. `options` are check_function's.

    >>> assert_function(lambda x, A: 2 * A @ x, "x.T@A@x", "x")
    Traceback (most recent call last):
    AssertionError: wrong unless A is symmetric: ...
    """
    return asserted(check_function(fn, expr, wrt, **options))


__all__ = ["FunctionAnswer", "InProcess", "check_function", "assert_function", "judge_function",
           "TIMEOUT"]
