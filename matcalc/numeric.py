"""Numbers: evaluate any expression on NumPy arrays.

Values are bound to symbols; the arrays' sizes bind the symbolic dimensions, which must agree
everywhere (``n`` cannot be 3 for ``x`` and 4 for ``A``). Vectors may be given 1-D or as columns,
scalars as Python numbers. Internally everything is a 2-D float array; the result is a float for a
scalar expression and a 2-D array otherwise. Random points for checks live here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import singledispatch

import numpy as np

from . import limits
from .errors import EvaluationError
from .expr import (
    Add,
    Block,
    Call,
    Commutation,
    Expr,
    Identity,
    MatMul,
    Mul,
    Number,
    Ones,
    Power,
    Symbol,
    Transpose,
    Zeros,
    symbols,
)
from .limits import bounded
from .shapes import Dim, describe


def bind(
    e: Expr, values: Mapping[str, object], sizes: Mapping[str, int] | None = None
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Check `values` (and given `sizes`) against the symbols of `e`; returns (2-D arrays by name, sizes by
    dim name). Compound dimensions (``m + 1``, ``n*p``) are checked once their names are known."""
    arrays: dict[str, np.ndarray] = {}
    sizes = dict(sizes or {})
    compound: list[tuple[str, tuple, Dim, int, tuple]] = []
    for s in symbols(e):
        if s.name not in values:
            raise EvaluationError(f"no value given for {s.name} ({describe(s.shape)})")
        if np.iscomplexobj(values[s.name]):
            raise EvaluationError(f"the value of {s.name} is complex; only real values are supported")
        try:
            arr = np.asarray(values[s.name], dtype=float)
        except (TypeError, ValueError):
            raise EvaluationError(f"the value of {s.name} is not a numeric array") from None
        except OverflowError:
            raise EvaluationError(f"the value of {s.name} is too large for a floating-point number") from None
        rows, cols = s.shape
        if arr.ndim == 0:
            arr = arr.reshape(1, 1)
        elif arr.ndim == 1:
            arr = arr.reshape(-1, 1) if cols == Dim.of(1) else arr.reshape(1, -1)
        elif arr.ndim != 2:
            raise EvaluationError(f"{s.name} must be at most 2-D, got shape {arr.shape}")
        for dim, size in zip(s.shape, arr.shape):
            if not dim.is_int and dim.name is None:
                compound.append((s.name, s.shape, dim, size, arr.shape))
            else:
                _bind_dim(s.name, s.shape, dim, size, sizes, arr.shape)
        arrays[s.name] = arr
    _bind_compound(compound, sizes)
    return arrays, sizes


def _bind_compound(pending, sizes: dict[str, int]) -> None:
    """Check compound dimensions; one unknown name in a linear one (``m + 1`` given 5) is solved for."""
    while pending:
        progress, left = False, []
        for name, shape, dim, size, got in pending:
            unknown = dim.names() - set(sizes)
            if not unknown:
                if dim.evaluate(sizes) != size:
                    raise EvaluationError(
                        f"{name} is {describe(shape)} = {describe(_sized(shape, sizes))} here, "
                        f"but the value has shape {got}"
                    )
                progress = True
                continue
            (var,) = unknown if len(unknown) == 1 else (None,)
            coeff = dict(dim.terms).get((var,)) if var else None
            if coeff in (1, -1) and all(var not in mono or mono == (var,) for mono, _ in dim.terms):
                rest = (dim + Dim({(var,): -coeff})).evaluate(sizes)
                value = (size - rest) * coeff
                if value < 1:
                    raise EvaluationError(f"{name} is {describe(shape)} but the value has shape {got}")
                sizes[var] = value
                progress = True
                continue
            left.append((name, shape, dim, size, got))
        if not progress:
            return  # not determined by the values; sizes=... may still give them
        pending = left


def _sized(shape, sizes: Mapping[str, int]):
    return tuple(Dim.of(d.evaluate(sizes)) for d in shape)


def _bind_dim(name, shape, dim: Dim, size: int, sizes: dict[str, int], got) -> None:
    if dim.is_int:
        if dim.value != size:
            raise EvaluationError(f"{name} is {describe(shape)} but the value has shape {got}")
        return
    if dim.name is None:
        return  # compound dimensions are checked after all names are bound
    if dim.name in sizes and sizes[dim.name] != size:
        raise EvaluationError(
            f"dimension {dim.name} is {sizes[dim.name]} elsewhere but {size} for {name} "
            f"({describe(shape)}, value shape {got})"
        )
    sizes[dim.name] = size


