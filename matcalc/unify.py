"""Dimensions solved by unification: equations between symbolic sizes, solved as they come.

Undeclared names get flexible dimensions (``?1``, ``?2``, …); every operator adds an equation between
dimensions (inner dimensions of a product, equal shapes of a sum), solved at once, linear ones included
(``?a + 1 = h + 1``, ``m·p = m·n``). Literal ``1``/``0`` arrays have dimensions that become 1 when nothing
else fixes them. Used by :mod:`matcalc.infer`.
"""

from __future__ import annotations

from .shapes import ONE, Dim, Shape

FLEX_PREFIX = "?"


class Unifier:
    """Equations between dimensions, solved incrementally (linear ones included: ``?a + 1 = h + 1``)."""

    def __init__(self) -> None:
        self.bound: dict[str, Dim] = {}
        self.nonunit: set[str] = set()  # flexible dims that may not become 1 (a default vector's length)
        self.default_one: set[str] = set()  # flexible dims of literal 1/0 arrays: 1 when left free
        self.count = 0

    def fresh(self, nonunit: bool = False, default_one: bool = False) -> Dim:
        self.count += 1
        name = f"{FLEX_PREFIX}{self.count}"
        if nonunit:
            self.nonunit.add(name)
        if default_one:
            self.default_one.add(name)
        return Dim.of(name)

    def resolve(self, d: Dim) -> Dim:
        names = d.names() & self.bound.keys()
        if not names:
            return d
        return d.substitute({n: self._value(n) for n in names})

    def _value(self, name: str) -> Dim:
        """A bound name's value with no bound name left in it; every binding met on the way is replaced by
        its resolved value (path compression), so a chain ?1 → ?2 → … → n is followed once, not per use:
        a sum of thousands of terms sharing an undeclared variable makes such chains."""
        path, value = [name], self.bound[name]
        while value.name is not None and value.name in self.bound:  # a chain of single names: iteratively
            path.append(value.name)
            value = self.bound[value.name]
        inner = value.names() & self.bound.keys()
        if inner:  # a polynomial in bound names (?a + 1): each resolved (and compressed) in turn
            value = value.substitute({n: self._value(n) for n in inner})
        for n in path:
            self.bound[n] = value
        return value

    def shape(self, s: Shape) -> Shape:
        return (self.resolve(s[0]), self.resolve(s[1]))

    def unify(self, a: Dim, b: Dim) -> bool:
        a, b = self.resolve(a), self.resolve(b)
        if a == b:
            return True
        sides = sorted(((a, b), (b, a)), key=lambda p: p[0].name not in self.default_one)
        for var_side, other in sides:  # a lone flexible dim takes the other side's value
            name = var_side.name
            if name and name.startswith(FLEX_PREFIX) and self._bind(name, other):
                return True
        common = _common_factor(a, b)
        if common is not None:  # m·p = m·n  ⇒  p = n (sizes are positive)
            return self.unify(_divide(a, common), _divide(b, common))
        diff = a + b * -1
        # otherwise solve the linear equation for one flexible dim, literal ones' dims last
        terms = sorted(diff.terms, key=lambda t: (len(t[0]) == 1 and t[0][0] in self.default_one))
        for mono, coeff in terms:
            if len(mono) != 1 or abs(coeff) != 1 or not mono[0].startswith(FLEX_PREFIX):
                continue
            if self._bind(mono[0], (diff + Dim({mono: -coeff})) * -coeff):
                return True
        return False

    def _bind(self, var: str, value: Dim) -> bool:
        if var in value.names():
            return False
        if value.is_int and (value.value < 1 or (value.value == 1 and var in self.nonunit)):
            return False
        self.bound[var] = value
        if var in self.nonunit:
            self.nonunit.update(n for n in value.names() if n.startswith(FLEX_PREFIX))
        return True

    def is_scalar(self, s: Shape) -> bool:
        r = self.shape(s)
        return r[0] == ONE and r[1] == ONE

    def settle(self, s: Shape) -> Shape:
        """Fix still-free dims of literal ``1``/``0`` arrays at 1: a function needs to know its argument's kind.

        ``diag(A 1)`` is the diagonal matrix of the vector ``A 1``, not the diagonal of ``A`` times a
        square matrix of ones.
        """
        for d in self.shape(s):
            if d.name in self.default_one:
                self._bind(d.name, ONE)
        return self.shape(s)

    def settle_scalar(self, s: Shape) -> bool:
        """Make `s` a scalar if only literal ``1``/``0`` dims stand in the way (``x.T @ 1 * y``)."""
        r = self.shape(s)
        if not all(d == ONE or d.name in self.default_one for d in r):
            return False
        return self.is_scalar(self.settle(r))


def _common_factor(a: Dim, b: Dim) -> str | None:
    """A name dividing every term of both dimensions (m in m·p and m·n), if any."""
    terms = [mono for mono, _ in a.terms + b.terms]
    if not terms or not all(terms):
        return None
    shared = set(terms[0]).intersection(*map(set, terms[1:]))
    return min(shared) if shared else None


def _divide(d: Dim, name: str) -> Dim:
    out = {}
    for mono, coeff in d.terms:
        rest = list(mono)
        rest.remove(name)
        out[tuple(rest)] = coeff
    return Dim(out)
