"""The expression tree: immutable, hashable nodes that know their shape.

A node is a frozen value: equal trees compare equal and hash alike (the hash is cached). Every node
exposes ``args`` (its child expressions) and rebuilds itself with ``node.rebuild(*new_args)``, so a
generic traversal is written once (see :func:`map_args`, :func:`preorder`). Constructors check shapes
and never simplify: ``Add(x, x)`` stays ``x + x``. Printing, evaluation, differentiation and rewriting
live in other modules as functions dispatched on the node type.

The node set is small and closed; named functions (exp, trace, inv, ...) are one generic :class:`Call`
node whose behaviour comes from a registry row (see ``matcalc.functions``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Protocol

from .errors import ShapeError
from .properties import PROPERTIES, SQUARE_PROPERTIES, SYMMETRIC_PROPERTIES
from .shapes import ONE, SCALAR, Dim, Shape, describe, is_scalar


class FunctionSignature(Protocol):
    """What the tree needs to know of a named function; rows live in ``matcalc.functions``."""

    name: str

    def shape_of(self, arg_shapes: tuple[Shape, ...]) -> Shape: ...

    def for_arguments(self, arg_shapes: tuple[Shape, ...]) -> FunctionSignature: ...


class Expr:
    """Base of all nodes. Subclasses set ``args`` (child nodes) and ``shape`` in ``__init__``."""

    # _sort_key: set by walks.sort_key on first use; _normal: the lemma list the rewrite engine found this node a
    # fixpoint of (rewrite.engine.simplify), so a later simplify with the same lemmas skips it
    __slots__ = ("args", "shape", "_hash", "_sort_key", "_normal")
    args: tuple[Expr, ...]
    shape: Shape

    def _params(self) -> tuple:
        """Non-expression data that distinguishes nodes with the same args."""
        return ()

    def rebuild(self, *args: Expr) -> Expr:
        """A node of the same type and params with new children (shapes re-checked)."""
        return type(self)(*args)

    def _set(self, args: tuple, shape: Shape) -> None:
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "_hash", hash((type(self).__name__, self._params(), args)))
        object.__setattr__(self, "_sort_key", None)
        object.__setattr__(self, "_normal", None)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        if self is other:
            return True
        if not (
            type(self) is type(other)
            and self._hash == other._hash
            and self._params() == other._params()
            and self.args == other.args
        ):
            return False
        if self.args is not other.args:  # equal children: share them, so the next comparison is O(1)
            for mine, theirs in zip(self.args, other.args):  # keeping what the rewrite engine knows of either copy
                if mine._normal is None:
                    object.__setattr__(mine, "_normal", theirs._normal)
            object.__setattr__(other, "args", self.args)
        return True

    def __repr__(self) -> str:
        from .printing.text import to_text

        return f"<{type(self).__name__} {to_text(self)}>"

    def __str__(self) -> str:
        from .printing.text import to_text

        return to_text(self)

    # convenience for building trees in Python (rules, tests); no simplification happens here
    def __add__(self, other: Expr) -> Expr:
        return Add(self, other)

    def __sub__(self, other: Expr) -> Expr:
        return Add(self, negate(other))

    def __matmul__(self, other: Expr) -> Expr:
        return MatMul(self, other)

    def __mul__(self, other: Expr) -> Expr:
        return Mul(self, other)

    def __neg__(self) -> Expr:
        return negate(self)

    @property
    def T(self) -> Expr:
        return Transpose(self)


# ---------------------------------------------------------------- leaves


class Symbol(Expr):
    """A named variable or constant with a shape and declared properties (e.g. symmetric)."""

    __slots__ = ("name", "props")

    def __init__(self, name: str, shape: Shape, props: frozenset[str] = frozenset()):
        bad = set(props) - set(PROPERTIES)
        if bad:
            raise ValueError(f"unknown properties {sorted(bad)}")
        if props & SQUARE_PROPERTIES and shape[0] != shape[1]:
            raise ShapeError(f"{name} is declared {'/'.join(sorted(props))} but is {describe(shape)}")
        if props & {"probability", "onehot"} and shape[1] != ONE:
            raise ShapeError(f"{name} is declared {'/'.join(sorted(props & {'probability', 'onehot'}))} (a vector of "
                             f"entries summing to 1) but is {describe(shape)}")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "props", frozenset(props))
        self._set((), shape)

    def _params(self):
        return (self.name, self.shape, tuple(sorted(self.props)))

    def rebuild(self, *args):
        return self

    @property
    def is_symmetric(self) -> bool:
        return bool(self.props & SYMMETRIC_PROPERTIES) or is_scalar(self.shape)


class Number(Expr):
    """An exact rational scalar constant."""

    __slots__ = ("value",)

    def __init__(self, value: int | Fraction | str):
        object.__setattr__(self, "value", Fraction(value))
        self._set((), SCALAR)

    def _params(self):
        return (self.value,)

    def rebuild(self, *args):
        return self


class Ones(Expr):
    """An array of ones of any shape (``1`` in ``1ᵀx``, ``[x, 1]``; ``vector(1)``)."""

    __slots__ = ()

    def __init__(self, shape: Shape):
        self._set((), (Dim.of(shape[0]), Dim.of(shape[1])))

    def _params(self):
        return (self.shape,)

    def rebuild(self, *args):
        return self


class Zeros(Expr):
    """An array of zeros of any shape."""

    __slots__ = ()

    def __init__(self, shape: Shape):
        self._set((), (Dim.of(shape[0]), Dim.of(shape[1])))

    def _params(self):
        return (self.shape,)

    def rebuild(self, *args):
        return self


class Identity(Expr):
    """The n×n identity matrix ``I``."""

    __slots__ = ()

    def __init__(self, size: Dim | int | str):
        size = Dim.of(size)
        self._set((), (size, size))

    def _params(self):
        return (self.shape,)

    def rebuild(self, *args):
        return self


class Commutation(Expr):
    """The commutation matrix K(m, n), mn×mn: K(m, n) vec(A) = vec(Aᵀ) for an m×n matrix A."""

    __slots__ = ("dims",)

    def __init__(self, rows: Dim | int | str, cols: Dim | int | str):
        object.__setattr__(self, "dims", (Dim.of(rows), Dim.of(cols)))
        size = self.dims[0] * self.dims[1]
        self._set((), (size, size))

    def _params(self):
        return self.dims

    def rebuild(self, *args):
        return self


# ---------------------------------------------------------------- operators


def _broadcast_shape(op: str, items: tuple[Expr, ...]) -> Shape:
    """Common shape of element-wise operands; scalars broadcast."""
    result = SCALAR
    first = None
    for item in items:
        if not isinstance(item, Expr):
            raise TypeError(f"{op} operand is not an expression: {item!r}")
        if is_scalar(item.shape):
            continue
        if first is None:
            first, result = item, item.shape
        elif item.shape != result:
            raise shape_error(op, first, item)
    return result


class Add(Expr):
    """Sum of two or more terms of equal shape (scalars broadcast)."""

    __slots__ = ()

    def __init__(self, *terms: Expr):
        if len(terms) < 2:
            raise ValueError("Add needs at least two terms")
        self._set(tuple(terms), _broadcast_shape("+", terms))


class Mul(Expr):
    """Element-wise (Hadamard) product of two or more factors; a scalar factor scales."""

    __slots__ = ()

    def __init__(self, *factors: Expr):
        if len(factors) < 2:
            raise ValueError("Mul needs at least two factors")
        self._set(tuple(factors), _broadcast_shape("*", factors))


class MatMul(Expr):
    """Matrix product of two or more factors whose inner dimensions agree."""

    __slots__ = ()

    def __init__(self, *factors: Expr):
        if len(factors) < 2:
            raise ValueError("MatMul needs at least two factors")
        for left, right in zip(factors, factors[1:]):
            if left.shape[1] != right.shape[0]:
                raise shape_error("@", left, right)
        self._set(tuple(factors), (factors[0].shape[0], factors[-1].shape[1]))


class Power(Expr):
    """Element-wise power ``base ** exponent``: equal shapes, or a scalar on either side."""

    __slots__ = ()

    def __init__(self, base: Expr, exponent: Expr):
        self._set((base, exponent), _broadcast_shape("**", (base, exponent)))

    @property
    def base(self) -> Expr:
        return self.args[0]

    @property
    def exponent(self) -> Expr:
        return self.args[1]


class Transpose(Expr):
    """The transpose ``Xᵀ``."""

    __slots__ = ()

    def __init__(self, arg: Expr):
        self._set((arg,), (arg.shape[1], arg.shape[0]))

    @property
    def arg(self) -> Expr:
        return self.args[0]


class Call(Expr):
    """A named function from the registry applied to arguments: ``exp(x)``, ``trace(X)``, ``kron(A, B)``."""

    __slots__ = ("fn",)

    def __init__(self, fn: FunctionSignature, *args: Expr):
        shapes = tuple(a.shape for a in args)
        fn = fn.for_arguments(shapes)  # a spelling shared by two rows (diag) is the row its argument asks for
        object.__setattr__(self, "fn", fn)
        self._set(tuple(args), fn.shape_of(shapes))

    def _params(self):
        return (self.fn.name,)

    def rebuild(self, *args):
        return Call(self.fn, *args)

    @property
    def name(self) -> str:
        return self.fn.name


class Block(Expr):
    """Block concatenation ``[A, B; C, D]``: rows of blocks; heights agree along a row, widths down a column."""

    __slots__ = ("layout",)

    def __init__(self, *args: Expr, layout: tuple[int, ...] | None = None):
        # ``layout`` holds the number of blocks in each block row; a single row by default.
        layout = tuple(layout) if layout is not None else (len(args),)
        if sum(layout) != len(args) or not layout or min(layout) < 1:
            raise ValueError("Block layout does not match its blocks")
        if len(set(layout)) != 1:
            raise ShapeError("every block row must have the same number of blocks")
        object.__setattr__(self, "layout", layout)
        rows = self._rows(tuple(args), layout)
        height = Dim.of(0)
        for row in rows:
            for item in row[1:]:
                if item.shape[0] != row[0].shape[0]:
                    raise shape_error("[ , ]", row[0], item, "blocks side by side need the same number of rows")
            height = height + row[0].shape[0]
        width = Dim.of(0)
        for j in range(layout[0]):
            col = [row[j] for row in rows]
            for item in col[1:]:
                if item.shape[1] != col[0].shape[1]:
                    raise shape_error("[ ; ]", col[0], item, "stacked blocks need the same number of columns")
            width = width + col[0].shape[1]
        self._set(tuple(args), (height, width))

    @staticmethod
    def _rows(args, layout):
        rows, i = [], 0
        for n in layout:
            rows.append(args[i : i + n])
            i += n
        return rows

    @property
    def rows(self) -> list[tuple[Expr, ...]]:
        return self._rows(self.args, self.layout)

    def _params(self):
        return (self.layout,)

    def rebuild(self, *args):
        return Block(*args, layout=self.layout)


NODE_TYPES: tuple[type[Expr], ...] = (
    Symbol, Number, Ones, Zeros, Identity, Commutation, Add, Mul, MatMul, Power, Transpose, Call, Block,
)


# ---------------------------------------------------------------- helpers


def shape_error(op: str, left: Expr, right: Expr, why: str = "") -> ShapeError:
    """A ShapeError naming both operands of `op` and their shapes."""
    from .printing.text import to_text

    msg = (
        f"shape mismatch in '{op}': {to_text(left)} is {describe(left.shape)} "
        f"but {to_text(right)} is {describe(right.shape)}"
    )
    return ShapeError(msg + (f" ({why})" if why else ""))


# the canonical constructors (negate, nary: matcalc.canonical; Expr's - operators use negate) and the tree walks
# (preorder, substitution, counting: matcalc.walks) are named here too, as everything that builds trees imports
# them with the node classes
from .canonical import nary, negate  # noqa: E402, F401
from .walks import bottom_up, count_in_tree, count_nodes, distinct_nodes, map_args, preorder, substitute, symbols  # noqa: E402, F401
