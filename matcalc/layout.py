"""Layouts in one place: for each kind of result, which layout transposes it, and what that means.

A derivative is identified once in its natural arrangement — a gradient with the variable's shape, a
Jacobian or vec-Jacobian with rows indexed by the output, a derivative by a scalar with the output's
shape — and each layout is that arrangement or its transpose (numerator and denominator layout as texts use
them, e.g. the Matrix Cookbook's numerator convention and the denominator convention of statistics texts):

=============  ==========================  =========================  ==============================
kind           mixed                       numerator                  denominator
=============  ==========================  =========================  ==============================
gradient       the variable's shape        transposed (a row)         the variable's shape
jacobian       output × variable           output × variable          transposed
tensor         vec-Jacobian                vec-Jacobian               transposed
derivative     the output's shape          the output's shape         a vector output transposed
=============  ==========================  =========================  ==============================

From this one table come the symbolic arrangement (:func:`arrange`), the shape a layout promises
(:func:`expected_shape`), the numeric rearrangement back to ∂vec(f)/∂vec(x)ᵀ (:func:`unarrange`) and the
words (:func:`convention`).

The gradient of a scalar with respect to a symmetric (or spd) matrix X has two conventions besides the
layout (:data:`SYMMETRIC`), with G the gradient as if X were unconstrained: ``sym`` (matcalc's), sym(G) =
(G + Gᵀ)/2, the gradient within symmetric matrices; and ``cookbook``, G + Gᵀ − G∘I = 2 sym(G) − I∘sym(G),
the partial derivatives by the independent entries X_ij = X_ji (i ≤ j) as the Matrix Cookbook writes them
(Petersen & Pedersen, 2012, §2.8, eq. 138): the off-diagonal entries doubled.
"""

from __future__ import annotations

from .errors import MatcalcError
from .expr import Expr, Symbol, Transpose
from .shapes import ONE, Shape, is_scalar

LAYOUTS = ("mixed", "numerator", "denominator")
VEC_ORDERS = ("col", "row", "col,row", "row,col")  # column- or row-major vec; a pair: the output's, then the variable's
KINDS = ("gradient", "jacobian", "tensor", "derivative")
# the layout that transposes each kind's natural arrangement
TRANSPOSING = {"gradient": "numerator", "jacobian": "denominator", "tensor": "denominator", "derivative": "denominator"}
SYMMETRIC = ("sym", "cookbook")  # conventions for the gradient w.r.t. a symmetric matrix


def vec_orders(vec) -> tuple[str, str]:
    """The vec orders (the output's, the variable's) of a `vec` option: "col", "row", "col,row" or a pair."""
    parts = tuple(p.strip() for p in vec.split(",")) if isinstance(vec, str) else tuple(vec)
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or any(p not in ("col", "row") for p in parts):
        raise MatcalcError(f"vec must be 'col', 'row' or 'col,row' (output, variable), not {vec!r}")
    return parts


def symmetric_convention(symmetric, where: str = "") -> str:
    """A `symmetric` option checked: one of SYMMETRIC, else a MatcalcError (prefixed by `where`)."""
    if not isinstance(symmetric, str) or symmetric not in SYMMETRIC:
        raise MatcalcError(f"{where}symmetric must be one of {', '.join(SYMMETRIC)} (sym(G) = (G + Gᵀ)/2, or the "
                           f"Matrix Cookbook's G + Gᵀ − G∘I), not {symmetric!r}")
    return symmetric
SYMMETRIC_FORMS = {"sym": "sym(G) = (G + Gᵀ)/2", "cookbook": "G + Gᵀ − G∘I"}
SYMMETRIC_NAMES = {"sym": "the convention", "cookbook": "the Matrix Cookbook's convention"}


def is_transposed(kind: str, layout: str, f_shape: Shape) -> bool:
    """Does `layout` transpose the natural arrangement of a `kind` result of an output of shape `f_shape`?
    (A derivative by a scalar is transposed only for a vector output: a matrix keeps its shape.)"""
    if TRANSPOSING[kind] != layout:
        return False
    if kind == "derivative":
        return not is_scalar(f_shape) and (f_shape[0] == ONE or f_shape[1] == ONE)
    return True


