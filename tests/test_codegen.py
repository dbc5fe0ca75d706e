"""Generated NumPy code (`Derivative.to_source` / `to_function`, printing/code.py).

The generated function must return exactly what `Derivative.matrix` returns, at random points of
distinct sizes, for every kind of result: gradients, Jacobians, tensor (vec-Jacobian) results with
Kronecker products and commutation matrices, Hessians, blocks, diagonal matrices and every registry
function. The source must stand alone (NumPy only) and show the fast forms.
"""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest

import matcalc as mc
from matcalc.checking import sample_point
from matcalc.expr import Symbol, symbols
from matcalc.functions import REGISTRY
from matcalc.printing.code import function_source, python_name
from matcalc.shapes import ONE, Dim

CASES = [
    ("x.T @ A @ x", "x", None, "mixed"),
    ("x.T @ A @ x", "x", None, "numerator"),
    ("a.T @ X @ b", "X", None, "mixed"),
    ("a.T @ X @ b", "X", None, "numerator"),
    ("A @ x", "x", None, "mixed"),
    ("A @ x", "x", None, "denominator"),
    ("norm(y - Phi @ theta)**2", "theta", None, "mixed"),
    ("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w", None, "mixed"),
    ("sum(log(1 + exp(-y * (X @ w))))", "w", None, "mixed"),
    ("sum((W2 @ tanh(W1 @ x + b1) + b2 - y)**2)", "W1", None, "mixed"),
    ("sum((W2 @ relu(W1 @ X) - Y)**2)", "W2", None, "mixed"),
    ("trace(X.T @ A @ X)", "X", None, "mixed"),
    ("logdet(S)", "S", "S: matrix(n, n) spd", "mixed"),
    ("det(A)", "A", None, "mixed"),
    ("trace(inv(A) @ B)", "A", None, "mixed"),
    ("x.T @ inv(A) @ x", "A", None, "mixed"),
    ("A @ X @ B", "X", None, "mixed"),
    ("A @ X @ B", "X", None, "denominator"),
    ("X.T", "X", None, "mixed"),
    ("X @ X", "X", None, "mixed"),
    ("A.T @ A", "A", None, "mixed"),
    ("inv(X)", "X", None, "mixed"),
    ("X * X.T", "X", None, "mixed"),
    ("exp(x)", "x", None, "mixed"),
    ("softmax(x)", "x", None, "mixed"),
    ("logsumexp(x)", "x", None, "mixed"),
    ("sigmoid(W @ [x; 1])", "W", None, "mixed"),
    ("[x; 1].T @ A @ [x; 1]", "x", None, "mixed"),
    ("diag(x) @ A @ diag(x)", "x", None, "mixed"),
    ("sum(diag(A) ∘ x)", "A", None, "mixed"),
    ("x ∘ sin(c * x)", "c", "c: scalar", "mixed"),
    ("c * A", "A", "c: scalar", "mixed"),
    ("norm(x) + norm1(x) + norm_fro(A)", "x", None, "mixed"),
    ("vec(A @ X)", "X", None, "mixed"),
    ("sigmoid(A @ X)", "X", None, "mixed"),
    ("tanh(X) @ B", "X", None, "mixed"),
    ("X @ sigmoid(X)", "X", None, "mixed"),
    ("A @ X @ X", "X", None, "mixed"),
    ("kron(A, B) @ vec(X)", "X", "A: matrix(p, r); B: matrix(q, s); X: matrix(s, r)", "mixed"),
    ("sum(lambda ∘ x)", "x", "lambda: vector(n)", "mixed"),
]


def _values(d, seed=0, sizes=(3, 5, 2, 4, 6)):
    params = list(symbols(d.f)) + ([d.wrt] if d.wrt not in symbols(d.f) else [])
    names = sorted({n for p in params for dim in p.shape for n in dim.names()})
    arrays = sample_point([d.f, d.expr, *params], dict(zip(names, sizes)), np.random.default_rng(seed))
    assert arrays is not None
    return arrays


def _same(d, vec=None):
    arrays = _values(d)
    got = d.to_function()(**{python_name(k): v for k, v in arrays.items()})
    want = d.matrix(arrays)
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)
    return got


@pytest.mark.parametrize("expr, wrt, where, layout", CASES)
def test_generated_function_returns_the_closed_form_value(expr, wrt, where, layout):
    _same(mc.derive(expr, wrt, layout=layout, where=where))


