"""Parsing (matcalc.parser, matcalc.syntax, matcalc.declarations): every lecture expression, every notation.

The expected value of each parse is the NumPy-syntax text of its tree, so a test fails when the tree
changes, not only when parsing fails. Names follow the lecture examples; ``where`` declares the names the
notes treat as scalars.
"""

from __future__ import annotations

import pytest
from trees import BUILTIN_FUNCTIONS

import matcalc as mc
from matcalc.declarations import Declaration, parse_where
from matcalc.errors import DeclarationError, MatcalcError, ParseError, ShapeError, UnsupportedError
from matcalc.expr import Call, MatMul, Mul, Number, Ones, Symbol, Transpose
from matcalc.functions import ALIASES, REGISTRY
from matcalc.parser import read
from matcalc.shapes import Dim

# ---------------------------------------------------------------- every expression of the lecture examples

SEEDS = [
    # (case, text, where, NumPy-syntax text of the tree)
    ("L1 y = A x", "A x", None, "A @ x"),
    ("L1 result", "A", None, "A"),
    ("L3 c = y^T A x", "y^T A x", None, "y.T @ A @ x"),
    ("L3 d/dx", "y^T A", None, "y.T @ A"),
    ("L3 d/dy", "x^T A^T", None, "x.T @ A.T"),
    ("L4 c = x^T A x", "x^T A x", None, "x.T @ A @ x"),
    ("L4 row result", "x^T (A + A^T)", None, "x.T @ (A + A.T)"),
    ("L4 column result", "(A + A^T) x", None, "(A + A.T) @ x"),
    ("L4 symmetric", "2 A x", "A: symmetric", "2 * A @ x"),
    ("L5 c = y^T x", "y^T x", None, "y.T @ x"),
    ("L6 c = x^T x", "x^T x", None, "x.T @ x"),
    ("L6 result", "2 x^T", None, "2 * x.T"),
    ("L7 result", "x^T A^T + y^T A", None, "x.T @ A.T + y.T @ A"),
    ("003 w + x", "w + x", None, "w + x"),
    ("003 w - x", "w - x", None, "w - x"),
    ("003 I", "I", None, "I"),
    ("003 -I", "-I", None, "-I"),
    ("003 w ∘ x", "w ∘ x", None, "multiply(w, x)"),
    ("003 diag(x)", "diag(x)", None, "diag(x)"),
    ("003 w ⊘ x", "w ⊘ x", None, "w / x"),
    ("003 diag(1 ⊘ x)", "diag(1 ⊘ x)", None, "diag(1 / x)"),
    ("003 diag(-w ⊘ x²)", "diag(-w ⊘ x.^2)", None, "diag(-w / x**2)"),
    ("003 x + z broadcast", "x + z", "z: scalar", "x + z"),
    ("003 sum(x)", "sum(x)", None, "sum(x)"),
    ("003 1^T x", "1^T x", None, "vector(1).T @ x"),
    ("003 w · x + b", "w · x + b", "b: scalar", "w.T @ x + b"),
    ("003 w^T x + b", "w^T x + b", "b: scalar", "w.T @ x + b"),
    ("003 f(x) element-wise", "sigmoid(x)", None, "sigmoid(x)"),
    ("003 g^T diag(f')", "g^T diag(sigmoid(x) ∘ (1 - sigmoid(x)))", None,
     "g.T @ diag(sigmoid(x) * (1 - sigmoid(x)))"),
    ("003 (g ∘ f')^T", "(g ∘ sigmoid(x) ∘ (1 - sigmoid(x)))^T", None, "(g * sigmoid(x) * (1 - sigmoid(x))).T"),
    ("003 ReLU", "max(0, x)", None, "relu(x)"),
    ("003 ReLU derivative", "diag(step(x))", None, "diag(step(x))"),
    ("003 LeakyReLU", "max(0.01 x, x)", None, "leaky_relu(x)"),
    ("003 sigmoid'", "sigmoid(x) ∘ (1 - sigmoid(x))", None, "multiply(sigmoid(x), 1 - sigmoid(x))"),
    ("003 tanh'", "1 - tanh(x)^2", "x: scalar", "1 - tanh(x)**2"),
    ("003 tanh' vector", "1 - tanh(x).^2", None, "1 - tanh(x)**2"),
    ("003 identity", "x", None, "x"),
    ("Eg1 A x + b", "A x + b", None, "A @ x + b"),
    ("Eg2 least squares", "||y - Phi theta||^2", None, "norm(y - Phi @ theta)**2"),
    ("Eg2 row result", "-2 (y - Phi theta)^T Phi", None, "-(2 * (y - Phi @ theta).T @ Phi)"),
    ("Eg2 column result", "-2 Phi^T (y - Phi theta)", None, "-(2 * Phi.T @ (y - Phi @ theta))"),
    ("Eg3 A x, A in R^{MxN}", "A x", "A: matrix(M, N)", "A @ x"),
    ("Eg3 row-by-row Jacobian", "I ⊗ x^T", None, "kron(eye(m), x.T)"),
    ("Eg3 vec Jacobian", "x^T ⊗ I", None, "kron(x.T, eye(m))"),
    ("Eg4 K = A^T A", "A^T A", "A: matrix(M, N)", "A.T @ A"),
    ("Eg5 f = x y", "x y", "x, y: scalar", "x * y"),
    ("Eg5 Hessian of x^T A x", "A + A^T", None, "A + A.T"),
    ("Eg5 Hessian 2x2", "[0, 1; 1, 0]", None, "[0, 1; 1, 0]"),
    ("Eg6 ln(sin(x^3)^2)", "ln(sin(x^3)^2)", "x: scalar", "log(sin(x**3)**2)"),
    ("Eg6 its derivative", "6 x^2 cos(x^3)/sin(x^3)", "x: scalar", "(6 * x**2 * cos(x**3)) / sin(x**3)"),
    ("Eg6 sin(x^2)", "sin(x^2)", "x: scalar", "sin(x**2)"),
    ("Eg6 2x cos(x^2)", "2 x cos(x^2)", "x: scalar", "2 * x * cos(x**2)"),
    ("Eg6 sin(x + x^2)", "sin(x + x^2)", "x: scalar", "sin(x + x**2)"),
    ("Eg6 (1 + 2x) cos(x + x^2)", "(1 + 2 x) cos(x + x^2)", "x: scalar", "(1 + 2 * x) * cos(x + x**2)"),
    ("Eg6 x * x^2", "x * x^2", "x: scalar", "x * x**2"),
    ("Eg6 3x^2", "3 x^2", "x: scalar", "3 * x**2"),
    ("Eg6 u + u^2", "u + u^2", "u: scalar", "u + u**2"),
    ("Eg6 1 + 2u", "1 + 2 u", "u: scalar", "1 + 2 * u"),
    ("Eg6 g = 2x + y^2", "2 x + y^2", "x, y: scalar", "2 * x + y**2"),
    ("Eg6 grad g", "[2, 2 y]", "y: scalar", "[2, 2 * y]"),
    ("Eg6 f = 3x^2 y", "3 x^2 y", "x, y: scalar", "3 * x**2 * y"),
    ("Eg6 grad f", "[6 x y, 3 x^2]", "x, y: scalar", "[6 * x * y, 3 * x**2]"),
    ("Eg7 y = [ln(x^2), sin(3x)]", "[ln(x^2), sin(3x)]", "x: scalar", "[log(x**2), sin(3 * x)]"),
    ("Eg7 dy/dx", "[2/x, 3 cos(3x)]", "x: scalar", "[2 / x, 3 * cos(3 * x)]"),
    ("Eg8 RBF", "sum((y - exp(-(x - c)**2 / b))**2)", "c, b: scalar", "sum((y - exp(-(x - c)**2 / b))**2)"),
    ("Eg8 RBF with weight and bias", "sum((y - w exp(-(x - c)**2 / b) - w0)**2)", "c, b, w, w0: scalar",
     "sum((y - w * exp(-(x - c)**2 / b) - w0)**2)"),
    ("Eg8 dJ/dw0", "-2 sum(y - w exp(-(x - c)**2/b) - w0)", "c, b, w, w0: scalar",
     "-2 * sum(y - w * exp(-(x - c)**2 / b) - w0)"),
    ("Eg8 dJ/dc", "-4 sum((y - exp(-(x - c)**2/b)) ∘ exp(-(x - c)**2/b) ∘ (x - c)) / b", "c, b: scalar",
     "-1 * (4 * sum((y - exp(-(x - c)**2 / b)) * exp(-(x - c)**2 / b) * (x - c))) / b"),
    ("Eg9 X = [x 1]", "[x, 1]", None, "[x, 1]"),
    ("Eg9 Z = sigma(X W1)", "sigmoid([x, 1] W1)", None, "sigmoid([x, 1] @ W1)"),
    ("Eg9 J = 1/2 e^T e", "0.5 (y - [sigmoid([x, 1] W1), 1] W2)^T (y - [sigmoid([x, 1] W1), 1] W2)", "W2: vector",
     "0.5 * (y - [sigmoid([x, 1] @ W1), 1] @ W2).T @ (y - [sigmoid([x, 1] @ W1), 1] @ W2)"),
    ("Eg9 dJ/dW2", "-[Z, 1]^T e", None, "-([Z, 1].T @ e)"),
    ("Eg9 dJ/dW1", "-X^T (e W2p^T ∘ sigmoid(X W1) ∘ (1 - sigmoid(X W1)))", "W2p: vector",
     "-(X.T @ (e @ W2p.T * sigmoid(X @ W1) * (1 - sigmoid(X @ W1))))"),
    ("Eg10 network", "sigmoid(w3^T sigmoid(W2 sigmoid(w1 x + b1) + b2) + b3)", "x, b3: scalar",
     "sigmoid(w3.T @ sigmoid(W2 @ sigmoid(w1 * x + b1) + b2) + b3)"),
    ("Eg11 cross-entropy", "-(y log(s) + (1 - y) log(1 - s))", "y, s: scalar",
     "-(y * log(s) + (1 - y) * log(1 - s))"),
    ("Eg11 dL/dz", "s - y", "y, s: scalar", "s - y"),
    ("Eg12 ReLU neuron MSE", "(1/N) sum((y - max(0, X w + b))**2)", "N, b: scalar",
     "1 / N * sum((y - relu(X @ w + b))**2)"),
    ("Eg12 dC/dw", "(2/N) X^T e", "N: scalar", "(2 / N) * X.T @ e"),
    ("Eg12 dC/db", "(2/N) 1^T e", "N: scalar", "(2 / N) * vector(1).T @ e"),
    ("Eg12 masked", "(2/N) X^T ((X w + b - y) ∘ step(X w + b))", "N, b: scalar",
     "(2 / N) * X.T @ ((X @ w + b - y) * step(X @ w + b))"),
    ("Eg13 Z = W^T A", "W^T A", None, "W.T @ A"),
    ("Eg13 dL/dW", "A (dLdZ)^T", "dLdZ: matrix", "A @ dLdZ.T"),
    ("Eg13 element-wise dA/dZ", "step(Z) ∘ dLdA", "dLdA: matrix", "multiply(step(Z), dLdA)"),
    ("Eg14 forward pass", "tanh(W a0 + b)", None, "tanh(W @ a0 + b)"),
]


