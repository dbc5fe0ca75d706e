"""Identification: from a differential df (linear in dX) to the derivative.

* scalar f: ``df = sum(G ∘ dX)`` identifies the gradient G (the shape of X). G is found by pulling an
  adjoint back through the linear operations on the path to dX (reverse mode on df).
* non-scalar f: ``vec(df) = J vec(dX)`` identifies the vec-Jacobian J, pulled back the same way with a
  matrix of rows (Kronecker forms where a matrix sits on the path; unit sizes simplify them away).
* scalar X: ``df = D dx`` gives D directly (substitute dx = 1).

Only linear operations can surround dX in a differential; anything else is an internal error or, for
constructs not handled yet, an UnsupportedError. A linear named function is pulled back through its
definition: the adjoint ``fn.adjoint`` (⟨g, f(dA)⟩ = ⟨f*(g), dA⟩) for a gradient, the vec-Jacobian
``fn.vec_jacobian`` (vec f(dA) = L vec(dA)) for a Jacobian.
"""

from __future__ import annotations

from .errors import UnsupportedError
from .expr import (
    Add,
    Block,
    Call,
    Commutation,
    Expr,
    Identity,
    MatMul,
    Mul,
    Number,
    Ones,
    Symbol,
    Transpose,
    Zeros,
    nary,
    substitute,
)
from .functions import DIAG, KRON, SUM, VEC
from .shapes import ONE, is_scalar


class _Pull:
    def __init__(self, dvar: Symbol):
        self.dvar = dvar
        self.contains: dict[Expr, bool] = {}

    def has(self, e: Expr) -> bool:
        hit = self.contains.get(e)
        if hit is None:
            hit = e == self.dvar or any(self.has(a) for a in e.args)
            self.contains[e] = hit
        return hit

    def only(self, e: Expr) -> int:
        idx = [i for i, a in enumerate(e.args) if self.has(a)]
        if len(idx) != 1:
            raise UnsupportedError(f"identification of a term that is not linear in {self.dvar.name}")
        return idx[0]

    # ------------------------------------------------------------ scalar output: adjoint G
    def gradient(self, e: Expr, g: Expr) -> list[Expr]:
        """Contributions G_X with <g, e> = sum(G_X ∘ dX)."""
        if e == self.dvar:
            return [g]
        if isinstance(e, Add):
            out = []
            for t in e.args:
                if self.has(t):
                    gt = Call(SUM, g) if is_scalar(t.shape) and not is_scalar(e.shape) else g
                    out += self.gradient(t, gt)
            return out
        if isinstance(e, Mul):
            i = self.only(e)
            child = e.args[i]
            others = [a for j, a in enumerate(e.args) if j != i]
            factors = others if g == Number(1) else [g, *others]
            gc = nary(Mul, factors)
            if is_scalar(child.shape) and not is_scalar(gc.shape):
                gc = Call(SUM, gc)
            return self.gradient(child, gc)
        if isinstance(e, MatMul):
            i = self.only(e)
            left, right = e.args[:i], e.args[i + 1 :]
            parts = []
            if left:
                parts.append(Transpose(nary(MatMul, left)))
            scale = is_scalar(g.shape) and (left or right)  # a 1×1 adjoint of a 1×1 product is a scaling
            if not scale:
                parts.append(g)
            if right:
                parts.append(Transpose(nary(MatMul, right)))
            adjoint = nary(MatMul, parts)
            if scale and g != Number(1):
                adjoint = Mul(g, adjoint)
            return self.gradient(e.args[i], adjoint)
        if isinstance(e, Transpose):
            return self.gradient(e.arg, Transpose(g))
        if isinstance(e, Call):
            return self.gradient(e.args[self.only(e)], _call_adjoint(e, g))
        if isinstance(e, Block):  # [.. A_ij ..] = Σ E_i A_ij F_j, so G_ij = E_iᵀ G F_jᵀ
            out = []
            for k, item in enumerate(e.args):
                if self.has(item):
                    rows, cols = _selectors(e, k)
                    parts = ([Transpose(rows)] if rows is not None else []) + [g]
                    parts += [Transpose(cols)] if cols is not None else []
                    out += self.gradient(item, nary(MatMul, parts))
            return out
        raise UnsupportedError(f"identifying a gradient through {type(e).__name__}")

    # ------------------------------------------------------------ non-scalar output: vec-Jacobian rows L
    def jacobian(self, e: Expr, rows: Expr) -> list[Expr]:
        """Contributions J_X with rows · vec(e) = J_X vec(dX)."""
        if e == self.dvar:
            return [rows]
        if isinstance(e, Add):
            out = []
            for t in e.args:
                if self.has(t):
                    if is_scalar(t.shape) and not is_scalar(e.shape):
                        out += self.jacobian(t, MatMul(rows, Ones((_size(e), ONE))))
                    else:
                        out += self.jacobian(t, rows)
            return out
        if isinstance(e, Mul):
            i = self.only(e)
            child = e.args[i]
            others = [a for j, a in enumerate(e.args) if j != i]
            c = nary(Mul, others)
            if is_scalar(c.shape):
                return self.jacobian(child, Mul(c, rows))
            if is_scalar(child.shape):  # vec(c * s) = vec(c) s
                return self.jacobian(child, MatMul(rows, _vec(c)))
            return self.jacobian(child, MatMul(rows, Call(DIAG, _vec(c))))
        if isinstance(e, MatMul):
            i = self.only(e)
            child = e.args[i]
            left, right = e.args[:i], e.args[i + 1 :]
            a = (nary(MatMul, left)) if left else Identity(child.shape[0])
            b = (nary(MatMul, right)) if right else Identity(child.shape[1])
            factor = Call(KRON, Transpose(b), a)  # vec(A X B) = (Bᵀ ⊗ A) vec(X)
            return self.jacobian(child, MatMul(rows, factor))
        if isinstance(e, Transpose):
            if e.arg.shape[0] == ONE or e.arg.shape[1] == ONE:
                return self.jacobian(e.arg, rows)
            return self.jacobian(e.arg, MatMul(rows, Commutation(*e.arg.shape)))  # vec(Fᵀ) = K vec(F)
        if isinstance(e, Block):  # vec(E A F) = (Fᵀ ⊗ E) vec(A)
            out = []
            for k, item in enumerate(e.args):
                if self.has(item):
                    sel_rows, sel_cols = _selectors(e, k)
                    left = sel_rows if sel_rows is not None else Identity(e.shape[0])
                    right = Transpose(sel_cols) if sel_cols is not None else Identity(item.shape[1])
                    out += self.jacobian(item, MatMul(rows, Call(KRON, right, left)))
            return out
        if isinstance(e, Call) and e.fn.vec_jacobian is not None:
            factor = e.fn.vec_jacobian(e)
            if factor is None:
                return self.jacobian(e.args[0], rows)
            factors = factor.args if isinstance(factor, MatMul) else (factor,)
            return self.jacobian(e.args[0], MatMul(rows, *factors))
        raise UnsupportedError(f"the vec-Jacobian through {_describe(e)}")


