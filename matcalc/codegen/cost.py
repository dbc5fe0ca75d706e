"""What generated code costs: a count of the work an expression's code does, with every symbolic size large.

The cost of an expression is the number of entries its code reads, writes and multiplies, each symbolic size
taken as :data:`LARGE` (a number so large that a cost of higher degree in the sizes is always the larger one:
the polynomial degree decides first, its coefficient second). A vector is N×1, so ``(a @ b.T) @ x`` costs
O(N²) and leaves an N×N temporary, ``a @ (b.T @ x)`` costs O(N). The model follows the emitter:

* a matrix product runs in its cheapest order (:func:`chain_order`, which the emitter follows too), an m×k
  by k×p product costing m·k·p multiplications and the m·p entries it writes; a diagonal matrix
  ``diag(v)`` in a product is a broadcast ``v * M`` (never formed), an identity factor is dropped;
* an element-wise operation reads its operands and writes its result (a transposed matrix operand is read
  across its rows, counted twice);
* a reduction reads its argument; a matrix function of an n×n matrix (inverse, determinant, exponential...)
  costs n³;
* a subexpression that occurs twice is computed once (the code shares it), so it is counted once.

:func:`cost` is what :mod:`matcalc.codegen.cheap` compares: a rewrite is kept only when it lowers it.
"""

from __future__ import annotations

import contextlib
import heapq
import threading

from ..expr import Add, Block, Call, Commutation, Expr, Identity, MatMul, Mul, Number, Ones, Power, Symbol, Transpose, Zeros
from ..functions import DIAG, DIAG_PART, KRON, SUM, TRACE
from ..limits import written_size_at_most
from ..shapes import Dim, is_scalar

LARGE = 10.0**6  # every symbolic size: a cost of higher degree is the larger one
EXACT_NODES = 400  # forms this small (written out) are compared by their whole cost; larger ones by their top
SEARCH_LIMIT = 48  # factors of a chain ordered by the exact (cubic) matrix-chain search; a longer one greedily
NEAR = 4  # levels of a large form compared (what a rewrite changes lies near the top; the rest is shared)


def size(d: Dim) -> float:
    """A dimension's nominal size: a symbolic one is LARGE."""
    return float(sum(c * LARGE ** len(m) for m, c in d.terms)) or 1.0


def entries(e: Expr) -> float:
    return size(e.shape[0]) * size(e.shape[1])


_REMEMBERED = threading.local()  # .memo: id(node) -> (node, its own work), while remembering() is on


@contextlib.contextmanager
def remembering():
    """Within it each node's own work is worked out once: choosing the cheapest forms of an expression's parts
    compares many forms that share most of their nodes (and a product's own work runs the chain search)."""
    outer = getattr(_REMEMBERED, "memo", None)
    if outer is None:
        _REMEMBERED.memo = {}
    try:
        yield
    finally:
        if outer is None:
            _REMEMBERED.memo = None


def _own_work(node: Expr) -> float:
    memo = getattr(_REMEMBERED, "memo", None)
    if memo is None:
        return _own(node)
    hit = memo.get(id(node))
    if hit is None:
        hit = memo[id(node)] = (node, _own(node))  # the node is kept: its id is not reused meanwhile
    return hit[1]


def cost(e: Expr) -> float:
    """The work the code of `e` does, each distinct subexpression counted once."""
    seen: set[Expr] = set()
    total, stack = 0.0, [e]
    while stack:  # iterative: an expression may be thousands of nodes deep
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        total += _own_work(node)
        stack.extend(_children(node))
    return total


def near_cost(e: Expr) -> float:
    """The work of the distinct subexpressions within NEAR levels of `e`'s top: what rewriting `e`'s top changes.

    Comparing two equal forms of a large expression by their whole cost would walk the expression once per
    node (quadratic in its depth); the forms share everything below the part a rewrite changes."""
    seen: set[Expr] = set()
    level, total = [e], 0.0
    for _ in range(NEAR):
        below = []
        for node in level:
            if node in seen:
                continue
            seen.add(node)
            total += _own_work(node)
            below.extend(_children(node))
        level = below
    return total


def costs(forms: list[Expr]) -> list[float]:
    """The costs of equal forms, for choosing among them: whole when all are small, else near the top."""
    if all(written_size_at_most(f, EXACT_NODES) for f in forms):
        return [cost(f) for f in forms]
    return [near_cost(f) for f in forms]


def _children(node: Expr):
    """The subexpressions whose code `node`'s code needs (a diagonal factor of a product: its vector)."""
    if isinstance(node, MatMul):
        return [_diagonal(f) or f for f in node.args]
    return node.args


