"""Nonlinear reductions and matrix functions with a closed-form differential of their own.

Norms (Matrix Cookbook (121), (129)), the determinant and its logarithm (Jacobi's formula; Cookbook
(46), (57)), the inverse (Cookbook (59)), softmax, log-softmax and log-sum-exp. Each row's builder
takes the node and the differentials of its arguments and returns d f with the name of its rule.
"""

from __future__ import annotations

import numpy as np

from ..expr import Add, Call, Expr, MatMul, Mul, Number, Ones, Power, Transpose
from ..shapes import ONE, is_scalar
from .definition import Function, Rule, bars, postfix, register, to_scalar, vector_only
from .elementwise import EXP, SIGN
from .linear import SUM, TRACE, scalar_array


def _neg(e: Expr) -> Expr:
    return Mul(Number(-1), e)


# ---------------------------------------------------------------- norms

NORM_RULE = Rule("norm", "d‖u‖ = uᵀ du / ‖u‖", "Matrix Cookbook (129)")
NORM1_RULE = Rule("norm1", "d‖u‖₁ = sign(u)ᵀ du", "calculus (away from zero entries)")
NORM_FRO_RULE = Rule("norm-fro", "d‖U‖_F = tr(Uᵀ dU) / ‖U‖_F", "Matrix Cookbook (121)")


def _norm_differential(e: Call, ds):
    (v,), (dv,) = e.args, ds
    if is_scalar(v.shape):
        return Mul(Call(SIGN, v), dv), NORM_RULE.name
    inner = MatMul(Transpose(v), dv) if v.shape[1] == ONE else MatMul(dv, Transpose(v))
    return Mul(inner, Power(e, Number(-1))), NORM_RULE.name


NORM = register(Function(
    "norm", "reduction", 1, lambda x: scalar_array(np.linalg.norm(x)),
    vector_only("norm", "scalar", "for a matrix write norm_fro(X) or ||X||_F"), bars(r"\left\| ", r" \right\|_{2}"),
    "Euclidean 2-norm of a vector", aliases=("norm2",), code="xp.linalg.norm({0})",
    differential=_norm_differential, rules=(NORM_RULE,), math=bars("‖", "‖"),
))
NORM1 = register(Function(
    "norm1", "reduction", 1, lambda x: scalar_array(np.sum(np.abs(x))),
    vector_only("norm1", "scalar", "norm1 is the vector 1-norm"), bars(r"\left\| ", r" \right\|_{1}"),
    "1-norm of a vector", code="xp.sum(xp.abs({0}))", kink=True,
    differential=lambda e, ds: (Call(SUM, Mul(Call(SIGN, e.args[0]), ds[0])), NORM1_RULE.name),
    rules=(NORM1_RULE,), math=bars("‖", "‖_1"),
))
NORM_FRO = register(Function(
    "norm_fro", "reduction", 1, lambda x: scalar_array(np.linalg.norm(x)), to_scalar,
    bars(r"\left\| ", r" \right\|_{F}"), "Frobenius norm", aliases=("frobenius",), code="xp.linalg.norm({0})",
    differential=lambda e, ds: (
        Mul(Call(SUM, Mul(e.args[0], ds[0])), Power(e, Number(-1))), NORM_FRO_RULE.name
    ),
    rules=(NORM_FRO_RULE,), math=bars("‖", "‖_F"),
))

# ---------------------------------------------------------------- determinant, log-determinant, inverse

DET_RULE = Rule("det", "d det(U) = det(U) tr(U⁻¹ dU)", "Jacobi's formula; Matrix Cookbook (46)")
LOGDET_RULE = Rule("logdet", "d log det(U) = tr(U⁻¹ dU)", "Matrix Cookbook (57)")
INVERSE_RULE = Rule("inverse", "d(U⁻¹) = -U⁻¹ dU U⁻¹", "Matrix Cookbook (59)")


def _logdet(x):
    sign, value = np.linalg.slogdet(x)
    if sign <= 0:
        return scalar_array(np.nan)
    return scalar_array(value)


def _inv(a: Expr) -> Expr:
    return Call(INV, a)


DET = register(Function(
    "det", "reduction", 1, lambda x: scalar_array(np.linalg.det(x)), to_scalar, r"\det", "determinant",
    code="xp.linalg.det({0})", square=True, conditioning=True, rules=(DET_RULE,),
    differential=lambda e, ds: (Mul(e, Call(TRACE, MatMul(_inv(e.args[0]), ds[0]))), DET_RULE.name),
))
LOGDET = register(Function(
    "logdet", "reduction", 1, _logdet, to_scalar, r"\log\det", "log of the determinant",
    code="xp.linalg.slogdet({0})[1]", square=True, conditioning=True, rules=(LOGDET_RULE,),
    differential=lambda e, ds: (Call(TRACE, MatMul(_inv(e.args[0]), ds[0])), LOGDET_RULE.name),
))
INV = register(Function(
    "inv", "matrix", 1, np.linalg.inv, lambda shapes: shapes[0], postfix("^{-1}"), "matrix inverse",
    code="xp.linalg.inv({0})", square=True, conditioning=True, preserves_symmetry=True, rules=(INVERSE_RULE,),
    differential=lambda e, ds: (_neg(MatMul(e, ds[0], e)), INVERSE_RULE.name), math=postfix("⁻¹"),
))

