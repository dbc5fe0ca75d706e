"""Shape inference (matcalc.infer, matcalc.expr): dimensions unified over the whole expression, readable
names in order of appearance, assumptions stated, and every kind of error naming the subexpression,
both shapes and the position."""

from __future__ import annotations

import pytest

import matcalc as mc
from matcalc.errors import MatcalcError, ParseError, ShapeError, UnsupportedError
from matcalc.expr import Add, Block, Identity, MatMul, Mul, Number, Ones, Power, Symbol, Transpose
from matcalc.shapes import ONE, Dim, describe

n, m, p = Dim.of("n"), Dim.of("m"), Dim.of("p")

# ---------------------------------------------------------------- shapes and assumptions

INFERENCE = [
    # (text, where, shape of the result, assumptions)
    ("x^T A x", None, "scalar", "x: vector(n), A: matrix(n, n)"),
    ("y^T A x", None, "scalar", "y: vector(n), A: matrix(n, m), x: vector(m)"),
    ("z^T B y", None, "scalar", "z: vector(n), B: matrix(n, m), y: vector(m)"),
    ("A x", None, "vector(n)", "A: matrix(n, m), x: vector(m)"),
    ("A x + b", None, "vector(n)", "A: matrix(n, m), x: vector(m), b: vector(n)"),
    ("A B C D", None, "matrix(n, r)", "A: matrix(n, m), B: matrix(m, p), C: matrix(p, q), D: matrix(q, r)"),
    ("||y - Phi theta||^2", None, "scalar", "y: vector(n), Phi: matrix(n, m), theta: vector(m)"),
    ("||y - Φθ||^2", None, "scalar", "y: vector(n), Φ: matrix(n, m), θ: vector(m)"),
    ("x^T A x", "x: vector(k)", "scalar", "x: vector(k), A: matrix(k, k)"),
    ("A x", "A: symmetric", "vector(n)", "A: matrix(n, n) symmetric, x: vector(n)"),
    ("X^{-1} y", None, "vector(n)", "X: matrix(n, n), y: vector(n)"),
    ("tr(X)", None, "scalar", "X: matrix(n, n)"),
    ("det(X) + logdet(Y)", None, "scalar", "X: matrix(n, n), Y: matrix(m, m)"),
    ("diag(x)", None, "matrix(n, n)", "x: vector(n)"),
    ("diag(X)", None, "vector(n)", "X: matrix(n, n)"),
    ("diag(A 1)", None, "matrix(n, n)", "A: matrix(n, m)"),
    ("vec(X)", None, "vector(m*n)", "X: matrix(n, m)"),
    ("kron(A, B) + C", None, "matrix(n*p, m*q)", "A: matrix(n, m), B: matrix(p, q), C: matrix(n*p, m*q)"),
    ("[x, 1]", None, "matrix(n, 2)", "x: vector(n)"),
    ("[x, 1] W", None, "matrix(n, m)", "x: vector(n), W: matrix(2, m)"),
    ("[sigmoid([x, 1] W1), 1] W2", "W2: vector", "vector(n)",
     "x: vector(n), W1: matrix(2, m), W2: vector(m + 1)"),
    ("[A; u]", "u: covector", "matrix(n + 1, m)", "A: matrix(n, m), u: covector(m)"),
    ("[a, b; c, d]", "a, b, c, d: scalar", "matrix(2, 2)", "a: scalar, b: scalar, c: scalar, d: scalar"),
    ("x^T 1", None, "scalar", "x: vector(n)"),
    ("X - 1 mu^T", None, "matrix(n, m)", "X: matrix(n, m), mu: vector(m)"),
    ("n + m", None, "vector(p)", "n: vector(p), m: vector(p)"),  # dimension names avoid the user's names
    ("x + y", "x: vector positive", "vector(n)", "x: vector(n) positive, y: vector(n)"),
    ("A", "A: matrix(n, n) invertible diagonal", "matrix(n, n)", "A: matrix(n, n) diagonal invertible"),
    ("X @ S", "S: spd", "matrix(n, m)", "X: matrix(n, m), S: matrix(m, m) spd"),
    ("c", "c: scalar", "scalar", "c: scalar"),
    ("2 + 3", None, "scalar", ""),
    ("I + A", None, "matrix(n, n)", "A: matrix(n, n)"),
    ("softmax(A x)", None, "vector(n)", "A: matrix(n, m), x: vector(m)"),
    ("x.^y", None, "vector(n)", "x: vector(n), y: vector(n)"),
    ("2.^x", None, "vector(n)", "x: vector(n)"),
]


