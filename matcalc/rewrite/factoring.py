"""Factoring and expanding: common matrix factors, scalar factors, divisors and numbers taken out of a sum, and
an element-wise polynomial multiplied out when that makes it smaller. Part of the algebraic lemmas
(:mod:`matcalc.rewrite.algebra` lists them in order). Termination: factoring reduces the number of terms of a
sum and never grows the tree; expanding only fires when the tree gets smaller, so the two cannot alternate.
"""

from __future__ import annotations

from fractions import Fraction

from ..errors import ShapeError
from ..expr import Add, Commutation, Expr, Identity, MatMul, Mul, Number, Power, count_nodes, nary
from ..shapes import is_scalar
from ..walks import sort_key
from .terms import _broadcast, is_number, product, split_coefficient, with_coefficient, zero_of


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
    taken = set(idx)  # a set: a factor shared by all N terms would make a list's `in` quadratic
    out = []
    for i, t in enumerate(e.args):
        if i == idx[0]:
            out.append(factored)
        elif i not in taken:
            out.append(t)
    return nary(Add, out)


MAX_MONOMIALS = 64
Monomial = tuple[tuple[Expr, int], ...]


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
            mono = tuple(sorted(((x, k) for x, k in powers.items() if k != 0), key=lambda p: sort_key(p[0])))
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
    if isinstance(e, Mul) and len(e.args) == 2 and is_number(e.args[0], -1) and isinstance(e.args[1], Add):
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
    taken = set(idx)
    out = []
    for i, t in enumerate(e.args):
        if i == idx[0]:
            out.append(grouped)
        elif i not in taken:
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


