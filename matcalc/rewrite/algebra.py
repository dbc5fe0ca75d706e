"""Algebraic lemmas: flattening, numbers, zeros and identities, powers, like terms, common factors (the factoring
and expanding lemmas live in :mod:`matcalc.rewrite.factoring`, the shared term helpers in :mod:`matcalc.rewrite.terms`).

Each lemma returns the rewritten node or None. Termination: flattening, folding and dropping shrink
the tree; collecting and factoring reduce the number of Add terms; ordering is idempotent.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from ..expr import Add, Block, Call, Expr, Identity, MatMul, Mul, Number, Ones, Power, Transpose, Zeros, nary
from ..shapes import SCALAR, is_scalar
from ..walks import sort_key
from .engine import Lemma
from .factoring import _expand_if_smaller, _factor_common, _factor_divisor, _factor_number, _factor_scalar
from .terms import _broadcast, is_zero, one_of, product, split_coefficient, with_coefficient, zero_of  # noqa: F401


def _flatten(e: Expr) -> Expr | None:
    if isinstance(e, (Add, Mul, MatMul)) and any(type(a) is type(e) for a in e.args):
        out = []
        for a in e.args:
            out.extend(a.args if type(a) is type(e) else [a])
        return type(e)(*out)
    return None


def _fold_mul_numbers(e: Expr) -> Expr | None:
    if not isinstance(e, Mul):
        return None
    numbers = [a for a in e.args if isinstance(a, Number)]
    if not numbers:
        return None
    value = Fraction(1)
    for n in numbers:
        value *= n.value
    others = [a for a in e.args if not isinstance(a, Number)]
    if value == 0 or any(is_zero(a) for a in others):
        return zero_of(e.shape)
    if len(numbers) == 1 and value != 1:
        return None  # one number: already folded (its place is the business of scalars-first)
    if value == 1:
        return _broadcast(product(others), e.shape) if others else one_of(e.shape)
    return Mul(Number(value), *others) if others else Number(value)


def _mul_zero(e: Expr) -> Expr | None:
    if isinstance(e, (Mul, MatMul)) and any(is_zero(a) for a in e.args):
        return zero_of(e.shape)
    return None


def _factor_rank(a: Expr) -> int:
    """Numbers, then monomials (x, x²), then sums, then other scalars, then arrays: 2 * x * cos(x**2)."""
    if isinstance(a, Number):
        return 0
    if not is_scalar(a.shape):
        return 4
    base = a.base if isinstance(a, Power) and isinstance(a.exponent, Number) else a
    if not base.args:
        return 1
    return 2 if isinstance(base, Add) else 3


def _mul_order(e: Expr) -> Expr | None:
    """The canonical element-wise product: factors ranked by :func:`_factor_rank`, stable within a rank."""
    if not isinstance(e, Mul):
        return None
    ordered = sorted(e.args, key=_factor_rank)
    return Mul(*ordered) if ordered != list(e.args) else None


def _base_exponent(e: Expr) -> tuple[Expr, Fraction | None]:
    if isinstance(e, Power) and isinstance(e.exponent, Number):
        return e.base, e.exponent.value
    return e, Fraction(1)


def _power_merge(e: Expr) -> Expr | None:
    """a ∘ a → a², a ∘ a⁻¹ → 1 (element-wise, for equal bases)."""
    if not isinstance(e, Mul):
        return None
    bases = [a.base if isinstance(a, Power) and isinstance(a.exponent, Number) else a
             for a in e.args if not isinstance(a, Number)]
    if len(set(bases)) == len(bases):  # no base twice: nothing to merge (the common case, decided without arithmetic)
        return None
    groups: dict[Expr, Fraction] = {}
    order: list[Expr] = []
    for a in e.args:
        if isinstance(a, Number):
            continue
        base, k = _base_exponent(a)
        if base not in groups:
            order.append(base)
            groups[base] = Fraction(0)
        groups[base] += k
    if len(order) == sum(1 for a in e.args if not isinstance(a, Number)):
        return None
    out = [a for a in e.args if isinstance(a, Number)]
    for base in order:
        k = groups[base]
        if k == 0:
            continue
        out.append(base if k == 1 else Power(base, Number(k)))
    if not out:
        return one_of(e.shape)
    return _broadcast(product(out), e.shape)


def _add_numbers_and_zeros(e: Expr) -> Expr | None:
    if not isinstance(e, Add):
        return None
    numbers = [a for a in e.args if isinstance(a, Number)]
    zeros = [a for a in e.args if is_zero(a)]
    if len(numbers) < 2 and not zeros:
        return None
    total = sum((n.value for n in numbers), Fraction(0))
    rest = [a for a in e.args if not isinstance(a, (Number, Zeros))]
    if total != 0:
        rest.append(Number(total))
    if not rest:
        return zero_of(e.shape)
    return _broadcast(rest[0], e.shape) if len(rest) == 1 else _broadcast(Add(*rest), e.shape)


def _collect(e: Expr) -> Expr | None:
    """c₁ t + c₂ t → (c₁ + c₂) t, keeping the first occurrence's place."""
    if not isinstance(e, Add):
        return None
    groups: dict[object, Fraction] = {}
    order: list[Expr | None] = []
    for term in e.args:
        c, rest = split_coefficient(term)
        key = rest
        if key not in groups:
            groups[key] = Fraction(0)
            order.append(key)
        groups[key] += c
    if len(order) == len(e.args):
        return None
    out = [with_coefficient(groups[k], k) for k in order if groups[k] != 0]
    if not out:
        return zero_of(e.shape)
    return _broadcast(out[0], e.shape) if len(out) == 1 else _broadcast(Add(*out), e.shape)


