"""The rewrite engine: apply named lemmas bottom-up until none fires.

A lemma is a function ``Expr -> Expr | None`` (None: does not apply) with a stable kebab-case name and
its identity. Every lemma is sound, so the engine may stop anywhere and still return an equal
expression; a firing budget bounds the work. Each firing is recorded as ``(name, before, after)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .. import limits
from ..expr import Call, Expr, map_args


@dataclass(frozen=True)
class Lemma:
    name: str
    statement: str
    apply: Callable[[Expr], Expr | None]
    source: str = ""  # where the identity comes from (set per theme module)

    def __call__(self, e: Expr) -> Expr | None:
        return self.apply(e)


Firing = tuple[str, Expr, Expr]


def simplify(e: Expr, lemmas: Sequence[Lemma], trace: list[Firing] | None = None) -> Expr:
    """Rewrite `e` with `lemmas` (children first, then the node, repeatedly) to a fixpoint."""
    memo: dict[Expr, Expr] = {}
    budget = [limits.MAX_REWRITES]

    def go(node: Expr) -> Expr:
        hit = memo.get(node)
        if hit is not None:
            return hit
        limits.tick()
        current = map_args(node, go)
        if isinstance(current, Call) and not current.args:  # a named constant (pi): nothing to rewrite
            memo[node] = current
            return current
        while budget[0] > 0:
            for lemma in lemmas:
                new = lemma.apply(current)
                if new is not None and new != current:
                    if trace is not None:
                        trace.append((lemma.name, current, new))
                    budget[0] -= 1
                    current = map_args(new, go)
                    break
            else:
                break
        memo[node] = current
        memo[current] = current
        return current

    return go(e)
