r"""LaTeX for notebooks and papers, written as a textbook writes it: ``-2 \Phi^{\top} \left(y - \Phi \theta\right)``.

Greek names (``theta``, ``Phi``, ``θ``) become their commands, trailing digits become subscripts
(``W1`` → ``W_{1}``), the element-wise product is ``\odot``, the Kronecker product ``\otimes``, the
inverse of a transpose ``X^{-\top}``, halves and thirds ``\frac{1}{2}``. Brackets are written only where
the meaning needs them: a product's sign and numeric coefficients lead it (``-2 A x``, not
``\left(-2 A\right) x`` or ``A \left(-2 x\right)``), a single numerator or denominator stands bare.

Every node prints as (text, level), the level from :mod:`matcalc.printing.precedence`. A node that can
be negative prints through ``_signed`` as (negative, text of its positive part, level of that part), so
a sum writes ``a - 2 B x`` and a transpose ``-x^{\top}``; its plain form is ``-`` and the positive part.
"""

from __future__ import annotations

from contextvars import ContextVar
from fractions import Fraction
from functools import singledispatch

from ..expr import Add, Block, Call, Commutation, Expr, Identity, MatMul, Mul, Number, Ones, Power, Symbol, Transpose, Zeros
from ..functions.definition import entrywise_on_square_matrix
from ..limits import bounded, check_written
from ..shapes import is_scalar
from .latex_names import GREEK, UNICODE_GREEK, latex_name  # noqa: F401 - latex_name is part of this API
from .precedence import ADD, ATOM, JUXT, NEG, POSTFIX, PRODUCT, format_number
from .text import sized_constants

FRACTION = POSTFIX  # a \frac is bracketed before a superscript: \left(\frac{x}{2}\right)^{\top}
FRACTION_DENOMINATORS = 1000  # 1/2, 3/4, 1/12 (and 1/1024, long as a decimal) print as \frac; 0.1, 0.000025 do not
_SYMBOLS: ContextVar[dict | None] = ContextVar("latex_symbols", default=None)  # names printed otherwise (dx)
# the constants whose size nothing around them fixes (I_{n}, \mathbf{1}_{n}, \mathbf{0}_{m \times n}), and those
# printed bare between neighbours that fix it (see text.sized_constants)
_SIZED: ContextVar[tuple[set, set] | None] = ContextVar("latex_sized", default=None)


@bounded
def to_latex(e: Expr, symbols: dict[Symbol, str] | None = None) -> str:
    r"""The expression as LaTeX (math mode, without delimiters).

    `symbols` prints the given names as given (a derivation's differentials as ``d\theta``), with a thin
    space before them inside a product (``\Phi\, d\theta``)."""
    check_written(e)
    token = _SYMBOLS.set(symbols or None)
    sized = _SIZED.set(sized_constants(e))
    try:
        return _print(e)[0]
    finally:
        _SIZED.reset(sized)
        _SYMBOLS.reset(token)


def differential_latex(e: Expr, symbols: dict[Symbol, str] | None = None) -> str:
    r"""d of the expression: ``dx`` for a name given in `symbols`, ``d\operatorname{tr}\left(U\right)``, or
    ``d\left(x^{\top} A x\right)``."""
    token = _SYMBOLS.set(symbols or None)
    try:
        text, level = _print(e)
    finally:
        _SYMBOLS.reset(token)
    return "d" + (text if level == ATOM and not isinstance(e, Number) else rf"\left({text}\right)")


def _wrap(text: str, level: int, required: int) -> str:
    return rf"\left({text}\right)" if level < required else text


def _sub(e: Expr, required: int) -> str:
    text, level = _print(e)
    return _wrap(text, level, required)


def _operand(text: str, level: int) -> str:
    r"""An operand of ``\odot`` or ``\otimes``: bracketed if looser, or negative (``x \odot \left(-y\right)``)."""
    return rf"\left({text}\right)" if level <= PRODUCT or level == NEG else text


def _juxtapose(texts: list[str]) -> str:
    r"""Factors side by side; a differential after a factor is set off by a thin space: ``A\, dx``."""
    names = _SYMBOLS.get()
    marks = tuple(names.values()) if names else ()
    out = texts[0]
    for t in texts[1:]:
        out += (r"\, " if marks and t.startswith(marks) else " ") + t
    return out


def _negative(signed: tuple[bool, str, int]) -> tuple[str, int]:
    r"""The plain form of a signed print: ``-`` and the positive part, bracketed if a sum (``-y \odot z`` is
    ``-(y \odot z)``: a sign moves through any product)."""
    negative, text, level = signed
    return ("-" + _wrap(text, level, PRODUCT), NEG) if negative else (text, level)


@singledispatch
def _print(e: Expr) -> tuple[str, int]:
    raise NotImplementedError(f"no LaTeX printer for {type(e).__name__}")


