"""Let-bindings: print shared subexpressions once (as text, and as a LaTeX `aligned` block).

A derivative of a deep network repeats its forward pass (``sigmoid(W1 @ x + b1)`` appears in every
layer's gradient); printed as one tree its text grows much faster than the network. ``with_lets``
names every non-trivial subexpression that the expanded tree contains more than once, innermost
first, and returns the definitions and the expression in terms of those names, so the printed size
grows linearly with depth.
"""

from __future__ import annotations

from ..expr import Expr, Number, Symbol, Transpose, substitute
from ..limits import bounded
from .latex import to_latex

SHORT_RESULT = 100  # a result printed longer than this is printed with its shared subexpressions named once


def _order(*roots: Expr) -> list[Expr]:
    """Distinct subexpressions of the roots, parents before children (reverse post-order)."""
    seen: set[Expr] = set()
    post: list[Expr] = []
    stack: list[tuple[Expr, bool]] = [(e, False) for e in reversed(roots)]
    while stack:
        node, done = stack.pop()
        if done:
            post.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((a, False) for a in reversed(node.args))
    return post[::-1]


def _trivial(e: Expr) -> bool:
    return not e.args or isinstance(e, Number) or (isinstance(e, Transpose) and not e.arg.args)


@bounded
def with_lets(e: Expr, prefix: str = "t", inline=None, taken=()) -> tuple[list[tuple[Symbol, Expr]], Expr]:
    """([(name, definition), ...], body): definitions in dependency order, each shared subexpression once.

    `inline(node)` keeps a node in place even when shared; names in `taken` are not used."""
    definitions, (body,) = shared_lets([e], prefix, inline, taken)
    return definitions, body


@bounded
def shared_lets(roots: list[Expr], prefix: str = "t", inline=None,
                taken=()) -> tuple[list[tuple[Symbol, Expr]], list[Expr]]:
    """:func:`with_lets` for several expressions computed together (a value and its gradient): a
    subexpression shared by any of them is named once, and each root is written in those names."""
    order = _order(*roots)
    count: dict[Expr, int] = {}
    for e in roots:
        count[e] = count.get(e, 0) + 1
    for node in order:  # occurrences in the expanded trees, parents first
        for a in node.args:
            count[a] = count.get(a, 0) + count.get(node, 0)
    taken = {s.name for s in order if isinstance(s, Symbol)} | set(taken)
    shared = [n for n in reversed(order)
              if count.get(n, 0) > 1 and not _trivial(n) and not (inline and inline(n))]  # children first
    names: dict[Expr, Symbol] = {}
    definitions: list[tuple[Symbol, Expr]] = []
    i = 0
    for node in shared:
        i += 1
        sym = Symbol(f"_{prefix}{i}", node.shape)
        definitions.append((sym, substitute(node, names) if node.args else node))
        names[node] = sym
    bodies = [substitute(e, names) for e in roots]
    definitions, bodies = _inline_single_uses(definitions, bodies)
    return _renumber(definitions, bodies, prefix, taken)


def _inline_single_uses(definitions, bodies):
    """A name used once (e.g. only inside another shared definition) is put back in place.

    Uses are counted once: inlining a name used once moves its references to its single use, so no
    other name's count changes, and every such name can be inlined in one pass (children first)."""
    names = {sym for sym, _ in definitions}
    uses: dict[Expr, int] = {}
    for text in [d for _, d in definitions] + bodies:
        for sym, k in _occurrences(text, names).items():
            uses[sym] = uses.get(sym, 0) + k
    inlined: dict[Expr, Expr] = {}
    kept = []
    for sym, definition in definitions:
        if inlined:
            definition = substitute(definition, inlined)
        if uses.get(sym, 0) <= 1:
            inlined[sym] = definition
        else:
            kept.append((sym, definition))
    return kept, [substitute(body, inlined) if inlined else body for body in bodies]


def _occurrences(e: Expr, names: set) -> dict[Expr, int]:
    """How often each of `names` occurs in the expanded tree of `e` (paths counted over the DAG)."""
    paths: dict[Expr, int] = {e: 1}
    for node in _order(e):  # parents before children
        for a in node.args:
            paths[a] = paths.get(a, 0) + paths[node]
    return {n: k for n, k in paths.items() if n in names}  # the nodes of `e`, never every name per definition


def _renumber(definitions, bodies, prefix, taken):
    """Names t1, t2, … in order of definition."""
    mapping: dict[Expr, Symbol] = {}
    out = []
    i = 0
    for sym, definition in definitions:
        i += 1
        while f"{prefix}{i}" in taken:
            i += 1
        new = Symbol(f"{prefix}{i}", sym.shape)
        out.append((new, substitute(definition, mapping)))
        mapping[sym] = new
    return out, [substitute(body, mapping) for body in bodies]


@bounded
def to_latex_lets(e: Expr, result: str = r"\text{result}") -> str:
    r"""The expression with every shared subexpression named once, as an ``aligned`` block
    (``t_{1} &= ... \\ \text{result} &= ...``); the plain :func:`to_latex` when nothing is shared."""
    definitions, body = with_lets(e)
    if not definitions:
        return to_latex(e)
    rows = [rf"{to_latex(sym)} &= {to_latex(definition)}" for sym, definition in definitions]
    rows.append(rf"{result} &= {to_latex(body)}")
    return r"\begin{aligned} " + r" \\ ".join(rows) + r" \end{aligned}"
