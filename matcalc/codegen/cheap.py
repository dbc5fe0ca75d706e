"""Cheap forms for computing: exact rewrites that lower what generated code costs, applied before emission.

The simplifier factors for the reader: ``(a bᵀ + b aᵀ) x``, ``2 (I + a aᵀ) x``, ``diag(Aᵀ diag(x) Bᵀ)``. Computed
as written, these form N×N temporaries (or an N×N×N product) the function itself never needed. Before
code is emitted, each node is replaced by the cheapest of a few exactly equal forms, judged by
:func:`matcalc.codegen.cost.cost` (the rewrite is kept only when it lowers the cost, so a form that is
already cheap is left as it is):

* a product with a sum as a factor is distributed over the sum: ``(a bᵀ + b aᵀ) x`` → ``a (bᵀx) + b (aᵀx)``,
  ``(I + a aᵀ) x`` → ``x + a (aᵀx)``, ``(A + Aᵀ) x`` → ``A x + Aᵀ x`` (no transposed temporary), sums nested
  in its terms too, up to _MAX_TERMS products in all; a chain ending in a vector is written as products from
  that end, so terms that end alike (``B (D (A (A y))) + C (A (A y))``) compute that end once;
* products inside products are one chain, so the chain's order is chosen over all of it, an identity factor
  is dropped, scalar factors multiply the product once, and an all-ones matrix is the outer product it is
  (``1 1ᵀ``), which the chain can reassociate;
* the diagonal of a product is a row sum, ``diag(P Q) = (P ∘ Qᵀ) 1``, the trace of one an entry sum,
  ``tr(P Q) = sum(P ∘ Qᵀ)``, and the sum of a product's entries ``1ᵀ (P Q) 1`` a chain;
* a sum of terms and their transposes (the gradient w.r.t. a symmetric matrix, written out) is ``H + Hᵀ``, H
  (one term of each pair) computed once: ``S y yᵀ + y yᵀ S`` runs as ``t1 = S @ y * y.T; t1 + t1.T``;
* ``1 ∘ M`` (an all-ones array of M's shape) is M; a Kronecker product times a vec is the product of its
  factors, ``(A ⊗ B) vec(M) = vec(B M Aᵀ)``;
* a scalar times a sum is the sum of the scaled terms when that is cheaper: the emitter puts a scalar on the
  factor of a product where it multiplies fewest entries, so ``c (u vᵀ − A ⊗ B)`` is ``(cu) vᵀ − (cA) ⊗ B``,
  never a pass over the large result.

Only the computed form changes; what matcalc prints keeps the reader's form. :data:`ENABLED` turns the pass
off (benchmarks/cheap_gradient.py compares the code with and without it).
"""

from __future__ import annotations

from ..canonical import nary
from ..expr import Add, Call, Expr, Identity, MatMul, Mul, Number, Ones, Power, Transpose, Zeros
from ..functions import DIAG_PART, KRON, SUM, TRACE, VEC
from ..limits import written_size_at_most
from ..shapes import ONE, is_scalar
from ..walks import bottom_up, sort_key
from .cost import SEARCH_LIMIT, costs, remembering
from .products import diagonal_vector

ENABLED = True  # False: code is emitted from the expression as it is (for before/after comparisons)

_MAX_TERMS = 16  # a distribution that would write more products than this is not tried
_MAX_WORK = 64  # candidate products one product's search may build (each is costed)


def cheap(e: Expr) -> Expr:
    """`e` with every node replaced by its cheapest exactly equal form (`e` itself when none is cheaper)."""
    if not ENABLED:
        return e
    with remembering():
        cheapest = bottom_up(e, _rewrite)
    return bottom_up(cheapest, lambda node: _nested(list(node.args)) if isinstance(node, MatMul) else node)


def _rewrite(node: Expr) -> Expr:
    candidates = _candidates(node)
    if not candidates:
        return node
    node_cost, *candidate_costs = costs([node, *candidates])
    best, best_cost = node, node_cost
    for candidate, c in zip(candidates, candidate_costs):
        if c < best_cost:
            best, best_cost = candidate, c
    return best


