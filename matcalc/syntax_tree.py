"""Syntax nodes, and the base of the lark transformers that build them.

Both grammars (the NumPy/MATLAB/math one and the LaTeX one) are turned into the same :class:`Syntax` tree.
Their transformers group their rule methods by part of the grammar, one mixin each; every mixin builds on
:class:`SyntaxBuilder`, which holds what they share: the text, the dialect markers met and the notes taken.
"""

from __future__ import annotations

from lark import Token, Transformer_NonRecursive

# the ops of nodes that apply a postfix operator (or a power) to their first argument
POSTFIX_OPS = ("transpose", "caret", "power", "method")


class Syntax:
    """A node of the syntax tree: an operator name, children, data, and its source span."""

    __slots__ = ("op", "args", "data", "pos", "end")

    def __init__(self, op: str, args: list[Syntax], data=None, pos: int = 0, end: int = 0):
        self.op, self.args, self.data, self.pos, self.end = op, args, data, pos, end

    def __repr__(self) -> str:
        inner = ", ".join(map(repr, self.args))
        return f"{self.op}{'' if self.data is None else '<' + str(self.data) + '>'}({inner})"


def _span(meta_or_token) -> tuple[int, int]:
    if isinstance(meta_or_token, Token):
        return meta_or_token.start_pos, meta_or_token.end_pos
    if isinstance(meta_or_token, Syntax):
        return meta_or_token.pos, meta_or_token.end
    return getattr(meta_or_token, "start_pos", 0), getattr(meta_or_token, "end_pos", 0)


class SyntaxBuilder(Transformer_NonRecursive):
    """The base of every mixin of rule methods: the text, markers, notes and source spans they share
    (non-recursive: `x + x + … + x` is a deep lark tree)."""

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
