"""NumPy-syntax text: ``(A + A.T) @ x``. Parses back to the same tree (``parse(to_text(e)) == e``).

``*`` between two non-scalars means the element-wise product only after a NumPy marker (``@``, ``.T``,
``**``); an expression without one spells that product ``multiply(a, b)`` so the text stays
unambiguous. Ones and zeros print as ``1``/``0`` where neighbours fix their size on both sides (a middle
factor of a matrix product, a block), and as ``vector(1)``, ``covector(1)``, ``matrix(0)`` elsewhere: a
bare ``1`` at the end of ``x.T @ 1`` could also be read as a matrix of ones.
"""

from __future__ import annotations

from functools import singledispatch

from ..expr import (
    Add,
    Block,
    Call,
    Commutation,
    Expr,
    Identity,
    MatMul,
    Mul,
    Number,
    Ones,
    Power,
    Symbol,
    Transpose,
    Zeros,
    distinct_nodes,
    nary,
    negate,
    preorder,
)
from ..functions.definition import entrywise_on_square_matrix
from ..limits import bounded, check_written
from ..shapes import ONE, is_scalar
from .precedence import ADD, ATOM, NEG, POSTFIX, POWER, PRODUCT, bracket, format_number, positive_form

SIZED = "sized"  # the array context of a constant whose size nothing around it fixes


class _Ctx:
    __slots__ = ("star_ok", "sized", "record")

    def __init__(self, star_ok: bool, sized: bool = False, record: set | None = None):
        self.star_ok = star_ok
        self.sized = sized  # inside a constant of no names whose size nothing fixes: cos(I**2), matrix(0)**3
        self.record = record  # when given: (constants printed with their size, constants printed bare)


@bounded
def to_text(e: Expr) -> str:
    """The expression in matcalc's NumPy syntax (LimitError past limits.MAX_WRITTEN nodes written out)."""
    check_written(e)
    star_ok = any(
        isinstance(n, (MatMul, Transpose)) or (isinstance(n, Power) and n.exponent != Number(-1))
        for n in distinct_nodes(e)
    )
    return _p(e, _Ctx(star_ok), False)[0]


def sized_constants(e: Expr) -> tuple[set[Expr], set[Expr]]:
    """The identities, ones and zeros of `e` whose size nothing around them fixes (printed ``eye(n)``,
    ``ones(n, 1)``), and those printed as a bare ``1``/``0`` between neighbours that fix it: the one rule the
    other printers follow to write a size where it is needed (``I_{n}``)."""
    sized: set[Expr] = set()
    bare: set[Expr] = set()
    _p(e, _Ctx(True, record=(sized, bare)), False)
    return sized, bare


def _p(e: Expr, ctx: _Ctx, array_context: bool) -> tuple[str, int]:
    if array_context == SIZED and not ctx.sized and isinstance(e, (Add, Mul, Power, Transpose, MatMul)):
        if not any(isinstance(n, Symbol) and not is_scalar(n.shape) for n in preorder(e)):
            ctx = _Ctx(ctx.star_ok, sized=True, record=ctx.record)  # scalars (3 b² I) fix no size either
    return _print(e, ctx, array_context)


def _sub(e: Expr, ctx: _Ctx, required: int, array_context: bool = False) -> str:
    text, level = _p(e, ctx, array_context)
    return bracket(text, level, required)


@singledispatch
def _print(e: Expr, ctx: _Ctx, array_context: bool) -> tuple[str, int]:
    raise NotImplementedError(f"no text printer for {type(e).__name__}")


@_print.register
def _(e: Symbol, ctx, array_context):
    return e.name, ATOM


@_print.register
def _(e: Number, ctx, array_context):
    text = format_number(abs(e.value))
    if "/" in text:  # a fraction is one bracketed literal, its sign inside: (1/3), (-1/3)
        return f"({'-' if e.value < 0 else ''}{text})", ATOM
    if e.value < 0:
        return "-" + text, NEG
    return text, ATOM


def _filled(e: Expr, digit: str, array_context) -> tuple[str, int]:
    rows, cols = e.shape
    if array_context == SIZED:  # nothing around fixes the size: ones(n, 1), zeros(m, n)
        return f"{'ones' if digit == '1' else 'zeros'}({_dim_text(rows)}, {_dim_text(cols)})", ATOM
    if array_context and (rows == ONE or cols == ONE):
        return digit, ATOM
    if cols == ONE:
        return f"vector({digit})", ATOM
    if rows == ONE:
        return f"covector({digit})", ATOM
    return f"matrix({digit})", ATOM


@_print.register
def _(e: Ones, ctx, array_context):
    _record(e, ctx, array_context)
    return _filled(e, "1", SIZED if ctx.sized else array_context)


@_print.register
def _(e: Zeros, ctx, array_context):
    _record(e, ctx, array_context)
    return _filled(e, "0", SIZED if ctx.sized else array_context)


def _record(e: Expr, ctx: _Ctx, array_context) -> None:
    if ctx.record is None:
        return
    if ctx.sized or array_context == SIZED:
        ctx.record[0].add(e)
    elif array_context and (e.shape[0] == ONE or e.shape[1] == ONE):
        ctx.record[1].add(e)


@_print.register
def _(e: Commutation, ctx, array_context):
    return f"commutation({e.dims[0]}, {e.dims[1]})", ATOM


@_print.register
def _(e: Identity, ctx, array_context):
    _record(e, ctx, array_context)
    if array_context == SIZED or ctx.sized:
        return f"eye({_dim_text(e.shape[0])})", ATOM
    return "I", ATOM


