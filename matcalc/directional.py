"""Directional checks: the closed form applied to random directions against differences of f along them.

The entry-by-entry check (:func:`matcalc.checking.check_jacobian`) differences f once per entry of the
variable: two evaluations of f per entry, at two step sizes. Here each trial draws a few random
directions V (of the variable's shape; symmetric or diagonal for a variable so declared, when the check is
structured) and compares J·vec(V) — for a gradient G, ⟨G, V⟩ — with the central difference
(f(X + hV) − f(X − hV)) / 2h: four evaluations of f per direction, whatever the variable's size.

Everything else is the entry-wise check's: the points and sizes (:func:`~matcalc.checking.sample_point`,
:func:`~matcalc.checking.sizes_at`), the step h (1e-6 relative to the variable's largest entry), the error
control (differences at h and 4h must agree and stand above rounding noise, else the point is redrawn),
the relative error and its tolerance, and the report. A wrong closed form differs from the right one along
almost every direction, so several directions per trial leave it nowhere to hide; the structure of a
symmetric (diagonal) variable's gradient, which symmetric directions cannot see, is checked directly.
"""

from __future__ import annotations

import numpy as np

from .checking import (
    FD_STEP,
    POINT_ATTEMPTS,
    SIZE_SETS,
    TOLERANCE,
    CheckReport,
    Trial,
    _project,
    _resolution,
    _structure,
    _verdict_here,
    dim_names_of,
    relative_error,
    report_of,
    sample_point,
    sizes_at,
)
from .expr import Expr, Symbol
from .numeric import value_2d

DIRECTIONS = 3  # random directions per trial


def _structured(var: Symbol, shape: tuple[int, int], structured: bool) -> str:
    """'symmetric', 'diagonal' or '' (no structure): the directions a variable is perturbed along."""
    rows, cols = shape
    if not structured or rows != cols or rows < 2:
        return ""
    if var.props & {"symmetric", "spd"}:
        return "symmetric"
    return "diagonal" if "diagonal" in var.props else ""


def random_directions(var: Symbol, shape: tuple[int, int], structured: bool, rng, count: int = DIRECTIONS) -> np.ndarray:
    """Columns vec(V_k) (column-major) of `count` random directions, each scaled to largest entry 1:
    Gaussian, made symmetric (diagonal) along a structured symmetric (diagonal) variable."""
    kind = _structured(var, shape, structured)
    cols = []
    for _ in range(count):
        v = rng.normal(size=shape)
        if kind == "symmetric":
            v = (v + v.T) / 2
        elif kind == "diagonal":
            v = np.diag(np.diag(v))
        cols.append((v / np.max(np.abs(v))).reshape(-1, order="F"))
    return np.stack(cols, axis=1)


def directional_differences(f: Expr, var: Symbol, arrays: dict[str, np.ndarray], sizes, basis: np.ndarray,
                            step: float = FD_STEP) -> np.ndarray:
    """Columns (vec f(X + h V_k) − vec f(X − h V_k)) / 2h, h = step · max(1, |X|'s largest entry)."""
    x0 = arrays[var.name]
    flat = x0.reshape(-1, order="F")
    h = step * max(1.0, float(np.max(np.abs(flat), initial=0.0)))
    cols = []
    for k in range(basis.shape[1]):
        plus, minus = flat + h * basis[:, k], flat - h * basis[:, k]
        fp = value_2d(f, {**arrays, var.name: plus.reshape(x0.shape, order="F")}, sizes)
        fm = value_2d(f, {**arrays, var.name: minus.reshape(x0.shape, order="F")}, sizes)
        cols.append(((fp - fm) / (2 * h)).reshape(-1, order="F"))
    return np.stack(cols, axis=1)


def check_directional(f: Expr, var: Symbol, closed: Expr, to_jacobian, trials: int = 3, seed: int = 0,
                      structured: bool = False, directions: int = DIRECTIONS) -> CheckReport:
    """Compare `closed` (converted by `to_jacobian(value, sizes) -> vec-Jacobian`) applied to random
    directions with central differences of f along them; the report reads as :func:`check_jacobian`'s.

    With `structured`, a symmetric (diagonal) variable is perturbed along symmetric (diagonal)
    directions and the closed form must be symmetric (diagonal) itself."""
    rng = np.random.default_rng(seed)
    names = dim_names_of([f, closed, var])
    done: list[Trial] = []
    for t in range(trials + len(SIZE_SETS)):  # a size set where nothing is defined gives way to the next
        if len(done) == trials:
            break
        sizes = sizes_at(names, t)
        values: list = []
        for _ in range(POINT_ATTEMPTS):
            arrays = sample_point([f, closed, var], sizes, rng, kink_expr=f, values=values)
            if arrays is None:
                break
            shape = arrays[var.name].shape
            basis = random_directions(var, shape, structured, rng, directions)
            numeric = directional_differences(f, var, arrays, sizes, basis)
            f_value, value = values[0], values[1]
            if not np.all(np.isfinite(numeric)):
                continue
            coarse = directional_differences(f, var, arrays, sizes, basis, step=4 * FD_STEP)
            f_scale = float(np.max(np.abs(f_value), initial=0.0))
            here = _verdict_here(numeric, not np.any(value), _resolution(coarse, numeric, f_scale))
            if here != "unresolved":
                break  # both sides are numbers, and the differences resolve the derivative
        else:
            arrays = None
        if arrays is None:
            continue
        got = to_jacobian(value, sizes)
        if got.shape[0] != numeric.shape[0] or got.shape[1] != basis.shape[0]:
            expected = (numeric.shape[0], basis.shape[0])
            return CheckReport("fail", float("inf"), done, f"closed form has {got.shape} entries, expected {expected}")
        if _structured(var, shape, structured):
            structure_error = relative_error(value, _project(value, var))
            if structure_error > TOLERANCE:
                return CheckReport("fail", structure_error, done, f"the result is not {_structure(var)} like {var.name}")
        done.append(Trial(sizes, 0.0 if here == "zero" else relative_error(got @ basis, numeric)))
    return report_of(done)


__all__ = ["check_directional", "directional_differences", "random_directions", "DIRECTIONS"]
