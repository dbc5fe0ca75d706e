"""Which subexpressions of a derivation's long steps get names: one decision for its text and its LaTeX.

A short derivation prints each step's own text. A step whose expressions are large (the substitution
d(f) = …, the identification, the tidying rewrites of a deep network's gradient) would write the same
subexpressions out again and again — the forward pass in every layer's factor, the backward chain in every
rewrite — and its text would grow as the cube of the depth. Such a step is written from its form
(``d({before}) = {after}``, ``{before}  ⇒  {after}``) with every subexpression the derivation has already
named by a ``let`` step (u1, u2, …) printed as that name, and every other subexpression larger than a few
nodes named once (v1, v2, …), defined before the first step that uses it, its own children already names.
Each name is defined once for the whole derivation, so the printed size grows linearly.

Every pass here visits each distinct node once (a node is remembered by identity) or stops after a fixed
count, and none recurses: a derivation printed with names costs time linear in its distinct nodes at any depth.
"""

from __future__ import annotations

from ..expr import Expr, Number, Symbol, Transpose
from ..limits import written_size_at_most, written_total_at_most

LONG_STEP = 60  # a step whose expressions have more nodes than this (written out) is written with names
NAMED_NODES = 8  # in such a step, a subexpression of more nodes than this (its children named) gets a name
# a derivation whose steps' expressions have more nodes than this in all (written out) is long: its LaTeX and
# its plain-text fallback (Steps) are written with names too; a textbook derivation stays written out
DERIVATION_NODES = 1000


def is_let(s) -> bool:
    """Does the step name a subexpression (``let u1 = W1 @ x``)?"""
    return s.rule == "let" and isinstance(s.before, Symbol) and s.after is not None


def _trivial(e: Expr) -> bool:
    return not e.args or isinstance(e, Number) or (isinstance(e, Transpose) and not e.arg.args)


def _expressions(steps):
    """Every step's before and after (an `after` built lazily is built here: printing reads it anyway)."""
    for s in steps:
        for e in (s.before, s.after):
            if e is not None:
                yield e


def is_long_derivation(steps) -> bool:
    """Is the derivation long enough that its LaTeX, written out, would outgrow it (see DERIVATION_NODES)?"""
    return not written_total_at_most(_expressions(steps), DERIVATION_NODES)


def step_symbols(steps) -> set[str]:
    """The names of every symbol in the steps (each distinct node visited once): names a new name must avoid."""
    seen: set[int] = set()
    names: set[str] = set()
    stack = list(_expressions(steps))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Symbol):
            names.add(node.name)
        stack.extend(node.args)
    return names


class StepNamer:
    """Reads a derivation step by step and says how each long step is written: its expressions with names."""

    def __init__(self, steps, taken=()):
        self.names: dict[Expr, Symbol] = {}  # a subexpression → its name (the let steps', then v1, v2, …)
        self.lets: dict[str, Expr] = {}  # a let-name → the subexpression it stands for now
        # a node (by identity; the node is kept alive with it) → how it is shown: a name, or its children's names
        self.shown: dict[int, tuple[Expr, Expr]] = {}
        self.taken = set(taken) | {s.before.name for s in steps if is_let(s)}
        self.count = 0
        self.fresh: list[tuple[Symbol, Expr]] = []  # names defined while showing the current step

    def named(self, s) -> tuple[Expr | None, Expr | None, list[tuple[Symbol, Expr]]] | None:
        """(before, after, new names and their definitions) for a long step; None for a step printed as its
        own text (a short one, a let, one without a form). Every step is read in order: lets name from here on."""
        if is_let(s):
            self._let(s.before, s.after)
            return None
        if getattr(s, "form", None) is None or written_total_at_most((e for e in (s.before, s.after) if e is not None),
                                                                     LONG_STEP):
            return None
        self.fresh = []
        before = self.show(s.before, root=True) if s.before is not None else None
        after = self.show(s.after, root=True) if s.after is not None else None
        return before, after, self.fresh

    def _let(self, name: Symbol, e: Expr) -> None:
        """A let step's name stands for its expression from here on (a Hessian's second derivation names anew)."""
        if self.names.get(e) == name:
            return
        old = self.lets.get(name.name)
        if old is not None:
            if old in self.names and self.names[old].name == name.name:
                del self.names[old]
            self.shown.clear()
        self.names[e] = name
        self.lets[name.name] = e

    def show(self, e: Expr, root: bool = False) -> Expr:
        """`e` with named subexpressions as their names, naming the large ones not named yet (not `e` itself).

        A walk with its own stack, children left to right (the order the names are numbered in): a deep
        chain of new nodes would pass Python's recursion limit."""
        if not root:
            hit = self._known(e)
            if hit is not None:
                return hit
        if _trivial(e):
            return e
        stack: list[tuple[Expr, list[Expr]]] = [(e, [])]
        while True:
            node, args = stack[-1]
            if len(args) < len(node.args):
                child = node.args[len(args)]
                hit = self._known(child)
                if hit is None and _trivial(child):
                    hit = child
                if hit is not None:
                    args.append(hit)
                else:
                    stack.append((child, []))
                continue
            stack.pop()
            shown = node.rebuild(*args) if any(a is not b for a, b in zip(args, node.args)) else node
            if not stack:
                return shown if root else self._settle(node, shown)
            stack[-1][1].append(self._settle(node, shown))

    def _known(self, e: Expr) -> Expr | None:
        """How `e` is shown if that is decided already: shown before, or named."""
        hit = self.shown.get(id(e))
        if hit is not None:
            return hit[1]
        name = self.names.get(e)
        return self._remember(e, name) if name is not None else None

    def _settle(self, e: Expr, shown: Expr) -> Expr:
        """A node shown with its children's names: kept so if small, else given a name of its own."""
        if written_size_at_most(shown, NAMED_NODES):
            return self._remember(e, shown)
        return self._remember(e, self._name(e, shown))

    def _remember(self, e: Expr, shown: Expr) -> Expr:
        self.shown[id(e)] = (e, shown)
        return shown

    def _name(self, e: Expr, shown: Expr) -> Symbol:
        self.count += 1
        while f"v{self.count}" in self.taken:
            self.count += 1
        sym = Symbol(f"v{self.count}", e.shape)
        self.names[e] = sym
        self.fresh.append((sym, shown))
        return sym


def derivation_namer(steps) -> StepNamer | None:
    """The namer for a long derivation (its new names avoid every name in the steps); None for a short one."""
    return StepNamer(steps, step_symbols(steps)) if is_long_derivation(steps) else None
