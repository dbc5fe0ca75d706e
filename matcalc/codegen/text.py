"""Small pieces of Python text every target shares: names, numbers, signs, brackets."""

from __future__ import annotations

import keyword
from fractions import Fraction

from ..expr import Expr, Mul, Number
from ..printing.precedence import ATOM, NEG, PRODUCT
from .backend import reserved_names

MAX_TEXT_DEPTH = 40  # levels of nodes written inside one another before the inner part is named (u1 = …): Python's
#                      parser refuses about 200 nested brackets


def python_name(name: str) -> str:
    """A symbol's name as a Python identifier: a keyword, or a name the code uses itself (a library's
    namespace such as ``np`` or ``torch``), gets a trailing underscore. The same for every target."""
    return name + "_" if keyword.iskeyword(name) or name in reserved_names() else name


def is_atom_text(text: str) -> bool:
    """Is `text` one name, one call or one subscripted call (needs no brackets anywhere)?"""
    if text.isidentifier():
        return True
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0 and i < len(text) - 1 and text[i + 1] not in "[.":
                return False
        elif depth == 0 and not (ch.isalnum() or ch in "._"):
            return False
    return text.endswith((")", "]"))


def transposed_text(text: str) -> str:
    return f"{text}.T" if is_atom_text(text) else f"({text}).T"


def bracketed(text: str, level: int, need: int) -> str:
    return f"({text})" if level < need else text


def number(value: Fraction) -> tuple[str, int]:
    """A rational as Python text: exact when a float holds it (or an integer), else a quotient."""
    if value.denominator == 1 and abs(value.numerator) < 10**15:
        text = str(value.numerator)
    else:
        as_float = float(value)
        exact = Fraction(as_float) == value or not 1e-15 < abs(as_float) < 1e15
        if as_float in (float("inf"), float("-inf")):
            return ('float("inf")', ATOM) if as_float > 0 else ('-float("inf")', NEG)
        text = repr(as_float) if exact else f"{value.numerator} / {value.denominator}"
    if "/" in text:
        return text, PRODUCT
    return text, NEG if text.startswith("-") else ATOM


def split_sign(e: Expr) -> tuple[bool, Expr]:
    """(negative, magnitude): the numeric factors of a product multiplied out, -x as (True, x)."""
    if isinstance(e, Number):
        return e.value < 0, Number(abs(e.value))
    if not isinstance(e, Mul):
        return False, e
    coeff, rest = Fraction(1), []
    stack = list(reversed(e.args))
    while stack:
        f = stack.pop()
        if isinstance(f, Mul):
            stack.extend(reversed(f.args))
        elif isinstance(f, Number):
            coeff *= f.value
        else:
            rest.append(f)
    if coeff == 0:
        return False, Number(0)
    if abs(coeff) != 1 or not rest:
        rest.insert(0, Number(abs(coeff)))
    return coeff < 0, (rest[0] if len(rest) == 1 else Mul(*rest))
