"""Sums and products as syntax nodes: chains flattened so that the typed tree can be n-ary.

``a + b - c`` is one sum and ``a @ b * c`` one chain of products; a juxtaposition is one flat product; ``1/b``
is the reciprocal, and ``-N/2 logdet(Σ)`` is read as ``(-N/2) logdet(Σ)``, with a note. The operators that
mark a dialect (``@``, ``.*``, ``./``, ``\\``, juxtaposition, ``**``, ``.^``) are recorded as markers.
"""

from __future__ import annotations

from fractions import Fraction

from lark import v_args

from .errors import ParseError
from .syntax_tree import Syntax, SyntaxBuilder


def _single_operand(node: Syntax) -> bool:
    """A number, a name, a bracket, or a power of one of these (σ², n^2): one operand of a fraction."""
    if node.op in ("caret", "power"):
        node = node.args[0]
    return node.op in ("number", "name", "paren")


@v_args(meta=True)
class SumsAndProducts(SyntaxBuilder):
    """The transformer's methods for sums, products, signs and powers (mixed into :class:`matcalc.syntax._ToSyntax`)."""

    def add(self, meta, items):
        return self._sum(meta, items[0], items[2], negate=False)

    def sub(self, meta, items):
        return self._sum(meta, items[0], items[2], negate=True)

    def _sum(self, meta, left, right, negate):
        if negate:
            right = Syntax("neg", [right], None, right.pos, right.end)
        terms = left.args + [right] if left.op == "add" else [left, right]
        return self._node("add", terms, meta)

    def product(self, meta, items):
        left, op, right = items
        op_text = str(op)
        if op_text == "@":
            self._mark("@", op.start_pos)
        elif op_text in (".*", "./", "\\"):
            self._mark(op_text, op.start_pos)
        folded = self._fraction_factor(left, op, right, meta)
        if folded is not None:
            return folded
        if op_text in ("/", "./", "⊘") and left.op == "number" and left.data == 1 and right.op != "number":
            # 1 / b is the reciprocal b**-1 (and 1 / b * a is b**-1 * a)
            minus_one = Syntax("number", [], Fraction(-1), op.start_pos, op.end_pos)
            return self._node("power", [right, minus_one], meta, "**")
        if left.op == "chain":
            ops = left.data + [(op_text, op.start_pos)]
            return self._node("chain", left.args + [right], meta, ops)
        return self._node("chain", [left, right], meta, [(op_text, op.start_pos)])

    def _fraction_factor(self, left, op, right, meta):
        """``a/b c`` is ``(a/b) c`` when the denominator b is a single number or name (or a bracket, or a power
        of one), as textbooks read ``-N/2 logdet(Σ)``, ``α/2 mᵀm``, ``1/n sum(…)`` and ``1/(2σ²) ‖x‖²``;
        ``x**2/2``, ``a/(b c)`` keep their meaning.

        A literal fraction such as ``1/2`` written without spaces is one number; any other such reading
        is recorded in the notes, so that ``show`` and ``derive`` make it visible."""
        if str(op) != "/" or right.op != "juxt" or not _single_operand(right.args[0]):
            return None
        last = left.args[-1] if left.op == "chain" else left
        denominator = right.args[0]
        if denominator.op == "number" and denominator.data == 0:
            return None
        rest = right.args[1:]
        glued = rest[0] if rest else None
        if (denominator.op == "number" and glued is not None and len(rest) > 1 and glued.pos == denominator.end
                and _single_operand(glued) and glued.op != "paren"):
            # `1/2m sum(…)`, `1/2σ² ‖x‖²`: a number glued to a name is one denominator, 1/(2m), as written in ML notes
            denominator = Syntax("juxt", [denominator, glued], None, denominator.pos, glued.end)
            rest = rest[1:]
        rest_node = rest[0] if len(rest) == 1 else Syntax("juxt", rest, None, rest[0].pos, right.end)
        head_args, head_ops = (left.args[:-1], left.data) if left.op == "chain" else ([], [])
        touching = last.end == op.start_pos and denominator.pos == op.end_pos
        if last.op == "number" and denominator.op == "number":
            fraction = Syntax("number", [], last.data / denominator.data, last.pos, denominator.end)
            factors, ops = [fraction, rest_node], [("juxt", rest_node.pos)]
            literal = touching
        elif last.op == "number" and last.data == 1:
            minus_one = Syntax("number", [], Fraction(-1), op.start_pos, op.end_pos)
            reciprocal = Syntax("power", [denominator, minus_one], "**", last.pos, denominator.end)
            factors, ops = [reciprocal, rest_node], [("juxt", rest_node.pos)]
            literal = False
        else:
            factors = [last, denominator, rest_node]
            ops = [("/", op.start_pos), ("juxt", rest_node.pos)]
            literal = False
        if not literal:
            fraction_text = self.text[left.pos : denominator.end].strip()
            rest_text = self.text[rest_node.pos : right.end].strip()
            self.notes.append(f"{fraction_text} {rest_text} read as ({fraction_text}) {rest_text}")
        return self._node("chain", [*head_args, *factors], meta, [*head_ops, *ops])

    def juxt(self, meta, items):
        left, right = items
        if right.op == "block" and left.op in ("name", "transpose") and left.end == right.pos:
            raise ParseError(
                "indexing such as x[1] is not supported; for a product with a block write x @ [..] or leave a space",
                self.text, right.pos,
            )
        self._mark("juxtaposition", right.pos)
        if left.op == "juxt":
            return self._node("juxt", left.args + [right], meta)
        return self._node("juxt", [left, right], meta)

    def neg(self, meta, items):
        child = items[1]
        if child.op == "number":
            return self._node("number", [], meta, -child.data)
        return self._node("neg", [child], meta)

    def pos(self, meta, items):
        return items[1]

    def power(self, meta, items):
        base, op, exponent = items
        self._mark(str(op), op.start_pos)
        return self._node("power", [base, exponent], meta, str(op))