def _candidates(node: Expr) -> list[Expr]:
    if isinstance(node, MatMul):
        return [_product(list(node.args))]
    if isinstance(node, Mul):
        trimmed = _without_ones(node)
        scalars = [a for a in node.args if is_scalar(a.shape)]
        rest = [a for a in node.args if not is_scalar(a.shape)]
        if scalars and len(rest) == 1 and isinstance(rest[0], Add):  # c (P + Q) = cP + cQ: c then lands on small factors
            terms = [Mul(*scalars, *(t.args if isinstance(t, Mul) else (t,))) for t in rest[0].args]
            return [form for form in (trimmed, nary(Add, terms)) if form is not node]
        return [trimmed] if trimmed is not node else []
    if isinstance(node, Add):
        return _mirrored_pairs(node)
    if isinstance(node, Call) and node.fn is DIAG_PART:
        return _diagonal_forms(node.args[0])
    if isinstance(node, Call) and node.fn is TRACE:
        return [Call(SUM, form) for form in _hadamard_splits(node.args[0])]
    if isinstance(node, Call) and node.fn is SUM and isinstance(node.args[0], MatMul):
        inner = node.args[0]
        rows, cols = inner.shape
        return [_product([Ones((ONE, rows)), *inner.args, Ones((cols, ONE))])]
    return []


# ---------------------------------------------------------------- products
def _factors(items: list[Expr]) -> tuple[list[Expr], list[Expr]]:
    """(scalars, matrices) of a product: nested products flattened, identities dropped, scalar coefficients
    (also of a factor c * M) taken out, an all-ones matrix split into the outer product it is."""
    scalars: list[Expr] = []
    matrices: list[Expr] = []
    for f in items:
        if is_scalar(f.shape) and len(items) > 1:  # a 1×1 factor (a 1×1 product too) scales the chain
            scalars.append(f)
        elif isinstance(f, MatMul):
            inner_scalars, inner = _factors(list(f.args))
            scalars += inner_scalars
            matrices += inner
        elif isinstance(f, Mul) and sum(not is_scalar(a.shape) for a in f.args) == 1:
            scalars += [a for a in f.args if is_scalar(a.shape)]
            inner_scalars, inner = _factors([a for a in f.args if not is_scalar(a.shape)])
            scalars += inner_scalars
            matrices += inner
        elif isinstance(f, Transpose) and _transposed_product(f.arg):  # (P Q)ᵀ = Qᵀ Pᵀ, (c M)ᵀ = c Mᵀ: its factors
            scalars += [a for a in f.arg.args if is_scalar(a.shape)]
            inner_scalars, inner = _factors([transpose(a) for a in reversed(f.arg.args) if not is_scalar(a.shape)])
            scalars += inner_scalars
            matrices += inner
        elif isinstance(f, Identity):
            continue
        elif isinstance(f, Ones) and f.shape[0] != ONE and f.shape[1] != ONE:
            matrices += [Ones((f.shape[0], ONE)), Ones((ONE, f.shape[1]))]
        else:
            matrices.append(f)
    return scalars, matrices


def _kron_on_vec(matrices: list[Expr]) -> list[Expr]:
    """(A ⊗ B) vec(M) as vec(B M Aᵀ), and vec(M)ᵀ (A ⊗ B) as vec(Bᵀ M A)ᵀ (Magnus & Neudecker, ch. 2, Theorem 2):
    the Kronecker product is never applied, its factors are (an identity factor then drops out)."""
    out = list(matrices)
    i = 0
    while i < len(out) - 1:
        left, right = out[i], out[i + 1]
        if _is_kron(left) and _vec_of(right) is not None:
            (a, b), m = left.args, _vec_of(right)
            if m.shape == (b.shape[1], a.shape[1]):
                out[i:i + 2] = [Call(VEC, _product([b, m, transpose(a)]))]
                continue
        if isinstance(left, Transpose) and _vec_of(left.arg) is not None and _is_kron(right):
            m, (a, b) = _vec_of(left.arg), right.args
            if m.shape == (b.shape[0], a.shape[0]):
                out[i:i + 2] = [Transpose(Call(VEC, _product([transpose(b), m, a])))]
                continue
        i += 1
    return out


def _is_kron(e: Expr) -> bool:
    return isinstance(e, Call) and e.fn is KRON


def _vec_of(e: Expr) -> Expr | None:
    return e.args[0] if isinstance(e, Call) and e.fn is VEC else None


