"""Atoms of the grammar as syntax nodes: numbers, names, calls and their arguments, brackets, norms and blocks."""

from __future__ import annotations

from lark import Token, v_args

from .lexing import SUBSCRIPT_DIGITS, VULGAR_FRACTIONS, canonical_name, parse_number, split_prefix
from .syntax_tree import Syntax, SyntaxBuilder


@v_args(meta=True)
class Atoms(SyntaxBuilder):
    """The transformer's methods for atoms (mixed into :class:`matcalc.syntax._ToSyntax`)."""

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
