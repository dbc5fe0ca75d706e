"""Numeric proof: random points that honour declarations, and finite-difference checks.

A derivative is checked by comparing its closed form, evaluated at random points, with central finite
differences of the original expression. Each trial gives every symbolic dimension a different size
(n ≠ m ≠ p, so a misplaced transpose cannot hide), draws values honouring declared properties
(symmetric, spd, diagonal, positive, invertible), redraws where the expression is undefined (log of a
negative) or where a kinked function (relu, abs) sits too close to its kink, and reports the largest
relative error.

The random points and the comparison of values are one kit, shared with the homework checker
(:mod:`matcalc.grading`): the sizes of trial t (:func:`sizes_at`), values honouring declarations
(:func:`random_value`, :func:`sample_point`) and the relative difference of two values
(:func:`relative_difference`); each caller states only the floor below which a difference is noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import limits
from .errors import LimitError, MatcalcError
from .expr import Call, Expr, Symbol, distinct_nodes, symbols
from .numeric import size_of, value_2d

SIZE_SETS = (
    (3, 4, 5, 2, 6, 7, 8, 9), (4, 2, 3, 5, 7, 6, 9, 8), (2, 5, 4, 3, 8, 9, 6, 7),
    (5, 3, 2, 4, 9, 8, 7, 6), (6, 2, 3, 4, 5, 7, 8, 9), (2, 3, 6, 5, 4, 8, 9, 7),
)
TOLERANCE = 1e-5
KINK_MARGIN = 1e-3
MAX_MAGNITUDE = 1e150  # beyond this, squares overflow
POINT_ATTEMPTS = 10
FD_STEP = 1e-6  # central differences with step FD_STEP·max(1, |entry|)
ROUNDING = 2.3e-16  # float64 machine epsilon, rounded up
FD_AGREEMENT = 1e-6  # finite differences must be resolved this well (relative), or the point is resampled
FD_FLOOR = 1e-3  # a difference below this fraction of the function's size is finite-difference noise


def sizes_at(names: list[str], t: int) -> dict[str, int]:
    """The sizes of trial t: the names take the t-th size set in order (distinct sizes, so n ≠ m ≠ p), and
    names beyond it sizes 2–8 that also change from trial to trial."""
    base = SIZE_SETS[t % len(SIZE_SETS)]
    sizes = dict(zip(names, base))
    sizes.update({n: 2 + (i + t) % 7 for i, n in enumerate(names[len(base):])})
    return sizes


def relative_difference(got: np.ndarray, want: np.ndarray, floor: float = 0.0) -> float:
    """The largest entry-wise difference relative to the larger of the two values' largest entries (and
    `floor`, the size below which a difference is noise): 0 for two zeros, inf for a difference from zero."""
    scale = max(float(np.max(np.abs(want), initial=0.0)), float(np.max(np.abs(got), initial=0.0)), floor)
    difference = float(np.max(np.abs(got - want), initial=0.0))
    if scale == 0.0:
        return 0.0 if difference == 0.0 else float("inf")
    return difference / scale


def dim_names_of(exprs) -> list[str]:
    """Dimension names to give sizes: those of the symbols first (in order of appearance), then any that
    only a constant brings (commutation(m, n), I ⊗ I), so that every shape can be evaluated."""
    names: dict[str, None] = {}
    for e in exprs:
        for s in symbols(e):
            for d in s.shape:
                names.update(dict.fromkeys(sorted(d.names())))
    for e in exprs:
        for node in distinct_nodes(e):  # the order of first appearance is preorder's, each shared subtree walked once
            for d in node.shape:
                names.update(dict.fromkeys(sorted(d.names())))
    return list(names)


def random_value(s: Symbol, sizes: dict[str, int], rng: np.random.Generator, positive: bool = False) -> np.ndarray:
    """A random 2-D value for a symbol honouring its declared properties."""
    rows, cols = (d.evaluate(sizes) for d in s.shape)
    props = s.props
    if "onehot" in props:
        value = np.zeros((rows, cols))
        value[rng.integers(rows), 0] = 1.0
        return value
    if "probability" in props:
        value = rng.uniform(0.5, 2.0, size=(rows, cols))
        return value / value.sum()
    if "pm1" in props:
        return rng.choice([-1.0, 1.0], size=(rows, cols))
    if "binary" in props:
        return rng.integers(0, 2, size=(rows, cols)).astype(float)
    if "spd" in props:
        m = rng.normal(size=(rows, rows))
        return m @ m.T / rows + np.eye(rows)
    if "diagonal" in props:
        d = rng.uniform(0.5, 2.0, size=rows) * (1 if positive else rng.choice([-1, 1], size=rows))
        return np.diag(d)
    if positive or "positive" in props:
        value = rng.uniform(0.5, 2.0, size=(rows, cols))
    else:
        value = rng.normal(size=(rows, cols))
    if "symmetric" in props:
        value = (value + value.T) / 2
    if "invertible" in props and rows == cols:
        value = value + 2 * np.sign(np.trace(value) or 1.0) * np.eye(rows)
    return value


@dataclass
class Trial:
    sizes: dict[str, int]
    error: float


@dataclass
class CheckReport:
    """Result of a numeric check: status 'pass', 'fail' or 'inconclusive', with the evidence."""

    status: str
    max_error: float
    trials: list[Trial] = field(default_factory=list)
    message: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        sizes = "; ".join(", ".join(f"{k}={v}" for k, v in t.sizes.items()) or "scalars" for t in self.trials)
        head = f"check: {self.status.upper()}"
        if self.trials:
            head += f" (max relative error {self.max_error:.1e} over {len(self.trials)} random points; sizes {sizes})"
        return head + (f"\n  {self.message}" if self.message else "")


def _kinks_clear(f: Expr, arrays, sizes) -> bool:
    for node in distinct_nodes(f):
        if isinstance(node, Call) and node.fn.kink:
            arg = value_2d(node.args[0], arrays, sizes)
            if np.min(np.abs(arg)) < KINK_MARGIN:
                return False
    return True


MAX_CONDITION = 1e8


def _well_conditioned(e: Expr, arrays, sizes) -> bool:
    for node in distinct_nodes(e):
        if isinstance(node, Call) and node.fn.conditioning:
            arg = value_2d(node.args[0], arrays, sizes)
            if not np.all(np.isfinite(arg)) or np.linalg.cond(arg) > MAX_CONDITION:
                return False
    return True


def check_entries(exprs: list[Expr], sizes: dict[str, int]) -> None:
    """Refuse a numeric check that would build an array (a variable, an intermediate value, the
    derivative) of more than MAX_CHECK_ENTRIES entries: declared sizes such as vector(100000) are
    fine to derive with, not to evaluate at."""
    seen: set[int] = set()
    for e in exprs:
        for node in distinct_nodes(e):
            if id(node) in seen:
                continue
            seen.add(id(node))
            rows, cols = (size_of(d, sizes) for d in node.shape)
            if rows * cols > limits.MAX_CHECK_ENTRIES:
                raise LimitError(
                    f"checking numerically needs {_short(node)} as a {rows:,} × {cols:,} array ({rows * cols:,} "
                    f"entries); the limit is {limits.MAX_CHECK_ENTRIES:,} (see MAX_CHECK_ENTRIES)"
                )


def _short(e: Expr) -> str:
    text = str(e)
    return text if len(text) <= 60 else text[:57] + "..."


def _usable(value: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(value)) and np.max(np.abs(value), initial=0.0) < MAX_MAGNITUDE)


def _usable_values(exprs: list[Expr], arrays, sizes) -> list[np.ndarray] | None:
    """The values of `exprs` at a point, or None at the first one not usable there."""
    out = []
    for e in exprs:
        value = value_2d(e, arrays, sizes)
        if not _usable(value):
            return None
        out.append(value)
    return out


def sample_point(exprs: list[Expr], sizes: dict[str, int], rng, kink_expr: Expr | None = None, attempts: int = 40,
                 values: list | None = None):
    """Random arrays for all symbols of `exprs` where every expression is finite; None if none found.
    A list passed as `values` receives the expressions' values there (they were computed to test the point)."""
    syms: dict[str, Symbol] = {}
    for e in exprs:
        for s in symbols(e):
            syms.setdefault(s.name, s)
    check_entries(exprs, sizes)
    spd = _spd_arguments(exprs)
    syms = {name: Symbol(s.name, s.shape, s.props | {"spd"}) if s in spd else s for name, s in syms.items()}
    for attempt in range(attempts):
        positive = attempt >= attempts // 3
        arrays = {name: random_value(s, sizes, rng, positive) for name, s in syms.items()}
        try:  # the first expression undefined here (or so large that products overflow) ends the attempt
            found = _usable_values(exprs, arrays, sizes)
        except LimitError:
            raise
        except (np.linalg.LinAlgError, ValueError, MatcalcError):
            continue
        if found is None:
            continue
        if kink_expr is not None and not _kinks_clear(kink_expr, arrays, sizes):
            continue
        if not all(_well_conditioned(e, arrays, sizes) for e in exprs):
            continue  # inv / det / logdet of a (numerically) singular matrix: differences are meaningless
        if values is not None:
            values[:] = found
        return arrays
    return None


