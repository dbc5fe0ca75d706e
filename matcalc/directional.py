"""Directional checks: the closed form applied to random directions against differences of f along them.

The entry-by-entry check (:func:`matcalc.checking.check_jacobian`) differences f once per entry of the
variable: two evaluations of f per entry, at two step sizes. Here each trial draws a few random
directions V (of the variable's shape; symmetric or diagonal for a variable so declared, when the check is
structured) and compares J·vec(V) — for a gradient G, ⟨G, V⟩ — with the central difference
(f(X + hV) − f(X − hV)) / 2h: four evaluations of f per direction, whatever the variable's size.

Everything else is the entry-wise check's, the same loop (:func:`~matcalc.checking.check_along`): the
points and sizes (:func:`~matcalc.checking.sample_point`,
:func:`~matcalc.checking.sizes_at`), the step h (1e-6 relative to the variable's largest entry), the error
control (differences at h and 4h must agree and stand above rounding noise, else the point is redrawn),
the relative error and its tolerance, and the report. A wrong closed form differs from the right one along
almost every direction, so several directions per trial leave it nowhere to hide; the structure of a
symmetric (diagonal) variable's gradient, which symmetric directions cannot see, is checked directly.
"""

from __future__ import annotations

import numpy as np

from .checking import CheckReport, check_along, structure_of
from .expr import Expr, Symbol

DIRECTIONS = 3  # random directions per trial


def random_directions(var: Symbol, shape: tuple[int, int], structured: bool, rng, count: int = DIRECTIONS) -> np.ndarray:
    """Columns vec(V_k) (column-major) of `count` random directions, each scaled to largest entry 1:
    Gaussian, made symmetric (diagonal) along a structured symmetric (diagonal) variable."""
    kind = structure_of(var, shape, structured)
    cols = []
    for _ in range(count):
        v = rng.normal(size=shape)
        if kind == "symmetric":
            v = (v + v.T) / 2
        elif kind == "diagonal":
            v = np.diag(np.diag(v))
        cols.append((v / np.max(np.abs(v))).reshape(-1, order="F"))
    return np.stack(cols, axis=1)


def check_directional(f: Expr, var: Symbol, closed: Expr, to_jacobian, trials: int = 3, seed: int = 0,
                      structured: bool = False, directions: int = DIRECTIONS) -> CheckReport:
    """Compare `closed` (converted by `to_jacobian(value, sizes) -> vec-Jacobian`) applied to random
    directions with central differences of f along them; the report reads as
    :func:`~matcalc.checking.check_jacobian`'s."""
    return check_along(f, var, closed, to_jacobian,
                       lambda shape, rng: random_directions(var, shape, structured, rng, directions), trials, seed, structured)


__all__ = ["check_directional", "random_directions", "DIRECTIONS"]
