"""Text → syntax tree: loads the one lark grammar and turns lark's parse tree into :class:`Syntax` nodes.

This module knows the notation, not the meaning: it records which dialect markers were used
(NumPy ``@ .T **`` vs MATLAB/math ``' .* ./ .^ ^ ᵀ`` and juxtaposition), keeps source positions for
error messages, and flattens chains (``a + b - c``, ``a @ b * c``) so the typed tree can be n-ary.
Shapes and the meaning of ``*`` are decided later, in ``matcalc.infer``.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lark import Lark, Token, Transformer_NonRecursive, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from .errors import MatcalcError, ParseError
from .grammar_cache import cache_file
from .lexing import (
    INVISIBLE,
    SUBSCRIPT_DIGITS,
    VULGAR_FRACTIONS,
    _expected,
    canonical_name,
    check_size,
    parse_number,
    prepare_text,
    split_prefix,
)


class Syntax:
    """A node of the syntax tree: an operator name, children, data, and its source span."""

    __slots__ = ("op", "args", "data", "pos", "end")

    def __init__(self, op: str, args: list[Syntax], data=None, pos: int = 0, end: int = 0):
        self.op, self.args, self.data, self.pos, self.end = op, args, data, pos, end

    def __repr__(self) -> str:
        inner = ", ".join(map(repr, self.args))
        return f"{self.op}{'' if self.data is None else '<' + str(self.data) + '>'}({inner})"


def grammar_text(name: str = "matcalc.lark") -> str:
    """A grammar file (``matcalc.lark``, ``latex.lark``): shipped inside the package, or at the top of a checkout."""
    try:
        packaged = resources.files("matcalc").joinpath(f"grammar/{name}")
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover
        pass
    source = Path(__file__).resolve().parent.parent / "grammar" / name
    return source.read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def lark_parser(name: str = "matcalc.lark") -> Lark:
    """The LALR parser of a grammar; its tables are cached per user (building them takes ~0.5 s, loading ~10 ms)."""
    text = grammar_text(name)
    starts = ["expr", "where"] if name == "matcalc.lark" else ["expr"]
    options = dict(parser="lalr", start=starts, propagate_positions=True)
    cache = cache_file(text)
    if cache is not None:
        try:
            return Lark(text, cache=str(cache), **options)
        except Exception:  # noqa: BLE001 - an unreadable or unwritable cache only costs time
            pass
    return Lark(text, **options)


def parse_syntax(text: str, start: str = "expr", notes: list | None = None):
    """Parse `text` with the grammar; returns (syntax tree, markers) or raises ParseError.

    Readings decided while building the tree (``-N/2 logdet(Σ)`` as ``(-N/2) logdet(Σ)``) are appended
    to `notes` when a list is given."""
    check_size(text, "expression" if start == "expr" else "declaration")
    if start == "expr" and not text.translate(INVISIBLE).strip():
        raise ParseError("empty expression", text, 0)
    lexed = prepare_text(text) if start == "expr" else text.translate(INVISIBLE)
    tree = run_parser(lark_parser(), lexed, text, start)
    if start == "where":
        return tree, []
    builder = _ToSyntax(text)
    try:
        node = builder.transform(tree)
        if notes is not None:
            notes.extend(builder.notes)
    except VisitError as e:
        if isinstance(e.orig_exc, MatcalcError):
            raise e.orig_exc from None
        raise
    return node, builder.markers


def run_parser(parser: Lark, lexed: str, text: str, start: str):
    """Run a lark parser on the prepared text; lark's errors become ParseErrors pointing into `text`."""
    try:
        return parser.parse(lexed, start=start)
    except UnexpectedCharacters as e:
        ch = text[e.pos_in_stream] if e.pos_in_stream < len(text) else ""
        raise ParseError(f"unexpected character {ch!r}", text, e.pos_in_stream) from None
    except UnexpectedEOF as e:
        raise ParseError("unexpected end of input" + _expected(e.expected), text, len(text)) from None
    except UnexpectedToken as e:
        if e.token.type == "$END":
            raise ParseError("unexpected end of input" + _expected(e.expected), text, len(text)) from None
        pos = e.token.start_pos if e.token.start_pos is not None else len(text)
        shown = text[pos : e.token.end_pos] if e.token.end_pos is not None else str(e.token)
        hint = "; for MATLAB's X(:) write vec(X)" if shown == ":" else ""
        raise ParseError(f"unexpected {shown!r}" + (hint or _expected(e.expected)), text, pos) from None
    except UnexpectedInput as e:  # pragma: no cover - other lark input errors
        raise ParseError(f"cannot parse: {e}", text, getattr(e, "pos_in_stream", None)) from None


