"""Syntax tree → typed expression tree: shape inference by unification, and the meaning of notation.

Undeclared names take their default kind (lowercase: column vector, uppercase: matrix) with fresh,
flexible dimensions; every operator adds equations between dimensions, solved as they come
(unification). This is where notation gets its meaning: ``*`` between non-scalars follows the
dialect markers of the whole expression, juxtaposition is a matrix product (or scaling when one side
is a scalar), ``^`` is a power, an inverse, a transpose or a matrix power by the base's kind, ``1`` is
a vector of ones where an array is needed. Errors name the subexpression, both shapes and the
position. The result is built from :mod:`matcalc.expr` nodes, which check their shapes again.

The equations are solved in :mod:`matcalc.unify`; the evidence that an undeclared name is a scalar is
gathered by :mod:`matcalc.scalar_reading`; the meaning of call spellings (``np.dot``, ``sum(X, axis=0)``)
is in :mod:`matcalc.spellings`; decisions over the whole text are made before, in :mod:`matcalc.reading`.
Chains of products are read by :mod:`matcalc.products`, powers by :mod:`matcalc.powers`, norms by
:mod:`matcalc.norms` and block matrices by :mod:`matcalc.block_matrices`; the flexible dimensions are named
by :mod:`matcalc.dim_names`.
"""

from __future__ import annotations

from collections.abc import Callable

from . import block_matrices, functions, norms, powers, spellings
from .calls import Calls
from .declarations import Declaration
from .dim_names import DimNames
from .errors import ParseError, ShapeError
from .expr import (
    Add,
    Call,
    Expr,
    Identity,
    Number,
    Ones,
    Symbol,
    Transpose,
    Zeros,
    negate,
)
from .lexing import MATH_MARKERS, NUMPY_MARKERS
from .products import Products
from .properties import SQUARE_PROPERTIES
from .scalar_reading import ScalarEvidence, _is_greek_letter
from .shapes import ONE, Dim, Shape
from .syntax import Syntax
from .unify import Unifier

Builder = Callable[[], Expr]

NOTATIONS = ("auto", "numpy", "matlab", "math", "latex")


