"""Matrix products in generated code: what makes it fast, for every target.

* a product by ``diag(v)`` is a Hadamard product (``v * M``, ``M * v.T``), never a diagonal matrix;
* a product ``kron(A, B) @ M`` is applied as ``vec(B X Aᵀ)`` (the target's ``_kron_matmul`` helper), and a
  commutation matrix as an index permutation (``M[order]``, ``M[:, order]``), when something multiplies them;
  ``kron(A, B) @ K`` (a matrix Hessian's form) is formed in one pass, its columns in the commuted order (the
  target's ``_kron_commuted``), so a dense commutation matrix is never multiplied; only a Kronecker product or
  commutation matrix that *is* the result is formed;
* a chain of matrix products is evaluated in the cheapest order for large sizes (the cost model's
  :func:`~matcalc.codegen.cost.chain_order`), so ``A @ B @ x`` runs as ``A @ (B @ x)``; a chain of matrices
  whose best order depends on the sizes at call time is the target's ``multi_dot``; a product nested deeper
  than MAX_TEXT_DEPTH is named, so a chain of any length compiles;
* a 1×1 factor of a product is a scalar multiplication, and so is a product of inner size 1 (an outer product);
* a selection (a block matrix of identities and zeros, [I, 0] or [I; 0], left by differentiating a block) picks
  slices of the other factor on the side where it selects (a block that sums parts, [I; I] on the right, is
  multiplied).
"""

from __future__ import annotations

from ..expr import Add, Block, Call, Commutation, Expr, Identity, Mul, Number, Transpose, nary
from ..functions import DIAG, KRON
from ..printing.precedence import ATOM, NEG, POWER, PRODUCT
from ..shapes import ONE, Dim, is_scalar
from .cost import LARGE, absorbing, chain_order, selection, size
from .text import MAX_TEXT_DEPTH, bracketed, split_sign, transposed_text


def diagonal_vector(e: Expr) -> Expr | None:
    """v with e = diag(v), for diag(v), sums and scalar multiples of such (else None)."""
    if isinstance(e, Call) and e.fn is DIAG and not is_scalar(e.args[0].shape):
        return e.args[0]
    if isinstance(e, Transpose):
        return diagonal_vector(e.arg)
    if isinstance(e, Add):
        parts = [diagonal_vector(t) for t in e.args]
        return Add(*parts) if all(p is not None for p in parts) else None
    if isinstance(e, Mul):
        matrices = [f for f in e.args if not is_scalar(f.shape)]
        if len(matrices) == 1:
            v = diagonal_vector(matrices[0])
            if v is not None:
                return Mul(*[f if f is not matrices[0] else v for f in e.args])
    return None


def merge_diagonals(e: Add) -> Expr | None:
    """diag(a) + diag(b) + M as M + diag(a + b) (one diagonal matrix formed), or None."""
    diagonal = [(t, v) for t, v in ((t, diagonal_vector(t)) for t in e.args) if v is not None]
    if len(diagonal) < 2:
        return None
    merged = Call(DIAG, nary(Add, [v for _, v in diagonal]))
    rest = [t for t in e.args if all(t is not d for d, _ in diagonal)]
    return nary(Add, rest + [merged])


def matmul(w, factors: list[Expr]) -> tuple[str, int]:
    """The product of `factors`: scalars multiply once, diagonals fold, the chain runs in its cheap order."""
    scalars, matrices = [], []
    for f in factors:  # scalar factors, also inside a factor c * M, multiply the product once
        if is_scalar(f.shape):
            scalars.append(f)
        elif isinstance(f, Mul) and sum(not is_scalar(a.shape) for a in f.args) == 1:
            scalars += [a for a in f.args if is_scalar(a.shape)]
            matrices += [a for a in f.args if not is_scalar(a.shape)]
        else:
            matrices.append(f)
    if not matrices:
        return " * ".join(w.wrap(f, PRODUCT + 1) for f in scalars), PRODUCT
    if scalars:
        matrices, scalars = _place_scalars(matrices, scalars)
    text, level = _chain(w, _fold_diagonals(w, matrices))
    if not scalars:
        return text, level
    negative, lead = split_sign(Mul(*scalars) if len(scalars) > 1 else scalars[0])
    if lead == Number(1):  # ±1: the chain itself, or its negative (bracketed unless it binds tighter than -)
        if not negative:
            return text, level
        return (f"-{text}", NEG) if level >= POWER else (f"-({text})", NEG)
    body = f"{w.wrap(lead, PRODUCT)} * {text if level > PRODUCT else f'({text})'}"
    return (f"-({body})", NEG) if negative else (body, PRODUCT)  # -c * X is a product in Python: bracketed


