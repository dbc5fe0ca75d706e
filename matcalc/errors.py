"""The one exception family matcalc raises on purpose.

Every error a user can provoke (bad syntax, inconsistent shapes, a wrong declaration, a construct the
engine cannot handle, values that do not fit) is a :class:`MatcalcError`. Anything else escaping the
library is a bug.
"""

from __future__ import annotations


class MatcalcError(Exception):
    """Base of every error matcalc raises on purpose."""


class ParseError(MatcalcError):
    """The text is not a matcalc expression; the message points at the position."""

    def __init__(self, message: str, text: str = "", pos: int | None = None):
        self.text = text
        self.pos = pos
        self.reason = message
        super().__init__(_with_caret(message, text, pos))


class ShapeError(MatcalcError):
    """Operand shapes do not fit; the message names the subexpression and both shapes."""

    def __init__(self, message: str, text: str = "", pos: int | None = None):
        self.text = text
        self.pos = pos
        self.reason = message
        super().__init__(_with_caret(message, text, pos))


class DeclarationError(MatcalcError):
    """A `where` declaration is malformed or contradicts the expression."""


class UnsupportedError(MatcalcError):
    """The engine cannot (yet) handle this construct; it says which one (and where, when known)."""

    def __init__(self, message: str, text: str = "", pos: int | None = None):
        self.text = text
        self.pos = pos
        self.reason = message
        super().__init__(_with_caret(message, text, pos))


class EvaluationError(MatcalcError):
    """Values given for evaluation do not fit the expression (missing, wrong shape, bad domain)."""


def _with_caret(message: str, text: str, pos: int | None) -> str:
    """Append the input line and a caret under `pos` when a position is known."""
    if pos is None or not text:
        return message
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    col = pos - line_start
    if len(line) > 120:  # keep the excerpt readable for very long inputs
        lo = max(0, col - 60)
        line = ("…" if lo else "") + line[lo : lo + 120]
        col = col - lo + (1 if lo else 0)
    return f"{message}\n  {line}\n  {' ' * col}^"


class LimitError(MatcalcError):
    """The input or the work it asks for exceeds one of the limits in :mod:`matcalc.limits`."""
