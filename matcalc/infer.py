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

import re
from collections.abc import Callable

from . import functions, limits, spellings
from .declarations import Declaration
from .errors import ParseError, ShapeError, UnsupportedError
from .expr import (
    Add,
    Block,
    Call,
    Expr,
    Identity,
    MatMul,
    Mul,
    Number,
    Ones,
    Power,
    Symbol,
    Transpose,
    Zeros,
    negate,
)
from .printing.precedence import format_number
from .reading import is_greek
from .scalar_reading import ScalarEvidence, _divisor_names, _is_greek_letter, _is_identity, _is_number, _walk
from .shapes import ONE, Dim, Shape, describe
from .syntax import MATH_MARKERS, NUMPY_MARKERS, Syntax
from .unify import FLEX_PREFIX, Unifier

NICE_DIM_NAMES = ("n", "m", "p", "q", "r", "s", "t", "k", "l", "d", "u", "v")
Builder = Callable[[], Expr]

NOTATIONS = ("auto", "numpy", "matlab", "math")


class Inference(ScalarEvidence):
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
            square = bool(decl.props & {"symmetric", "spd", "invertible", "diagonal"})
            kind = "matrix" if square or not _is_lower(name) else "vector"
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
        if decl.props & {"symmetric", "spd", "invertible", "diagonal"}:
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

    def _elementwise(self, op, left_text, ls, right_text, rs, pos) -> Shape:
        """Shape of an element-wise operation (scalars, and literal 1 or 0 that may be scalars, broadcast)."""
        if self.u.settle_scalar(ls):
            return rs
        if self.u.settle_scalar(rs):
            return ls
        if not (self.u.unify(ls[0], rs[0]) and self.u.unify(ls[1], rs[1])):
            raise self.mismatch(op, left_text, ls, right_text, rs, pos)
        return ls

    def _matmul(self, op, left_text, ls, right_text, rs, pos) -> Shape:
        if not self.u.unify(ls[1], rs[0]):
            raise self.mismatch(op, left_text, ls, right_text, rs, pos, "inner dimensions differ")
        return (ls[0], rs[1])

    def _dot(self, left_text, ls, right_text, rs, pos) -> Shape:
        """``w · x`` is ``wᵀ x`` for two vectors of one length; anything else is refused with the spellings."""
        vectors = all(self.u.unify(s[1], ONE) for s in (ls, rs))
        if not (vectors and self.u.unify(ls[0], rs[0])):
            raise self.mismatch(
                "·", left_text, ls, right_text, rs, pos,
                f"· is the dot product of two vectors; write {left_text} @ {right_text} for the matrix product "
                f"or {left_text} ∘ {right_text} for the element-wise product",
            )
        return (ONE, ONE)

    def _division(self, kind, left_text, ls, right_text, rs, pos) -> Shape:
        """``A \\ b`` (A⁻¹ b) and MATLAB's ``x' / Y`` (x' Y⁻¹): the divisor must be a square matrix."""
        square, other = (ls, rs) if kind == "ldiv" else (rs, ls)
        square_text = left_text if kind == "ldiv" else right_text
        if not self.u.unify(square[0], square[1]):
            raise ShapeError(f"dividing by {square_text} needs a square matrix, but it is {self.show(square)}",
                             self.text, pos)
        op = "\\" if kind == "ldiv" else "/"
        if kind == "ldiv":
            return self._matmul(op, left_text, ls, right_text, rs, pos)
        return self._matmul(op, left_text, ls, right_text, rs, pos)

    def _end_row_chain(self, shape, group, group_kind):
        """NumPy's ``x @ A`` is 1-D: as a column here, (xᵀA)ᵀ; ``x @ A @ y`` stays the scalar xᵀAy."""
        if self.u.resolve(shape[1]) == ONE:
            return shape, group, group_kind, False
        return (shape[1], shape[0]), [_transposed(_group(group_kind, group))], None, False

    def _align_blocks(self, left: Syntax, right: Syntax) -> None:
        """``[A, B] @ [x; z]``: partitions of as many blocks multiply block by block (A x + B z), as
        written; unaligned sizes (A with p + q - m columns) are not a reading anyone means."""
        while left.op == "paren":
            left = left.args[0]
        while right.op == "paren":
            right = right.args[0]
        lp, rp = self.partitions.get(id(left)), self.partitions.get(id(right))
        if lp is None or rp is None or lp[0] is not left or rp[0] is not right or len(lp[2]) != len(rp[1]):
            return
        layout = right.data
        for j, (width, height) in enumerate(zip(lp[2], rp[1])):
            if self.u.unify(width, height):
                continue
            item = right.args[sum(layout[:j])]
            while item.op in ("paren", "block") and len(item.args) == 1:
                item = item.args[0]
            name = self._bare(item)
            if name is not None:  # `[X, 1] @ [w; b]`: b stands against one column, so b is a scalar
                self._fits(name, strong=True)
                raise ShapeError(f"the blocks of {self.src(left)} and {self.src(right)} do not align as vectors: "
                                 f"{name} stands against {self.show((width, ONE))}", self.text, item.pos)

    def _outer_of_columns(self, ls: Shape, rs: Shape, right: Syntax) -> bool:
        """``v @ w.T`` of two vectors: an outer product here, an inner product for NumPy's 1-D arrays."""
        if self.notation in ("matlab", "math") or right.op != "transpose":
            return False
        left, r = self.u.shape(ls), self.u.shape(rs)
        return left[1] == ONE and left[0] != ONE and r[0] == ONE and r[1] != ONE

    def _numpy_row(self, ls: Shape, rs: Shape) -> bool:
        """Is the left operand of ``@`` a column that NumPy would read as a 1-D row? When it is a vector,
        the right operand's rows cannot be 1, and the notation is not MATLAB's or math's."""
        if self.notation in ("matlab", "math"):
            return False
        left, right = self.u.shape(ls), self.u.shape(rs)
        if left[1] != ONE or left[0] == ONE or right[0] == ONE:
            return False
        name = right[0].name
        if name and name.startswith(FLEX_PREFIX) and name not in self.u.nonunit:
            return False  # the right side may still have one row (a literal 1, a block)
        return True

    def _right_division(self, rs: Shape) -> bool:
        """Is ``a / B`` MATLAB's right division a B⁻¹? When B is a matrix and the notation is MATLAB's or math's."""
        if self.notation == "numpy" or (self.notation == "auto" and not self.math_only()):
            return False
        r = self.u.shape(rs)
        return r[0] != ONE and r[1] != ONE and not self.u.settle_scalar(rs)

    def _star_meaning(self, ls: Shape, rs: Shape, pos: int, left_text: str, right_text: str) -> str:
        """What `*` means here: 'mul' (scaling or element-wise) or 'matmul' — design.md's dialect rule."""
        if self.u.is_scalar(ls) or self.u.is_scalar(rs):
            return "mul"
        if self.notation == "numpy" or (self.notation == "auto" and self.numpy_markers and not self.math_markers):
            return "mul"
        if self.notation in ("matlab", "math") or (self.math_markers and not self.numpy_markers):
            if not self.u.unify(ls[1], rs[0]) and (self.u.settle_scalar(ls) or self.u.settle_scalar(rs)):
                return "mul"
            return "matmul"
        suggestion = (
            f"write {left_text} @ {right_text} for the matrix product or {left_text} ∘ {right_text} "
            f"(or .*) for the element-wise product"
        )
        if self.numpy_markers and self.math_markers:
            np_m, np_p = self.numpy_markers[0]
            ma_m, ma_p = self.math_markers[0]
            reason = (
                f"'*' between two non-scalars is ambiguous: the expression mixes NumPy notation "
                f"({np_m!r} at {np_p}) and math notation ({ma_m!r} at {ma_p}); {suggestion}"
            )
        else:
            reason = f"'*' between two non-scalars is ambiguous; {suggestion}"
        raise ParseError(reason, self.text, pos)

    def infer_chain(self, node, want_array):
        """A chain of product operators, folded left to right into n-ary MatMul / Mul groups.

        ``a @ b @ c * d`` is ``(a @ b @ c) * d``: consecutive operators of one kind form one n-ary node.
        """
        operands, ops = node.args, node.data
        if len(operands) == 2 and ops[0][0] == "/" and all(o.op == "number" for o in operands):
            numerator, denominator = (o.data for o in operands)
            if denominator != 0:  # a literal fraction such as 1/3 is one number
                return (ONE, ONE), lambda: Number(numerator / denominator)
        leading_minus = operands[0].op == "neg"  # `-a * b` is one product -1 ∘ a ∘ b; `-A @ x` is (-A) @ x
        head = operands[0].args[0] if leading_minus else operands[0]
        shape, first = self.infer(head, ops[0][0] in ("@", "juxt"))
        group_kind, group = None, [first]
        literal = _is_literal(head)  # is the product so far a literal 1 or 0, maybe scaled (`(2/N) 1ᵀ`)?
        start = operands[0].pos
        # names that only scale: the bare names of a product of names and numbers so far, and whether the
        # product so far holds a scalar expression that is neither (`sum(x)/N`, `-N/2 logdet(Σ)`)
        scaling_names = self._scaling_names(head)
        # `(λ/2) wᵀ w`, `-y wᵀ x`, `-beta/2*(t - Φw)'*(t - Φw)`: names and numbers, then a product that is a scalar
        head_names: list[str] | None = None
        matmul_started = False
        row_chain = False  # a NumPy 1-D vector read as a row at the head of `@` products
        rest_rows = None
        scalar_expression = self.u.is_scalar(shape) and not scaling_names and self._scalar_of_arrays(head)
        of_arrays = scalar_expression and self._scalar_of_arrays(head, constants=False)  # not only e, log(2π)
        for (op, pos), previous, operand in zip(ops, operands, operands[1:]):
            left_text = self.src_span(start, pos if op != "juxt" else operand.pos)
            rs, rb = self.infer(operand, op in ("@", "juxt"))
            right_text = self.src(operand)
            if op in ("@", "juxt", "*"):
                self._align_blocks(previous, operand)
            if op == "@":
                kind = "matmul"
            elif op == "\\":
                kind = "ldiv"
            elif op == "/" and self._right_division(rs):
                kind = "rdiv"
            elif op == "juxt":
                scalar_side = self.u.is_scalar(shape) or self.u.is_scalar(rs)
                if not scalar_side:  # `(1ᵀ v) x`, `xᵀ 1 y`: a product that may be a scalar scales; `1 μᵀ` stays
                    scalar_side = (not literal and self.u.settle_scalar(shape)) or (
                        not _is_literal(operand) and self.u.settle_scalar(rs)
                    )
                if not scalar_side and not self.u.unify(shape[1], rs[0]):
                    scalar_side = self.u.settle_scalar(shape) or self.u.settle_scalar(rs)
                kind = "mul" if scalar_side else "matmul"
            elif op == "*":
                kind = self._star_meaning(shape, rs, pos, left_text, right_text)
            elif op == "⊗":
                kind = "kron"
            elif op in ("·", "⋅"):  # `w · x`: the dot product of two vectors, or scaling
                kind = "mul" if self.u.is_scalar(shape) or self.u.is_scalar(rs) else "dot"
            else:  # .* ./ / ⊘ ∘ ⊙
                kind = "mul"
            if op in ("/", "./", "⊘") and kind == "mul":
                rb = _reciprocal(rb)
            operand_names = self._scaling_names(operand)
            if kind == "matmul" and not matmul_started:
                matmul_started, rest_rows = True, rs[0]
                head_names = list(scaling_names) if scaling_names else None
            elif kind != "matmul" and matmul_started:
                head_names = None
            if kind in ("mul", "matmul") and op in ("*", "juxt") and scaling_names:  # for a failed reading: the
                for name in scaling_names:  # coefficient written first (α in `θ − α g`), never what it scales
                    self.factors[name] = self.factors.get(name, 0) + 1
            if scaling_names and _is_identity(operand) and kind != "ldiv":  # `λ I`, `lam * np.eye(n)`
                for name in scaling_names:
                    self._fits(name, strong=True)
            if kind == "mul":
                if scaling_names and self.u.is_scalar(rs) and operand_names is None and self._scalar_of_arrays(operand):
                    for name in scaling_names:
                        self._fits(name, of_arrays=self._scalar_of_arrays(operand, constants=False))
                if op == "/" and scaling_names and _is_number(operand):  # `N/2`: a fraction of a name
                    self.strong.update(scaling_names)
                if op == "/":  # `2/n`, `x/(N - 1)`, `1/(2*m)`: what a name or a sum of names divides by is a scalar
                    divisor = _divisor_names(operand, self._bare) or []
                    self.strong.update(divisor)
                    self.divisors.update(divisor)
                    if operand_names is None and scalar_expression and self.u.is_scalar(shape):
                        for name in divisor:  # sum(x) / (N - 1)
                            self._fits(name, strong=True)
                if operand_names and scalar_expression and self.u.is_scalar(shape):
                    for name in operand_names:
                        self._fits(name, strong=op == "/", of_arrays=of_arrays)
                if operand_names is not None and scaling_names is not None:
                    scaling_names = scaling_names + operand_names
                elif not _is_number(operand):
                    scaling_names = None
                scalar_expression = scalar_expression or (
                    operand_names is None and self._scalar_of_arrays(operand) and self.u.is_scalar(rs))
                of_arrays = of_arrays or (operand_names is None and self.u.is_scalar(rs)
                                          and self._scalar_of_arrays(operand, constants=False))
            else:
                scaling_names = None
            label = "juxtaposition" if op == "juxt" else op
            if kind == "mul":
                literal = _is_literal(operand) if self.u.is_scalar(shape) else literal
            else:
                literal = False
            if row_chain and op != "@":
                shape, group, group_kind, row_chain = self._end_row_chain(shape, group, group_kind)
            if kind == "matmul" and op == "@" and self._outer_of_columns(shape, rs, operand):
                self.notes.append(f"{self.src_span(operands[0].pos, operand.end)} read as an outer product of columns "
                                  f"(with 1-D arrays NumPy's v @ v.T is the inner product)")
            if kind == "matmul" and op == "@" and self._numpy_row(shape, rs):
                # NumPy: a 1-D left operand of @ is a row (`x @ A @ x` = xᵀ A x); a 1-D result is a column
                left_part = self.src_span(operands[0].pos, previous.end)
                self.notes.append(f"{left_part} read as a row in {self.src(node)} (NumPy: a 1-D array on the left of @)")
                shape = (shape[1], shape[0])
                group, group_kind = [_transposed(_group(group_kind, group))], None
                row_chain = True
                if leading_minus:
                    leading_minus = False
                    group = [_negated(group[0])]
            if kind == "matmul":
                shape = self._matmul(label, left_text, shape, right_text, rs, pos)
            elif kind in ("ldiv", "rdiv"):
                shape = self._division(kind, left_text, shape, right_text, rs, pos)
            elif kind == "mul":
                shape = self._elementwise(label, left_text, shape, right_text, rs, pos)
            elif kind == "dot":
                shape = self._dot(left_text, shape, right_text, rs, pos)
            else:
                shape, rs = self.u.settle(shape), self.u.settle(rs)  # `A 1 ⊗ B`: the 1 is a column
                shape = (shape[0] * rs[0], shape[1] * rs[1])
            if kind != "mul":
                scalar_expression = of_arrays = self.u.is_scalar(shape)
            if leading_minus:
                leading_minus = False
                group = [lambda: Number(-1), first] if kind == "mul" else [_negated(first)]
                group_kind = "mul" if kind == "mul" else None
            if kind == "ldiv":  # A \ b = A⁻¹ b
                group_kind, group = "matmul", [_inverse(_group(group_kind, group)), rb]
            elif kind == "rdiv":  # x' / Y = x' Y⁻¹
                group_kind, group = "matmul", [_group(group_kind, group), _inverse(rb)]
            elif kind in ("kron", "dot"):
                combine = _kron if kind == "kron" else _dot
                group_kind, group = None, [combine(_group(group_kind, group), rb)]
            elif kind == group_kind:
                group.append(rb)
            else:
                group, group_kind = [_group(group_kind, group), rb], kind
        if row_chain:
            shape, group, group_kind, row_chain = self._end_row_chain(shape, group, group_kind)
        if head_names and self.u.resolve(rest_rows) == ONE and self.u.resolve(shape[1]) == ONE:
            for name in head_names:  # the head times a scalar product of the rest: it only scales
                self._fits(name)
        return shape, _group(group_kind, group)

    def infer_juxt(self, node, want_array):
        """Juxtaposition ``x^T A x``: matrix product, or scaling when a side is a scalar."""
        ops = [("juxt", operand.pos) for operand in node.args[1:]]
        return self.infer_chain(Syntax("chain", node.args, ops, node.pos, node.end), want_array)

    def infer_power(self, node, want_array):
        """``a ** b`` element-wise: equal shapes, or a scalar on either side."""
        base, exponent = node.args
        if exponent.op in ("paren", "neg", "chain") and any(n.op == "number" for n in _walk(exponent)):
            for name in self._scaling_names(exponent) or ():  # c**(-n/2): a fraction of a name is a scalar
                self._fits(name, strong=True)
        bs, bb = self.infer(base, want_array)
        es, eb = self.infer(exponent)
        shape = self._elementwise("**", self.src(base), bs, self.src(exponent), es, exponent.pos)
        return shape, lambda: Power(bb(), eb())

    def infer_transpose(self, node, want_array):
        s, b = self.infer(node.args[0], True)
        return (s[1], s[0]), lambda: Transpose(b())

    def infer_caret(self, node, want_array):
        """``base^k``: a power of a scalar, an inverse or a matrix power of a square matrix."""
        base = node.args[0]
        kind, value = node.data
        bs, bb = self.infer(base, want_array)
        rb = self.u.settle(bs)
        base_text = self.src(base)
        if kind == "expr":  # x^{-y}, (2πσ²)^{-n/2}: any scalar exponent of a scalar base
            exponent = node.args[1]
            for name in self._scaling_names(exponent) or ():
                self._fits(name, strong=True)  # an exponent is a scalar
            es, eb = self.infer(exponent)
            if not self.u.settle_scalar(es):
                raise ShapeError(f"the exponent {self.src(exponent)} must be a scalar, but it is {self.show(es)}",
                                 self.text, exponent.pos)
            if not self.u.is_scalar(bs):
                raise UnsupportedError(f"{self.src(node)}: only an integer power of a matrix (write a number)",
                                       self.text, node.pos)
            return bs, lambda: Power(bb(), eb())
        if kind == "name":
            if value not in self.decls and value not in self.symbols:
                raise ParseError(
                    f"the exponent {value} in {base_text}^{value} must be declared a scalar: where=\"{value}: scalar\"",
                    self.text, node.pos,
                )
            es, _ = self.symbol(value, node, default_kind="scalar")
            if not self.u.is_scalar(es):
                raise ShapeError(f"the exponent {value} must be a scalar, but it is {self.show(es)}", self.text, node.pos)
            exponent_builder = lambda: Symbol(value, self.final_shape(es), self.symbols[value][1])  # noqa: E731
        else:
            exponent_builder = lambda: Number(value)  # noqa: E731
        if self.u.is_scalar(bs):
            return bs, lambda: Power(bb(), exponent_builder())
        if rb[0] == ONE or rb[1] == ONE:
            name = self._bare(base)
            if name is not None and is_greek(name):  # σ², sigma^2: a Greek letter squared is a scalar
                self._fits(name, strong=True)
            raise ShapeError(
                f"{base_text}^… on a {self.show(bs).split('(')[0]} is ambiguous: write {base_text}**k or "
                f"{base_text}.^k for an element-wise power, {base_text}^T {base_text} for a squared norm, "
                f"or declare {base_text} a scalar",
                self.text, node.pos,
            )
        if not self.u.unify(bs[0], bs[1]):
            raise ShapeError(f"{base_text}^… needs a square matrix, but {base_text} is {self.show(bs)}", self.text, node.pos)
        if kind == "name" or value.denominator != 1:
            shown = value if kind == "name" else format_number(value)
            raise UnsupportedError(
                f"matrix power {base_text}^{shown} (only integer powers of a square matrix)", self.text, node.pos
            )
        k = int(value)
        if k == 0:
            raise UnsupportedError(f"{base_text}^0 is the identity matrix: write I", self.text, node.pos)
        if abs(k) > limits.MAX_MATRIX_POWER:
            raise UnsupportedError(
                f"matrix power {base_text}^{k}: at most ±{limits.MAX_MATRIX_POWER}", self.text, node.pos
            )
        inv = functions.lookup("inv")

        def build():
            b = bb()
            factor = b if k > 0 else Call(inv, b)
            return factor if abs(k) == 1 else MatMul(*([factor] * abs(k)))

        return bs, build

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
        if layout[0] == 1 and any(item.op == "juxt" for item in node.args):  # `[x 1]`, as the notes write it
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


