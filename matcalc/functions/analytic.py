"""Analytic functions of a square matrix: the exponential, the principal logarithm and square root.

f(U) = V f(Λ) V⁻¹ for U = V Λ V⁻¹ (Higham, Functions of Matrices (2008), ch. 1). The differential of
f(U) has no closed form in general (it is the Fréchet derivative, Higham ch. 3), so only two cases
are derived: the trace, d tr f(U) = tr(f'(U) dU) (the ``through`` rule of ``trace``), and an argument
whose differential commutes with it, U = c M with M constant and c a scalar (or U 1×1), where
d f(U) = f'(U) dU: expm' = expm (Higham ch. 10), logm'(U) = U⁻¹ (ch. 11), sqrtm'(U) = ½ sqrtm(U)⁻¹
(ch. 6). Anything else raises UnsupportedError.

Values: expm by scaling and squaring with the [13/13] Padé approximant (Higham, "The scaling and
squaring method for the matrix exponential revisited", SIAM J. Matrix Anal. Appl. 26 (2005)); logm and
sqrtm by eigendecomposition, for matrices with no eigenvalue on the closed negative real axis (the
evaluator: eigh for a symmetric argument, eig for another diagonalizable one, NaN elsewhere; generated
code uses eig, in complex arithmetic, for any argument).
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from ..expr import Add, Call, Expr, MatMul, Mul, Number
from ..shapes import is_scalar
from .definition import Function, Rule, register, same
from .nonlinear import INV

THETA_13 = 5.371920351148152  # the largest 1-norm for which the [13/13] Padé approximant is accurate
PADE_13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
           10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)


def _expm(x: np.ndarray) -> np.ndarray:
    """expm(x) by the generated code's own helper (one definition of the method); NaN for a non-finite x."""
    if not np.all(np.isfinite(x)):
        return np.full(x.shape, np.nan)
    return _EXPM_PADE(np.asarray(x, dtype=float))


def _spectral(f):
    """f(X) = V f(Λ) V⁻¹ for X with no eigenvalue on (-∞, 0]; NaN elsewhere."""

    def value(x: np.ndarray) -> np.ndarray:
        if not np.all(np.isfinite(x)):
            return np.full(x.shape, np.nan)
        if np.array_equal(x, x.T):
            w, v = np.linalg.eigh(x)
            return np.full(x.shape, np.nan) if np.any(w <= 0) else (v * f(w)) @ v.T
        w, v = np.linalg.eig(x)
        if np.any((w.imag == 0) & (w.real <= 0)):
            return np.full(x.shape, np.nan)
        return np.real((v * f(w.astype(complex))) @ np.linalg.inv(v))

    return value


EXPM_CODE = f'''def _expm(u):
    """The matrix exponential: scaling and squaring with the [13/13] Pade approximant."""
    b = {PADE_13!r}
    norm = float(xp.max(xp.sum(xp.abs(u), axis=0), initial=0.0))
    squarings = max(0, int(xp.ceil(xp.log2(norm / {THETA_13!r})))) if norm > {THETA_13!r} else 0
    a = u / 2.0 ** squarings
    eye = xp.eye(u.shape[0])
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a2 @ a4
    odd = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    even = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    result = xp.linalg.solve(even - odd, even + odd)
    for _ in range(squarings):
        result = result @ result
    return result
'''
_EXPM_NAMESPACE: dict = {"xp": np}
exec(compile(EXPM_CODE, "<matcalc expm>", "exec"), _EXPM_NAMESPACE)  # safe: a fixed constant of this module, no user text
_EXPM_PADE = _EXPM_NAMESPACE["_expm"]
LOGM_CODE = '''def _logm(u):
    """The principal logarithm of a diagonalizable matrix, V log(Λ) V⁻¹ in complex arithmetic; NaN when an
    eigenvalue lies on the closed negative real axis, where it is not defined."""
    w, v = xp.linalg.eig(u)
    outside = xp.any((w.imag == 0) & (w.real <= 0))  # an eigenvalue on (-∞, 0]: not defined there
    return xp.where(outside, float("nan"), xp.real((v * xp.log(w + 0j)) @ xp.linalg.inv(v)))
'''
SQRTM_CODE = '''def _sqrtm(u):
    """The principal square root of a diagonalizable matrix, V √Λ V⁻¹ in complex arithmetic; NaN when an
    eigenvalue lies on the closed negative real axis."""
    w, v = xp.linalg.eig(u)
    outside = xp.any((w.imag == 0) & (w.real <= 0))  # an eigenvalue on (-∞, 0]: not defined there
    return xp.where(outside, float("nan"), xp.real((v * xp.sqrt(w + 0j)) @ xp.linalg.inv(v)))
'''