def _matmul_identity(e: Expr) -> Expr | None:
    if not isinstance(e, MatMul) or not any(isinstance(a, Identity) for a in e.args):
        return None
    rest = [a for a in e.args if not isinstance(a, Identity)]
    if not rest:
        return Identity(e.shape[0])
    return nary(MatMul, rest)


def _matmul_scalar_factor(e: Expr) -> Expr | None:
    """A 1×1 factor of a matrix product is a scaling: A s b = s (A b)."""
    if not isinstance(e, MatMul):
        return None
    scalars = [a for a in e.args if is_scalar(a.shape)]
    if not scalars:
        return None
    rest = [a for a in e.args if not is_scalar(a.shape)]
    return Mul(*scalars, product(rest, MatMul)) if rest else product(scalars)


def _matmul_pull_scaling(e: Expr) -> Expr | None:
    """A (c B) C = c (A B C) for scalar c."""
    if not isinstance(e, MatMul):
        return None
    pulled: list[Expr] = []
    factors: list[Expr] = []
    for a in e.args:
        if isinstance(a, Mul) and any(is_scalar(f.shape) for f in a.args) and not is_scalar(a.shape):
            scal = [f for f in a.args if is_scalar(f.shape)]
            arr = [f for f in a.args if not is_scalar(f.shape)]
            pulled.extend(scal)
            factors.append(product(arr))
        else:
            factors.append(a)
    if not pulled:
        return None
    return Mul(*pulled, MatMul(*factors))


def _power_simple(e: Expr) -> Expr | None:
    if not isinstance(e, Power) or not isinstance(e.exponent, Number):
        return None
    k = e.exponent.value
    if k == 1:
        return e.base
    if k == 0:
        return one_of(e.shape)
    if isinstance(e.base, Number) and k.denominator == 1 and abs(k) <= 64 and (e.base.value != 0 or k > 0):
        return Number(e.base.value ** int(k))
    if isinstance(e.base, Power) and isinstance(e.base.exponent, Number) and k.denominator == 1:
        return Power(e.base.base, Number(e.base.exponent.value * k))
    if isinstance(e.base, Ones):
        return e.base
    return None


def transpose_of(e: Expr) -> Expr:
    """eᵀ with the transpose pushed through products, sums and leaves (no simplification beyond)."""
    if is_scalar(e.shape):
        return e
    if isinstance(e, Transpose):
        return e.arg
    if isinstance(e, MatMul):
        return MatMul(*[transpose_of(a) for a in reversed(e.args)])
    if getattr(e, "is_symmetric", False) or isinstance(e, Identity):
        return e
    if isinstance(e, (Ones, Zeros)):
        return type(e)((e.shape[1], e.shape[0]))
    if isinstance(e, Call) and e.fn.symmetric_result:
        return e
    return Transpose(e)


def transpose_delta(e: Expr) -> int:
    """How many transposes :func:`transpose_of` adds to `e` written out (negative: removes), read off the nodes it
    rewrites (a product's factors, recursively) instead of counting both trees: below them they are the same."""
    if is_scalar(e.shape):
        return 0
    if isinstance(e, Transpose):
        return -1
    if isinstance(e, MatMul):
        return sum([transpose_delta(a) for a in e.args])
    if (getattr(e, "is_symmetric", False) or isinstance(e, (Identity, Ones, Zeros))
            or (isinstance(e, Call) and e.fn.symmetric_result)):
        return 0
    return 1


def _scalar_orientation(e: Expr) -> Expr | None:
    """A 1×1 product equals its transpose; pick the form with fewer transposes (then the first in the structural order)."""
    if not isinstance(e, MatMul) or not is_scalar(e.shape):
        return None
    other = MatMul(*[transpose_of(f) for f in reversed(e.args)])
    if other == e:
        return None
    delta = sum([transpose_delta(f) for f in e.args])  # the transposes other has more than e
    if delta:
        return other if delta < 0 else None
    return other if sort_key(other) < sort_key(e) else None


def block_rows(e: Expr) -> list[list[Expr]] | None:
    """The rows of blocks of a block matrix, or of a transposed one ([A, B]ᵀ has rows Aᵀ and Bᵀ); else None."""
    if isinstance(e, Block):
        return [list(row) for row in e.rows]
    if isinstance(e, Transpose) and isinstance(e.arg, Block):
        rows = e.arg.rows
        return [[transpose_of(row[j]) for row in rows] for j in range(len(rows[0]))]
    return None


def _constant_blocks(rows: list[list[Expr]]) -> bool:
    return all(isinstance(a, (Identity, Zeros, Ones, Number)) for row in rows for a in row)


