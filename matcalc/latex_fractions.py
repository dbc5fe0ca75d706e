r"""``\frac`` in LaTeX input, and the bare names of denominators, which are scalars when they only divide.

A fraction of numbers is a number and ``\frac{1}{b}`` the reciprocal of b; ``\frac12``, ``\frac{N}{2}`` are read as
one token. A bare name of the denominator of a number (``\frac{1}{N}``, ``\frac{1}{2\sigma^2}``) is a scalar when
it divides and nothing else.
"""

from __future__ import annotations

import re
from fractions import Fraction

from lark import Token, v_args

from .syntax import Syntax, _ToSyntax

_FRAC_ARG = r"\s*(?:([0-9A-Za-z])|\{\s*([0-9]+|[A-Za-z]+[0-9]*)\s*\})"
SHORT_FRAC = re.compile(r"\\[dtc]?frac" + _FRAC_ARG + _FRAC_ARG)


def _simple(node: Syntax) -> bool:
    """A name, a number, or a power of one: a factor of a product of scalars."""
    if node.op == "caret" and node.data[0] == "num":
        node = node.args[0]
    return node.op in ("name", "number")


@v_args(meta=True)
class Fractions(_ToSyntax):
    r"""The transformer's methods for ``\frac``, and the scalars its denominators say (mixed into the LaTeX transformer)."""

    def frac(self, meta, items):
        _, numerator, denominator = items
        pos, end = meta.start_pos, meta.end_pos
        if numerator.op == "number" and denominator.op == "number":
            if denominator.data == 0:
                self._error("division by zero", denominator.pos)
            return Syntax("number", [], numerator.data / denominator.data, pos, end)
        if numerator.op == "number":  # \frac{1}{N}, \frac{2}{N}, \frac{1}{2\sigma^2}: a coefficient, its names scalars
            self._divisor_names(denominator)
        bottom = denominator if denominator.op in ("name", "number", "paren") else Syntax(
            "paren", [denominator], None, denominator.pos, denominator.end)
        if numerator.op == "number" and numerator.data == 1:
            minus_one = Syntax("number", [], Fraction(-1), pos, pos)
            return Syntax("power", [bottom, minus_one], "**", pos, end)
        top = numerator if numerator.op in ("name", "number", "paren") else Syntax(
            "paren", [numerator], None, numerator.pos, numerator.end)
        return Syntax("paren", [Syntax("chain", [top, bottom], [("/", bottom.pos)], pos, end)], None, pos, end)

    def short_frac(self, meta, items):
        """``\frac12``, ``\frac{1}{2}``, ``\frac{N}{2}``: numbers or runs of letters, read as one token."""
        token = items[0]
        m = SHORT_FRAC.fullmatch(str(token))
        nodes = []
        for group in (1, 2, 3, 4):
            part = m.group(group)
            if part is None:
                continue
            pos = token.start_pos + m.start(group)
            if part.isdigit():
                nodes.append(Syntax("number", [], Fraction(int(part)), pos, pos + len(part)))
            else:
                nodes.append(self._run(Token("LETTERS", part, start_pos=pos, end_pos=pos + len(part))))
        return self.frac(meta, [token, *nodes])

    def _divisors_only(self, node: Syntax) -> None:
        r"""A bare name of the denominator of a number is a scalar when it divides and nothing else
        (``\frac{1}{N} X^\top y``, ``\frac{1}{2\sigma^2}``); ``\frac{y}{p}`` and ``\frac{x}{1 + x}`` divide
        entry by entry unless the shapes say otherwise."""
        ids = {id(n) for n in self.divisors}
        elsewhere = set()
        stack = [node]
        while stack:
            n = stack.pop()
            stack.extend(n.args)
            if n.op == "name" and id(n) not in ids:
                elsewhere.add(n.data)
        self.scalars.extend(n for n in self.divisors if n.data not in elsewhere)

    def _divisor_names(self, node: Syntax) -> None:
        before = len(self.scalars)
        self._scalar_names(node)
        self.divisors.extend(self.scalars[before:])
        del self.scalars[before:]

    def _scalar_names(self, node: Syntax) -> None:
        """The bare names of a scalar factor (a denominator): through sums, and through products and powers of
        names and numbers only (``2\\sigma^2``, ``n - 1``); a product with anything else may be a matrix product
        (``x^\\top x``) and says nothing of its names."""
        if node.op == "name":
            if id(node) not in self.bold:
                self.scalars.append(node)
        elif node.op in ("paren", "add", "neg") or (node.op == "caret" and node.data[0] == "num"):
            for a in node.args:
                self._scalar_names(a)
        elif node.op in ("juxt", "chain") and all(_simple(a) for a in node.args):
            for a in node.args:
                self._scalar_names(a)
