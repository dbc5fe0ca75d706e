"""Kronecker and commutation lemmas: the algebra of vec-Jacobians.

K(m, n) is the commutation matrix (K(m, n) vec(A) = vec(Aᵀ) for an m×n A). The lemmas use
K(p, m) (A ⊗ B) K(n, q) = B ⊗ A for A m×n and B p×q (Magnus & Neudecker, ch. 3), the mixed product
(A ⊗ B)(C ⊗ D) = AC ⊗ BD, and K(m, n) K(n, m) = I. Termination: each removes a commutation matrix
or a Kronecker product, or moves a transpose inward.
"""

from __future__ import annotations

import dataclasses

from ..expr import Add, Call, Commutation, Expr, Identity, MatMul, Mul, Transpose, nary
from ..functions import KRON
from ..shapes import ONE, is_scalar
from .engine import Lemma


def _is_kron(e: Expr) -> bool:
    return isinstance(e, Call) and e.fn is KRON


def _unit(e: Expr) -> Expr | None:
    """K(1, n) = K(n, 1) = I."""
    if isinstance(e, Commutation) and (e.dims[0] == ONE or e.dims[1] == ONE):
        return Identity(e.shape[0])
    return None


def _transpose(e: Expr) -> Expr | None:
    """K(m, n)ᵀ = K(n, m); (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ."""
    if isinstance(e, Transpose) and isinstance(e.arg, Commutation):
        return Commutation(e.arg.dims[1], e.arg.dims[0])
    if isinstance(e, Transpose) and _is_kron(e.arg):
        a, b = e.arg.args
        return Call(e.arg.fn, Transpose(a), Transpose(b))
    return None


def _replace(e: MatMul, i: int, j: int, new: Expr) -> Expr:
    rest = list(e.args[:i]) + [new] + list(e.args[j:])
    return nary(MatMul, rest)


def _products(e: Expr) -> Expr | None:
    """Pairs and triples inside a matrix product that simplify."""
    if not isinstance(e, MatMul):
        return None
    f = e.args
    for i in range(len(f) - 1):
        a, b = f[i], f[i + 1]
        if isinstance(a, Commutation) and isinstance(b, Commutation) and a.dims == (b.dims[1], b.dims[0]):
            return _replace(e, i, i + 2, Identity(a.shape[0]))  # K(m, n) K(n, m) = I
        if i + 2 < len(f) and isinstance(a, Commutation) and _is_kron(b) and isinstance(f[i + 2], Commutation):
            x, y = b.args  # K(p, m) (X ⊗ Y) K(n, q) = Y ⊗ X
            if a.dims == (y.shape[0], x.shape[0]) and f[i + 2].dims == (x.shape[1], y.shape[1]):
                return _replace(e, i, i + 3, Call(b.fn, y, x))
        if _is_kron(a) and isinstance(b, Commutation):
            x, y = a.args  # (X ⊗ Y) K(n, q) = Y ⊗ X when the K(p, m) on the left is I
            if b.dims == (x.shape[1], y.shape[1]) and (x.shape[0] == ONE or y.shape[0] == ONE):
                return _replace(e, i, i + 2, Call(a.fn, y, x))
        if isinstance(a, Commutation) and _is_kron(b):
            x, y = b.args  # K(p, m) (X ⊗ Y) = Y ⊗ X when the K(n, q) on the right is I
            if a.dims == (y.shape[0], x.shape[0]) and (x.shape[1] == ONE or y.shape[1] == ONE):
                return _replace(e, i, i + 2, Call(b.fn, y, x))
        if _is_kron(a) and _is_kron(b):
            (p, q), (r, s) = a.args, b.args  # (P ⊗ Q)(R ⊗ S) = PR ⊗ QS
            if p.shape[1] == r.shape[0] and q.shape[1] == s.shape[0]:
                return _replace(e, i, i + 2, Call(a.fn, MatMul(p, r), MatMul(q, s)))
    return None


def _distribute(e: Expr) -> Expr | None:
    """K (P + Q) = K P + K Q and (P + Q) K = P K + Q K, so commutations can meet the Kronecker products."""
    if not isinstance(e, MatMul):
        return None
    f = e.args
    for i, a in enumerate(f):
        if not isinstance(a, Add):
            continue
        left = f[i - 1] if i > 0 else None
        right = f[i + 1] if i + 1 < len(f) else None
        if isinstance(left, Commutation) or isinstance(right, Commutation):
            lo = i - 1 if isinstance(left, Commutation) else i
            hi = i + 2 if isinstance(right, Commutation) else i + 1
            terms = [MatMul(*f[lo:i], t, *f[i + 1 : hi]) for t in a.args]
            return _replace(e, lo, hi, Add(*terms))
    return None


def _identities(e: Expr) -> Expr | None:
    """I(m) ⊗ I(n) = I(mn)."""
    if _is_kron(e) and all(isinstance(a, Identity) for a in e.args):
        return Identity(e.shape[0])
    return None


def _scaling(e: Expr) -> Expr | None:
    """(c A) ⊗ B = A ⊗ (c B) = c (A ⊗ B) for scalar c."""
    if not _is_kron(e):
        return None
    for k, arg in enumerate(e.args):
        if isinstance(arg, Mul) and any(is_scalar(f.shape) for f in arg.args) and not is_scalar(arg.shape):
            scalars = [f for f in arg.args if is_scalar(f.shape)]
            arrays = [f for f in arg.args if not is_scalar(f.shape)]
            rest = list(e.args)
            rest[k] = nary(Mul, arrays)
            return Mul(*scalars, Call(e.fn, *rest))
    return None


LEMMAS = [
    Lemma("commutation-unit", "K(1, n) = K(n, 1) = I", _unit, kinds=(Commutation,)),
    Lemma("kron-transpose", "K(m, n)ᵀ = K(n, m); (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ", _transpose, kinds=(Transpose,)),
    Lemma("kron-products", "K(m,n) K(n,m) = I; K(p,m) (A ⊗ B) K(n,q) = B ⊗ A; (A ⊗ B)(C ⊗ D) = AC ⊗ BD", _products,
          kinds=(MatMul,)),
    Lemma("commutation-distribute", "K (P + Q) = K P + K Q; (P + Q) K = P K + Q K", _distribute, kinds=(MatMul,)),
    Lemma("kron-identities", "I(m) ⊗ I(n) = I(mn)", _identities, kinds=(Call,)),
    Lemma("kron-scaling", "(c A) ⊗ B = c (A ⊗ B)", _scaling, kinds=(Call,)),
]
SOURCE = 'Kronecker product and commutation matrix (Magnus & Neudecker, ch. 3)'
LEMMAS = [dataclasses.replace(lemma, source=SOURCE) for lemma in LEMMAS]
