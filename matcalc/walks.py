"""Walks over expression trees: every node in order, each distinct node once, counts, the symbols, rebuilding
(map over the arguments, bottom-up rewriting, substitution), and a sort key that orders trees by their structure
(the rewriting orders terms with it, never by printed text). Linear in the distinct nodes where a shared
subtree could make the written-out tree exponential."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from fractions import Fraction

from .expr import Add, Block, Call, Commutation, Expr, Identity, MatMul, Mul, Number, Ones, Power, Symbol, Transpose, Zeros
from .shapes import Dim


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
    for node in distinct_nodes(e):  # first appearances come in preorder's order; shared subtrees are walked once
        if isinstance(node, Symbol):
            seen.setdefault(node, None)
    return list(seen)


def map_args(e: Expr, fn: Callable[[Expr], Expr]) -> Expr:
    """Rebuild `e` with `fn` applied to each child (identity-preserving when nothing changes)."""
    if not e.args:
        return e
    # a list, not a generator: a walk recursing through running generators makes every exception raised below
    # (a short-circuited generator's close) search the whole chain of them, quadratic in the depth of the tree
    new = tuple([fn(a) for a in e.args])
    for n, o in zip(new, e.args):
        if n is not o:
            return e.rebuild(*new)
    return e


def bottom_up(e: Expr, fn: Callable[[Expr], Expr]) -> Expr:
    """Apply `fn` to every node, children first (memoised on shared subtrees)."""
    memo: dict[Expr, Expr] = {}

    def go(node: Expr) -> Expr:
        hit = memo.get(node)
        if hit is None:
            hit = fn(map_args(node, go))
            memo[node] = hit
        return hit

    try:
        return go(e)
    finally:
        go = None  # see substitute


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

    try:
        return go(e)
    finally:
        go = None  # go refers to itself: without this, go, memo and every node built here wait for the cyclic collector


def count_nodes(e: Expr) -> int:
    return sum(1 for _ in preorder(e))


# ---------------------------------------------------------------- a structural sort key

# after a common lead, the kinds in the order of their written forms: x, f(x), x * y, x + y, x @ y, x**y, x.T
_RANKS = {kind: rank for rank, kind in enumerate(
    (Number, Symbol, Identity, Ones, Zeros, Commutation, Call, Mul, Add, MatMul, Power, Transpose, Block))}
# what an expression starts with, in the order of the characters it is written with: (, 2, A, [, x, then 0 and 1 arrays
_OPEN, _NUMBER, _NAMED, _CONSTANT = range(4)
_CONSTANT_NAMES = {Identity: "I", Commutation: "commutation"}  # the matrices written with a name
_BINDING = {Add: 1, Mul: 2, MatMul: 2, Power: 3, Transpose: 4}  # how tightly a kind holds its operands (leaves: 5)
_INTERNED: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_LOCK = threading.Lock()


class SortKey:
    """The order of an expression tree by its structure alone: its lead, its kind, its parameters, then its
    children in order. Keys are interned, so equal trees share one key and a comparison walks one path down."""

    __slots__ = ("head", "children", "__weakref__")

    def __init__(self, head: tuple, children: tuple[SortKey, ...]):
        self.head = head
        self.children = children

    def __lt__(self, other: SortKey) -> bool:
        return _compare(self, other) < 0

    def __le__(self, other: SortKey) -> bool:
        return _compare(self, other) <= 0

    def __gt__(self, other: SortKey) -> bool:
        return _compare(self, other) > 0

    def __ge__(self, other: SortKey) -> bool:
        return _compare(self, other) >= 0

    def flat(self) -> tuple:
        """Each head with its number of children, in preorder: the key written out, as long as the tree
        written out (for tests and display)."""
        out, stack = [], [self]
        while stack:
            key = stack.pop()
            out.append((key.head, len(key.children)))
            stack.extend(reversed(key.children))
        return tuple(out)

    def __repr__(self) -> str:
        return f"SortKey{self.head!r}"


def _compare(a: SortKey, b: SortKey) -> int:
    """-1, 0 or 1. Two distinct keys differ (they are interned), so below equal heads the first distinct
    pair of children decides: one path down, no recursion."""
    while a is not b:
        if a.head != b.head:
            return -1 if a.head < b.head else 1
        for x, y in zip(a.children, b.children):
            if x is not y:
                a, b = x, y
                break
        else:
            return (len(a.children) > len(b.children)) - (len(a.children) < len(b.children))
    return 0


def sort_key(e: Expr) -> SortKey:
    """A deterministic, totally ordered key for `e` from its structure alone, never its printed form. Names
    sort alphabetically and a name before a product it starts; equal trees get the same key and different
    trees different keys. Linear in the distinct nodes not keyed before: a node keeps its key for its lifetime
    (no cache to overflow, so keying N terms costs the same per term at any N)."""
    stack = [e]
    while stack:
        node = stack[-1]
        if node._sort_key is not None:
            stack.pop()
            continue
        pending = [a for a in node.args if a._sort_key is None]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        _key_of(node, tuple(a._sort_key for a in node.args))
    return e._sort_key


def _key_of(node: Expr, children: tuple[SortKey, ...]) -> SortKey:
    """The interned key of `node`, given its children's keys (and kept on the node)."""
    rank = _RANKS.get(type(node))
    if rank is None:
        raise TypeError(f"no sort key for {type(node).__name__}")
    head = (_lead(node, children), rank, _plain(node._params()))
    with _LOCK:
        key = _INTERNED.get((head, children))
        if key is None:
            key = _INTERNED[(head, children)] = SortKey(head, children)
    object.__setattr__(node, "_sort_key", key)
    return key


