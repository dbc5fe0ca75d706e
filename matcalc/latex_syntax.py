r"""LaTeX text → syntax tree: the math-mode LaTeX people paste from homework, notes and Jupyter Markdown.

A second grammar (``grammar/latex.lark``) builds the same :class:`~matcalc.syntax.Syntax` tree as the
NumPy/MATLAB/math grammar, so everything after parsing — the notation pass, shape inference, the
derivation — is shared. What is particular to LaTeX is decided here and in the modules beside it: the text
before the grammar (:mod:`matcalc.latex_lexing`), words and function names (:mod:`matcalc.latex_words`), and
the transformer's rule methods, one mixin per part of the grammar:

* a run of letters is a product of one-letter names, as LaTeX typesets it (``Xw`` is X w, ``x^TAx`` is
  xᵀ A x), unless it is a word: a function (``tr``, ``log``), a Greek letter written out, or a declared
  name; a long lowercase run that is none of these is refused (``softplus`` is not s·o·f·t·…)
  (:mod:`matcalc.latex_letters`);
* functions by their commands (``\log``, ``\log\det``), upright names in any case (``\operatorname{ReLU}``)
  or their registry's LaTeX spelling (``\operatorname{lrelu}``); ``\tanh^2(z)``; ``\langle x, y \rangle``;
  ``\sqrt`` (:mod:`matcalc.latex_calls`);
* ``\frac``, whose denominator's bare names are scalars (:mod:`matcalc.latex_fractions`);
* subscripts and superscripts (:mod:`matcalc.latex_scripts`) and ``\sum`` (:mod:`matcalc.latex_sums`).

The transformer here combines them and reads ``\times`` (scaling only), ``\begin{bmatrix}`` blocks, norms,
and juxtapositions and postfix operators as LaTeX typesets them.
"""

from __future__ import annotations

import re

from lark import Token, v_args

from . import functions
from .errors import MatcalcError, ParseError
from .latex_calls import FunctionCalls
from .latex_fractions import Fractions
from .latex_letters import Letters
from .latex_lexing import PRODUCT_COMMANDS, explained, prepare_latex
from .latex_scripts import Scripts
from .latex_sums import IndexSums
from .latex_words import function_like
from .lexing import check_size
from .names import is_greek
from .syntax import Syntax, lark_parser, run_parser


def parse_latex(text: str, notes: list | None = None, names=(), scalars: list | None = None):
    r"""Parse LaTeX `text`; returns (syntax tree, markers) or raises ParseError pointing into the source.

    `names` are the declared names and the variable (a multi-letter one stays whole). The name nodes LaTeX
    says are scalars — a bare name in the denominator of ``\frac``, a name without the index inside
    ``\sum_i``, the coefficient of ``\mathbf{1}`` — are appended to `scalars` when a list is given."""
    check_size(text, "expression")
    prepared = prepare_latex(text)
    if not prepared.strip():
        raise ParseError("empty expression", text, 0)
    try:
        tree = run_parser(lark_parser("latex.lark"), prepared, text, "expr")
    except ParseError as error:
        raise explained(error, text) from None
    builder = _LatexToSyntax(text, names)
    node = builder.run(tree)
    if notes is not None:
        notes.extend(builder.notes)
    if scalars is not None:
        scalars.extend(builder.scalars)
    return node, builder.markers


