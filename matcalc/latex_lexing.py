r"""LaTeX text before its grammar: recognised, prepared and explained.

LaTeX is recognised by its commands (``\\frac``, ``\\theta``, ``\\|``, ``\\,``) or ``$…$`` delimiters, so MATLAB's
``A \\ b`` stays MATLAB. The text is prepared keeping its length, so that error positions point into the
source: ``$…$`` and ``\\[…\\]`` delimiters, sizing (``\\left``, ``\\bigl``…) and spacing (``\\,``, ``\\quad``…)
become spaces, and bars (``\\|``, ``\\lVert``, ``\\vert``, ``|``) are paired as in the other notations. A
command the grammar does not know is named in the error with what to write instead. Used by
:mod:`matcalc.latex_syntax` and, for declarations naming LaTeX variables, :mod:`matcalc.declarations`.
"""

from __future__ import annotations

import re

from .errors import ParseError
from .lexing import INVISIBLE, pair_bars
from .names import GREEK

GREEK_COMMANDS = dict(GREEK, epsilon="ε", varepsilon="ε", vartheta="θ", varphi="φ", varrho="ρ", varsigma="σ", varpi="π")
# LaTeX function commands and upright words → the registry's names
FUNCTION_WORDS = {"sgn": "sign", "ln": "log", "Tr": "tr", "trace": "tr", "logdet": "logdet"}
PRODUCT_COMMANDS = {r"\cdot": "·", r"\times": "×", r"\odot": "⊙", r"\circ": "∘", r"\otimes": "⊗", r"\oslash": "⊘",
                    r"\ast": "*", r"\bullet": "·"}
# commands the grammar or the preparation knows: their presence makes a text LaTeX
KNOWN_COMMANDS = frozenset(GREEK_COMMANDS) | frozenset("""
left right bigl bigr Bigl Bigr biggl biggr Biggl Biggr big Big bigg Bigg middle quad qquad displaystyle textstyle
limits nolimits top intercal T prime frac dfrac tfrac cfrac sqrt sum log ln exp det tanh sinh cosh sin cos tan arctan
max min tr Tr trace diag rank operatorname mathrm text textrm textnormal mathsf mathop mathbf boldsymbol bm vec
mathit pmb bold cdot times odot circ otimes oslash ast bullet begin end lVert rVert Vert lvert
rvert vert langle rangle underline textbf rm sf
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
    text = re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group(0)), text)  # a LaTeX comment
    text = text.replace("\\mathbb{1}", "\\mathbf{1}")  # the blackboard-bold one: a vector of ones
    stripped = text.rstrip()
    if stripped.endswith((",", ".", ";")) and stripped[:-1].rstrip().endswith("$"):  # `$x^\top A x$.`
        text = stripped[:-1] + " " + text[len(stripped):]
    m = _DELIMITERS.match(text)
    if m and (m.group(2).startswith("$") == m.group(4).startswith("$")):
        start, end = m.start(2), m.end(4)
        text = (text[:start] + " " * len(m.group(2)) + m.group(3) + " " * len(m.group(4)) + text[end:])
    stripped = text.rstrip()
    if stripped.endswith((",", ".")) and len(stripped) > 1:
        text = stripped[:-1] + " " + text[len(stripped):]  # a formula ends a sentence: `… \|^2.`, `x^\top y + 1.`

    def blank(m: re.Match) -> str:
        return " " * len(m.group(0))

    text = _BLANK.sub(blank, text)
    text = text.replace("\\{", " (").replace("\\}", ") ")  # \exp\left\{ … \right\}: braces that show are brackets
    text = _NORM_BARS.sub(lambda m: "‖" + " " * (len(m.group(0)) - 1), text)
    text = _ABS_BARS.sub(lambda m: "|" + " " * (len(m.group(0)) - 1), text)
    return pair_bars(text)


def explained(error: ParseError, text: str) -> ParseError:
    """A LaTeX parse error says which command is not supported, and what to write instead."""
    pos = error.pos
    if pos is None or pos >= len(text):
        return error
    command = COMMAND.match(text, pos) or (COMMAND.match(text, pos - 1) if pos and text[pos - 1] == "\\" else None)
    if command is not None:
        name = command.group(1)
        if name in ("text", "textrm", "mathrm", "operatorname", "mathsf", "textnormal"):
            return ParseError(f"\\{name}{{…}} is read only around a function name or one letter (\\operatorname{{tr}}, "
                              f"\\mathrm{{T}}); give the expression alone", text, command.start())
        hint = HINTS.get(name)
        return ParseError(f"\\{name} is not supported in LaTeX input" + (f"; {hint}" if hint else ""), text, command.start())
    if text[pos] == "=":
        return ParseError("an equation: give only the expression (the right-hand side)", text, pos)
    if text[pos] == "&" or text.startswith("\\\\", pos):
        return ParseError("'&' and '\\\\' are only read inside \\begin{bmatrix} … \\end{bmatrix}", text, pos)
    return error


_DECLARED_NAME = re.compile(r"\\(?:(?:mathbf|boldsymbol|bm|vec|mathit|mathrm)\s*\{\s*(\\?[A-Za-z]+)\s*\}|([A-Za-z]+))")


def latex_names_in(where: str) -> str:
    r"""Declarations naming their variables in LaTeX (``\Sigma: spd``, ``\mathbf{x}: vector``) in plain names."""
    def plain(m: re.Match) -> str:
        word = (m.group(1) or m.group(2)).lstrip("\\")
        return GREEK_COMMANDS.get(word, word) if (m.group(2) or m.group(1).startswith("\\")) else word

    return _DECLARED_NAME.sub(plain, where)
