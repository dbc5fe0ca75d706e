"""Inverse and determinant lemmas: A⁻¹ A = I, (A⁻¹)⁻¹ = A, (c A)⁻¹ = c⁻¹ A⁻¹, (A B)⁻¹ = B⁻¹ A⁻¹ for square
factors, and sign(u) ∘ u = |u| (so d log|det X| = tr(X⁻¹ dX) comes out as the Matrix Cookbook writes it).

Sources: the Matrix Cookbook (Petersen & Pedersen, 2012), §3.1 (basic identities of the inverse) and §2.1.1
(the derivative of ln|det X|). Termination: each lemma removes an inverse, a factor or a call, or moves an
inverse onto a smaller argument.
"""

from __future__ import annotations

import dataclasses

from ..expr import Call, Expr, Identity, MatMul, Mul, Number, Power, Transpose, nary
from ..functions import ABS, INV, SIGN
from ..shapes import is_scalar
from .engine import Lemma


def _inverse_of(f: Expr) -> Expr | None:
    """A when f is A⁻¹ (or (A⁻¹)ᵀ = (Aᵀ)⁻¹, given as Aᵀ), else None."""
    if isinstance(f, Call) and f.fn is INV:
        return f.args[0]
    if isinstance(f, Transpose) and isinstance(f.arg, Call) and f.arg.fn is INV:
        return Transpose(f.arg.args[0])
    return None


def _cancel(e: Expr) -> Expr | None:
    """A⁻¹ A = A A⁻¹ = I inside a product (also transposed: A⁻ᵀ Aᵀ = I)."""
    if not isinstance(e, MatMul):
        return None
    factors = list(e.args)
    for i in range(len(factors) - 1):
        left, right = factors[i], factors[i + 1]
        if _inverse_of(left) == right or _inverse_of(right) == left:
            rest = factors[:i] + factors[i + 2:]
            if not rest:
                return Identity(e.shape[0])
            return nary(MatMul, rest)
    return None


def _double_inverse(e: Expr) -> Expr | None:
    if isinstance(e, Call) and e.fn is INV:
        inner = _inverse_of(e.args[0])
        if inner is not None:
            return inner
    return None


def _inverse_of_scaling(e: Expr) -> Expr | None:
    """(c A)⁻¹ = c⁻¹ A⁻¹ for a scalar c."""
    if not (isinstance(e, Call) and e.fn is INV and isinstance(e.args[0], Mul)):
        return None
    scalars = [f for f in e.args[0].args if is_scalar(f.shape)]
    rest = [f for f in e.args[0].args if not is_scalar(f.shape)]
    if not scalars or len(rest) != 1:
        return None
    reciprocals = [Number(1 / f.value) if isinstance(f, Number) else Power(f, Number(-1)) for f in scalars]
    return Mul(*reciprocals, Call(INV, rest[0]))


def _inverse_of_product(e: Expr) -> Expr | None:
    """(A B)⁻¹ = B⁻¹ A⁻¹ when every factor is square (then each is invertible where the product is)."""
    if not (isinstance(e, Call) and e.fn is INV and isinstance(e.args[0], MatMul)):
        return None
    factors = e.args[0].args
    if not all(f.shape[0] == f.shape[1] and not is_scalar(f.shape) for f in factors):
        return None
    return MatMul(*[Call(INV, f) for f in reversed(factors)])


def _sign_times_value(e: Expr) -> Expr | None:
    """sign(u) ∘ u = |u|."""
    if not isinstance(e, Mul):
        return None
    signs = [f for f in e.args if isinstance(f, Call) and f.fn is SIGN]
    if not signs:
        return None
    present = set(e.args)
    for f in signs:
        u = f.args[0]
        if u in present:
            args = list(e.args)
            args.remove(f)
            args.remove(u)
            return nary(Mul, [*args, Call(ABS, u)]) if args else Call(ABS, u)
    return None


LEMMAS = [
    Lemma("inverse-cancel", "A⁻¹ A = A A⁻¹ = I (also A⁻ᵀ Aᵀ = I) inside a product", _cancel, kinds=(MatMul,)),
    Lemma("double-inverse", "(A⁻¹)⁻¹ = A", _double_inverse, kinds=(Call,)),
    Lemma("inverse-of-scaling", "(c A)⁻¹ = c⁻¹ A⁻¹ for a scalar c", _inverse_of_scaling, kinds=(Call,)),
    Lemma("inverse-of-product", "(A B)⁻¹ = B⁻¹ A⁻¹ for square A, B", _inverse_of_product, kinds=(Call,)),
    Lemma("sign-times-value", "sign(u) ∘ u = |u|", _sign_times_value, kinds=(Mul,)),
]
SOURCE = "the Matrix Cookbook, §3.1 (basic identities of the inverse); sign(u) u = |u|"
LEMMAS = [dataclasses.replace(lemma, source=SOURCE) for lemma in LEMMAS]
