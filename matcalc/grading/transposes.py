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

from ..errors import LimitError, MatcalcError
from ..shapes import is_scalar
from .answer import Answer, read_answer
from .question import Question

MARKS = ("ᵀ", ".T", "^T", "'")  # transposes a name may already carry, removed in turn
NAME = re.compile(r"[^\W\d]\w*")


def transposed_factor(q: Question, a: Answer, judge: Callable) -> tuple[str, str, bool] | None:
    """(the corrected answer text, the name, whether a transpose was added) when transposing one occurrence
    of one name makes the answer right; else None. `judge` judges a candidate (the table's own)."""
    if a.memo.get("candidate") or not a.text or "\\" in a.text:
        return None
    if "transposed-factor" not in a.memo:
        a.memo["transposed-factor"] = _search(q, a.text, judge)
    return a.memo["transposed-factor"]


def _search(q: Question, text: str, judge: Callable) -> tuple[str, str, bool] | None:
    for candidate, name, added in _candidates(q, text):
        try:
            b = read_answer(q, candidate)
        except LimitError:
            raise
        except MatcalcError:
            continue
        if b.expr is None or b.contradiction:
            continue
        b.memo["candidate"] = True  # judged without searching again
        if judge(q, b).correct:
            return candidate, name, added
    return None


def _candidates(q: Question, text: str) -> Iterator[tuple[str, str, bool]]:
    """The answer's text with one occurrence of an array name of the question transposed, in order."""
    for m in NAME.finditer(text):
        name, end = m.group(), m.end()
        symbol = q.names.get(name)
        if symbol is None or is_scalar(symbol.shape):
            continue
        mark = next((k for k in MARKS if text.startswith(k, end) and not _continues(text, end + len(k), k)), None)
        if mark is not None:
            yield text[:end] + text[end + len(mark):], name, False
        else:
            for added in _added_marks(text):  # the answer's own notation first: a mixed one would not read
                yield text[:end] + added + text[end:], name, True


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
