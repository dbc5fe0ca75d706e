"""The registry of named functions: one row per function, everything about it in one place.

A row gives the name and aliases, the shape rule, the NumPy implementation, the spellings for the
printers and, for element-wise functions, the scalar definition (a SymPy builder, used only when SymPy
is needed) and the domain to sample for numeric checks. The tree uses a row through the generic
:class:`matcalc.expr.Call` node, so adding a function is adding a row here — no grammar edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ShapeError
from .expr import Add, Call, Expr, Mul, Number, Power
from .shapes import SCALAR, Shape, describe, is_covector, is_scalar, is_vector

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class Function:
    """One registry row. Identity is the name."""

    name: str
    kind: str  # 'elementwise' | 'reduction' | 'matrix'
    arity: int
    numpy: Callable[..., Array]
    shape_rule: Callable[[tuple[Shape, ...]], Shape]
    latex: str  # LaTeX command or operator name, e.g. r"\exp", r"\operatorname{tr}"
    doc: str
    aliases: tuple[str, ...] = ()
    sympy: Callable[[Any, Any], Any] | None = None  # (sympy module, symbol) -> scalar definition
    domain: tuple[float, float] = (-2.0, 2.0)  # where random check points are drawn
    linear: bool = False
    # element-wise rows: f'(u) as a matcalc expression of the argument u, and its one-line statement
    derivative: Callable[[Expr], Expr] | None = None
    derivative_text: str = ""
    kink: bool = False  # not differentiable at 0 (relu, abs, ...): checks keep away from 0
    # generated NumPy code: a template in the argument {0}, and the source of a helper it calls, if any
    code: str = ""
    code_helper: str = ""
    # a user's function: its definition as a matcalc expression of an argument (for generated code)
    definition: Callable[[Expr], Expr] | None = None

    def shape_of(self, arg_shapes: tuple[Shape, ...]) -> Shape:
        if len(arg_shapes) != self.arity:
            raise ShapeError(f"{self.name} takes {self.arity} argument(s), got {len(arg_shapes)}")
        return self.shape_rule(arg_shapes)

    def __eq__(self, other) -> bool:
        return isinstance(other, Function) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"Function({self.name})"


REGISTRY: dict[str, Function] = {}
ALIASES: dict[str, str] = {}


def register(fn: Function) -> Function:
    """Add a row; names and aliases must be new."""
    for key in (fn.name, *fn.aliases):
        if key in REGISTRY or key in ALIASES:
            raise ValueError(f"function name {key!r} is already registered")
    REGISTRY[fn.name] = fn
    for alias in fn.aliases:
        ALIASES[alias] = fn.name
    return fn


def lookup(name: str) -> Function | None:
    """The row for a name or alias, or None."""
    return REGISTRY.get(ALIASES.get(name, name))


# ---------------------------------------------------------------- shape rules


def _same(shapes: tuple[Shape, ...]) -> Shape:
    return shapes[0]


def _to_scalar(shapes: tuple[Shape, ...]) -> Shape:
    return SCALAR


def _square(name: str) -> Callable[[tuple[Shape, ...]], Shape]:
    def rule(shapes):
        s = shapes[0]
        if s[0] != s[1]:
            raise ShapeError(f"{name} needs a square matrix, got {describe(s)}")
        return s if name == "inv" else SCALAR

    return rule


def _vector_only(name: str, result: str, hint: str) -> Callable[[tuple[Shape, ...]], Shape]:
    def rule(shapes):
        s = shapes[0]
        if not (is_vector(s) or is_covector(s) or is_scalar(s)):
            raise ShapeError(f"{name} needs a vector, got {describe(s)}; {hint}")
        return SCALAR if result == "scalar" else s

    return rule


def _diag_rule(shapes: tuple[Shape, ...]) -> Shape:
    s = shapes[0]
    if is_scalar(s):
        return s
    if is_vector(s):
        return (s[0], s[0])
    if s[0] == s[1]:
        return (s[0], SCALAR[0])
    raise ShapeError(f"diag needs a vector (to build a diagonal matrix) or a square matrix, got {describe(s)}")


def _kron_rule(shapes: tuple[Shape, ...]) -> Shape:
    (a, b), (c, d) = shapes
    return (a * c, b * d)


def _vec_rule(shapes: tuple[Shape, ...]) -> Shape:
    s = shapes[0]
    return (s[0] * s[1], SCALAR[1])


# ---------------------------------------------------------------- numpy helpers


def _sigmoid(x: Array) -> Array:
    """1/(1 + e^-x) to full relative precision on both tails (0.5 + 0.5 tanh(x/2) is 0 below x ≈ -37)."""
    return np.exp(-np.logaddexp(0.0, -x))


def _softmax(x: Array) -> Array:
    z = np.exp(x - np.max(x))
    return z / np.sum(z)


def _logsumexp(x: Array) -> Array:
    m = np.max(x)
    return np.asarray(m + np.log(np.sum(np.exp(x - m)))).reshape(1, 1)


def _scalar(value) -> Array:
    return np.asarray(value, dtype=float).reshape(1, 1)


def _logdet(x: Array) -> Array:
    sign, value = np.linalg.slogdet(x)
    if sign <= 0:
        return _scalar(np.nan)
    return _scalar(value)


def _diag(x: Array) -> Array:
    if x.shape == (1, 1):
        return x.copy()
    if x.shape[1] == 1:
        return np.diagflat(x)
    return np.diag(x).reshape(-1, 1).copy()


def _vec(x: Array) -> Array:
    return x.reshape(-1, 1, order="F").copy()


def _elementwise(name, numpy, latex, doc, sympy, derivative, derivative_text, domain=(-2.0, 2.0), aliases=(),
                 kink=False):
    return register(Function(
        name, "elementwise", 1, numpy, _same, latex, doc, tuple(aliases), sympy, domain,
        derivative=derivative, derivative_text=derivative_text, kink=kink, code=ELEMENTWISE_CODE[name],
    ))


# generated code for the element-wise rows: the NumPy ufunc, or a stable formula. The sigmoid is
# 0.5 + 0.5 tanh(x/2): one ufunc, no overflow warning at any x, absolute error below 1e-16 (the
# evaluator behind check() uses exp(-logaddexp(0, -x)) instead, which keeps relative precision far out
# on the negative tail but costs half as much again as the whole logistic-regression gradient)
ELEMENTWISE_CODE = {
    "exp": "np.exp({0})", "log": "np.log({0})", "sin": "np.sin({0})", "cos": "np.cos({0})", "tan": "np.tan({0})",
    "arcsin": "np.arcsin({0})", "arccos": "np.arccos({0})", "arctan": "np.arctan({0})", "tanh": "np.tanh({0})",
    "sigmoid": "0.5 + 0.5 * np.tanh(0.5 * {0})", "relu": "np.maximum({0}, 0.0)", "step": "np.heaviside({0}, 0.0)",
    "leaky_relu": "np.where({0} > 0, {0}, 0.01 * {0})", "softplus": "np.logaddexp(0.0, {0})",
    "abs": "np.abs({0})", "sign": "np.sign({0})", "sqrt": "np.sqrt({0})", "square": "np.square({0})",
}


def _call(name: str) -> Callable[[Expr], Expr]:
    return lambda u: Call(REGISTRY[name], u)


def _half(a: int, b: int = 1) -> Number:
    return Number(a) if b == 1 else Number(f"{a}/{b}")


# ---------------------------------------------------------------- element-wise rows

EXP = _elementwise(
    "exp", np.exp, r"\exp", "exponential", lambda sp, x: sp.exp(x),
    _call("exp"), "exp' = exp",
)
LOG = _elementwise(
    "log", np.log, r"\log", "natural logarithm", lambda sp, x: sp.log(x),
    lambda u: Power(u, Number(-1)), "log'(u) = 1/u", (0.2, 3.0), ("ln",),
)
SIN = _elementwise(
    "sin", np.sin, r"\sin", "sine", lambda sp, x: sp.sin(x),
    _call("cos"), "sin' = cos",
)
COS = _elementwise(
    "cos", np.cos, r"\cos", "cosine", lambda sp, x: sp.cos(x),
    lambda u: Mul(Number(-1), Call(SIN, u)), "cos' = -sin",
)
TAN = _elementwise(
    "tan", np.tan, r"\tan", "tangent", lambda sp, x: sp.tan(x),
    lambda u: Add(Number(1), Power(Call(TAN, u), Number(2))), "tan' = 1 + tan²", (-1.2, 1.2),
)
ARCSIN = _elementwise(
    "arcsin", np.arcsin, r"\arcsin", "inverse sine", lambda sp, x: sp.asin(x),
    lambda u: Power(Add(Number(1), Mul(Number(-1), Power(u, Number(2)))), _half(-1, 2)),
    "arcsin'(u) = (1 - u²)^(-1/2)", (-0.9, 0.9), ("asin",),
)
ARCCOS = _elementwise(
    "arccos", np.arccos, r"\arccos", "inverse cosine", lambda sp, x: sp.acos(x),
    lambda u: Mul(Number(-1), Power(Add(Number(1), Mul(Number(-1), Power(u, Number(2)))), _half(-1, 2))),
    "arccos'(u) = -(1 - u²)^(-1/2)", (-0.9, 0.9), ("acos",),
)
ARCTAN = _elementwise(
    "arctan", np.arctan, r"\arctan", "inverse tangent", lambda sp, x: sp.atan(x),
    lambda u: Power(Add(Number(1), Power(u, Number(2))), Number(-1)), "arctan'(u) = 1/(1 + u²)",
    aliases=("atan",),
)
TANH = _elementwise(
    "tanh", np.tanh, r"\tanh", "hyperbolic tangent", lambda sp, x: sp.tanh(x),
    lambda u: Add(Number(1), Mul(Number(-1), Power(Call(TANH, u), Number(2)))), "tanh' = 1 - tanh²",
)
SIGMOID = _elementwise(
    "sigmoid", _sigmoid, r"\sigma", "logistic sigmoid 1/(1 + e^-x)", lambda sp, x: 1 / (1 + sp.exp(-x)),
    lambda u: Mul(Call(SIGMOID, u), Add(Number(1), Mul(Number(-1), Call(SIGMOID, u)))), "σ' = σ(1 - σ)",
    aliases=("logistic", "σ"),
)
RELU = _elementwise(
    "relu", lambda x: np.maximum(x, 0.0), r"\operatorname{relu}", "rectifier max(0, x)",
    lambda sp, x: sp.Max(0, x), _call("step"), "relu' = step (1 for x > 0, 0 for x ≤ 0)", kink=True,
)
STEP = _elementwise(
    "step", lambda x: (x > 0).astype(float), r"\operatorname{step}", "unit step: 1 for x > 0, else 0",
    lambda sp, x: sp.Piecewise((1, x > 0), (0, True)), lambda u: Mul(Number(0), u),
    "step' = 0 (away from 0)", aliases=("heaviside",), kink=True,
)
LEAKY_RELU = _elementwise(
    "leaky_relu", lambda x: np.where(x > 0, x, 0.01 * x), r"\operatorname{lrelu}",
    "leaky rectifier max(0.01 x, x)", lambda sp, x: sp.Max(x / 100, x),
    lambda u: Add(_half(1, 100), Mul(_half(99, 100), Call(STEP, u))),
    "leaky_relu' = 1 for x > 0, 0.01 otherwise", kink=True,
)
SOFTPLUS = _elementwise(
    "softplus", lambda x: np.logaddexp(0.0, x), r"\operatorname{softplus}", "log(1 + e^x)",
    lambda sp, x: sp.log(1 + sp.exp(x)), _call("sigmoid"), "softplus' = σ",
)
ABS = _elementwise(
    "abs", np.abs, r"\operatorname{abs}", "absolute value", lambda sp, x: sp.Abs(x),
    _call("sign"), "abs' = sign (away from 0)", kink=True,
)
SIGN = _elementwise(
    "sign", np.sign, r"\operatorname{sign}", "sign", lambda sp, x: sp.sign(x),
    lambda u: Mul(Number(0), u), "sign' = 0 (away from 0)", kink=True,
)
SQRT = _elementwise(
    "sqrt", np.sqrt, r"\sqrt", "square root", lambda sp, x: sp.sqrt(x),
    lambda u: Mul(_half(1, 2), Power(Call(SQRT, u), Number(-1))), "sqrt'(u) = 1/(2 sqrt(u))", (0.2, 3.0),
)
SQUARE = _elementwise(
    "square", np.square, r"\operatorname{square}", "x squared", lambda sp, x: x**2,
    lambda u: Mul(Number(2), u), "square'(u) = 2u",
)

# ---------------------------------------------------------------- reductions and matrix functions

LOGSUMEXP_CODE = """def _logsumexp(u):
    top = np.max(u)
    return top + np.log(np.sum(np.exp(u - top)))