def _single_operand(node: Syntax) -> bool:
    """A number, a name, a bracket, or a power of one of these (σ², n^2): one operand of a fraction."""
    if node.op in ("caret", "power"):
        node = node.args[0]
    return node.op in ("number", "name", "paren")


def _span(meta_or_token) -> tuple[int, int]:
    if isinstance(meta_or_token, Token):
        return meta_or_token.start_pos, meta_or_token.end_pos
    if isinstance(meta_or_token, Syntax):
        return meta_or_token.pos, meta_or_token.end
    return getattr(meta_or_token, "start_pos", 0), getattr(meta_or_token, "end_pos", 0)



@v_args(meta=True)
class _ToSyntax(Transformer_NonRecursive):
    """lark tree → Syntax; one method per grammar alias (non-recursive: `x + x + … + x` is a deep lark tree)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.markers: list[tuple[str, int]] = []
        self.notes: list[str] = []

    def _mark(self, marker: str, pos: int) -> None:
        self.markers.append((marker, pos))

    @staticmethod
    def _node(op, args, meta, data=None) -> Syntax:
        pos, end = _span(meta)
        return Syntax(op, list(args), data, pos, end)

    # ---- atoms
    def number(self, meta, items):
        return self._node("number", [], meta, parse_number(items[0], self.text))

    def vulgar(self, meta, items):
        return self._node("number", [], meta, VULGAR_FRACTIONS[str(items[0])])

    def name(self, meta, items):
        return self._node("name", [], meta, canonical_name(str(items[0])))

    def call(self, meta, items):
        fname, prefix = split_prefix(str(items[0]))
        if prefix:
            self._mark("np.", items[0].start_pos)
        args = items[1].children if items[1] is not None else []
        return self._node("call", args, meta, (fname, items[0].start_pos + len(prefix), prefix))

    def tuple(self, meta, items):
        return self._node("tuple", [i for i in items if i is not None], meta)

    def string(self, meta, items):
        return self._node("string", [], meta, str(items[0])[1:-1])

    def kwarg(self, meta, items):
        value = items[1]
        if isinstance(value, Token):  # ord='fro'
            value = Syntax("string", [], str(value)[1:-1], value.start_pos, value.end_pos)
        return self._node("kwarg", [value], meta, str(items[0]))

    def bars(self, meta, items):
        return self._node("bars", [items[1]], meta)

    def root(self, meta, items):
        return self._node("call", [items[1]], meta, ("sqrt", items[0].start_pos, "√"))

    def log_det(self, meta, items):
        return self._node("call", [items[1]], meta, ("logdet", items[0].start_pos, "log det "))

    def paren(self, meta, items):
        return self._node("paren", [items[0]], meta)

    def norm(self, meta, items):
        sub = items[3]
        kind = None if sub is None else str(sub).strip("_{}").translate(SUBSCRIPT_DIGITS)
        return self._node("norm", [items[1]], meta, kind)

    def block(self, meta, items):
        rows = items[0].children
        layout = tuple(len(r.children) for r in rows)
        flat = [c for r in rows for c in r.children]
        return self._node("block", flat, meta, layout)

    # ---- sums and products (flattened chains)
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

    # ---- postfix operators
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