def _lead(node: Expr, children: tuple[SortKey, ...]) -> tuple:
    """What `node` starts with when written out, so that the order follows the written order in the common
    cases: a bracket (with what it opens on), a number (``1 / b`` starts with 1), a name (a function's for a
    call, I and commutation for those matrices; a block's bracket sorts among names after the capitals) or an
    array of zeros or ones; an operator's lead is its first operand's."""
    if isinstance(node, Number):
        return (_NUMBER, node.value)
    if isinstance(node, (Symbol, Call)):
        return (_NAMED, node.name)
    if isinstance(node, (Identity, Commutation)):
        return (_NAMED, _CONSTANT_NAMES[type(node)])
    if isinstance(node, Block):
        return (_NAMED, "[", _shallow(children[0].head[0]))
    if not children:
        return (_CONSTANT, _RANKS[type(node)])
    if _reciprocal(node):
        return (_NUMBER, Fraction(1))
    if _bracketed(node, node.args[0]):
        return (_OPEN, _shallow(children[0].head[0]))
    return children[0].head[0]


def _shallow(lead: tuple) -> tuple:
    """A lead without what its own bracket opens on: leads nest one bracket deep, however deep the tree."""
    return (_OPEN,) if lead[0] == _OPEN else lead[:2]


def _reciprocal(node: Expr) -> bool:
    return isinstance(node, Power) and isinstance(node.exponent, Number) and node.exponent.value == -1


def _binding(node: Expr) -> int:
    return 2 if _reciprocal(node) else _BINDING.get(type(node), 5)


def _bracketed(parent: Expr, first: Expr) -> bool:
    """Is the first operand written in brackets: a sum in a product, anything compound under a power or a
    transpose, a product in a product of its own kind ((a ∘ b) ∘ c)?"""
    if _binding(first) != _binding(parent):
        return _binding(first) < _binding(parent)
    return type(first) is type(parent) and not isinstance(parent, Transpose)


def _plain(value):
    """Parameters with each dimension as its sorted terms, so that they compare."""
    if isinstance(value, Dim):
        return value.terms
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value
