"""A course's conventions, fixed once by the teacher: which layout answers must use, which vec order, and
which convention for the gradient with respect to a symmetric matrix.

Without them any layout is accepted (the verdict says which one the answer used), so the classic missing
transpose of a matrix gradient, ``det(X) inv(X)`` for ∂det(X)/∂X, passes as "numerator layout". A course
that teaches one layout says so in a small file beside the homework, found by ``matcalc check`` (from the
current directory) and ``matcalc grade`` (from the directory of the answers file), or in a parent
directory:

* ``matcalc.toml``::

      layout = "mixed"      # mixed, numerator or denominator; "any" accepts every layout
      vec = "col"           # col or row: the vec order of tensor-valued derivatives
      symmetric = "sym"     # w.r.t. a symmetric X: sym(G) = (G + Gᵀ)/2, or "cookbook": G + Gᵀ − G∘I

* or the same keys in a ``[tool.matcalc]`` table of ``pyproject.toml``.

From Python, ``Course(layout="mixed")`` (or :func:`find_course`) gives the same settings, and its
``check_answer`` applies them. A setting given explicitly (``--layout``, ``--symmetric``, a ``layout``
column, a keyword argument) wins over the course's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import MatcalcError
from .layout import LAYOUTS, VEC_ORDERS, symmetric_convention

KEYS = ("layout", "vec", "symmetric")


@dataclass(frozen=True)
class Course:
    """The conventions answers are judged in: `layout` (None: any layout), `vec` and `symmetric` (the
    gradient w.r.t. a symmetric matrix: "sym" or "cookbook", :data:`matcalc.layout.SYMMETRIC`); `source`
    says where they were read from ("" for none)."""

    layout: str | None = None
    vec: str = "col"
    source: str = ""
    symmetric: str = "sym"

    def __post_init__(self):
        if self.layout not in (None, *LAYOUTS):
            raise MatcalcError(f"{self._where()}layout must be one of {', '.join(LAYOUTS)} or any, not {self.layout!r}")
        if self.vec not in VEC_ORDERS:
            raise MatcalcError(f"{self._where()}vec must be one of {', '.join(VEC_ORDERS)}, not {self.vec!r}")
        symmetric_convention(self.symmetric, self._where())

    def _where(self) -> str:
        return f"{self.source}: " if self.source else ""

    def check_answer(self, expr, wrt, answer, **options):
        """:func:`matcalc.check_answer` in this course's conventions (an option given here wins)."""
        from .grading import check_answer

        options.setdefault("layout", self.layout)
        options.setdefault("vec", self.vec)
        options.setdefault("symmetric", self.symmetric)
        return check_answer(expr, wrt, answer, **options)

    def check_function(self, fn, expr, wrt, **options):
        """:func:`matcalc.check_function` (a student's gradient as code) in this course's conventions."""
        from .grading import check_function

        for key in ("layout", "vec", "symmetric"):
            options.setdefault(key, getattr(self, key))
        return check_function(fn, expr, wrt, **options)

    def describe(self, leave_out=()) -> str:
        """One line: the conventions (but those named in `leave_out`, given otherwise) and where they come from."""
        parts = {"layout": f"layout {self.layout or 'any'}", "vec": f"vec {self.vec}", "symmetric": f"symmetric {self.symmetric}"}
        text = ", ".join(part for key, part in parts.items() if key not in leave_out)
        return f"{text} (from {self.source})" if self.source else text


def find_course(start: str | Path = ".") -> Course:
    """The course settings that apply in the directory `start`: the nearest ``matcalc.toml``, or
    ``pyproject.toml`` with a ``[tool.matcalc]`` table, in it or a parent; ``Course()`` if there is none."""
    directory = Path(start).resolve()
    if directory.is_file():
        directory = directory.parent
    for folder in (directory, *directory.parents):
        own = folder / "matcalc.toml"
        if own.is_file():
            return _course(_toml(own), str(own))
        project = folder / "pyproject.toml"
        if project.is_file():
            table = _toml(project).get("tool", {}).get("matcalc")
            if table is not None:
                return _course(table, f"{project} [tool.matcalc]")
    return Course()


def _toml(path: Path) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        raise MatcalcError(f"{path}: reading course settings needs Python 3.11 or newer") from None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise MatcalcError(f"{path}: not a readable TOML file ({err})") from None


def _course(table: dict, source: str) -> Course:
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise MatcalcError(f"{source}: unknown setting {', '.join(unknown)}; the settings are {', '.join(KEYS)}")
    layout = table.get("layout", "any")
    if not isinstance(layout, str) or not isinstance(table.get("vec", "col"), str):
        raise MatcalcError(f"{source}: layout and vec are strings, e.g. layout = \"mixed\"")
    return Course(None if layout == "any" else layout, table.get("vec", "col"), source, table.get("symmetric", "sym"))


__all__ = ["Course", "find_course"]
