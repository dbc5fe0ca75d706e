"""Symmetry as a derived property: which compound expressions equal their transpose.

Declared symmetric (or spd, diagonal) names, I, square ones and zeros, and scalars are symmetric; so are
a product that reads the same backwards with each factor transposed (``XᵀX``, ``x xᵀ``, ``B S Bᵀ``,
``S⁻¹ r rᵀ S⁻¹``), sums whose terms are symmetric or come in transposed pairs (``A + Aᵀ``), scalar
multiples, entry-wise products and powers of symmetric matrices, ``diag(v)``, a function that keeps
symmetry of a symmetric argument (``inv``, ``expm``, ``sqrtm``), an entry-wise function of a symmetric
matrix, and the Kronecker product of symmetric factors. A sum of products that is symmetric only once
multiplied out (``(½ I − ½ S⁻¹ r rᵀ) S⁻¹``) is recognised by expanding it into at most
:data:`MAX_TERMS` products. The rewriting uses it: ``Mᵀ = M``, so ``M + Mᵀ = 2 M`` and the gradient
with respect to a symmetric matrix, ½ (G + Gᵀ), is G when G is already symmetric (Matrix Cookbook §2.8,
the symmetric-matrix derivative).
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from functools import lru_cache

from ..expr import Add, Call, Expr, Identity, MatMul, Mul, Number, Ones, Power, Symbol, Transpose, Zeros
from ..shapes import is_scalar

MAX_TERMS = 16  # products examined when a sum must be multiplied out to see its symmetry


@lru_cache(maxsize=8192)
def is_symmetric(e: Expr) -> bool:
    """Does `e` equal its transpose, for every value of its names?"""
    rows, cols = e.shape
    if is_scalar(e.shape):
        return True
    if rows != cols:
        return False
    if isinstance(e, Symbol):
        return e.is_symmetric
    if isinstance(e, (Identity, Ones, Zeros)):
        return True
    if isinstance(e, Transpose):
        return is_symmetric(e.arg)
    if isinstance(e, Mul):
        return all(is_scalar(f.shape) or is_symmetric(f) for f in e.args)
    if isinstance(e, Power):  # entry-wise: S∘ᵏ, and S∘ᴬ only for a symmetric exponent A
        return is_symmetric(e.base) and (is_scalar(e.exponent.shape) or is_symmetric(e.exponent))
    if isinstance(e, Call):
        return _symmetric_call(e)
    if isinstance(e, MatMul) and _palindrome(e.args):
        return True
    if isinstance(e, Add) and (all(is_symmetric(t) for t in e.args) or _closed_under_transpose(e.args)):
        return True
    if isinstance(e, (Add, MatMul)):
        return _symmetric_expanded(e)
    return False


def _symmetric_call(e: Call) -> bool:
    fn = e.fn
    if fn.symmetric_result:
        return True
    if fn.name == "kron":
        return all(is_symmetric(a) for a in e.args)
    if fn.preserves_symmetry or fn.kind == "elementwise":
        return len(e.args) == 1 and is_symmetric(e.args[0])
    return False


def transposed(e: Expr) -> Expr:
    """eᵀ in a canonical form: a symmetric e is itself; transposes pushed through products and scalings (a sum
    stays whole: (x − μ)ᵀ is one factor)."""
    if is_scalar(e.shape) or is_symmetric(e):
        return e
    if isinstance(e, Transpose):
        return e.arg
    if isinstance(e, MatMul):
        return MatMul(*[transposed(f) for f in reversed(e.args)])
    if isinstance(e, Mul) and sum(not is_scalar(f.shape) for f in e.args) == 1:  # (c A)ᵀ = c Aᵀ
        return Mul(*[transposed(f) for f in e.args])
    if isinstance(e, (Ones, Zeros)):
        return type(e)((e.shape[1], e.shape[0]))
    return Transpose(e)


def _palindrome(factors) -> bool:
    """A product equal to its transpose factor by factor: f₁ f₂ … fₖ with fᵢ = fₖ₊₁₋ᵢᵀ, a symmetric middle."""
    k = len(factors)
    for i in range(k // 2):
        if factors[i] != transposed(factors[k - 1 - i]):
            return False
    return k % 2 == 0 or is_symmetric(factors[k // 2])


def _closed_under_transpose(terms) -> bool:
    return Counter(terms) == Counter(transposed(t) for t in terms)


def _symmetric_expanded(e: Expr) -> bool:
    """Symmetric once multiplied out: the products come in transposed pairs (each with its coefficient)."""
    terms = _expand(e)
    if terms is None:
        return False
    counts = Counter({key: c for key, c in terms.items() if c != 0})
    for (scalars, chain), c in counts.items():
        mirror = (scalars, tuple(transposed(f) for f in reversed(chain)))
        if counts.get(mirror) != c:
            return False
    return True


Key = tuple[tuple[Expr, ...], tuple[Expr, ...]]  # (1×1 factors, sorted; the chain of matrix factors)


def _expand(e: Expr) -> dict[Key, Fraction] | None:
    """e as a sum of coefficient × (scalar factors) × matrix chain, or None beyond MAX_TERMS or for other nodes."""
    if isinstance(e, Number):
        return {((), ()): e.value}
    if is_scalar(e.shape):
        return {((e,), ()): Fraction(1)}
    if isinstance(e, Identity):
        return {((), ()): Fraction(1)}
    if e.shape[0] != e.shape[1]:  # a vector or a rectangular factor is one factor (x - μ pairs with (x - μ)ᵀ)
        return {((), (e,)): Fraction(1)}
    if isinstance(e, Add):
        out: dict[Key, Fraction] = {}
        for t in e.args:
            part = _expand(t)
            if part is None:
                return None
            for key, c in part.items():
                out[key] = out.get(key, Fraction(0)) + c
        return out if len(out) <= MAX_TERMS else None
    if isinstance(e, MatMul) or (isinstance(e, Mul) and sum(not is_scalar(f.shape) for f in e.args) <= 1):
        out: dict[Key, Fraction] = {((), ()): Fraction(1)}
        scalars: list[Expr] = []  # a run of one-term factors, multiplied into `out` at once: linear in the chain
        chain: list[Expr] = []
        coefficient = Fraction(1)
        for f in e.args:
            part = _expand(f)
            if part is None:
                return None
            if len(part) == 1:
                ((s, c), x), = part.items()
                scalars += s
                chain += c
                coefficient *= x
                continue
            out = _times(_times(out, {(tuple(scalars), tuple(chain)): coefficient}), part)
            scalars, chain, coefficient = [], [], Fraction(1)
            if len(out) > MAX_TERMS:
                return None
        return _times(out, {(tuple(scalars), tuple(chain)): coefficient})
    return {((), (e,)): Fraction(1)}


def _times(a: dict[Key, Fraction], b: dict[Key, Fraction]) -> dict[Key, Fraction]:
    out: dict[Key, Fraction] = {}
    for (sa, ca), x in a.items():
        for (sb, cb), y in b.items():
            key = (tuple(sorted(sa + sb, key=hash)), ca + cb)
            out[key] = out.get(key, Fraction(0)) + x * y
    return out


__all__ = ["is_symmetric", "transposed", "MAX_TERMS"]
