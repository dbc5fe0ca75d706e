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

from . import limits
from .errors import MatcalcError, ParseError

NUMPY_MARKERS = {"@", ".T", "**"}
MATH_MARKERS = {"'", "ᵀ", "^", ".*", "./", ".^", "juxtaposition", "superscript"}


class Syntax:
    """A node of the syntax tree: an operator name, children, data, and its source span."""

    __slots__ = ("op", "args", "data", "pos", "end")

    def __init__(self, op: str, args: list[Syntax], data=None, pos: int = 0, end: int = 0):
        self.op, self.args, self.data, self.pos, self.end = op, args, data, pos, end

    def __repr__(self) -> str:
        inner = ", ".join(map(repr, self.args))
        return f"{self.op}{'' if self.data is None else '<' + str(self.data) + '>'}({inner})"


def grammar_text() -> str:
    """The grammar file: shipped inside the package, or at the top of a source checkout."""
    try:
        packaged = resources.files("matcalc").joinpath("grammar/matcalc.lark")
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover
        pass
    source = Path(__file__).resolve().parent.parent / "grammar" / "matcalc.lark"
    return source.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    """The LALR parser; its tables are cached per user (building them takes ~0.5 s, loading ~10 ms)."""
    text = grammar_text()
    options = dict(parser="lalr", start=["expr", "where"], propagate_positions=True)
    cache = _cache_file(text)
    if cache is not None:
        try:
            return Lark(text, cache=str(cache), **options)
        except Exception:  # noqa: BLE001 - an unreadable or unwritable cache only costs time
            pass
    return Lark(text, **options)


def _cache_file(grammar: str) -> Path | None:
    """A private per-user cache file for the parser tables, keyed by grammar and lark version."""
    import hashlib
    import os

    import lark

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "matcalc"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    key = hashlib.sha256(f"{lark.__version__}\n{grammar}".encode()).hexdigest()[:24]
    return folder / f"parser-{key}.lark"


FRIENDLY = {
    "NAME": "a name", "NUMBER": "a number", "FUNC_NAME": "a function call", "LPAR": "'('",
    "RPAR": "')'", "LSQB": "'['", "RSQB": "']'", "LBRACE": "'{'", "RBRACE": "'}'", "COMMA": "','",
    "SEMICOLON": "';'", "PLUS": "'+'", "MINUS": "'-'", "PRODUCT_OP": "an operator (* / @ ∘)",
    "POW": "'**'", "EPOW": "'.^'", "CARET": "'^'", "DOT_T": "'.T'", "QUOTE": "'''", "SUP_T": "'ᵀ'",
    "SUPERSCRIPT": "a superscript", "NORM_BAR": "'||'", "UNORM_BAR": "'‖'", "NORM_SUB": "'_F'",
    "COLON": "':'", "KIND_NAME": "a kind (scalar, vector, matrix)", "PROPERTY": "a property",
    "T": "'T'", "$END": "end of input",
}


def _expected(names) -> str:
    items = sorted({FRIENDLY.get(n, n.strip('"').lower()) for n in names})
    if len(items) > 8:
        return ""
    return "; expected " + ", ".join(items) if items else ""


def check_size(text: str, what: str = "expression") -> None:
    """Refuse inputs beyond the limits before the parser sees them."""
    if not isinstance(text, str):
        raise ParseError(f"the {what} must be a string, not {type(text).__name__}")
    if len(text) > limits.MAX_INPUT_LENGTH:
        raise ParseError(
            f"the {what} is {len(text)} characters long; the limit is {limits.MAX_INPUT_LENGTH}"
        )
    bad = next((i for i, ch in enumerate(text) if ch == "\x00"), None)
    if bad is not None:
        raise ParseError("NUL character in the input", text, bad)
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > limits.MAX_NESTING_DEPTH:
                raise ParseError(
                    f"brackets nested deeper than {limits.MAX_NESTING_DEPTH} levels", text, i
                )
        elif ch in ")]}":
            depth -= 1


