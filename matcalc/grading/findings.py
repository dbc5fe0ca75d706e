"""What each diagnosis looks for: tests over a prepared question and an answer, each returning what it found
(None when it does not apply). They share what they compute through the answer
(:class:`matcalc.grading.answer.Answer`): its values at the question's points are computed once, whichever
tests look at them. :mod:`matcalc.grading.diagnoses` orders them into the table and words the verdicts.
"""

from __future__ import annotations

import numpy as np

from ..errors import LimitError, MatcalcError
from ..expr import symbols
from ..printing import to_text
from ..rewrite import tidy
from ..shapes import ONE
from .answer import Answer
from .compare import equal, nice, ratio
from .question import ROLES, Question


def _scales(draws) -> list[float]:
    return [d.f_scale for d in draws]


def answer_values(q: Question, a: Answer) -> dict[int, list[np.ndarray] | None]:
    """The answer's values for each arrangement its shape fits (None where it cannot be evaluated)."""
    if "values" not in a.memo:
        a.memo["values"] = {i: a.values(q.draws, b) for i, b in a.fits().items()}
    return a.memo["values"]


def flipped_values(q: Question, a: Answer) -> dict[int, list[np.ndarray] | None]:
    """The answer's values for each asked matrix-shaped arrangement whose transpose has the answer's shape."""
    if "flips" not in a.memo:
        a.memo["flips"] = {i: a.values(q.draws, b) for i, b in a.flips().items()}
    return a.memo["flips"]


def _equal_in(role: str):
    """The test: the answer equals, at every point, a closed form of this role (the arrangement)."""
    def test(q: Question, a: Answer):
        for i, vals in answer_values(q, a).items():
            if q.arrangements[i].role == role and vals is not None and equal(vals, q.arrangements[i].values, _scales(q.draws)):
                return i
        return None
    return test


def _multiple(q: Question, a: Answer):
    """(arrangement, c) with answer = c × that closed form at every point, c ≠ 0, 1; the asked form first."""
    if "multiple" not in a.memo:
        a.memo["multiple"] = None
        for role in ROLES:
            for i, vals in answer_values(q, a).items():
                if q.arrangements[i].role == role and vals is not None:
                    c = ratio(vals, q.arrangements[i].values, _scales(q.draws))
                    if c is not None:
                        a.memo["multiple"] = (i, c)
                        break
            if a.memo["multiple"] is not None:
                break
    return a.memo["multiple"]


def _tree_match(q: Question, expr) -> int | None:
    """The asked arrangement whose derived tree `expr` is (an arrangement not transposed has the tree derived)."""
    for i, g in enumerate(q.arrangements):
        if g.role == "primary" and not g.transposed and expr == q.forms[g.vec].expr:
            return i
    return None


# ----------------------------------------------------------------------------------------- the tests


def raised(q: Question, a: Answer):
    """What a student's function raised at a random point (:mod:`matcalc.grading.function`; text has no such)."""
    return getattr(a, "raised", None)


def no_array(q: Question, a: Answer):
    """What a student's function gave instead of an array of numbers (None, text, no return in time)."""
    return getattr(a, "no_array", None)


def unknown_names(q: Question, a: Answer):
    """The answer's names the question does not have."""
    if a.expr is None or a.contradiction:
        return None
    return [s.name for s in symbols(a.expr) if s.name not in q.names] or None


def derived_tree(q: Question, a: Answer):
    """The asked arrangement whose derived tree the answer is, exactly: right without numbers."""
    return None if a.expr is None or a.contradiction else _tree_match(q, a.expr)


def impossible_shape(q: Question, a: Answer):
    """The answer's names contradict the question's shapes (the reason), or its shape is none the closed forms
    have, nor the transpose of a matrix-shaped one (True)."""
    if a.contradiction:
        return a.contradiction
    return None if a.fits() or a.flips() else True


def simplifies_to_derived(q: Question, a: Answer):
    """When the numbers cannot decide (too few points, or the answer undefined at one), the simplifier may."""
    if a.expr is None or len(q.draws) >= 3 and undefined(q, a) is None:
        return None
    try:
        return _tree_match(q, tidy(a.expr))
    except LimitError:
        raise
    except (MatcalcError, RecursionError):
        return None


def too_few_points(q: Question, a: Answer):
    """Fewer than three random points where the question and its derivative are defined: nothing to compare at."""
    return True if len(q.draws) < 3 else None


