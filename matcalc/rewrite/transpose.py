"""Transpose lemmas: push transposes down to the leaves, where textbooks write them.

Termination: each lemma moves a transpose strictly closer to the leaves or removes it.
"""

from __future__ import annotations

import dataclasses

from ..expr import Add, Block, Call, Expr, Identity, MatMul, Mul, Number, Ones, Transpose, Zeros, count_in_tree, nary
from ..functions import DIAG_PART
from ..shapes import is_scalar
from ..walks import sort_key
from .engine import Lemma
from .symmetry import is_symmetric, transposed


def _double(e: Expr) -> Expr | None:
    if isinstance(e, Transpose) and isinstance(e.arg, Transpose):
        return e.arg.arg
    return None


def _scalar(e: Expr) -> Expr | None:
    if isinstance(e, Transpose) and is_scalar(e.shape):
        return e.arg
    return None


def _symmetric(e: Expr) -> Expr | None:
    """Sᵀ = S for a matrix symmetric by declaration or by structure (``XᵀX``, ``S⁻¹``, ``A + Aᵀ``, ``B S Bᵀ``,
    see :mod:`matcalc.rewrite.symmetry`); the transpose of ones or zeros is ones or zeros."""
    if not isinstance(e, Transpose):
        return None
    a = e.arg
    if isinstance(a, (Ones, Zeros)):
        return type(a)((a.shape[1], a.shape[0]))
    if is_symmetric(a):
        return a
    return None


def _product(e: Expr) -> Expr | None:
    if isinstance(e, Transpose) and isinstance(e.arg, MatMul):
        return MatMul(*[Transpose(f) for f in reversed(e.arg.args)])
    return None


def _count(e: Expr) -> int:
    return count_in_tree(e, lambda n: isinstance(n, Transpose))


def _sum(e: Expr) -> Expr | None:
    """(A + B)ᵀ = Aᵀ + Bᵀ, when that leaves no more transposes: (A + Aᵀ)ᵀ → A + Aᵀ, but (y - Φθ)ᵀ stays."""
    if isinstance(e, Transpose) and isinstance(e.arg, Add):
        from .algebra import transpose_delta

        if sum([transpose_delta(t) for t in e.arg.args]) <= 1:  # Σ tᵀ (pushed by transpose_of) has no more than (Σ t)ᵀ
            return Add(*[Transpose(t) for t in e.arg.args])
    return None


def _scaling(e: Expr) -> Expr | None:
    """(c U)ᵀ = c Uᵀ for scalar factors c."""
    if not isinstance(e, Transpose) or not isinstance(e.arg, Mul):
        return None
    scalars = [f for f in e.arg.args if is_scalar(f.shape)]
    arrays = [f for f in e.arg.args if not is_scalar(f.shape)]
    if not scalars or not arrays:
        return None
    inner = nary(Mul, arrays)
    return Mul(*scalars, Transpose(inner))


def _pair_order(e: Expr) -> Expr | None:
    """In a sum holding both A and Aᵀ (up to coefficients), write A first: A + Aᵀ, not Aᵀ + A; a product and
    its mirror image in the structural order (names alphabetically): a bᵀ + b aᵀ."""
    if not isinstance(e, Add):
        return None
    from .algebra import split_coefficient

    split = [split_coefficient(t) for t in e.args]
    where = {}
    for j, (_, r) in enumerate(split):
        where.setdefault(r, j)
    for i, (ci, r) in enumerate(split):
        if isinstance(r, Transpose):
            j = where.get(r.arg, -1)  # A after Aᵀ: A first
        elif isinstance(r, MatMul):
            mirror = transposed(r)  # a product and its mirror image with as many transposes (b aᵀ + a bᵀ): by structure
            j = where.get(mirror, -1)
            if j > i and not (_count(r) == _count(mirror) and sort_key(mirror) < sort_key(r)):
                j = -1
        else:
            j = -1
        if j > i and (ci < 0) == (split[j][0] < 0):
            args = list(e.args)
            args[i], args[j] = args[j], args[i]
            return Add(*args)
    return None


def _diag_of_transpose(e: Expr) -> Expr | None:
    """diag(Aᵀ) = diag(A): a square matrix and its transpose share the diagonal."""
    if isinstance(e, Call) and e.fn is DIAG_PART and isinstance(e.args[0], Transpose):
        a = e.args[0].arg
        if not is_scalar(a.shape):
            return Call(e.fn, a)
    return None


def _block(e: Expr) -> Expr | None:
    """[A, B; C, D]ᵀ = [Aᵀ, Cᵀ; Bᵀ, Dᵀ], for blocks of constants (I, 0, 1) such as the selector [I, 0]."""
    if not (isinstance(e, Transpose) and isinstance(e.arg, Block)):
        return None
    if not all(isinstance(a, (Identity, Zeros, Ones, Number)) for a in e.arg.args):
        return None
    from .algebra import block_rows

    rows = block_rows(e)
    return Block(*[b for row in rows for b in row], layout=(len(rows[0]),) * len(rows))


LEMMAS = [
    Lemma("block-transpose", "[A, B; C, D]ᵀ = [Aᵀ, Cᵀ; Bᵀ, Dᵀ] (blocks of constants)", _block, kinds=(Transpose,)),
    Lemma("diag-of-transpose", "diag(Aᵀ) = diag(A)", _diag_of_transpose, kinds=(Call,)),
    Lemma("double-transpose", "(Aᵀ)ᵀ = A", _double, kinds=(Transpose,)),
    Lemma("scalar-transpose", "sᵀ = s for a 1×1 s", _scalar, kinds=(Transpose,)),
    Lemma("symmetric-transpose", "Sᵀ = S for symmetric S (declared; XᵀX, B S Bᵀ, A + Aᵀ, S⁻¹, I, diag(v)); 1ᵀ is ones",
          _symmetric, kinds=(Transpose,)),
    Lemma("transpose-of-product", "(A B)ᵀ = Bᵀ Aᵀ", _product, kinds=(Transpose,)),
    Lemma("transpose-of-sum", "(A + B)ᵀ = Aᵀ + Bᵀ (when no transposes are added)", _sum, kinds=(Transpose,)),
    Lemma("transpose-of-scaling", "(c A)ᵀ = c Aᵀ", _scaling, kinds=(Transpose,)),
    Lemma("transpose-pair-order", "Aᵀ + A is written A + Aᵀ", _pair_order, kinds=(Add,)),
]
SOURCE = 'properties of the transpose (Matrix Cookbook, §1)'
LEMMAS = [dataclasses.replace(lemma, source=SOURCE) for lemma in LEMMAS]
