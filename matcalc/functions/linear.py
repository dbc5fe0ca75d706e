"""Linear functions: d f(U) = f(dU), and gradients pulled back through the adjoint f*.

For a scalar df = ⟨g, f(dA)⟩ the gradient contribution is f*(g), with ⟨g, f(dA)⟩ = ⟨f*(g), dA⟩
(Magnus & Neudecker, ch. 5): sum* g = g 1, mean* g = g 1 / N, tr* g = g I, the two diags are each
other's adjoints, vec* reshapes. For a vector df = f(dA) the vec-Jacobian is L with vec f(dA) =
L vec(dA): 1ᵀ for sum, vec(I)ᵀ for the trace (Magnus & Neudecker, ch. 2). ``kron`` is bilinear and
sits here for its product rule.
"""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError, UnsupportedError
from ..expr import Add, Call, Commutation, Expr, Identity, MatMul, Mul, Number, Ones, Power, Transpose, Zeros, nary
from ..shapes import ONE, SCALAR, Shape, describe, is_scalar, is_vector
from .definition import Array, Function, Rule, call, infix, linear_in, register, to_scalar


def scalar_array(value) -> Array:
    return np.asarray(value, dtype=float).reshape(1, 1)


def _size(e: Expr):
    return e.shape[0] * e.shape[1]


# ---------------------------------------------------------------- sum and trace

SUM_RULE = Rule("sum", "d sum(U) = sum(dU)  (∂ sum(x)/∂x = 1ᵀ)", "linearity of the sum")
TRACE_RULE = Rule("trace", "d tr(U) = tr(dU)", "Matrix Cookbook (99)")
TRACE_OF_FUNCTION = Rule(
    "trace-of-function",
    "d tr f(U) = tr(f'(U) dU) for an analytic matrix function f: expm' = expm, logm'(U) = U⁻¹, "
    "sqrtm'(U) = ½ sqrtm(U)⁻¹",
    "Matrix Cookbook §2.5 (∂ tr F(X)/∂X = f(X)ᵀ); Higham, Functions of Matrices (2008), ch. 3",
)

SUM = register(Function(
    "sum", "reduction", 1, lambda x: scalar_array(np.sum(x)), to_scalar,
    call(r"\operatorname{sum}", column=r"\mathbf{1}^{\top}"), "sum of all entries", linear=True,
    code="xp.sum({0})", differential=linear_in(SUM_RULE), rules=(SUM_RULE,),
    adjoint=lambda e, g: Mul(g, Ones(e.args[0].shape)),
    vec_jacobian=lambda e: Ones((ONE, _size(e.args[0]))),
))


def _trace_of_function(e: Call):
    """tr f(U) for an analytic f is differentiated past f(U): d tr f(U) = tr(f'(U) dU)."""
    inner = e.args[0]
    if isinstance(inner, Call) and inner.fn.matrix_derivative is not None:
        f_prime = inner.fn.matrix_derivative
        return inner.args[0], lambda u, du: Call(e.fn, MatMul(f_prime(u), du)), TRACE_OF_FUNCTION.name
    return None


TRACE = register(Function(
    "trace", "reduction", 1, lambda x: scalar_array(np.trace(x)), to_scalar, r"\operatorname{tr}",
    "trace (sum of the diagonal)", aliases=("tr",), linear=True, code="xp.trace({0})", square=True,
    differential=linear_in(TRACE_RULE), rules=(TRACE_RULE, TRACE_OF_FUNCTION), through=_trace_of_function,
    adjoint=lambda e, g: Mul(g, Identity(e.args[0].shape[0])),
    vec_jacobian=lambda e: Transpose(Call(VEC, Identity(e.args[0].shape[0]))),
    identity_on_scalar=True, math=call("tr"),
))

# ---------------------------------------------------------------- the two diags

DIAG_RULE = Rule("diag", "d diag(u) = diag(du)", "linearity of diag")
DIAG_HINT = "a vector (to build a diagonal matrix) or a square matrix"


def _diagonal_matrix_shape(shapes: tuple[Shape, ...]) -> Shape:
    s = shapes[0]
    if is_scalar(s):
        return s
    if is_vector(s):
        return (s[0], s[0])
    raise ShapeError(f"diag needs {DIAG_HINT}, got {describe(s)}")