# ---------------------------------------------------------------- softmax, log-softmax, log-sum-exp

SOFTMAX_RULE = Rule(
    "softmax", "d softmax(u) = s ∘ du - s (sᵀ du),  s = softmax(u)  (a row u: s ∘ du - (du sᵀ) s)", "calculus",
)
LOGSUMEXP_RULE = Rule(
    "logsumexp", "d logsumexp(u) = softmax(u)ᵀ du;  a matrix U: sum(P ∘ dU), P = exp(U - logsumexp(U))",
    "calculus",
)
LOG_SOFTMAX_RULE = Rule(
    "log-softmax", "d log_softmax(u) = du - (softmax(u)ᵀ du) 1  (∂ log_softmax(u)/∂u = I - 1 softmax(u)ᵀ)",
    "calculus: log_softmax(u) = u - logsumexp(u) 1",
)

LOGSUMEXP_CODE = """def _logsumexp(u):
    top = xp.max(u)
    return top + xp.log(xp.sum(xp.exp(u - top)))
"""
SOFTMAX_CODE = """def _softmax(u):
    z = xp.exp(u - xp.max(u))
    return z / xp.sum(z)
"""
LOG_SOFTMAX_CODE = """def _log_softmax(u):
    shifted = u - xp.max(u)
    return shifted - xp.log(xp.sum(xp.exp(shifted)))
"""


def _softmax(x):
    z = np.exp(x - np.max(x))
    return z / np.sum(z)


def _log_softmax(x):
    shifted = x - np.max(x)
    return shifted - np.log(np.sum(np.exp(shifted)))


def _logsumexp(x):
    m = np.max(x)
    return np.asarray(m + np.log(np.sum(np.exp(x - m)))).reshape(1, 1)


def _softmax_differential(e: Call, ds):
    """d s = s ∘ du - s (sᵀ du) for a column; for a row, the transpose: s ∘ du - (du sᵀ) s."""
    (u,), (du,) = e.args, ds
    if u.shape[1] == ONE:
        return Add(Mul(e, du), _neg(MatMul(e, Transpose(e), du))), SOFTMAX_RULE.name
    return Add(Mul(e, du), _neg(MatMul(du, Transpose(e), e))), SOFTMAX_RULE.name


def _log_softmax_differential(e: Call, ds):
    """d log_softmax(u) = du - (sᵀ du) 1 for a column, du - (du sᵀ) 1 for a row, s = softmax(u)."""
    (u,), (du,) = e.args, ds
    s = Call(SOFTMAX, u)
    weighted = MatMul(Transpose(s), du) if u.shape[1] == ONE else MatMul(du, Transpose(s))
    return Add(du, _neg(Mul(weighted, Ones(u.shape)))), LOG_SOFTMAX_RULE.name


def _logsumexp_differential(e: Call, ds):
    """d lse(u) = softmax(u)ᵀ du for a column (du softmax(u)ᵀ for a row); for a matrix U,
    sum(P ∘ dU) with P = exp(U - lse(U)), the softmax over all entries."""
    (u,), (du,) = e.args, ds
    if u.shape[1] == ONE:
        return MatMul(Transpose(Call(SOFTMAX, u)), du), LOGSUMEXP_RULE.name
    if u.shape[0] == ONE:
        return MatMul(du, Transpose(Call(SOFTMAX, u))), LOGSUMEXP_RULE.name
    weights = Call(EXP, Add(u, _neg(e)))  # the scalar broadcast over U
    return Call(SUM, Mul(weights, du)), LOGSUMEXP_RULE.name


SOFTMAX = register(Function(
    "softmax", "matrix", 1, _softmax, vector_only("softmax", "same", "softmax takes a vector"),
    r"\operatorname{softmax}", "exp(x) / sum(exp(x))", code="_softmax({0})", code_helper=SOFTMAX_CODE,
    differential=_softmax_differential, rules=(SOFTMAX_RULE,),
))
LOGSUMEXP = register(Function(
    "logsumexp", "reduction", 1, _logsumexp, to_scalar, r"\operatorname{logsumexp}",
    "log of the sum of exponentials of all entries", code="_logsumexp({0})", code_helper=LOGSUMEXP_CODE,
    differential=_logsumexp_differential, rules=(LOGSUMEXP_RULE,),
))
LOG_SOFTMAX = register(Function(
    "log_softmax", "matrix", 1, _log_softmax, vector_only("log_softmax", "same", "log_softmax takes a vector"),
    r"\operatorname{log\_softmax}", "x - logsumexp(x) 1, the logarithm of the softmax", code="_log_softmax({0})",
    code_helper=LOG_SOFTMAX_CODE, differential=_log_softmax_differential, rules=(LOG_SOFTMAX_RULE,),
))
