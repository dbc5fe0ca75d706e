"""The rewrite engine: apply named lemmas bottom-up until none fires.

A lemma is a function ``Expr -> Expr | None`` (None: does not apply) with a stable kebab-case name and
its identity. Every lemma is sound, so the engine may stop anywhere and still return an equal
expression; a firing budget bounds the work. Each firing is recorded as ``(name, before, after)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .. import limits
from ..expr import Add, Call, Expr, MatMul, Mul, map_args


@dataclass(frozen=True)
class Lemma:
    name: str
    statement: str
    apply: Callable[[Expr], Expr | None]
    source: str = ""  # where the identity comes from (set per theme module)
    kinds: tuple[type, ...] = ()  # the node kinds it can fire on (its guard's isinstance); () for any

    def __call__(self, e: Expr) -> Expr | None:
        return self.apply(e)


Firing = tuple[str, Expr, Expr]
_TOKENS: dict[tuple, tuple] = {}
FLATTEN_FROM = 2_000  # nodes (written out) from which chains are flattened before rewriting (flatten_chains)


def simplify(e: Expr, lemmas: Sequence[Lemma], trace: list[Firing] | None = None) -> Expr:
    """Rewrite `e` with `lemmas` (children first, then the node, repeatedly) to a fixpoint."""
    token = _TOKENS.setdefault(key := tuple(lemmas), key)
    if not limits.written_size_at_most(e, FLATTEN_FROM):  # small ones keep the lemmas' own order (the textbook forms)
        e = flatten_chains(e, token)
    memo: dict[Expr, Expr] = {}
    budget = [limits.MAX_REWRITES]
    by_kind: dict[type, list[Lemma]] = {}  # the lemmas that can fire on a kind of node, in their order

    def lemmas_for(kind: type) -> list[Lemma]:
        hit = by_kind.get(kind)
        if hit is None:
            hit = by_kind[kind] = [lemma for lemma in lemmas if not lemma.kinds or issubclass(kind, lemma.kinds)]
        return hit

    def go(node: Expr) -> Expr:
        if node._normal is token:
            return node
        hit = memo.get(node)
        if hit is not None:
            return hit
        limits.tick()
        current = map_args(node, go)
        if isinstance(current, Call) and not current.args:  # a named constant (pi): nothing to rewrite
            memo[node] = current
            return current
        while budget[0] > 0:
            for lemma in lemmas_for(type(current)):
                new = lemma.apply(current)
                if new is not None and new != current:
                    if trace is not None:
                        trace.append((lemma.name, current, new))
                    budget[0] -= 1
                    current = map_args(new, go)
                    break
            else:
                object.__setattr__(current, "_normal", token)
                break
        memo[node] = current
        memo[current] = current
        return current

    try:
        return go(e)
    finally:
        go = None  # go refers to itself: break the cycle, so the memo is freed now, not by the cyclic collector


_ASSOCIATIVE = (Add, Mul, MatMul)


def flatten_chains(e: Expr, normal: tuple | None = None) -> Expr:
    """`e` with each sum or product nested directly in one of its kind, and used nowhere else, spliced into it.

    The flattening lemma does the same bottom-up, but there a chain d = a₁ ∘ (a₂ ∘ (… ∘ dx)) (the chain rule
    through L element-wise layers) becomes L flat products of 1, 2, …, L factors: quadratic work. Here each
    chain is gathered once from its top, in time linear in the expression. A part several parents refer to (one
    object) is kept whole (splicing it into each would write it out several times)."""
    parents: dict[int, int] = {}  # by object: the tree is alive meanwhile, and ids hash without calling Python
    stack = [e]
    while stack:  # each distinct node once: its children are pushed when first met as a child
        for a in stack.pop().args:
            seen = parents.get(id(a))
            if seen is None:
                parents[id(a)] = 1
                stack.append(a)
            else:
                parents[id(a)] = seen + 1
    memo: dict[Expr, Expr] = {}

    def go(node: Expr) -> Expr:
        if node._normal is normal is not None:  # a fixpoint of lemmas that flatten: no chain below it
            return node
        hit = memo.get(node)
        if hit is not None:
            return hit
        if isinstance(node, _ASSOCIATIVE):
            kind, items, stack = type(node), [], list(reversed(node.args))
            while stack:
                a = stack.pop()
                if type(a) is kind and parents.get(id(a), 0) == 1:
                    stack.extend(reversed(a.args))
                else:
                    items.append(go(a))
            spliced = len(items) != len(node.args) or any(n is not o for n, o in zip(items, node.args))
            hit = kind(*items) if spliced else node
        else:
            hit = map_args(node, go)
        memo[node] = hit
        return hit

    try:
        return go(e)
    finally:
        go = None  # as in simplify