def _diagonal(f: Expr) -> Expr | None:
    """v when f is diag(v) (or its transpose), else None."""
    core = f.arg if isinstance(f, Transpose) else f
    if isinstance(core, Call) and core.fn is DIAG and not is_scalar(core.args[0].shape):
        return core.args[0]
    return None


def _own(node: Expr) -> float:
    """The work of `node` itself, its arguments computed."""
    if isinstance(node, (Symbol, Number, Transpose)):
        return 0.0
    if isinstance(node, (Ones, Zeros, Identity, Commutation, Block)):
        return entries(node)
    if isinstance(node, Mul) and len(node.args) > 1:
        matrices = [a for a in node.args if not is_scalar(a.shape)]
        if len(matrices) == 1 and _product_like(matrices[0]):  # the scalars go where they multiply least
            return absorbing(matrices[0])
    if isinstance(node, (Add, Mul)):
        out = entries(node)
        reads = sum(_read(a) for a in node.args if not is_scalar(a.shape))
        return reads + out * (len(node.args) - 1)
    if isinstance(node, Power):
        return 2 * entries(node)
    if isinstance(node, MatMul):
        return chain_cost(list(node.args))
    if isinstance(node, Call):
        return _call(node)
    return entries(node)


def absorbing(f: Expr) -> float:
    """The entries a scalar factor multiplies when put where that is cheapest in `f`: on a product's smallest factor
    (or the product), on a Kronecker product's smaller factor (c (A ⊗ B) = (cA) ⊗ B); elsewhere all of f's."""
    core = f.arg if isinstance(f, Transpose) else f
    if _product_like(core):
        return min(entries(f), *(absorbing(a) for a in core.args if not is_scalar(a.shape)))
    return entries(f)


def _product_like(e: Expr) -> bool:
    core = e.arg if isinstance(e, Transpose) else e
    return isinstance(core, MatMul) or (isinstance(core, Call) and core.fn is KRON)


def _read(a: Expr) -> float:
    """Reading an operand of an element-wise operation: a transposed matrix is read across its rows."""
    if isinstance(a, Transpose) and not (a.shape[0] == Dim.of(1) or a.shape[1] == Dim.of(1)):
        return 2 * entries(a)
    return entries(a)


def _call(node: Call) -> float:
    fn, arg = node.fn, node.args[0]
    if fn in (DIAG_PART, TRACE):
        return size(arg.shape[0])
    if fn is SUM or fn.kind == "reduction":
        return entries(arg)
    if fn is DIAG or fn is KRON or fn.kind == "elementwise" or fn.linear:
        return sum(entries(a) for a in node.args) + entries(node)
    if fn.square:  # inverse, determinant, matrix exponential...: n³
        return size(arg.shape[0]) ** 3
    return sum(entries(a) for a in node.args) + entries(node)


def selection(op: Expr, right: bool = False) -> list[tuple[Dim, tuple[Dim, Dim] | None]] | None:
    """op as a selection, for a block matrix of identity and zero blocks (or its transpose) with at most one
    identity in each block row ([I, 0] picks rows, [I; 0] pads with zeros): per block row, its height and the
    (start, width) of the column block its identity picks (None: a row of zeros). With right=True, op as the right
    factor of a product (M @ op picks columns of M): the same of opᵀ, per block column. Else None."""
    transposed = isinstance(op, Transpose) != right
    core = op.arg if isinstance(op, Transpose) else op
    if not isinstance(core, Block) or not all(_identity(b) or _zero(b) for b in core.args):
        return None
    rows = core.rows
    if transposed:  # the transpose's block (i, j) is block (j, i) transposed: an identity or zeros, shape swapped
        rows = [[row[j] for row in rows] for j in range(len(rows[0]))]
    out = []
    for row in rows:
        start, pick = Dim.of(0), None
        for b in row:
            width = b.shape[0] if transposed else b.shape[1]
            if _identity(b):
                if pick is not None:
                    return None  # two identities in a block row: a sum of parts, not a selection
                pick = (start, width)
            start = start + width
        out.append((row[0].shape[1] if transposed else row[0].shape[0], pick))
    return out


def _identity(b: Expr) -> bool:
    return isinstance(b, Identity) or (isinstance(b, Number) and b.value == 1)  # a 1×1 identity block is 1


def _zero(b: Expr) -> bool:
    return isinstance(b, Zeros) or (isinstance(b, Number) and b.value == 0)


