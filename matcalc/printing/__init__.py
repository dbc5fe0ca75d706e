"""Printers: NumPy-syntax text (parses back to the same tree), Unicode math, LaTeX.

Each printer is a visitor dispatched on node type; brackets are decided in one place from the one
precedence table in :mod:`matcalc.printing.precedence`.
"""

from .latex import to_latex
from .math import to_math
from .text import to_text

__all__ = ["to_text", "to_math", "to_latex"]