def _selectors(e: Block, k: int) -> tuple[Expr | None, Expr | None]:
    """(E, F) with block k of e placed by E A F: E stacks zeros around I (None when e has one block row),
    F puts I among zero columns (None when e has one block column)."""
    rows = e.rows
    n_cols = e.layout[0]
    i, j = divmod(k, n_cols)
    heights = [r[0].shape[0] for r in rows]
    widths = [a.shape[1] for a in rows[0]]
    sel_rows = None
    if len(rows) > 1:
        h = heights[i]
        sel_rows = Block(*[Identity(h) if r == i else Zeros((heights[r], h)) for r in range(len(rows))],
                         layout=(1,) * len(rows))
    sel_cols = None
    if n_cols > 1:
        w = widths[j]
        sel_cols = Block(*[Identity(w) if c == j else Zeros((w, widths[c])) for c in range(n_cols)])
    return sel_rows, sel_cols


def _size(e: Expr):
    return e.shape[0] * e.shape[1]


def _vec(e: Expr) -> Expr:
    return e if e.shape[1] == ONE else Call(VEC, e)


def _describe(e: Expr) -> str:
    return e.fn.spelling if isinstance(e, Call) else type(e).__name__


def _call_adjoint(e: Call, g: Expr) -> Expr:
    """Adjoint of the argument of a linear call: <g, f(dA)> = <f*(g), dA>."""
    if e.fn.adjoint is None:
        raise UnsupportedError(f"identifying a gradient through {e.fn.spelling}")
    return e.fn.adjoint(e, g)


def gradient_of(df: Expr, dvar: Symbol) -> Expr:
    """G with df = sum(G ∘ dX) for a scalar differential df."""
    parts = _Pull(dvar).gradient(df, Number(1))
    fitted = [p if p.shape == dvar.shape else Mul(p, Ones(dvar.shape)) for p in parts]
    return nary(Add, fitted)


def vec_jacobian_of(df: Expr, dvar: Symbol) -> Expr:
    """J with vec(df) = J vec(dX)."""
    parts = _Pull(dvar).jacobian(df, Identity(_size(df)))
    return nary(Add, parts)


def scalar_variable_derivative(df: Expr, dvar: Symbol) -> Expr:
    """D with df = D dx for a scalar dx."""
    return substitute(df, {dvar: Number(1)})
