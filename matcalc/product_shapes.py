"""The shape of one operation between two operands: element-wise, a matrix product, a dot product, a division.

Each unifies the dimensions the operation equates, in the unifier of the inference run it is given, and
returns the shape of the result; a mismatch names both operands with their shapes. Used for the chains of
:mod:`matcalc.products` and the powers of :mod:`matcalc.powers`.
"""

from __future__ import annotations

from .errors import ShapeError
from .shapes import ONE, Shape


def elementwise_shape(inf, op, left_text, ls, right_text, rs, pos) -> Shape:
    """Shape of an element-wise operation (scalars, and literal 1 or 0 that may be scalars, broadcast)."""
    if inf.u.settle_scalar(ls):
        return rs
    if inf.u.settle_scalar(rs):
        return ls
    if not (inf.u.unify(ls[0], rs[0]) and inf.u.unify(ls[1], rs[1])):
        raise inf.mismatch(op, left_text, ls, right_text, rs, pos)
    return ls


def matmul_shape(inf, op, left_text, ls, right_text, rs, pos) -> Shape:
    if not inf.u.unify(ls[1], rs[0]):
        raise inf.mismatch(op, left_text, ls, right_text, rs, pos, "inner dimensions differ")
    return (ls[0], rs[1])


def dot_shape(inf, left_text, ls, right_text, rs, pos) -> Shape:
    """``w · x`` is ``wᵀ x`` for two vectors of one length; anything else is refused with the spellings."""
    vectors = all(inf.u.unify(s[1], ONE) for s in (ls, rs))
    if not (vectors and inf.u.unify(ls[0], rs[0])):
        raise inf.mismatch(
            "·", left_text, ls, right_text, rs, pos,
            f"· is the dot product of two vectors; write {left_text} @ {right_text} for the matrix product "
            f"or {left_text} ∘ {right_text} for the element-wise product",
        )
    return (ONE, ONE)


def division_shape(inf, kind, left_text, ls, right_text, rs, pos) -> Shape:
    """``A \\ b`` (A⁻¹ b) and MATLAB's ``x' / Y`` (x' Y⁻¹): the divisor must be a square matrix."""
    square, other = (ls, rs) if kind == "ldiv" else (rs, ls)
    square_text = left_text if kind == "ldiv" else right_text
    if not inf.u.unify(square[0], square[1]):
        raise ShapeError(f"dividing by {square_text} needs a square matrix, but it is {inf.show(square)}",
                         inf.text, pos)
    op = "\\" if kind == "ldiv" else "/"
    if kind == "ldiv":
        return matmul_shape(inf, op, left_text, ls, right_text, rs, pos)
    return matmul_shape(inf, op, left_text, ls, right_text, rs, pos)
