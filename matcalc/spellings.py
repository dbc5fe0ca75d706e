"""Call spellings that are not registry rows: library and textbook names for operators and constants.

``np.dot(A, x)``, ``np.outer(a, b)``, ``np.linalg.solve(A, b)``, ``matrix_power(X, k)``, ``np.sum(X, axis=0)``,
``norm(x, 1)``, ``max(0, z)``, ``eye(n)``, ``ones(n, 1)``, ``multiply(a, b)``, ``vector(1)``, … each mean an
expression of the core nodes; this module says which, one handler per spelling, with the shape checks
that make the meaning unambiguous (or the refusal that says how to write it). Handlers work on the
:class:`matcalc.infer.Inference` that calls them and return its ``(shape, builder)`` pair.
"""

from __future__ import annotations

from fractions import Fraction

from . import functions
from .errors import ParseError, ShapeError, UnsupportedError
from .expr import Commutation, Identity, Mul, Number, Ones, Zeros
from .shapes import ONE, Dim
from .syntax import Syntax

HANDLERS = {}


def spelling(*names):
    def register(handler):
        for name in names:
            HANDLERS[name] = handler
        return handler

    return register


def _node(op, args, node: Syntax, data=None) -> Syntax:
    return Syntax(op, list(args), data, node.pos, node.end)


def _paren(a: Syntax) -> Syntax:
    return Syntax("paren", [a], None, a.pos, a.end)


def _positional(inf, node: Syntax, names: str, *counts: int) -> list[Syntax]:
    """The positional arguments, refusing keywords and other counts."""
    fname = node.data[0]
    for a in node.args:
        if a.op in ("kwarg", "string"):
            raise ParseError(f"{fname} takes no option {inf.src(a)}", inf.text, a.pos)
    if len(node.args) not in counts:
        raise ParseError(f"{fname} takes {counts[0]} argument(s), got {len(node.args)}", inf.text, node.pos)
    return node.args


# ---------------------------------------------------------------- products and transposes


@spelling("multiply", "hadamard", "matmul")
def operator_product(inf, node, want_array):
    """``multiply(a, b, …)`` is a ∘ b ∘ …; ``matmul(A, B, …)`` is A @ B @ …."""
    fname = node.data[0]
    args = node.args
    if len(args) < 2 or any(a.op in ("kwarg", "string") for a in args):
        raise ParseError(f"{fname} takes 2 argument(s), got {len(args)}", inf.text, node.pos)
    symbol = "@" if fname == "matmul" else "∘"
    operands = [_paren(a) for a in args]  # `multiply(-a, b)`: -a is one argument
    chain = _node("chain", operands, node, [(symbol, a.pos) for a in args[1:]])
    return inf.infer_chain(chain, False)


@spelling("transpose")
def operator_transpose(inf, node, want_array):
    (a,) = _positional(inf, node, "1 argument", 1)
    return inf.infer_transpose(_node("transpose", [a], node, "T"), False)


@spelling("power")
def operator_power(inf, node, want_array):
    a, b = _positional(inf, node, "2 arguments", 2)
    return inf.infer_power(_node("power", [a, b], node, "**"), False)


@spelling("dot")
def dot(inf, node, want_array):
    """``np.dot(a, b)``: the inner product aᵀb of two vectors, scaling by a scalar, else the matrix product
    (a 1-D first argument is a row, as in NumPy: ``np.dot(x, A)`` = xᵀA)."""
    a, b = _positional(inf, node, "2 arguments", 2)
    (sa, _), (sb, _) = inf.infer(a), inf.infer(b)
    if inf.u.is_scalar(sa) or inf.u.is_scalar(sb):
        return inf.infer_chain(_node("chain", [_paren(a), _paren(b)], node, [("*", b.pos)]), False)
    if inf.is_vector(sa) and inf.is_vector(sb):
        return inner(inf, node, want_array)
    return inf.infer_chain(_node("chain", [_paren(a), _paren(b)], node, [("@", b.pos)]), False)


@spelling("inner", "vdot")
def inner(inf, node, want_array):
    """``np.inner(a, b)`` = ``np.vdot(a, b)`` = aᵀb for two vectors of one length. Of matrices they differ:
    ``vdot`` (and LaTeX's ⟨A, B⟩) is the Frobenius inner product sum(A ∘ B), ``inner`` sums over the last
    axes, A Bᵀ."""
    a, b = _positional(inf, node, "2 arguments", 2)
    s, _ = inf.infer(a)
    if not inf.is_vector(s):
        if node.data[0] == "vdot":
            product = _node("chain", [_paren(a), _paren(b)], node, [("∘", b.pos)])
            return inf.registry_call(_node("call", [product], node, ("sum", node.data[1], "")), functions.lookup("sum"))
        transposed = _node("transpose", [_paren(b)], b, ".T")
        return inf.infer_chain(_node("chain", [_paren(a), transposed], node, [("@", b.pos)]), False)
    transposed = _node("transpose", [_paren(a)], a, ".T")
    return inf.infer_chain(_node("chain", [transposed, _paren(b)], node, [("@", b.pos)]), False)