def _place_scalars(matrices: list[Expr], scalars: list[Expr]) -> tuple[list[Expr], list[Expr]]:
    """c (A B …) with c on the factor where it multiplies fewest entries (a Kronecker product's smaller factor:
    c (A ⊗ B) = (cA) ⊗ B), when that is fewer than the product's own: (c u) vᵀ, not c (u vᵀ). Else the scalars
    are left to multiply the product (cost.absorbing is the count)."""
    product = size(matrices[0].shape[0]) * size(matrices[-1].shape[1])
    places = [i for i in range(len(matrices)) if selection(matrices[i]) is None]  # a scaled selection is no slice
    if not places:
        return matrices, scalars
    where = min(places, key=lambda i: (absorbing(matrices[i]), i))
    if absorbing(matrices[where]) >= product:
        return matrices, scalars
    return [*matrices[:where], _scaled(matrices[where], scalars), *matrices[where + 1:]], []


def _scaled(f: Expr, scalars: list[Expr]) -> Expr:
    core = _normal(f) if _is_operator(f) else f
    if isinstance(core, Call) and core.fn is KRON:
        a, b = core.args
        return Call(KRON, _scaled(a, scalars), b) if absorbing(a) <= absorbing(b) else Call(KRON, a, _scaled(b, scalars))
    return Mul(*scalars, f)


def _fold_diagonals(w, factors: list[Expr]) -> list[tuple[str, int, tuple[Dim, Dim], Expr | None]]:
    """Items (text, level, shape, operator) with every diag(v) folded into a neighbour as v * M."""
    items: list[tuple[str, int, tuple[Dim, Dim], Expr | None]] = []
    pending: list[str] = []  # diagonal vectors waiting for the next factor
    for f in factors:
        v = diagonal_vector(f)
        if v is not None:
            pending.append(w.wrap(v, PRODUCT))
            continue
        if isinstance(f, Identity):
            continue
        if pending:  # diag(v) @ F = v * F (a Kronecker factor is formed then: it is scaled anyway)
            items.append((" * ".join([*pending, w.wrap(f, PRODUCT + 1)]), PRODUCT, f.shape, None))
            pending = []
        elif _is_operator(f):
            items.append(("", ATOM, f.shape, f))
        else:
            items.append((*w.expr(f), f.shape, None))
    if pending:
        if items:  # F @ diag(v) = F * v.T
            text, level, shape, op = items[-1]
            if op is not None:
                text, level = w.expr(op)
            body = text if level >= PRODUCT else f"({text})"
            for p in pending:
                body = f"{body} * {transposed_text(p)}"
            items[-1] = (body, PRODUCT, shape, None)
        else:
            diagonal = " * ".join(pending)
            items.append((f"{w.backend.namespace}.diagflat({diagonal})", ATOM, (factors[-1].shape[0],) * 2, None))
    if not items:  # a product of identities
        return [(w.backend.eye.format(w.size(factors[0].shape[0])), ATOM, factors[0].shape, None)]
    return items


def _chain(w, items) -> tuple[str, int]:
    """The product of `items` in the cheapest order for large sizes (cost.chain_order); a chain of three or more
    matrices whose best order depends on sizes known only at call time (two or more different sizes) through
    the target's multi_dot, which orders it by the actual shapes (N ≫ d or not)."""
    dims = [size(items[0][2][0])] + [size(item[2][1]) for item in items]
    if _size_dependent(items, dims):
        return w.backend.spell(w.backend.multi_dot).format(", ".join(item[0] for item in items)), ATOM
    pending = [(item, 1) for item in items]  # (item, brackets its text nests)
    for k in chain_order(dims)[1]:
        pending[k:k + 2] = [_merged(w, pending[k], pending[k + 1])]
    return _evaluated(w, pending[0][0])


