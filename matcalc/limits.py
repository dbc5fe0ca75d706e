"""The resource limits matcalc enforces, in one place (see docs/limits.md).

Each limit turns input that would exhaust time or memory into a clear :class:`MatcalcError`.
"""

MAX_INPUT_LENGTH = 20_000  # characters in one expression or declaration
MAX_NESTING_DEPTH = 200  # brackets/parentheses/norm bars nested inside each other
MAX_NUMBER_DIGITS = 400  # digits in one numeric literal, exponent included
MAX_NUMBER_EXPONENT = 400  # |e| in 1e±e
MAX_MATRIX_POWER = 16  # A^k with a square matrix A is spelled out as k factors
