"""A missing (or extra) transpose on one factor: the most common slip in a matrix derivative.

``A@y`` for ∂(yᵀAx)/∂x cannot even be formed when A is not square, and ``A@y`` for a square A is simply a
wrong number; either way the student's mistake is one transpose. Before such an answer is called a shape
mismatch or wrong, each occurrence of a question's array name in the answer's text is transposed in turn
(``A`` → ``Aᵀ``, or an existing ``Aᵀ``, ``A.T``, ``A'``, ``A^T`` → ``A``) and the result judged as an answer;
the first that is right names the factor. Text answers only (a LaTeX answer is left as it is).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..errors import DeclarationError, LimitError, MatcalcError, ShapeError
from ..shapes import is_scalar
from .answer import Answer, read_answer
from .question import Question

MARKS = ("ᵀ", ".T", "^T", "'")  # transposes a name may already carry, removed in turn
NAME = re.compile(r"[^\W\d]\w*")


def transposed_factor(q: Question, a: Answer, right: Callable, square: bool | None = None) -> tuple[str, str, bool] | None:
    """(the corrected answer text, the name, whether a transpose was added) when transposing one occurrence
    of one name makes the answer right; else None. `right(q, b)` says whether a candidate is correct as asked
    (the table's own correct rows, not the whole table: a wrong candidate needs no diagnosis). `square`: True,
    only square matrices are transposed (an answer whose shape already fits keeps it only so); False, only the
    others (transposing a square matrix cannot mend an impossible shape); None, every one."""
    if a.memo.get("candidate") or not a.text or "\\" in a.text:
        return None
    key = ("transposed-factor", square)
    if key not in a.memo:
        a.memo[key] = _search(q, a.text, right, square)
    return a.memo[key]


def _search(q: Question, text: str, right: Callable, square: bool | None) -> tuple[str, str, bool] | None:
    tried: set[tuple[int, str]] = set()  # (position, name) already read: the second mark only if the first did not read
    for candidate, name, added, position in _candidates(q, text):
        shape = q.names[name].shape
        if (position, name) in tried or (square is not None and (shape[0] == shape[1]) != square):
            continue
        try:
            b = read_answer(q, candidate, on_its_own=False)  # one that does not fit the shapes is not it
        except LimitError:
            raise
        except (ShapeError, DeclarationError):  # it reads, but contradicts the question's shapes
            tried.add((position, name))
            continue
        except MatcalcError:  # it does not read with this mark: the next one may
            continue
        tried.add((position, name))
        if b.expr is None or b.contradiction:
            continue
        b.memo["candidate"] = True  # judged without searching again
        if right(q, b):
            return candidate, name, added
    return None


def _candidates(q: Question, text: str) -> Iterator[tuple[str, str, bool, int]]:
    """The answer's text with one occurrence of an array name of the question transposed, in order."""
    for m in NAME.finditer(text):
        name, end = m.group(), m.end()
        symbol = q.names.get(name)
        if symbol is None or is_scalar(symbol.shape):
            continue
        mark = next((k for k in MARKS if text.startswith(k, end) and not _continues(text, end + len(k), k)), None)
        if mark is not None:
            yield text[:end] + text[end + len(mark):], name, False, end
        else:
            for added in _added_marks(text):  # the answer's own notation first: a mixed one would not read
                yield text[:end] + added + text[end:], name, True, end


def _added_marks(text: str) -> tuple[str, ...]:
    """The transposes to try adding, the one of the answer's notation first (NumPy's .T, MATLAB's ', else ᵀ)."""
    if "@" in text or ".T" in text:
        return (".T", "ᵀ")
    if "'" in text:
        return ("'", "ᵀ")
    return ("ᵀ", ".T")


def _continues(text: str, at: int, mark: str) -> bool:
    """Is the mark the start of a longer word (``^Tx``, ``.Tr``) rather than a transpose?"""
    return mark in (".T", "^T") and at < len(text) and (text[at].isalnum() or text[at] == "_")


__all__ = ["transposed_factor"]
