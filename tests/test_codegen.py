"""Generated NumPy code (`Derivative.to_source` / `to_function`, matcalc/codegen/); the other targets: test_codegen_targets.py.

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
from codegen_corpus import CASES, HESSIAN_CASES, MATRIX_HESSIAN_PROBES, registry_case
from codegen_corpus import values as _values

import matcalc as mc
from matcalc.codegen import function_source, python_name
from matcalc.expr import Symbol
from matcalc.functions import REGISTRY
from matcalc.shapes import ONE, Dim


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


@pytest.mark.parametrize("expr, wrt", HESSIAN_CASES)
def test_generated_hessians(expr, wrt):
    h = mc.hessian(expr, wrt, where="S: matrix(n, n) spd" if "S" in expr else None)
    _same(h)
    assert "def hessian(*" in h.to_source()


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("expr, wrt", MATRIX_HESSIAN_PROBES)
def test_matrix_hessians_never_multiply_a_permutation_matrix(expr, wrt, target):
    """kron(A, B) @ K is formed in one pass (issue 21): no n²×n² identity, commutation or permutation matrix."""
    body = mc.hessian(expr, wrt).to_source(target=target).split('"""')[-1]
    assert not re.search(r"eye\([^()]*\*", body), body  # no identity of a squared size
    assert "_commutation_order" not in body and "_kron_commuted(" in body, body
    assert not re.search(r"\]\s*@|@\s*\w+\.eye", body), body  # nothing indexed (a permutation) is multiplied


@pytest.mark.parametrize("sizes", [(2, 3), (3, 5), (5, 2), (4, 4)])
@pytest.mark.parametrize("expr, wrt", MATRIX_HESSIAN_PROBES)
def test_matrix_hessians_at_several_sizes(expr, wrt, sizes):
    h = mc.hessian(expr, wrt)
    for seed in (0, 1):
        arrays = _values(h, seed=seed, sizes=sizes)
        got = h.to_function()(**{python_name(k): v for k, v in arrays.items()})
        np.testing.assert_allclose(got, h.matrix(arrays), rtol=1e-9, atol=1e-10, err_msg=f"{expr} at {sizes}")


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registry_function_has_code(name):
    expr, wrt, where = registry_case(name)
    _same(mc.derive(expr, wrt, where=where))


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
    assert f"def _fn_{name}(u):" in d.to_source()
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


def test_products_with_commutation_matrices_are_permutations():
    """K @ M, M @ K, K @ kron, kron @ K (matching or not), transposed, K @ K: the closed form's value, no dense K."""
    from matcalc.expr import Call, Commutation, MatMul, Transpose
    from matcalc.functions import KRON
    from matcalc.numeric import evaluate

    def mat(name, r, c):
        return Symbol(name, (Commutation("t", "u").shape[0] if r == "t*u" else Dim.of(r),
                             Commutation("t", "u").shape[0] if c == "t*u" else Dim.of(c)))

    A, B = mat("A", "r", "s"), mat("B", "p", "q")
    kron = Call(KRON, A, B)
    cases = [MatMul(Commutation("p", "r"), kron), MatMul(kron, Commutation("s", "q")),
             MatMul(kron, Commutation("q", "s")), MatMul(Commutation("r", "p"), kron),
             MatMul(Transpose(kron), Commutation("r", "p")), MatMul(Commutation("s", "q"), Transpose(kron)),
             MatMul(Commutation("t", "u"), mat("C", "t*u", "u")), MatMul(mat("D", "u", "t*u"), Commutation("t", "u")),
             MatMul(Commutation("t", "u"), Commutation("u", "t"), Commutation("t", "u"))]
    rng = np.random.default_rng(0)
    sizes = {"r": 2, "s": 3, "p": 4, "q": 5, "t": 2, "u": 3}
    for e in cases:
        params = sorted({*symbols_of(e), mat("E", "t", "u")}, key=lambda s: s.name)  # E: the sizes t, u
        values = {p.name: rng.standard_normal((eval_dim(p.shape[0], sizes), eval_dim(p.shape[1], sizes))) for p in params}
        source = function_source(e, params, "f", "doc")
        assert not re.search(r"\]\s*@|@\s*\w+\.eye", source.split('"""')[-1]), source  # no permutation multiplied
        namespace: dict = {}
        exec(compile(source, "<test>", "exec"), namespace)
        np.testing.assert_allclose(namespace["f"](**values), evaluate(e, values, sizes), rtol=1e-12, err_msg=str(e))


def symbols_of(e):
    from matcalc.expr import symbols

    return symbols(e)


def eval_dim(d, sizes):
    return int(sum(c * np.prod([sizes[n] for n in m]) for m, c in d.terms))