@pytest.mark.parametrize("vec", ["col", "row", "col,row"])
@pytest.mark.parametrize("expr", ["A @ X @ B", "X.T @ A", "X @ X.T"])
def test_tensor_results_in_every_vec_order(expr, vec):
    _same(mc.derive(expr, "X", vec=vec))


@pytest.mark.parametrize("expr, wrt", [
    ("sum(log(1 + exp(-y * (X @ w))))", "w"),
    ("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w"),
    ("x.T @ A @ x", "x"),
    ("logsumexp(x)", "x"),
    ("trace(X.T @ A @ X)", "X"),
    ("sum(tanh(X @ w))", "X"),
    ("logdet(S)", "S"),
])
def test_generated_hessians(expr, wrt):
    h = mc.hessian(expr, wrt, where="S: matrix(n, n) spd" if "S" in expr else None)
    _same(h)
    assert "def hessian(*" in h.to_source()


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registry_function_has_code(name):
    fn = REGISTRY[name]
    if fn.kind == "elementwise" or name in ("softmax", "log_softmax"):
        expr = f"sum({name}(x) ∘ y)"
    elif fn.matrix_derivative is not None:  # an analytic matrix function: in the code of a derivative it stays
        expr = f"x.T @ {name}(S) @ y"
    elif fn.square:
        expr = f"sum({name}(S))" if name != "logdet" else "logdet(S)"
    elif name == "kron":
        expr = "x.T @ kron(A, B) @ y"
    elif name == "vec":
        expr = "vec(A).T @ x"
    elif name == "diag":
        expr = "sum(diag(x) @ S)"
    else:
        expr = f"sum({name}(A))" if name not in ("norm", "norm1") else f"{name}(x)"
    wrt = next(v for v in ("x", "S", "X", "A") if re.search(rf"\b{v}\b", expr))
    d = mc.derive(expr, "y" if name == "kron" else wrt, where="S: matrix(n, n) spd" if "S" in expr else None)
    _same(d)


def test_source_stands_alone_and_uses_only_numpy():
    source = mc.derive("sigmoid(A @ X) @ v", "X").to_source()
    tree = ast.parse(source)
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert [a.name for n in imports for a in n.names] == ["numpy"]
    assert "matcalc" not in source.replace("∂", "")
    namespace: dict = {}
    exec(compile(source, "pasted.py", "exec"), namespace)  # nothing else needed
    assert callable(namespace["derivative"])


def test_diagonal_matrices_become_hadamard_products():
    h = mc.hessian("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w")
    source = h.to_source()
    assert "diag" not in source.split('"""')[2]
    assert "X.T @ (" in source and "* X)" in source


@pytest.mark.parametrize("expr", ["x.T @ A @ x + sum(log(1 + exp(x)))", "sum(tanh(x)) + sum(sigmoid(x))",
                                  "x.T @ A @ x - sum(exp(x)) + sum(sin(x))"])
def test_diagonal_terms_of_a_sum_form_one_diagonal_matrix(expr):
    h = mc.hessian(expr, "x")
    body = h.to_source().split('"""')[2]
    assert body.count("np.diagflat") == 1
    _same(h)


def test_kronecker_products_are_applied_not_formed_inside_products():
    d = mc.derive("x.T @ kron(A, B) @ y", "y")
    body = d.to_source().split('"""')[-1]
    assert "_kron_matmul" in body and "np.kron" not in body
    _same(d)


def test_a_kronecker_result_is_formed():
    d = mc.derive("A @ X @ B", "X")
    assert "np.kron(" in d.to_source()


def test_commutation_matrices_are_index_permutations():
    d = mc.derive("X.T", "X")
    assert "_commutation_order" in d.to_source()
    _same(d)


def test_matrix_chains_run_in_the_cheap_order():
    d = mc.derive("x.T @ A.T @ B.T @ B @ A @ x", "x")
    body = d.to_source().split('"""')[-1]
    assert "@ x)" in body  # vectors first: A @ x, not A.T @ B.T
    _same(d)


def test_shared_subexpressions_are_computed_once():
    d = mc.derive("sum((W2 @ tanh(W1 @ x + b1) + b2 - y)**2)", "W1")
    body = d.to_source().split('"""')[-1]
    assert body.count("np.tanh(") == 1