@spelling("outer")
def outer(inf, node, want_array):
    """``np.outer(a, b)`` = a bᵀ for two vectors."""
    a, b = _positional(inf, node, "2 arguments", 2)
    for arg in (a, b):
        s, _ = inf.infer(arg)
        if not inf.is_vector(s):
            raise ShapeError(f"outer takes two vectors, but {inf.src(arg)} is {inf.show(s)}", inf.text, arg.pos)
    transposed = _node("transpose", [_paren(b)], b, ".T")
    return inf.infer_chain(_node("chain", [_paren(a), transposed], node, [("@", b.pos)]), False)


@spelling("solve")
def solve(inf, node, want_array):
    """``np.linalg.solve(A, b)`` = A⁻¹ b."""
    a, b = _positional(inf, node, "2 arguments", 2)
    inverse = Syntax("call", [a], ("inv", node.data[1], ""), a.pos, a.end)
    return inf.infer_chain(_node("chain", [inverse, _paren(b)], node, [("@", b.pos)]), False)


@spelling("matrix_power")
def matrix_power(inf, node, want_array):
    """``matrix_power(X, k)`` = Xᵏ for an integer k."""
    x, k = _positional(inf, node, "2 arguments", 2)
    if k.op != "number" or k.data.denominator != 1:
        raise UnsupportedError(f"{inf.src(node)}: the power must be an integer", inf.text, k.pos)
    return inf.infer_caret(_node("caret", [x], node, ("num", k.data)), False)


# ---------------------------------------------------------------- reductions with options


@spelling("sum")
def sum_axis(inf, node, want_array):
    """``sum(X)``: all entries (with the notation ``matlab``, the column sums 1ᵀX; a note says so when
    MATLAB's own operators are about); ``np.sum(X, axis=0)`` = Xᵀ1 and ``axis=1`` = X 1 (NumPy's 1-D results are columns
    here); MATLAB's ``sum(W, 1)`` = 1ᵀW and ``sum(W, 2)`` = W 1. ``sum(W, 1)`` without ``np.`` is refused
    unless the expression or the notation says which library is meant."""
    fname, name_pos, prefix = node.data
    if len(node.args) == 1 and node.args[0].op not in ("kwarg", "string"):
        if not prefix and (inf.notation == "matlab" or (inf.notation == "auto" and inf.matlab_only())):
            s, _ = inf.infer(node.args[0])
            r = inf.u.settle(s)
            if r[0] != ONE and r[1] != ONE and inf.notation == "matlab":  # MATLAB: the column sums, a row
                axis = Syntax("number", [], Fraction(1), node.end, node.end)
                return sum_axis(inf, _node("call", [node.args[0], axis], node, node.data), want_array)
            if r[0] != ONE and r[1] != ONE:
                inf.notes.append(f"{inf.src(node)} read as the sum of all entries (MATLAB's sum of a matrix is its "
                                 f"column sums: choose the notation matlab for that)")
        return inf.registry_call(node, functions.lookup("sum"))
    if len(node.args) != 2:
        raise ParseError("sum takes an array and an axis", inf.text, node.pos)
    x, axis_node = node.args
    numpy_style = bool(prefix) or axis_node.op == "kwarg"
    if axis_node.op == "kwarg":
        if axis_node.data != "axis":
            raise ParseError(f"sum takes the option axis=, not {axis_node.data}=", inf.text, axis_node.pos)
        axis_node = axis_node.args[0]
    if axis_node.op != "number" or axis_node.data not in (0, 1, 2):
        raise ParseError("the axis must be 0 or 1 (NumPy) or 1 or 2 (MATLAB)", inf.text, axis_node.pos)
    axis = int(axis_node.data)
    if not numpy_style:
        if axis == 2 or inf.notation == "matlab" or (inf.notation == "auto" and inf.math_only()):
            numpy_style = False
        elif axis == 0 or inf.notation == "numpy" or (inf.notation == "auto" and inf.numpy_only()):
            numpy_style = True
        else:
            raise ParseError(
                f"{inf.src(node)} is ambiguous: MATLAB's sum(W, 1) sums each column (1ᵀW), NumPy's axis 1 sums each "
                f"row (W 1); write np.sum(W, axis=1) or sum(W, axis=1) for NumPy, or choose the notation",
                inf.text, node.pos,
            )
    if numpy_style and axis == 2:
        raise ParseError("a NumPy axis is 0 or 1", inf.text, axis_node.pos)
    one = Syntax("ones_column", [], None, axis_node.pos, axis_node.end)  # a column of ones, never a matrix
    target = _paren(x)
    if numpy_style and axis == 0:  # column sums, as a column: Xᵀ 1
        transposed = _node("transpose", [target], x, ".T")
        chain = _node("chain", [transposed, one], node, [("@", axis_node.pos)])
    elif (numpy_style and axis == 1) or (not numpy_style and axis == 2):  # row sums: X 1
        chain = _node("chain", [target, one], node, [("@", axis_node.pos)])
    else:  # MATLAB sum(W, 1): the row 1ᵀ W
        transposed = Syntax("transpose", [one], ".T", axis_node.pos, axis_node.end)
        chain = _node("chain", [transposed, target], node, [("@", x.pos)])
    inf.notes.append(f"{inf.src(node)} read as {_sum_reading(numpy_style, axis, inf.src(x))}")
    return inf.infer_chain(chain, False)