def _size_dependent(items, dims: list[float]) -> bool:
    """Whether the best order of this chain depends on the sizes at call time: three or more factors, none an
    operator or a vector (from a vector end one order is best whatever the sizes), over different sizes."""
    if len(items) < 3 or any(item[3] is not None for item in items) or min(dims) < LARGE:
        return False
    return len({items[0][2][0], *(item[2][1] for item in items)}) > 1


def _merged(w, left, right):
    """(item, depth) of left @ right for two (item, depth): a product nested past MAX_TEXT_DEPTH brackets is named,
    so that Python's parser, which refuses about 200 nested brackets, reads a chain of any length."""
    item = _product(w, left[0], right[0])
    depth = 1 + max(left[1], right[1])
    if depth > MAX_TEXT_DEPTH:
        return (w.hoist(_evaluated(w, item)[0]), ATOM, item[2], None), 1
    return item, depth


def _evaluated(w, item) -> tuple[str, int]:
    text, level, _, op = item
    return w.expr(op) if op is not None else (text, level)


def _product(w, left, right):
    """left @ right for items (text, level, shape, operator)."""
    ltext, llevel, lshape, lop = _as_matrix(w, left, picks=selection(left[3]) if _is_block(left[3]) else None)
    rtext, rlevel, rshape, rop = _as_matrix(w, right, picks=selection(right[3], right=True) if _is_block(right[3]) else None)
    shape = (lshape[0], rshape[1])
    if lop is not None and rop is None:
        if _is_block(lop):  # [I, 0] @ M: the rows of M it picks
            return _select(w, selection(lop), rtext, rlevel, rshape[1], rows=True), ATOM, shape, None
        return _apply_operator(w, lop, rtext), ATOM, shape, None
    if rop is not None and lop is None:
        if _is_block(rop):  # M @ [I; 0]: the columns of M it picks
            return _select(w, selection(rop, right=True), ltext, llevel, lshape[0], rows=False), ATOM, shape, None
        if isinstance(_normal(rop), Commutation):
            return _permute_columns(w, _normal(rop), bracketed(ltext, llevel, ATOM)), ATOM, shape, None
        applied = _apply_operator(w, Transpose(rop), f"{bracketed(ltext, llevel, ATOM)}.T")
        return f"{applied}.T", ATOM, shape, None
    if lop is not None and rop is not None:
        if _is_block(lop):
            return _select(w, selection(lop), *w.expr(rop), rshape[1], rows=True), ATOM, shape, None
        if _is_block(rop):
            return _select(w, selection(rop, right=True), *w.expr(lop), lshape[0], rows=False), ATOM, shape, None
        return _operators(w, _normal(lop), _normal(rop)), ATOM, shape, None
    if lshape[1] == ONE:
        # inner size 1: a column times a 1×1 product (a @ (bᵀ @ x) is a * (bᵀ @ x)) or times a row (an outer product):
        # an element-wise multiplication by broadcasting, the same products, twice as fast as a matmul of inner size 1
        text = f"{bracketed(ltext, llevel, PRODUCT)} * {bracketed(rtext, rlevel, PRODUCT + 1)}"
        return text, PRODUCT, shape, None
    text = f"{bracketed(ltext, llevel, PRODUCT)} @ {bracketed(rtext, rlevel, PRODUCT + 1)}"
    return text, PRODUCT, shape, None


def _apply_operator(w, op: Expr, m: str) -> str:
    """op @ m for a Kronecker product or commutation matrix op (possibly transposed)."""
    transposed = isinstance(op, Transpose)
    core = op.arg if transposed else op
    if isinstance(core, Commutation):
        a, b = (w.size(d) for d in core.dims)
        if transposed:  # K(m, n)ᵀ = K(n, m)
            a, b = b, a
        return f"{bracketed(m, PRODUCT, ATOM)}[{w.commutation(a, b)}]"
    w.helper(w.backend.kron_matmul)
    a, b = core.args
    if transposed:
        a, b = Transpose(a), Transpose(b)
    return f"_kron_matmul({w.text(a)}, {w.text(b)}, {m})"