def undefined(q: Question, a: Answer):
    """(arrangement, point) where the answer is nan or inf although the closed forms are defined there."""
    for i, vals in [*answer_values(q, a).items(), *flipped_values(q, a).items()]:
        bad = next((k for k, v in enumerate(vals or ()) if not np.all(np.isfinite(v))), None)
        if bad is not None:
            return i, bad
    return None


equal_as_asked, equal_in_other_layout, equal_in_other_vec_order = (_equal_in(role) for role in ROLES)


def equal_in_other_convention(q: Question, a: Answer):
    """The arrangement the answer equals in the other convention for a symmetric variable (sym(G) or the
    Matrix Cookbook's): where the two agree (a diagonal gradient) the answer was already right as asked."""
    for i, vals in answer_values(q, a).items():
        other = q.other_convention(i)
        if other is not None and vals is not None and equal(vals, other, _scales(q.draws)):
            return i
    return None


def transpose_of(q: Question, a: Answer):
    """The asked matrix-shaped arrangement whose transpose the answer equals."""
    for i, vals in flipped_values(q, a).items():
        if vals is not None and equal(vals, [v.T for v in q.arrangements[i].values], _scales(q.draws)):
            return i
    return None


def negative(q: Question, a: Answer):
    """(arrangement, -1): the answer is the negative of a closed form."""
    m = _multiple(q, a)
    return m if m is not None and nice(m[1]) == -1 else None


def constant_multiple(q: Question, a: Answer):
    """(arrangement, c): the answer is another constant multiple of a closed form."""
    return _multiple(q, a)


def symmetric_slip(q: Question, a: Answer):
    """(arrangement, matrices, c): equal to c × the closed form (c None: equal) where those matrices are symmetric."""
    fits = a.fits()
    for subset in q.symmetric_candidates():
        draws, sym_values = q.symmetric_points(subset)
        if len(draws) < 3:
            continue
        for role in ROLES:
            for i, binding in fits.items():
                if q.arrangements[i].role != role:
                    continue
                vals = a.values(draws, binding)
                if vals is None or not all(np.all(np.isfinite(v)) for v in vals):
                    continue
                want = sym_values[i]
                if equal(vals, want, _scales(draws)):
                    return i, subset, None
                c = ratio(vals, want, _scales(draws))
                if c is not None:
                    return i, subset, c
    return None


def anything(q: Question, a: Answer):
    """Every answer: the last row, when nothing before it applied."""
    return True


# ----------------------------------------------------------------------------------------- hints


def diagonal_hint(q: Question, a: Answer) -> str:
    """A vector answer holding the diagonal of a diagonal Jacobian (f'(x) for an element-wise f): say so."""
    if a.expr.shape[1] != ONE or a.expr.shape[0] == ONE or len(q.draws) < 3:
        return ""
    for g in q.arrangements:
        rows, cols = g.shape
        binding = a.fit((rows, ONE)) if rows == cols and rows != ONE else None
        vals = a.values(q.draws, binding) if binding is not None else None
        if vals is not None and equal([np.diagflat(v) for v in vals], g.values, _scales(q.draws)):
            return f"the answer holds its diagonal: the {q.noun} is diag({to_text(a.expr)})"
    return ""


def gradient_hint(q: Question, a: Answer) -> str:
    """For a Hessian, an answer that is the gradient (the first derivative) instead: say so."""
    gradient = q.gradient_values() if q.order == 2 and len(q.draws) >= 3 else None
    if gradient is None:
        return ""
    shape = q.base.gradient.expr.shape
    for want, values in ((shape, gradient), ((shape[1], shape[0]), [v.T for v in gradient])):
        binding = a.fit(want)
        got = a.values(q.draws, binding) if binding is not None else None
        if got is not None and equal(got, values, _scales(q.draws)):
            return "the answer is the first derivative, not the Hessian"
    return ""


__all__ = ["raised", "no_array", "unknown_names", "derived_tree", "impossible_shape", "simplifies_to_derived",
           "too_few_points", "undefined",
           "equal_as_asked", "equal_in_other_layout", "equal_in_other_vec_order", "equal_in_other_convention",
           "transpose_of", "negative", "constant_multiple", "symmetric_slip", "anything", "answer_values",
           "flipped_values", "diagonal_hint", "gradient_hint"]
