"""Run-together names: ``x'Ax`` is xᵀ A x when the name Ax is made of names the expression uses.

A name splits into its pieces (each a letter with its digits, ``W1x`` → W1 x) when that is the only sensible
reading: at least one piece is a name used elsewhere (or the variable, or a declared name), and an
all-lowercase name only when every piece is; ``XtX`` is Xᵀ X. Declared names, written-out Greek letters,
functions, names with an underscore and families of names with one first letter (``Sb``, ``Sw``) stay whole.
"""

from __future__ import annotations

import re

from . import functions
from .names import WORDS
from .syntax_tree import POSTFIX_OPS, Syntax
from .syntax_walks import _copy, rewrite, walk

PIECE = re.compile(r"[A-Za-z][0-9]*")
TRANSPOSED_RUN = re.compile(r"([A-Z])[tT]([A-Za-z])$")


def find_splits(node: Syntax, known: set[str], run_on: set[str]) -> dict[str, list[str]]:
    """The run-together names of the tree and their pieces; `known` are the names that stay whole (declared,
    the variable, the question's) and may be pieces, `run_on` the names after a transpose run on (x^TAy)."""
    names = [n for n in walk(node) if n.op == "name"]
    counts: dict[str, int] = {}
    for n in names:
        counts[n.data] = counts.get(n.data, 0) + 1
    splits: dict[str, list[str]] = {}
    for name in sorted(counts):
        others = known | {n for n in counts if n != name}
        pieces = _pieces(name, others, known, run_on)
        if pieces is not None:
            splits[name] = pieces
    for name in list(splits):  # Sb and Sw: a family of names with one first letter stays whole (Fisher's LDA)
        if any(other != name and other[0] == name[0] and len(other) == len(name) and other not in splits
               and other not in known for other in counts if len(other) > 1):
            del splits[name]
    return splits


def split_apart(node: Syntax, splits: dict[str, list[str]], markers: list[tuple[str, int]]) -> Syntax:
    """The tree with each run-together name replaced by the product of its pieces (a juxtaposition marker each)."""

    def pieces_of(current: Syntax) -> list[Syntax]:
        parts, at = [], current.pos
        for piece in splits[current.data]:
            if piece == "ᵀ":  # XtX: the letter t marks the transpose of the piece before it
                parts[-1] = Syntax("transpose", [parts[-1]], "^T", parts[-1].pos, at + 1)
                at += 1
                continue
            parts.append(Syntax("name", [], piece, at, at + len(piece)))
            at += len(piece)
        markers.append(("juxtaposition", current.pos))
        return parts

    def split(current: Syntax, args: list[Syntax]) -> Syntax:
        base = current.args[0] if current.args else None
        if current.op in POSTFIX_OPS and base is not None and base.op == "name" and base.data in splits:
            # `UVᵀ` is U Vᵀ: a postfix binds to the last letter, as it does when the names are apart
            *head, last = pieces_of(base)
            applied = Syntax(current.op, [last, *args[1:]], current.data, last.pos, current.end)
            return Syntax("juxt", [*head, applied], "split", current.pos, current.end)
        current = _copy(current, args)
        if current.op != "name" or current.data not in splits:
            return current
        return Syntax("juxt", pieces_of(current), "split", current.pos, current.end)

    def splice(current: Syntax, args: list[Syntax]) -> Syntax:
        """``xᵀ (A x)`` from ``x'Ax`` is the one product xᵀ A x."""
        if current.op == "juxt" and any(a.op == "juxt" and a.data == "split" for a in args):
            flat = [piece for a in args for piece in (a.args if a.op == "juxt" and a.data == "split" else [a])]
            return Syntax("juxt", flat, current.data, current.pos, current.end)
        return _copy(current, args)

    return rewrite(rewrite(node, split), splice)


def _pieces(name: str, others: set[str], known: set[str], run_on: set[str]) -> list[str] | None:
    """The names `name` runs together, when that is the only sensible reading, else None (`known` stay whole).

    Each piece is a letter with its digits (``W1x`` → W1 x); at least one piece must be a name the
    expression uses elsewhere (or the variable, or a declared name); an all-lowercase name splits only
    when every piece is such a name (``lam`` stays one name). Declared names, written-out Greek letters
    and names with an underscore stay whole."""
    if name in known or name in WORDS or "_" in name or not name.isascii():
        return None
    transposed = TRANSPOSED_RUN.match(name)
    if transposed and transposed.group(1) in others:  # XtX, Xty: Xᵀ X, Xᵀ y (the code names of XᵀX, Xᵀy)
        return [transposed.group(1), "ᵀ", transposed.group(2)]
    pieces = PIECE.findall(name)
    if len(pieces) < 2 or "".join(pieces) != name:
        return None
    if name in run_on:  # x^TAy: after a transpose run on, single letters are factors
        return pieces
    used = [p in others for p in pieces]
    if not any(used):
        return None
    if name.islower() and not all(used):
        return None
    if functions.lookup(name) is not None:
        return None
    return pieces
