r"""Functions in LaTeX input: calls, powers of functions, inner products and square roots.

Functions are called by their commands (``\log``, ``\log\det``), by upright names in any case
(``\operatorname{ReLU}``) or by their registry's LaTeX spelling (``\operatorname{lrelu}``); a name before a
bracket after a space is a product (``a\,(b^\top x)``). ``\tanh^2(z)`` is (tanh z)², ``\exp^{\circ}(A)`` is exp of
each entry of A, ``\langle x, y \rangle`` is the inner product, and ``\sqrt`` the square root.
"""

from __future__ import annotations

import re
from fractions import Fraction

from lark import v_args

from . import functions
from .latex_lexing import GREEK_COMMANDS
from .latex_words import function_named, is_word, upright, word_name
from .syntax import Syntax, _ToSyntax


@v_args(meta=True)
class FunctionCalls(_ToSyntax):
    """The transformer's methods for functions (mixed into the LaTeX transformer)."""

    def call(self, meta, items):
        head, args = items[0], items[1].children
        text = str(head)
        entrywise = re.search(r"\^\s*\{?\s*\\circ", text) is not None
        if entrywise:
            text = text[:text.index("^")]
        if text.startswith("\\"):
            word = upright(text) if "{" in text else re.sub(r"\s+", "", text).replace("\\", "")
            word = "logdet" if word in ("logdet", "lndet") else word
            if "{" in text and function_named(word) is None:
                self._error(f"unknown function {word!r}", head.start_pos)
            if word in ("sigma", "phi"):
                if {word, GREEK_COMMANDS[word]} & self.names or len(args) != 1:  # a declared σ: σ (x) is a product
                    return self._product_with(self.greek(meta, [head]), args, meta)
                if word == "phi":
                    self._error(r"\phi(…): φ as a function (a feature map) is not known; declare phi to read φ times "
                                r"the bracket", head.start_pos)
                word = GREEK_COMMANDS[word]
            return Syntax("call", args, (word_name(word), head.start_pos, "np." if entrywise else ""),
                          meta.start_pos, meta.end_pos)
        gap = self.text[head.end_pos:head.end_pos + 1] not in ("(", "[")
        last = re.findall(r"[A-Za-z][0-9]*$", text)[0] if not is_word(text, self.names) else text
        if gap and len(args) == 1 and not is_word(last, self.names):  # `a\,(b^\top x)`: a product
            return self._product_with(self._run(head), args, meta)
        return self._run(head, call_args=args, call_end=meta.end_pos)

    def _product_with(self, left: Syntax, args, meta) -> Syntax:
        (arg,) = args
        paren = Syntax("paren", [arg], None, arg.pos, meta.end_pos)
        self._mark("juxtaposition", arg.pos)
        items = left.args if left.op == "juxt" else [left]
        return Syntax("juxt", [*items, paren], None, left.pos, meta.end_pos)

    def angle(self, meta, items):
        r"""``\langle x, y \rangle``: the inner product, of vectors xᵀy or of matrices tr(XᵀY) (the Frobenius one)."""
        return Syntax("call", [items[1], items[2]], ("vdot", meta.start_pos, ""), meta.start_pos, meta.end_pos)

    def short_sqrt(self, meta, items):
        r"""``\sqrt x``, ``\sqrt2``: the square root of one character, as LaTeX typesets it."""
        token = items[0]
        ch, pos = str(token)[-1], token.end_pos - 1
        arg = (Syntax("number", [], Fraction(int(ch)), pos, pos + 1) if ch.isdigit()
               else Syntax("name", [], ch, pos, pos + 1))
        return Syntax("call", [arg], ("sqrt", token.start_pos, ""), token.start_pos, token.end_pos)

    def sqrt(self, meta, items):
        return Syntax("call", [items[1]], ("sqrt", meta.start_pos, ""), meta.start_pos, meta.end_pos)

    def _function_power(self, left: Syntax, right: Syntax) -> Syntax | None:
        r"""``\tanh^2(z)``, ``\sin^2 x`` are (tanh z)², (sin x)²; ``\sin^{-1}`` (arcsin or 1/sin?) is refused;
        ``\exp^{\circ}(A)`` is exp of each entry of A, even a square one (not the matrix exponential)."""
        head = left.args[-1] if left.op == "juxt" else left
        if head.op == "entrywise":
            fn = functions.lookup(head.args[0].data)
            call = Syntax("call", [right], (fn.name, head.pos, "np."), head.pos, right.end)
            return Syntax("juxt", left.args[:-1] + [call], None, left.pos, right.end) if left.op == "juxt" else call
        if head.op != "caret" or head.args[0].op != "name" or head.data[0] != "num":
            return None
        fn = functions.lookup(head.args[0].data) if len(head.args[0].data) > 1 else None
        if fn is None or fn.arity != 1 or head.args[0].data in self.names:
            return None
        if head.data[1] <= 0 or head.data[1].denominator != 1:
            self._error(f"{self.text[head.pos:head.end]} could be the inverse function or a power; write the power "
                        f"after the argument, e.g. \\left({self.text[head.args[0].pos:head.args[0].end]} x\\right)^{{-1}}",
                        head.pos)
        call = Syntax("call", [right], (fn.name, head.args[0].pos, ""), head.args[0].pos, right.end)
        exponent = Syntax("number", [], head.data[1], head.pos, head.end)
        self._mark(".^", head.pos)  # \tanh^2(z) is (tanh z)², entry by entry
        powered = Syntax("power", [call, exponent], ".^", head.pos, right.end)
        if left.op == "juxt":
            return Syntax("juxt", left.args[:-1] + [powered], None, left.pos, right.end)
        return powered
