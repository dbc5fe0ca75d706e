"""Random well-shaped expressions for the derivation property tests (hypothesis), built from
matcalc.expr constructors over a small vocabulary with safe domains.

Symbols have distinct symbolic dimensions n and m (the checker gives them distinct sizes). The
vocabulary includes subtraction (which may cancel: ``x - x``) and the piecewise-constant step and sign,
so some generated derivatives simplify to a zero of the right shape (the named zero-derivative cases are
in test_derivative.py). Functions with restricted domains only see safe arguments: ``log(1 + u**2)``,
``sqrt(1 + u**2)``, division by ``1 + u**2``; step and sign see ``u + 1/2``, so that a cancelling
argument is not at the kink at every point (the checker samples away from kinks).
"""

from __future__ import annotations

from hypothesis import strategies as st

from matcalc.expr import Add, Call, Expr, MatMul, Mul, Number, Power, Symbol, Transpose, symbols
from matcalc.functions import REGISTRY
from matcalc.shapes import ONE, Dim

N, M = Dim.of("n"), Dim.of("m")
SCALAR = (ONE, ONE)
VN, VM = (N, ONE), (M, ONE)

SYMS = {
    "s": Symbol("s", SCALAR), "t": Symbol("t", SCALAR),
    "x": Symbol("x", VN), "v": Symbol("v", VN), "y": Symbol("y", VM),
    "A": Symbol("A", (M, N)), "B": Symbol("B", (N, N)), "C": Symbol("C", (N, M)),
    "S": Symbol("S", (N, N), frozenset({"symmetric"})),
}

LEAVES: dict[tuple, list[Expr]] = {
    SCALAR: [SYMS["s"], SYMS["t"], Number(2), Number(3), Number("1/2")],
    VN: [SYMS["x"], SYMS["x"], SYMS["v"]],
    VM: [SYMS["y"]],
    (M, N): [SYMS["A"]],
    (N, N): [SYMS["B"], SYMS["S"]],
    (N, M): [SYMS["C"]],
    (ONE, N): [Transpose(SYMS["x"]), Transpose(SYMS["v"])],
    (ONE, M): [Transpose(SYMS["y"])],
}
SMOOTH = ["sin", "cos", "tanh", "sigmoid", "arctan", "softplus", "exp", "square"]
PIECEWISE_CONSTANT = ["step", "sign"]
INNER = (ONE, N, M)


def _positive(e: Expr) -> Expr:
    """1 + e**2: a positive argument for log, sqrt and division."""
    return Add(Number(1), Power(e, Number(2)))


@st.composite
def expr_of(draw, shape, depth: int = 3) -> Expr:
    """A random expression of exactly `shape`."""
    leaves = LEAVES.get(shape, [])
    rows, cols = shape
    if depth <= 0 and leaves:
        return draw(st.sampled_from(leaves))
    sub = lambda s: expr_of(s, max(depth - 1, 0))  # noqa: E731
    choices = ["matmul", "add", "subtract", "hadamard", "scale", "elementwise", "piecewise_constant", "positive_fn",
               "divide", "power", "transpose"]
    if leaves:
        choices += ["leaf", "leaf"]
    if shape == SCALAR:
        choices += ["sum", "norm", "dot", "quadratic"]
    if depth <= 0:  # no leaf of this shape: one product of leaves
        choices = ["matmul"]
    choice = draw(st.sampled_from(choices))
    if choice == "leaf":
        return draw(st.sampled_from(leaves))
    if choice == "matmul":
        inner = INNER if depth > 0 else [k for k in INNER if (rows, k) in LEAVES and (k, cols) in LEAVES]
        k = draw(st.sampled_from(inner))
        return MatMul(draw(sub((rows, k))), draw(sub((k, cols))))
    if choice == "add":
        other = draw(st.one_of(sub(shape), sub(SCALAR)))
        return Add(draw(sub(shape)), other)
    if choice == "subtract":  # a - b as the parser builds it: a + (-1) b; may cancel (x - x)
        left = draw(sub(shape))
        right = draw(st.one_of(st.just(left), sub(shape), sub(SCALAR)))
        return Add(left, Mul(Number(-1), right))
    if choice == "piecewise_constant":  # step / sign: a zero derivative wherever it exists
        # shifted by 1/2, so that a cancelling argument (s - s) is not at the kink for every point
        return Call(REGISTRY[draw(st.sampled_from(PIECEWISE_CONSTANT))], Add(draw(sub(shape)), Number("1/2")))
    if choice == "hadamard":
        return Mul(draw(sub(shape)), draw(sub(shape)))
    if choice == "scale":
        return Mul(draw(sub(SCALAR)), draw(sub(shape)))
    if choice == "elementwise":
        return Call(REGISTRY[draw(st.sampled_from(SMOOTH))], draw(sub(shape)))
    if choice == "positive_fn":
        return Call(REGISTRY[draw(st.sampled_from(["log", "sqrt"]))], _positive(draw(sub(shape))))
    if choice == "divide":
        return Mul(draw(sub(shape)), Power(_positive(draw(sub(shape))), Number(-1)))
    if choice == "power":  # cubes of leaves only: nested powers of numbers would exceed the checker's range
        base = draw(sub(shape))
        return Power(base, Number(draw(st.sampled_from([2, 3] if not base.args else [2]))))
    if choice == "transpose":
        return Transpose(draw(sub((cols, rows))))
    if choice == "sum":
        inner = draw(st.sampled_from([VN, VM, (M, N), (N, N), (ONE, N)]))
        return Call(REGISTRY["sum"], draw(sub(inner)))
    if choice == "norm":
        # ||u + 1||: never the zero vector at random points
        return Call(REGISTRY["norm"], Add(draw(sub(draw(st.sampled_from([VN, VM])))), Number(1)))
    if choice == "dot":
        k = draw(st.sampled_from([N, M]))
        return MatMul(Transpose(draw(sub((k, ONE)))), draw(sub((k, ONE))))
    if choice == "quadratic":
        x = SYMS["x"]
        return MatMul(Transpose(x), draw(sub((N, N))), x)
    raise AssertionError(choice)  # pragma: no cover


def anchor(shape, var: Symbol) -> Expr:
    """A term of `shape` that depends on `var` (added when a drawn expression does not)."""
    if var.name == "x":
        return {SCALAR: Call(REGISTRY["sum"], Call(REGISTRY["sin"], var)), VN: Call(REGISTRY["tanh"], var),
                VM: MatMul(SYMS["A"], var)}[shape]
    return {SCALAR: Power(var, Number(3)), VN: Mul(var, SYMS["v"]), VM: Mul(var, SYMS["y"])}[shape]


@st.composite
def derivation_cases(draw, depth: int = 3):
    """(expression, variable name, layout): a scalar or vector expression containing the variable."""
    var = draw(st.sampled_from([SYMS["x"], SYMS["x"], SYMS["s"]]))
    shape = draw(st.sampled_from([SCALAR, SCALAR, VN, VM]))
    e = draw(expr_of(shape, depth))
    if var not in symbols(e):
        e = Add(e, anchor(shape, var))
    layout = draw(st.sampled_from(["mixed", "numerator", "denominator"]))
    return e, var.name, layout


@st.composite
def any_expr(draw, depth: int = 3):
    """Any expression of a basic shape (for simplifier soundness)."""
    shape = draw(st.sampled_from([SCALAR, VN, VM, (M, N), (N, N), (ONE, N)]))
    return draw(expr_of(shape, depth))
