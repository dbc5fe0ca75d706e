"""The front door for text: ``parse(text, where)`` → a typed expression tree.

Text goes through the grammar (:mod:`matcalc.syntax`), declarations are read
(:mod:`matcalc.declarations`), and shapes and notation are resolved (:mod:`matcalc.infer`).
An already-built expression passes through unchanged.
"""

from __future__ import annotations

from .declarations import Declaration, parse_where
from .errors import MatcalcError
from .expr import Expr, symbols
from .infer import infer_tree
from .limits import bounded, check_size
from .shapes import describe
from .syntax import parse_syntax


@bounded
def parse(text: str | Expr, where: str | None | dict[str, Declaration] = None) -> Expr:
    """Parse `text` (NumPy, MATLAB or math notation) into an expression with inferred shapes.

    >>> str(parse("x^T A x"))
    'x.T @ A @ x'
    """
    if isinstance(text, Expr):
        return text
    if not isinstance(text, str):
        raise MatcalcError(f"expected an expression string, got {type(text).__name__}")
    decls = parse_where(where)
    node, markers = parse_syntax(text)
    try:
        return check_size(infer_tree(text, node, markers, decls), "the expression")
    except RecursionError:
        raise MatcalcError("expression too deeply nested") from None


def assumptions(e: Expr) -> str:
    """What the expression assumes of its names: ``x: vector(n), A: matrix(n, n) symmetric``."""
    parts = []
    for s in symbols(e):
        props = " ".join(sorted(s.props))
        parts.append(f"{s.name}: {describe(s.shape)}" + (f" {props}" if props else ""))
    return ", ".join(parts)
