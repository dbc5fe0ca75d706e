"""Terms of sums and products as the lemmas see them: coefficient × rest, the zero and unit of a shape, a scalar
broadcast to a shape. Shared by the algebraic and factoring lemmas."""

from __future__ import annotations

from fractions import Fraction

from ..expr import Expr, Identity, Mul, Number, Ones, Zeros, nary
from ..shapes import SCALAR


def zero_of(shape) -> Expr:
    return Number(0) if shape == SCALAR else Zeros(shape)


def one_of(shape) -> Expr:
    return Number(1) if shape == SCALAR else Ones(shape)


def is_number(e: Expr, value) -> bool:
    """Is `e` the number `value`? (Without building Number(value): the lemmas ask this of every node they try.)"""
    return isinstance(e, Number) and e.value == value


def is_zero(e: Expr) -> bool:
    return isinstance(e, Zeros) or (isinstance(e, Number) and e.value == 0)


def product(factors: list[Expr], cls=Mul, shape=SCALAR) -> Expr:
    """The product of `factors`; the unit (1 or I) when there are none."""
    if not factors:
        return one_of(shape) if cls is Mul else Identity(shape[0])
    return nary(cls, factors)


def split_coefficient(e: Expr) -> tuple[Fraction, Expr | None]:
    """term = c * rest with c a number (rest None for a pure number)."""
    if isinstance(e, Number):
        return e.value, None
    if isinstance(e, Mul) and isinstance(e.args[0], Number):
        rest = e.args[1:]
        return e.args[0].value, nary(Mul, rest)
    return Fraction(1), e


def with_coefficient(c: Fraction, rest: Expr | None) -> Expr:
    if rest is None:
        return Number(c)
    if c == 1:
        return rest
    if isinstance(rest, Mul):
        return Mul(Number(c), *rest.args)
    return Mul(Number(c), rest)


def _broadcast(e: Expr, shape) -> Expr:
    """`e` with the given shape: a scalar is broadcast by a ones array."""
    return e if e.shape == shape else Mul(e, Ones(shape))
