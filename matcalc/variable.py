"""The variable of a derivative and the expression it is taken of, read from what the user typed.

A variable named by text must occur in the expression: deriving by a name that is not there would
answer a question nobody asked (a zero), so it is an error naming the expression's names and the one
probably meant. A variable given as a :class:`matcalc.expr.Symbol` (a program asking, e.g. for a mixed
second derivative) may be absent and then has the zero derivative.
"""

from __future__ import annotations

from .errors import MatcalcError
from .expr import Expr, Symbol, symbols
from .latex_syntax import latex_variable
from .lexing import canonical_name
from .names import not_occurring
from .parser import parse, read
from .properties import VALUE_PROPERTIES
from .shapes import Dim


def variable_of(f: Expr, wrt: str | Symbol, where) -> Symbol:
    """The variable as it appears in f; a name f does not contain gets its own shape (and a zero derivative)."""
    name = wrt.name if isinstance(wrt, Symbol) else wrt
    if not isinstance(name, str) or not (name.isidentifier() or len(name) == 1):
        raise MatcalcError(f"the variable must be a name, got {wrt!r}")
    for s in symbols(f):
        if s.name == name:
            if s.props & VALUE_PROPERTIES:  # a constrained or discrete value: no derivative in the ambient space
                raise MatcalcError(
                    f"{name} is declared {'/'.join(sorted(s.props & VALUE_PROPERTIES))}, a property of data: "
                    f"derivatives by it are not read (leave the declaration out to differentiate by {name})")
            return s
    if isinstance(wrt, Symbol):
        return wrt
    alone = parse(name, where, strict=False)
    if not isinstance(alone, Symbol):
        raise MatcalcError(f"the variable must be a name, got {wrt!r}")
    used = {n for s in symbols(f) for d in s.shape for n in d.names()}
    fresh = (f"{n}{i}" for i in range(1, 1000) for n in "nmpq")
    rename = {n: Dim.of(next(c for c in fresh if c not in used)) for d in alone.shape for n in d.names() if n in used}
    return Symbol(name, tuple(d.substitute(rename) for d in alone.shape), alone.props)


def read_question(expr, wrt, where, notation: str = "auto"):
    """The expression to differentiate, the notes on its reading and the variable's name as the tree spells
    it (``W₁`` is ``W1``); a variable named by text must occur in the expression.

    Deriving by a name the expression does not contain answers a question nobody asked (a zero), so it
    is an error that says which names do occur and which one was probably meant."""
    if hasattr(expr, "expr") and hasattr(expr, "wrt"):  # a Derivative: mixed second derivatives, derive(d, "y")
        return expr.expr, [], wrt
    if isinstance(wrt, str):
        wrt = latex_variable(wrt.strip()) if "\\" in wrt else canonical_name(wrt.strip())
    name = wrt.name if isinstance(wrt, Symbol) else wrt
    reading = read(expr, where, notation=notation, known=(name,) if isinstance(name, str) else (), strict=True)
    if isinstance(wrt, str) and not any(s.name == wrt for s in symbols(reading.expr)):
        raise MatcalcError(not_occurring(wrt, reading.expr, expr))
    return reading.expr, reading.notes, wrt