"""
SOFTMAX_CODE = """def _softmax(u):
    z = np.exp(u - np.max(u))
    return z / np.sum(z)
"""

SUM = register(Function(
    "sum", "reduction", 1, lambda x: _scalar(np.sum(x)), _to_scalar, r"\operatorname{sum}",
    "sum of all entries", linear=True, code="np.sum({0})",
))
TRACE = register(Function(
    "trace", "reduction", 1, lambda x: _scalar(np.trace(x)), _square("trace"), r"\operatorname{tr}",
    "trace (sum of the diagonal)", aliases=("tr",), linear=True, code="np.trace({0})",
))
DET = register(Function(
    "det", "reduction", 1, lambda x: _scalar(np.linalg.det(x)), _square("det"), r"\det", "determinant", code="np.linalg.det({0})",
))
LOGDET = register(Function(
    "logdet", "reduction", 1, _logdet, _square("logdet"), r"\log\det", "log of the determinant", code="np.linalg.slogdet({0})[1]",
))
NORM = register(Function(
    "norm", "reduction", 1, lambda x: _scalar(np.linalg.norm(x)),
    _vector_only("norm", "scalar", "for a matrix write norm_fro(X) or ||X||_F"), r"\|\cdot\|_2",
    "Euclidean 2-norm of a vector", aliases=("norm2",), code="np.linalg.norm({0})",
))
NORM1 = register(Function(
    "norm1", "reduction", 1, lambda x: _scalar(np.sum(np.abs(x))),
    _vector_only("norm1", "scalar", "norm1 is the vector 1-norm"), r"\|\cdot\|_1", "1-norm of a vector",
    code="np.sum(np.abs({0}))",
))
NORM_FRO = register(Function(
    "norm_fro", "reduction", 1, lambda x: _scalar(np.linalg.norm(x)), _to_scalar, r"\|\cdot\|_F",
    "Frobenius norm", aliases=("frobenius",), code="np.linalg.norm({0})",
))
LOGSUMEXP = register(Function(
    "logsumexp", "reduction", 1, _logsumexp, _to_scalar, r"\operatorname{logsumexp}",
    "log of the sum of exponentials of all entries", code="_logsumexp({0})", code_helper=LOGSUMEXP_CODE,
))
SOFTMAX = register(Function(
    "softmax", "matrix", 1, _softmax, _vector_only("softmax", "same", "softmax takes a vector"),
    r"\operatorname{softmax}", "exp(x) / sum(exp(x))", code="_softmax({0})", code_helper=SOFTMAX_CODE,
))
INV = register(Function(
    "inv", "matrix", 1, np.linalg.inv, _square("inv"), r"^{-1}", "matrix inverse", code="np.linalg.inv({0})",
))
DIAG = register(Function(
    "diag", "matrix", 1, _diag, _diag_rule, r"\operatorname{diag}",
    "diagonal matrix of a vector, or the diagonal of a square matrix", linear=True,
))
VEC = register(Function(
    "vec", "matrix", 1, _vec, _vec_rule, r"\operatorname{vec}", "stack the columns into one vector",
    linear=True,
))
KRON = register(Function(
    "kron", "matrix", 2, np.kron, _kron_rule, r"\otimes", "Kronecker product", code="np.kron({0}, {1})",
))

ELEMENTWISE = tuple(f for f in REGISTRY.values() if f.kind == "elementwise")

__all__ = ["Function", "REGISTRY", "register", "lookup", "ELEMENTWISE"]
