"""Walks over syntax trees: every node, parents before children, and rebuilding a tree bottom-up.

Both are iterative: postfix chains and long sums make deep trees.
"""

from __future__ import annotations

from .syntax_tree import Syntax


def rewrite(node: Syntax, fn) -> Syntax:
    """Rebuild the tree bottom-up with ``fn(node, new_args)``; iterative (postfix chains may be long)."""
    done: dict[int, Syntax] = {}
    stack = [(node, False)]
    keep = []  # keep the visited nodes alive: their ids key `done`
    while stack:
        current, expanded = stack.pop()
        if expanded:
            args = [done[id(a)] for a in current.args]
            done[id(current)] = fn(current, args)
            continue
        keep.append(current)
        stack.append((current, True))
        stack.extend((a, False) for a in current.args)
    return done[id(node)]


def walk(node: Syntax, skip_calls=()):
    """Every node of the tree, parents before children; not the arguments of calls named in `skip_calls`
    (the sizes in eye(n), ones(n, 1) are dimensions, not values)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current.op == "call" and current.data[0] in skip_calls:
            continue
        stack.extend(reversed(current.args))


def _copy(node: Syntax, args: list[Syntax]) -> Syntax:
    """The node with `args` for its arguments: the node itself when they are its own."""
    if all(a is b for a, b in zip(args, node.args)) and len(args) == len(node.args):
        return node
    return Syntax(node.op, args, node.data, node.pos, node.end)