def _diagonal_shape(shapes: tuple[Shape, ...]) -> Shape:
    s = shapes[0]
    if s[0] != s[1]:
        raise ShapeError(f"diag needs {DIAG_HINT}, got {describe(s)}")
    return (s[0], SCALAR[1])


def _diagonal_selector(n) -> Expr:
    """diag(vec(I)): keeps the diagonal entries of vec of an n×n matrix."""
    return Call(DIAG, Call(VEC, Identity(n)))


def _diag_vec_jacobian(e: Call) -> Expr:
    """vec(diag(v)) = diag(vec(I)) (I ⊗ 1) v."""
    n = e.args[0].shape[0]
    if is_scalar(e.args[0].shape):
        raise UnsupportedError("the vec-Jacobian through diag")
    return MatMul(_diagonal_selector(n), Call(KRON, Identity(n), Ones((n, ONE))))


def _diag_part_vec_jacobian(e: Call) -> Expr:
    """diag(A) = (I ⊗ 1ᵀ) diag(vec(I)) vec(A)."""
    n = e.args[0].shape[0]
    if is_scalar(e.args[0].shape):
        raise UnsupportedError("the vec-Jacobian through diag")
    return MatMul(Call(KRON, Identity(n), Ones((ONE, n))), _diagonal_selector(n))


DIAG = register(Function(
    "diag", "matrix", 1, lambda x: x.copy() if x.shape == (1, 1) else np.diagflat(x), _diagonal_matrix_shape,
    r"\operatorname{diag}", "diagonal matrix of a vector", linear=True, code="xp.diagflat({0})",
    square_matrix_reading="diag_part", differential=linear_in(DIAG_RULE), rules=(DIAG_RULE,),
    adjoint=lambda e, g: Call(DIAG_PART, g), vec_jacobian=_diag_vec_jacobian,
    identity_on_scalar=True, symmetric_result=True,
))
DIAG_PART = register(Function(
    "diag_part", "matrix", 1, lambda x: np.diag(x).reshape(-1, 1).copy(), _diagonal_shape,
    r"\operatorname{diag}", "the diagonal of a square matrix, as a vector", linear=True,
    code="xp.diag({0}).reshape(-1, 1)", square=True, spelling="diag", differential=linear_in(DIAG_RULE),
    rules=(DIAG_RULE,), adjoint=lambda e, g: Call(DIAG, g), vec_jacobian=_diag_part_vec_jacobian,
    identity_on_scalar=True,
))

# ---------------------------------------------------------------- vec and its adjoint, the reshape back

VEC_RULE = Rule("vec", "d vec(U) = vec(dU)", "linearity of vec")


def _vec_adjoint(e: Call, g: Expr) -> Expr:
    """vec* reshapes g back to the argument's shape."""
    arg = e.args[0]
    if arg.shape[1] == ONE:
        return g
    if arg.shape[0] == ONE:
        return Transpose(g)
    unvec = _unvec(g, arg.shape)
    if unvec is not None:
        return unvec
    raise UnsupportedError(
        "identifying a gradient through vec of a matrix: the gradient would be a vector reshaped into a "
        "matrix, which has no closed form here unless the vector is vec(G)"
    )


def _transposed(f: Expr) -> Expr:
    """fᵀ, with (hᵀ)ᵀ = h, (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ and K(m, n)ᵀ = K(n, m) written out."""
    if isinstance(f, Transpose):
        return f.arg
    if isinstance(f, Call) and f.fn is KRON:
        return Call(f.fn, *[Transpose(a) for a in f.args])
    if isinstance(f, Commutation):
        return Commutation(f.dims[1], f.dims[0])
    return Transpose(f)