@pytest.mark.parametrize(("text", "where", "shape", "assumed"), INFERENCE, ids=[i[0] for i in INFERENCE])
def test_shape_inference(text, where, shape, assumed):
    e = mc.parse(text, where=where)
    assert describe(e.shape) == shape
    assert mc.assumptions(e) == assumed


def test_one_dimension_per_equation_across_the_expression():
    e = mc.parse("y^T A x + z^T A x")
    y, A, x, z = (s for s in _symbols(e))
    assert (y.shape[0], A.shape, x.shape[0], z.shape[0]) == (n, (n, m), m, n)


def test_the_typed_tree_uses_the_final_dimension_names():
    e = mc.parse("x^T A x")
    assert e == MatMul(Transpose(Symbol("x", (n, ONE))), Symbol("A", (n, n)), Symbol("x", (n, ONE)))


def test_every_subtree_knows_its_shape():
    e = mc.parse("[sigmoid([x, 1] W1), 1] W2", where="W2: vector")
    block, w2 = e.args
    assert isinstance(block, Block) and block.shape == (n, m + 1)
    assert w2.shape == (m + 1, ONE)
    assert block.args[0].shape == (n, m) and block.args[1] == Ones((n, ONE))


def test_identity_takes_its_size_from_the_context_and_of_size_one_is_the_number_one():
    assert mc.parse("A + I").args[1] == Identity(n)
    assert mc.parse("s I", where="s: scalar") == Mul(Symbol("s", (ONE, ONE)), Identity(n))
    assert mc.parse("[s, I]", where="s: scalar") == Block(Symbol("s", (ONE, ONE)), Number(1))


def test_matrix_powers_are_products_and_inverses():
    assert mc.to_text(mc.parse("A^3")) == "A @ A @ A"
    assert mc.to_text(mc.parse("A^{-2}")) == "inv(A) @ inv(A)"
    with pytest.raises(mc.UnsupportedError, match="identity"):
        mc.parse("A^0")
    assert mc.to_text(mc.parse("A^1")) == "A"
    assert mc.to_text(mc.parse("s^2", where="s: scalar")) == "s**2"
    assert mc.to_text(mc.parse("s^t", where="s, t: scalar")) == "s**t"


def _symbols(e):
    from matcalc.expr import symbols

    return symbols(e)


# ---------------------------------------------------------------- every error kind

SHAPE_ERRORS = [
    # (text, where, position of the caret, message)
    ("A + B", "A: matrix(n, m); B: matrix(m, n)", 4,
     "shape mismatch in '+': A is matrix(n, m) but B is matrix(m, n)"),
    ("x + y", "x: vector(n); y: vector(m)", 4, "shape mismatch in '+': x is vector(n) but y is vector(m)"),
    ("x - A", "A: matrix(n, m)", 4, "shape mismatch in '+': x is vector(n) but A is matrix(n, m)"),
    ("A @ B", "A: matrix(n, m); B: matrix(n, m)", 2,
     "shape mismatch in '@': A is matrix(n, m) but B is matrix(n, m) (inner dimensions differ)"),
    ("A B", "A: matrix(n, m); B: matrix(n, m)", 2,
     "shape mismatch in 'juxtaposition': A is matrix(n, m) but B is matrix(n, m) (inner dimensions differ)"),
    ("x.T @ A @ x", "A: matrix(n, m)", 8,
     "shape mismatch in '@': x.T @ A is covector(m) but x is vector(n) (inner dimensions differ)"),
    ("x ∘ y", "x: vector(n); y: vector(m)", 2, "shape mismatch in '∘': x is vector(n) but y is vector(m)"),
    ("x .* A", "A: matrix(n, m)", 2, "shape mismatch in '.*': x is vector(n) but A is matrix(n, m)"),
    ("x / y", "x: vector(n); y: vector(m)", 2, "shape mismatch in '/': x is vector(n) but y is vector(m)"),
    ("x**y", "x: vector(n); y: vector(m)", 3, "shape mismatch in '**': x is vector(n) but y is vector(m)"),
    ("[x, A]", "x: vector(n); A: matrix(m, m)", 4,
     "shape mismatch in ',': x is vector(n) but A is matrix(m, m) (blocks side by side need the same number of rows)"),
    ("[x; A]", "x: vector(n); A: matrix(m, m)", 4,
     "shape mismatch in ';': x is vector(n) but A is matrix(m, m) (stacked blocks need the same number of columns)"),
    ("[x, y; z]", None, 0, "every block row needs the same number of blocks"),
    ("A · x", "x: vector(m)", 2, "· is the dot product of two vectors"),
    ("x^2", None, 0, "x^… on a vector is ambiguous: write x**k or x.^k for an element-wise power, x^T x"),
    ("u^2", "u: covector", 0, "u^… on a covector is ambiguous"),
    ("A^2", "A: matrix(n, m)", 0, "A^… needs a square matrix, but A is matrix(n, m)"),
    ("||X||", None, 0, "||X|| of a matrix is ambiguous (X is matrix(n, m)): write ||X||_F for the Frobenius norm"),
    ("trace(A)", "A: matrix(n, m)", 6, "trace needs a square matrix, but A is matrix(n, m)"),
    ("det(x)", None, 4, "det needs a square matrix, but x is vector(n)"),
    ("inv(A) @ x", "A: matrix(n, m)", 4, "inv needs a square matrix, but A is matrix(n, m)"),
    ("diag(A)", "A: matrix(n, m)", 5, "diag needs a square matrix, but A is matrix(n, m)"),
    ("norm(X)", None, 0, "norm needs a vector, got matrix(n, m); for a matrix write norm_fro(X) or ||X||_F"),
    ("softmax(X)", None, 0, "softmax needs a vector, got matrix(n, m)"),
    ("x^T A x", "x: vector(3); A: matrix(4, 4)", 4,
     "shape mismatch in 'juxtaposition': x^T is covector(3) but A is matrix(4, 4)"),
    ("S x", "S: matrix(n, n) spd; x: vector(m)", 2, "shape mismatch in 'juxtaposition': S is matrix(n, n)"),
    ("X + S", "X: matrix(n, m); S: spd", 4, "X is matrix(n, m) but S is matrix(n, n)"),
]