@pytest.mark.parametrize(("case", "text", "where", "expected"), SEEDS, ids=[s[0] for s in SEEDS])
def test_every_seed_expression_parses_to_its_tree(case, text, where, expected):
    e = mc.parse(text, where=where)
    assert mc.to_text(e) == expected
    assert mc.parse(expected, where=where) == e  # the NumPy spelling is the same tree


def test_sigma_spelling_of_the_sigmoid_from_note_002():
    assert mc.to_text(mc.parse("σ(X W1)")) == "sigmoid(X @ W1)"


def test_greek_names_before_a_bracket():
    assert mc.to_text(mc.parse("Φ(y - Φθ)")) == "Φ @ (y - Φ @ θ)"  # an uppercase name is a factor
    assert mc.to_text(mc.parse("λ(x + y)", where="λ: scalar")) == "λ * (x + y)"  # so is a declared one
    with pytest.raises(ParseError, match="unknown function 'φ'"):
        mc.parse("φ(x)")


def test_space_separated_blocks_sit_side_by_side_as_in_matlab():
    """Note 002 writes X = [x 1], MATLAB [A B]: without commas, a space inside brackets separates blocks
    (and the reading says so); [(A x)] is the product, and with commas a space is a product again."""
    reading = read("[x 1] W")
    assert mc.to_text(reading.expr) == "[x, 1] @ W"
    assert any("read as blocks side by side" in note for note in reading.notes)
    assert mc.parse("[A B; C D]") == mc.parse("[A, B; C, D]")
    assert mc.to_text(mc.parse("[(A x)]")) == "[A @ x]"
    assert mc.to_text(mc.parse("[A x, b]")) == "[A @ x, b]"


