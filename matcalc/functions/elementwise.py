"""Element-wise functions f applied entry by entry: f(U) has U's shape and d f(U) = f'(U) ∘ dU.

Each row gives f (NumPy), its scalar definition (SymPy, used only by tests and user registration), f'
as a matcalc expression, the interval checks sample from, and its code: the NumPy ufunc or a formula
that does not overflow. The sigmoid is written 0.5 + 0.5 tanh(x/2) in generated code (one ufunc, no
overflow warning at any x, absolute error below 1e-16); the evaluator behind check() uses
exp(-logaddexp(0, -x)) instead, which keeps relative precision far out on the negative tail.
"""

from __future__ import annotations

import math

import numpy as np

from ..expr import Add, Call, Expr, Mul, Number, Power
from .definition import REGISTRY, Array, elementwise_row, register


def _sigmoid(x: Array) -> Array:
    """1/(1 + e^-x) to full relative precision on both tails (0.5 + 0.5 tanh(x/2) is 0 below x ≈ -37)."""
    return np.exp(-np.logaddexp(0.0, -x))


_ERFC = np.frompyfunc(math.erfc, 1, 1)


def _normal_cdf(x: Array) -> Array:
    """Φ(x) = erfc(-x/√2)/2, with the C library's erfc (full relative precision on the left tail)."""
    return np.asarray(0.5 * _ERFC(-np.asarray(x, dtype=float) / math.sqrt(2.0)), dtype=float)


def _normal_pdf(x: Array) -> Array:
    return np.exp(-0.5 * np.square(x)) / math.sqrt(2.0 * math.pi)


# generated code for Φ: erfc by its series of positive terms below 1 (Abramowitz & Stegun 7.1.6) and its
# continued fraction from 1 on (A&S 7.1.14), relative error below 1e-14; only calls every code target has (``xp`` is the
# target's array namespace) and no branch on values, so the JAX code can be jit-compiled
NORMAL_CDF_CODE = '''def _erfc(z):
    """erfc(z) for z >= 0."""
    s = xp.where(z < 1.0, z, 1.0)
    term = total = s
    for k in range(1, 40):
        term = term * (2.0 * s * s / (2 * k + 1))
        total = total + term
    t = xp.where(z > 1.0, z, 1.0)
    fraction = t
    for k in range(200, 0, -1):
        fraction = t + 0.5 * k / fraction
    near = 1.0 - 1.1283791670955126 * xp.exp(-s * s) * total  # 2/√π
    return xp.where(z < 1.0, near, xp.exp(-t * t) / (1.7724538509055159 * fraction))  # √π


def _normal_cdf(x):
    tail = 0.5 * _erfc(xp.abs(x) / 1.4142135623730951)  # √2
    return xp.where(x < 0, tail, 1.0 - tail)
'''


def _call(name: str):
    return lambda u: Call(REGISTRY[name], u)


def _half(a: int, b: int = 1) -> Number:
    return Number(a) if b == 1 else Number(f"{a}/{b}")


def _one_minus(e: Expr) -> Expr:
    return Add(Number(1), Mul(Number(-1), e))