def _sum_reading(numpy_style: bool, axis: int, x: str) -> str:
    if numpy_style:
        return f"{x}ᵀ 1 (column sums)" if axis == 0 else f"{x} 1 (row sums)"
    return f"1ᵀ {x} (column sums, a row)" if axis == 1 else f"{x} 1 (row sums)"


@spelling("norm")
def norm(inf, node, want_array):
    """``norm(x)``; ``norm(x, 1)``, ``norm(x, 2)``, ``norm(X, 'fro')``, ``ord=``; ``np.linalg.norm(X)`` of a
    matrix is NumPy's Frobenius norm."""
    fname, name_pos, prefix = node.data
    args = list(node.args)
    if not args or args[0].op in ("kwarg", "string") or len(args) > 2:
        raise ParseError("norm takes an array and an order", inf.text, node.pos)
    x = args[0]
    order = None
    if len(args) == 2:
        order_node = args[1]
        if order_node.op == "kwarg":
            if order_node.data != "ord":
                raise ParseError(f"norm takes the option ord=, not {order_node.data}=", inf.text, order_node.pos)
            order_node = order_node.args[0]
        if order_node.op == "string" and order_node.data in ("fro", "f", "F"):
            order = "fro"
        elif order_node.op == "number" and order_node.data in (1, 2):
            order = str(int(order_node.data))
        else:
            raise UnsupportedError(f"{inf.src(node)}: the norm orders are 1, 2 and 'fro'", inf.text, order_node.pos)
    if order is None and not prefix:
        return inf.registry_call(node, functions.lookup("norm"))
    s, _ = inf.infer(x)
    vectorish = inf.is_vector(s) or inf.is_covector(s) or inf.u.is_scalar(s)
    if order is None and not vectorish:
        order = "fro"  # NumPy's default for a 2-D array
    sub = {None: None, "fro": "F", "1": "1", "2": "2"}[order]
    return inf.infer_norm(_node("norm", [x], node, sub), want_array)


@spelling("max", "maximum")
def maximum(inf, node, want_array):
    """``max(0, x)`` is ``relu(x)`` and ``max(0.01 x, x)`` is ``leaky_relu(x)``, as deep-learning texts write
    them; other maxima are not supported."""
    args = node.args
    if len(args) == 2:
        for a, b in (args, args[::-1]):
            if a.op == "number" and a.data == 0:
                fname = "relu"
            elif _scaled(inf, a, b, Fraction(1, 100)):
                fname = "leaky_relu"
            else:
                continue
            return inf.infer_call(Syntax("call", [b], (fname, node.data[1], ""), node.pos, node.end), False)
    raise UnsupportedError(
        f"{inf.src(node)}: max is supported as max(0, x) (relu) and max(0.01 x, x) (leaky_relu)"
    )


def _scaled(inf, a: Syntax, b: Syntax, factor: Fraction) -> bool:
    """Is `a` written as ``factor b`` or ``factor * b``?"""
    if a.op not in ("juxt", "chain") or len(a.args) != 2 or (a.op == "chain" and a.data[0][0] != "*"):
        return False
    number, other = a.args
    while other.op == "paren":
        other = other.args[0]
    return number.op == "number" and number.data == factor and _squash(inf.src(other)) == _squash(inf.src(b))