# ---------------------------------------------------------------- one tree, several notations

NOTATIONS = [
    # (what, where, spellings that must give the same tree; the first one's text is checked)
    ("quadratic form", None, ["x.T @ A @ x", "x^T A x", "x'*A*x", "x' A x", "xᵀ A x", "x⊤ A x", "x^{T} A x",
                              "transpose(x) @ A @ x", "matmul(x.T, A, x)", "x.T@A@x", "x’*A*x"]),
    ("bilinear form", None, ["y.T @ A @ x", "y^T A x", "y'*A*x", "yᵀ A x"]),
    ("affine map", None, ["A @ x + b", "A x + b", "matmul(A, x) + b", "A(x) + b"]),
    ("least squares", None, ["norm(y - Phi @ theta)**2", "||y - Phi theta||^2", "||y - Phi*theta||^2",
                             "norm2(y - Phi @ theta)**2", "||y - Phi theta||_2^2", "‖y − Phi theta‖²",
                             "np.linalg.norm(y - Phi @ theta)**2"]),
    ("least squares, Greek", None, ["norm(y - Φ @ θ)**2", "||y - Φθ||^2", "‖y - Φθ‖²", "‖y − Φ θ‖^2"]),
    ("trace", None, ["trace(A @ X @ B)", "tr(A X B)", "np.trace(A @ X @ B)", "trace(matmul(A, X, B))"]),
    ("inverse", None, ["inv(X)", "X^{-1}", "X^-1", "X^(-1)", "X⁻¹", "np.linalg.inv(X)"]),
    ("Hadamard", None, ["multiply(w, x)", "w ∘ x", "w ⊙ x", "w .* x", "hadamard(w, x)"]),
    ("element-wise division", None, ["w / x", "w ./ x", "w ⊘ x"]),
    ("element-wise power", None, ["x**2", "x.^2", "power(x, 2)"]),
    ("Frobenius norm", None, ["norm_fro(X)", "||X||_F", "‖X‖_F", "||X||_{F}", "||X||_fro", "frobenius(X)"]),
    ("2-norm", None, ["norm(x)", "||x||", "‖x‖", "norm2(x)", "||x||_2"]),
    ("1-norm", None, ["norm1(x)", "||x||_1"]),
    ("Kronecker", None, ["kron(A, B)", "A ⊗ B", "np.kron(A, B)"]),
    ("identity", None, ["A + I", "A + eye"]),
    ("ones", None, ["x.T @ vector(1)", "x^T 1", "x'*vector(1)"]),
    ("outer product with ones", None, ["X - vector(1) @ mu.T", "X - 1 mu^T", "X - 1 mu'", "X - 1 muᵀ"]),
    ("scaled sum", "N: scalar", ["(2 / N) * vector(1).T @ e", "(2/N) 1^T e", "(2/N) * 1' * e"]),
    ("Hessian of x^T A x", None, ["A + A.T", "A + A^T", "A + A'", "A + Aᵀ"]),
    ("matrix power", None, ["A @ A", "A^2", "A²", "A^{2}"]),
    ("dot product", None, ["w.T @ x", "w · x", "w'*x", "wᵀx"]),
]


