"""Words in LaTeX input: which runs of letters are one name, and which upright words name a function.

``tr``, ``log``, ``softmax`` and written-out Greek letters are words (a run of other letters is a product of
one-letter names); ``\\operatorname{ReLU}``, ``\\mathrm{Softmax}``, ``\\operatorname{lrelu}`` (the registry's own
LaTeX spelling) name functions, in any case; ``σ``, ``f``, ``g`` are function-like (``σ'(z)`` is a derivative).
"""

from __future__ import annotations

import re

from . import functions, spellings
from .latex_lexing import FUNCTION_WORDS
from .names import WORDS


def is_word(word: str, names) -> bool:
    """A multi-letter run that is one name: a function, a written-out Greek letter, a declared name."""
    return word in names or word in WORDS or functions.lookup(word) is not None or word in spellings.HANDLERS


def word_name(word: str) -> str:
    return FUNCTION_WORDS.get(word, word)


def function_named(word: str) -> str | None:
    """The registry's function a word names, in any case (``ReLU``, ``Softmax``, ``Det``), or None."""
    for candidate in (word, word.lower()):
        if functions.lookup(candidate) is not None or candidate in FUNCTION_WORDS:
            return word_name(candidate)
    mark = "\\operatorname{" + word.replace("_", "\\_") + "}"
    for fn in functions.REGISTRY.values():
        if fn.latex.form == "call" and fn.latex.mark == mark:
            return fn.name
    return None


def upright(token_text: str) -> str:
    r"""The function an upright word names: ``\operatorname{tr}`` → tr, ``\operatorname{lrelu}`` → leaky_relu
    (the registry's LaTeX spelling), ``\operatorname{log\_softmax}`` → log_softmax; else the word itself."""
    word = re.search(r"\{\s*([^{}]*?)\s*\}", token_text).group(1).replace("\\_", "_")
    return function_named(word) or word


def function_like(name: str, names) -> bool:
    """σ, φ, f, g, h or a function's name: ``σ'(z)`` is its derivative, whereas ``x'(A + A^\\top) x`` is a transpose."""
    return name not in names and (name in ("σ", "φ", "ψ", "f", "g", "h") or functions.lookup(name) is not None)