def _spd_arguments(exprs: list[Expr]) -> set[Symbol]:
    """Square symbols that are themselves the argument of a function defined only on symmetric positive
    definite matrices (logm, sqrtm: ``fn.argument == "spd"``): they are drawn so, to be in its domain."""
    found = set()
    for e in exprs:
        for node in distinct_nodes(e):
            if isinstance(node, Call) and node.fn.argument == "spd" and isinstance(node.args[0], Symbol):
                found.add(node.args[0])
    return found


def structure_of(var: Symbol, shape: tuple[int, int], structured: bool) -> str:
    """'symmetric', 'diagonal' or '' (none): the directions a variable is perturbed along in a structured check."""
    rows, cols = shape
    if not structured or rows != cols or rows < 2:
        return ""
    if var.props & {"symmetric", "spd"}:
        return "symmetric"
    return "diagonal" if "diagonal" in var.props else ""


def directions(var: Symbol, shape: tuple[int, int], structured: bool) -> np.ndarray:
    """Columns vec(D_k): the unit matrices, or a basis of symmetric / diagonal matrices."""
    rows, cols = shape
    kind = structure_of(var, shape, structured)
    if kind == "symmetric":
        basis = []
        for j in range(cols):
            for i in range(j, rows):
                d = np.zeros(shape)
                d[i, j] = d[j, i] = 1.0
                basis.append(d.reshape(-1, order="F"))
        return np.stack(basis, axis=1)
    if kind == "diagonal":
        return np.stack([np.eye(rows)[:, [i]].dot(np.eye(rows)[[i], :]).reshape(-1, order="F") for i in range(rows)], axis=1)
    return np.eye(rows * cols)


