"""Stable forms for computing: exact identities that keep generated code from overflowing.

A value written the way a person types it, ``sum(log(1 + exp(-y * (X @ w))))``, overflows in floating
point once an entry of the exponent passes ~710, although the value itself is finite. Before code is
emitted, such subtrees are replaced by the registry functions that compute the same value without
the overflow (each an identity, so the value is unchanged wherever both are finite):

* ``log(1 + exp(u))`` → ``softplus(u)``;
* ``log(sigmoid(u))`` → ``-softplus(-u)`` and ``log(1 - sigmoid(u))`` → ``-softplus(u)``;
* ``log(sum(exp(u)))`` → ``logsumexp(u)``;
* ``exp(u) / sum(exp(u))`` → ``softmax(u)``, also where ``exp(u)`` is a factor of a matrix product
  (``Aᵀ exp(u) / sum(exp(u))`` → ``Aᵀ softmax(u)``).

Only the computed form changes; what matcalc prints keeps the reader's form.
"""

from __future__ import annotations

from ..expr import Add, Call, Expr, MatMul, Mul, Number, Power, Transpose, nary, negate
from ..functions import EXP, LOG, LOGSUMEXP, SIGMOID, SOFTMAX, SOFTPLUS, SUM
from ..shapes import is_vector
from ..walks import bottom_up


def stable(e: Expr) -> Expr:
    """`e` with every overflowing log-of-exponential form replaced by its stable equal."""
    return bottom_up(e, _rewrite)


def _rewrite(node: Expr) -> Expr:
    if isinstance(node, Mul):
        return _softmax(node)
    if not (isinstance(node, Call) and node.fn is LOG):
        return node
    (arg,) = node.args
    rest = _one_plus(arg)
    if isinstance(rest, Call) and rest.fn is EXP:  # log(1 + exp(u))
        return Call(SOFTPLUS, rest.args[0])
    if isinstance(arg, Call) and arg.fn is SIGMOID:  # log σ(u) = -softplus(-u)
        return negate(Call(SOFTPLUS, negate(arg.args[0])))
    if rest is not None:  # log(1 - σ(u)) = -softplus(u)
        sigmoid = _negated(rest)
        if isinstance(sigmoid, Call) and sigmoid.fn is SIGMOID:
            return negate(Call(SOFTPLUS, sigmoid.args[0]))
    if isinstance(arg, Call) and arg.fn is SUM and isinstance(arg.args[0], Call) and arg.args[0].fn is EXP:
        return Call(LOGSUMEXP, arg.args[0].args[0])  # log(sum(exp(u)))
    return node


def _one_plus(e: Expr) -> Expr | None:
    """t with e = 1 + t (a sum of exactly the number 1 and one other term), else None."""
    if isinstance(e, Add) and len(e.args) == 2:
        first, second = e.args
        if first == Number(1):
            return second
        if second == Number(1):
            return first
    return None


def _negated(e: Expr) -> Expr | None:
    """t with e = -t, else None."""
    if isinstance(e, Mul) and len(e.args) == 2 and e.args[0] == Number(-1):
        return e.args[1]
    return None


def _softmax(node: Mul) -> Expr:
    """c ∘ F(exp(u)) ∘ sum(exp(u))⁻¹ → c ∘ F(softmax(u)), for F = exp(u) itself or a product with it as a factor."""
    for k, factor in enumerate(node.args):
        total = _sum_of_exp(factor)
        if total is None:
            continue
        if not is_vector(total.shape):  # softmax is of a vector; a matrix's exp / sum(exp) stays as it is
            continue
        exp_u = Call(EXP, total)
        for j, other in enumerate(node.args):
            if j == k:
                continue
            replaced = _with_softmax(other, exp_u)
            if replaced is not None:
                rest = [replaced if i == j else a for i, a in enumerate(node.args) if i != k]
                return nary(Mul, rest)
    return node


def _sum_of_exp(factor: Expr) -> Expr | None:
    """u when factor = sum(exp(u))⁻¹, else None."""
    if isinstance(factor, Power) and factor.exponent == Number(-1):
        base = factor.args[0]
        if isinstance(base, Call) and base.fn is SUM and isinstance(base.args[0], Call) and base.args[0].fn is EXP:
            return base.args[0].args[0]
    return None


def _with_softmax(e: Expr, exp_u: Expr) -> Expr | None:
    """`e` with one occurrence of exp(u) that `e` is linear in (itself, maybe transposed, a factor of a
    product, the argument of a linear function such as sum) replaced by softmax(u); None when there is none."""
    softmax = Call(SOFTMAX, exp_u.args[0])
    if e == exp_u:
        return softmax
    if isinstance(e, Transpose) and e.arg == exp_u:
        return Transpose(softmax)
    if isinstance(e, MatMul):
        for i, a in enumerate(e.args):
            inner = _with_softmax(a, exp_u) if not isinstance(a, MatMul) else None
            if inner is not None:
                return MatMul(*[inner if j == i else b for j, b in enumerate(e.args)])
    if isinstance(e, Call) and e.fn.linear and len(e.args) == 1:  # sum(exp(u)ᵀ M) / sum(exp(u)): f is linear
        inner = _with_softmax(e.args[0], exp_u)
        return Call(e.fn, inner) if inner is not None else None
    return None
