"""Presentation, run once at the end: the order a textbook prints a product in.

``-2 (Φᵀ r)`` is printed ``-2 * Phi.T @ r`` (the coefficient joins the first factor), and scalar
divisors go last (``A.T @ A @ x / norm(A @ x)``). Inside a sum a negative coefficient stays outside,
where it prints as subtraction (``y - Phi @ theta``). These rewrites would undo ``pull-scaling`` if
run with the other lemmas, so they run as one top-down pass of their own.
"""

from __future__ import annotations

import dataclasses

from ..expr import Add, Expr, MatMul, Mul, Number, Power, map_args
from ..shapes import is_scalar
from .engine import Firing, Lemma


def _is_divisor(f: Expr) -> bool:
    return isinstance(f, Power) and f.exponent == Number(-1) and is_scalar(f.shape)


def _coefficient_into_product(e: Expr) -> Expr | None:
    if not isinstance(e, Mul):
        return None
    products = [f for f in e.args if isinstance(f, MatMul)]
    others = [f for f in e.args if not isinstance(f, MatMul)]
    if len(products) != 1 or not all(is_scalar(f.shape) for f in others):
        return None
    coefficients = [f for f in others if not _is_divisor(f)]
    divisors = [f for f in others if _is_divisor(f)]
    if not coefficients:
        return None
    chain = products[0].args
    first = list(chain[0].args) if isinstance(chain[0], Mul) else [chain[0]]  # -1 (a ∘ b) is -1 ∘ a ∘ b: printed -a * b
    product = MatMul(Mul(*coefficients, *first), *chain[1:])
    return Mul(product, *divisors) if divisors else product


def _divisors_last(e: Expr) -> Expr | None:
    if not isinstance(e, Mul):
        return None
    ordered = sorted(e.args, key=_is_divisor)
    if ordered == list(e.args) or _is_divisor(ordered[0]):
        return None
    return Mul(*ordered)


LEMMAS = [
    Lemma("coefficient-into-product", "c (A B) is written (c A) B", _coefficient_into_product),
    Lemma("divisors-last", "s⁻¹ a is written a / s", _divisors_last),
]
SOURCE = 'layout only: the value is unchanged'
LEMMAS = [dataclasses.replace(lemma, source=SOURCE) for lemma in LEMMAS]
_INTO, _LAST = LEMMAS


def present(e: Expr, trace: list[Firing] | None = None) -> Expr:
    """Apply the presentation lemmas top-down, once per node (a shared subtree once per context, so the
    work is linear in the distinct subexpressions, not in the tree written out)."""
    memo: dict[tuple[int, bool], Expr] = {}

    def fire(lemma: Lemma, node: Expr) -> Expr:
        new = lemma.apply(node)
        if new is None:
            return node
        if trace is not None:
            trace.append((lemma.name, node, new))
        return new

    def go(node: Expr, in_sum: bool) -> Expr:
        key = (id(node), in_sum)  # the tree stays alive while present runs, so ids are not reused
        hit = memo.get(key)
        if hit is not None:
            return hit
        new = map_args(node, lambda a: go(a, isinstance(node, Add)))
        negative_term = (
            in_sum and isinstance(new, Mul) and isinstance(new.args[0], Number) and new.args[0].value < 0
        )
        if not negative_term:
            new = fire(_INTO, new)
        memo[key] = new = fire(_LAST, new)
        return new

    try:
        return go(e, False)
    finally:
        go = None  # go refers to itself: break the cycle, so the memo is freed now, not by the cyclic collector
