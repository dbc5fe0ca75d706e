"""Hadamard and diag lemmas: no materialised diag(...) where an element-wise product says it.

``diag(a) b = a ∘ b``, ``bᵀ diag(a) = (b ∘ a)ᵀ``, ``diag(a) diag(b) = diag(a ∘ b)``, ones are the unit
of ∘, ``sum(diag(A)) = tr(A)``, ``sum(a ∘ b) = aᵀb``, and the unit-size cases of vec, diag, trace and
kron. Termination: each lemma removes a diag, a ones array, or a call.
"""

from __future__ import annotations

import dataclasses

from ..expr import Call, Expr, MatMul, Mul, Number, Ones, Transpose, Zeros, nary
from ..functions import DIAG, DIAG_PART, KRON, SUM, TRACE, VEC
from ..shapes import ONE, is_scalar
from .engine import Lemma


def _is_diag_of_vector(e: Expr) -> bool:
    return isinstance(e, Call) and e.fn is DIAG and not is_scalar(e.shape)


def _diag_products(e: Expr) -> Expr | None:
    if not isinstance(e, MatMul):
        return None
    f = list(e.args)
    for i in range(len(f) - 1):
        a, b = f[i], f[i + 1]
        new = None
        if _is_diag_of_vector(a) and _is_diag_of_vector(b):
            new = Call(DIAG, Mul(a.args[0], b.args[0]))
        elif _is_diag_of_vector(a) and b.shape[1] == ONE:
            new = Mul(a.args[0], b)
        elif _is_diag_of_vector(b) and a.shape[0] == ONE:
            new = Transpose(Mul(Transpose(a), b.args[0]))
        if new is not None:
            rest = f[:i] + [new] + f[i + 2 :]
            return nary(MatMul, rest)
    return None


def _ones_unit(e: Expr) -> Expr | None:
    """1 ∘ a = a when a already has the product's shape."""
    if not isinstance(e, Mul) or not any(isinstance(a, Ones) for a in e.args):
        return None
    others = [a for a in e.args if not isinstance(a, Ones)]
    if not any(a.shape == e.shape for a in others):
        return None
    return nary(Mul, others)


def _sum_of_diag(e: Expr) -> Expr | None:
    if isinstance(e, Call) and e.fn is SUM:
        a = e.args[0]
        if isinstance(a, Call) and a.fn is DIAG_PART and not is_scalar(a.args[0].shape):
            return Call(TRACE, a.args[0])
    return None


def _sum_linear(e: Expr) -> Expr | None:
    """sum(c A) = c sum(A), tr(c A) = c tr(A) for scalar c: any linear reduction."""
    if isinstance(e, Call) and e.fn.linear and e.fn.kind == "reduction" and isinstance(e.args[0], Mul):
        scalars = [f for f in e.args[0].args if is_scalar(f.shape)]
        arrays = [f for f in e.args[0].args if not is_scalar(f.shape)]
        if scalars and arrays:
            inner = nary(Mul, arrays)
            return Mul(*scalars, Call(e.fn, inner))
    return None


def _sum_dot(e: Expr) -> Expr | None:
    """sum(a ∘ b) = aᵀ b for column vectors."""
    if isinstance(e, Call) and e.fn is SUM and isinstance(e.args[0], Mul):
        factors = e.args[0].args
        if len(factors) == 2 and all(f.shape[1] == ONE and not is_scalar(f.shape) for f in factors):
            return MatMul(Transpose(factors[0]), factors[1])
    return None


def _unit_calls(e: Expr) -> Expr | None:
    """vec(v) = v for a column, vec(vᵀ) = v; diag, trace of a 1×1 are itself; kron with a 1×1 is scaling."""
    if not isinstance(e, Call):
        return None
    fn, args = e.fn, e.args
    if fn is VEC:
        a = args[0]
        if a.shape[1] == ONE:
            return a
        if a.shape[0] == ONE:
            return Transpose(a)
    if fn.identity_on_scalar and is_scalar(args[0].shape):
        return args[0]
    if fn.linear and isinstance(args[0], (Zeros, Number)) and (not isinstance(args[0], Number) or args[0].value == 0):
        return Number(0) if is_scalar(e.shape) else Zeros(e.shape)
    if fn is KRON and (is_scalar(args[0].shape) or is_scalar(args[1].shape)):
        return Mul(*args)
    return None


def _ones_dot(e: Expr) -> Expr | None:
    """1ᵀ v = sum(v) and vᵀ 1 = sum(v) for a column v."""
    if isinstance(e, MatMul) and len(e.args) == 2 and is_scalar(e.shape):
        a, b = e.args
        if isinstance(a, Ones) and not is_scalar(b.shape):
            return Call(SUM, b)
        if isinstance(b, Ones) and not is_scalar(a.shape):
            return Call(SUM, a.arg if isinstance(a, Transpose) else a)
    return None


def _diag_of_outer(e: Expr) -> Expr | None:
    """diag(a bᵀ) = a ∘ b for column vectors a, b (the diagonal of an outer product)."""
    arg = e.args[0] if isinstance(e, Call) else None
    if (
        isinstance(e, Call) and e.fn is DIAG_PART and isinstance(arg, MatMul) and not is_scalar(arg.shape)
    ):
        from .algebra import transpose_of

        f = e.args[0].args
        for k in range(1, len(f)):
            if f[k - 1].shape[1] == ONE:  # the chain splits into a column times a row here
                left = f[0] if k == 1 else MatMul(*f[:k])
                right = f[k] if k == len(f) - 1 else MatMul(*f[k:])
                return Mul(left, transpose_of(right))
    return None


LEMMAS = [
    Lemma("diag-of-outer", "diag(a bᵀ) = a ∘ b", _diag_of_outer, kinds=(Call,)),
    Lemma("diag-product", "diag(a) b = a ∘ b; bᵀ diag(a) = (b ∘ a)ᵀ; diag(a) diag(b) = diag(a ∘ b)", _diag_products,
          kinds=(MatMul,)),
    Lemma("ones-hadamard", "1 ∘ a = a", _ones_unit, kinds=(Mul,)),
    Lemma("sum-of-diag", "sum(diag(A)) = tr(A)", _sum_of_diag, kinds=(Call,)),
    Lemma("sum-scaling", "sum(c A) = c sum(A); tr(c A) = c tr(A)", _sum_linear, kinds=(Call,)),
    Lemma("sum-of-hadamard", "sum(a ∘ b) = aᵀ b", _sum_dot, kinds=(Call,)),
    Lemma("ones-dot", "1ᵀ v = vᵀ 1 = sum(v)", _ones_dot, kinds=(MatMul,)),
    Lemma("unit-size", "vec(v) = v; diag(s) = tr(s) = s; s ⊗ A = s A; a linear function of 0 is 0", _unit_calls, kinds=(Call,)),
]
SOURCE = 'Hadamard and diag identities (Magnus & Neudecker, ch. 3)'
LEMMAS = [dataclasses.replace(lemma, source=SOURCE) for lemma in LEMMAS]
