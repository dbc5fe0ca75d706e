"""Unicode math notation for reading: ``xᵀ(A + Aᵀ)``, ``-2 Φᵀ(y - Φ θ)``, ``‖A x‖²``.

Matrix products are juxtaposition, the element-wise product is ``∘``, transposes and inverses are
superscripts. The text reads back through the parser (math dialect) to an equal value, though not
always to the identical tree.
"""

from __future__ import annotations

from functools import singledispatch

from ..expr import Add, Block, Call, Commutation, Expr, Identity, MatMul, Mul, Number, Ones, Power, Symbol, Transpose, Zeros
from ..functions.definition import entrywise_on_square_matrix
from ..limits import bounded, check_written
from ..shapes import is_scalar
from .precedence import ADD, ATOM, JUXT, NEG, POSTFIX, POWER, PRODUCT, bracket, format_number, positive_form

SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@bounded
def to_math(e: Expr) -> str:
    """The expression in Unicode math notation."""
    check_written(e)
    return _print(e)[0]


def _sub(e: Expr, required: int) -> str:
    text, level = _print(e)
    return bracket(text, level, required)


@singledispatch
def _print(e: Expr) -> tuple[str, int]:
    raise NotImplementedError(f"no math printer for {type(e).__name__}")


@_print.register
def _(e: Symbol):
    return e.name, ATOM


@_print.register
def _(e: Number):
    text = format_number(abs(e.value))
    if "/" in text:
        text = f"({text})"
    return ("-" + text, NEG) if e.value < 0 else (text, ATOM)


@_print.register
def _(e: Ones):
    return ("1ᵀ", POSTFIX) if _is_row(e) else ("1", ATOM)


@_print.register
def _(e: Zeros):
    return ("0ᵀ", POSTFIX) if _is_row(e) else ("0", ATOM)


def _is_row(e: Expr) -> bool:
    return e.shape[0] == 1 and e.shape[1] != 1


@_print.register
def _(e: Commutation):
    return f"K({e.dims[0]},{e.dims[1]})", ATOM


@_print.register
def _(e: Identity):
    return "I", ATOM


@_print.register
def _(e: Add):
    parts = [_sub(e.args[0], ADD)]
    for term in e.args[1:]:
        positive = positive_form(term)
        parts.append((" - " + _sub(positive, ADD + 1)) if positive is not None else (" + " + _sub(term, ADD + 1)))
    return "".join(parts), ADD


GLUE_BEFORE_BRACKET = set(")]ᵀ‖⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _juxtapose(texts: list[str]) -> str:
    """Factors side by side: ``xᵀ(A + Aᵀ)``, ``c (a + b)`` (``c(a + b)`` would read as a call), and a norm
    after the first factor in brackets (``2 (‖x‖)``: the grammar closes ``‖a b‖`` at the second bar)."""
    out = texts[0]
    for t in texts[1:]:
        if t.startswith("‖"):
            t = f"({t})"
        out += t if (t.startswith("(") and out[-1] in GLUE_BEFORE_BRACKET) else " " + t
    return out


@_print.register
def _(e: Mul):
    positive = positive_form(e)
    if positive is not None:
        return "-" + _sub(positive, JUXT), NEG
    scalars = [f for f in e.args if f.shape == (1, 1) and not _is_reciprocal(f)]
    others = [f for f in e.args if f not in scalars and not _is_reciprocal(f)]
    denominators = [f.base for f in e.args if _is_reciprocal(f)]
    if len(scalars) + len(others) > 1 and any(isinstance(f, Number) and f.value in (0, 1) for f in scalars):
        # a juxtaposed 1 or 0 reads as an array of ones or zeros: spell this product with ∘
        text, level = " ∘ ".join(_sub(f, PRODUCT + 1) for f in scalars + others), PRODUCT
    else:
        factors = scalars + others
        single = _print(factors[0]) if len(factors) == 1 else None  # printed once: its level is needed too

        def sub(f: Expr, required: int) -> str:
            return bracket(*single, required) if single is not None else _sub(f, required)

        pieces = [sub(f, JUXT + 1) for f in scalars]
        if len(others) == 1:
            pieces.append(sub(others[0], JUXT + 1 if pieces else 0))
        elif others:
            hadamard = " ∘ ".join(_sub(f, PRODUCT + 1) for f in others)
            pieces.append(bracket(hadamard, PRODUCT, JUXT + 1 if pieces else 0))
        text = _juxtapose(pieces) if pieces else "1"
        if len(pieces) > 1:
            level = JUXT
        elif len(others) > 1:
            level = PRODUCT
        else:
            level = single[1] if single is not None else ATOM
    for d in denominators:
        text = bracket(text, level, PRODUCT) + " / " + _sub(d, PRODUCT + 1)
        level = PRODUCT
    return text, level


def _is_reciprocal(f: Expr) -> bool:
    return isinstance(f, Power) and f.exponent == Number(-1)


@_print.register
def _(e: MatMul):
    return _juxtapose([_sub(f, JUXT if i == 0 else JUXT + 1) for i, f in enumerate(e.args)]), JUXT


@_print.register
def _(e: Power):
    """``s²`` and ``s^{t}`` for a scalar base; ``x.^2`` element-wise otherwise (``A²`` would be ``A A``)."""
    exponent = e.exponent
    if is_scalar(e.base.shape):
        base = _sub(e.base, POSTFIX + 1)
        if isinstance(exponent, Number) and exponent.value.denominator == 1:
            return base + str(exponent.value.numerator).translate(SUPERSCRIPTS), POSTFIX
        simple = isinstance(exponent, Symbol) and is_scalar(exponent.shape)
        if simple or (isinstance(exponent, Number) and "/" not in _print(exponent)[0]):
            return f"{base}^{{{_print(exponent)[0]}}}", POSTFIX
    text, level = _print(exponent)  # a name or call after .^ would swallow the next factor: `x.^(t) (y)`
    if not isinstance(exponent, Number) or level < ATOM:
        text = f"({text})"
    return f"{_sub(e.base, POWER + 1)}.^{text}", POWER


@_print.register
def _(e: Transpose):
    return _sub(e.arg, POSTFIX) + "ᵀ", POSTFIX


@_print.register
def _(e: Call):
    """As the function's definition writes it (``fn.math``): ``tr(A)``, ``‖x‖``, ``X⁻¹``, ``A ⊗ B``."""
    notation = e.fn.math
    printed = [_print(a) for a in e.args]  # each argument once: printing twice is exponential in nesting
    args = [text for text, _ in printed]
    if notation.form == "constant":
        return notation.mark, ATOM
    if notation.form == "bars":
        return f"{notation.opening}{args[0]}{notation.mark}", ATOM
    if notation.form == "postfix":
        return bracket(*printed[0], POSTFIX) + notation.mark, POSTFIX
    if notation.form == "infix":
        return f" {notation.mark} ".join(bracket(*p, PRODUCT + 1) for p in printed), PRODUCT
    prefix = "np." if entrywise_on_square_matrix(e.fn, e.args) else ""  # exp(A) of a square A could mean expm
    return f"{prefix}{notation.mark}(" + ", ".join(args) + ")", ATOM


@_print.register
def _(e: Block):
    # a lone juxtaposition in a block, [x 1], would read as two blocks side by side: [(x 1)]
    required = JUXT + 1 if e.layout[0] == 1 else 0
    return "[" + "; ".join(", ".join(_sub(i, required) for i in row) for row in e.rows) + "]", ATOM