@pytest.mark.parametrize(("what", "where", "spellings"), NOTATIONS, ids=[n[0] for n in NOTATIONS])
def test_notations_give_the_same_tree(what, where, spellings):
    trees = [mc.parse(s, where=where) for s in spellings]
    for spelling, tree in zip(spellings[1:], trees[1:], strict=True):
        assert tree == trees[0], f"{spelling!r} gave {tree}, not {trees[0]}"
    assert mc.to_text(trees[0]) == spellings[0] or mc.parse(mc.to_text(trees[0]), where=where) == trees[0]


def test_numpy_math_and_matlab_quadratic_forms_are_one_tree_with_one_shape():
    numpy_, math_, matlab = (mc.parse(s) for s in ("x.T @ A @ x", "x^T A x", "x'*A*x"))
    assert numpy_ == math_ == matlab
    assert hash(numpy_) == hash(math_) == hash(matlab)
    assert isinstance(numpy_, MatMul) and len(numpy_.args) == 3
    assert numpy_.shape == (Dim.of(1), Dim.of(1))


# ---------------------------------------------------------------- Unicode and MATLAB spellings

UNICODE = [
    ("Φθ", None, "Φ @ θ"),
    ("‖x‖²", None, "norm(x)**2"),
    ("xᵀ", None, "x.T"),
    ("x⊤", None, "x.T"),
    ("w ∘ x", None, "multiply(w, x)"),
    ("w ⊙ x", None, "multiply(w, x)"),
    ("A ⊗ B", None, "kron(A, B)"),
    ("a − b", None, "a - b"),
    ("x’", None, "x.T"),
    ("X⁻¹", None, "inv(X)"),
    ("s³", "s: scalar", "s**3"),
    ("s⁻²", "s: scalar", "s**-2"),
    ("‖X‖_F", None, "norm_fro(X)"),
    ("αβ", "α, β: scalar", "α * β"),
    ("Σ + λ I", "λ: scalar", "Σ + λ * I"),
    ("θ0 + θ_1", None, "θ0 + θ_1"),
]


