"""Calls: registry functions with their square arguments and shape rules, the spellings' helpers, and
the small syntax nodes the notation pass leaves (identities of a named size, bars, a column of ones).

``exp``/``log``/``sqrt`` of a square matrix (or, in math notation, of a matrix whose size is not
declared) are refused here, since most readers mean the matrix function. Mixed into
:class:`matcalc.infer.Inference`.
"""

from __future__ import annotations

import re

from . import functions, spellings
from .errors import ParseError, ShapeError, UnsupportedError
from .expr import Call, Number, Ones
from .shapes import ONE, Dim, Shape
from .syntax import Syntax
from .unify import FLEX_PREFIX


class Calls:
    """Mixed into :class:`matcalc.infer.Inference`: function calls and the spellings' helpers."""

    def infer_call(self, node, want_array):
        fname, name_pos, prefix = node.data
        handler = spellings.HANDLERS.get(fname)
        if handler is not None:
            return handler(self, node, want_array)
        fn = functions.lookup(fname)
        if fn is None:
            known = ", ".join(sorted(set(functions.REGISTRY) | set(spellings.HANDLERS)))
            raise ParseError(f"unknown function '{fname}' (known: {known})", self.text, name_pos)
        return self.registry_call(node, fn)

    def registry_call(self, node, fn):
        """A call of a registry row: arguments inferred, square arguments unified, the row's shape rule."""
        fname, name_pos, prefix = node.data
        args = node.args
        for a in args:
            if a.op in ("kwarg", "string"):
                raise ParseError(f"{fn.name} takes no option {self.src(a)}", self.text, a.pos)
        if len(args) != fn.arity:
            raise ParseError(f"{fn.name} takes {fn.arity} argument(s), got {len(args)}", self.text, name_pos)
        parts = [self.infer(a) for a in args]
        shapes = [self.u.settle(s) for s, _ in parts]
        if fn.arity == 1:
            fn = functions.resolve(fn.name, self._vectorish(shapes[0]))  # diag of a vector, or of a square matrix
        if fn.square:
            if not self.u.unify(shapes[0][0], shapes[0][1]):
                raise ShapeError(
                    f"{fn.spelling} needs a square matrix, but {self.src(args[0])} is {self.show(shapes[0])}",
                    self.text, args[0].pos,
                )
        try:
            shape = fn.shape_of(tuple(self.u.shape(s) for s in shapes))
        except ShapeError as e:
            for s in shapes:
                self.show(s)  # give the flexible dims of the arguments their display names
            readable = re.sub(r"\?\d+", lambda m: self.display.get(m.group(0), "n"), e.reason)
            raise ShapeError(f"{readable} (in {self.src(node)})", self.text, node.pos) from None
        math_reading = self.notation == "math" or (self.notation == "auto" and not self.numpy_markers)
        matrix_function = fn.square_matrix_meaning if not prefix and math_reading else ""
        written_as_math = self.notation == "math" or (self.notation == "auto" and self.math_markers)
        if matrix_function and written_as_math and self._may_be_square(shapes[0]):  # exp(A t), A undeclared
            argument = self.src(args[0])
            raise UnsupportedError(
                f"{self.src(node)}: {argument} is a matrix whose size is not declared; if it is square, {fn.name}(…) "
                f"means the matrix function {matrix_function}({argument}) to most readers: write "
                f"{matrix_function}(…) for it, np.{fn.name}(…) for the entry-wise {fn.name}, or declare the shapes",
                self.text, node.pos,
            )

        def build():
            built = [b() for _, b in parts]
            if matrix_function and self._square_matrix(built[0].shape):
                raise UnsupportedError(
                    f"{self.src(node)}: {fn.name} of the square matrix {self.src(args[0])} means the matrix function "
                    f"{matrix_function}({self.src(args[0])}) to most readers; write {matrix_function}(…) for it, or "
                    f"np.{fn.name}(…) for the entry-wise {fn.name}",
                    self.text, node.pos,
                )
            return Call(fn, *built)

        return shape, build

    def _may_be_square(self, s: Shape) -> bool:
        """A matrix (neither dimension 1) whose two dimensions are still free and could be made equal."""
        rows, cols = self.u.shape(s)
        if rows == ONE or cols == ONE or rows == cols:
            return False
        free = [d.name for d in (rows, cols) if d.name and d.name.startswith(FLEX_PREFIX)]
        return bool(free) and all(n not in self.u.default_one for n in free)

    def _vectorish(self, s: Shape) -> bool:
        r = self.u.shape(s)
        return r[0] == ONE or r[1] == ONE

    @staticmethod
    def _square_matrix(s: Shape) -> bool:
        return s[0] == s[1] and s[0] != ONE

    # ------------------------------------------------------------ helpers for the spellings

    def is_vector(self, s: Shape) -> bool:
        r = self.u.settle(s)
        return r[1] == ONE and r[0] != ONE

    def is_covector(self, s: Shape) -> bool:
        r = self.u.settle(s)
        return r[0] == ONE and r[1] != ONE

    def math_only(self) -> bool:
        return bool(self.math_markers) and not self.numpy_markers

    def matlab_only(self) -> bool:
        """MATLAB's own operators (``.*``, ``./``, ``.^``, ``\\``) and no NumPy marker."""
        return any(m in (".*", "./", ".^", "\\") for m, _ in self.math_markers) and not self.numpy_markers

    def numpy_only(self) -> bool:
        return bool(self.numpy_markers) and not self.math_markers

    def identity(self, size: Dim):
        return spellings.identity_builder(self, size)

    def infer_identity(self, node, want_array):
        return self.identity(Dim.of(node.data))

    def infer_bars(self, node, want_array):
        """``|x|``: the absolute value of a scalar or of each entry of a vector; ``|A|``: det of a matrix."""
        (inner,) = node.args
        s, _ = self.infer(inner)
        r = self.u.settle(s)
        fname = "abs" if (r[0] == ONE or r[1] == ONE) else "det"
        call = Syntax("call", [inner], (fname, node.pos, ""), node.pos, node.end)
        if fname == "det":
            self.notes.append(f"{self.src(node)} read as det({self.src(inner)})")
        return self.registry_call(call, functions.lookup(fname))

    def infer_ones_column(self, node, want_array):
        """The column of ones of a sum along an axis (X 1, Xᵀ 1): its length from the product, its width 1."""
        s = (self.u.fresh(nonunit=False), ONE)

        def build():
            fs = self.final_shape(s)
            return Number(1) if fs == (ONE, ONE) else Ones(fs)

        return s, build

    def infer_tuple(self, node, want_array):
        raise ParseError(f"a tuple {self.src(node)} is only a size, as in np.ones((n, m))", self.text, node.pos)

    def infer_string(self, node, want_array):
        raise ParseError(f"{self.src(node)} is only an option, as in norm(X, 'fro')", self.text, node.pos)

    def infer_kwarg(self, node, want_array):
        raise ParseError(f"{self.src(node)}: this function takes no option {node.data}=", self.text, node.pos)
