"""The diagnoses, as one table: each row a name, a test over the prepared question and the answer's values
(:mod:`matcalc.grading.findings`), and the verdict it gives, worded here. :func:`judge` tries the rows in
the table's order; the first whose test finds something decides. Names and shapes are looked at first,
then the numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..layout import LAYOUTS, SYMMETRIC_FORMS, SYMMETRIC_NAMES
from ..shapes import ONE, describe
from .answer import Answer
from .compare import differences, fraction_text, nice, num
from .findings import (
    answer_values,
    anything,
    constant_multiple,
    derived_tree,
    diagonal_hint,
    equal_as_asked,
    equal_in_other_convention,
    equal_in_other_layout,
    equal_in_other_vec_order,
    flipped_values,
    gradient_hint,
    impossible_shape,
    negative,
    no_array,
    raised,
    simplifies_to_derived,
    symmetric_slip,
    too_few_points,
    transpose_of,
    undefined,
    unknown_names,
)
from .question import ROLES, Arrangement, Question
from .transposes import transposed_factor
from .verdict import Verdict

ORDER_WORDS = {"col": "column by column", "row": "row by row"}


@dataclass(frozen=True)
class Diagnosis:
    """One row of the table: the diagnosis it gives, when it applies, and what it says."""

    name: str  # the verdict's diagnosis (one of DIAGNOSES)
    test: Callable[[Question, Answer], object]  # what it found, or None when it does not apply
    say: Callable[[Question, Answer, object], Verdict]
    numeric: bool = True  # judged by the values at the random points (the verdict counts them)


# ----------------------------------------------------------------------------------------- the verdicts


def verdict(q: Question, a: Answer, correct: bool, diagnosis: str, message: str, group: Arrangement | None = None,
            **extra) -> Verdict:
    g = group or q.reference()
    extra.setdefault("layouts", g.layouts)
    return Verdict(correct, diagnosis, message, g.derivative, a.expr, a.text, **extra)


def say_raises(q, a, message):
    return verdict(q, a, False, "raises", message)


def say_no_array(q, a, message):
    return verdict(q, a, False, "wrong", message)


def say_unknown(q, a, names):
    are = "is" if len(names) == 1 else "are"
    return verdict(q, a, False, "unknown-name", f"wrong: the answer uses {', '.join(names)}, which {are} not in the question")


def say_correct(q, a, i, method="numeric"):
    g = q.arrangements[i]
    msg = "correct" if set(g.layouts) == set(LAYOUTS) else f"correct, in {g.layout_words()} {g.meaning()}".rstrip()
    return verdict(q, a, True, "correct", msg, group=g, method=method)


def say_symbolic(q, a, i):
    return say_correct(q, a, i, "symbolic")


def say_shape(q, a, why):
    if why is True:
        hint = diagonal_hint(q, a) or gradient_hint(q, a)
        why = f"it is {describe(a.expr.shape)}, but the {q.noun} is {_shape_list(q)}" + (f"; {hint}" if hint else "")
    return verdict(q, a, False, "shape-mismatch", f"shape mismatch: the answer cannot be the {q.noun}: {why}")


def say_inconclusive(q, a, _):
    return verdict(q, a, False, "inconclusive", f"inconclusive: no three random points were found where the question "
                   f"and its {q.noun} are defined")


def say_undefined(q, a, found):
    i, k = found
    sizes = q.draws[k].sizes
    return verdict(q, a, False, "wrong", f"wrong: the answer is undefined (nan or inf) at a random point where the "
                   f"{q.noun} is defined ({_sizes_text(sizes)})", group=q.arrangements[i], sizes=sizes)


def say_other_layout(q, a, i):
    g, asked = q.arrangements[i], q.reference()
    msg = (f"correct in {g.layout_words()}, but {q.layout} was asked: in {q.layout} layout the {q.noun} is "
           f"{asked.derivative}")
    return verdict(q, a, False, "other-layout", msg, group=asked, layouts=g.layouts)


def say_other_convention(q, a, i):
    g, asked, other = q.arrangements[i], q.reference(), ("cookbook" if q.symmetric == "sym" else "sym")
    doubled = " (its off-diagonal entries doubled)" if other == "cookbook" else ""
    msg = (f"correct in {SYMMETRIC_NAMES[other]} {SYMMETRIC_FORMS[other]} for a symmetric {q.var.name}{doubled}, "
           f"but {SYMMETRIC_NAMES[q.symmetric]} {SYMMETRIC_FORMS[q.symmetric]} was asked: in it the {q.noun} is "
           f"{asked.derivative}")
    return verdict(q, a, False, "other-convention", msg, group=asked, layouts=g.layouts)


def say_vec_order(q, a, i):
    g, asked = q.arrangements[i], q.reference()
    msg = (f"wrong vec order: the answer flattens {_order_text(q, g.vec)}, but the question asks for "
           f"{_order_text(q, q.vec)}; in that order the {q.noun} is {asked.derivative}")
    return verdict(q, a, False, "vec-order", msg, group=asked, layouts=g.layouts)


def say_transposed(q, a, i):
    g = q.arrangements[i]
    shape = a.expr.shape if a.expr is not None else (g.shape[1], g.shape[0])  # (a function's result has no expr)
    return verdict(q, a, False, "transposed", f"wrong: this is the transpose of the {q.noun} ({describe(shape)} "
                   f"instead of {describe(g.shape)})", group=g)


def say_sign(q, a, found):
    g = q.arrangements[found[0]]
    msg = f"wrong sign: the answer is the negative of the {q.noun}{_elsewhere(q, g)}"
    return verdict(q, a, False, "sign", msg, group=g, factor=nice(found[1]))


def say_factor(q, a, found):
    i, c = found
    g, n = q.arrangements[i], nice(c)
    hint = ""
    if not isinstance(n, float) and n > 0:
        if n.numerator == 1:
            hint = f" (a factor {n.denominator} is missing)"
        elif n.denominator == 1:
            hint = f" (a factor {n.numerator} too many, or a missing 1/{n.numerator})"
    msg = f"off by a constant factor: the answer is {fraction_text(c)} times the {q.noun}{hint}{_elsewhere(q, g)}"
    return verdict(q, a, False, "factor", msg, group=g, factor=n)


def say_slip(q, a, found):
    i, subset, c = found
    g = q.arrangements[i]
    names, are = " and ".join(subset), ("is" if len(subset) == 1 else "are")
    equal_text = " and ".join(f"{n} = {n}ᵀ" for n in subset)
    msg = (f"wrong unless {names} {are} symmetric: the answer is the {q.noun} only when {equal_text}, and "
           f"{names} {are} not declared symmetric; in general the {q.noun} is {g.derivative}")
    if c is not None:
        msg += f"; even then the answer is {fraction_text(c)} times the {q.noun}"
    if g.role == "layout":
        msg += f" (and the answer is in {g.layout_words()}, but {q.layout} was asked)"
    return verdict(q, a, False, "symmetric-slip", msg, group=g, symmetric=subset, factor=nice(c) if c is not None else None)


def say_wrong(q, a, _):
    """Say where the answer differs from the closed form of its shape (preferring what was asked)."""
    values, flips = answer_values(q, a), flipped_values(q, a)
    order = sorted(values, key=lambda i: ROLES.index(q.arrangements[i].role))
    pick, flipped = next((i for i in order if values[i] is not None), None), False
    if pick is None:
        pick = next((i for i, v in flips.items() if v is not None), None)
        flipped = pick is not None
    if pick is None:
        return verdict(q, a, False, "wrong", f"wrong: the {q.noun} is {q.reference().derivative}")
    g, draws = q.arrangements[pick], q.draws
    got = (flips if flipped else values)[pick]
    want = [v.T for v in g.values] if flipped else g.values
    k = min(range(len(draws)), key=lambda t: sum(draws[t].sizes.values()))
    diffs, total = differences(got[k], want[k], draws[k].f_scale)
    sizes_text = _sizes_text(draws[k].sizes)
    where = f"at a random point ({sizes_text})" if sizes_text else "at a random point"
    if all(v.size == 1 for v in draws[k].arrays.values()):  # scalars only: name the point
        where = "at " + ", ".join(f"{n} = {num(float(v[0, 0]))}" for n, v in draws[k].arrays.items())
    if total == 1 and got[k].size == 1:
        detail = f"the answer is {num(diffs[0][2])} where the {q.noun} is {num(diffs[0][1])}"
    else:
        what = "entry differs" if len(diffs) == 1 else "entries differ"
        shown = "; ".join(f"[{', '.join(map(str, idx))}]: {num(w)} expected, {num(v)} given" for idx, w, v in diffs[:3])
        detail = f"{len(diffs)} of {total} {what}: {shown}" + ("; …" if len(diffs) > 3 else "")
    note = ""
    if flipped:
        note = f" (compared with the transpose of the {q.noun}, which has the answer's shape)"
    elif g.role == "layout":
        note = f" (compared with the {q.noun} in {g.layout_words()}, which has the answer's shape)"
    elif g.role == "vec":
        note = f" (compared with the vec-{'Hessian' if q.order == 2 else 'Jacobian'} flattening {_order_text(q, g.vec)})"
    hint = gradient_hint(q, a)
    msg = f"wrong: {hint + '; ' if hint else ''}the {q.noun} is {g.derivative}\n  {where}{note}, {detail}"
    return verdict(q, a, False, "wrong", msg, group=g, differences=diffs, sizes=draws[k].sizes)


def say_transposed_factor(q, a, found):
    candidate, name, added = found
    what = f"{name} needs a transpose there" if added else f"{name} should not be transposed there"
    return verdict(q, a, False, "transposed", f"wrong: {what}: {candidate} is the {q.noun}")


def _transposed_factor(q: Question, a: Answer):
    """One square factor transposed (or not) makes an answer of the right shape right: (corrected text, name,
    added)."""
    return transposed_factor(q, a, _right, square=True)


def _right(q: Question, b: Answer) -> bool:
    """Is the candidate correct as asked (the derived tree, or equal to it at the random points)?"""
    if derived_tree(q, b) is not None:
        return True
    return too_few_points(q, b) is None and undefined(q, b) is None and equal_as_asked(q, b) is not None


def _transposed_factor_of_impossible(q: Question, a: Answer):
    """The same for any factor, asked of an answer of an impossible shape before it is called a shape mismatch."""
    return transposed_factor(q, a, _right, square=False) if impossible_shape(q, a) is not None else None


# ----------------------------------------------------------------------------------------- the table

TABLE = (
    Diagnosis("raises", raised, say_raises, numeric=False),  # a student's function (check_function) that raises
    Diagnosis("wrong", no_array, say_no_array, numeric=False),  # … or returns None, text, or nothing in time
    Diagnosis("unknown-name", unknown_names, say_unknown, numeric=False),
    Diagnosis("correct", derived_tree, say_symbolic, numeric=False),  # the very tree derived: no numbers needed
    Diagnosis("transposed", _transposed_factor_of_impossible, say_transposed_factor),  # A@y for Aᵀy
    Diagnosis("shape-mismatch", impossible_shape, say_shape, numeric=False),
    Diagnosis("correct", simplifies_to_derived, say_symbolic, numeric=False),
    Diagnosis("inconclusive", too_few_points, say_inconclusive),
    Diagnosis("wrong", undefined, say_undefined),
    Diagnosis("correct", equal_as_asked, say_correct),
    Diagnosis("other-layout", equal_in_other_layout, say_other_layout),
    Diagnosis("other-convention", equal_in_other_convention, say_other_convention),  # sym(G) or the Cookbook's
    Diagnosis("vec-order", equal_in_other_vec_order, say_vec_order),
    Diagnosis("transposed", transpose_of, say_transposed),
    Diagnosis("sign", negative, say_sign),
    Diagnosis("factor", constant_multiple, say_factor),
    Diagnosis("symmetric-slip", symmetric_slip, say_slip),
    Diagnosis("transposed", _transposed_factor, say_transposed_factor),  # a square factor left untransposed
    Diagnosis("wrong", anything, say_wrong),
)


def judge(q: Question, a: Answer) -> Verdict:
    """The verdict of the first diagnosis in the table whose test finds something."""
    for row in TABLE:
        found = row.test(q, a)
        if found is not None:
            v = row.say(q, a, found)
            v.draws = len(q.draws) if row.numeric else 0
            return v
    raise AssertionError("the last diagnosis applies to every answer")  # pragma: no cover


# ----------------------------------------------------------------------------------------- words


def _elsewhere(q: Question, g: Arrangement) -> str:
    return "" if g.role == "primary" else f" (in {g.layout_words()}, but {q.layout} was asked)"


def _order_text(q: Question, vec: tuple[str, str]) -> str:
    parts = []
    if q.order == 1 and q.f.shape[0] != ONE and q.f.shape[1] != ONE:  # (a Hessian's gradient is flattened as the variable)
        parts.append(f"the output {ORDER_WORDS[vec[0]]}")
    if q.var.shape[0] != ONE and q.var.shape[1] != ONE:
        parts.append(f"{q.var.name} {ORDER_WORDS[vec[1]]}")
    return " and ".join(parts)


def _sizes_text(sizes: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items())


def _shape_list(q: Question) -> str:
    seen: dict[str, list[str]] = {}
    for g in q.arrangements:
        if g.role != "vec":
            seen.setdefault(describe(g.shape), []).extend(g.layouts)
    if len(seen) == 1:
        return next(iter(seen))
    return " or ".join(f"{shape} ({' or '.join(layouts)} layout)" for shape, layouts in seen.items())


__all__ = ["Diagnosis", "TABLE", "judge"]
