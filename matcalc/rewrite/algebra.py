"""Algebraic lemmas: flattening, numbers, zeros and identities, powers, like terms, common factors.

Each lemma returns the rewritten node or None. Termination: flattening, folding and dropping shrink
the tree; collecting and factoring reduce the number of Add terms; ordering is idempotent.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from ..errors import ShapeError
from ..expr import Add, Call, Commutation, Expr, Identity, MatMul, Mul, Number, Ones, Power, Transpose, Zeros, count_nodes, nary
from ..printing.text import to_text
from ..shapes import SCALAR, is_scalar
from .engine import Lemma


def zero_of(shape) -> Expr:
    return Number(0) if shape == SCALAR else Zeros(shape)


def one_of(shape) -> Expr:
    return Number(1) if shape == SCALAR else Ones(shape)


def is_zero(e: Expr) -> bool:
    return isinstance(e, Zeros) or (isinstance(e, Number) and e.value == 0)


def product(factors: list[Expr], cls=Mul, shape=SCALAR) -> Expr:
    """The product of `factors`; the unit (1 or I) when there are none."""
    if not factors:
        return one_of(shape) if cls is Mul else Identity(shape[0])
    return nary(cls, factors)


def _flatten(e: Expr) -> Expr | None:
    if isinstance(e, (Add, Mul, MatMul)) and any(type(a) is type(e) for a in e.args):
        out = []
        for a in e.args:
            out.extend(a.args if type(a) is type(e) else [a])
        return type(e)(*out)
    return None


def split_coefficient(e: Expr) -> tuple[Fraction, Expr | None]:
    """term = c * rest with c a number (rest None for a pure number)."""
    if isinstance(e, Number):
        return e.value, None
    if isinstance(e, Mul) and isinstance(e.args[0], Number):
        rest = e.args[1:]
        return e.args[0].value, nary(Mul, rest)
    return Fraction(1), e


def with_coefficient(c: Fraction, rest: Expr | None) -> Expr:
    if rest is None:
        return Number(c)
    if c == 1:
        return rest
    if isinstance(rest, Mul):
        return Mul(Number(c), *rest.args)
    return Mul(Number(c), rest)


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


def _broadcast(e: Expr, shape) -> Expr:
    """`e` with the given shape: a scalar is broadcast by a ones array."""
    return e if e.shape == shape else Mul(e, Ones(shape))


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


def _transposes(e: Expr) -> int:
    from ..expr import count_in_tree

    return count_in_tree(e, lambda n: isinstance(n, Transpose))


def _scalar_orientation(e: Expr) -> Expr | None:
    """A 1×1 product equals its transpose; pick the form with fewer transposes (then by text)."""
    if not isinstance(e, MatMul) or not is_scalar(e.shape):
        return None
    other = MatMul(*[transpose_of(f) for f in reversed(e.args)])
    if other == e:
        return None
    count_e, count_o = _transposes(e), _transposes(other)
    if count_e != count_o:
        return other if count_o < count_e else None
    return other if to_text(other) < to_text(e) else None  # printed only on a tie: a deep e prints slowly


def _chain(term: Expr) -> tuple[Fraction, list[Expr]]:
    """A term as coefficient × matrix-product chain."""
    c, rest = split_coefficient(term)
    if rest is None:
        return c, []
    if isinstance(rest, MatMul):
        return c, list(rest.args)
    return c, [rest]


def _factor_common(e: Expr) -> Expr | None:
    """A B + A C → A (B + C) and B A + C A → (B + C) A, for the factor shared by most terms."""
    if not isinstance(e, Add):
        return None
    chains = [_chain(t) for t in e.args]
    best = None
    for side in ("right", "left"):
        counts: dict[Expr, list[int]] = {}
        for i, (_, ch) in enumerate(chains):
            if len(ch) < 1 or e.args[i].shape != e.shape:  # a broadcast scalar term has no factor to share
                continue
            f = ch[-1] if side == "right" else ch[0]
            if isinstance(f, Commutation):
                continue  # commutation matrices are distributed into sums, not factored out
            counts.setdefault(f, []).append(i)
        for f, idx in counts.items():
            if len(idx) < 2:
                continue
            if all(len(chains[i][1]) == 1 for i in idx):
                continue  # every term is just f: that is collecting, not factoring
            if best is None or len(idx) > len(best[2]):
                best = (side, f, idx)
    if best is None:
        return None
    side, f, idx = best
    remainders = []
    for i in idx:
        c, ch = chains[i]
        rest = ch[:-1] if side == "right" else ch[1:]
        if rest:
            r = product(rest, MatMul)
        else:
            r = Identity(f.shape[0] if side == "right" else f.shape[1])
        remainders.append(with_coefficient(c, r))
    try:
        inner = nary(Add, remainders)
        factored = MatMul(inner, f) if side == "right" else MatMul(f, inner)
    except ShapeError:
        return None
    if factored.shape != e.shape:
        return None
    out = []
    for i, t in enumerate(e.args):
        if i == idx[0]:
            out.append(factored)
        elif i not in idx:
            out.append(t)
    return nary(Add, out)


def _unit_constant(e: Expr) -> Expr | None:
    """A 1×1 identity or ones array is the number 1; a 1×1 zeros array is 0."""
    if isinstance(e, (Identity, Ones)) and e.shape == SCALAR:
        return Number(1)
    if isinstance(e, Zeros) and e.shape == SCALAR:
        return Number(0)
    return None


Monomial = tuple[tuple[Expr, int], ...]
MAX_MONOMIALS = 64


class _TooBig(Exception):
    pass


def _poly(e: Expr) -> dict[Monomial, Fraction]:
    """e as a polynomial in element-wise atoms (anything but +, ∘, numbers and small integer powers)."""
    if isinstance(e, Number):
        return {(): e.value}
    if isinstance(e, Add):
        out: dict[Monomial, Fraction] = {}
        for t in e.args:
            for m, c in _poly(t).items():
                out[m] = out.get(m, Fraction(0)) + c
        return out
    if isinstance(e, Mul):
        acc: dict[Monomial, Fraction] = {(): Fraction(1)}
        for f in e.args:
            acc = _times(acc, _poly(f))
        return acc
    if isinstance(e, Power) and isinstance(e.exponent, Number) and e.exponent.value.denominator == 1:
        k = int(e.exponent.value)
        if isinstance(e.base, Add) and 0 < k <= 4:
            acc = {(): Fraction(1)}
            base = _poly(e.base)
            for _ in range(k):
                acc = _times(acc, base)
            return acc
        if not isinstance(e.base, (Add, Mul, Number)):
            return {((e.base, k),): Fraction(1)}
    return {((e, 1),): Fraction(1)}


def _times(a: dict[Monomial, Fraction], b: dict[Monomial, Fraction]) -> dict[Monomial, Fraction]:
    out: dict[Monomial, Fraction] = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            powers: dict[Expr, int] = dict(ma)
            for atom, k in mb:
                powers[atom] = powers.get(atom, 0) + k
            mono = tuple(sorted(((x, k) for x, k in powers.items() if k != 0), key=lambda p: to_text(p[0])))
            out[mono] = out.get(mono, Fraction(0)) + ca * cb
            if len(out) > MAX_MONOMIALS:
                raise _TooBig
    return out


def _from_poly(poly: dict[Monomial, Fraction], shape) -> Expr:
    terms = []
    for mono, c in poly.items():
        if c == 0:
            continue
        factors = [x if k == 1 else Power(x, Number(k)) for x, k in mono]
        if c != 1 or not factors:
            factors.insert(0, Number(c))
        terms.append(product(factors))
    terms.sort(key=lambda t: split_coefficient(t)[0] < 0)  # positive terms first: s - y, not -y + s
    if not terms:
        return zero_of(shape)
    return _broadcast(nary(Add, terms), shape)


def _expand_if_smaller(e: Expr) -> Expr | None:
    """Expand an element-wise polynomial and collect, when that makes it smaller: -y(1-s) + (1-y)s = s - y;
    a negated difference is written the other way round: -(y - s) = s - y."""
    if isinstance(e, Mul) and len(e.args) == 2 and e.args[0] == Number(-1) and isinstance(e.args[1], Add):
        if any(split_coefficient(t)[0] < 0 for t in e.args[1].args):
            return _from_poly(_poly(e), e.shape)
        return None
    if not isinstance(e, Add):
        return None
    if not any(isinstance(t, Mul) and any(isinstance(f, Add) for f in t.args) for t in e.args):
        return None
    try:
        expanded = _from_poly(_poly(e), e.shape)
    except _TooBig:
        return None
    return expanded if count_nodes(expanded) < count_nodes(e) else None


def _scalar_factors(term: Expr) -> list[Expr]:
    if isinstance(term, Mul):
        return [f for f in term.args if is_scalar(f.shape) and not isinstance(f, Number)]
    return []


def _factor_scalar(e: Expr) -> Expr | None:
    """s a + s b = s (a + b) for a scalar factor s shared by two or more terms (the most shared one)."""
    if not isinstance(e, Add):
        return None
    counts: dict[Expr, list[int]] = {}
    for i, t in enumerate(e.args):
        for f in dict.fromkeys(_scalar_factors(t)):
            counts.setdefault(f, []).append(i)
    for i, t in enumerate(e.args):  # a term that is the factor itself: s a + s = s (a + 1)
        if t in counts and i not in counts[t]:
            counts[t].append(i)
    best = max(counts.items(), key=lambda kv: len(kv[1]), default=None)
    if best is None or len(best[1]) < 2:
        return None
    factor, idx = best
    idx.sort()
    inner = []
    for i in idx:
        if e.args[i] == factor:
            inner.append(Number(1))
            continue
        args = list(e.args[i].args)
        args.remove(factor)
        inner.append(nary(Mul, args))
    grouped = Mul(factor, Add(*inner))
    out = []
    for i, t in enumerate(e.args):
        if i == idx[0]:
            out.append(grouped)
        elif i not in idx:
            out.append(t)
    result = _broadcast(nary(Add, out), e.shape)
    # never larger: expand-collect undoes a factoring that grows the tree, and the two would alternate
    return result if count_nodes(result) <= count_nodes(e) else None


def _factor_divisor(e: Expr) -> Expr | None:
    """a / s + b / s² = (a + b / s) / s: a scalar divisor every term shares, taken out at its lowest power."""
    if not isinstance(e, Add) or len(e.args) < 2:
        return None
    powers: list[dict[Expr, Fraction]] = []
    for t in e.args:
        factors = t.args if isinstance(t, Mul) else (t,)
        powers.append({f.base: f.exponent.value for f in factors if isinstance(f, Power) and is_scalar(f.shape)
                       and isinstance(f.exponent, Number) and f.exponent.value < 0
                       and f.exponent.value.denominator == 1})
    shared = [b for b in powers[0] if all(b in p for p in powers[1:])]
    if not shared:
        return None
    base = shared[0]
    k = max(p[base] for p in powers)  # the power closest to zero: -1 of 1/s and 1/s²
    inner = []
    for t, p in zip(e.args, powers):
        factors = list(t.args) if isinstance(t, Mul) else [t]
        i = factors.index(Power(base, Number(p[base])))
        rest = p[base] - k
        if rest:
            factors[i] = Power(base, Number(rest))
        else:
            del factors[i]
        inner.append(nary(Mul, factors) if factors else Number(1))
    result = Mul(_broadcast(Add(*inner), e.shape), Power(base, Number(k)))
    return result if count_nodes(result) <= count_nodes(e) else None


def _factor_number(e: Expr) -> Expr | None:
    """c a + c b = c (a + b) and c a - c b = c (a - b) when every term carries the number ±c, |c| ≠ 1."""
    if not isinstance(e, Add):
        return None
    split = [split_coefficient(t) for t in e.args]
    c = split[0][0]
    if abs(c) == 1 or any(r is None or abs(k) != abs(c) for k, r in split):
        return None
    return Mul(Number(c), Add(*[with_coefficient(k / c, r) for k, r in split]))


def _positive_first(e: Expr) -> Expr | None:
    """A sum is written with a positive term first: -y + s is s - y."""
    if not isinstance(e, Add) or split_coefficient(e.args[0])[0] >= 0:
        return None
    ordered = sorted(e.args, key=lambda t: split_coefficient(t)[0] < 0)
    return Add(*ordered) if split_coefficient(ordered[0])[0] >= 0 else None


LEMMAS = [
    Lemma("unit-constant", "I₁ = 1₁ₓ₁ = 1; 0₁ₓ₁ = 0", _unit_constant),
    Lemma("flatten", "(a + b) + c = a + b + c; likewise for ∘ and @", _flatten),
    Lemma("fold-numbers", "2 ∘ 3 ∘ a = 6 a; 1 ∘ a = a; 0 ∘ a = 0", _fold_mul_numbers),
    Lemma("zero-factor", "0 ∘ a = 0; A 0 = 0", _mul_zero),
    Lemma("scalars-first", "a ∘ c = c a for a scalar c (numbers first)", _mul_order),
    Lemma("power-merge", "a^j ∘ a^k = a^(j+k); a ∘ a⁻¹ = 1", _power_merge),
    Lemma("add-numbers-zeros", "a + 0 = a; 2 + 3 = 5", _add_numbers_and_zeros),
    Lemma("collect-like-terms", "c₁ t + c₂ t = (c₁ + c₂) t", _collect),
    Lemma("identity-factor", "A I = A", _matmul_identity),
    Lemma("scalar-factor", "A s B = s A B for a 1×1 factor s", _matmul_scalar_factor),
    Lemma("pull-scaling", "A (c B) = c (A B) for a scalar c", _matmul_pull_scaling),
    Lemma("power-simplify", "a¹ = a; a⁰ = 1; (a^j)^k = a^(jk) for integer k", _power_simple),
    Lemma("scalar-orientation", "s = sᵀ for 1×1 s: xᵀa = aᵀx", _scalar_orientation),
    Lemma("factor-common", "A B + A C = A (B + C); B A + C A = (B + C) A", _factor_common),
    Lemma("factor-scalar", "s a + s b = s (a + b) for a scalar s", _factor_scalar),
    Lemma("factor-divisor", "a / s + b / s² = (a + b / s) / s for a scalar s", _factor_divisor),
    Lemma("factor-number", "c a ± c b = c (a ± b)", _factor_number),
    Lemma("positive-first", "-a + b is written b - a", _positive_first),
    Lemma("expand-collect", "expand an element-wise polynomial when it gets smaller: -y(1 - s) + (1 - y)s = s - y",
          _expand_if_smaller),
]
SOURCE = 'matrix algebra: associativity, distributivity, the commutative element-wise product'
LEMMAS = [dataclasses.replace(lemma, source=SOURCE) for lemma in LEMMAS]