@bounded
def evaluate(e: Expr, values: Mapping[str, object] | None = None, sizes: Mapping[str, int] | None = None):
    """The value of `e`: a float for a scalar expression, else a 2-D array of its shape."""
    arrays, bound = bind(e, values or {}, sizes)
    result = value_2d(e, arrays, bound)
    if result.shape == (1, 1) and e.shape == (Dim.of(1), Dim.of(1)):
        return float(result[0, 0])
    return result


def value_2d(e: Expr, arrays: Mapping[str, np.ndarray], sizes: Mapping[str, int]) -> np.ndarray:
    """The 2-D value of `e` (shared subtrees computed once; keyed by identity, as comparing equal
    subtrees costs more than evaluating them, and the tree is alive throughout)."""
    memo: dict[int, np.ndarray] = {}

    def go(node: Expr) -> np.ndarray:
        hit = memo.get(id(node))
        if hit is None:
            limits.tick()
            hit = _eval(node, [go(a) for a in node.args], arrays, sizes)
            memo[id(node)] = hit
        return hit

    try:
        with np.errstate(all="ignore"):
            return go(e)
    finally:
        go = None  # go refers to itself: break the cycle, so the memo's arrays are freed now, not by the cyclic collector


def size_of(d: Dim, sizes: Mapping[str, int]) -> int:
    missing = d.names() - set(sizes)
    if missing:
        raise EvaluationError(f"the size of dimension {', '.join(sorted(missing))} is not known; pass sizes={{...}}")
    return d.evaluate(sizes)


@singledispatch
def _eval(e: Expr, args, arrays, sizes) -> np.ndarray:
    raise NotImplementedError(f"no evaluation rule for {type(e).__name__}")


@_eval.register
def _(e: Symbol, args, arrays, sizes):
    return arrays[e.name]


@_eval.register
def _(e: Number, args, arrays, sizes):
    return np.full((1, 1), _real(e.value))


def _real(value) -> float:
    """A literal as a float; one beyond the floating-point range (1e400, 10**400) is ±inf, not an OverflowError."""
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


@_eval.register
def _(e: Ones, args, arrays, sizes):
    return np.ones((size_of(e.shape[0], sizes), size_of(e.shape[1], sizes)))


@_eval.register
def _(e: Zeros, args, arrays, sizes):
    return np.zeros((size_of(e.shape[0], sizes), size_of(e.shape[1], sizes)))


def commutation_matrix(m: int, n: int) -> np.ndarray:
    """K(m, n): K vec(A) = vec(Aᵀ) for an m×n matrix A (column-major vec)."""
    k = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            k[j + n * i, i + m * j] = 1.0  # vec(A)[i + m j] = A[i, j] = vec(Aᵀ)[j + n i]
    return k


@_eval.register
def _(e: Commutation, args, arrays, sizes):
    return commutation_matrix(*(size_of(d, sizes) for d in e.dims))


@_eval.register
def _(e: Identity, args, arrays, sizes):
    return np.eye(size_of(e.shape[0], sizes))


@_eval.register
def _(e: Add, args, arrays, sizes):
    total = args[0]
    for a in args[1:]:
        total = total + a
    return total


@_eval.register
def _(e: Mul, args, arrays, sizes):
    total = args[0]
    for a in args[1:]:
        total = total * a
    return total


@_eval.register
def _(e: MatMul, args, arrays, sizes):
    total = args[0]
    for a in args[1:]:
        total = total @ a
    return total


@_eval.register
def _(e: Power, args, arrays, sizes):
    return np.power(args[0], args[1])


@_eval.register
def _(e: Transpose, args, arrays, sizes):
    return args[0].T


@_eval.register
def _(e: Call, args, arrays, sizes):
    try:
        out = np.asarray(e.fn.numpy(*args), dtype=float)
    except np.linalg.LinAlgError as err:  # inv of a singular matrix
        raise EvaluationError(f"cannot evaluate {e.fn.spelling}: {err} (the values make it undefined)") from None
    return out.reshape(1, 1) if out.ndim == 0 else out


@_eval.register
def _(e: Block, args, arrays, sizes):
    rows, i = [], 0
    for n in e.layout:
        rows.append(list(args[i : i + n]))
        i += n
    return np.block(rows)