@pytest.mark.parametrize(("text", "where", "pos", "message"), SHAPE_ERRORS, ids=[s[0] for s in SHAPE_ERRORS])
def test_shape_errors_name_the_subexpression_both_shapes_and_the_position(text, where, pos, message):
    with pytest.raises(ShapeError) as err:
        mc.parse(text, where=where)
    e = err.value
    assert message in str(e)
    assert e.pos == pos
    assert str(e).endswith(f"\n  {text}\n  {' ' * pos}^")


UNSUPPORTED = [
    ("A^20", "matrix power A^20: at most ±16"),
    ("A^0.5", "matrix power A^0.5 (only integer powers of a square matrix)"),
    ("||X||_1", "the matrix 1-norm ||X||_1"),
    ("||X||_2", "the spectral norm ||X||_2 of a matrix"),
    ("max(x, y)", "max is supported as max(0, x) (relu) and max(0.01 x, x) (leaky_relu)"),
]


@pytest.mark.parametrize(("text", "message"), UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
def test_unsupported_constructs_say_which(text, message):
    with pytest.raises(UnsupportedError, match=_escape(message)):
        mc.parse(text)


def _escape(text: str) -> str:
    import re

    return re.escape(text)


@pytest.mark.parametrize(("text", "message"), [
    ("A * B", "'*' between two non-scalars is ambiguous"),
    ("foo(x)", "unknown function 'foo' (known: abs, arccos,"),
    ("exp + x", "'exp' is a function: write exp(...)"),
])
def test_notation_errors_are_parse_errors(text, message):
    with pytest.raises(ParseError, match=_escape(message)):
        mc.parse(text)


# ---------------------------------------------------------------- the tree checks shapes again

X = Symbol("x", (n, ONE))
A = Symbol("A", (n, m))

NODE_ERRORS = [
    (lambda: Add(X, A), "shape mismatch in '+': x is vector(n) but A is matrix(n, m)"),
    (lambda: Mul(X, A), "shape mismatch in '*': x is vector(n) but A is matrix(n, m)"),
    (lambda: MatMul(X, A), "shape mismatch in '@': x is vector(n) but A is matrix(n, m)"),
    (lambda: Power(X, A), "shape mismatch in '**': x is vector(n) but A is matrix(n, m)"),
    (lambda: Block(X, Transpose(A)), "shape mismatch in '[ , ]': x is vector(n) but A.T is matrix(m, n)"),
    (lambda: Block(X, X, X, layout=(2, 1)), "every block row must have the same number of blocks"),
    (lambda: Symbol("S", (n, m), frozenset({"symmetric"})), "S is declared symmetric but is matrix(n, m)"),
    (lambda: Symbol("S", (n, m), frozenset({"spd"})), "S is declared spd but is matrix(n, m)"),
]


@pytest.mark.parametrize(("build", "message"), NODE_ERRORS, ids=[msg.split(":")[0] for _, msg in NODE_ERRORS])
def test_node_constructors_check_shapes(build, message):
    with pytest.raises(ShapeError, match=_escape(message)):
        build()


def test_every_error_is_a_matcalc_error():
    for text in ("A + B'", "x^2", "A^20", "A * B", "x: y"):
        with pytest.raises(MatcalcError):
            mc.parse(text, where="A: matrix(n, m); B: matrix(n, m)")