EXP = register(elementwise_row(
    "exp", np.exp, r"\exp", "exponential", lambda sp, x: sp.exp(x),
    _call("exp"), "exp' = exp", "xp.exp({0})", square_matrix_meaning="expm",
))
LOG = register(elementwise_row(
    "log", np.log, r"\log", "natural logarithm", lambda sp, x: sp.log(x),
    lambda u: Power(u, Number(-1)), "log'(u) = 1/u", "xp.log({0})", (0.2, 3.0), ("ln",), square_matrix_meaning="logm",
))
SIN = register(elementwise_row(
    "sin", np.sin, r"\sin", "sine", lambda sp, x: sp.sin(x), _call("cos"), "sin' = cos", "xp.sin({0})",
))
COS = register(elementwise_row(
    "cos", np.cos, r"\cos", "cosine", lambda sp, x: sp.cos(x),
    lambda u: Mul(Number(-1), Call(SIN, u)), "cos' = -sin", "xp.cos({0})",
))
TAN = register(elementwise_row(
    "tan", np.tan, r"\tan", "tangent", lambda sp, x: sp.tan(x),
    lambda u: Add(Number(1), Power(Call(TAN, u), Number(2))), "tan' = 1 + tan²", "xp.tan({0})", (-1.2, 1.2),
))
ARCSIN = register(elementwise_row(
    "arcsin", np.arcsin, r"\arcsin", "inverse sine", lambda sp, x: sp.asin(x),
    lambda u: Power(_one_minus(Power(u, Number(2))), _half(-1, 2)),
    "arcsin'(u) = (1 - u²)^(-1/2)", "xp.arcsin({0})", (-0.9, 0.9), ("asin",),
))
ARCCOS = register(elementwise_row(
    "arccos", np.arccos, r"\arccos", "inverse cosine", lambda sp, x: sp.acos(x),
    lambda u: Mul(Number(-1), Power(_one_minus(Power(u, Number(2))), _half(-1, 2))),
    "arccos'(u) = -(1 - u²)^(-1/2)", "xp.arccos({0})", (-0.9, 0.9), ("acos",),
))
ARCTAN = register(elementwise_row(
    "arctan", np.arctan, r"\arctan", "inverse tangent", lambda sp, x: sp.atan(x),
    lambda u: Power(Add(Number(1), Power(u, Number(2))), Number(-1)), "arctan'(u) = 1/(1 + u²)",
    "xp.arctan({0})", aliases=("atan",),
))
TANH = register(elementwise_row(
    "tanh", np.tanh, r"\tanh", "hyperbolic tangent", lambda sp, x: sp.tanh(x),
    lambda u: _one_minus(Power(Call(TANH, u), Number(2))), "tanh' = 1 - tanh²", "xp.tanh({0})",
))
SIGMOID = register(elementwise_row(
    "sigmoid", _sigmoid, r"\sigma", "logistic sigmoid 1/(1 + e^-x)", lambda sp, x: 1 / (1 + sp.exp(-x)),
    lambda u: Mul(Call(SIGMOID, u), _one_minus(Call(SIGMOID, u))), "σ' = σ(1 - σ)",
    "0.5 + 0.5 * xp.tanh(0.5 * {0})", aliases=("logistic", "σ"),
))
RELU = register(elementwise_row(
    "relu", lambda x: np.maximum(x, 0.0), r"\operatorname{relu}", "rectifier max(0, x)",
    lambda sp, x: sp.Max(0, x), _call("step"), "relu' = step (1 for x > 0, 0 for x ≤ 0)",
    "xp.maximum({0}, 0.0)", kink=True,
))
STEP = register(elementwise_row(
    "step", lambda x: (x > 0).astype(float), r"\operatorname{step}", "unit step: 1 for x > 0, else 0",
    lambda sp, x: sp.Piecewise((1, x > 0), (0, True)), lambda u: Mul(Number(0), u),
    "step' = 0 (away from 0)", "xp.heaviside({0}, 0.0)", aliases=("heaviside",), kink=True,
))
LEAKY_RELU = register(elementwise_row(
    "leaky_relu", lambda x: np.where(x > 0, x, 0.01 * x), r"\operatorname{lrelu}",
    "leaky rectifier max(0.01 x, x)", lambda sp, x: sp.Max(x / 100, x),
    lambda u: Add(_half(1, 100), Mul(_half(99, 100), Call(STEP, u))),
    "leaky_relu' = 1 for x > 0, 0.01 otherwise", "xp.where({0} > 0, {0}, 0.01 * {0})", kink=True,
))
SOFTPLUS = register(elementwise_row(
    "softplus", lambda x: np.logaddexp(0.0, x), r"\operatorname{softplus}", "log(1 + e^x)",
    lambda sp, x: sp.log(1 + sp.exp(x)), _call("sigmoid"), "softplus' = σ", "xp.logaddexp(0.0, {0})",
))
ABS = register(elementwise_row(
    "abs", np.abs, r"\operatorname{abs}", "absolute value", lambda sp, x: sp.Abs(x),
    _call("sign"), "abs' = sign (away from 0)", "xp.abs({0})", kink=True,
))
SIGN = register(elementwise_row(
    "sign", np.sign, r"\operatorname{sign}", "sign", lambda sp, x: sp.sign(x),
    lambda u: Mul(Number(0), u), "sign' = 0 (away from 0)", "xp.sign({0})", kink=True,
))
SQRT = register(elementwise_row(
    "sqrt", np.sqrt, r"\sqrt", "square root", lambda sp, x: sp.sqrt(x),
    lambda u: Mul(_half(1, 2), Power(Call(SQRT, u), Number(-1))), "sqrt'(u) = 1/(2 sqrt(u))", "xp.sqrt({0})",
    (0.2, 3.0), square_matrix_meaning="sqrtm",
))
SQUARE = register(elementwise_row(
    "square", np.square, r"\operatorname{square}", "x squared", lambda sp, x: x**2,
    lambda u: Mul(Number(2), u), "square'(u) = 2u", "xp.square({0})",
))
LOG1P = register(elementwise_row(
    "log1p", np.log1p, r"\operatorname{log1p}", "log(1 + x), accurate for small x", lambda sp, x: sp.log(1 + x),
    lambda u: Power(Add(Number(1), u), Number(-1)), "log1p'(u) = 1/(1 + u)", "xp.log1p({0})", (-0.9, 3.0),
))
EXPM1 = register(elementwise_row(
    "expm1", np.expm1, r"\operatorname{expm1}", "e^x - 1, accurate for small x", lambda sp, x: sp.exp(x) - 1,
    _call("exp"), "expm1' = exp", "xp.expm1({0})",
))
COSH = register(elementwise_row(
    "cosh", np.cosh, r"\cosh", "hyperbolic cosine", lambda sp, x: sp.cosh(x), _call("sinh"), "cosh' = sinh",
    "xp.cosh({0})",
))
SINH = register(elementwise_row(
    "sinh", np.sinh, r"\sinh", "hyperbolic sine", lambda sp, x: sp.sinh(x), _call("cosh"), "sinh' = cosh",
    "xp.sinh({0})",
))
SECH = register(elementwise_row(
    "sech", lambda x: 1.0 / np.cosh(x), r"\operatorname{sech}", "hyperbolic secant 1/cosh(x)",
    lambda sp, x: sp.sech(x), lambda u: Mul(Number(-1), Call(SECH, u), Call(TANH, u)), "sech' = -sech tanh",
    "1 / xp.cosh({0})",
))
SOFTSIGN = register(elementwise_row(
    "softsign", lambda x: x / (1.0 + np.abs(x)), r"\operatorname{softsign}", "x / (1 + abs(x))",
    lambda sp, x: x / (1 + sp.Abs(x)), lambda u: Power(Add(Number(1), Call(ABS, u)), Number(-2)),
    "softsign'(u) = 1/(1 + abs(u))²", "{0} / (1 + xp.abs({0}))",
))
SILU = register(elementwise_row(
    "silu", lambda x: x * _sigmoid(x), r"\operatorname{silu}", "sigmoid-weighted linear unit x σ(x)",
    lambda sp, x: x / (1 + sp.exp(-x)),
    lambda u: Mul(Call(SIGMOID, u), Add(Number(1), Mul(u, _one_minus(Call(SIGMOID, u))))),
    "silu'(u) = σ(u)(1 + u(1 - σ(u)))", "{0} * (0.5 + 0.5 * xp.tanh(0.5 * {0}))", aliases=("swish",),
))
NORMAL_PDF = register(elementwise_row(
    "normal_pdf", _normal_pdf, r"\operatorname{normal\_pdf}", "standard normal density φ(x) = exp(-x²/2)/√(2π)",
    lambda sp, x: sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi), lambda u: Mul(Number(-1), u, Call(NORMAL_PDF, u)),
    "φ'(u) = -u φ(u)", "xp.exp(-0.5 * {0} ** 2) / 2.5066282746310002",  # divided by √(2π)
))
NORMAL_CDF = register(elementwise_row(
    "normal_cdf", _normal_cdf, r"\operatorname{normal\_cdf}", "standard normal distribution Φ(x) = (1 + erf(x/√2))/2",
    lambda sp, x: (1 + sp.erf(x / sp.sqrt(2))) / 2, _call("normal_pdf"), "Φ' = φ", "_normal_cdf({0})",
    code_helper=NORMAL_CDF_CODE,
))
GELU = register(elementwise_row(
    "gelu", lambda x: x * _normal_cdf(x), r"\operatorname{GELU}", "Gaussian error linear unit x Φ(x)",
    lambda sp, x: x * (1 + sp.erf(x / sp.sqrt(2))) / 2,
    lambda u: Add(Call(NORMAL_CDF, u), Mul(u, Call(NORMAL_PDF, u))), "gelu'(u) = Φ(u) + u φ(u)",
    "{0} * _normal_cdf({0})", code_helper=NORMAL_CDF_CODE,
))