def _block_product(e: Expr) -> Expr | None:
    """[A₁, A₂] [B₁; B₂] = A₁B₁ + A₂B₂, blockwise for any conforming partition, when the blocks on one side are
    constants (I, 0, 1): a selector such as [I, 0] [x; b] = x, which differentiating a block expression leaves."""
    if not isinstance(e, MatMul):
        return None
    for i in range(len(e.args) - 1):
        left, right = block_rows(e.args[i]), block_rows(e.args[i + 1])
        if left is None or right is None or len(left[0]) != len(right):
            continue
        if not (_constant_blocks(left) or _constant_blocks(right)):
            continue
        if any(left[0][j].shape[1] != right[j][0].shape[0] for j in range(len(right))):
            continue  # the partitions of the inner dimension differ
        blocks = [nary(Add, [MatMul(row[j], right[j][col]) for j in range(len(right))])
                  for row in left for col in range(len(right[0]))]
        product = blocks[0] if len(blocks) == 1 else Block(*blocks, layout=(len(right[0]),) * len(left))
        return nary(MatMul, [*e.args[:i], product, *e.args[i + 2:]])
    return None


def _unit_constant(e: Expr) -> Expr | None:
    """A 1×1 identity or ones array is the number 1; a 1×1 zeros array is 0."""
    if isinstance(e, (Identity, Ones)) and e.shape == SCALAR:
        return Number(1)
    if isinstance(e, Zeros) and e.shape == SCALAR:
        return Number(0)
    return None


def _positive_first(e: Expr) -> Expr | None:
    """A sum is written with a positive term first: -y + s is s - y."""
    if not isinstance(e, Add) or split_coefficient(e.args[0])[0] >= 0:
        return None
    ordered = sorted(e.args, key=lambda t: split_coefficient(t)[0] < 0)
    return Add(*ordered) if split_coefficient(ordered[0])[0] >= 0 else None


LEMMAS = [
    Lemma("unit-constant", "I₁ = 1₁ₓ₁ = 1; 0₁ₓ₁ = 0", _unit_constant, kinds=(Identity, Ones, Zeros)),
    Lemma("flatten", "(a + b) + c = a + b + c; likewise for ∘ and @", _flatten, kinds=(Add, Mul, MatMul)),
    Lemma("fold-numbers", "2 ∘ 3 ∘ a = 6 a; 1 ∘ a = a; 0 ∘ a = 0", _fold_mul_numbers, kinds=(Mul,)),
    Lemma("zero-factor", "0 ∘ a = 0; A 0 = 0", _mul_zero, kinds=(Mul, MatMul)),
    Lemma("scalars-first", "a ∘ c = c a for a scalar c (numbers first)", _mul_order, kinds=(Mul,)),
    Lemma("power-merge", "a^j ∘ a^k = a^(j+k); a ∘ a⁻¹ = 1", _power_merge, kinds=(Mul,)),
    Lemma("add-numbers-zeros", "a + 0 = a; 2 + 3 = 5", _add_numbers_and_zeros, kinds=(Add,)),
    Lemma("collect-like-terms", "c₁ t + c₂ t = (c₁ + c₂) t", _collect, kinds=(Add,)),
    Lemma("identity-factor", "A I = A", _matmul_identity, kinds=(MatMul,)),
    Lemma("scalar-factor", "A s B = s A B for a 1×1 factor s", _matmul_scalar_factor, kinds=(MatMul,)),
    Lemma("pull-scaling", "A (c B) = c (A B) for a scalar c", _matmul_pull_scaling, kinds=(MatMul,)),
    Lemma("block-product", "[A₁, A₂] [B₁; B₂] = A₁B₁ + A₂B₂ (blocks of constants on one side: [I, 0] [x; b] = x)",
          _block_product, kinds=(MatMul,)),
    Lemma("power-simplify", "a¹ = a; a⁰ = 1; (a^j)^k = a^(jk) for integer k", _power_simple, kinds=(Power,)),
    Lemma("scalar-orientation", "s = sᵀ for 1×1 s: xᵀa = aᵀx", _scalar_orientation, kinds=(MatMul,)),
    Lemma("factor-common", "A B + A C = A (B + C); B A + C A = (B + C) A", _factor_common, kinds=(Add,)),
    Lemma("factor-scalar", "s a + s b = s (a + b) for a scalar s", _factor_scalar, kinds=(Add,)),
    Lemma("factor-divisor", "a / s + b / s² = (a + b / s) / s for a scalar s", _factor_divisor, kinds=(Add,)),
    Lemma("factor-number", "c a ± c b = c (a ± b)", _factor_number, kinds=(Add,)),
    Lemma("positive-first", "-a + b is written b - a", _positive_first, kinds=(Add,)),
    Lemma("expand-collect", "expand an element-wise polynomial when it gets smaller: -y(1 - s) + (1 - y)s = s - y",
          _expand_if_smaller, kinds=(Mul, Add)),
]
SOURCE = 'matrix algebra: associativity, distributivity, the commutative element-wise product'
LEMMAS = [dataclasses.replace(lemma, source=SOURCE) for lemma in LEMMAS]
