r"""LaTeX text → syntax tree: the math-mode LaTeX people paste from homework, notes and Jupyter Markdown.

A second grammar (``grammar/latex.lark``) builds the same :class:`~matcalc.syntax.Syntax` tree as the
NumPy/MATLAB/math grammar, so everything after parsing — the notation pass, shape inference, the
derivation — is shared. What is particular to LaTeX is decided here:

* the text is prepared keeping its length (so error positions point into the source): ``$…$``,
  ``\[…\]``, sizing (``\left``, ``\bigl``…) and spacing (``\,``, ``\quad``…) become spaces, and bars
  (``\|``, ``\lVert``, ``\vert``, ``|``) are paired as in the other notations;
* a run of letters is a product of one-letter names, as LaTeX typesets it (``Xw`` is X w, ``x^TAx`` is
  xᵀ A x), unless it is a word: a function (``tr``, ``log``), a Greek letter written out, or a declared
  name; a long lowercase run that is none of these is refused (``softplus`` is not s·o·f·t·…);
* ``\frac``, ``\sqrt``, ``\sum_i`` (only the plain sum of all entries of an element-wise summand),
  subscripts (``W_1``, ``x_i``, ``I_n``, ``\mathbf{1}_n``, ``\|x\|_2``, ``K_{m,n}``) and
  ``\begin{bmatrix}`` blocks.
"""

from __future__ import annotations

import re
from fractions import Fraction

from lark import Token, v_args

from . import functions, spellings
from .errors import MatcalcError, ParseError
from .lexing import INVISIBLE, check_size, pair_bars
from .names import GREEK, WORDS, is_greek
from .syntax import Syntax, _ToSyntax, lark_parser, run_parser

GREEK_COMMANDS = dict(GREEK, epsilon="ε", varepsilon="ε", vartheta="θ", varphi="φ", varrho="ρ", varsigma="σ", varpi="π")
# LaTeX function commands and upright words → the registry's names
FUNCTION_WORDS = {"ln": "log", "Tr": "tr", "trace": "tr", "logdet": "logdet"}
PRODUCT_COMMANDS = {r"\cdot": "·", r"\times": "×", r"\odot": "⊙", r"\circ": "∘", r"\otimes": "⊗", r"\oslash": "⊘",
                    r"\ast": "*", r"\bullet": "·"}
# commands the grammar or the preparation knows: their presence makes a text LaTeX
KNOWN_COMMANDS = frozenset(GREEK_COMMANDS) | frozenset("""
left right bigl bigr Bigl Bigr biggl biggr Biggl Biggr big Big bigg Bigg middle quad qquad displaystyle textstyle
limits nolimits top intercal T prime frac dfrac tfrac cfrac sqrt sum log ln exp det tanh sinh cosh sin cos tan arctan
max min tr Tr trace diag rank operatorname mathrm text textrm textnormal mathsf mathop mathbf boldsymbol bm vec
mathit pmb bold cdot times odot circ otimes oslash ast bullet begin end lVert rVert Vert lvert
rvert vert langle rangle underline
""".split())
COMMAND = re.compile(r"\\([A-Za-z]+)")
# unsupported commands with what to write instead
HINTS = {
    "hat": "name it without the accent (yhat)", "tilde": "name it without the accent", "bar": "name it without the accent",
    "nabla": "give the function itself; matcalc derives its gradient", "partial": "give the function itself",
    "int": "integrals are not supported", "lim": "limits are not supported", "prod": "products over an index are not supported",
    "in": "give the expression only; declare shapes with where, e.g. x: vector(n)",
    "mathbb": "expectations and number sets are not supported; give the expression itself",
    "mathcal": "name it without \\mathcal",
    "inv": r"write X^{-1}", "inverse": r"write X^{-1}", "infty": "only the 1-, 2- and Frobenius norms are supported",
}

_BLANK = re.compile(
    r"\\(left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg|middle)(?![A-Za-z])(\s*\.)?"
    r"|\\(quad|qquad|displaystyle|textstyle|scriptstyle|limits|nolimits|nonumber|enspace|thinspace)(?![A-Za-z])"
    r"|(?<!\\)\\[,;:! ]|~"
)
_NORM_BARS = re.compile(r"\\(\||(Vert|lVert|rVert)(?![A-Za-z]))")
_ABS_BARS = re.compile(r"\\(vert|lvert|rvert)(?![A-Za-z])")
_DELIMITERS = re.compile(r"^(\s*)(\$\$|\$|\\\(|\\\[)(.*?)(\$\$|\$|\\\)|\\\])(\s*)$", re.S)


