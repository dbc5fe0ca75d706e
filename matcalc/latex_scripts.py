r"""Subscripts and superscripts of the LaTeX front end: names (``W_1``, ``x_i``), sizes (``I_{n}``,
``\\mathbf{1}_{n}``, ``\\mathbf{0}_{m \\times n}``, ``K_{m,n}``), norms (``\\|x\\|_2``), transposes (``^\\top``,
``^{\\mathsf T}``, ``^{-\\top}``), Hadamard powers (``^{\\circ 2}``) and entry-wise functions (``\\exp^{\\circ}``).
A one-character superscript is one character, as LaTeX typesets it."""

from __future__ import annotations

import re
from fractions import Fraction

from lark import v_args

from . import functions
from .errors import ParseError
from .syntax import Syntax, _ToSyntax

SUBSCRIPT_BODY = re.compile(r"_\s*(?:\{\s*(.*?)\s*\}|(.*))$", re.S)
WRAPPED = re.compile(r"\\(?:mathrm|text|textrm|mathsf|operatorname|mathit|mathbf)\s*\{\s*([^{}]*?)\s*\}$")
# constants that take their size as a subscript: I_n, \mathbf{1}_n, \mathbf{0}_{m \times n}
_CONSTANTS = {("name", "I"): "eye", ("ones_column", None): "ones", ("number", Fraction(0)): "zeros",
              ("number", Fraction(1)): "ones"}
NORM_KINDS = {"2": "2", "1": "1", "F": "F", "fro": "F", "Fro": "F"}


def _subscript_text(raw: str) -> str:
    body = SUBSCRIPT_BODY.match(raw)
    inner = (body.group(1) if body.group(1) is not None else body.group(2)).strip()
    wrapped = WRAPPED.match(inner)
    return wrapped.group(1) if wrapped else inner



def walk_syntax(node: Syntax):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.args)


@v_args(meta=True)
class Scripts(_ToSyntax):
    """The transformer's methods for ``_`` and ``^`` (mixed into the LaTeX transformer)."""

    def subscript(self, meta, items):
        token = items[0]
        return ("subscript", _subscript_text(str(token)), token.start_pos)

    def _subscript(self, base: Syntax, sub: str, pos: int, end: int) -> Syntax:
        if base.op == "caret":  # x^2_i, \|x\|^2_2: the subscript belongs to the base
            inner = self._subscript(base.args[0], sub, pos, end)
            return Syntax("caret", [inner, *base.args[1:]], base.data, base.pos, end)
        function = id(base) in self.function_words or functions.lookup(base.data or "") is not None
        if base.op == "name" and len(base.data) > 1 and function and base.data not in self.names:
            self._error(f"{self.text[base.pos:end].strip()}: a subscript on a function is not read (a logarithm's base, "
                        f"the variable of a min or max); write the expression itself, e.g. \\log(x) / \\log 2", base.pos)
        if base.op == "norm" and base.data is None and sub in NORM_KINDS:
            return Syntax("norm", base.args, NORM_KINDS[sub], base.pos, end)
        if base.op == "norm":
            self._error(f"the norm _{{{sub}}} is not supported; the 1-, 2- and Frobenius norms are (_1, _2, _F)", pos)
        constant = _CONSTANTS.get((base.op, base.data if base.op != "ones_column" else None))
        if constant is not None and (base.op != "name" or "I" not in self.names):
            return self._sized(constant, sub, base.pos, pos, end)
        if base.op == "name" and base.data == "K" and "K" not in self.names and sub.count(",") == 1:
            return self._sized("commutation", sub, base.pos, pos, end)  # K_{m,n}: the commutation matrix
        if base.op == "name" and re.fullmatch(r"[A-Za-z0-9]+(\s*,\s*[A-Za-z0-9]+)*", sub):
            sub = re.sub(r"\s*,\s*", "", sub)
            return Syntax("name", [], base.data + sub if sub.isdigit() else f"{base.data}_{sub}", base.pos, end)
        self._error(f"a subscript _{{{sub}}} here is not supported (subscripts name a variable: W_1, x_i)", pos)

    def _sized(self, fname: str, sub: str, start: int, pos: int, end: int) -> Syntax:
        r"""``I_{n}``, ``I_{n + 1}``, ``\mathbf{1}_{n}``, ``\mathbf{0}_{m \times n}``: a constant of a given size."""
        from .syntax import parse_syntax

        parts = [p.strip() for p in re.split(r"\\times|,", sub)]
        most = {"eye": 1, "commutation": 2}.get(fname, 2)
        if not all(parts) or len(parts) > most or (fname == "commutation" and len(parts) != 2):
            self._error(f"_{{{sub}}}: a size is one dimension (I_{{n}}) or rows \\times columns "
                        f"(\\mathbf{{0}}_{{m \\times n}})", pos)
        sizes = []
        for part in parts:
            plain = re.sub(r"(?<=[A-Za-z0-9])\s+(?=[A-Za-z0-9])", "*", part.replace("\\cdot", "*"))
            try:
                node, _ = parse_syntax(plain)
            except ParseError:
                self._error(f"_{{{sub}}}: {part} is not a size", pos)
            for n in walk_syntax(node):
                n.pos, n.end = pos, end
            sizes.append(node)
        if fname in ("ones", "zeros") and len(sizes) == 1:
            sizes.append(Syntax("number", [], Fraction(1), pos, end))
        return Syntax("call", sizes, (fname, start, ""), start, end)

    # ---- superscripts
    def sup_char(self, meta, items):
        token = str(items[0])
        if token == "T":
            return "T"
        if token.isdigit():
            return ("num", Fraction(int(token)))
        return ("name", token)

    def sup_neg_char(self, meta, items):
        token = str(items[1])
        if token == "T":
            return "-T"
        if token.isdigit():
            return ("num", -Fraction(int(token)))
        node = self._name(token, items[1].start_pos, items[1].end_pos)
        return ("expr", Syntax("neg", [node], None, items[0].start_pos, items[1].end_pos))

    def sup_word(self, meta, items):
        word = re.search(r"\{\s*([A-Za-z]+)\s*\}", str(items[0])).group(1)
        if word != "T":
            self._error(f"^{{{str(items[0])}}}: only T (transpose) is read as an upright superscript", items[0].start_pos)
        return "T"

    def sup_inv_word(self, meta, items):
        self.sup_word(meta, items[1:])
        return "-T"

    def sup_entrywise(self, meta, items):
        return ("entrywise",)

    def sup_hadamard(self, meta, items):
        return ("hadamard_exp", items[1])

    def sup_expr(self, meta, items):
        node = items[0]
        if node.op == "paren" and node.args[0].op in ("number", "name"):  # W^{(1)}, x^{(i)}: an index, not a power
            self._error(f"^{{{self.text[node.pos:node.end]}}}: a layer or sample index in brackets is not read; "
                        f"name it with a subscript, W_1", node.pos)
        if node.op == "name" and node.data == "T":
            return "T"
        if node.op == "neg" and node.args[0].op == "name" and node.args[0].data == "T":
            return "-T"
        return super().sup_expr(meta, items)

    def caret(self, meta, items):
        sup = items[1]
        if isinstance(sup, tuple) and sup[0] == "hadamard_exp":
            return ("hadamard", sup[1], items[0].start_pos)
        if sup == ("entrywise",):
            return ("entrywise", None, items[0].start_pos)
        return super().caret(meta, items)