def test_vectors_may_be_one_dimensional_and_scalars_plain_floats():
    fn = mc.derive("x.T @ A @ x + c * sum(x)", "x", where="c: scalar").to_function()
    a, x = np.arange(9.0).reshape(3, 3), np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(fn(x=x, A=a, c=2.0).ravel(), (a + a.T) @ x + 2.0)
    assert isinstance(mc.derive("x.T @ A @ x", "x", where="x: scalar; A: scalar").to_function()(x=2.0, A=3.0), float)


def test_keyword_names_get_an_underscore():
    source = mc.derive("sum(lambda ∘ x)", "x", where="lambda: vector(n)").to_source()
    assert "lambda_" in source
    ast.parse(source)


def test_user_functions_are_written_from_their_definition():
    sp = pytest.importorskip("sympy")
    t = sp.Symbol("t")
    name = "swishcg"
    if name not in REGISTRY:
        mc.register_function(name, t / (1 + sp.exp(-t)))
    d = mc.derive(f"sum({name}(A @ y) ∘ x)", "x")
    assert f"def _{name}(u):" in d.to_source()
    _same(d)


def test_generated_source_is_deterministic():
    d = mc.derive("sum(log(1 + exp(-y * (X @ w))))", "w")
    assert d.to_source() == mc.derive("sum(log(1 + exp(-y * (X @ w))))", "w").to_source()


def test_function_name_can_be_chosen():
    fn = mc.derive("x.T @ x", "x").to_function("grad_sq")
    assert fn.__name__ == "grad_sq" and "def grad_sq(*, x):" in fn.source
    with pytest.raises(ValueError):
        mc.derive("x.T @ x", "x").to_source("not valid")


def test_a_name_that_is_not_an_identifier_is_refused_not_executed():
    """The grammar only makes identifiers; a Symbol built by hand with code in its name never reaches exec."""
    x = Symbol("x", (Dim.of("n"), ONE))
    hostile = Symbol("__import__('os').system('echo hi')", (Dim.of("n"), ONE))
    with pytest.raises(ValueError, match="not a Python identifier"):
        function_source(hostile, [hostile, x], "f", "doc")


@pytest.mark.parametrize("doc", ['end """; import os; """', 'a \\""" b', 'trailing "', "back\\slash \\n"])
def test_the_docstring_cannot_be_escaped(doc):
    x = Symbol("x", (Dim.of("n"), ONE))
    namespace: dict = {}
    exec(compile(function_source(x, [x], "f", doc), "<test>", "exec"), namespace)
    assert namespace["f"].__doc__.strip() == doc
    assert set(namespace) == {"__builtins__", "np", "f"}


# ---------------------------------------------------------------- target="jax"

JAX_CASES = [(e, w, wh, lay) for e, w, wh, lay in CASES] + [
    ("c * x.T @ A @ x", "c", "c: scalar", "mixed"),
    ("logdet(S)", "S", "S: matrix(n, n) spd", "mixed"),
    ("A @ X @ B", "X", None, "mixed"),
    ("sum(gelu(A @ x))", "x", None, "mixed"),
    ("y.T @ log_softmax(A @ x)", "x", None, "mixed"),
    ("x.T @ sqrtm(S) @ y + x.T @ logm(S) @ y", "x", "S: matrix(n, n) spd", "mixed"),
]


def test_jax_source_uses_jax_numpy_only():
    source = mc.derive("c * sum(softplus(A @ kron(B, x) @ y))", "c", where="c: scalar").to_source(target="jax")
    tree = ast.parse(source)
    imports = [a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names]
    assert imports == ["jax.numpy"]
    assert not any(isinstance(n, ast.Name) and n.id == "np" for n in ast.walk(tree))
    assert ".item()" not in source  # scalars stay arrays: the function can be jitted and traced
    assert "dtype=float" not in source  # JAX's default float, no float64 warning without x64


def test_unknown_code_target_is_refused():
    with pytest.raises(ValueError, match="no code target 'torch'"):
        mc.derive("x.T @ x", "x").to_source(target="torch")


def test_jax_target_computes_the_same_values_in_numpy_semantics(monkeypatch):
    """jax.numpy mirrors NumPy: run the JAX source against NumPy itself (everywhere, JAX or not)."""
    import sys
    import types

    jax_module = types.ModuleType("jax")
    jax_module.numpy = np
    monkeypatch.setitem(sys.modules, "jax", jax_module)
    monkeypatch.setitem(sys.modules, "jax.numpy", np)
    for expr, wrt, where, layout in JAX_CASES:
        d = mc.derive(expr, wrt, layout=layout, where=where)
        arrays = _values(d)
        got = d.to_function(target="jax")(**{python_name(k): v for k, v in arrays.items()})
        np.testing.assert_allclose(np.asarray(got, dtype=float).reshape(np.shape(d.matrix(arrays))),
                                   d.matrix(arrays), rtol=1e-9, atol=1e-10, err_msg=expr)


