"""The named functions: one complete definition per function, and the registry that holds them.

A definition (:class:`Function`, see :mod:`.definition`) is everything matcalc knows about a function
f: its shape rule, its differential (f'(u) ∘ du for element-wise rows, f(dU) for linear ones, a
builder of its own otherwise), the adjoint and vec-Jacobian of a linear row, the rules it cites, its
spellings in every printer and code target, and what numeric checks must know. The tree uses a row
through the generic :class:`matcalc.expr.Call` node, and differentiation, identification, rewriting,
printing and checking read the row's fields; adding a function is adding a definition here.

The rows, by theme: :mod:`.elementwise`, :mod:`.linear` (sum, mean, trace, the two diags, vec, kron),
:mod:`.nonlinear` (norms, det, logdet, inv, softmax, log_softmax, logsumexp), :mod:`.analytic` (expm,
logm, sqrtm). ``diag`` is two rows printed alike: ``diag`` (a vector → its diagonal matrix) and
``diag_part`` (a square matrix → its diagonal); :func:`resolve` picks one for a surface name.
"""

from __future__ import annotations

from .analytic import EXPM, LOGM, SQRTM
from .constants import PI
from .definition import (
    ALIASES,
    REGISTRY,
    Function,
    Notation,
    Rule,
    elementwise_chain,
    elementwise_row,
    entrywise_on_square_matrix,
    lookup,
    register,
    resolve,
    rows,
)
from .elementwise import (
    ABS,
    ARCCOS,
    ARCSIN,
    ARCTAN,
    COS,
    COSH,
    EXP,
    EXPM1,
    GELU,
    LEAKY_RELU,
    LOG,
    LOG1P,
    NORMAL_CDF,
    NORMAL_PDF,
    RELU,
    SECH,
    SIGMOID,
    SIGN,
    SILU,
    SIN,
    SINH,
    SOFTPLUS,
    SOFTSIGN,
    SQRT,
    SQUARE,
    STEP,
    TAN,
    TANH,
)
from .linear import DIAG, DIAG_PART, KRON, MEAN, SUM, TRACE, VEC
from .nonlinear import DET, INV, LOG_SOFTMAX, LOGDET, LOGSUMEXP, NORM, NORM1, NORM_FRO, SOFTMAX

ELEMENTWISE = tuple(f for f in REGISTRY.values() if f.kind == "elementwise")
# the definitions above, without the functions a session registers later; the constants (pi) apart
BUILT_IN = tuple(row for row in rows() if row.arity)
CONSTANTS = tuple(row for row in rows() if not row.arity)

__all__ = [
    "CONSTANTS",
    "PI",
    "entrywise_on_square_matrix",
    "Function", "Notation", "Rule", "REGISTRY", "ALIASES", "register", "lookup", "resolve", "rows", "ELEMENTWISE", "BUILT_IN",
    "elementwise_row", "elementwise_chain",
    "ABS", "ARCCOS", "ARCSIN", "ARCTAN", "COS", "COSH", "EXP", "EXPM1", "GELU", "LEAKY_RELU", "LOG", "LOG1P",
    "NORMAL_CDF", "NORMAL_PDF", "RELU", "SECH", "SIGMOID", "SIGN", "SILU", "SIN", "SINH", "SOFTPLUS", "SOFTSIGN",
    "SQRT", "SQUARE", "STEP", "TAN", "TANH", "DIAG", "DIAG_PART", "KRON", "MEAN", "SUM", "TRACE", "VEC", "DET", "INV",
    "LOG_SOFTMAX", "LOGDET", "LOGSUMEXP", "NORM", "NORM1", "NORM_FRO", "SOFTMAX", "EXPM", "LOGM", "SQRTM",
]
