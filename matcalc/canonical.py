"""Two constructors that keep expression trees canonical, so that equal expressions are equal trees:
``negate`` (``-e`` as the parser spells it) and ``nary`` (an n-ary node, or its single item)."""

from __future__ import annotations

from .expr import Expr, Mul, Number


def negate(e: Expr) -> Expr:
    """``-e`` as the parser spells it: a negative Number, a negated leading coefficient, or ``-1 * e``
    (merged into an element-wise product, so ``-(y * z)`` and ``-y * z`` are the same tree)."""
    if isinstance(e, Number):
        return Number(-e.value)
    if isinstance(e, Mul) and isinstance(e.args[0], Number):
        c = -e.args[0].value
        rest = e.args[1:]
        if c == 1:
            return nary(Mul, rest)
        return Mul(Number(c), *rest)
    if isinstance(e, Mul):
        return Mul(Number(-1), *e.args)
    return Mul(Number(-1), e)


def nary(cls: type[Expr], items) -> Expr:
    """``cls(*items)`` for an n-ary node (Add, Mul, MatMul), or the item itself when there is one."""
    items = list(items)
    return items[0] if len(items) == 1 else cls(*items)