def _unvec(g: Expr, shape) -> Expr | None:
    """G of `shape` with vec(G) = g, read off the structure of g (vec(G), element-wise operations of such,
    kron(A, B) vec(X) = vec(B X Aᵀ), K vec(A) = vec(Aᵀ)); None when g is no such vector."""
    rows, cols = shape
    if isinstance(g, Call) and g.fn is VEC:
        return g.args[0] if g.args[0].shape == shape else None
    if isinstance(g, Transpose) and isinstance(g.arg, Transpose):
        return _unvec(g.arg.arg, shape)
    if isinstance(g, Transpose) and isinstance(g.arg, MatMul):  # (r K)ᵀ = Kᵀ rᵀ
        return _unvec(MatMul(*[_transposed(f) for f in reversed(g.arg.args)]), shape)
    if isinstance(g, (Ones, Zeros)):
        return type(g)(shape)
    if isinstance(g, (Mul, Add)):
        parts = [a if is_scalar(a.shape) else _unvec(a, shape) for a in g.args]
        return None if any(p is None for p in parts) else g.rebuild(*parts)
    if isinstance(g, Power) and is_scalar(g.exponent.shape):
        base = _unvec(g.base, shape)
        return None if base is None else Power(base, g.exponent)
    if isinstance(g, Call) and g.fn.kind == "elementwise":
        arg = _unvec(g.args[0], shape)
        return None if arg is None else Call(g.fn, arg)
    if isinstance(g, MatMul) and len(g.args) >= 2:
        first, rest = g.args[0], nary(MatMul, g.args[1:])
        if isinstance(first, Call) and first.fn is KRON:  # (A ⊗ B) vec(X) = vec(B X Aᵀ)
            a, b = first.args
            x = _unvec(rest, (b.shape[1], a.shape[1]))
            if x is not None and (b.shape[0], a.shape[0]) == shape:
                return MatMul(b, x, Transpose(a))
        if isinstance(first, Commutation) and first.dims == (cols, rows):  # K(m, n) vec(A) = vec(Aᵀ), A m×n
            a = _unvec(rest, (cols, rows))
            return None if a is None else Transpose(a)
    return None


VEC = register(Function(
    "vec", "matrix", 1, lambda x: x.reshape(-1, 1, order="F").copy(),
    lambda shapes: (shapes[0][0] * shapes[0][1], SCALAR[1]), r"\operatorname{vec}",
    "stack the columns into one vector", linear=True, code="{0}.T.reshape(-1, 1)",
    differential=linear_in(VEC_RULE), rules=(VEC_RULE,), adjoint=_vec_adjoint, vec_jacobian=lambda e: None,
))

# ---------------------------------------------------------------- kron (bilinear)

KRON_RULE = Rule("kron", "d(A ⊗ B) = dA ⊗ B + A ⊗ dB", "Magnus & Neudecker, ch. 9")


def _kron_differential(e: Call, ds):
    a, b = e.args
    da, db = ds
    terms = []
    if da is not None:
        terms.append(Call(e.fn, da, b))
    if db is not None:
        terms.append(Call(e.fn, a, db))
    return nary(Add, terms), KRON_RULE.name


def _kron_shape(shapes: tuple[Shape, ...]) -> Shape:
    (a, b), (c, d) = shapes
    return (a * c, b * d)


KRON = register(Function(
    "kron", "matrix", 2, np.kron, _kron_shape, infix(r"\otimes"), "Kronecker product", code="xp.kron({0}, {1})",
    differential=_kron_differential, rules=(KRON_RULE,), math=infix("⊗"),
))

# ---------------------------------------------------------------- the mean

MEAN_RULE = Rule("mean", "d mean(U) = mean(dU)  (∂ mean(x)/∂x = 1ᵀ / n)", "linearity of the mean")


def _count(shape) -> Expr:
    """The number of entries of an array of `shape`, as sum(1): the tree has no node for a size as a number."""
    return Call(SUM, Ones(shape))


MEAN = register(Function(
    "mean", "reduction", 1, lambda x: scalar_array(np.mean(x)), to_scalar, r"\operatorname{mean}",
    "mean of all entries: their sum divided by their number", linear=True, code="xp.mean({0})",
    differential=linear_in(MEAN_RULE), rules=(MEAN_RULE,),
    adjoint=lambda e, g: Mul(g, Ones(e.args[0].shape), Power(_count(e.args[0].shape), Number(-1))),
    vec_jacobian=lambda e: Mul(Ones((ONE, _size(e.args[0]))), Power(_count((ONE, _size(e.args[0]))), Number(-1))),
))
