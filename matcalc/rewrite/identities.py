"""Identities of element-wise functions and reductions, so results are written in the functions a textbook uses.

* The logistic sigmoid σ(u) = 1/(1 + e⁻ᵘ): (1 + eᵛ)⁻¹ = σ(−v), eᵛ ∘ σ(−v) = σ(v)
  (Bishop, PRML §4.3.2; Goodfellow et al., Deep Learning §3.10). 1 − σ(u) is left as written: the
  logistic-loss gradient collects to σ(Xw) − y through it.
* A quotient summed against its divisor: pᵀ(a ⊘ p) = 1ᵀa = sum(a), which turns the softmax cross-entropy
  gradient p pᵀ(y ⊘ p) − y into sum(y) p − y (PRML §4.3.4).

* Declared values: sum(y) = 1 for a probability (or one-hot) vector, y ∘ y = 1 for entries ±1, y ∘ y = y for
  entries 0/1, so the softmax cross-entropy gradient is softmax(z) − y for a probability y (PRML §4.3.4).

Every identity holds entry by entry wherever both sides are defined; the divisor p of a quotient has no zero
entry wherever the expression itself is defined.
"""

from __future__ import annotations

import dataclasses

from ..expr import Add, Call, Expr, MatMul, Mul, Number, Ones, Power, Symbol, Transpose, nary, negate
from ..functions import EXP, SIGMOID, SUM
from ..shapes import is_scalar
from .engine import Lemma
from .terms import is_number


def _one_plus_exp(e: Expr) -> Expr | None:
    """v when e is 1 + eᵛ (either order), else None."""
    if isinstance(e, Add) and len(e.args) == 2:
        one, other = (e.args if is_number(e.args[0], 1) else e.args[::-1])
        if is_number(one, 1) and isinstance(other, Call) and other.fn is EXP:
            return other.args[0]
    return None


def _reciprocal_sigmoid(e: Expr) -> Expr | None:
    """(1 + eᵛ)⁻¹ = σ(−v)."""
    if isinstance(e, Power) and is_number(e.exponent, -1):
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


def _sigmoid_derivative(e: Expr) -> Expr | None:
    """σ(−u) ∘ (1 − σ(−u)) = σ(−u) ∘ σ(u): the derivative of the logistic loss written in σ of its margin (u itself
    is left as σ(u) ∘ (1 − σ(u)), the form textbooks print for 0/1 labels)."""
    if not isinstance(e, Mul):
        return None
    sigmoids = None
    for i, f in enumerate(e.args):
        if isinstance(f, Add) and len(f.args) == 2 and (is_number(f.args[0], 1) or is_number(f.args[1], 1)):
            other = f.args[1] if is_number(f.args[0], 1) else f.args[0]
            if (isinstance(other, Mul) and len(other.args) == 2 and is_number(other.args[0], -1)
                    and isinstance(other.args[1], Call) and other.args[1].fn is SIGMOID):
                v = other.args[1].args[0]
                if sigmoids is None:
                    sigmoids = {f.args[0] for f in e.args if isinstance(f, Call) and f.fn is SIGMOID}
                if v in sigmoids and isinstance(v, Mul) and isinstance(v.args[0], Number) and v.args[0].value < 0:
                    args = list(e.args)
                    args[i] = Call(SIGMOID, negate(v))
                    return Mul(*args)
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


def _value_of(e: Expr, prop: str) -> bool:
    return isinstance(e, Symbol) and prop in e.props


def _sum_of_probability(e: Expr) -> Expr | None:
    """sum(y) = 1 for a probability (or one-hot) vector y."""
    if isinstance(e, Call) and e.fn is SUM and any(_value_of(e.args[0], p) for p in ("probability", "onehot")):
        return Number(1)
    return None


def _powers_of_values(e: Expr) -> Expr | None:
    """y ∘ y = 1 (and yᵏ = 1 or y) for entries ±1; y ∘ y = yᵏ = y for entries 0/1."""
    if isinstance(e, Power) and isinstance(e.exponent, Number) and e.exponent.value.denominator == 1:
        k, y = e.exponent.value, e.base
        if _value_of(y, "pm1") and k != 0:
            return Ones(y.shape) if k % 2 == 0 else y
        if _value_of(y, "binary") and k > 0:
            return y
    if isinstance(e, Mul):
        for y in e.args:
            if (_value_of(y, "pm1") or _value_of(y, "binary")) and list(e.args).count(y) > 1:
                args = list(e.args)
                args.remove(y)
                args.remove(y)
                kept = Ones(y.shape) if _value_of(y, "pm1") else y
                return nary(Mul, [*args, kept]) if args else kept
    return None


LEMMAS = [
    Lemma("sigmoid-of-reciprocal", "(1 + eᵛ)⁻¹ = σ(−v)", _reciprocal_sigmoid, kinds=(Power,)),
    Lemma("sigmoid-of-exp", "eᵛ ∘ σ(−v) = σ(v)", _exp_times_sigmoid, kinds=(Mul,)),
    Lemma("sigmoid-derivative", "σ(−u) ∘ (1 − σ(−u)) = σ(−u) ∘ σ(u)", _sigmoid_derivative, kinds=(Mul,)),
    Lemma("dot-of-quotient", "pᵀ (a ⊘ p) = 1ᵀ a = sum(a)", _dot_of_quotient, kinds=(MatMul,)),
    Lemma("probability-sum", "sum(y) = 1 for y declared probability or onehot", _sum_of_probability, kinds=(Call,)),
    Lemma("values-squared", "y ∘ y = 1 for y declared pm1 (entries ±1); y ∘ y = y for y declared binary", _powers_of_values,
          kinds=(Power, Mul)),
]
SOURCE = ("the logistic sigmoid σ(u) = 1/(1 + e⁻ᵘ) (Bishop, PRML §4.3.2); pᵀ(a ⊘ p) = 1ᵀa; "
          "the declared values of data (sum(y) = 1, y ∘ y = 1 or y)")
LEMMAS = [dataclasses.replace(lemma, source=SOURCE) for lemma in LEMMAS]
