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
"""

from __future__ import annotations

from collections.abc import Callable

from . import functions, spellings
from .calls import Calls
from .declarations import Declaration
from .errors import ParseError, ShapeError, UnsupportedError
from .expr import (
    Add,
    Block,
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
from .shapes import ONE, Dim, Shape, describe
from .syntax import Syntax
from .unify import FLEX_PREFIX, Unifier

NICE_DIM_NAMES = ("n", "m", "p", "q", "r", "s", "t", "k", "l", "d", "u", "v")
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
        self.names: dict[str, str] | None = None  # final names of flexible dims, set before building
        self.display: dict[str, str] = {}  # names of flexible dims in error messages
        rigid = {d for decl in decls.values() for d in (decl.dims or ()) if isinstance(d, str)}
        self.taken = rigid | set(decls) | set()

    # ------------------------------------------------------------ entry point

    def run(self, node: Syntax) -> Expr:
        self.taken |= self._all_names(node)
        _, build = self.infer(node)
        self._name_dims()
        return build()

    def _all_names(self, node: Syntax) -> set[str]:
        out, stack = set(), [node]
        while stack:
            n = stack.pop()
            if n.op == "name" or (n.op == "identity" and isinstance(n.data, str)):
                out.add(n.data)
            stack.extend(n.args)
        return out

    def _name_dims(self) -> None:
        """Give flexible dimensions readable names (n, m, p, …) in order of first appearance."""
        self.names = {}
        for shape, _ in self.symbols.values():
            for d in self.u.shape(shape):
                for name in sorted(d.names()):
                    fixed = name in self.names or name in self.u.default_one
                    if name.startswith(FLEX_PREFIX) and not fixed:
                        self.names[name] = self._next_name()

    def _next_name(self) -> str:
        used = set(self.names.values()) | self.taken
        for cand in NICE_DIM_NAMES:
            if cand not in used:
                return cand
        i = 1
        while f"n{i}" in used:
            i += 1
        return f"n{i}"

    def final(self, d: Dim) -> Dim:
        """The dimension as it appears in the typed tree."""
        d = self.u.resolve(d)
        mapping = {}
        for name in sorted(d.names()):
            if not name.startswith(FLEX_PREFIX):
                continue
            if name not in self.names:
                self.names[name] = "1" if name in self.u.default_one else self._next_name()
            final = self.names[name]
            mapping[name] = Dim.of(1) if final == "1" else Dim.of(final)
        return d.substitute(mapping)

    def final_shape(self, s: Shape) -> Shape:
        return (self.final(s[0]), self.final(s[1]))

    # ------------------------------------------------------------ messages

    def show(self, s: Shape) -> str:
        """A shape for an error message; flexible dims get readable names, the same in one run."""
        r = self.u.shape(s)
        for d in r:
            for name in sorted(d.names()):
                if name.startswith(FLEX_PREFIX) and name not in self.display:
                    used = set(self.display.values()) | self.taken
                    self.display[name] = next(
                        (c for c in NICE_DIM_NAMES if c not in used),
                        f"n{len(self.display) + 1}",
                    )
        mapping = {k: Dim.of(v) for k, v in self.display.items()}
        return describe((r[0].substitute(mapping), r[1].substitute(mapping)))

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

    def infer_norm(self, node, want_array):
        (inner,) = node.args
        s, b = self.infer(inner)
        r = self.u.settle(s)
        is_vec = r[0] == ONE or r[1] == ONE
        sub = node.data
        text = self.src(inner)
        if sub in ("F", "fro"):
            fn = functions.lookup("norm_fro")
        elif sub == "1":
            if not is_vec:
                raise UnsupportedError(f"the matrix 1-norm ||{text}||_1")
            fn = functions.lookup("norm1")
        else:
            if not is_vec:
                if sub == "2":
                    raise UnsupportedError(f"the spectral norm ||{text}||_2 of a matrix")
                raise ShapeError(
                    f"||{text}|| of a matrix is ambiguous ({text} is {self.show(s)}): "
                    f"write ||{text}||_F for the Frobenius norm",
                    self.text, node.pos,
                )
            fn = functions.lookup("norm")
        return (ONE, ONE), lambda: Call(fn, b())

    def infer_block(self, node, want_array):
        layout = node.data
        if len(set(layout)) != 1:
            raise ShapeError("every block row needs the same number of blocks", self.text, node.pos)
        latex = self.text.startswith("\\begin", node.pos)  # LaTeX separates blocks with &: a space is a product
        if layout[0] == 1 and not latex and any(item.op == "juxt" for item in node.args):  # `[x 1]`, as notes write it
            item = next(item for item in node.args if item.op == "juxt")
            parts = " ".join(self.src(a) for a in item.args)
            raise ParseError(
                f"[{self.src(item)}] is ambiguous: write [{', '.join(self.src(a) for a in item.args)}] to put the "
                f"blocks side by side, or [({parts})] for their product",
                self.text, item.pos,
            )
        parts = [self.infer(item, True) for item in node.args]
        rows, i = [], 0
        for n in layout:
            rows.append(list(zip(node.args[i : i + n], parts[i : i + n])))
            i += n
        for row in rows:
            (first, (fs, _)) = row[0]
            for item, (s, _) in row[1:]:
                if not self.u.unify(fs[0], s[0]):
                    raise self.mismatch(",", self.src(first), fs, self.src(item), s, item.pos,
                                        "blocks side by side need the same number of rows")
        for j in range(layout[0]):
            (first, (fs, _)) = rows[0][j]
            for row in rows[1:]:
                item, (s, _) = row[j]
                if not self.u.unify(fs[1], s[1]):
                    raise self.mismatch(";", self.src(first), fs, self.src(item), s, item.pos,
                                        "stacked blocks need the same number of columns")
        # a literal 1 or 0 whose size no other block fixed is one entry: [zeros(n, 1); 1] is (n + 1)×1
        shapes = [self.u.settle(s) for s, _ in parts]
        self.partitions[id(node)] = (node, [shapes[sum(layout[:i])][0] for i in range(len(layout))],
                                     [shapes[j][1] for j in range(layout[0])])
        height = sum((shapes[sum(layout[:i])][0] for i in range(len(layout))), Dim.of(0))
        width = sum((shapes[j][1] for j in range(layout[0])), Dim.of(0))
        return (height, width), lambda: Block(*[b() for _, b in parts], layout=layout)


def _is_lower(name: str) -> bool:
    return name[:1].islower()




__all__ = ["Inference", "NOTATIONS", "Unifier"]