def _product(items: list[Expr], terms: int = 1, work: list[int] | None = None) -> Expr:
    """The product of `items` in its cheapest form: one chain, distributed over a sum factor when cheaper. A
    distribution writes at most _MAX_TERMS products, however deep the sums are nested (`terms`: how many this one
    is among), and one product's search builds at most _MAX_WORK candidate products (`work`: how many are left),
    so a chain of many sums is not tried every way."""
    work = [_MAX_WORK] if work is None else work
    work[0] -= 1
    scalars, matrices = _factors(items)
    matrices = _ones_through_diagonals(_kron_on_vec(matrices))
    if not matrices:
        matrices = [Identity(items[0].shape[0])] if not is_scalar(items[0].shape) else []
    if not matrices:
        return nary(Mul, scalars)
    plain = nary(MatMul, matrices)
    best, best_cost = plain, None
    for i, f in enumerate(matrices):
        summands = _summands(f)
        if summands and terms * len(summands) <= _MAX_TERMS and work[0] >= len(summands):
            parts = [_product([*matrices[:i], _broadcast(t, f), *matrices[i + 1:]], terms * len(summands), work)
                     for t in summands]
            distributed = nary(Add, parts)
            best_cost, c = costs([best, distributed])
            if c < best_cost:
                best, best_cost = distributed, c
    return nary(Mul, [*scalars, best]) if scalars else best


def _transposed_product(e: Expr) -> bool:
    """Is e a matrix product, or a matrix times scalars, whose transpose is better read factor by factor?"""
    return isinstance(e, MatMul) or (isinstance(e, Mul) and sum(not is_scalar(a.shape) for a in e.args) == 1)


def _summands(f: Expr) -> list[Expr]:
    """The terms of a sum factor, and of a transposed sum (Σ t)ᵀ = Σ tᵀ, sums within them included (H + Hᵀ is
    the terms of H and their transposes): what a product may distribute over."""
    if isinstance(f, Add):
        return [s for t in f.args for s in (_summands(t) or [t])]
    if isinstance(f, Transpose) and isinstance(f.arg, Add):
        return [s for t in f.arg.args for s in (_summands(transpose(t)) or [t if is_scalar(t.shape) else transpose(t)])]
    return []


def _nested(matrices: list[Expr]) -> Expr:
    """The chain as one product, or, ending in a column (starting with a row), as products from that end, one
    factor at a time: the order the emitter takes anyway (each product a matrix-vector one), written as nodes, so
    the terms of a distributed sum that end alike share that end, and the code computes it once."""
    flat = nary(MatMul, matrices) if len(matrices) > 1 else matrices[0]
    if not 3 <= len(matrices) <= SEARCH_LIMIT:
        return flat
    if matrices[-1].shape[1] == ONE:
        product = matrices[-1]
        for f in reversed(matrices[:-1]):
            if is_scalar(product.shape):  # a 1×1 part is a scalar multiplication, written as the flat chain writes it
                return flat
            product = MatMul(f, product)
        return product
    if matrices[0].shape[0] == ONE:
        product = matrices[0]
        for f in matrices[1:]:
            if is_scalar(product.shape):
                return flat
            product = MatMul(product, f)
        return product
    return flat


def _broadcast(term: Expr, total: Expr) -> Expr:
    """A term of the sum `total` as an array of the sum's shape (a scalar term c is c times an array of ones)."""
    if term.shape == total.shape:
        return term
    ones = Ones(total.shape)
    return ones if term == Number(1) else Mul(term, ones)


def _ones_through_diagonals(matrices: list[Expr]) -> list[Expr]:
    """diag(v) 1 as v and 1ᵀ diag(v) as vᵀ: a diagonal matrix applied to a column (row) of ones is its vector."""
    out = list(matrices)
    for i in range(len(out) - 1):
        v, w = diagonal_vector(out[i]), diagonal_vector(out[i + 1])
        if v is not None and isinstance(out[i + 1], Ones) and out[i + 1].shape[1] == ONE:
            return _ones_through_diagonals([*out[:i], v, *out[i + 2:]])
        if w is not None and isinstance(out[i], Ones) and out[i].shape[0] == ONE:
            return _ones_through_diagonals([*out[:i], transpose(w), *out[i + 2:]])
    return out


def transpose(e: Expr) -> Expr:
    """eᵀ, with a transpose of a transpose, of an all-ones array and of an identity undone."""
    if isinstance(e, Identity):
        return e
    if isinstance(e, Transpose):
        return e.arg
    if isinstance(e, Ones):
        return Ones((e.shape[1], e.shape[0]))
    return Transpose(e)