@pytest.mark.parametrize(("text", "where", "expected"), UNICODE, ids=[u[0] for u in UNICODE])
def test_unicode_notation(text, where, expected):
    assert mc.to_text(mc.parse(text, where=where)) == expected


MATLAB = [
    ("x'*A*x", None, "x.T @ A @ x"),
    ("x.*y", None, "multiply(x, y)"),
    ("x./y", None, "x / y"),
    ("x.^2", None, "x**2"),
    ("2.^x", None, "2**x"),
    ("1./x", None, "1 / x"),
    ("2.*x", None, "2 * x"),
    ("A + eye", None, "A + I"),
    ("norm2(x)", None, "norm(x)"),
    ("tr(X)", None, "trace(X)"),
    ("x + vector(1)", None, "x + vector(1)"),
    ("vector(1)'*x", None, "vector(1).T @ x"),
    ("A + matrix(0)", None, "A + matrix(0)"),
    ("u + covector(1)", "u: covector", "u + covector(1)"),
    ("x + vector(2)", None, "x + 2 * vector(1)"),
    ("A'*B", None, "A.T @ B"),
    ("A'*inv(A)*x", None, "A.T @ inv(A) @ x"),
]


@pytest.mark.parametrize(("text", "where", "expected"), MATLAB, ids=[m[0] for m in MATLAB])
def test_matlab_spelling(text, where, expected):
    assert mc.to_text(mc.parse(text, where=where)) == expected


def test_ones_and_zeros_take_their_size_from_the_context():
    e = mc.parse("x^T 1", where="x: vector(n)")
    ones = e.args[1]
    assert isinstance(ones, Ones) and ones.shape == (Dim.of("n"), Dim.of(1))
    e = mc.parse("[x, 1] @ W", where="x: vector(n); W: matrix(2, m)")
    assert e.args[0].args[1] == Ones((Dim.of("n"), Dim.of(1)))
    assert mc.parse("x + 1").args[1] == Number(1)  # outside a product, 1 is the number one


def test_a_bracket_after_a_name_is_juxtaposition_and_postfixes_bind_to_the_bracket():
    assert mc.to_text(mc.parse("A (x + y)")) == "A @ (x + y)"
    assert mc.to_text(mc.parse("A (x)^T", where="x: covector")) == "A @ x.T"
    assert mc.to_text(mc.parse("X (y - Phi theta)^T", where="X: matrix(n, 1)")) == "X @ (y - Phi @ theta).T"
    assert mc.to_text(mc.parse("x (y + z)^T")) == "x @ (y + z).T"  # a space makes an undeclared name a factor
    assert mc.to_text(mc.parse("c (a + b)", where="c: scalar")) == "c * (a + b)"
    assert mc.to_text(mc.parse("A (x)**2")) == "A @ x**2"


def test_numbers():
    assert mc.parse("1e-3") == Number("1/1000")
    assert mc.parse(".5") == Number("1/2")
    assert mc.parse("2.5") == Number("5/2")
    assert mc.parse("1/3") == Number("1/3")  # a literal fraction is one exact number
    assert mc.parse("1.") == Number(1)
    assert mc.parse("-2") == Number(-2)


def test_a_dot_after_a_number_starts_an_operator_when_one_follows():
    assert mc.to_text(mc.parse("1.T @ x")) == "vector(1).T @ x"  # not 1 times a matrix named T
    assert mc.parse("2.^x") == mc.parse("2 .^ x")


# ---------------------------------------------------------------- the whole function vocabulary