def _array_factors(e: Expr) -> list[Expr]:
    factors = e.args if isinstance(e, Mul) else (e,)
    return [f for f in factors if not is_scalar(f.shape)]


def _commutes(u: Expr, du: Expr) -> bool:
    """Does dU commute with U? Yes when U is 1×1, or U = ρ ∘ P and every term of dU is σ ∘ P with the same
    array factors P (scalars ρ, σ): then dU is a multiple of P, and so of U."""
    if is_scalar(u.shape):
        return True
    arrays = _array_factors(u)
    terms = du.args if isinstance(du, Add) else (du,)
    return arrays != [u] and all(_array_factors(t) == arrays for t in terms)


def _commuting(rule: Rule):
    """d f(U) = f'(U) dU when dU commutes with U (f(c M) with M constant); no closed form otherwise."""

    def differential(e: Call, ds):
        (u,), (du,) = e.args, ds
        if not _commutes(u, du):
            from ..printing.text import to_text

            name, text = e.fn.spelling, to_text(u)
            arg = text if len(text) <= 40 else "U"
            raise UnsupportedError(
                f"the derivative of {name}({arg}) itself is not a closed form; tr({name}({arg})) and "
                f"{name}(c * M) with a constant M are supported"
            )
        return MatMul(e.fn.matrix_derivative(u), du), rule.name

    return differential


EXPM_RULE = Rule("expm", "d expm(U) = expm(U) dU when dU commutes with U: d expm(c M) = expm(c M) M dc for "
                 "a constant M", "Higham, Functions of Matrices (2008), ch. 10")
LOGM_RULE = Rule("logm", "d logm(U) = U⁻¹ dU when dU commutes with U: d logm(c M) = (c M)⁻¹ M dc = dc/c I",
                 "Higham, Functions of Matrices (2008), ch. 11")
SQRTM_RULE = Rule("sqrtm", "d sqrtm(U) = ½ sqrtm(U)⁻¹ dU when dU commutes with U: d sqrtm(c M) = ½ "
                  "sqrtm(c M)⁻¹ M dc", "Higham, Functions of Matrices (2008), ch. 6")

EXPM = register(Function(
    "expm", "matrix", 1, _expm, same, r"\operatorname{expm}", "matrix exponential e^U = Σ Uᵏ/k!",
    code="_expm({0})", code_helper=EXPM_CODE, square=True,
    differential=_commuting(EXPM_RULE), rules=(EXPM_RULE,), matrix_derivative=lambda u: Call(EXPM, u),
    preserves_symmetry=True,
))
LOGM = register(Function(
    "logm", "matrix", 1, _spectral(np.log), same, r"\operatorname{logm}",
    "principal matrix logarithm (no eigenvalue on the closed negative real axis)", code="_logm({0})",
    code_helper=LOGM_CODE, square=True, differential=_commuting(LOGM_RULE), rules=(LOGM_RULE,),
    matrix_derivative=lambda u: Call(INV, u), preserves_symmetry=True, argument="spd", conditioning=True,
))
SQRTM = register(Function(
    "sqrtm", "matrix", 1, _spectral(np.sqrt), same, r"\operatorname{sqrtm}",
    "principal matrix square root (no eigenvalue on the closed negative real axis)", code="_sqrtm({0})",
    code_helper=SQRTM_CODE, square=True, differential=_commuting(SQRTM_RULE), rules=(SQRTM_RULE,),
    matrix_derivative=lambda u: Mul(Number("1/2"), Call(INV, Call(SQRTM, u))), preserves_symmetry=True,
    argument="spd", conditioning=True,
))
