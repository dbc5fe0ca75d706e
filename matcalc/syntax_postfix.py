"""Postfix operators as syntax nodes: transposes, ``^`` and superscripts, and methods (``A.dot(x)``).

The spelling of each transpose (``.T``, ``'``, ``ᵀ``, ``^T``) and of each power is recorded as a dialect marker.
"""

from __future__ import annotations

from fractions import Fraction

from lark import v_args

from .errors import ParseError
from .lexing import canonical_name, parse_number
from .syntax_tree import Syntax, SyntaxBuilder


@v_args(meta=True)
class Postfixes(SyntaxBuilder):
    """The transformer's methods for postfix operators and superscripts (mixed into :class:`matcalc.syntax._ToSyntax`)."""

    def postfix(self, meta, items):
        base, (kind, data, pos) = items
        if base.op == "call" and base.data[2] == "log det ":  # log det Σ⁻¹ is log det(Σ⁻¹), as for det Σ⁻¹
            inner = self.postfix(meta, [base.args[0], (kind, data, pos)])
            inner.pos = base.args[0].pos
            return self._node("call", [inner], meta, base.data)
        if kind == "transpose":
            return self._node("transpose", [base], meta, data)
        if kind == "method":
            name, args = data
            return self._node("method", [base, *args], meta, (name, pos))
        if data == "-T":  # X^{-T}, X⁻ᵀ: the inverse of the transpose
            inner = Syntax("transpose", [base], "^T", base.pos, meta.end_pos)
            return self._node("caret", [inner], meta, ("num", Fraction(-1)))
        if data[0] == "expr":  # x^{-y}, e^{-x²/2}: the exponent is a subtree (walked like any other)
            return self._node("caret", [base, data[1]], meta, ("expr", None))
        return self._node("caret", [base], meta, data)

    def t_numpy(self, meta, items):
        self._mark(".T", items[0].start_pos)
        return ("transpose", ".T", items[0].start_pos)

    def t_matlab(self, meta, items):
        self._mark("'", items[0].start_pos)
        return ("transpose", "'", items[0].start_pos)

    def t_math(self, meta, items):
        self._mark("ᵀ", items[0].start_pos)
        return ("transpose", "ᵀ", items[0].start_pos)

    def caret(self, meta, items):
        self._mark("^", items[0].start_pos)
        sup = items[1]
        if sup == "T":
            return ("transpose", "^T", items[0].start_pos)
        if sup == "-T":
            return ("caret", "-T", items[0].start_pos)
        return ("caret", sup, items[0].start_pos)

    def superscript(self, meta, items):
        token = items[0]
        self._mark("superscript", token.start_pos)
        digits = str(token).translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
        if len(digits) > 6:
            raise ParseError("superscript exponent too long", self.text, token.start_pos)
        return ("caret", ("num", Fraction(int(digits))), token.start_pos)

    def sup_t(self, meta, items):
        return "T"

    def sup_inv_t(self, meta, items):
        return "-T"

    def inv_t(self, meta, items):
        self._mark("superscript", items[0].start_pos)
        return ("caret", "-T", items[0].start_pos)

    def method(self, meta, items):
        token = items[0]
        args = items[1].children if items[1] is not None else []
        return ("method", (str(token)[1:], args), token.start_pos)

    def sup_num(self, meta, items):
        return ("num", parse_number(items[0], self.text))

    def sup_neg(self, meta, items):
        return ("num", -parse_number(items[1], self.text))

    def sup_name(self, meta, items):
        return ("name", canonical_name(str(items[0])))

    def sup_neg_name(self, meta, items):
        name = items[1]
        node = Syntax("name", [], canonical_name(str(name)), name.start_pos, name.end_pos)
        return ("expr", Syntax("neg", [node], None, items[0].start_pos, name.end_pos))

    def sup_expr(self, meta, items):
        """``^{…}`` and ``^(…)``: a number or a name as before, any other exponent as a subtree."""
        node = items[0]
        if node.op == "number":
            return ("num", node.data)
        if node.op == "name":
            return ("name", node.data)
        return ("expr", node)