def finite_difference_jacobian(f: Expr, var: Symbol, arrays: dict[str, np.ndarray], sizes,
                               basis: np.ndarray | None = None, step: float = FD_STEP) -> np.ndarray:
    """∂vec(f)/∂t along each direction vec(D_k) (default: every entry; column-major vec), by central differences."""
    x0 = arrays[var.name]
    flat = x0.reshape(-1, order="F")
    basis = np.eye(flat.size) if basis is None else basis
    cols = []
    for k in range(basis.shape[1]):
        h = step * max(1.0, float(np.max(np.abs(flat[basis[:, k] != 0]), initial=0.0)))
        plus, minus = flat + h * basis[:, k], flat - h * basis[:, k]
        fp = value_2d(f, {**arrays, var.name: plus.reshape(x0.shape, order="F")}, sizes)
        fm = value_2d(f, {**arrays, var.name: minus.reshape(x0.shape, order="F")}, sizes)
        cols.append(((fp - fm) / (2 * h)).reshape(-1, order="F"))
    return np.stack(cols, axis=1)


def _structure(var: Symbol) -> str:
    return "diagonal" if "diagonal" in var.props else "symmetric"


def _project(value: np.ndarray, var: Symbol) -> np.ndarray:
    if "diagonal" in var.props:
        return np.diag(np.diag(value))
    return (value + value.T) / 2