def _without_ones(node: Mul) -> Expr:
    """1 ∘ M as M: an all-ones factor of the product's own shape, when another factor has that shape too."""
    ones = [a for a in node.args if isinstance(a, Ones) and a.shape == node.shape]
    full = [a for a in node.args if not isinstance(a, Ones) and a.shape == node.shape]
    if not ones or not full:
        return node
    return nary(Mul, [a for a in node.args if not (isinstance(a, Ones) and a.shape == node.shape)])


# ---------------------------------------------------------------- diagonals, traces
def _hadamard_splits(m: Expr) -> list[Expr]:
    """c ∘ P ∘ Qᵀ for each way to write the product m as c P Q: the entries whose row sums are diag(m)."""
    if not isinstance(m, MatMul):
        return []
    scalars, matrices = _factors(list(m.args))
    return [_without_ones(Mul(*scalars, _product(matrices[:k]), transpose(_product(matrices[k:]))))
            for k in range(1, len(matrices))]


# ---------------------------------------------------------------- a sum holding terms and their transposes
_PAIRED_NODES = 200  # terms larger than this (written out) are not compared: the comparison walks them


def _mirrored_pairs(node: Add) -> list[Expr]:
    """H + Hᵀ (+ the other terms) for a sum whose terms come in pairs, each the transpose of another (the gradient
    w.r.t. a symmetric matrix, sym(G) = (G + Gᵀ)/2, is written out so): H, the sum of one term of each pair,
    is computed once."""
    rows, cols = node.shape
    if rows != cols or rows == ONE or not all(written_size_at_most(t, _PAIRED_NODES) for t in node.args):
        return []
    keys = [_canonical(t) for t in node.args]
    firsts, used = [], set()
    for i, t in enumerate(node.args):
        if i in used:
            continue
        mirror = _canonical(_mirror(t))
        j = next((j for j in range(i + 1, len(keys)) if j not in used and keys[j] == mirror), None)
        if j is not None and mirror != keys[i]:
            used |= {i, j}
            firsts.append(t)
    if not firsts:
        return []
    half = nary(Add, firsts)
    rest = [t for i, t in enumerate(node.args) if i not in used]
    return [nary(Add, [half, Transpose(half), *rest])]


def _mirror(e: Expr) -> Expr:
    """eᵀ, exactly, with the transpose pushed through products, sums, element-wise operations and symmetric symbols."""
    if is_scalar(e.shape) or getattr(e, "is_symmetric", False) or isinstance(e, Identity):
        return e
    if isinstance(e, Transpose):
        return e.arg
    if isinstance(e, MatMul):
        return MatMul(*[_mirror(a) for a in reversed(e.args)])
    if isinstance(e, (Add, Mul, Power)):  # element-wise (also broadcast): (a ∘ b)ᵀ = aᵀ ∘ bᵀ
        return type(e)(*[_mirror(a) for a in e.args])
    if isinstance(e, Call) and e.fn.kind == "elementwise":
        return e.rebuild(*[_mirror(a) for a in e.args])
    if isinstance(e, (Ones, Zeros)):
        return type(e)((e.shape[1], e.shape[0]))
    return Transpose(e)


def _canonical(e: Expr) -> Expr:
    """e with its transposes pushed down to what they cannot pass (a symbol, a matrix function) and the terms of
    sums and factors of element-wise products in the structural order: equal whatever order they were written in."""
    if isinstance(e, Transpose):
        pushed = _mirror(e.arg)
        if not isinstance(pushed, Transpose):
            return _canonical(pushed)
    args = [_canonical(a) for a in e.args]
    if isinstance(e, (Add, Mul)):
        args.sort(key=sort_key)
    return e.rebuild(*args) if any(a is not b for a, b in zip(args, e.args)) else e


def _diagonal_forms(m: Expr) -> list[Expr]:
    """Forms of diag(m), the diagonal of a square matrix m as a column: row sums of P ∘ Qᵀ for m = P Q; a
    sum's diagonal as the sum of its terms' diagonals; a scalar multiple's as the multiple."""
    if isinstance(m, Add):
        return [nary(Add, [_rewrite(Call(DIAG_PART, t)) for t in m.args])]
    if isinstance(m, Mul) and sum(not is_scalar(a.shape) for a in m.args) == 1:
        scalars = [a for a in m.args if is_scalar(a.shape)]
        (matrix,) = [a for a in m.args if not is_scalar(a.shape)]
        return [Mul(*scalars, _rewrite(Call(DIAG_PART, matrix)))]
    return [form if form.shape[1] == ONE else _product([form, Ones((form.shape[1], ONE))]) for form in _hadamard_splits(m)]
