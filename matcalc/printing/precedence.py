"""The one precedence table shared by every printer, and number formatting.

Levels, loosest first. A child is bracketed when its level is below what its position demands.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

from ..expr import Expr, Mul, Number, nary, negate

ADD = 10  # a + b, a - b
PRODUCT = 20  # a * b, a @ b, a / b, a ∘ b
NEG = 30  # -a
JUXT = 35  # math notation: A x, 2 x (tighter than -: `-A x` is -(A x), and `A (-x)` needs its brackets)
POWER = 40  # a ** b, a^2
POSTFIX = 50  # a.T, aᵀ, a⁻¹
ATOM = 60  # names, numbers, calls, brackets


def bracket(text: str, level: int, required: int, open_: str = "(", close: str = ")") -> str:
    """`text` in brackets when its `level` binds less tightly than `required`."""
    return f"{open_}{text}{close}" if level < required else text


def positive_form(e: Expr) -> Expr | None:
    """p with negate(p) == e (so e prints as ``-p``), or None."""
    if isinstance(e, Number) and e.value < 0:
        return Number(-e.value)
    if isinstance(e, Mul) and isinstance(e.args[0], Number) and e.args[0].value < 0:
        c = -e.args[0].value
        rest = e.args[1:]
        p = (nary(Mul, rest)) if c == 1 else Mul(Number(c), *rest)
        return p if negate(p) == e else None
    return None


def is_terminating(value: Fraction) -> bool:
    d = value.denominator
    for prime in (2, 5):
        while d % prime == 0:
            d //= prime
    return d == 1


def format_number(value: Fraction) -> str:
    """Exact, parseable text for a rational: ``2``, ``0.5``, ``1e-30``, or ``1/3`` (caller brackets)."""
    if value.denominator == 1:
        digits = str(abs(value.numerator))
        stripped = digits.rstrip("0")
        if len(digits) > 15 and len(digits) - len(stripped) > 3:  # 1e400, not four hundred digits
            sign = "-" if value < 0 else ""
            return f"{sign}{stripped}e{len(digits) - len(stripped)}"
        return str(value.numerator)
    if not is_terminating(value):
        return f"{value.numerator}/{value.denominator}"
    with localcontext() as ctx:
        ctx.prec = 1000
        dec = Decimal(value.numerator) / Decimal(value.denominator)
    plain = format(dec, "f")
    if len(plain) <= 12:
        return plain
    return format(dec.normalize(), "e").replace("e+", "e")