def looks_like_latex(text: str) -> bool:
    r"""True when the text uses a LaTeX command (``\frac``, ``\theta``, ``\|``, ``\,``) or ``$…$`` delimiters.

    MATLAB's left division stays MATLAB: ``A \ b`` (a space) and ``A\b`` (no LaTeX command is one letter
    but ``\T``)."""
    if not isinstance(text, str):
        return False
    if "\\" not in text:
        return text.strip().startswith("$") and text.strip().endswith("$") and len(text.strip()) > 1
    if re.search(r"\\[|,;:!{}]", text):
        return True
    return any(m.group(1) in KNOWN_COMMANDS or len(m.group(1)) > 1 for m in COMMAND.finditer(text))


def prepare_latex(text: str) -> str:
    """The text the LaTeX lexer sees; same length as `text`, so positions stay valid."""
    text = text.translate(INVISIBLE)
    m = _DELIMITERS.match(text)
    if m and (m.group(2).startswith("$") == m.group(4).startswith("$")):
        start, end = m.start(2), m.end(4)
        text = (text[:start] + " " * len(m.group(2)) + m.group(3) + " " * len(m.group(4)) + text[end:])
    stripped = text.rstrip()
    if stripped.endswith((",", ".")) and len(stripped) > 1 and not stripped[-2].isdigit():
        text = stripped[:-1] + " " + text[len(stripped):]  # a formula ends a sentence: `… \|^2.`

    def blank(m: re.Match) -> str:
        return " " * len(m.group(0))

    text = _BLANK.sub(blank, text)
    text = text.replace("\\{", " (").replace("\\}", ") ")  # \exp\left\{ … \right\}: braces that show are brackets
    text = _NORM_BARS.sub(lambda m: "‖" + " " * (len(m.group(0)) - 1), text)
    text = _ABS_BARS.sub(lambda m: "|" + " " * (len(m.group(0)) - 1), text)
    return pair_bars(text)


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
        raise _explained(error, text) from None
    builder = _LatexToSyntax(text, names)
    node = builder.run(tree)
    if notes is not None:
        notes.extend(builder.notes)
    if scalars is not None:
        scalars.extend(builder.scalars)
    return node, builder.markers


def _explained(error: ParseError, text: str) -> ParseError:
    """A LaTeX parse error says which command is not supported, and what to write instead."""
    pos = error.pos
    if pos is None or pos >= len(text):
        return error
    command = COMMAND.match(text, pos) or (COMMAND.match(text, pos - 1) if pos and text[pos - 1] == "\\" else None)
    if command is not None:
        name = command.group(1)
        hint = HINTS.get(name)
        return ParseError(f"\\{name} is not supported in LaTeX input" + (f"; {hint}" if hint else ""), text, command.start())
    if text[pos] == "=":
        return ParseError("an equation: give only the expression (the right-hand side)", text, pos)
    if text[pos] == "&" or text.startswith("\\\\", pos):
        return ParseError("'&' and '\\\\' are only read inside \\begin{bmatrix} … \\end{bmatrix}", text, pos)
    return error


def _is_word(word: str, names) -> bool:
    """A multi-letter run that is one name: a function, a written-out Greek letter, a declared name."""
    return word in names or word in WORDS or functions.lookup(word) is not None or word in spellings.HANDLERS


def _word_name(word: str) -> str:
    return FUNCTION_WORDS.get(word, word)


def _function_named(word: str) -> str | None:
    """The registry's function a word names, in any case (``ReLU``, ``Softmax``, ``Det``), or None."""
    for candidate in (word, word.lower()):
        if functions.lookup(candidate) is not None or candidate in FUNCTION_WORDS:
            return _word_name(candidate)
    mark = "\\operatorname{" + word.replace("_", "\\_") + "}"
    for fn in functions.REGISTRY.values():
        if fn.latex.form == "call" and fn.latex.mark == mark:
            return fn.name
    return None


def _upright(token_text: str) -> str:
    r"""The function an upright word names: ``\operatorname{tr}`` → tr, ``\operatorname{lrelu}`` → leaky_relu
    (the registry's LaTeX spelling), ``\operatorname{log\_softmax}`` → log_softmax; else the word itself."""
    word = re.search(r"\{\s*([^{}]*?)\s*\}", token_text).group(1).replace("\\_", "_")
    return _function_named(word) or word


