"""Walks over expression trees: every node in order, each distinct node once, counts, the symbols, and rebuilding
(map over the arguments, bottom-up rewriting, substitution). Linear in the distinct nodes where a shared
subtree could make the written-out tree exponential."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .expr import Expr, Symbol


def preorder(e: Expr) -> Iterator[Expr]:
    """All nodes, parents before children, left to right."""
    stack = [e]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.args))


def distinct_nodes(e: Expr) -> Iterator[Expr]:
    """Each distinct node object once (a shared subtree is visited once: linear in the DAG, not the tree)."""
    seen: set[int] = set()
    stack = [e]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(reversed(node.args))


def count_in_tree(e: Expr, predicate: Callable[[Expr], bool]) -> int:
    """How many nodes of `e` written out as a tree satisfy `predicate`, computed on the DAG."""
    counts: dict[int, int] = {}
    stack = [e]
    while stack:
        node = stack[-1]
        pending = [a for a in node.args if id(a) not in counts]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        counts[id(node)] = int(predicate(node)) + sum(counts[id(a)] for a in node.args)
    return counts[id(e)]


def symbols(e: Expr) -> list[Symbol]:
    """The distinct symbols of `e` in order of first appearance."""
    seen: dict[Symbol, None] = {}
    for node in preorder(e):
        if isinstance(node, Symbol):
            seen.setdefault(node, None)
    return list(seen)


def map_args(e: Expr, fn: Callable[[Expr], Expr]) -> Expr:
    """Rebuild `e` with `fn` applied to each child (identity-preserving when nothing changes)."""
    if not e.args:
        return e
    new = tuple(fn(a) for a in e.args)
    if all(n is o for n, o in zip(new, e.args)):
        return e
    return e.rebuild(*new)


def bottom_up(e: Expr, fn: Callable[[Expr], Expr]) -> Expr:
    """Apply `fn` to every node, children first (memoised on shared subtrees)."""
    memo: dict[Expr, Expr] = {}

    def go(node: Expr) -> Expr:
        hit = memo.get(node)
        if hit is None:
            hit = fn(map_args(node, go))
            memo[node] = hit
        return hit

    return go(e)


def substitute(e: Expr, mapping: dict[Expr, Expr]) -> Expr:
    """Replace subtrees (matched structurally, outermost first) by others of the same shape."""
    memo: dict[Expr, Expr] = {}

    def go(node: Expr) -> Expr:
        if node in mapping:
            return mapping[node]
        hit = memo.get(node)
        if hit is None:
            hit = memo[node] = map_args(node, go)
        return hit

    return go(e)


def count_nodes(e: Expr) -> int:
    return sum(1 for _ in preorder(e))
