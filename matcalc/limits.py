"""The resource limits matcalc enforces, in one place (see docs/limits.md).

Each limit turns input that would exhaust time or memory into a clear :class:`MatcalcError`.
"""

MAX_INPUT_LENGTH = 20_000  # characters in one expression or declaration
MAX_NESTING_DEPTH = 200  # brackets/parentheses/norm bars nested inside each other
MAX_NUMBER_DIGITS = 400  # digits in one numeric literal, exponent included
MAX_NUMBER_EXPONENT = 400  # |e| in 1e±e
MAX_MATRIX_POWER = 16  # A^k with a square matrix A is spelled out as k factors

RECURSION_LIMIT = 30000  # Python frames allowed while matcalc walks a deep tree


def deep_recursion(fn):
    """Run `fn` with room for deep trees; a tree too deep even for that is a clear MatcalcError."""
    import functools
    import sys

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .errors import MatcalcError

        old = sys.getrecursionlimit()
        if old < RECURSION_LIMIT:
            sys.setrecursionlimit(RECURSION_LIMIT)
        try:
            return fn(*args, **kwargs)
        except RecursionError:
            raise MatcalcError("expression too deeply nested") from None
        finally:
            if old < RECURSION_LIMIT:
                sys.setrecursionlimit(old)

    return wrapper
