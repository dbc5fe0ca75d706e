"""A proposed derivative read over a question's names, and its values at the question's points.

The answer is read with the question's names pinned to their shapes and properties, so ``2*A@x`` means
the same ``A`` and ``x`` as in ``x.T@A@x``. Its shape decides which closed forms it can be compared with
(an ``I`` or ``vector(1)`` whose size nothing fixes takes the size that fits); its values are computed
once per point and per choice of such sizes, however many closed forms it is compared with.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

import numpy as np

from ..checking import sizes_at
from ..derivative import Derivative
from ..errors import DeclarationError, LimitError, MatcalcError, ParseError, ShapeError, UnsupportedError
from ..expr import Expr, preorder, symbols
from ..numeric import value_2d
from ..parser import parse
from ..shapes import ONE, Dim, Shape, describe, is_scalar
from .question import DRAWS, Draw, Question

Binding = Callable[[dict[str, int]], "dict[str, int] | None"]  # a point's sizes → the answer's own sizes


class Answer:
    """The answer: its expression (None when it contradicts the question's shapes, said in `contradiction`),
    the text it came from, and what is computed from it once (shape fits, values, findings)."""

    def __init__(self, question: Question, expr: Expr | None, text: str, contradiction: str = ""):
        self.q, self.expr, self.text, self.contradiction = question, expr, text, contradiction
        self.memo: dict = {}  # findings shared by the diagnoses (a constant multiple, …)
        self._values: dict[tuple, list[np.ndarray] | None] = {}
        self._fits: dict[Shape, Binding | None] = {}
        self._free_dims: set[str] | None = None  # the answer's dimension names

    # ------------------------------------------------------------------ shapes

    def fit(self, want: Shape) -> Binding | None:
        """How the answer's own free sizes are chosen so that its shape is `want` at given sizes; None if it
        cannot have that shape."""
        if want not in self._fits:
            constant = is_scalar(self.expr.shape) and not symbols(self.expr)
            key = (self.expr.shape, constant, want)  # answers of one shape fit alike: the question keeps it
            if key not in self.q.fits:
                self.q.fits[key] = _fit(self.expr.shape, constant, want, self.q.dim_names)
            self._fits[want] = self.q.fits[key]
        return self._fits[want]

    def fits(self) -> dict[int, Binding]:
        """The arrangements (by index) the answer's shape allows."""
        return {i: b for i, a in enumerate(self.q.arrangements) if (b := self.fit(a.shape)) is not None}

    def flips(self) -> dict[int, Binding]:
        """The asked arrangements of a matrix shape whose transpose has the answer's shape."""
        return {i: b for i, a in enumerate(self.q.arrangements) if a.role == "primary" and _is_matrix(a.shape)
                and (b := self.fit((a.shape[1], a.shape[0]))) is not None}

    # ------------------------------------------------------------------ values

    def values(self, draws: list[Draw], binding: Binding) -> list[np.ndarray] | None:
        """The answer's values at `draws` with its free sizes chosen by `binding`; None where it cannot be evaluated."""
        bound = [binding(d.sizes) for d in draws]
        if any(b is None for b in bound):
            return None
        key = (id(draws), tuple(tuple(sorted(b.items())) for b in bound))
        if key not in self._values:
            self._values[key] = self._evaluate(draws, bound)
        return self._values[key]

    def _evaluate(self, draws: list[Draw], bound: list[dict[str, int]]) -> list[np.ndarray] | None:
        if self._free_dims is None:
            self._free_dims = {n for node in preorder(self.expr) for d in node.shape for n in d.names()}
        out = []
        for t, (d, b) in enumerate(zip(draws, bound)):
            sizes = {**d.sizes, **b}
            free = sorted(self._free_dims - set(sizes))  # sizes inside the answer that nothing fixes
            sizes.update(sizes_at(free, t))
            try:
                out.append(value_2d(self.expr, d.arrays, sizes))
            except LimitError:
                raise
            except (MatcalcError, ValueError, np.linalg.LinAlgError):
                return None
        return out


# ----------------------------------------------------------------------------------------- reading


def read_answer(q: Question, answer, on_its_own: bool = True) -> Answer:
    """The answer as an expression over the question's names. Raises MatcalcError (saying it is in the
    answer) when the text cannot be read even on its own; text that reads on its own but not with the
    question's shapes is an answer that contradicts them. ``on_its_own=False`` skips that second reading:
    any text that does not read with the question's shapes raises (a candidate answer that only matters if
    it reads)."""
    text = answer if isinstance(answer, str) else ""
    if isinstance(answer, Derivative):
        answer = answer.expr
    if isinstance(answer, Expr):
        for s in symbols(answer):
            mine = q.names.get(s.name)
            if mine is not None and (mine.shape != s.shape or mine.props != s.props):
                why = f"in the answer {s.name} is {describe(s.shape)}, in the question {describe(mine.shape)}"
                return Answer(q, answer, text, why)
        return Answer(q, answer, text)
    if not isinstance(answer, str):
        raise MatcalcError(f"the answer must be an expression string, got {type(answer).__name__}")
    known = tuple(q.names)
    try:
        return Answer(q, parse(answer, q.pins, notation=q.notation, known=known, strict=False), text)
    except RecursionError:
        raise MatcalcError("the answer is too deeply nested") from None
    except LimitError:
        raise
    except MatcalcError as err:
        if not on_its_own:
            raise
        try:
            parse(answer, q.user_decls, notation=q.notation, known=known, strict=False)
        except LimitError:
            raise
        except MatcalcError:
            raise _in_answer(err) from None
        # it reads on its own, but not with the question's shapes: it cannot be the derivative
        return Answer(q, None, answer, f"with the question's shapes, {getattr(err, 'reason', str(err))}")


def _in_answer(err: MatcalcError) -> MatcalcError:
    """The same error, saying that it is in the answer."""
    if isinstance(err, (ParseError, ShapeError, UnsupportedError)):
        return type(err)(f"in the answer: {err.reason}", err.text, err.pos)
    if isinstance(err, DeclarationError):
        return DeclarationError(f"in the answer: {err}")
    return MatcalcError(f"in the answer: {err}")


# ----------------------------------------------------------------------------------------- shapes


def _fit(shape: Shape, constant: bool, want: Shape, question_dims: list[str]) -> Binding | None:
    if constant and not is_scalar(want):
        return lambda sizes: {}  # a constant such as 0 or 1, read as the array of that value
    free = {n for d in shape for n in d.names()} - set(question_dims)
    symbolic = _match_shape(shape, want, free)
    if symbolic is not None:
        return lambda sizes: {n: dim.evaluate(sizes) for n, dim in symbolic.items()}
    if not free or len(free) > 2:
        return None

    def solve(sizes: dict[str, int]) -> dict[str, int] | None:  # e.g. n*q = n*p: try small sizes for q
        target = tuple(d.evaluate(sizes) for d in want)
        names = sorted(free)
        for values in product(range(1, 13), repeat=len(names)):
            trial = {**sizes, **dict(zip(names, values))}
            if tuple(d.evaluate(trial) for d in shape) == target:
                return dict(zip(names, values))
        return None

    if all(solve(sizes_at(question_dims, t)) is not None for t in range(DRAWS)):
        return solve
    return None


def _match_shape(got: Shape, want: Shape, free: set[str]) -> dict[str, Dim] | None:
    """A binding of the answer's free dimension names making `got` equal to `want`, or None."""
    binding: dict[str, Dim] = {}
    for g, w in zip(got, want):
        g = g.substitute(binding)
        if g != w and g.name is not None and g.name in free:
            binding[g.name] = w
    if all(g.substitute(binding) == w for g, w in zip(got, want)):
        return binding
    return None


def _is_matrix(s: Shape) -> bool:
    return s[0] != ONE and s[1] != ONE


__all__ = ["Answer", "read_answer", "Binding"]
