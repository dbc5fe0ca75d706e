"""Syntax tree → typed expression tree: shape inference by unification, and the meaning of notation.

Undeclared names take their default kind (lowercase: column vector, uppercase: matrix) with fresh,
flexible dimensions; every operator adds equations between dimensions, solved as they come
(unification). This is where notation gets its meaning: ``*`` between non-scalars follows the
dialect markers of the whole expression, juxtaposition is a matrix product (or scaling when one side
is a scalar), ``^`` is a power, an inverse, a transpose or a matrix power by the base's kind, ``1`` is
a vector of ones where an array is needed. Errors name the subexpression, both shapes and the
position. The result is built from :mod:`matcalc.expr` nodes, which check their shapes again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

from . import functions, limits
from .declarations import Declaration
from .errors import ParseError, ShapeError, UnsupportedError
from .expr import (
    Add,
    Block,
    Call,
    Commutation,
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
from .shapes import ONE, Dim, Shape, describe
from .syntax import MATH_MARKERS, NUMPY_MARKERS, Syntax

NICE_DIM_NAMES = ("n", "m", "p", "q", "r", "s", "t", "k", "l", "d", "u", "v")
FLEX_PREFIX = "?"
Builder = Callable[[], Expr]

# functions spelled as calls that map to operators, not registry rows
OPERATOR_CALLS = {"multiply": "*e", "hadamard": "*e", "matmul": "@", "transpose": "T", "power": "**"}
FILLED = {"vector", "covector", "matrix"}
POSTFIX_OPS = ("transpose", "caret", "power")


class Unifier:
    """Equations between dimensions, solved incrementally (linear ones included: ``?a + 1 = h + 1``)."""

    def __init__(self) -> None:
        self.bound: dict[str, Dim] = {}
        self.nonunit: set[str] = set()  # flexible dims that may not become 1 (a default vector's length)
        self.default_one: set[str] = set()  # flexible dims of literal 1/0 arrays: 1 when left free
        self.count = 0

    def fresh(self, nonunit: bool = False, default_one: bool = False) -> Dim:
        self.count += 1
        name = f"{FLEX_PREFIX}{self.count}"
        if nonunit:
            self.nonunit.add(name)
        if default_one:
            self.default_one.add(name)
        return Dim.of(name)

    def resolve(self, d: Dim) -> Dim:
        for _ in range(64):
            names = d.names() & self.bound.keys()
            if not names:
                return d
            d = d.substitute({n: self.bound[n] for n in names})
        raise UnsupportedError("dimension equations too deep")  # pragma: no cover

    def shape(self, s: Shape) -> Shape:
        return (self.resolve(s[0]), self.resolve(s[1]))

    def unify(self, a: Dim, b: Dim) -> bool:
        a, b = self.resolve(a), self.resolve(b)
        if a == b:
            return True
        sides = sorted(((a, b), (b, a)), key=lambda p: p[0].name not in self.default_one)
        for var_side, other in sides:  # a lone flexible dim takes the other side's value
            name = var_side.name
            if name and name.startswith(FLEX_PREFIX) and self._bind(name, other):
                return True
        common = _common_factor(a, b)
        if common is not None:  # m·p = m·n  ⇒  p = n (sizes are positive)
            return self.unify(_divide(a, common), _divide(b, common))
        diff = a + b * -1
        # otherwise solve the linear equation for one flexible dim, literal ones' dims last
        terms = sorted(diff.terms, key=lambda t: (len(t[0]) == 1 and t[0][0] in self.default_one))
        for mono, coeff in terms:
            if len(mono) != 1 or abs(coeff) != 1 or not mono[0].startswith(FLEX_PREFIX):
                continue
            if self._bind(mono[0], (diff + Dim({mono: -coeff})) * -coeff):
                return True
        return False

    def _bind(self, var: str, value: Dim) -> bool:
        if var in value.names():
            return False
        if value.is_int and (value.value < 1 or (value.value == 1 and var in self.nonunit)):
            return False
        self.bound[var] = value
        if var in self.nonunit:
            self.nonunit.update(n for n in value.names() if n.startswith(FLEX_PREFIX))
        return True

    def is_scalar(self, s: Shape) -> bool:
        r = self.shape(s)
        return r[0] == ONE and r[1] == ONE

    def settle(self, s: Shape) -> Shape:
        """Fix still-free dims of literal ``1``/``0`` arrays at 1: a function needs to know its argument's kind.

        ``diag(A 1)`` is the diagonal matrix of the vector ``A 1``, not the diagonal of ``A`` times a
        square matrix of ones.
        """
        for d in self.shape(s):
            if d.name in self.default_one:
                self._bind(d.name, ONE)
        return self.shape(s)

    def settle_scalar(self, s: Shape) -> bool:
        """Make `s` a scalar if only literal ``1``/``0`` dims stand in the way (``x.T @ 1 * y``)."""
        r = self.shape(s)
        if not all(d == ONE or d.name in self.default_one for d in r):
            return False
        return self.is_scalar(self.settle(r))


class Inference:
    """One inference run over one syntax tree."""

    def __init__(self, text: str, decls: dict[str, Declaration], markers: list[tuple[str, int]]):
        self.text = text
        self.decls = decls
        self.u = Unifier()
        self.symbols: dict[str, tuple[Shape, frozenset[str]]] = {}
        self.numpy_markers = [(m, p) for m, p in markers if m in NUMPY_MARKERS]
        self.math_markers = [(m, p) for m, p in markers if m in MATH_MARKERS]
        self.unlifted: dict[int, Syntax] = {}  # postfix nodes known to apply to a real operand (kept alive by id)
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
            if n.op == "name":
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
        node = self._lift(node)
        method = getattr(self, "infer_" + node.op)
        return method(node, want_array)

    def _lift(self, node: Syntax) -> Syntax:
        """``A (x)ᵀ`` is ``A`` times ``(x)ᵀ``: a postfix or power after a call that stands for a
        juxtaposition applies to the bracket, not to the product (which the grammar sees as ``A(x)``)."""
        if node.op not in POSTFIX_OPS or id(node) in self.unlifted:
            return node
        chain = [node]  # the chain of postfixes is walked once, not once per level: x'' … ' stays linear
        while chain[-1].args[0].op in POSTFIX_OPS:
            chain.append(chain[-1].args[0])
        lifted = self._juxt_call(chain[-1].args[0])
        if lifted is None:
            self.unlifted.update((id(postfix), postfix) for postfix in chain)
            return node
        for postfix in reversed(chain):
            name_node, operand = lifted.args
            applied = Syntax(postfix.op, [operand, *postfix.args[1:]], postfix.data, operand.pos, postfix.end)
            lifted = Syntax("juxt", [name_node, applied], None, lifted.pos, postfix.end)
        return lifted

    def _juxt_call(self, node: Syntax) -> Syntax | None:
        """The juxtaposition a call like ``A (x + y)`` stands for, or None for a real function call.

        A name that is not a function, followed by one bracketed argument, is a factor when it is
        declared, uppercase, or separated from the bracket by a space (``x (y + z)ᵀ``).
        """
        if node.op != "call" or len(node.args) != 1:
            return None
        fname, name_pos = node.data
        if fname in OPERATOR_CALLS or fname in FILLED or fname == "commutation" or functions.lookup(fname) is not None:
            return None
        if not self.text.startswith(fname, name_pos):  # np.something
            return None
        spaced = self.text[name_pos + len(fname) : name_pos + len(fname) + 1].isspace()
        if not (fname in self.decls or not _is_lower(fname) or spaced):
            return None
        self.math_markers.append(("juxtaposition", name_pos))
        name_node = Syntax("name", [], fname, name_pos, name_pos + len(fname))
        paren_pos = self.text.find("(", name_pos + len(fname))
        paren = Syntax("paren", [node.args[0]], None, paren_pos, node.end)
        return Syntax("juxt", [name_node, paren], None, node.pos, node.end)

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
        if name not in self.decls and functions.lookup(name) is not None:
            raise ParseError(f"'{name}' is a function: write {name}(...)", self.text, node.pos)
        s, props = self.symbol(name, node)
        return s, lambda: Symbol(name, self.final_shape(s), props)

    def symbol(self, name: str, node: Syntax, default_kind: str | None = None) -> tuple[Shape, frozenset[str]]:
        if name in self.symbols:
            return self.symbols[name]
        decl = self.decls.get(name, Declaration(name))
        kind = decl.kind or default_kind
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
        parts = [self.infer(t, want_array) for t in node.args]
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

    def _star_meaning(self, ls: Shape, rs: Shape, pos: int, left_text: str, right_text: str) -> str:
        """What `*` means here: 'mul' (scaling or element-wise) or 'matmul' — design.md's dialect rule."""
        if self.u.is_scalar(ls) or self.u.is_scalar(rs):
            return "mul"
        if self.numpy_markers and not self.math_markers:
            return "mul"
        if self.math_markers and not self.numpy_markers:
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
        for (op, pos), operand in zip(ops, operands[1:]):
            left_text = self.src_span(start, pos if op != "juxt" else operand.pos)
            rs, rb = self.infer(operand, op in ("@", "juxt"))
            right_text = self.src(operand)
            if op == "@":
                kind = "matmul"
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
            elif op == "·":  # `w · x`: the dot product of two vectors, or scaling
                kind = "mul" if self.u.is_scalar(shape) or self.u.is_scalar(rs) else "dot"
            else:  # .* ./ / ⊘ ∘ ⊙
                kind = "mul"
            if op in ("/", "./", "⊘"):
                rb = _reciprocal(rb)
            label = "juxtaposition" if op == "juxt" else op
            if kind == "mul":
                literal = _is_literal(operand) if self.u.is_scalar(shape) else literal
            else:
                literal = False
            if kind == "matmul":
                shape = self._matmul(label, left_text, shape, right_text, rs, pos)
            elif kind == "mul":
                shape = self._elementwise(label, left_text, shape, right_text, rs, pos)
            elif kind == "dot":
                shape = self._dot(left_text, shape, right_text, rs, pos)
            else:
                shape, rs = self.u.settle(shape), self.u.settle(rs)  # `A 1 ⊗ B`: the 1 is a column
                shape = (shape[0] * rs[0], shape[1] * rs[1])
            if leading_minus:
                leading_minus = False
                group = [lambda: Number(-1), first] if kind == "mul" else [_negated(first)]
                group_kind = "mul" if kind == "mul" else None
            if kind in ("kron", "dot"):
                combine = _kron if kind == "kron" else _dot
                group_kind, group = None, [combine(_group(group_kind, group), rb)]
            elif kind == group_kind:
                group.append(rb)
            else:
                group, group_kind = [_group(group_kind, group), rb], kind
        return shape, _group(group_kind, group)

    def infer_juxt(self, node, want_array):
        """Juxtaposition ``x^T A x``: matrix product, or scaling when a side is a scalar."""
        ops = [("juxt", operand.pos) for operand in node.args[1:]]
        return self.infer_chain(Syntax("chain", node.args, ops, node.pos, node.end), want_array)

    def infer_power(self, node, want_array):
        """``a ** b`` element-wise: equal shapes, or a scalar on either side."""
        base, exponent = node.args
        bs, bb = self.infer(base, want_array)
        es, eb = self.infer(exponent)
        shape = self._elementwise("**", self.src(base), bs, self.src(exponent), es, exponent.pos)
        return shape, lambda: Power(bb(), eb())

    def infer_transpose(self, node, want_array):
        s, b = self.infer(node.args[0], True)
        return (s[1], s[0]), lambda: Transpose(b())

    def infer_caret(self, node, want_array):
        """``base^k``: a power of a scalar, an inverse or a matrix power of a square matrix."""
        (base,) = node.args
        kind, value = node.data
        bs, bb = self.infer(base, want_array)
        rb = self.u.settle(bs)
        base_text = self.src(base)
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
        height = Dim.of(0)
        for row in rows:
            (first, (fs, _)) = row[0]
            for item, (s, _) in row[1:]:
                if not self.u.unify(fs[0], s[0]):
                    raise self.mismatch(",", self.src(first), fs, self.src(item), s, item.pos,
                                        "blocks side by side need the same number of rows")
            height = height + fs[0]
        width = Dim.of(0)
        for j in range(layout[0]):
            (first, (fs, _)) = rows[0][j]
            for row in rows[1:]:
                item, (s, _) = row[j]
                if not self.u.unify(fs[1], s[1]):
                    raise self.mismatch(";", self.src(first), fs, self.src(item), s, item.pos,
                                        "stacked blocks need the same number of columns")
            width = width + fs[1]
        return (height, width), lambda: Block(*[b() for _, b in parts], layout=layout)

    def infer_call(self, node, want_array):
        fname, name_pos = node.data
        args = node.args
        if fname in OPERATOR_CALLS:
            return self._operator_call(node, fname, args)
        if fname in FILLED:
            return self._filled(node, fname, args)
        if fname == "commutation":
            return self._commutation(node, args)
        fn = functions.lookup(fname)
        if fn is None and fname == "max":
            return self._max(node, args)
        if fn is None:
            juxt = self._juxt_call(node)  # `A (x + y)`, `c (a + b)`: juxtaposition with a parenthesised factor
            if juxt is not None:
                return self.infer_juxt(juxt, want_array)
            known = ", ".join(sorted(functions.REGISTRY))
            raise ParseError(f"unknown function '{fname}' (known: {known})", self.text, name_pos)
        if len(args) != fn.arity:
            raise ParseError(f"{fn.name} takes {fn.arity} argument(s), got {len(args)}", self.text, name_pos)
        parts = [self.infer(a) for a in args]
        shapes = [self.u.settle(s) for s, _ in parts]
        if fn.name in ("trace", "det", "logdet", "inv") or (fn.name == "diag" and not self._vectorish(shapes[0])):
            if not self.u.unify(shapes[0][0], shapes[0][1]):
                raise ShapeError(
                    f"{fn.name} needs a square matrix, but {self.src(args[0])} is {self.show(shapes[0])}",
                    self.text, args[0].pos,
                )
        try:
            shape = fn.shape_of(tuple(self.u.shape(s) for s in shapes))
        except ShapeError as e:
            for s in shapes:
                self.show(s)  # give the flexible dims of the arguments their display names
            readable = re.sub(r"\?\d+", lambda m: self.display.get(m.group(0), "n"), e.reason)
            raise ShapeError(f"{readable} (in {self.src(node)})", self.text, node.pos) from None
        return shape, lambda: Call(fn, *[b() for _, b in parts])

    def _max(self, node, args):
        """``max(0, x)`` is ``relu(x)`` and ``max(0.01 x, x)`` is ``leaky_relu(x)``, as the lecture notes write
        them; other maxima are not supported."""
        if len(args) == 2:
            for a, b in (args, args[::-1]):
                if a.op == "number" and a.data == 0:
                    fname = "relu"
                elif self._scaled(a, b, Fraction(1, 100)):
                    fname = "leaky_relu"
                else:
                    continue
                return self.infer_call(Syntax("call", [b], (fname, node.data[1]), node.pos, node.end), False)
        raise UnsupportedError(
            f"{self.src(node)}: max is supported as max(0, x) (relu) and max(0.01 x, x) (leaky_relu)"
        )

    def _scaled(self, a: Syntax, b: Syntax, factor: Fraction) -> bool:
        """Is `a` written as ``factor b`` or ``factor * b``?"""
        if a.op not in ("juxt", "chain") or len(a.args) != 2 or (a.op == "chain" and a.data[0][0] != "*"):
            return False
        number, other = a.args
        while other.op == "paren":
            other = other.args[0]
        return number.op == "number" and number.data == factor and _squash(self.src(other)) == _squash(self.src(b))

    def _vectorish(self, s: Shape) -> bool:
        r = self.u.shape(s)
        return r[0] == ONE or r[1] == ONE

    def _operator_call(self, node, fname, args):
        op = OPERATOR_CALLS[fname]
        want = 1 if op == "T" else 2
        if len(args) != want and not (op in ("*e", "@") and len(args) > want):
            raise ParseError(f"{fname} takes {want} argument(s), got {len(args)}", self.text, node.pos)
        if op == "T":
            return self.infer_transpose(Syntax("transpose", args, "T", node.pos, node.end), False)
        if op == "**":
            return self.infer_power(Syntax("power", args, "**", node.pos, node.end), False)
        symbol = "@" if op == "@" else "∘"
        operands = [Syntax("paren", [a], None, a.pos, a.end) for a in args]  # `multiply(-a, b)`: -a is one argument
        chain = Syntax("chain", operands, [(symbol, a.pos) for a in args[1:]], node.pos, node.end)
        return self.infer_chain(chain, False)

    def _commutation(self, node, args):
        """``commutation(m, n)``: the mn×mn matrix with K vec(A) = vec(Aᵀ) for an m×n A; m, n are sizes."""
        dims = []
        for a in args:
            if a.op == "name":
                dims.append(Dim.of(a.data))
            elif a.op == "number" and a.data.denominator == 1 and a.data >= 1:
                dims.append(Dim.of(int(a.data)))
            else:
                raise ParseError("commutation(m, n) takes two sizes (names or positive integers)", self.text, a.pos)
        if len(dims) != 2:
            raise ParseError("commutation(m, n) takes two sizes", self.text, node.pos)
        size = dims[0] * dims[1]
        return (size, size), lambda: Commutation(*dims)

    def _filled(self, node, fname, args):
        """``vector(c)`` / ``covector(c)`` / ``matrix(c)``: an array filled with the constant c, its size inferred."""
        if len(args) != 1 or args[0].op != "number":
            raise ParseError(f"{fname}(c) takes one number", self.text, node.pos)
        value = args[0].data
        if fname == "vector":
            s = (self.u.fresh(), ONE)
        elif fname == "covector":
            s = (ONE, self.u.fresh())
        else:
            s = (self.u.fresh(), self.u.fresh())

        def build():
            fs = self.final_shape(s)
            if value == 0:
                return Zeros(fs)
            ones = Ones(fs)
            return ones if value == 1 else Mul(Number(value), ones)

        return s, build


def _squash(text: str) -> str:
    return "".join(text.split())


def _is_literal(node: Syntax) -> bool:
    """A literal ``1`` or ``0``, maybe bracketed or transposed (``1ᵀ``): an array whose size is inferred."""
    while node.op in ("paren", "transpose"):
        node = node.args[0]
    return node.op == "number"


def _common_factor(a: Dim, b: Dim) -> str | None:
    """A name dividing every term of both dimensions (m in m·p and m·n), if any."""
    terms = [mono for mono, _ in a.terms + b.terms]
    if not terms or not all(terms):
        return None
    shared = set(terms[0]).intersection(*map(set, terms[1:]))
    return min(shared) if shared else None


def _divide(d: Dim, name: str) -> Dim:
    out = {}
    for mono, coeff in d.terms:
        rest = list(mono)
        rest.remove(name)
        out[tuple(rest)] = coeff
    return Dim(out)


def _is_lower(name: str) -> bool:
    return name[:1].islower()


def _negated(build: Builder) -> Builder:
    return lambda: negate(build())


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
