"""The resource limits matcalc enforces, in one place (see docs/limits.md).

Each limit turns input that would exhaust time or memory into a clear :class:`MatcalcError`:
the text limits are checked before parsing, the size limit on every parsed expression and every
derivative, and the time limit while a derivation, a check or a grading runs.
"""

from __future__ import annotations

import functools
import sys
import threading
import time

MAX_INPUT_LENGTH = 20_000  # characters in one expression or declaration
MAX_NESTING_DEPTH = 200  # brackets/parentheses/norm bars nested inside each other
MAX_NUMBER_DIGITS = 400  # digits in one numeric literal, exponent included
MAX_NUMBER_EXPONENT = 400  # |e| in 1e±e
MAX_MATRIX_POWER = 16  # A^k with a square matrix A is spelled out as k factors
MAX_TREE_SIZE = 200_000  # size of an expression or a derivative: 1 + the operands of its distinct subexpressions
MAX_WRITTEN = 200_000  # nodes a printer writes out (a shared subexpression each time it occurs)
MAX_EXPANSION = 10_000_000  # nodes an expression or a derivative may stand for written out (simplifying may write it out)
MAX_CHECK_ENTRIES = 1_000_000  # entries of any one array a numeric check would build (8 MB of float64)
MAX_SECONDS = 60.0  # wall-clock time for one derivation, check or grading
MAX_REWRITES = 50_000  # lemma applications in one simplification (it stops there, still sound)

RECURSION_LIMIT = 30000  # Python frames allowed while matcalc walks a deep tree

_state = threading.local()


def tree_size(e) -> int:
    """Number of nodes of `e` written out as a tree (a shared subexpression counts each time it occurs)."""
    return _sizes(e)[1]


def _sizes(e) -> tuple[int, int]:
    """(dag_size, tree_size) of `e` in one walk over its distinct nodes."""
    sizes: dict[int, int] = {}  # by object (e is alive meanwhile): ids hash without calling Python
    operands, stack = 0, [e]
    while stack:
        node = stack[-1]
        if id(node) in sizes:
            stack.pop()
            continue
        pending = [a for a in node.args if id(a) not in sizes]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        sizes[id(node)] = 1 + sum([sizes[id(a)] for a in node.args])
        operands += len(node.args)
    return 1 + operands, sizes[id(e)]


def written_size_at_most(e, n: int) -> bool:
    """Is `e` written out as a tree at most `n` nodes? (Stops counting past `n`: cheap on any DAG.)"""
    return written_total_at_most([e], n)


def written_total_at_most(exprs, n: int) -> bool:
    """Are the expressions, written out as trees, at most `n` nodes in all? (Stops counting past `n`.)"""
    count = 0
    for e in exprs:
        stack = [e]
        while stack:
            count += 1
            if count > n:
                return False
            stack.extend(stack.pop().args)
    return True


def dag_size(e) -> int:
    """The size of `e` kept once per distinct subexpression: 1 + the operands of every distinct node. For a tree
    that is its number of nodes; a subexpression shared k times adds k operand references, not k copies."""
    return _sizes(e)[0]


def check_size(e, what: str):
    """Refuse `e` (the expression, the differential, the derivative …) when its size (:func:`dag_size`) exceeds
    MAX_TREE_SIZE (what derivation and code generation cost is linear in it), or when written out it would pass
    MAX_EXPANSION nodes: simplifying gathers nested sums and products, which can write shared parts out. Both
    counts visit each distinct subexpression once."""
    from .errors import LimitError

    n, written = _sizes(e)
    if n > MAX_TREE_SIZE:
        raise LimitError(f"{what} has {n:,} nodes; the limit is {MAX_TREE_SIZE:,} (see MAX_TREE_SIZE)")
    if written > MAX_EXPANSION:
        raise LimitError(f"{what} has {n:,} distinct nodes but stands for {written:,} written out (its shared parts "
                         f"repeated); the limit is {MAX_EXPANSION:,} (see MAX_EXPANSION)")
    return e


def check_written(e) -> None:
    """Refuse to write `e` out when that is more than MAX_WRITTEN nodes (its shared subexpressions repeated: a
    deep network's gradient written out grows as the square of its depth, a DAG's can grow exponentially)."""
    from .errors import LimitError

    if not written_size_at_most(e, MAX_WRITTEN):
        raise LimitError(f"written out, the expression has more than {MAX_WRITTEN:,} nodes (its shared parts repeated); "
                         "print it with names for them: d.text_with_lets() (see MAX_WRITTEN)")


def check_product_rule(factors: int, dependent: int) -> None:
    """Refuse a product rule whose expansion alone (one term per dependent factor, each with all the
    factors) exceeds MAX_TREE_SIZE, before building it: x∘x∘…∘x with 6000 factors would take minutes."""
    from .errors import LimitError

    if factors * dependent > MAX_TREE_SIZE:
        raise LimitError(
            f"the product rule on {factors:,} factors, {dependent:,} of them dependent, gives at least "
            f"{factors * dependent:,} nodes; the limit is {MAX_TREE_SIZE:,} (see MAX_TREE_SIZE)"
        )


def tick() -> None:
    """Raise LimitError when the running operation has used up MAX_SECONDS (called in the hot loops)."""
    deadline = getattr(_state, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        from .errors import LimitError

        raise LimitError(f"gave up after {MAX_SECONDS:g} s (see MAX_SECONDS); the expression is too large to finish")


def bounded(fn):
    """Run `fn` with room for deep trees and within MAX_SECONDS (the outermost call sets the clock).

    A tree too deep even for RECURSION_LIMIT frames is a clear MatcalcError, not a RecursionError."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .errors import MatcalcError

        outermost = getattr(_state, "deadline", None) is None
        old = sys.getrecursionlimit()
        if old < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)
        if outermost:
            _state.deadline = time.monotonic() + MAX_SECONDS
        try:
            return fn(*args, **kwargs)
        except RecursionError:
            raise MatcalcError("expression too deeply nested") from None
        finally:
            if outermost:
                _state.deadline = None
            if old < RECURSION_LIMIT:
                sys.setrecursionlimit(old)

    return wrapper