@singledispatch
def _signed(e: Expr) -> tuple[bool, str, int]:
    """(negative, text of the positive part, its level); a node that is never negative prints as itself."""
    return (False, *_print(e))


@_print.register
def _(e: Symbol):
    names = _SYMBOLS.get()
    if names and e in names:
        return names[e], ATOM
    return latex_name(e.name), ATOM


def _number(value: Fraction) -> tuple[str, int]:
    r"""A non-negative rational: ``2``, ``\frac{1}{2}``, ``0.1``, ``10^{-30}``."""
    text = format_number(value)
    d = value.denominator
    if d != 1 and not _power_of_ten(d) and ("/" in text or len(text) > 8 or d <= FRACTION_DENOMINATORS):
        return rf"\frac{{{value.numerator}}}{{{d}}}", FRACTION
    if "e" in text:  # 1e-30, 2.5e400
        mantissa, exponent = text.split("e")
        return (f"10^{{{exponent}}}", POSTFIX) if mantissa == "1" else (rf"{mantissa} \cdot 10^{{{exponent}}}", PRODUCT)
    return text, ATOM


def _power_of_ten(n: int) -> bool:
    while n % 10 == 0:
        n //= 10
    return n == 1


def _as_fraction(value: Fraction) -> bool:
    return _number(abs(value))[0].startswith(r"\frac")


@_signed.register
def _(e: Number):
    return (e.value < 0, *_number(abs(e.value)))


@_print.register
def _(e: Ones):
    if _needs_size(e):
        return _sized(r"\mathbf{1}", e)
    if _is_matrix(e):  # a matrix of ones is 1 1ᵀ (a bare \mathbf{1} reads as a vector)
        return r"\mathbf{1} \mathbf{1}^{\top}", JUXT
    return (r"\mathbf{1}^{\top}", POSTFIX) if _is_row(e) else (r"\mathbf{1}", ATOM)


@_print.register
def _(e: Zeros):
    known = _SIZED.get()
    if known is None or e in known[0] or e not in known[1]:  # a bare \mathbf{0} reads as the number 0
        return _sized(r"\mathbf{0}", e)
    return (r"\mathbf{0}^{\top}", POSTFIX) if _is_row(e) else (r"\mathbf{0}", ATOM)


def _needs_size(e: Expr) -> bool:
    sized = _SIZED.get()
    return sized is not None and e in sized[0]


def _sized(mark: str, e: Expr) -> tuple[str, int]:
    r"""``\mathbf{1}_{n}``, ``\mathbf{1}_{n}^{\top}``, ``\mathbf{0}_{m \times n}``: a constant with the size it needs."""
    rows, cols = e.shape
    if cols == 1:
        return f"{mark}_{{{latex_dim(rows)}}}", ATOM
    if rows == 1:
        return f"{mark}_{{{latex_dim(cols)}}}^{{\\top}}", POSTFIX
    return f"{mark}_{{{latex_dim(rows)} \\times {latex_dim(cols)}}}", ATOM


def latex_dim(d) -> str:
    """A size as LaTeX writes it: ``n``, ``m n``, ``n + 1``."""
    return str(d).replace("*", " ")


def _is_row(e: Expr) -> bool:
    return e.shape[0] == 1 and e.shape[1] != 1


@_print.register
def _(e: Commutation):
    return f"K_{{{e.dims[0]},{e.dims[1]}}}", ATOM


@_print.register
def _(e: Identity):
    return (f"I_{{{latex_dim(e.shape[0])}}}", ATOM) if _needs_size(e) else ("I", ATOM)


@_print.register
def _(e: Add):
    parts = [_sub(e.args[0], ADD)]
    for term in e.args[1:]:
        negative, text, level = _signed(term)
        parts.append((" - " if negative else " + ") + _wrap(text, level, ADD + 1))
    return "".join(parts), ADD


def _is_reciprocal(f: Expr) -> bool:
    return isinstance(f, Power) and f.exponent == Number(-1)


@_signed.register
def _(e: Mul):
    r"""The numbers multiplied into one coefficient, and every sign, lead: ``-3 z^{\top}``, ``-\frac{x}{2 y}``."""
    args = _hadamard_factors(e)
    c = Fraction(1)
    for f in args:
        if isinstance(f, Number):
            c *= f.value
    negative, c = c < 0, abs(c)
    rest = [f for f in args if not isinstance(f, Number)]
    numer = [f for f in rest if not _is_reciprocal(f)]
    denom = [f.base for f in rest if _is_reciprocal(f)]
    if denom and _as_fraction(c):  # ½ x / y is x / (2 y)
        numer = ([Number(c.numerator)] if c.numerator != 1 else []) + numer
        denom = [Number(c.denominator), *denom]
    elif c != 1 or not numer:
        numer = [Number(c), *numer]
    if any(_is_matrix(d) for d in denom):  # \frac{A}{B} would read as A B^{-1}: A \oslash B
        return _hadamard_division(negative, numer, denom)
    top_negative, top, level = _product(numer)
    if denom:
        bottom_negative, bottom, _ = _product(denom)
        return negative ^ top_negative ^ bottom_negative, rf"\frac{{{top}}}{{{bottom}}}", FRACTION
    return negative ^ top_negative, top, level