def _is_literal(node: Syntax) -> bool:
    """A literal ``1`` or ``0``, maybe bracketed or transposed (``1ᵀ``): an array whose size is inferred."""
    while node.op in ("paren", "transpose"):
        node = node.args[0]
    return node.op == "number"


def _is_lower(name: str) -> bool:
    return name[:1].islower()


def _negated(build: Builder) -> Builder:
    return lambda: negate(build())


def _inverse(build: Builder) -> Builder:
    return lambda: Call(functions.lookup("inv"), build())


def _transposed(build: Builder) -> Builder:
    """The transpose of a NumPy 1-D row read back as a column: (xᵀ)ᵀ is built as x."""
    def transposed():
        built = build()
        return built.arg if isinstance(built, Transpose) else Transpose(built)

    return transposed


def _reciprocal(build: Builder) -> Builder:
    return lambda: Power(build(), Number(-1))


def _dot(left: Builder, right: Builder) -> Builder:
    return lambda: MatMul(Transpose(left()), right())


def _kron(left: Builder, right: Builder) -> Builder:
    return lambda: Call(functions.lookup("kron"), left(), right())


def _group(kind: str | None, items: list[Builder]) -> Builder:
    if kind is None:
        return items[0]
    cls = MatMul if kind == "matmul" else Mul
    return lambda: cls(*[b() for b in items])


def infer_tree(text: str, node: Syntax, markers, decls: dict[str, Declaration]) -> Expr:
    return Inference(text, decls, markers).run(node)


__all__ = ["infer_tree", "Unifier"]