def parse_syntax(text: str, start: str = "expr"):
    """Parse `text` with the grammar; returns (syntax tree, markers) or raises ParseError."""
    check_size(text, "expression" if start == "expr" else "declaration")
    if start == "expr" and not text.strip():
        raise ParseError("empty expression", text, 0)
    try:
        tree = lark_parser().parse(text, start=start)
    except UnexpectedCharacters as e:
        ch = text[e.pos_in_stream] if e.pos_in_stream < len(text) else ""
        raise ParseError(f"unexpected character {ch!r}", text, e.pos_in_stream) from None
    except UnexpectedEOF as e:
        raise ParseError("unexpected end of input" + _expected(e.expected), text, len(text)) from None
    except UnexpectedToken as e:
        if e.token.type == "$END":
            raise ParseError("unexpected end of input" + _expected(e.expected), text, len(text)) from None
        pos = e.token.start_pos if e.token.start_pos is not None else len(text)
        hint = ""
        if e.token.type in ("NORM_BAR", "UNORM_BAR"):
            hint = "; a norm after a factor needs an operator: write 2 * ||x||, not 2 ||x||"
        raise ParseError(f"unexpected {str(e.token)!r}" + (hint or _expected(e.expected)), text, pos) from None
    except UnexpectedInput as e:  # pragma: no cover - other lark input errors
        raise ParseError(f"cannot parse: {e}", text, getattr(e, "pos_in_stream", None)) from None
    if start == "where":
        return tree, []
    builder = _ToSyntax(text)
    try:
        node = builder.transform(tree)
    except VisitError as e:
        if isinstance(e.orig_exc, MatcalcError):
            raise e.orig_exc from None
        raise
    return node, builder.markers


def _span(meta_or_token) -> tuple[int, int]:
    if isinstance(meta_or_token, Token):
        return meta_or_token.start_pos, meta_or_token.end_pos
    if isinstance(meta_or_token, Syntax):
        return meta_or_token.pos, meta_or_token.end
    return getattr(meta_or_token, "start_pos", 0), getattr(meta_or_token, "end_pos", 0)


def parse_number(token: Token, text: str) -> Fraction:
    raw = str(token)
    mantissa, _, exponent = raw.lower().partition("e")
    if len(raw) > limits.MAX_NUMBER_DIGITS or (exponent and abs(int(exponent)) > limits.MAX_NUMBER_EXPONENT):
        raise ParseError("number too large or too long", text, token.start_pos)
    if mantissa.endswith("."):
        raw = mantissa + "0" + (("e" + exponent) if exponent else "")
    return Fraction(raw)


@v_args(meta=True)
class _ToSyntax(Transformer_NonRecursive):
    """lark tree → Syntax; one method per grammar alias (non-recursive: `x + x + … + x` is a deep lark tree)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.markers: list[tuple[str, int]] = []

    def _mark(self, marker: str, pos: int) -> None:
        self.markers.append((marker, pos))

    @staticmethod
    def _node(op, args, meta, data=None) -> Syntax:
        pos, end = _span(meta)
        return Syntax(op, list(args), data, pos, end)

    # ---- atoms
    def number(self, meta, items):
        return self._node("number", [], meta, parse_number(items[0], self.text))

    def name(self, meta, items):
        return self._node("name", [], meta, str(items[0]))

    def call(self, meta, items):
        fname = str(items[0])
        for prefix in ("np.linalg.", "np."):
            if fname.startswith(prefix):
                fname = fname[len(prefix):]
                break
        args = items[1].children if items[1] is not None else []
        node = self._node("call", args, meta, fname)
        node.data = (fname, items[0].start_pos)
        return node

    def paren(self, meta, items):
        return self._node("paren", [items[0]], meta)

    def norm(self, meta, items):
        sub = items[3]
        kind = None if sub is None else str(sub).strip("_{}")
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
        elif op_text in (".*", "./"):
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
        """``1/2 e^T e`` is ½ eᵀe: a literal fraction written without spaces scales the juxtaposition after it.

        Only number/number with the slash touching both digits, followed by a juxtaposition; ``x**2/2``,
        ``2/3**2`` and ``1 / 2 x`` keep the ordinary meaning."""
        if str(op) != "/" or right.op != "juxt" or right.args[0].op != "number":
            return None
        last = left.args[-1] if left.op == "chain" else left
        denominator = right.args[0]
        touching = last.end == op.start_pos and denominator.pos == op.end_pos
        if last.op != "number" or not touching or denominator.data == 0:
            return None
        fraction = Syntax("number", [], last.data / denominator.data, last.pos, denominator.end)
        rest = right.args[1:]
        rest_node = rest[0] if len(rest) == 1 else Syntax("juxt", rest, None, rest[0].pos, right.end)
        head_args, head_ops = (left.args[:-1], left.data) if left.op == "chain" else ([], [])
        return self._node("chain", [*head_args, fraction, rest_node], meta, [*head_ops, ("juxt", rest_node.pos)])

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
        if kind == "transpose":
            return self._node("transpose", [base], meta, data)
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

    def sup_num(self, meta, items):
        return ("num", parse_number(items[0], self.text))

    def sup_neg(self, meta, items):
        return ("num", -parse_number(items[1], self.text))

    def sup_name(self, meta, items):
        return ("name", str(items[0]))