def _hadamard_division(negative: bool, numer: list[Expr], denom: list[Expr]) -> tuple[bool, str, int]:
    r"""An element-wise quotient with a matrix below: ``A \oslash B``, or ``B^{\circ -1}`` with nothing above."""
    bottoms = [_signed(d) for d in denom]
    negative ^= sum(1 for minus, _, _ in bottoms if minus) % 2 == 1
    if numer == [Number(1)]:
        powers = [_wrap(t, lv, POSTFIX + 1) + r"^{\circ -1}" for _, t, lv in bottoms]
        return negative, r" \odot ".join(powers), (POSTFIX if len(powers) == 1 else PRODUCT)
    top_negative, top, level = _product(numer)
    return negative ^ top_negative, r" \oslash ".join([_operand(top, level)] + [_operand(t, lv) for _, t, lv in bottoms]), PRODUCT


def _hadamard_factors(e: Mul) -> list[Expr]:
    """The factors of an element-wise product, nested ones flattened: x ∘ (2 y) is 2 x ∘ y."""
    out: list[Expr] = []
    for f in e.args:
        out.extend(_hadamard_factors(f) if isinstance(f, Mul) else [_number_of(f)])
    return out


def _number_of(f: Expr) -> Expr:
    """A transposed number is the number."""
    inner = f
    while isinstance(inner, Transpose):
        inner = inner.arg
    return inner if isinstance(inner, Number) else f


def _product(factors: list[Expr]) -> tuple[bool, str, int]:
    r"""Element-wise factors, signs taken out (x \odot (-y) is -x \odot y): scalars juxtaposed in front, the
    others joined by ``\odot``: ``2 s \left(x \odot y\right)``. Each factor is printed once (printing
    twice is exponential in nesting)."""
    if not factors:
        return False, "1", ATOM
    printed = [(f, *_signed(f)) for f in factors]
    negative = sum(1 for _, minus, _, _ in printed if minus) % 2 == 1
    if len(printed) == 1:
        return negative, printed[0][2], printed[0][3]
    pieces = [(text, level) for f, _, text, level in printed if is_scalar(f.shape)]
    others = [(f, text, level) for f, _, text, level in printed if not is_scalar(f.shape)]
    if len(others) > 1:  # a nested element-wise product needs no brackets inside another: ⊙ is associative
        had = r" \odot ".join(t if isinstance(f, Mul) and lv == PRODUCT else _operand(t, lv) for f, t, lv in others)
        pieces.append((had, PRODUCT))
    elif others:
        pieces.append(others[0][1:])
    if len(pieces) == 1:
        return negative, *pieces[0]
    # the last factor may be a matrix product: 2 x^{\top} A x is 2 (x^{\top} A x)
    texts = [_wrap(t, lv, JUXT + 1 if i < len(pieces) - 1 else JUXT) for i, (t, lv) in enumerate(pieces)]
    if texts[0] in ("0", "1"):  # a bare 0 x or 1 x reads as 0ᵀx, 1ᵀx
        texts[0] += r" \cdot"
        return negative, _juxtapose(texts), PRODUCT
    return negative, _juxtapose(texts), JUXT


def _matrix_factors(e: MatMul) -> tuple[Fraction, list[Expr]]:
    """The factors of a matrix product, nested products flattened (A (B C) is A B C), and the numeric
    coefficient of them all: A (2 x) is (2, [A, x])."""
    c, factors = Fraction(1), []
    for f in map(_number_of, e.args):
        if isinstance(f, MatMul):
            k, inner = _matrix_factors(f)
            c *= k
            factors.extend(inner)
        elif isinstance(f, Number):
            c *= f.value
        elif isinstance(f, Mul) and not any(_is_reciprocal(a) for a in f.args) and any(isinstance(a, Number) for a in f.args):
            rest = [a for a in f.args if not isinstance(a, Number)]
            for a in f.args:
                if isinstance(a, Number):
                    c *= a.value
            if rest:
                factors.append(rest[0] if len(rest) == 1 else Mul(*rest))
        else:
            factors.append(f)
    return c, factors


def _coefficient_text(c: Fraction) -> str:
    r"""A coefficient in front of a juxtaposition; 0 is set off, ``0 \cdot x``: a bare 0 x reads as 0ᵀx."""
    text, level = _number(c)
    return r"0 \cdot" if c == 0 else _wrap(text, level, JUXT + 1)


