"""Products and powers: what ``*``, ``@``, juxtaposition, ``/``, ``\\``, ``·``, ``⊗``, ``**`` and ``^`` mean.

A chain of product operators is folded left to right into n-ary matrix products and element-wise
products: ``*`` follows the dialect markers of the whole expression (or the notation chosen), a
juxtaposition is a matrix product or a scaling, MATLAB's ``A \\ b`` and ``x' / Y`` are divisions by a
matrix, NumPy's 1-D vector on the left of ``@`` is a row, and blocks multiplied by blocks align their
parts. ``^`` is a power of a scalar, an inverse, a transpose or a matrix power by the base's kind.
Mixed into :class:`matcalc.infer.Inference`, whose unifier, names and messages it uses.
"""

from __future__ import annotations

from . import functions, limits
from .builders import _dot, _group, _inverse, _is_literal, _kron, _negated, _reciprocal, _transposed
from .errors import ParseError, ShapeError, UnsupportedError
from .expr import Call, MatMul, Number, Power, Symbol
from .names import is_greek
from .printing.precedence import format_number
from .scalar_reading import _divisor_names, _is_identity, _is_number, _walk
from .shapes import ONE, Shape
from .syntax import Syntax
from .unify import FLEX_PREFIX


class Products:
    """Mixed into :class:`matcalc.infer.Inference`: chains of products, divisions and powers."""

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
        """What `*` means here: 'mul' (scaling or element-wise) or 'matmul' (docs/syntax.md, "The meaning of *")."""
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
            elif op == "/" and self.text.startswith("/", pos) and self._right_division(rs):  # not a \frac bar
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
            elif op == "×":  # LaTeX's \times: scaling; between two arrays it would be a cross product
                if not (self.u.is_scalar(shape) or self.u.is_scalar(rs) or self.u.settle_scalar(shape)
                        or self.u.settle_scalar(rs)):
                    raise self.mismatch("×", left_text, shape, right_text, rs, pos,
                                        "× is read only as scaling (a cross product is not supported); write "
                                        "\\cdot for the dot product of two vectors, or leave a space for the matrix product")
                kind = "mul"
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

