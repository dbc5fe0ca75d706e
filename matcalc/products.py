"""Chains of products: what ``*``, ``@``, juxtaposition, ``/``, ``\\``, ``·``, ``⊗`` and ``×`` mean between operands.

A chain of product operators is folded left to right into n-ary matrix products and element-wise
products: ``*`` follows the dialect markers of the whole expression (or the notation chosen), a
juxtaposition is a matrix product or a scaling, MATLAB's ``A \\ b`` and ``x' / Y`` are divisions by a
matrix, NumPy's 1-D vector on the left of ``@`` is a row, and blocks multiplied by blocks align their
parts. The readings that depend on the notation are in :mod:`matcalc.product_readings`, the shape of each
operation in :mod:`matcalc.product_shapes`; powers (``**`` and ``^``) are in :mod:`matcalc.powers`. Mixed into
:class:`matcalc.infer.Inference`, whose unifier, names and messages it uses.
"""

from __future__ import annotations

from .builders import _dot, _group, _inverse, _is_literal, _kron, _negated, _reciprocal, _transposed
from .expr import Number
from .product_readings import align_blocks, end_row_chain, numpy_row, outer_of_columns, right_division, star_meaning
from .product_shapes import division_shape, dot_shape, elementwise_shape, matmul_shape
from .scalar_reading import _divisor_names, _is_identity, _is_number
from .shapes import ONE
from .syntax import Syntax


class Products:
    """Mixed into :class:`matcalc.infer.Inference`: chains of products and divisions."""

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
                align_blocks(self, previous, operand)
            if op == "@":
                kind = "matmul"
            elif op == "\\":
                kind = "ldiv"
            elif op == "/" and self.text.startswith("/", pos) and right_division(self, rs):  # not a \frac bar
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
                kind = star_meaning(self, shape, rs, pos, left_text, right_text)
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
                shape, group, group_kind, row_chain = end_row_chain(self.u, shape, group, group_kind)
            if kind == "matmul" and op == "@" and outer_of_columns(self, shape, rs, operand):
                self.notes.append(f"{self.src_span(operands[0].pos, operand.end)} read as an outer product of columns "
                                  f"(with 1-D arrays NumPy's v @ v.T is the inner product)")
            if kind == "matmul" and op == "@" and numpy_row(self, shape, rs):
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
                shape = matmul_shape(self, label, left_text, shape, right_text, rs, pos)
            elif kind in ("ldiv", "rdiv"):
                shape = division_shape(self, kind, left_text, shape, right_text, rs, pos)
            elif kind == "mul":
                shape = elementwise_shape(self, label, left_text, shape, right_text, rs, pos)
            elif kind == "dot":
                shape = dot_shape(self, left_text, shape, right_text, rs, pos)
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
            shape, group, group_kind, row_chain = end_row_chain(self.u, shape, group, group_kind)
        if head_names and self.u.resolve(rest_rows) == ONE and self.u.resolve(shape[1]) == ONE:
            for name in head_names:  # the head times a scalar product of the rest: it only scales
                self._fits(name)
        return shape, _group(group_kind, group)

    def infer_juxt(self, node, want_array):
        """Juxtaposition ``x^T A x``: matrix product, or scaling when a side is a scalar."""
        ops = [("juxt", operand.pos) for operand in node.args[1:]]
        return self.infer_chain(Syntax("chain", node.args, ops, node.pos, node.end), want_array)