@_signed.register
def _(e: MatMul):
    """Numeric coefficients and every sign lead the product: A (-2 x) is -2 A x, (-2 Φᵀ) r is -2 Φᵀ r."""
    c, factors = _matrix_factors(e)
    negative, c = c < 0, abs(c)
    if not factors:  # a product of numbers (1×1 matrices)
        return (negative, *_number(c))
    printed = [_signed(f) for f in factors]
    negative ^= sum(1 for minus, _, _ in printed if minus) % 2 == 1
    if len(printed) == 1 and c == 1:
        return negative, printed[0][1], printed[0][2]
    texts = [_wrap(t, lv, JUXT if i == 0 else JUXT + 1) for i, (_, t, lv) in enumerate(printed)]
    if c != 1:
        texts.insert(0, _coefficient_text(c))
    return negative, _juxtapose(texts), (PRODUCT if c == 0 else JUXT)


@_print.register
def _(e: Power):
    if _is_reciprocal(e) and not _is_matrix(e.base):  # 1/x; an element-wise inverse of a matrix stays A^{\circ -1}
        return rf"\frac{{1}}{{{_print(e.base)[0]}}}", FRACTION
    # an element-wise power of an array is a Hadamard power, A^{\circ 2}, x^{\circ 2}: A^{2} would read as A A,
    # and x^{2} of a vector could be x^{\top} x
    hadamard = "" if is_scalar(e.shape) else r"\circ "
    return f"{_sub(e.base, POSTFIX + 1)}^{{{hadamard}{_print(e.exponent)[0]}}}", POSTFIX


def _is_matrix(e: Expr) -> bool:
    rows, cols = e.shape
    return rows != 1 and cols != 1


def _is_inverse(e: Expr) -> bool:
    return isinstance(e, Call) and e.fn.latex.form == "postfix" and e.fn.latex.mark == "^{-1}"


@_signed.register
def _(e: Transpose):
    r"""``A^{\top}``; ``X^{-\top}`` for the inverse of a transpose; ``-x^{\top}`` for the transpose of -x."""
    if _is_inverse(e.arg):
        return False, _sub(e.arg.args[0], POSTFIX + 1) + r"^{-\top}", POSTFIX
    if isinstance(e.arg, Number):  # a number is its own transpose (1^{\top} would read as a row of ones)
        return _signed(e.arg)
    negative, text, level = _signed(e.arg)
    return negative, _wrap(text, level, POSTFIX + 1) + r"^{\top}", POSTFIX


@_print.register
def _(e: Call):
    r"""As the function's definition writes it (``fn.latex``): ``\operatorname{tr}\left(A\right)``,
    ``\left\| x \right\|_{2}``, ``X^{-1}``, ``A \otimes B``, and ``\mathbf{1}^{\top} x`` for sum(x)."""
    notation = e.fn.latex
    if notation.form == "constant":
        return notation.mark, ATOM
    if _is_inverse(e) and isinstance(e.args[0], Transpose):  # (Xᵀ)⁻¹ is X^{-\top}
        return _sub(e.args[0].arg, POSTFIX + 1) + r"^{-\top}", POSTFIX
    printed = [_print(a) for a in e.args]  # each argument once: printing twice is exponential in nesting
    args = [text for text, _ in printed]
    if notation.form == "bars":
        return f"{notation.opening}{args[0]}{notation.mark}", ATOM
    if notation.form == "postfix":
        return _wrap(*printed[0], POSTFIX + 1) + notation.mark, POSTFIX
    if notation.form == "infix":
        return f" {notation.mark} ".join(_operand(*p) for p in printed), PRODUCT
    if notation.column and e.args[0].shape[1] == 1 and e.args[0].shape[0] != 1:  # the sum of a vector's entries is 1ᵀx
        return _juxtapose([notation.column, _wrap(*printed[0], JUXT + 1)]), JUXT
    entrywise = entrywise_on_square_matrix(e.fn, e.args)  # exp(A) of a square A would read as expm(A)
    if notation.mark == r"\sqrt" and entrywise:  # the Hadamard square root
        return _wrap(*printed[0], POSTFIX + 1) + r"^{\circ \frac{1}{2}}", POSTFIX
    if notation.mark == r"\sqrt":  # \sqrt takes its argument in braces
        return rf"\sqrt{{{args[0]}}}", ATOM
    mark = notation.mark + (r"^{\circ}" if entrywise else "")  # \exp^{\circ}: applied entry by entry
    return rf"{mark}\left({', '.join(args)}\right)", ATOM


for _signed_type in (Number, Mul, MatMul, Transpose):  # their plain form: "-" and the positive part
    _print.register(_signed_type, lambda e: _negative(_signed(e)))


@_print.register
def _(e: Block):
    rows = [" & ".join(_print(i)[0] for i in row) for row in e.rows]
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}", ATOM