def chain_cost(factors: list[Expr]) -> float:
    """The cost of a product of `factors` in its cheapest order (diagonals folded, identities dropped)."""
    # a commutation matrix in a product permutes the rows or columns of the rest, a selection ([I, 0]) slices them
    # (products.py): either costs the entries it moves, never a product
    rearranging = 0.0
    if len(factors) > 1 and any(_rearranges(f) for f in factors):
        rearranging = size(factors[0].shape[0]) * size(factors[-1].shape[1])
        factors = [f for f in factors if not _rearranges(f)]
    factors = [f for f in factors if not isinstance(f, Identity)]
    items = [f for f in factors if _diagonal(f) is None]
    if not items:
        return (entries(factors[0]) if factors else 0.0) + rearranging
    folding = 0.0  # diag(v) @ M is a broadcast v * M over the factor it folds into (the next one, else the last)
    for i, f in enumerate(factors):
        if _diagonal(f) is not None:
            neighbour = next((g for g in factors[i + 1:] if _diagonal(g) is None), items[-1])
            folding += 2 * entries(neighbour)
    return chain_order([size(items[0].shape[0])] + [size(f.shape[1]) for f in items])[0] + folding + rearranging


def _rearranges(f: Expr) -> bool:
    return (isinstance(f.arg if isinstance(f, Transpose) else f, Commutation)
            or selection(f) is not None or selection(f, right=True) is not None)


def chain_order(dims: list[float]) -> tuple[float, list[int]]:
    """(cost, merges) of the cheapest order of a chain of len(dims) - 1 factors, factor k of size dims[k] ×
    dims[k + 1]; merges[t] is the position, in the list of what is left, of the left one of the two neighbours
    multiplied at step t (each product m×k by k×p costing m·k·p + m·p). The matrix-chain search, exact up to
    SEARCH_LIMIT factors (cubic in their count); past that greedy, the cheapest neighbours first (n log n), which
    for a chain ending in a vector is one product at a time from that end."""
    n = len(dims) - 1
    if n > SEARCH_LIMIT:
        return _greedy(dims)
    best = [[0.0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(2, n + 1):
        for i in range(n - length + 1):
            j = i + length - 1
            best[i][j], split[i][j] = min((best[i][k] + best[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                                           + dims[i] * dims[j + 1], k) for k in range(i, j))
    merges, stack = [], [(0, n - 1, 0, False)]  # (first, last, position among what is left, children done)
    while stack:  # the products in post-order, iteratively
        i, j, position, done = stack.pop()
        if i == j:
            continue
        if done:
            merges.append(position)
            continue
        k = split[i][j]
        stack += [(i, j, position, True), (k + 1, j, position + 1, False), (i, k, position, False)]
    return best[0][n - 1], merges


def _greedy(dims: list[float]) -> tuple[float, list[int]]:
    """The cheapest neighbouring pair multiplied first, again and again (leftmost of equals): a heap of the pairs'
    costs, a linked list of what is left and a Fenwick tree of the positions, so n log n for n factors."""
    n = len(dims) - 1
    rows, cols = dims[:-1], dims[1:]
    following, preceding = list(range(1, n + 1)), list(range(-1, n - 1))
    live = [0] * (n + 1)  # Fenwick tree over the factors still there (1 each)
    for i in range(n):
        _add(live, i, 1)
    heap = [(rows[i] * cols[i] * cols[i + 1], i, cols[i], cols[i + 1]) for i in range(n - 1)]
    heapq.heapify(heap)
    total, merges = 0.0, []
    while heap:
        c, i, mid, right = heapq.heappop(heap)
        j = following[i]
        if rows[i] < 0 or j >= n or cols[i] != mid or cols[j] != right:
            continue  # a pair that has changed since it was pushed
        total += c + rows[i] * cols[j]
        merges.append(_before(live, i))
        cols[i], rows[j] = cols[j], -1.0  # i now stands for the product; j is gone
        _add(live, j, -1)
        following[i] = following[j]
        if following[j] < n:
            preceding[following[j]] = i
            heapq.heappush(heap, (rows[i] * cols[i] * cols[following[i]], i, cols[i], cols[following[i]]))
        if preceding[i] >= 0:
            h = preceding[i]
            heapq.heappush(heap, (rows[h] * cols[h] * cols[i], h, cols[h], cols[i]))
    return total, merges


def _add(tree: list[int], i: int, delta: int) -> None:
    i += 1
    while i < len(tree):
        tree[i] += delta
        i += i & -i


def _before(tree: list[int], i: int) -> int:
    """How many factors still there come before factor i."""
    total = 0
    while i > 0:
        total += tree[i]
        i -= i & -i
    return total