ARGUMENTS = [  # argument spellings tried in order; the first that fits the function's shape rule is used
    ("x", None), ("X", "X: matrix(n, n)"), ("A, B", None), ("X", None),
]


def _spellings():
    out = []
    for name, fn in BUILTIN_FUNCTIONS.items():
        out.append((name, name))
        out.extend((alias, name) for alias in fn.aliases)
    out.extend((f"np.{name}", name) for name in ("exp", "log", "sin", "cos", "tanh", "sqrt", "abs", "sum", "trace"))
    return out


SPELLINGS = _spellings()


@pytest.mark.parametrize(("spelling", "name"), SPELLINGS, ids=[s for s, _ in SPELLINGS])
def test_every_registry_function_and_alias_parses(spelling, name):
    fn = REGISTRY[name]
    tried = []
    for args, where in ARGUMENTS:
        if len(args.split(",")) != fn.arity:
            continue
        try:
            e = mc.parse(f"{spelling}({args})", where=where)
        except ShapeError as err:
            tried.append(str(err))
            continue
        assert isinstance(e, Call) and e.fn is fn
        assert mc.to_text(e) == f"{fn.spelling}({args})"  # diag_part(X) is printed diag(X)
        return
    pytest.fail(f"{spelling} parsed with none of the argument shapes: {tried}")


def test_the_vocabulary_of_design_md_is_registered():
    design = ("trace det logdet inv log exp sin cos tan arcsin arccos arctan tanh sigmoid relu softplus abs sign "
              "sqrt sum norm norm1 norm_fro diag softmax logsumexp kron").split()
    missing = [name for name in design if name not in REGISTRY]
    assert not missing
    assert ALIASES["tr"] == "trace" and ALIASES["norm2"] == "norm" and ALIASES["ln"] == "log"


@pytest.mark.parametrize("name", sorted(BUILTIN_FUNCTIONS))
def test_a_function_name_without_arguments_is_refused_with_the_call_spelling(name):
    with pytest.raises(ParseError, match=rf"'{name}' is a function: write {name}\(\.\.\.\)"):
        mc.parse(f"{name} + x")


# ---------------------------------------------------------------- the meaning of *

STAR = [
    # (text, where, expected tree text or None for a refusal)
    ("A @ B * C", None, "A @ B * C"),  # NumPy marker @: * is element-wise
    ("x.T * y.T", None, "x.T * y.T"),
    ("x**2 * y", None, "x**2 * y"),
    ("x' * A * x", None, "x.T @ A @ x"),  # MATLAB marker ': * is the matrix product
    ("A^T * B", None, "A.T @ B"),
    ("Aᵀ * B", None, "A.T @ B"),
    ("(A .* B) * C", None, "A * B @ C"),
    ("A B * C", None, "(A @ B) @ C"),  # juxtaposition is a math marker
    ("2 * A", None, "2 * A"),  # a scalar side scales, whatever the markers
    ("c * x", "c: scalar", "c * x"),
    ("x * c", "c: scalar", "x * c"),
    ("0.5*||A@x - b||^2", None, "0.5 * norm(A @ x - b)**2"),  # norms are neutral
    ("0.5*||A x - b||^2", None, "0.5 * norm(A @ x - b)**2"),
    ("A^T ∘ B", None, "A.T * B"),  # ∘ is always Hadamard, even after math markers
    ("A.T ⊙ B", None, "A.T * B"),
    ("x.T A x", None, "x.T @ A @ x"),  # juxtaposition is always the matrix product
    ("A * B", None, None),  # no marker: refused
    ("sum(A * B)", None, None),
    ("exp(X) * Y", None, None),
    ("A @ B * C^T", None, None),  # both dialects: refused
    ("x' * y ** 2", None, None),
]


@pytest.mark.parametrize(("text", "where", "expected"), STAR, ids=[s[0] for s in STAR])
def test_star_follows_the_dialect_markers(text, where, expected):
    if expected is None:
        with pytest.raises(ParseError) as err:
            mc.parse(text, where=where)
        message = str(err.value)
        assert "ambiguous" in message and " @ " in message and " ∘ " in message
    else:
        assert mc.to_text(mc.parse(text, where=where)) == expected


def test_refused_star_suggests_both_spellings_and_points_at_the_star():
    with pytest.raises(ParseError) as err:
        mc.parse("A * B")
    assert err.value.pos == 2
    assert "write A @ B for the matrix product or A ∘ B" in str(err.value)
    with pytest.raises(ParseError) as err:
        mc.parse("A @ B * C^T")
    assert "mixes NumPy notation ('@' at 2) and math notation ('^' at 9)" in str(err.value)
    assert err.value.pos == 6


