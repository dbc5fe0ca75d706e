r"""LaTeX for notebooks and papers: ``x^{\top} \left(A + A^{\top}\right)``.

Greek names (``theta``, ``Phi``, ``θ``) become their commands, trailing digits become subscripts
(``W1`` → ``W_{1}``), the element-wise product is ``\odot``, the Kronecker product ``\otimes``.
"""

from __future__ import annotations

import re
from functools import singledispatch

from ..expr import Add, Block, Call, Commutation, Expr, Identity, MatMul, Mul, Number, Ones, Power, Symbol, Transpose, Zeros
from ..limits import bounded
from ..shapes import is_scalar
from .precedence import ADD, ATOM, JUXT, NEG, POSTFIX, PRODUCT, format_number, positive_form

GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon "
    "phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
).split()
UNICODE_GREEK = dict(zip(
    "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ",
    [rf"\{g}" for g in GREEK],
))


@bounded
def to_latex(e: Expr) -> str:
    """The expression as LaTeX (math mode, without delimiters)."""
    return _print(e)[0]


def latex_name(name: str) -> str:
    m = re.fullmatch(r"([A-Za-z]+|[\u0391-\u03a9\u03b1-\u03c9])_?([0-9]*)", name)
    if m is None:
        base, sub = name.split("_", 1) if "_" in name else (name, "")
        return _latex_base(base) + (f"_{{{sub}}}" if sub else "")
    base, sub = m.groups()
    return _latex_base(base) + (f"_{{{sub}}}" if sub else "")


def _latex_base(base: str) -> str:
    if base in UNICODE_GREEK:
        return UNICODE_GREEK[base]
    if base in GREEK:
        return "\\" + base
    if len(base) == 1:
        return base
    return rf"\mathit{{{base}}}"


def _wrap(text: str, level: int, required: int) -> str:
    return rf"\left({text}\right)" if level < required else text


def _sub(e: Expr, required: int) -> str:
    text, level = _print(e)
    return _wrap(text, level, required)


@singledispatch
def _print(e: Expr) -> tuple[str, int]:
    raise NotImplementedError(f"no LaTeX printer for {type(e).__name__}")


@_print.register
def _(e: Symbol):
    return latex_name(e.name), ATOM


@_print.register
def _(e: Number):
    v = abs(e.value)
    text = format_number(v) if "/" not in format_number(v) else rf"\frac{{{v.numerator}}}{{{v.denominator}}}"
    return ("-" + text, NEG) if e.value < 0 else (text, ATOM)


@_print.register
def _(e: Ones):
    return (r"\mathbf{1}^{\top}", POSTFIX) if _is_row(e) else (r"\mathbf{1}", ATOM)


@_print.register
def _(e: Zeros):
    return (r"\mathbf{0}^{\top}", POSTFIX) if _is_row(e) else (r"\mathbf{0}", ATOM)


def _is_row(e: Expr) -> bool:
    return e.shape[0] == 1 and e.shape[1] != 1


@_print.register
def _(e: Commutation):
    return f"K_{{{e.dims[0]},{e.dims[1]}}}", ATOM


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


@_print.register
def _(e: Mul):
    positive = positive_form(e)
    if positive is not None:
        return "-" + _sub(positive, JUXT), NEG
    numer = [f for f in e.args if not (isinstance(f, Power) and f.exponent == Number(-1))]
    denom = [f.base for f in e.args if isinstance(f, Power) and f.exponent == Number(-1)]
    scalars = [f for f in numer if is_scalar(f.shape)]
    others = [f for f in numer if not is_scalar(f.shape)]
    single = _print(numer[0]) if len(numer) == 1 else None  # printed once: its level is needed too

    def sub(f: Expr, required: int) -> str:
        return _wrap(*single, required) if single is not None else _sub(f, required)

    pieces = [sub(f, JUXT + 1) for f in scalars]
    if others:
        had = r" \odot ".join(sub(f, PRODUCT + 1) for f in others)
        pieces.append(_wrap(had, PRODUCT, JUXT + 1) if (len(others) > 1 and pieces) else had)
    top = " ".join(pieces) if pieces else "1"
    level = JUXT if len(pieces) > 1 else (PRODUCT if len(others) > 1 else (single[1] if single else ATOM))
    if denom:
        bottom = " ".join(_sub(d, JUXT + 1) for d in denom)
        return rf"\frac{{{top}}}{{{bottom}}}", ATOM
    return top, level


@_print.register
def _(e: MatMul):
    return " ".join(_sub(f, JUXT if i == 0 else JUXT + 1) for i, f in enumerate(e.args)), JUXT


@_print.register
def _(e: Power):
    # an element-wise power of a matrix is a Hadamard power, A^{\circ 2}; A^{2} would read as A A
    rows, cols = e.base.shape
    hadamard = r"\circ " if rows != 1 and cols != 1 else ""
    return f"{_sub(e.base, POSTFIX + 1)}^{{{hadamard}{_print(e.exponent)[0]}}}", POSTFIX


@_print.register
def _(e: Transpose):
    return _sub(e.arg, POSTFIX + 1) + r"^{\top}", POSTFIX


@_print.register
def _(e: Call):
    r"""As the function's definition writes it (``fn.latex``): ``\operatorname{tr}\left(A\right)``,
    ``\left\| x \right\|_{2}``, ``X^{-1}``, ``A \otimes B``, and ``\mathbf{1}^{\top} x`` for sum(x)."""
    notation = e.fn.latex
    printed = [_print(a) for a in e.args]  # each argument once: printing twice is exponential in nesting
    args = [text for text, _ in printed]
    if notation.form == "constant":
        return notation.mark, ATOM
    if notation.form == "bars":
        return f"{notation.opening}{args[0]}{notation.mark}", ATOM
    if notation.form == "postfix":
        return _wrap(*printed[0], POSTFIX + 1) + notation.mark, POSTFIX
    if notation.form == "infix":
        return f" {notation.mark} ".join(_wrap(*p, PRODUCT + 1) for p in printed), PRODUCT
    if notation.column and e.args[0].shape[1] == 1:  # the sum of a vector's entries is 1ᵀx
        return f"{notation.column} {_wrap(*printed[0], JUXT + 1)}", JUXT
    return rf"{notation.mark}\left({', '.join(args)}\right)", ATOM


@_print.register
def _(e: Block):
    rows = [" & ".join(_print(i)[0] for i in row) for row in e.rows]
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}", ATOM