def _operators(w, left: Expr, right: Expr) -> str:
    """left @ right for two operators (each a Kronecker product or a commutation matrix, untransposed): a
    commutation matrix permutes the other's rows or columns, kron(A, B) @ K(s, q) and K(p, r) @ kron(A, B)
    are formed in one pass in their commuted order; two Kronecker products are one applied to the other."""
    if isinstance(left, Commutation) and isinstance(right, Call):
        a, b = right.args
        if left.dims == (b.shape[0], a.shape[0]):  # K(p, r) (A ⊗ B) = (B ⊗ A) K(q, s)
            return _kron_commuted(w, b, a)
    if isinstance(right, Commutation) and isinstance(left, Call):
        a, b = left.args
        if right.dims == (a.shape[1], b.shape[1]):
            return _kron_commuted(w, a, b)
    if isinstance(left, Commutation):
        m, n = (w.size(d) for d in left.dims)
        return f"{w.wrap(right, ATOM)}[{w.commutation(m, n)}]"
    if isinstance(right, Commutation):
        return _permute_columns(w, right, w.wrap(left, ATOM))
    return _apply_operator(w, left, w.text(right))


def _permute_columns(w, k: Commutation, m: str) -> str:
    """m @ K(a, b) = m[:, order of K(b, a)]: K(a, b)ᵀ = K(b, a) is its inverse."""
    a, b = (w.size(d) for d in k.dims)
    return f"{m}[:, {w.commutation(b, a)}]"


def _kron_commuted(w, a: Expr, b: Expr) -> str:
    w.helper(w.backend.kron_commuted)
    return f"_kron_commuted({w.text(a)}, {w.text(b)})"


def _select(w, picks, m: str, level: int, other: Dim, rows: bool) -> str:
    """S @ m (rows=True) or m @ Sᵀ (rows=False) for a selection S: slices of m, and zeros where S picks nothing,
    never the product by a matrix of identities and zeros (O(entries of m), not O(entries × the picked size))."""
    parts = []
    for height, pick in picks:
        if pick is None:
            parts.append(w.backend.zeros.format(w.shape_text((height, other) if rows else (other, height))))
            continue
        start, width = pick
        span = f"{w.size(start)}:{w.size(start + width)}"
        parts.append(f"{bracketed(m, level, ATOM)}[{span}]" if rows else f"{bracketed(m, level, ATOM)}[:, {span}]")
    if len(parts) == 1:
        return parts[0]
    return w.backend.block([[p] for p in parts] if rows else [parts])


def _normal(op: Expr) -> Expr:
    """An operator without its transpose: kron(A, B)ᵀ = kron(Aᵀ, Bᵀ), K(m, n)ᵀ = K(n, m)."""
    if not isinstance(op, Transpose):
        return op
    core = op.arg
    if isinstance(core, Commutation):
        return Commutation(core.dims[1], core.dims[0])
    if isinstance(core, Call) and core.fn is KRON:
        return Call(KRON, Transpose(core.args[0]), Transpose(core.args[1]))
    return op  # a block of identities and zeros: selection() reads it, transposed or not


def _is_operator(f: Expr) -> bool:
    core = f.arg if isinstance(f, Transpose) else f
    return (isinstance(core, Commutation) or (isinstance(core, Call) and core.fn is KRON)
            or selection(f) is not None or selection(f, right=True) is not None)


def _is_block(op: Expr | None) -> bool:
    """Is the operator a block of identities and zeros (a selection on one side at least)?"""
    return op is not None and isinstance(op.arg if isinstance(op, Transpose) else op, Block)


def _as_matrix(w, item, picks):
    """The item as an operand of a product: a block of identities and zeros stays an operator only where it
    selects (on the left, at most one identity in each block row; on the right, in each block column: `picks`),
    else it is written out and multiplied ([I; I] on the right sums column blocks, it picks none)."""
    text, level, shape, op = item
    if _is_block(op) and picks is None:
        return (*w.expr(op), shape, None)
    return item
