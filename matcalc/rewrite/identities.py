"""Identities of element-wise functions and reductions, so results are written in the functions a textbook uses.

* The logistic sigmoid σ(u) = 1/(1 + e⁻ᵘ): (1 + eᵛ)⁻¹ = σ(−v), eᵛ ∘ σ(−v) = σ(v)
  (Bishop, PRML §4.3.2; Goodfellow et al., Deep Learning §3.10). 1 − σ(u) is left as written: the
  logistic-loss gradient collects to σ(Xw) − y through it.
* A quotient summed against its divisor: pᵀ(a ⊘ p) = 1ᵀa = sum(a), which turns the softmax cross-entropy
  gradient p pᵀ(y ⊘ p) − y into sum(y) p − y (PRML §4.3.4).

Every identity holds entry by entry wherever both sides are defined; the divisor p of a quotient has no zero
entry wherever the expression itself is defined.
"""

from __future__ import annotations

import dataclasses

from ..expr import Add, Call, Expr, MatMul, Mul, Number, Power, Transpose, nary, negate
from ..functions import EXP, SIGMOID, SUM
from ..shapes import is_scalar
from .engine import Lemma


def _one_plus_exp(e: Expr) -> Expr | None:
    """v when e is 1 + eᵛ (either order), else None."""
    if isinstance(e, Add) and len(e.args) == 2:
        one, other = (e.args if e.args[0] == Number(1) else e.args[::-1])
        if one == Number(1) and isinstance(other, Call) and other.fn is EXP:
            return other.args[0]
    return None


def _reciprocal_sigmoid(e: Expr) -> Expr | None:
    """(1 + eᵛ)⁻¹ = σ(−v)."""
    if isinstance(e, Power) and e.exponent == Number(-1):
        v = _one_plus_exp(e.base)
        if v is not None:
            return Call(SIGMOID, negate(v))
    return None


def _exp_times_sigmoid(e: Expr) -> Expr | None:
    """eᵛ ∘ σ(−v) = σ(v)."""
    if not isinstance(e, Mul):
        return None
    exps = {f.args[0]: f for f in e.args if isinstance(f, Call) and f.fn is EXP}
    if not exps:
        return None
    for f in e.args:
        if isinstance(f, Call) and f.fn is SIGMOID:
            v = negate(f.args[0])
            if v in exps:
                args = list(e.args)
                args.remove(f)
                args.remove(exps[v])
                return nary(Mul, [*args, Call(SIGMOID, v)]) if args else Call(SIGMOID, v)
    return None


def _divisor_of(factor: Expr, p: Expr) -> Expr | None:
    """a when factor is a ∘ p⁻¹ (a the other factors, or 1), else None."""
    if not isinstance(factor, Mul):
        return None
    reciprocal = Power(p, Number(-1))
    if reciprocal not in factor.args:
        return None
    args = list(factor.args)
    args.remove(reciprocal)
    return nary(Mul, args) if args else None


def _dot_of_quotient(e: Expr) -> Expr | None:
    """pᵀ (a ⊘ p) = sum(a) inside a product, for a column p."""
    if not isinstance(e, MatMul):
        return None
    factors = list(e.args)
    for i in range(len(factors) - 1):
        left, right = factors[i], factors[i + 1]
        if not isinstance(left, Transpose) or left.arg.shape[1] != 1 or is_scalar(left.arg.shape):
            continue
        a = _divisor_of(right, left.arg)
        if a is None or a.shape != left.arg.shape:
            continue
        total = Call(SUM, a)
        rest = factors[:i] + factors[i + 2:]
        return Mul(total, nary(MatMul, rest)) if rest else total
    return None


LEMMAS = [
    Lemma("sigmoid-of-reciprocal", "(1 + eᵛ)⁻¹ = σ(−v)", _reciprocal_sigmoid),
    Lemma("sigmoid-of-exp", "eᵛ ∘ σ(−v) = σ(v)", _exp_times_sigmoid),
    Lemma("dot-of-quotient", "pᵀ (a ⊘ p) = 1ᵀ a = sum(a)", _dot_of_quotient),
]
SOURCE = "the logistic sigmoid σ(u) = 1/(1 + e⁻ᵘ) (Bishop, PRML §4.3.2); pᵀ(a ⊘ p) = 1ᵀa"
LEMMAS = [dataclasses.replace(lemma, source=SOURCE) for lemma in LEMMAS]