@pytest.mark.parametrize(("expr", "wrt", "where", "layout"), JAX_CASES)
def test_jax_target_with_jax(expr, wrt, where, layout):
    """With JAX installed (the bench extra): the function runs under jax.jit in float64."""
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    d = mc.derive(expr, wrt, layout=layout, where=where)
    arrays = _values(d)
    fn = jax.jit(d.to_function(target="jax"))
    got = np.asarray(fn(**{python_name(k): v for k, v in arrays.items()}))
    want = d.matrix(arrays)
    np.testing.assert_allclose(got.reshape(np.shape(want)), want, rtol=1e-9, atol=1e-10)


def test_jax_expm_is_jax_scipys(monkeypatch):
    """The NumPy helper for expm picks its number of squarings from the values, which jax.jit cannot trace:
    the JAX target calls jax.scipy.linalg.expm instead (run here against matcalc's own expm)."""
    import sys
    import types

    from matcalc.functions import EXPM

    source = mc.derive("trace(A @ expm(S))", "A", where="S: matrix(n, n)").to_source(target="jax")
    assert "from jax.scipy.linalg import expm" in source and "np." not in source.replace("jnp.", "")
    linalg = types.ModuleType("jax.scipy.linalg")
    linalg.expm = EXPM.numpy
    for name, module in [("jax", types.ModuleType("jax")), ("jax.numpy", np), ("jax.scipy", types.ModuleType("jax.scipy")),
                         ("jax.scipy.linalg", linalg)]:
        monkeypatch.setitem(sys.modules, name, module)
    d = mc.derive("trace(A @ expm(S))", "A", where="S: matrix(n, n)")
    arrays = _values(d)
    got = d.to_function(target="jax")(**arrays)
    np.testing.assert_allclose(np.asarray(got, dtype=float), d.matrix(arrays), rtol=1e-10)


def test_a_helper_shared_by_two_functions_is_written_once():
    source = mc.derive("sum(gelu(x) + normal_cdf(x))", "x").to_source()
    assert source.count("def _erfc(") == 1 and source.count("def _normal_cdf(") == 1
    _same(mc.derive("sum(gelu(x) + normal_cdf(x))", "x"))


@pytest.mark.parametrize("expr,wrt,where", [
    ("(2 * sigma**2)**(-n / 2) * sum(x)", "x", "sigma, n: scalar"),
    ("sum(x)**(-n / 2)", "x", "n: scalar"),
    ("(x.T @ x)**(-0.5 * s * t)", "x", "s, t: scalar"),
])
def test_a_negative_product_in_an_exponent_keeps_its_brackets(expr, wrt, where):
    """x ** (-0.5 * n) must not be written x ** -0.5 * n, which Python reads as (x ** -0.5) * n."""
    d = mc.derive(expr, wrt, where=where)
    values = {"x": np.linspace(0.5, 1.5, 4), "sigma": 1.3, "n": 3.0, "s": 0.7, "t": 1.9}
    values = {k: v for k, v in values.items() if re.search(rf"\b{k}\b", expr)}
    np.testing.assert_allclose(np.ravel(d.to_function()(**values)), np.ravel(d.evaluate(values)), rtol=1e-12)


def test_a_gradient_by_a_1d_vector_comes_back_1d():
    """w - lr * grad(...) must keep w's shape: a 1-D w gets a 1-D gradient, a column a column, a matrix a matrix."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=5)
    for target in ("numpy",):
        grad = mc.derive("0.5 * ||X@w - y||^2", "w").to_function(target=target)
        w = rng.normal(size=3)
        assert grad(X=X, w=w, y=y).shape == (3,)
        assert grad(X=X, w=w.reshape(-1, 1), y=y).shape == (3, 1)
        assert (w - 0.1 * grad(X=X, w=w, y=y)).shape == (3,)
    W = rng.normal(size=(2, 5))
    assert mc.derive("sum(W @ x)", "W").to_function()(W=W, x=rng.normal(size=5)).shape == (2, 5)
    assert mc.jacobian("A @ x", "x").to_function()(A=W, x=rng.normal(size=5)).shape == (2, 5)
