"""Symbolic dimensions and 2-D shapes.

Every matcalc expression is a 2-D array: a scalar is 1×1, a vector n×1, a covector 1×n, a matrix n×m.
A dimension is a :class:`Dim`, a polynomial with integer coefficients in named sizes (``n``, ``m``,
``h + 1`` for a block column, ``n*m`` for ``vec``). This module knows nothing about expressions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Monomial = tuple[str, ...]  # sorted names; () is the constant monomial


_OF: dict[tuple[type, int | str], Dim] = {}  # Dim.of's results, by the type and value given


class Dim:
    """An immutable polynomial in symbolic sizes, e.g. ``n``, ``3``, ``h + 1``, ``n*m``."""

    __slots__ = ("terms", "_hash")

    def __init__(self, terms: Mapping[Monomial, int]):
        clean = tuple(sorted((m, c) for m, c in terms.items() if c != 0))
        object.__setattr__(self, "terms", clean)
        object.__setattr__(self, "_hash", hash(clean))

    def __setattr__(self, name, value):  # immutability
        raise AttributeError("Dim is immutable")

    @staticmethod
    def of(value: int | str | Dim) -> Dim:
        if isinstance(value, Dim):
            return value
        known = _OF.get((type(value), value)) if isinstance(value, (int, str)) else None
        if known is not None:
            return known
        made = Dim._make(value)
        if len(_OF) < 4096:  # the names and small sizes of a session: built once (a Dim is immutable)
            _OF[type(value), value] = made
        return made

    @staticmethod
    def _make(value) -> Dim:
        if isinstance(value, bool):
            raise TypeError("a dimension cannot be a bool")
        if isinstance(value, int):
            return Dim({(): value})
        if isinstance(value, str):
            return Dim({(value,): 1})
        raise TypeError(f"not a dimension: {value!r}")

    @property
    def is_int(self) -> bool:
        return all(m == () for m, _ in self.terms)

    @property
    def value(self) -> int:
        """The integer value of a constant dimension."""
        if not self.is_int:
            raise ValueError(f"dimension {self} is symbolic")
        return sum(c for _, c in self.terms)

    @property
    def name(self) -> str | None:
        """The name when the dimension is a single symbol (``n``), else None."""
        if len(self.terms) == 1 and len(self.terms[0][0]) == 1 and self.terms[0][1] == 1:
            return self.terms[0][0][0]
        return None

    def names(self) -> set[str]:
        return {s for m, _ in self.terms for s in m}

    def __add__(self, other: Dim | int) -> Dim:
        other = Dim.of(other)
        acc = dict(self.terms)
        for m, c in other.terms:
            acc[m] = acc.get(m, 0) + c
        return Dim(acc)

    __radd__ = __add__

    def __mul__(self, other: Dim | int) -> Dim:
        other = Dim.of(other)
        acc: dict[Monomial, int] = {}
        for m1, c1 in self.terms:
            for m2, c2 in other.terms:
                m = tuple(sorted(m1 + m2))
                acc[m] = acc.get(m, 0) + c1 * c2
        return Dim(acc)

    __rmul__ = __mul__

    def __eq__(self, other) -> bool:
        if self is other:  # Dim.of builds a session's sizes once: most comparisons are of one object
            return True
        if type(other) is Dim:
            return self.terms == other.terms
        if isinstance(other, int) and not isinstance(other, bool):
            other = Dim.of(other)
        return isinstance(other, Dim) and self.terms == other.terms

    def __hash__(self) -> int:
        return self._hash

    def substitute(self, mapping: Mapping[str, Dim]) -> Dim:
        """Replace names by dimensions."""
        if not mapping:
            return self
        name = self.name
        if name is not None:  # the common case: one size
            return Dim.of(mapping[name]) if name in mapping else self
        if not any(s in mapping for m, _ in self.terms for s in m):
            return self
        out = Dim({})
        for mono, coeff in self.terms:
            term = Dim.of(coeff)
            for s in mono:
                term = term * mapping.get(s, Dim.of(s))
            out = out + term
        return out

    def evaluate(self, sizes: Mapping[str, int]) -> int:
        total = 0
        for mono, coeff in self.terms:
            prod = coeff
            for s in mono:
                prod *= sizes[s]
            total += prod
        return total

    def __str__(self) -> str:
        if not self.terms:
            return "0"
        parts = []
        for mono, coeff in sorted(self.terms, key=lambda t: (-len(t[0]), t[0])):
            body = "*".join(mono)
            if not mono:
                parts.append(str(coeff))
            elif coeff == 1:
                parts.append(body)
            else:
                parts.append(f"{coeff}*{body}")
        return " + ".join(parts).replace("+ -", "- ")

    def __repr__(self) -> str:
        return f"Dim({str(self)!r})"


ONE = Dim.of(1)

Shape = tuple[Dim, Dim]


def shape(rows: int | str | Dim, cols: int | str | Dim) -> Shape:
    return (Dim.of(rows), Dim.of(cols))


SCALAR: Shape = (ONE, ONE)


def is_scalar(s: Shape) -> bool:
    rows, cols = s
    return (rows is ONE or rows == ONE) and (cols is ONE or cols == ONE)


def is_vector(s: Shape) -> bool:
    """A column vector (n×1, n not known to be 1)."""
    return s[1] == ONE and s[0] != ONE


def is_covector(s: Shape) -> bool:
    return s[0] == ONE and s[1] != ONE


def kind(s: Shape) -> str:
    """'scalar', 'vector', 'covector' or 'matrix'."""
    if is_scalar(s):
        return "scalar"
    if is_vector(s):
        return "vector"
    if is_covector(s):
        return "covector"
    return "matrix"


def describe(s: Shape) -> str:
    """Human form used in messages and assumptions: ``scalar``, ``vector(n)``, ``matrix(n, m)``."""
    k = kind(s)
    if k == "scalar":
        return "scalar"
    if k == "vector":
        return f"vector({s[0]})"
    if k == "covector":
        return f"covector({s[1]})"
    return f"matrix({s[0]}, {s[1]})"


def dim_names(shapes: Iterable[Shape]) -> set[str]:
    return {name for s in shapes for d in s for name in d.names()}