def _dim_text(d) -> str:
    """A size as the reader writes it: n, 3, m + 1, m*n."""
    return str(d)


@_print.register
def _(e: Add, ctx, array_context):
    parts = [_sub(e.args[0], ctx, ADD + 1)]
    for term in e.args[1:]:
        positive = positive_form(term)
        if positive is not None:
            parts.append(" - " + _sub(positive, ctx, ADD + 1))
        else:
            parts.append(" + " + _sub(term, ctx, ADD + 1))
    return "".join(parts), ADD


@_print.register
def _(e: Mul, ctx, array_context):
    first, rest = e.args[0], e.args[1:]
    if first == Number(-1):
        # -a prints as "-a"; -1 * a * b as "-a * b", which the parser reads back as one product
        positive = nary(Mul, rest)
        if negate(positive) == e and not isinstance(rest[0], Number):
            text, level = _p(positive, ctx, False)
            if len(rest) == 1:
                return "-" + bracket(text, level, NEG + 1), NEG
            if _p(rest[0], ctx, False)[1] > NEG:
                return "-" + text, PRODUCT  # a product: `x @ (-a * b)` needs its brackets
            divisor = any(isinstance(f, Power) and f.exponent == Number(-1) for f in rest[1:])
            if (ctx.star_ok or not _ambiguous_star(e)) and not divisor:
                # -(A @ x) * s * t reads back as -1 * (A @ x) * s * t
                head = _p(rest[0], ctx, False)[0]
                tail = [bracket(*_p(f, ctx, False), PRODUCT + 1) for f in rest[1:]]
                return f"-({head}) * " + " * ".join(tail), PRODUCT
    if not ctx.star_ok and _ambiguous_star(e):
        return "multiply(" + ", ".join(_p(f, ctx, False)[0] for f in e.args) + ")", ATOM
    text, level = _p(first, ctx, False)
    if isinstance(first, Mul) or level < PRODUCT:
        text = f"({text})"
    parts = [text]
    for factor in rest:
        if isinstance(factor, Power) and factor.exponent == Number(-1):
            parts.append(" / " + _sub(factor.base, ctx, PRODUCT + 1))
        else:
            ftext, flevel = _p(factor, ctx, False)
            parts.append(" * " + bracket(ftext, flevel, PRODUCT + 1 if flevel != NEG else ATOM))
    return "".join(parts), PRODUCT


def _ambiguous_star(e: Mul) -> bool:
    """Would printing `e` put '*' between two non-scalars?"""
    left_scalar = is_scalar(e.args[0].shape)
    for factor in e.args[1:]:
        if isinstance(factor, Power) and factor.exponent == Number(-1):
            left_scalar = left_scalar and is_scalar(factor.shape)  # 0.5 / sqrt(u) is a vector for a vector u
            continue
        if not left_scalar and not is_scalar(factor.shape):
            return True
        left_scalar = left_scalar and is_scalar(factor.shape)
    return False


@_print.register
def _(e: MatMul, ctx, array_context):
    first, rest = e.args[0], e.args[1:]
    text, level = _p(first, ctx, False)
    if isinstance(first, MatMul) or level < PRODUCT:
        text = f"({text})"
    middle = len(rest) - 1  # only factors with a neighbour on each side may print as a bare 1
    parts = [text] + [" @ " + _sub(f, ctx, PRODUCT + 1, i < middle) for i, f in enumerate(rest)]
    return "".join(parts), PRODUCT


@_print.register
def _(e: Power, ctx, array_context):
    if e.exponent == Number(-1):  # the parser reads `1 / b` back as b**-1
        return "1 / " + _sub(e.base, ctx, PRODUCT + 1), PRODUCT
    base = _sub(e.base, ctx, POWER + 1)
    etext, elevel = _p(e.exponent, ctx, False)
    exponent = bracket(etext, elevel, NEG) if elevel == NEG else bracket(etext, elevel, POWER)
    return f"{base}**{exponent}", POWER


@_print.register
def _(e: Transpose, ctx, array_context):
    return _sub(e.arg, ctx, POSTFIX) + ".T", POSTFIX


@_print.register
def _(e: Call, ctx, array_context):
    if not e.args:  # a constant: pi
        return e.fn.spelling, ATOM
    prefix = "np." if entrywise_on_square_matrix(e.fn, e.args) else ""  # exp(A) of a square A could mean expm
    return f"{prefix}{e.fn.spelling}(" + ", ".join(_p(a, ctx, SIZED)[0] for a in e.args) + ")", ATOM


@_print.register
def _(e: Block, ctx, array_context):
    """Blocks side by side and stacked; a constant block whose size no other block fixes is printed with
    its size, so that the text reads back (``[zeros(n, 1); 1]``, not ``[0; 1]``)."""
    rows = e.rows
    columns = list(zip(*rows))

    def fixed(item, i, j) -> bool:
        if not isinstance(item, (Ones, Zeros, Identity)):
            return True
        height = any(not _literal(other) for k, other in enumerate(rows[i]) if k != j)
        width = item.shape[1] == ONE or any(not _literal(other) for k, other in enumerate(columns[j]) if k != i)
        return height and width

    printed = [", ".join(_p(item, ctx, True if fixed(item, i, j) else SIZED)[0] for j, item in enumerate(row))
               for i, row in enumerate(rows)]
    return "[" + "; ".join(printed) + "]", ATOM


def _literal(e: Expr) -> bool:
    return isinstance(e, (Ones, Zeros, Identity, Number))
