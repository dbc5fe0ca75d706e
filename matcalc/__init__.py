"""matcalc: symbolic matrix calculus with closed forms, steps and numeric proof.

Public API only; see docs/api.md.
"""

from __future__ import annotations

from .errors import DeclarationError, EvaluationError, LimitError, MatcalcError, ParseError, ShapeError, UnsupportedError
from .expr import Expr
from .numeric import evaluate as _evaluate
from .parser import assumptions as _assumptions
from .parser import parse
from .parser import read as _read
from .printing import to_latex as _to_latex
from .printing import to_math as _to_math
from .printing import to_text as _to_text


def __getattr__(name):
    """``__version__`` is read from the installed metadata on first use (keeps the import fast)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("matcalc-engine")
        except PackageNotFoundError:  # running from a source tree without installation
            return "0.1.0"
    raise AttributeError(f"module 'matcalc' has no attribute {name!r}")


def evaluate(expr, values=None, where=None, sizes=None, strict: bool = False):
    """Value of an expression (string or tree) on NumPy arrays: a float for scalars, else a 2-D array.

    One `where` may declare names of many expressions; ``strict=True`` refuses declarations of names that do
    not occur."""
    return _evaluate(parse(expr, where, strict=strict), values or {}, sizes)


def to_text(expr, where=None) -> str:
    """NumPy-syntax text of an expression (string or tree); it parses back to the same tree."""
    return _to_text(parse(expr, where))


def to_math(expr, where=None) -> str:
    """Unicode math notation of an expression (string or tree)."""
    return _to_math(parse(expr, where))


def to_latex(expr, where=None) -> str:
    """LaTeX of an expression (string or tree)."""
    return _to_latex(parse(expr, where))


latex = to_latex


def assumptions(expr, where=None) -> str:
    """What an expression (string or tree) assumes of its names: ``x: vector(n), A: matrix(n, n)``, then how its
    text was read where a reader could doubt it (``Ax read as A x``)."""
    reading = _read(expr, where)
    return _assumptions(reading.expr, reading.notes)


__all__ = [
    "parse", "evaluate", "latex", "assumptions", "to_text", "to_math", "to_latex", "Expr",
    "MatcalcError", "ParseError", "ShapeError", "DeclarationError", "UnsupportedError", "EvaluationError", "LimitError",
    "__version__",
]

from .derivative import Derivative, derive, gradient, jacobian  # noqa: E402
from .hessian import Hessian, hessian  # noqa: E402
from .sympy_bridge import register_function  # noqa: E402  (imports SymPy only when called)

__all__ += ["Derivative", "Hessian", "derive", "gradient", "hessian", "jacobian", "register_function"]

from .grading import Verdict, assert_answer, assert_function, check_answer, check_function  # noqa: E402

__all__ += ["check_answer", "assert_answer", "check_function", "assert_function", "Verdict"]

from .course import Course, find_course  # noqa: E402

__all__ += ["Course", "find_course"]
