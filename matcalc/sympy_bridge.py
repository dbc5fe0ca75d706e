"""SymPy ↔ matcalc for element-wise functions, and registering a user's own function.

SymPy is imported here only, and only when a user registers a function (plain derivations never
import it). A registered function becomes an ordinary registry row: its derivative is SymPy's
derivative of the definition, translated into a matcalc expression of the argument; its NumPy
implementation evaluates the translated definition with matcalc's own evaluator (no code is
generated or executed).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .errors import MatcalcError, UnsupportedError
from .expr import Add, Call, Expr, Mul, Number, Power, Symbol
from .expr import substitute as _substitute
from .functions import EXP, SQRT, Function, elementwise_row, lookup, register
from .shapes import shape

# SymPy function name -> matcalc registry name
SYMPY_FUNCTIONS = {
    "exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan", "asin": "arcsin",
    "acos": "arccos", "atan": "arctan", "tanh": "tanh", "Abs": "abs", "sign": "sign", "Heaviside": "step",
}


def from_sympy(e, arg_symbol, u: Expr) -> Expr:
    """Translate a SymPy expression in `arg_symbol` into a matcalc element-wise expression of `u`."""
    import sympy as sp

    if e == arg_symbol:
        return u
    if e.is_Number:
        if e.is_Rational:
            return Number(Fraction(int(e.p), int(e.q)))
        if e.is_Float:
            return Number(Fraction(str(e)))
        raise UnsupportedError(f"the constant {e} in a function definition")
    if e.is_NumberSymbol:  # pi, E
        return Number(Fraction(float(e)).limit_denominator(10**12))
    if isinstance(e, sp.Add):
        return Add(*[from_sympy(a, arg_symbol, u) for a in e.args])
    if isinstance(e, sp.Mul):
        return Mul(*[from_sympy(a, arg_symbol, u) for a in e.args])
    if isinstance(e, sp.Pow):
        base, exponent = e.args
        if exponent == sp.Rational(1, 2):
            return Call(SQRT, from_sympy(base, arg_symbol, u))
        if base == sp.E:
            return Call(EXP, from_sympy(exponent, arg_symbol, u))
        return Power(from_sympy(base, arg_symbol, u), from_sympy(exponent, arg_symbol, u))
    if isinstance(e, sp.Function):
        name = type(e).__name__
        target = SYMPY_FUNCTIONS.get(name) or (name if lookup(name) is not None else None)
        if target is None or len(e.args) != 1:
            raise UnsupportedError(f"the SymPy function {name} in a function definition")
        return Call(lookup(target), from_sympy(e.args[0], arg_symbol, u))
    raise UnsupportedError(f"the SymPy expression {e} in a function definition")


def register_function(name: str, definition, variable=None, latex: str | None = None, domain=(-2.0, 2.0)) -> Function:
    """Register an element-wise function from a SymPy expression in one variable.

    >>> import sympy as sp; x = sp.Symbol("x")
    >>> register_function("gauss", sp.exp(-x**2))   # doctest: +SKIP
    """
    import sympy as sp

    if not isinstance(name, str) or not name.isidentifier() or not name[0].isalpha():
        raise MatcalcError(f"a function name must be an identifier, not {name!r}")
    if lookup(name) is not None:
        raise MatcalcError(f"{name} is already a function")
    from .syntax import parse_syntax

    try:  # the name must be one the grammar reads as a function call
        node, _ = parse_syntax(f"{name}(x)")
    except MatcalcError:
        node = None
    if node is None or node.op != "call" or node.data[0] != name:
        raise MatcalcError(f"{name!r} cannot be written as a function call in matcalc's syntax; use an ASCII name")
    definition = sp.sympify(definition) if not isinstance(definition, sp.Basic) else definition
    free = sorted(definition.free_symbols, key=str)
    if variable is None:
        if len(free) != 1:
            raise MatcalcError(f"the definition of {name} must have exactly one variable, has {free}")
        variable = free[0]
    elif free and set(free) != {variable}:
        raise MatcalcError(f"the definition of {name} may only use {variable}, uses {free}")
    real = sp.Symbol(str(variable), real=True)  # element-wise functions act on real numbers
    definition, variable = definition.subs(variable, real), real
    u = Symbol("u", shape("n", 1))
    body = from_sympy(definition, variable, u)  # checked now, so bad definitions fail at registration
    derivative_body = from_sympy(sp.diff(definition, variable), variable, u)

    def numpy_impl(values: np.ndarray) -> np.ndarray:
        from .numeric import value_2d

        arr = np.asarray(values, dtype=float)
        flat = arr.reshape(-1, 1)
        out = value_2d(body, {"u": flat}, {"n": flat.shape[0]})
        return np.broadcast_to(out, flat.shape).reshape(arr.shape)

    def derivative(arg: Expr) -> Expr:
        from .expr import substitute

        return substitute(derivative_body, {u: arg})

    fn = elementwise_row(
        name, numpy_impl, latex or rf"\operatorname{{{name}}}", f"user function {definition}",
        lambda sp_, x: definition.subs(variable, x), derivative, f"{name}' = {sp.diff(definition, variable)}",
        domain=domain, definition=lambda arg: _substitute(body, {u: arg}),
    )
    return register(fn)