def arrange(natural: Expr, kind: str, layout: str, f_shape: Shape) -> Expr:
    """The natural arrangement as `layout` writes it."""
    return Transpose(natural) if is_transposed(kind, layout, f_shape) else natural


def symmetric_applies(kind: str, x: Symbol) -> bool:
    """Does a symmetric-variable convention shape this result: a gradient w.r.t. a symmetric (spd) matrix?"""
    return kind == "gradient" and bool(x.props & {"symmetric", "spd"}) and x.shape[0] != ONE and x.shape[1] != ONE


def symmetric_words(convention: str, name: str) -> str:
    """The convention, in words, for the variable `name` (the ``symmetric:`` line of a result)."""
    source = ", the Matrix Cookbook's (§2.8)" if convention == "cookbook" else ""
    return f"{SYMMETRIC_FORMS[convention]}{source}, G the gradient as if {name} were not symmetric"


def natural_shape(kind: str, f_shape: Shape, x_shape: Shape) -> Shape:
    (fr, fc), (xr, xc) = f_shape, x_shape
    if kind == "gradient":
        return (xr, xc)
    if kind in ("jacobian", "tensor"):
        return (fr * fc, xr * xc)
    return (fr, fc)


def expected_shape(kind: str, layout: str, f_shape: Shape, x_shape: Shape) -> Shape:
    """The result's shape `layout` promises."""
    rows, cols = natural_shape(kind, f_shape, x_shape)
    return (cols, rows) if is_transposed(kind, layout, f_shape) else (rows, cols)


def unarrange(value, kind: str, layout: str, f_shape: Shape):
    """A numeric value in `layout` back in the natural arrangement (the inverse of :func:`arrange`)."""
    return value.T if is_transposed(kind, layout, f_shape) else value


def convention(kind: str, layout: str, f: Expr, name: str, x_shape: Shape, vec=("col", "col"), f_text: str = "") -> str:
    """One line saying what the result's shape means in `layout`: the layout's name, then its :func:`meaning`."""
    return f"{layout} ({meaning(kind, layout, f, name, x_shape, vec, f_text)})"


def meaning(kind: str, layout: str, f: Expr, name: str, x_shape: Shape, vec=("col", "col"), f_text: str = "") -> str:
    """What the result's shape means in `layout`, in words: "the gradient has the shape of x", …"""
    transposed = is_transposed(kind, layout, f.shape)
    if kind == "gradient":
        if transposed:
            if x_shape[1] == ONE:
                return f"the gradient w.r.t. {name} as a row"
            return f"the transpose of the gradient: the shape of {name}ᵀ"
        return f"the gradient has the shape of {name}"
    if kind == "tensor":
        order = {"col": "column by column (vec)", "row": "row by row"}
        text = f"vec-Jacobian ∂vec({f_text})/∂vec({name})ᵀ"
        if f.shape[0] != ONE and f.shape[1] != ONE:
            text += f"; the output flattened {order[vec[0]]}"
        if x_shape[0] != ONE and x_shape[1] != ONE:
            text += f"; {name} flattened {order[vec[1]]}"
        return text + ("; transposed: rows indexed by " + name if transposed else "")
    if kind == "jacobian":
        if transposed:
            return f"rows indexed by {name}, columns by the output"
        return f"Jacobian: rows indexed by the output, columns by {name}"
    if transposed:
        return f"the derivative w.r.t. the scalar {name}, as a {'row' if f.shape[1] == ONE else 'column'}"
    return f"the derivative w.r.t. the scalar {name}, entry by entry"


__all__ = ["LAYOUTS", "VEC_ORDERS", "KINDS", "is_transposed", "arrange", "expected_shape", "unarrange", "convention", "meaning",
           "natural_shape", "vec_orders", "symmetric_convention", "SYMMETRIC", "SYMMETRIC_FORMS", "SYMMETRIC_NAMES",
           "symmetric_applies", "symmetric_words"]
