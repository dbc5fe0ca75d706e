r"""LaTeX text → syntax tree: the math-mode LaTeX people paste from homework, notes and Jupyter Markdown.

A second grammar (``grammar/latex.lark``) builds the same :class:`~matcalc.syntax.Syntax` tree as the
NumPy/MATLAB/math grammar, so everything after parsing — the notation pass, shape inference, the
derivation — is shared. What is particular to LaTeX is decided here and in four modules beside it:
the text before the grammar (:mod:`matcalc.latex_lexing`), words and function names
(:mod:`matcalc.latex_words`), subscripts and superscripts (:mod:`matcalc.latex_scripts`) and ``\sum``
(:mod:`matcalc.latex_sums`). Here:

* a run of letters is a product of one-letter names, as LaTeX typesets it (``Xw`` is X w, ``x^TAx`` is
  xᵀ A x), unless it is a word: a function (``tr``, ``log``), a Greek letter written out, or a declared
  name; a long lowercase run that is none of these is refused (``softplus`` is not s·o·f·t·…);
* functions by their commands (``\log``, ``\log\det``), upright names in any case (``\operatorname{ReLU}``)
  or their registry's LaTeX spelling (``\operatorname{lrelu}``); ``\tanh^2(z)``; ``\langle x, y \rangle``;
* ``\frac`` (whose denominator's bare names are scalars), ``\sqrt``, ``\times`` (scaling only) and
  ``\begin{bmatrix}`` blocks.
"""

from __future__ import annotations

import re
from fractions import Fraction

from lark import Token, v_args

from . import functions
from .errors import MatcalcError, ParseError
from .latex_lexing import GREEK_COMMANDS, PRODUCT_COMMANDS, explained, prepare_latex
from .latex_scripts import Scripts
from .latex_sums import IndexSums
from .latex_words import function_like, function_named, is_word, upright, word_name
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


_FRAC_ARG = r"\s*(?:([0-9A-Za-z])|\{\s*([0-9]+|[A-Za-z]+[0-9]*)\s*\})"
SHORT_FRAC = re.compile(r"\\[dtc]?frac" + _FRAC_ARG + _FRAC_ARG)


def _simple(node: Syntax) -> bool:
    """A name, a number, or a power of one: a factor of a product of scalars."""
    if node.op == "caret" and node.data[0] == "num":
        node = node.args[0]
    return node.op in ("name", "number")


@v_args(meta=True)
class _LatexToSyntax(Scripts, IndexSums):
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

    def _error(self, message: str, pos: int):
        raise ParseError(message, self.text, pos)

    # ---- names
    def _name(self, name: str, pos: int, end: int) -> Syntax:
        return Syntax("name", [], name, pos, end)

    def _run(self, token: Token, call_args=None, call_end=None) -> Syntax:
        """A run of letters: one word, or a product of one-letter names (the last taking the call's arguments)."""
        word, pos = str(token), token.start_pos
        if len(word) == 1 or is_word(word, self.names) or re.fullmatch(r"[A-Za-z][0-9]+", word):
            head = [(word, pos)]
        else:
            letters = word.rstrip("0123456789")
            if len(letters) >= 4 and letters.islower():
                self._error(f"{word}: in LaTeX a run of letters is a product of one-letter names; write "
                            f"\\operatorname{{{word}}}(…) for a function or \\mathit{{{word}}} for a name", pos)
            head = [(m.group(0), pos + m.start()) for m in re.finditer(r"[A-Za-z][0-9]*", word)]
        nodes = [self._name(word_name(w) if call_args is not None else w, p, p + len(w)) for w, p in head]
        if call_args is not None:
            last = nodes[-1]
            nodes[-1] = Syntax("call", call_args, (last.data, last.pos, ""), last.pos, call_end)
        if len(nodes) == 1:
            return nodes[0]
        for node in nodes[1:]:
            self._mark("juxtaposition", node.pos)
        return Syntax("juxt", nodes, "letters", nodes[0].pos, nodes[-1].end)

    def letters(self, meta, items):
        return self._run(items[0])

    def greek(self, meta, items):
        return self._name(GREEK_COMMANDS[str(items[0])[1:]], meta.start_pos, meta.end_pos)

    def styled(self, meta, items):
        token = items[0]
        inner = re.sub(r"^\\[A-Za-z]+\s*", "", str(token)).strip("{} \t\n")
        pos, end = token.start_pos, token.end_pos
        if inner == "1":
            return Syntax("ones_column", [], None, pos, end)
        if inner == "0":
            return Syntax("number", [], Fraction(0), pos, end)
        if inner.startswith("\\"):
            greek = GREEK_COMMANDS.get(inner[1:])
            if greek is None:
                self._error(f"{inner} is not a letter", pos)
            node = self._name(greek, pos, end)
        elif str(token).startswith("\\mathit"):  # \mathit{Sb}: one name set in italics
            node = self._name(inner, pos, end)
        else:  # \mathbf{Ax} is a bold A times a bold x, as it is typeset
            start = pos + str(token).index(inner)
            node = self._run(Token("LETTERS", inner, start_pos=start, end_pos=start + len(inner)))
        if re.match(r"\\(mathbf|boldsymbol|bm|pmb|bold|vec|textbf)", str(token)):
            for n in node.args if node.op == "juxt" else [node]:
                self.bold.add(id(n))
        return node

    def word(self, meta, items):
        token = items[0]
        name = upright(str(token))
        if str(token).startswith("\\operatorname") and function_named(name) is None:
            self._error(f"unknown function {name!r} (an \\operatorname names a function)", token.start_pos)
        return self._name(name, token.start_pos, token.end_pos)

    def func_word(self, meta, items):
        token = items[0]
        word = re.sub(r"\s+", "", str(token)).replace("\\", "")
        name = "logdet" if word in ("logdet", "lndet") else word_name(word)
        node = self._name(name, token.start_pos, token.end_pos)
        self.function_words.add(id(node))
        return node

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

    # ---- atoms particular to LaTeX
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

    def group(self, meta, items):
        return items[0]

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

    def group_greek(self, meta, items):
        return self.greek(meta, items)

    def group_styled(self, meta, items):
        return self.styled(meta, items)

    def short_sqrt(self, meta, items):
        r"""``\sqrt x``, ``\sqrt2``: the square root of one character, as LaTeX typesets it."""
        token = items[0]
        ch, pos = str(token)[-1], token.end_pos - 1
        arg = (Syntax("number", [], Fraction(int(ch)), pos, pos + 1) if ch.isdigit()
               else Syntax("name", [], ch, pos, pos + 1))
        return Syntax("call", [arg], ("sqrt", token.start_pos, ""), token.start_pos, token.end_pos)

    def sqrt(self, meta, items):
        return Syntax("call", [items[1]], ("sqrt", meta.start_pos, ""), meta.start_pos, meta.end_pos)

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