SUBSCRIPT_BODY = re.compile(r"_\s*(?:\{\s*(.*?)\s*\}|(.*))$", re.S)
WRAPPED = re.compile(r"\\(?:mathrm|text|textrm|mathsf|operatorname|mathit|mathbf)\s*\{\s*([^{}]*?)\s*\}$")
_FRAC_ARG = r"\s*(?:([0-9A-Za-z])|\{\s*([0-9]+|[A-Za-z]+[0-9]*)\s*\})"
SHORT_FRAC = re.compile(r"\\[dtc]?frac" + _FRAC_ARG + _FRAC_ARG.replace("(?:(", "(?:(", 1))
# constants that take their size as a subscript: I_n, \mathbf{1}_n, \mathbf{0}_{m \times n}
_CONSTANTS = {("name", "I"): "eye", ("ones_column", None): "ones", ("number", Fraction(0)): "zeros",
              ("number", Fraction(1)): "ones"}
NORM_KINDS = {"2": "2", "1": "1", "F": "F", "fro": "F", "Fro": "F"}


def _subscript_text(raw: str) -> str:
    body = SUBSCRIPT_BODY.match(raw)
    inner = (body.group(1) if body.group(1) is not None else body.group(2)).strip()
    wrapped = WRAPPED.match(inner)
    return wrapped.group(1) if wrapped else inner


def _simple(node: Syntax) -> bool:
    """A name, a number, or a power of one: a factor of a product of scalars."""
    if node.op == "caret" and node.data[0] == "num":
        node = node.args[0]
    return node.op in ("name", "number")