def relative_error(closed: np.ndarray, numeric: np.ndarray, f_scale: float = 0.0) -> float:
    """Largest entry-wise difference relative to the derivative's size (floored by the function's size,
    so that a zero derivative is not failed on finite-difference rounding noise)."""
    return relative_difference(closed, numeric, FD_FLOOR * f_scale)


def _resolution(coarse: np.ndarray, fine: np.ndarray, f_scale: float) -> float:
    """How far finite differences can be trusted here: the larger of their change between two step
    sizes and the rounding noise of differencing values of size f_scale (eps·|f|/h)."""
    spread = float(np.max(np.abs(coarse - fine), initial=0.0))
    return max(spread, ROUNDING * f_scale / FD_STEP)


def _verdict_here(fine: np.ndarray, closed_is_zero: bool, noise: float) -> str:
    """'compare' when finite differences resolve the derivative, 'zero' when they show only noise and
    the closed form is exactly zero, else 'unresolved' (a tiny variation on a large value: 1e-12 xᵀx + 1)."""
    size = float(np.max(np.abs(fine), initial=0.0))
    if noise <= FD_AGREEMENT * size:
        return "compare"
    if closed_is_zero and size <= noise:
        return "zero"
    return "unresolved"


def check_jacobian(f: Expr, var: Symbol, closed: Expr, to_jacobian, trials: int = 3, seed: int = 0,
                   structured: bool = False) -> CheckReport:
    """Compare `closed` (converted by `to_jacobian(value, sizes) -> vec-Jacobian`) with finite differences of f,
    entry by entry (along a basis of symmetric / diagonal matrices for such a variable, when `structured`)."""
    return check_along(f, var, closed, to_jacobian, lambda shape, rng: directions(var, shape, structured), trials, seed,
                       structured)


def check_along(f: Expr, var: Symbol, closed: Expr, to_jacobian, directions_at, trials: int = 3, seed: int = 0,
                structured: bool = False) -> CheckReport:
    """The closed form applied to directions V_k (columns vec(V_k) from `directions_at(shape, rng)`) against
    central differences of f along them, at `trials` points of different sizes.

    At each point the differences at steps h and 4h must agree and stand above rounding noise, else the point
    is redrawn. With `structured`, a symmetric (diagonal) variable's closed form must be symmetric (diagonal)
    itself, which directions of that structure cannot see."""
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
            basis = directions_at(shape, rng)
            numeric = finite_difference_jacobian(f, var, arrays, sizes, basis)
            f_value, value = values[0], values[1]
            if not (np.all(np.isfinite(numeric)) and np.all(np.isfinite(value))):
                continue
            coarse = finite_difference_jacobian(f, var, arrays, sizes, basis, step=4 * FD_STEP)
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
        if structure_of(var, shape, structured):
            structure_error = relative_error(value, _project(value, var))
            if structure_error > TOLERANCE:
                return CheckReport("fail", structure_error, done, f"the result is not {_structure(var)} like {var.name}")
        done.append(Trial(sizes, 0.0 if here == "zero" else relative_error(got @ basis, numeric)))
    return report_of(done)


def report_of(done: list[Trial]) -> CheckReport:
    """The report of the trials done: pass when every error is within TOLERANCE; inconclusive when none was."""
    if not done:
        return CheckReport(
            "inconclusive", float("nan"), done,
            "no random point found where the expression, its derivative and its finite differences are defined",
        )
    worst = max(t.error for t in done)
    return CheckReport("pass" if worst < TOLERANCE else "fail", worst, done)


__all__ = ["check_jacobian", "CheckReport", "random_value", "sample_point", "sizes_at", "relative_difference",
           "dim_names_of"]