def _squash(text: str) -> str:
    return "".join(text.split())


@spelling("slogdet")
def slogdet(inf, node, want_array):
    raise UnsupportedError(f"{inf.src(node)}: write logdet(X) for log |det X|", inf.text, node.pos)


@spelling("pinv")
def pinv(inf, node, want_array):
    raise UnsupportedError(
        f"{inf.src(node)}: the pseudo-inverse has no derivative where its rank changes; for a matrix of full column "
        f"rank write inv(X.T @ X) @ X.T", inf.text, node.pos,
    )


# ---------------------------------------------------------------- constant arrays


def _size(inf, a: Syntax) -> Dim:
    """A size: a name, a positive integer, or a sum or product of those (``m + 1``, ``m*n``)."""
    if a.op == "paren":
        return _size(inf, a.args[0])
    if a.op == "name":
        return Dim.of(a.data)
    if a.op == "number" and a.data.denominator == 1 and a.data >= 1:
        return Dim.of(int(a.data))
    if a.op == "add" and a.args:
        total = Dim.of(0)
        for term in a.args:
            total = total + (_size(inf, term.args[0]) * -1 if term.op == "neg" else _size(inf, term))
        return total
    if a.op in ("chain", "juxt") and (a.op == "juxt" or all(o == "*" for o, _ in a.data)):
        product = Dim.of(1)
        for factor in a.args:
            product = product * _size(inf, factor)
        return product
    raise ParseError("a size is a name or a positive integer (or a sum or product of them)", inf.text, a.pos)


@spelling("commutation")
def commutation(inf, node, want_array):
    """``commutation(m, n)``: the mn×mn matrix with K vec(A) = vec(Aᵀ) for an m×n A; m, n are sizes."""
    if len(node.args) != 2:
        raise ParseError("commutation(m, n) takes two sizes", inf.text, node.pos)
    dims = [_size(inf, a) for a in node.args]
    size = dims[0] * dims[1]
    return (size, size), lambda: Commutation(*dims)


@spelling("eye", "identity")
def eye(inf, node, want_array):
    """``eye(n)``, ``np.eye(n)``, ``np.identity(n)``: the n×n identity."""
    if len(node.args) != 1:
        raise ParseError(f"{node.data[0]}(n) takes one size", inf.text, node.pos)
    return inf.identity(_size(inf, node.args[0]))


@spelling("ones", "zeros")
def ones(inf, node, want_array):
    """``ones(n, m)``, ``zeros(n, 1)`` (MATLAB), ``np.ones((n, m))``, ``np.ones(n)`` (a vector: NumPy's 1-D)."""
    fname, name_pos, prefix = node.data
    args = list(node.args)
    if len(args) == 1 and args[0].op == "tuple":
        args = list(args[0].args)
        prefix = prefix or "np."
    if len(args) == 1 and not prefix:
        raise ParseError(
            f"{inf.src(node)} is ambiguous: MATLAB's {fname}(n) is n×n, NumPy's a vector; write {fname}(n, 1) or "
            f"{fname}(n, n)", inf.text, node.pos,
        )
    if len(args) not in (1, 2):
        raise ParseError(f"{fname} takes one or two sizes", inf.text, node.pos)
    dims = [_size(inf, a) for a in args]
    shape = (dims[0], dims[1] if len(dims) == 2 else ONE)
    cls = Ones if fname == "ones" else Zeros
    return shape, lambda: Number(1 if fname == "ones" else 0) if shape == (ONE, ONE) else cls(shape)


@spelling("vector", "covector", "matrix")
def filled(inf, node, want_array):
    """``vector(c)`` / ``covector(c)`` / ``matrix(c)``: an array filled with the constant c, its size inferred."""
    fname = node.data[0]
    args = node.args
    if len(args) != 1 or args[0].op != "number":
        raise ParseError(f"{fname}(c) takes one number", inf.text, node.pos)
    value = args[0].data
    u = inf.u
    if fname == "vector":
        s = (u.fresh(), ONE)
    elif fname == "covector":
        s = (ONE, u.fresh())
    else:
        s = (u.fresh(), u.fresh())

    def build():
        fs = inf.final_shape(s)
        if value == 0:
            return Zeros(fs)
        filled_ones = Ones(fs)
        return filled_ones if value == 1 else Mul(Number(value), filled_ones)

    return s, build


def identity_builder(inf, size: Dim):
    s = (size, size)
    return s, lambda: Number(1) if size == ONE else Identity(size)


__all__ = ["HANDLERS"]
