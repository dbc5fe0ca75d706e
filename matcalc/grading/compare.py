"""Comparing an answer's values with a closed form's at the question's random points.

Closed forms are compared exactly, not against finite differences: two values agree when their largest
difference is below :data:`TOLERANCE` relative to their size (:func:`matcalc.checking.relative_difference`,
the one relative difference matcalc uses), the floor being rounding noise of the function's size.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..checking import relative_difference

TOLERANCE = 1e-7  # relative: closed forms are compared exactly, not against finite differences
FACTOR_TOLERANCE = 1e-6  # a constant multiple is confirmed at each point to this (relative)
NOISE = 1e-12  # below this fraction of (1 + the function's size) a difference is rounding noise


def floor(f_scale: float) -> float:
    return NOISE * (1.0 + f_scale)


def broadcast(got: np.ndarray, want: np.ndarray) -> np.ndarray | None:
    """`got` with `want`'s shape (a constant answer such as 1 stands for the array of that value), or None."""
    if got.shape == want.shape:
        return got
    if got.shape == (1, 1):
        return np.full(want.shape, got[0, 0])
    return None


def equal(got: list[np.ndarray], want: list[np.ndarray], scales: list[float]) -> bool:
    """Equal at every point (`scales`: the function's size at each)."""
    for g, w, s in zip(got, want, scales):
        g = broadcast(g, w)
        if g is None or relative_difference(g, w, floor(s)) > TOLERANCE:
            return False
    return True


def ratio(got: list[np.ndarray], want: list[np.ndarray], scales: list[float]) -> float | None:
    """The constant c ≠ 0, 1 with got = c·want at every point (least squares over all, confirmed at each)."""
    got = [broadcast(g, w) if w.shape != (1, 1) else g for g, w in zip(got, want)]
    if any(g is None or g.shape != w.shape for g, w in zip(got, want)):
        return None
    num = sum(float(np.sum(g * w)) for g, w in zip(got, want))
    den = sum(float(np.sum(w * w)) for w in want)
    if not np.isfinite(num) or not np.isfinite(den) or den == 0.0:
        return None
    c = num / den
    if abs(c) < 1e-9 or abs(c - 1) < 1e-9:
        return None
    for g, w, s in zip(got, want, scales):
        if float(np.max(np.abs(w), initial=0.0)) == 0.0 or relative_difference(g, c * w, floor(s)) > FACTOR_TOLERANCE:
            return None
    return c


def differences(got: np.ndarray, want: np.ndarray, f_scale: float):
    """Entries where got and want differ: [(index, expected, got)], and the number of entries."""
    if got.shape != want.shape:
        got = np.full(want.shape, got.reshape(-1)[0]) if got.size == 1 else got
    scale = max(float(np.max(np.abs(want), initial=0.0)), float(np.max(np.abs(got), initial=0.0)), floor(f_scale))
    bad = np.argwhere(np.abs(got - want) > TOLERANCE * scale)
    rows, cols = want.shape
    out = []
    for i, j in bad:
        index = (int(i), int(j)) if rows > 1 and cols > 1 else ((int(i),) if cols == 1 else (int(j),))
        if rows == 1 and cols == 1:
            index = ()
        out.append((index, float(want[i, j]), float(got[i, j])))
    return out, want.size


def nice(c: float) -> Fraction | float:
    """A ratio as a small fraction (2, 1/2, -1, 3/2) when it is one, else the float."""
    frac = Fraction(c).limit_denominator(24)
    if abs(float(frac) - c) <= 1e-6 * max(1.0, abs(c)):
        return frac
    return c


def fraction_text(c: float) -> str:
    n = nice(c)
    return str(n) if isinstance(n, Fraction) else f"{n:.6g}"


def num(v: float) -> str:
    return f"{v:.6g}"


__all__ = ["TOLERANCE", "equal", "ratio", "differences", "nice", "fraction_text", "num", "broadcast"]