def test_element_wise_star_builds_a_hadamard_product_and_math_star_a_matrix_product():
    hadamard = mc.parse("A @ B * C", where="C: matrix(n, p)")
    assert isinstance(hadamard, Mul) and isinstance(hadamard.args[0], MatMul)
    product = mc.parse("A' * B")
    assert isinstance(product, MatMul) and isinstance(product.args[0], Transpose)


# ---------------------------------------------------------------- parse errors point at the position

PARSE_ERRORS = [
    # (text, position of the caret, fragment of the message)
    ("x +", 3, "unexpected end of input"),
    ("A @ @ B", 4, "unexpected '@'"),
    ("x $ y", 2, "unexpected character '$'"),
    ("(x + y", 6, "unexpected end of input"),
    ("x + y)", 5, "unexpected ')'"),
    ("foo(x)", 0, "unknown function 'foo'"),
    ("x + exp", 4, "'exp' is a function"),
    ("||x", 3, "unexpected end of input"),
    ("", 0, "empty expression"),
    ("   ", 0, "empty expression"),
    ("A * B", 2, "ambiguous"),
    ("exp(x, y)", 0, "exp takes 1 argument(s), got 2"),
    ("kron(A)", 0, "kron takes 2 argument(s), got 1"),
    ("vector(x)", 0, "vector(c) takes one number"),
    ("transpose(x, y)", 0, "transpose takes 1 argument(s), got 2"),
    ("x\x00", 1, "NUL character"),
    ("2" * 500, 0, "number too large"),
    ("1e999", 0, "number too large"),
    ("x + 1 +\n y $", 11, "unexpected character '$'"),
]


@pytest.mark.parametrize(("text", "pos", "fragment"), PARSE_ERRORS, ids=[repr(p[0][:20]) for p in PARSE_ERRORS])
def test_parse_errors_carry_a_caret_at_the_position(text, pos, fragment):
    with pytest.raises(ParseError) as err:
        mc.parse(text)
    e = err.value
    assert fragment in str(e)
    assert e.pos == pos
    lines = str(e).split("\n")
    line_start = text.rfind("\n", 0, pos) + 1
    column = pos - line_start
    if not text:
        return  # nothing to point into
    assert lines[-1] == "  " + " " * column + "^"
    assert lines[-2] == "  " + text[line_start:].split("\n")[0][:120]


def test_parse_error_lists_what_was_expected():
    with pytest.raises(ParseError, match="expected") as err:
        mc.parse("A @")
    assert "end of input" in str(err.value)


def test_errors_are_one_family():
    for cls in (ParseError, ShapeError, DeclarationError, UnsupportedError, mc.EvaluationError):
        assert issubclass(cls, MatcalcError)


@pytest.mark.parametrize("text", [
    "__import__('os').system('echo PWNED')",
    "exec('1')",
    "x.__class__",
    "lambda: 0",
    "x; y",
    "'x'",
])
def test_user_text_is_never_evaluated_as_python(text, capfd):
    with pytest.raises(MatcalcError):
        mc.parse(text)
    assert "PWNED" not in capfd.readouterr().out


@pytest.mark.parametrize("text", [
    "(" * 250 + "x" + ")" * 250,
    "-" * 3000 + "x",
    "x" + "'" * 3000,
    "x" + ".T" * 3000,
    "x" * 30000,
    "x**" * 2000 + "x",
    "-" * 19000 + "x",
])
def test_hostile_inputs_end_in_a_result_or_a_matcalc_error(text):
    try:
        e = mc.parse(text, where="x: scalar")
    except MatcalcError:
        return
    assert isinstance(e, mc.Expr)
    assert isinstance(str(e), str)  # printing a deep tree is no RecursionError either


@pytest.mark.parametrize("text", [
    "x" + " + x" * 4000, "s" + " @ s" * 3000, "s" + " s" * 4000, "sin(" * 150 + "x" + ")" * 150,
])
def test_long_but_flat_inputs_parse(text):
    assert isinstance(mc.parse(text, where="s: scalar"), mc.Expr)


def test_parse_passes_an_expression_through_and_refuses_other_types():
    e = mc.parse("x^T A x")
    assert mc.parse(e) is e
    with pytest.raises(MatcalcError):
        mc.parse(42)
    with pytest.raises(MatcalcError):
        mc.parse(None)


