"""Random well-shaped expression trees for property tests (hypothesis), built from matcalc.expr nodes.

Symbols have DISTINCT symbolic dimensions ``n``, ``m``, ``p`` (and the literal 2 for block
concatenation), declared in :data:`WHERE`, so a parser that confuses two dimensions shows up as a
failed round trip, and numeric tests bind ``n, m, p`` to distinct sizes (:data:`SIZES`).

Constants whose size the parser must infer (``1``, ``0``, ``I``) only appear next to an operand
that fixes their size (a sum or product with a symbol-bearing term of the same shape, a matrix
product neighbour), so every generated tree has exactly one reading.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from matcalc import functions
from matcalc.expr import (
    Add,
    Block,
    Call,
    Expr,
    Identity,
    MatMul,
    Mul,
    Number,
    Ones,
    Power,
    Symbol,
    Transpose,
    Zeros,
    negate,
)
from matcalc.functions import Function, lookup
from matcalc.shapes import ONE, Dim, Shape

N, M, P = Dim.of("n"), Dim.of("m"), Dim.of("p")
TWO = Dim.of(2)
DIMS = (ONE, N, M, P)
SYMBOLIC = (N, M, P)
SIZES = {"n": 3, "m": 4, "p": 5}

# the built-in registry rows (module constants of matcalc.functions) that take arguments, not functions a
# test registered, nor the named constants (pi)
BUILTIN_FUNCTIONS: dict[str, Function] = {
    f.name: f for f in vars(functions).values() if isinstance(f, Function) and f.arity
}
ELEMENTWISE = tuple(f for f in BUILTIN_FUNCTIONS.values() if f.kind == "elementwise")

# (name, rows, cols, props): one symbol per shape, so shapes alone decide which symbol appears
TABLE = [
    ("s", ONE, ONE, ""), ("t", ONE, ONE, ""),
    ("x", N, ONE, ""), ("y", M, ONE, ""), ("w", P, ONE, ""), ("v", N, ONE, ""),
    ("u", ONE, N, ""), ("r", ONE, M, ""), ("q", ONE, P, ""),
    ("A", N, M, ""), ("B", M, P, ""), ("C", P, N, ""), ("D", M, N, ""), ("E", P, M, ""), ("F", N, P, ""),
    ("P", N, N, ""), ("Q", M, M, ""), ("R", P, P, ""), ("S", N, N, "symmetric"),
    ("W", TWO, M, ""),
    ("θ", M, ONE, ""), ("Φ", N, M, ""), ("b0", ONE, ONE, ""), ("W_1", M, N, ""),
]


def _kind(rows: Dim, cols: Dim) -> str:
    if rows == ONE and cols == ONE:
        return "scalar"
    if cols == ONE:
        return f"vector({rows})"
    if rows == ONE:
        return f"covector({cols})"
    return f"matrix({rows}, {cols})"


WHERE = "; ".join(f"{name}: {_kind(r, c)} {props}".strip() for name, r, c, props in TABLE)
SYMBOLS = {name: Symbol(name, (r, c), frozenset(props.split())) for name, r, c, props in TABLE}
BY_SHAPE: dict[Shape, list[Symbol]] = {}
for _sym in SYMBOLS.values():
    BY_SHAPE.setdefault(_sym.shape, []).append(_sym)

NUMBERS = st.sampled_from([
    Fraction(2), Fraction(3), Fraction(-2), Fraction(1, 2), Fraction(-1, 4), Fraction(1, 3), Fraction(7, 10),
    Fraction(10), Fraction(0), Fraction(1), Fraction(-1), Fraction(1, 10**30),
])
# element-wise functions (all), reductions from any shape, reductions from squares, from vectors
ANY_TO_SCALAR = [lookup(n) for n in ("sum", "norm_fro", "logsumexp")]
SQUARE_TO_SCALAR = [lookup(n) for n in ("trace", "det", "logdet")]
VECTOR_TO_SCALAR = [lookup(n) for n in ("norm", "norm1")]


def numbers() -> st.SearchStrategy[Expr]:
    return NUMBERS.map(Number)


def _constant(shape: Shape) -> list[st.SearchStrategy[Expr]]:
    """Constants of exactly `shape` whose size a same-shaped neighbour fixes."""
    if shape == (ONE, ONE):
        return [numbers()]
    out = [st.just(Ones(shape)), st.just(Zeros(shape))]
    if shape[0] == shape[1]:
        out.append(st.just(Identity(shape[0])))
    return out


@st.composite
def expr_of(draw, shape: Shape, depth: int = 3) -> Expr:
    """A random expression of exactly `shape` (dims from DIMS) containing a symbol if non-scalar."""
    rows, cols = shape
    leaves = [st.sampled_from(BY_SHAPE[shape])]
    if shape == (ONE, ONE):
        leaves.append(numbers())
    if depth <= 0:
        return draw(st.one_of(leaves))
    sub = lambda s: expr_of(s, depth - 1)  # noqa: E731
    choices = ["leaf", "add", "mul", "matmul", "transpose", "power", "elementwise", "neg"]
    if shape == (ONE, ONE):
        choices += ["reduce", "reduce_square", "reduce_vector", "block_reduce", "dot"]
    if cols == ONE and rows != ONE:
        choices += ["softmax", "diag_of_square", "vec", "ones_product"]
    if rows == cols and rows != ONE:
        choices += ["diag_of_vector", "inv", "identity_product"]
    if rows != ONE and cols != ONE:
        choices += ["kron_outer"]
    if cols == M and rows != ONE:
        choices += ["block_matmul"]
    choice = draw(st.sampled_from(choices))
    if choice == "leaf":
        return draw(st.one_of(leaves))
    if choice in ("add", "mul"):
        anchor = draw(sub(shape))
        extra = draw(st.lists(st.one_of(sub(shape), sub((ONE, ONE)), *_constant(shape)), min_size=1, max_size=2))
        terms = [anchor, *extra]
        order = draw(st.permutations(range(len(terms))))
        terms = [terms[i] for i in order]
        return Add(*terms) if choice == "add" else Mul(*terms)
    if choice == "neg":  # as the parser spells -e, or as a literal product -1 * e
        operand = draw(sub(shape))
        return negate(operand) if draw(st.booleans()) else Mul(Number(-1), operand)
    if choice == "matmul":
        count = draw(st.integers(2, 3))
        edges = [rows, *(draw(st.sampled_from(DIMS)) for _ in range(count - 1)), cols]
        return MatMul(*(draw(sub((edges[i], edges[i + 1]))) for i in range(count)))
    if choice == "transpose":
        return Transpose(draw(sub((cols, rows))))
    if choice == "power":  # a scalar exponent, an exponent of the same shape, or a scalar base
        form = draw(st.sampled_from(["scalar", "array", "scalar_base"]))
        if form == "scalar":
            return Power(draw(sub(shape)), draw(st.one_of(numbers(), st.sampled_from(BY_SHAPE[(ONE, ONE)]))))
        if form == "array":
            return Power(draw(sub(shape)), draw(sub(shape)))
        return Power(draw(sub((ONE, ONE))), draw(sub(shape)))
    if choice == "elementwise":
        return Call(draw(st.sampled_from(ELEMENTWISE)), draw(sub(shape)))
    if choice == "reduce":
        fn = draw(st.sampled_from(ANY_TO_SCALAR))
        return Call(fn, draw(sub((draw(st.sampled_from(DIMS)), draw(st.sampled_from(DIMS))))))
    if choice == "reduce_square":
        k = draw(st.sampled_from(SYMBOLIC))
        return Call(draw(st.sampled_from(SQUARE_TO_SCALAR)), draw(sub((k, k))))
    if choice == "reduce_vector":
        k = draw(st.sampled_from(SYMBOLIC))
        vec_shape = draw(st.sampled_from([(k, ONE), (ONE, k)]))
        return Call(draw(st.sampled_from(VECTOR_TO_SCALAR)), draw(sub(vec_shape)))
    if choice == "dot":  # 1ᵀ x: a covector of ones times a vector
        k = draw(st.sampled_from(SYMBOLIC))
        ones = draw(st.sampled_from([Transpose(Ones((k, ONE))), Ones((ONE, k))]))
        return MatMul(ones, draw(sub((k, ONE))))
    if choice == "block_reduce":
        return Call(draw(st.sampled_from(ANY_TO_SCALAR)), draw(blocks(depth - 1)))
    if choice == "softmax":
        return Call(lookup("softmax"), draw(sub(shape)))
    if choice == "diag_of_square":
        return Call(lookup("diag"), draw(sub((rows, rows))))
    if choice == "diag_of_vector":
        return Call(lookup("diag"), draw(sub((rows, ONE))))
    if choice == "vec":
        return Call(lookup("vec"), draw(sub(draw(st.sampled_from([(rows, ONE), (ONE, rows)])))))
    if choice == "ones_product":  # A @ 1
        k = draw(st.sampled_from(SYMBOLIC))
        return MatMul(draw(sub((rows, k))), draw(st.sampled_from([Ones((k, ONE)), Zeros((k, ONE))])))
    if choice == "inv":
        return Call(lookup("inv"), draw(sub(shape)))
    if choice == "identity_product":
        operand = draw(sub(shape))
        return MatMul(Identity(rows), operand) if draw(st.booleans()) else MatMul(operand, Identity(rows))
    if choice == "kron_outer":  # kron(column, covector) has shape (rows, cols)
        return Call(lookup("kron"), draw(sub((rows, ONE))), draw(sub((ONE, cols))))
    if choice == "block_matmul":  # [x, 1] @ W, as in a two-layer network with the bias folded into W
        left = draw(sub((rows, ONE)))
        right = draw(st.one_of(sub((rows, ONE)), st.just(Ones((rows, ONE)))))
        return MatMul(Block(left, right), SYMBOLS["W"])
    raise AssertionError(choice)  # pragma: no cover


@st.composite
def blocks(draw, depth: int = 1) -> Expr:
    """Block concatenations: side by side, stacked, and a 2×2 block of scalars."""
    k = draw(st.sampled_from(SYMBOLIC))
    form = draw(st.sampled_from(["row", "stack", "scalars", "single"]))
    if form == "row":
        first = draw(expr_of((k, ONE), depth))
        second = draw(st.one_of(expr_of((k, draw(st.sampled_from(DIMS))), depth), st.just(Ones((k, ONE)))))
        return Block(first, second)
    if form == "stack":
        return Block(draw(expr_of((ONE, k), depth)), draw(expr_of((ONE, k), depth)), layout=(1, 1))
    if form == "scalars":
        items = [draw(expr_of((ONE, ONE), depth)) for _ in range(4)]
        return Block(*items, layout=(2, 2))
    return Block(draw(expr_of((k, draw(st.sampled_from(DIMS))), depth)))


def trees(depth: int = 3) -> st.SearchStrategy[Expr]:
    """Any generated tree, of any of the basic shapes."""
    return st.sampled_from([(r, c) for r in DIMS for c in DIMS]).flatmap(lambda s: expr_of(s, depth))


def random_values(seed: int = 0, sizes: dict[str, int] | None = None) -> dict[str, np.ndarray]:
    """Values for every symbol of TABLE at distinct sizes; square matrices well conditioned, SPD-ish."""
    sizes = sizes or SIZES
    rng = np.random.default_rng(seed)
    out = {}
    for name, r, c, _props in TABLE:
        shape = (r.evaluate(sizes), c.evaluate(sizes))
        value = rng.uniform(0.2, 0.9, size=shape)
        if shape[0] == shape[1] and shape[0] > 1:
            value = value @ value.T / shape[0] + np.eye(shape[0])
        out[name] = value
    return out


DIM_SIZES = {"n": 3, "m": 4, "p": 5, "q": 6, "r": 7, "k": 3, "M": 3, "N": 2}


def values_for(e: Expr, seed: int = 0) -> dict[str, np.ndarray]:
    """Random values in (0.2, 0.9) for the symbols of any parsed expression (square matrices made
    diagonally dominant), at the distinct sizes of DIM_SIZES."""
    from matcalc.expr import symbols

    rng = np.random.default_rng(seed)
    out = {}
    for s in symbols(e):
        shape = tuple(d.evaluate(DIM_SIZES) for d in s.shape)
        value = rng.uniform(0.2, 0.9, size=shape)
        if shape[0] == shape[1] > 1:
            value = value @ value.T / shape[0] + np.eye(shape[0])
        out[s.name] = value
    return out