@v_args(meta=True)
class _LatexToSyntax(Letters, FunctionCalls, Fractions, Scripts, IndexSums):
    """lark tree of grammar/latex.lark → Syntax, sharing the other grammar's methods where the meaning is the same."""

    def __init__(self, text: str, names=()):
        super().__init__(text)
        self.names = frozenset(names)
        self.scalars: list[Syntax] = []  # name nodes LaTeX says are scalars
        self.summed: set[str] = set()  # the indices \sum runs over
        self.summed_stems: set[str] = set()  # the arrays whose entries a \sum adds (x of x_i)
        self.function_words: set[int] = set()  # ids of \log, \max, … nodes
        self.divisors: list[Syntax] = []  # bare names of denominators (scalars if they only divide)
        self.bold: set[int] = set()  # ids of names set in bold (\\mathbf{x}): arrays by convention, never made scalars

    def run(self, tree):
        from lark.exceptions import VisitError

        try:
            node = self.transform(tree)
        except VisitError as e:
            if isinstance(e.orig_exc, MatcalcError):
                raise e.orig_exc from None
            raise
        node = self._sums(node)
        self._outside_sums(node)
        self._divisors_only(node)
        return node

    def _error(self, message: str, pos: int):
        raise ParseError(message, self.text, pos)

    def group(self, meta, items):
        return items[0]

    def latex_block(self, meta, items):
        begin, end = (re.search(r"\{(\w+)\}", str(t)).group(1) for t in (items[0], items[2]))
        if begin != end:
            self._error(f"\\begin{{{begin}}} is closed by \\end{{{end}}}", items[2].start_pos)
        rows = [r for r in items[1].children if not isinstance(r, Token)]
        layout = tuple(len(r.children) for r in rows)
        flat = [c for r in rows for c in r.children]
        return Syntax("block", flat, layout, meta.start_pos, meta.end_pos)

    def norm(self, meta, items):
        return Syntax("norm", [items[1]], None, meta.start_pos, meta.end_pos)

    def product(self, meta, items):
        left, op, right = items
        mapped = PRODUCT_COMMANDS.get(re.sub(r"\s+", "", str(op)), str(op))
        last = left.args[-1] if left.op in ("juxt", "chain") else left
        if mapped == "×" and last.op == "name" and is_greek(last.data):  # `\lambda \times I`: a Greek letter scales
            self.scalars.append(last)
        return super().product(meta, [left, Token.new_borrow_pos("PRODUCT_OP", mapped, op), right])

    def juxt(self, meta, items):
        left, right = items
        if (right.op == "number" and left.op == "caret" and left.end == right.pos and left.data[0] == "num"
                and self.text[left.end - 1].isdigit()):
            self._error(f"{self.text[left.pos:right.end]} reads as {self.text[left.pos:left.end]} times "
                        f"{self.text[right.pos:right.end]} in LaTeX; write the exponent in braces, ^{{…}}", left.pos)
        primed = left.args[-1] if left.op == "juxt" else left
        if (primed.op == "transpose" and primed.data == "'" and primed.args[0].op == "name" and right.op == "paren"
                and right.pos == primed.end and function_like(primed.args[0].data, self.names)):
            name = self.text[primed.args[0].pos:primed.args[0].end]
            self._error(f"{name}'(…): the derivative of a function is not read; write it out (for the sigmoid, "
                        f"\\sigma(z) \\odot (1 - \\sigma(z)))", primed.pos)
        coefficient = left.args[-1] if left.op == "juxt" else left
        if (right.op == "ones_column" and coefficient.op == "name" and coefficient.data[:1].islower()
                and id(coefficient) not in self.bold):
            self.scalars.append(coefficient)  # b\mathbf{1}: a lowercase b scales the ones
        power = self._function_power(left, right)
        if power is not None:
            return power
        node = super().juxt(meta, [left, right])
        if right.op == "juxt" and right.data == "letters":  # `B Xw`: one flat product
            node.args = node.args[:-1] + right.args
        return node

    # ---- postfix operators: on a run of letters they apply to its last letter (Ax^T is A xᵀ)
    def postfix(self, meta, items):
        base, op = items
        if base.op == "juxt" and base.data == "letters":
            last = self.postfix(meta, [base.args[-1], op])
            last.pos = base.args[-1].pos
            return Syntax("juxt", base.args[:-1] + [last], "letters", base.pos, last.end)
        if op[0] == "subscript":
            return self._subscript(base, op[1], op[2], meta.end_pos)
        if op[0] == "entrywise":  # \exp^{\circ}: the function applied entry by entry (Hadamard function)
            if base.op != "name" or functions.lookup(base.data) is None or functions.lookup(base.data).kind != "elementwise":
                self._error("^{\\circ} is read after an element-wise function: \\exp^{\\circ}(A)", op[2])
            return Syntax("entrywise", [base], None, base.pos, meta.end_pos)
        if op[0] == "hadamard":
            self._mark(".^", op[2])
            return Syntax("power", [base, op[1]], ".^", base.pos, meta.end_pos)
        return super().postfix(meta, [base, op])


def latex_variable(text: str) -> str:
    r"""The name a LaTeX variable stands for: ``\theta`` → θ, ``\mathbf{w}`` → w, ``W_{1}`` → W1."""
    node, _ = parse_latex(text)
    if node.op != "name":
        raise MatcalcError(f"the variable must be a name, got {text!r}")
    return node.data


__all__ = ["parse_latex", "latex_variable"]