@v_args(meta=True)
class _LatexToSyntax(_ToSyntax):
    """lark tree of grammar/latex.lark → Syntax, sharing the other grammar's methods where the meaning is the same."""

    def __init__(self, text: str, names=()):
        super().__init__(text)
        self.names = frozenset(names)
        self.scalars: list[Syntax] = []  # name nodes LaTeX says are scalars
        self.bold: set[int] = set()  # ids of names set in bold (\\mathbf{x}): arrays by convention, never made scalars

    def run(self, tree):
        from lark.exceptions import VisitError

        try:
            node = self.transform(tree)
        except VisitError as e:
            if isinstance(e.orig_exc, MatcalcError):
                raise e.orig_exc from None
            raise
        return self._sums(node)

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
        if len(word) == 1 or _is_word(word, self.names) or re.fullmatch(r"[A-Za-z][0-9]+", word):
            head = [(word, pos)]
        else:
            letters = word.rstrip("0123456789")
            if len(letters) >= 4 and letters.islower():
                self._error(f"{word}: in LaTeX a run of letters is a product of one-letter names; write "
                            f"\\operatorname{{{word}}}(…) for a function or \\mathit{{{word}}} for a name", pos)
            head = [(m.group(0), pos + m.start()) for m in re.finditer(r"[A-Za-z][0-9]*", word)]
        nodes = [self._name(_word_name(w) if call_args is not None else w, p, p + len(w)) for w, p in head]
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
        else:
            node = self._name(inner, pos, end)
        if re.match(r"\\(mathbf|boldsymbol|bm|pmb|bold|vec)", str(token)):
            self.bold.add(id(node))
        return node

    def word(self, meta, items):
        token = items[0]
        name = _upright(str(token))
        if str(token).startswith("\\operatorname") and _function_named(name) is None:
            self._error(f"unknown function {name!r} (an \\operatorname names a function)", token.start_pos)
        return self._name(name, token.start_pos, token.end_pos)

    def func_word(self, meta, items):
        token = items[0]
        word = re.sub(r"\s+", "", str(token)).replace("\\", "")
        name = "logdet" if word in ("logdet", "lndet") else _word_name(word)
        return self._name(name, token.start_pos, token.end_pos)

    def call(self, meta, items):
        head, args = items[0], items[1].children
        text = str(head)
        entrywise = re.search(r"\^\s*\{?\s*\\circ", text) is not None
        if entrywise:
            text = text[:text.index("^")]
        if text.startswith("\\"):
            word = _upright(text) if "{" in text else re.sub(r"\s+", "", text).replace("\\", "")
            word = "logdet" if word in ("logdet", "lndet") else word
            if "{" in text and _function_named(word) is None:
                self._error(f"unknown function {word!r}", head.start_pos)
            if word in ("sigma", "phi"):
                if {word, GREEK_COMMANDS[word]} & self.names or len(args) != 1:  # a declared σ: σ (x) is a product
                    return self._product_with(self.greek(meta, [head]), args, meta)
                word = GREEK_COMMANDS[word]
            return Syntax("call", args, (_word_name(word), head.start_pos, "np." if entrywise else ""),
                          meta.start_pos, meta.end_pos)
        gap = self.text[head.end_pos:head.end_pos + 1] not in ("(", "[")
        last = re.findall(r"[A-Za-z][0-9]*$", text)[0] if not _is_word(text, self.names) else text
        if gap and len(args) == 1 and not _is_word(last, self.names):  # `a\,(b^\top x)`: a product
            return self._product_with(self._run(head), args, meta)
        return self._run(head, call_args=args, call_end=meta.end_pos)

    def _product_with(self, left: Syntax, args, meta) -> Syntax:
        (arg,) = args
        paren = Syntax("paren", [arg], None, arg.pos, meta.end_pos)
        self._mark("juxtaposition", arg.pos)
        items = left.args if left.op == "juxt" else [left]
        return Syntax("juxt", [*items, paren], None, left.pos, meta.end_pos)

    def angle(self, meta, items):
        r"""``\langle x, y \rangle``: the inner product."""
        return Syntax("call", [items[1], items[2]], ("inner", meta.start_pos, ""), meta.start_pos, meta.end_pos)

    # ---- atoms particular to LaTeX
    def frac(self, meta, items):
        _, numerator, denominator = items
        pos, end = meta.start_pos, meta.end_pos
        if numerator.op == "number" and denominator.op == "number":
            if denominator.data == 0:
                self._error("division by zero", denominator.pos)
            return Syntax("number", [], numerator.data / denominator.data, pos, end)
        self._scalar_names(denominator)
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

    def subscript(self, meta, items):
        token = items[0]
        return ("subscript", _subscript_text(str(token)), token.start_pos)

    def _subscript(self, base: Syntax, sub: str, pos: int, end: int) -> Syntax:
        if base.op == "caret":  # x^2_i, \|x\|^2_2: the subscript belongs to the base
            inner = self._subscript(base.args[0], sub, pos, end)
            return Syntax("caret", [inner, *base.args[1:]], base.data, base.pos, end)
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

    # ---- \sum_i: the sum of all entries of an element-wise summand
    def big_sum(self, meta, items):
        head, summand = items
        text = re.sub(r"\s+", "", str(head))
        m = re.fullmatch(r"\\sum(?:_\{?([a-z](?:,?[a-z])?)(?:=(?:0|1))?\}?)?(?:\^\{?([A-Za-z0-9]+)\}?)?", text)
        if m is None or m.group(1) is None:
            self._error(r"\sum is read only over an index as the sum of all entries, e.g. \sum_i x_i; "
                        r"otherwise write \mathbf{1}^\top x or sum(x)", head.start_pos)
        indices = m.group(1).replace(",", "")
        return Syntax("index_sum", [summand], (indices, head.start_pos), meta.start_pos, meta.end_pos)

    def scaled_sum(self, meta, items):
        r"""``\lambda \sum_j \beta_j^2``, ``\log \sum_i e^{x_i}``: a factor before the sum."""
        left, head, summand = items
        total = self.big_sum(meta, [head, summand])
        total.pos = head.start_pos
        self._mark("juxtaposition", head.start_pos)
        items = left.args if left.op == "juxt" else [left]
        return Syntax("juxt", [*items, total], None, left.pos, meta.end_pos)

    def _sums(self, node: Syntax) -> Syntax:
        r"""Each ``\sum`` read as the sum of all entries, once the whole tree is known: directly nested sums
        (``\sum_i \sum_j X_{ij}``) are one sum over both indices."""
        if node.op == "index_sum":
            indices, pos = node.data
            summand = node.args[0]
            while summand.op == "index_sum" or (summand.op == "paren" and summand.args[0].op == "index_sum"):
                summand = summand.args[0] if summand.op == "paren" else summand
                indices, summand = indices + summand.data[0], summand.args[0]
            body = self._entrywise(self._sums(summand), indices, pos)
            return Syntax("call", [body], ("sum", pos, ""), node.pos, node.end)
        node.args = [self._sums(a) for a in node.args]
        return node

    def _entrywise(self, node: Syntax, indices: str, pos: int) -> Syntax:
        """The summand with its indices dropped (x_i → x) and products, quotients and powers made entry-wise; a
        name without the index is a scalar; refused when an index is used otherwise (∑ᵢ wᵀxᵢ, ∑ᵢ Aᵢⱼ xⱼ)."""
        def refuse(why: str, at: int):
            self._error(f"\\sum_{indices}: {why}; only a sum of all entries of an entry-wise expression is read "
                        f"(write it with matrices, e.g. \\mathbf{{1}}^\\top (x \\odot y))", at)

        def visit(n: Syntax) -> Syntax:
            if n.op == "juxt":  # `y_i \log p_i`: a function word applies to the factor after it
                args = list(n.args)
                for i in range(len(args) - 2, -1, -1):
                    a = args[i]
                    fn = functions.lookup(a.data) if a.op == "name" and len(a.data) > 1 else None
                    if fn is not None and fn.kind == "elementwise":
                        args[i:i + 2] = [Syntax("call", [args[i + 1]], (fn.name, a.pos, ""), a.pos, args[i + 1].end)]
                n = args[0] if len(args) == 1 else Syntax("juxt", args, n.data, n.pos, n.end)
            if n.op == "number":
                return n
            if n.op == "name":
                stem, _, sub = n.data.rpartition("_")
                if stem and sub == indices:
                    return Syntax("name", [], stem, n.pos, n.end)
                if stem and sub.isalpha():
                    refuse(f"{self.text[n.pos:n.end]} has another index than {indices}", n.pos)
                if n.data != "e":
                    self.scalars.append(n)  # a name without the index is the same in every term: a scalar
                return n
            args = [visit(a) for a in n.args]
            if n.op in ("neg", "add", "paren", "bars"):
                return Syntax(n.op, args, n.data, n.pos, n.end)
            if n.op == "juxt":
                ops = [("⊙", a.pos) for a in args[1:]]
                return Syntax("chain", args, ops, n.pos, n.end)
            if n.op == "chain" and all(op in ("*", "·", "⊙", "∘", "/", "⊘", "juxt") for op, _ in n.data):
                ops = [("⊘" if op in ("/", "⊘") else "⊙", p) for op, p in n.data]
                return Syntax("chain", args, ops, n.pos, n.end)
            if n.op == "caret" and n.data[0] in ("num", "name", "expr"):
                base = args[0]
                if base.op == "name" and base.data == "e":
                    if n.data[0] == "name" and n.data[1].endswith("_" + indices):
                        return Syntax("caret", args, ("name", n.data[1][: -len(indices) - 1]), n.pos, n.end)
                    return Syntax("caret", args, n.data, n.pos, n.end)
                if n.data[0] == "name" and n.data[1].endswith("_" + indices):
                    exponent = Syntax("name", [], n.data[1][: -len(indices) - 1], n.pos, n.end)
                elif n.data[0] == "expr":
                    exponent = args[1]
                elif n.data[0] == "num":
                    exponent = Syntax("number", [], n.data[1], n.pos, n.end)
                else:
                    refuse(f"the exponent {n.data[1]} has no index {indices}", n.pos)
                return Syntax("power", [base, exponent], ".^", n.pos, n.end)
            if n.op == "power" and n.data in ("**", ".^"):
                return Syntax("power", args, ".^", n.pos, n.end)
            if n.op == "call" and functions.lookup(n.data[0]) is not None and functions.lookup(n.data[0]).kind == "elementwise":
                return Syntax("call", args, n.data, n.pos, n.end)
            refuse(f"{self.text[n.pos:n.end].strip()} is not an entry-wise expression", n.pos)

        return visit(node)


def walk_syntax(node: Syntax):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.args)


_DECLARED_NAME = re.compile(r"\\(?:(?:mathbf|boldsymbol|bm|vec|mathit|mathrm)\s*\{\s*(\\?[A-Za-z]+)\s*\}|([A-Za-z]+))")


def latex_names_in(where: str) -> str:
    r"""Declarations naming their variables in LaTeX (``\Sigma: spd``, ``\mathbf{x}: vector``) in plain names."""
    def plain(m: re.Match) -> str:
        word = (m.group(1) or m.group(2)).lstrip("\\")
        return GREEK_COMMANDS.get(word, word) if (m.group(2) or m.group(1).startswith("\\")) else word

    return _DECLARED_NAME.sub(plain, where)


def latex_variable(text: str) -> str:
    r"""The name a LaTeX variable stands for: ``\theta`` → θ, ``\mathbf{w}`` → w, ``W_{1}`` → W1."""
    node, _ = parse_latex(text)
    if node.op != "name":
        raise MatcalcError(f"the variable must be a name, got {text!r}")
    return node.data


__all__ = ["looks_like_latex", "prepare_latex", "parse_latex", "latex_variable"]
