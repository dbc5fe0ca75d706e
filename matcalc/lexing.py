"""The text before the grammar and around its tokens: pasted text prepared, characters read canonically.

Copy and paste brings no-break, zero-width and narrow spaces (made spaces) and norm bars whose opening
and closing look alike (paired here, so the grammar knows which is which); ``½``, subscript digits
(``W₁`` is ``W1``), ``np.pi`` and library prefixes (``np.linalg.inv`` is ``inv``, the prefix kept) have
one canonical reading; inputs beyond the limits are refused before parsing; grammar tokens are named
in words in error messages. Used by :mod:`matcalc.syntax`.
"""

from __future__ import annotations

from fractions import Fraction

from lark import Token

from . import limits
from .errors import ParseError

# dialect markers recorded while the tree is built: they decide what `*` between two arrays means
NUMPY_MARKERS = {"@", ".T", "**", "np."}
MATH_MARKERS = {"'", "ᵀ", "^", ".*", "./", ".^", "\\", "juxtaposition", "superscript"}

FRIENDLY = {
    "NAME": "a name", "NUMBER": "a number", "FUNC_NAME": "a function call", "LPAR": "'('",
    "RPAR": "')'", "LSQB": "'['", "RSQB": "']'", "LBRACE": "'{'", "RBRACE": "'}'", "COMMA": "','",
    "SEMICOLON": "';'", "PLUS": "'+'", "MINUS": "'-'", "PRODUCT_OP": "an operator (* / @ ∘)",
    "POW": "'**'", "EPOW": "'.^'", "CARET": "'^'", "DOT_T": "'.T'", "QUOTE": "'''", "SUP_T": "'ᵀ'",
    "SUPERSCRIPT": "a superscript", "NORM_OPEN": "'||' (opening a norm)", "NORM_CLOSE": "'||' (closing a norm)",
    "BAR_OPEN": "'|'", "BAR_CLOSE": "'|' (closing)", "NORM_SUB": "'_F'", "STRING": "a quoted option such as 'fro'",
    "METHOD": "a method such as .dot(", "SUP_INV_T": "'⁻ᵀ'", "VULGAR": "a fraction such as ½", "ROOT": "'√'",
    "LOG_DET": "'log det'", "EQUAL": "'='",
    "COLON": "':'", "KIND_NAME": "a kind (scalar, vector, matrix)", "PROPERTY": "a property",
    "T": "'T'", "$END": "end of input",
}


CLOSERS = ("RPAR", "RSQB", "RBRACE", "NORM_CLOSE", "BAR_CLOSE")


def _expected(names) -> str:
    closing = [n for n in names if n in CLOSERS]
    if closing:  # what closes the open bracket or norm (or continues its list) is what the reader is missing
        names = closing + [n for n in names if n in ("COMMA", "SEMICOLON")]
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


# characters that copy and paste bring in place of a space: no-break, zero-width and narrow spaces
INVISIBLE = dict.fromkeys(map(ord, "\u00a0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                                    "\u2008\u2009\u200a\u200b\u200c\u200d\u202f\u205f\u2060\u3000\ufeff"), " ")
# private-use characters the grammar knows as opening and closing bars (see pair_bars)
NORM_OPEN, NORM_CLOSE, BAR_OPEN, BAR_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
OPERAND_END = set(")]}'’ᵀ⊤⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞")


def pair_bars(text: str) -> str:
    """Mark each norm bar (``||``, ``‖``) and absolute-value bar (``|``) as opening or closing.

    A bar closes when a bar of its kind is open and it follows the end of an operand (a name, a
    number, a closing bracket, a transpose); otherwise it opens. So ``2 ||x||``, ``‖x‖ ‖y‖`` and
    ``||a b||`` read as written. The result has the same length as `text`: positions stay valid."""
    if "|" not in text and "‖" not in text:
        return text
    out = list(text)
    open_kinds: list[str] = []
    last = ""  # the last character that is not a space, after marking
    i = 0
    while i < len(text):
        ch = text[i]
        kind = width = None
        operand_end = last.isalnum() or last in OPERAND_END or last in (NORM_CLOSE, BAR_CLOSE)
        if ch == "|" and open_kinds and open_kinds[-1] == "bar" and operand_end:
            kind, width = "bar", 1  # `|x||y|`: the first bar of `||` closes |x|
        elif text.startswith("||", i):
            kind, width = "norm", 2
        elif ch == "‖":
            kind, width = "norm", 1
        elif ch == "|":
            kind, width = "bar", 1
        if kind is None:
            if not ch.isspace():
                last = ch
            i += 1
            continue
        closes = bool(open_kinds) and open_kinds[-1] == kind and operand_end
        if closes:
            open_kinds.pop()
            mark = NORM_CLOSE if kind == "norm" else BAR_CLOSE
        else:
            open_kinds.append(kind)
            mark = NORM_OPEN if kind == "norm" else BAR_OPEN
        for j in range(i, i + width):
            out[j] = mark
        last = mark
        i += width
    return "".join(out)


def prepare_text(text: str) -> str:
    """The text the lexer sees: pasted invisible spaces made spaces, bars paired; same length as `text`."""
    return pair_bars(text.translate(INVISIBLE))


VULGAR_FRACTIONS = {
    "½": Fraction(1, 2), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3), "¼": Fraction(1, 4), "¾": Fraction(3, 4),
    "⅕": Fraction(1, 5), "⅖": Fraction(2, 5), "⅗": Fraction(3, 5), "⅘": Fraction(4, 5), "⅙": Fraction(1, 6),
    "⅚": Fraction(5, 6), "⅛": Fraction(1, 8), "⅜": Fraction(3, 8), "⅝": Fraction(5, 8), "⅞": Fraction(7, 8),
}
SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
# prefixes of library calls: `np.linalg.inv(A)` is `inv(A)`; the prefix is kept (np.exp is element-wise)
CALL_PREFIXES = ("scipy.special.", "scipy.linalg.", "numpy.linalg.", "jnp.linalg.", "np.linalg.", "numpy.", "jnp.",
                 "np.", "special.", "sp.")


def split_prefix(name: str) -> tuple[str, str]:
    """``np.linalg.inv`` → (``inv``, ``np.linalg.``)."""
    for prefix in CALL_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):], prefix
    return name, ""


def canonical_name(name: str) -> str:
    """A name as the tree keeps it: subscript digits as digits (``W₁`` is ``W1``), ``np.pi`` as ``pi``."""
    if "." in name:
        return name.rsplit(".", 1)[1]
    return name.translate(SUBSCRIPT_DIGITS).replace("{", "").replace("}", "")  # I_{n} is I_n

def parse_number(token: Token, text: str) -> Fraction:
    raw = str(token)
    mantissa, _, exponent = raw.lower().partition("e")
    if len(raw) > limits.MAX_NUMBER_DIGITS or (exponent and abs(int(exponent)) > limits.MAX_NUMBER_EXPONENT):
        raise ParseError("number too large or too long", text, token.start_pos)
    if mantissa.endswith("."):
        raw = mantissa + "0" + (("e" + exponent) if exponent else "")
    return Fraction(raw)