class Inference(Products, Calls, ScalarEvidence):
    """One inference run over one syntax tree."""

    def __init__(self, text: str, decls: dict[str, Declaration], markers: list[tuple[str, int]],
                 notation: str = "auto", scalars: frozenset[str] = frozenset()):
        self.text = text
        self.decls = decls
        self.notation = notation
        self.scalars = scalars  # undeclared names read as scalars (they only scale, see scalar_fits)
        self.u = Unifier()
        self.symbols: dict[str, tuple[Shape, frozenset[str]]] = {}
        self.numpy_markers = [(m, p) for m, p in markers if m in NUMPY_MARKERS]
        self.math_markers = [(m, p) for m, p in markers if m in MATH_MARKERS]
        self.notes: list[str] = []
        # bare undeclared names met as a factor beside a scalar: {name: occurrences that fit a scalar}, and
        # those met as a divisor, over a number (`N/2`) or beside an identity (`λ I`): a scalar for sure
        self.scaling: dict[str, int] = {}
        self.strong: set[str] = set()
        self.beside_arrays: set[str] = set()
        self.factors: dict[str, int] = {}  # occurrences as a factor of a product (for a failed default reading)
        self.partitions: dict[int, tuple] = {}  # block node id -> (node, row heights, column widths)
        self.divisors: set[str] = set()  # names something is divided by
        self.recent_fits: list[str] = []  # names fitted so far, in order (a term's own are a slice of it)
        rigid = {d for decl in decls.values() for d in (decl.dims or ()) if isinstance(d, str)}
        self.dims = DimNames(self.u, rigid | set(decls) | set())
        self.display = self.dims.display  # names of flexible dims in error messages

    # ------------------------------------------------------------ entry point

    def run(self, node: Syntax) -> Expr:
        self.dims.take_names_of(node)
        _, build = self.infer(node)
        self.dims.name_all(self.symbols)
        return build()

    def final(self, d: Dim) -> Dim:
        """The dimension as it appears in the typed tree."""
        return self.dims.final(d)

    def final_shape(self, s: Shape) -> Shape:
        return (self.final(s[0]), self.final(s[1]))

    # ------------------------------------------------------------ messages

    def show(self, s: Shape) -> str:
        """A shape for an error message; flexible dims get readable names, the same in one run."""
        return self.dims.show(s)

    def src(self, node: Syntax) -> str:
        return self.text[node.pos : node.end].strip() or "?"

    def src_span(self, start: int, end: int) -> str:
        return self.text[start:end].strip()

    def mismatch(self, op: str, left_text: str, left: Shape, right_text: str, right: Shape, pos: int, why: str = ""):
        msg = (
            f"shape mismatch in '{op}': {left_text} is {self.show(left)} but {right_text} is "
            f"{self.show(right)}" + (f" ({why})" if why else "")
        )
        return ShapeError(msg, self.text, pos)

    # ------------------------------------------------------------ inference, one method per op

    def infer(self, node: Syntax, want_array: bool = False) -> tuple[Shape, Builder]:
        method = getattr(self, "infer_" + node.op, None)
        if method is None:
            raise ParseError(f"{self.src(node)} cannot stand here", self.text, node.pos)
        return method(node, want_array)

    def infer_paren(self, node, want_array):
        return self.infer(node.args[0], want_array)

    def infer_number(self, node, want_array):
        value = node.data
        if want_array and value in (0, 1):
            s = (self.u.fresh(default_one=True), self.u.fresh(default_one=True))

            def build():
                fs = self.final_shape(s)
                if fs == (ONE, ONE):
                    return Number(value)
                return Ones(fs) if value == 1 else Zeros(fs)

            return s, build
        return (ONE, ONE), lambda: Number(value)

    def infer_name(self, node, want_array):
        name = node.data
        if name not in self.decls and name in ("I", "eye"):
            k = self.u.fresh()
            s = (k, k)

            def build():
                size = self.final(k)
                return Number(1) if size == ONE else Identity(size)

            return s, build
        fn = functions.lookup(name) if name not in self.decls else None
        if fn is not None and fn.arity == 0:  # a constant: pi, π (unless declared as a name)
            return (ONE, ONE), lambda: Call(fn)
        if fn is None and name not in self.decls and name in spellings.HANDLERS and name not in ("I",):
            raise ParseError(f"'{name}' is a function: write {name}(...)", self.text, node.pos)
        if fn is not None and not _is_greek_letter(name):  # a bare σ is a name (σ², σ I); σ(x) the sigmoid
            raise ParseError(f"'{name}' is a function: write {name}(...)", self.text, node.pos)
        s, props = self.symbol(name, node)
        return s, lambda: Symbol(name, self.final_shape(s), props)

    def symbol(self, name: str, node: Syntax, default_kind: str | None = None) -> tuple[Shape, frozenset[str]]:
        if name in self.symbols:
            return self.symbols[name]
        decl = self.decls.get(name, Declaration(name))
        kind = decl.kind or default_kind or ("scalar" if name in self.scalars else None)
        if kind is None:
            square = bool(decl.props & SQUARE_PROPERTIES)
            vector = bool(decl.props & {"probability", "onehot"})  # a probability vector, whatever its case
            kind = "matrix" if square or not (_is_lower(name) or vector) else "vector"
        dims = [Dim.of(d) for d in decl.dims] if decl.dims else None
        u = self.u
        if kind == "scalar":
            s = (ONE, ONE)
        elif kind == "vector":
            s = (dims[0] if dims else u.fresh(nonunit=True), ONE)
        elif kind == "covector":
            s = (ONE, dims[0] if dims else u.fresh(nonunit=True))
        else:
            s = (dims[0], dims[1]) if dims else (u.fresh(nonunit=True), u.fresh(nonunit=True))
        if decl.props & SQUARE_PROPERTIES:
            if not u.unify(s[0], s[1]):
                raise ShapeError(f"{name} is declared {'/'.join(sorted(decl.props))} but is {self.show(s)}")
        self.symbols[name] = (s, decl.props)
        return self.symbols[name]

    def infer_neg(self, node, want_array):
        s, b = self.infer(node.args[0], want_array)
        return s, lambda: negate(b())

    def infer_add(self, node, want_array):
        parts, own_fits = [], []
        for t in node.args:
            before = len(self.recent_fits)
            parts.append(self.infer(t, want_array))
            own_fits.append(self.recent_fits[before:])
        if any(self.u.is_scalar(s) and self._scalar_of_arrays(t, constants=False) for t, (s, _) in zip(node.args, parts)):
            for names in own_fits:  # `½ wᵀw + C sum(ξ)`: C scales a term added to a scalar: in math, no broadcast
                self.strong.update(names)
        others = [(t, s) for t, (s, _) in zip(node.args, parts) if self._bare(t) is None]
        if others and all(self.u.is_scalar(s) and self._scalar_of_arrays(t) for t, s in others):
            for t in node.args:  # `xᵀx + c`: a name added to scalars fits a scalar (math has no broadcast)
                if self._bare(t) is not None:
                    self._fits(self._bare(t), strong=True)
        result, first = (ONE, ONE), None
        for term, (s, _) in zip(node.args, parts):
            if self.u.settle_scalar(s):  # a scalar, or a literal 1 or 0 that may be one: broadcast
                continue
            if first is None:
                first, result = term, s
                continue
            if not (self.u.unify(result[0], s[0]) and self.u.unify(result[1], s[1])):
                raise self.mismatch("+", self.src(first), result, self.src(term), s, term.pos)
        return result, lambda: Add(*[b() for _, b in parts])

    def infer_transpose(self, node, want_array):
        s, b = self.infer(node.args[0], True)
        return (s[1], s[0]), lambda: Transpose(b())

    def infer_power(self, node, want_array):
        """``a ** b``: :func:`matcalc.powers.infer_power`."""
        return powers.infer_power(self, node, want_array)

    def infer_caret(self, node, want_array):
        """``base^k``: :func:`matcalc.powers.infer_caret`."""
        return powers.infer_caret(self, node, want_array)

    def infer_norm(self, node, want_array):
        """``‖x‖``: :func:`matcalc.norms.infer_norm`."""
        return norms.infer_norm(self, node, want_array)

    def infer_block(self, node, want_array):
        """``[A, B; C, D]``: :func:`matcalc.block_matrices.infer_block`."""
        return block_matrices.infer_block(self, node, want_array)


def _is_lower(name: str) -> bool:
    return name[:1].islower()


__all__ = ["Inference", "NOTATIONS", "Unifier"]
