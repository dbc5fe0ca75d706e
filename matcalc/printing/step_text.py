"""The derivation as numbered text lines, long steps written with names for their shared subexpressions.

A short derivation prints each step's own text. A step whose expressions are large (the substitution
d(f) = …, the identification, the tidying rewrites of a deep network's gradient) would write the same
subexpressions out again and again — the forward pass in every layer's factor, the backward chain in every
rewrite — and its text would grow as the cube of the depth. Such a step is written from its form
(``d({before}) = {after}``, ``{before}  ⇒  {after}``) with every subexpression the derivation has already
named by a ``let`` step (u1, u2, …) printed as that name, and every other subexpression larger than a few
nodes named once, ``let v1 = …`` on a line of its own before the first step that uses it, its own children
already names. Each name is defined once for the whole derivation, so the text grows linearly.
"""

from __future__ import annotations

from ..expr import Expr, Number, Symbol, Transpose
from ..limits import tree_size
from .text import to_text

LONG_STEP = 60  # a step whose expressions have more nodes than this (written out) is written with names
NAMED_NODES = 8  # in such a step, a subexpression of more nodes than this (its children named) gets a name


def steps_text(steps, taken=()) -> str:
    """Numbered lines ``  n. [rule] text``; long steps name their subexpressions (``let v1 = …`` lines)."""
    namer = _Namer(steps, taken)
    lines = []
    for i, s in enumerate(steps, 1):
        text = namer.text(s)
        lines.extend(f"       let {sym.name} = {to_text(definition)}" for sym, definition in namer.fresh)
        namer.fresh = []
        lines.append(f"{i:>3}. [{s.rule}] {text}")
    return "\n".join(lines)


def _is_let(s) -> bool:
    return s.rule == "let" and isinstance(s.before, Symbol) and s.after is not None


def _trivial(e: Expr) -> bool:
    return not e.args or isinstance(e, Number) or (isinstance(e, Transpose) and not e.arg.args)


class _Namer:
    def __init__(self, steps, taken):
        self.names: dict[Expr, Symbol] = {}  # a subexpression → its name (the let steps', then v1, v2, …)
        self.shown: dict[int, Expr] = {}  # a node (by identity) → how it is shown: a name, or its children's names
        self.taken = set(taken) | {s.before.name for s in steps if _is_let(s)}
        self.count = 0
        self.fresh: list[tuple[Symbol, Expr]] = []  # names defined since the last step was written

    def text(self, s) -> str:
        if _is_let(s):
            self._let(s.before, s.after)
        form = getattr(s, "form", None)
        if form is None or _is_let(s) or not self._long(s):
            return s.text
        return form.format(before=to_text(self.show(s.before, root=True)) if s.before is not None else "",
                           after=to_text(self.show(s.after, root=True)) if s.after is not None else "")

    def _let(self, name: Symbol, e: Expr) -> None:
        """A let step's name stands for its expression from here on (a Hessian's second derivation names anew)."""
        if self.names.get(e) == name:
            return
        if any(sym.name == name.name for sym in self.names.values()):
            self.names = {k: v for k, v in self.names.items() if v.name != name.name}
            self.shown.clear()
        self.names[e] = name

    @staticmethod
    def _long(s) -> bool:
        return sum(tree_size(e) for e in (s.before, s.after) if e is not None) > LONG_STEP

    def show(self, e: Expr, root: bool = False) -> Expr:
        """`e` with named subexpressions as their names, naming the large ones not named yet (not `e` itself)."""
        if not root:
            hit = self.shown.get(id(e))
            if hit is not None:
                return hit
            if e in self.names:
                return self._remember(e, self.names[e])
        if _trivial(e):
            return e
        args = [self.show(a) for a in e.args]
        shown = e.rebuild(*args) if any(a is not b for a, b in zip(args, e.args)) else e
        if root:
            return shown
        if tree_size(shown) <= NAMED_NODES:
            return self._remember(e, shown)
        return self._remember(e, self._name(e, shown))

    def _remember(self, e: Expr, shown: Expr) -> Expr:
        self.shown[id(e)] = shown
        return shown

    def _name(self, e: Expr, shown: Expr) -> Symbol:
        self.count += 1
        while f"v{self.count}" in self.taken:
            self.count += 1
        sym = Symbol(f"v{self.count}", e.shape)
        self.names[e] = sym
        self.fresh.append((sym, shown))
        return sym