# ---------------------------------------------------------------- declarations

def test_declarations_are_read_per_name():
    decls = parse_where("c, b: scalar; A: matrix(n, n) symmetric; X: spd")
    assert decls == {
        "c": Declaration("c", "scalar"),
        "b": Declaration("b", "scalar"),
        "A": Declaration("A", "matrix", ("n", "n"), frozenset({"symmetric"})),
        "X": Declaration("X", None, None, frozenset({"spd"})),
    }
    assert parse_where(None) == {} and parse_where("") == {} and parse_where("  ") == {}
    assert parse_where("x: vector(3); W: matrix(2, m);")["W"].dims == (2, "m")
    assert parse_where(decls) == decls


def test_declarations_override_default_kinds_and_set_properties():
    e = mc.parse("c * x + A @ x + X @ x", where="c: scalar; A: matrix(n, n) symmetric; X: spd")
    assert mc.assumptions(e) == "c: scalar, x: vector(n), A: matrix(n, n) symmetric, X: matrix(n, n) spd"
    by_name = {s.name: s for s in (a for a in _symbols(e))}
    assert by_name["A"].props == frozenset({"symmetric"}) and by_name["A"].is_symmetric
    assert by_name["X"].props == frozenset({"spd"})
    assert mc.assumptions(mc.parse("p + q", where="p: covector(k); q: covector")) == "p: covector(k), q: covector(k)"


def _symbols(e):
    from matcalc.expr import symbols

    return symbols(e)


def test_declared_kinds_for_names_that_default_otherwise():
    assert mc.parse("W", where="W: vector").shape == (Dim.of("n"), Dim.of(1))
    assert mc.parse("w", where="w: matrix").shape == (Dim.of("n"), Dim.of("m"))
    assert mc.parse("w", where="w: symmetric").shape == (Dim.of("n"), Dim.of("n"))
    assert isinstance(mc.parse("c", where="c: scalar"), Symbol)
    assert mc.parse("x", where="x: vector(3)").shape == (Dim.of(3), Dim.of(1))


DECLARATION_ERRORS = [
    ("x: vector(n, m)", "vector takes 1 dimension(s), got 2"),
    ("x: covector(n, 2)", "covector takes 1 dimension(s), got 2"),
    ("A: matrix(n)", "matrix takes 2 dimension(s), got 1"),
    ("c: scalar(n)", "scalar takes 0 dimension(s), got 1"),
    ("x: scalar symmetric", "a scalar cannot be symmetric"),
    ("x: vector(n) spd", "a vector cannot be spd"),
    ("A: matrix(n, m) symmetric", "a symmetric matrix must be square, got matrix(n, m)"),
    ("A: matrix(2, 3) invertible", "must be square, got matrix(2, 3)"),
    ("c: scalar; c: vector", "c is declared twice"),
    ("A: matrix(0, n)", "a dimension must be a positive integer or a name, not 0"),
    ("A: matrix(n, 1.5)", "not 1.5"),
    ("A: blah", "cannot read the declarations"),
    ("A symmetric", "cannot read the declarations"),
    (": scalar", "cannot read the declarations"),
    ("A: hermitian", "cannot read the declarations"),
]


@pytest.mark.parametrize(("where", "fragment"), DECLARATION_ERRORS, ids=[d[0] for d in DECLARATION_ERRORS])
def test_declaration_errors(where, fragment):
    with pytest.raises(DeclarationError) as err:
        mc.parse("x", where=where)
    assert fragment in str(err.value)


def test_unreadable_declaration_points_at_the_position():
    with pytest.raises(DeclarationError) as err:
        parse_where("A: blah")
    assert str(err.value).endswith("  A: blah\n     ^")


def test_declarations_must_be_a_string():
    with pytest.raises(DeclarationError, match="where must be a string"):
        mc.parse("x", where=5)


def test_declared_dimensions_are_unified_with_the_expression():
    with pytest.raises(ShapeError, match=r"x\^T is covector\(3\) but A is matrix\(4, 4\)"):
        mc.parse("x^T A x", where="x: vector(3); A: matrix(4, 4)")
    e = mc.parse("A x", where="A: symmetric; x: vector(k)")
    assert mc.assumptions(e) == "A: matrix(k, k) symmetric, x: vector(k)"
