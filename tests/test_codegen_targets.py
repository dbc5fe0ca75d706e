"""Every code target computes the same numbers: NumPy, JAX and PyTorch over the whole codegen corpus.

The NumPy function is the reference (test_codegen.py holds it to `Derivative.matrix`); here each
target's function is held to `Derivative.matrix` too, at random points of distinct sizes, in float64
(JAX with x64 enabled, PyTorch with float64 as its default type). The PyTorch code is also checked
against PyTorch's own automatic differentiation (``torch.func.grad`` and
``torch.autograd.functional.hessian`` of the generated value function), the JAX code against
``jax.grad``; and ``with_value=True`` functions against the value and the derivative separately.

JAX and PyTorch are optional (the ``targets`` extra): the ``torch`` and ``jax`` fixtures (conftest.py) skip
without them, unless MATCALC_REQUIRE_TARGETS=1 (as in CI).
"""

from __future__ import annotations

import ast
import dataclasses
import sys
import types

import numpy as np
import pytest
from codegen_corpus import HESSIAN_CASES, as_numpy, close, corpus, values
from conftest import target_library

import matcalc as mc
from matcalc.codegen import BACKENDS, TARGETS, python_name
from matcalc.codegen.numpy_target import NUMPY

CORPUS = corpus()
IDS = [name for name, _ in CORPUS]


def _arguments(d, arrays):
    return {python_name(k): v for k, v in arrays.items()}


def test_the_targets_are_numpy_jax_and_torch():
    assert TARGETS == ("numpy", "jax", "torch")


@pytest.mark.parametrize("case", range(len(CORPUS)), ids=IDS)
def test_torch_target_computes_the_closed_form(case, torch):
    name, build = CORPUS[case]
    d = build()
    arrays = values(d)
    close(d.to_function(target="torch")(**_arguments(d, arrays)), d.matrix(arrays), name)


@pytest.mark.parametrize("case", range(len(CORPUS)), ids=IDS)
def test_jax_target_computes_the_closed_form_under_jit(case, jax):
    name, build = CORPUS[case]
    d = build()
    arrays = values(d)
    fn = jax.jit(d.to_function(target="jax"))
    close(fn(**_arguments(d, arrays)), d.matrix(arrays), name)


@pytest.mark.parametrize("case", range(len(CORPUS)), ids=IDS)
def test_jax_target_in_numpy_semantics(case, monkeypatch):
    """jax.numpy mirrors NumPy: run the JAX source against NumPy itself (everywhere, JAX or not)."""
    name, build = CORPUS[case]
    d = build()
    source = d.to_source(target="jax")
    if "jax.scipy" in source:
        pytest.skip("calls jax.scipy (checked with JAX installed)")
    jax_module = types.ModuleType("jax")
    jax_module.numpy = np
    monkeypatch.setitem(sys.modules, "jax", jax_module)
    monkeypatch.setitem(sys.modules, "jax.numpy", np)
    arrays = values(d)
    close(d.to_function(target="jax")(**_arguments(d, arrays)), d.matrix(arrays), name)


def _gradient_cases():
    return [(name, build) for name, build in CORPUS if name.endswith("[mixed]")]


@pytest.mark.parametrize("case", range(len(_gradient_cases())), ids=[n for n, _ in _gradient_cases()])
def test_torch_gradients_agree_with_torch_autograd(case, torch):
    """torch.func.grad of the generated value function equals the generated gradient."""
    name, build = _gradient_cases()[case]
    d = build()
    if d.kind != "gradient":
        pytest.skip("not a gradient")
    arrays = values(d)
    fn = d.to_function(target="torch", with_value=True)
    args = {k: torch.as_tensor(v) for k, v in _arguments(d, arrays).items()}
    var = python_name(d.wrt.name)

    def value(x):
        return fn(**{**args, var: x})[0]

    auto = torch.func.grad(value)(args[var])
    close(fn(**args)[1], as_numpy(auto).reshape(np.shape(d.matrix(arrays))), name)


@pytest.mark.parametrize("expr, wrt", HESSIAN_CASES)
def test_torch_hessians_agree_with_torch_autograd(expr, wrt, torch):
    h = mc.hessian(expr, wrt, where="S: matrix(n, n) spd" if "S" in expr else None)
    arrays = values(h)
    value = mc.derive(expr, wrt, where="S: matrix(n, n) spd" if "S" in expr else None).to_function(
        target="torch", with_value=True)
    args = {k: torch.as_tensor(v) for k, v in _arguments(h, arrays).items()}
    var = python_name(h.wrt.name)
    auto = torch.autograd.functional.hessian(lambda x: value(**{**args, var: x})[0], args[var])
    size = int(np.prod(args[var].shape))
    want = as_numpy(auto).reshape(size, size, order="F")  # vec (column by column) on both sides
    got = as_numpy(h.to_function(target="torch")(**args))
    if "spd" in (h.assumptions or ""):  # a symmetric variable: the Hessians agree on symmetric directions
        n = args[var].shape[0]
        sym = (np.eye(size) + np.eye(size)[np.arange(size).reshape(n, n).T.reshape(-1)]) / 2
        got, want = sym @ got @ sym, sym @ want @ sym
    close(got, want, expr)


@pytest.mark.parametrize("case", range(len(_gradient_cases())), ids=[n for n, _ in _gradient_cases()])
def test_jax_gradients_agree_with_jax_grad(case, jax):
    name, build = _gradient_cases()[case]
    d = build()
    if d.kind != "gradient" or "jax.scipy" in d.to_source(target="jax"):
        pytest.skip("not a gradient, or calls jax.scipy")
    arrays = values(d)
    fn = d.to_function(target="jax", with_value=True)
    args = _arguments(d, arrays)
    var = python_name(d.wrt.name)
    auto = jax.grad(lambda x: fn(**{**args, var: x})[0])(np.asarray(args[var], dtype=float))
    close(fn(**args)[1], as_numpy(auto).reshape(np.shape(d.matrix(arrays))), name)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("case", range(0, len(CORPUS), 3), ids=IDS[::3])
def test_value_and_derivative_from_one_function(case, target, request):
    """with_value=True returns (value, derivative): each equals what is computed separately."""
    if target != "numpy":
        request.getfixturevalue(target)
    name, build = CORPUS[case]
    d = build()
    arrays = values(d)
    value, derivative = d.to_function(target=target, with_value=True)(**_arguments(d, arrays))
    close(value, mc.evaluate(d.f, arrays), name + " (value)")
    close(derivative, d.matrix(arrays), name)


def test_the_value_and_the_gradient_share_their_subexpressions():
    source = mc.derive("sum(log(1 + exp(-y * (X @ w))))", "w").to_source(with_value=True)
    body = source.split('"""')[-1]
    assert body.count("X @ w") == 1 and "def value_and_gradient(*, y, X, w):" in source


def test_torch_source_uses_torch_only():
    source = mc.derive("c * sum(softplus(A @ kron(B, x) @ y)) + sum(relu(x))", "c", where="c: scalar").to_source(
        target="torch")
    tree = ast.parse(source)
    imports = [a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names]
    assert imports == ["torch"]
    assert not any(isinstance(n, ast.Name) and n.id in ("np", "jnp") for n in ast.walk(tree))
    assert ".item()" not in source and 'order="F"' not in source  # PyTorch has no column-major reshape


def test_jax_source_uses_jax_numpy_only():
    source = mc.derive("c * sum(softplus(A @ kron(B, x) @ y))", "c", where="c: scalar").to_source(target="jax")
    tree = ast.parse(source)
    imports = [a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names]
    assert imports == ["jax.numpy"]
    assert not any(isinstance(n, ast.Name) and n.id == "np" for n in ast.walk(tree))
    assert ".item()" not in source  # scalars stay arrays: the function can be jitted and traced
    assert "dtype=float" not in source  # JAX's default float, no float64 warning without x64


def test_jax_expm_is_jax_scipys(monkeypatch):
    """The NumPy helper for expm picks its number of squarings from the values, which jax.jit cannot trace:
    the JAX target calls jax.scipy.linalg.expm instead (run here against matcalc's own expm)."""
    from matcalc.functions import EXPM

    d = mc.derive("trace(A @ expm(S))", "A", where="S: matrix(n, n)")
    source = d.to_source(target="jax")
    assert "from jax.scipy.linalg import expm" in source and "np." not in source.replace("jnp.", "")
    linalg = types.ModuleType("jax.scipy.linalg")
    linalg.expm = EXPM.numpy
    for name, module in [("jax", types.ModuleType("jax")), ("jax.numpy", np), ("jax.scipy", types.ModuleType("jax.scipy")),
                         ("jax.scipy.linalg", linalg)]:
        monkeypatch.setitem(sys.modules, name, module)
    arrays = values(d)
    close(d.to_function(target="jax")(**arrays), d.matrix(arrays), "expm")


def test_unknown_code_target_is_refused():
    with pytest.raises(ValueError, match="no code target 'tensorflow'; choose one of numpy, jax, torch"):
        mc.derive("x.T @ x", "x").to_source(target="tensorflow")


def test_a_new_target_is_one_table():
    """Adding a target is registering one Backend: here NumPy again, under another name and namespace."""
    copy = dataclasses.replace(NUMPY, name="numpy-copy", namespace="numpy", imports=("import numpy",),
                               argument="numpy.asarray({0}, dtype=float)", ones="numpy.ones({0})")
    BACKENDS["numpy-copy"] = copy
    try:
        d = mc.derive("sum(tanh(W @ x) ∘ y) + sum(W)", "W")
        source = d.to_source(target="numpy-copy")
        assert "numpy.tanh(" in source and "np.tanh" not in source
        arrays = values(d)
        close(d.to_function(target="numpy-copy")(**_arguments(d, arrays)), d.matrix(arrays), "copy")
    finally:
        del BACKENDS["numpy-copy"]


@pytest.mark.parametrize("target", TARGETS)
def test_a_gradient_by_a_1d_vector_comes_back_1d(target, request):
    if target != "numpy":
        request.getfixturevalue(target)
    rng = np.random.default_rng(0)
    X, y, w = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=3)
    grad = mc.derive("0.5 * ||X@w - y||^2", "w").to_function(target=target)
    assert tuple(grad(X=X, w=w, y=y).shape) == (3,)
    assert tuple(grad(X=X, w=w.reshape(-1, 1), y=y).shape) == (3, 1)
    value, g = mc.derive("0.5 * ||X@w - y||^2", "w").to_function(target=target, with_value=True)(X=X, w=w, y=y)
    assert tuple(g.shape) == (3,) and np.shape(as_numpy(value)) in ((), (1,))


def test_torch_computes_in_its_default_float_type():
    torch = target_library("torch")
    assert torch.get_default_dtype() == torch.float32
    grad = mc.derive("x.T @ A @ x", "x").to_function(target="torch")
    rng = np.random.default_rng(1)
    out = grad(A=rng.normal(size=(3, 3)), x=rng.normal(size=3))
    assert out.dtype == torch.float32


def test_a_missing_library_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # as if PyTorch were not installed
    d = mc.derive("x.T @ x", "x")
    assert "import torch" in d.to_source(target="torch")
    with pytest.raises(ImportError, match=r"the torch code needs torch installed \(pip install"):
        d.to_function(target="torch")


# ---------------------------------------------------------------- regressions found by review: wrong numbers

REVIEW_CASES = [
    ("c / (-0.5 * x.T @ A @ x)", "c", "c: scalar"),  # 1.0 / -0.5 * (…) was (1/-0.5) * (…)
    ("2 ** (-0.5 * x.T @ A @ x)", "x", None),  # 2 ** -0.5 * (…) was (2 ** -0.5) * (…)
    ("sum(y ** (-2 * x.T @ z))", "y", None),
    ("y.T @ (x @ (-s))", "s", "s: scalar"),
    ("sum(((-I) @ (-(A + B))) ∘ X) + c", "c", "c: scalar; A: matrix(n, n)"),  # the value: A + B * X
    ("x.T @ logm(S) @ y", "x", "S: matrix(n, n)"),  # S not symmetric: eigh read one triangle
    ("trace(A @ sqrtm(c * S))", "c", "c: scalar; S: matrix(n, n)"),
    ("log(sum(exp(X @ W)))", "W", None),  # the softmax rewrite of a matrix
    ("exp(pi) * sum(x) + sqrt(1 + 2**2) * sum(x)", "x", None),  # Python numbers given to library functions
    ("sum([x; 0 * x])", "x", None),
]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("expr, wrt, where", REVIEW_CASES)
def test_review_cases_compute_the_value_and_the_derivative(expr, wrt, where, target, request):
    if target != "numpy":
        request.getfixturevalue(target)
    d = mc.derive(expr, wrt, where=where)
    arrays = values(d)
    if "logm" in expr or "sqrtm" in expr:  # a non-symmetric S with its eigenvalues well inside the right half-plane
        n = np.shape(arrays["S"])[0]
        arrays["S"] = 3 * np.eye(n) + 0.3 * np.random.default_rng(5).normal(size=(n, n))
        if "c" in arrays:
            arrays["c"] = 0.5 + np.abs(arrays["c"])
    fn = d.to_function(target=target, with_value=True)
    if target == "jax":
        fn = request.getfixturevalue("jax").jit(fn)
    value, derivative = fn(**_arguments(d, arrays))
    close(value, mc.evaluate(d.f, arrays), expr + " (value)")
    close(derivative, d.matrix(arrays), expr)


def test_a_users_function_named_like_a_helper_keeps_its_own_code():
    sympy = pytest.importorskip("sympy")
    t = sympy.Symbol("t")
    if "erfc" not in mc.functions.REGISTRY:
        mc.register_function("erfc", 2 * t)
    d = mc.derive("sum(erfc(x) ∘ y + normal_cdf(x) ∘ y)", "y")
    arrays = values(d)
    close(d.to_function()(**arrays), d.matrix(arrays), "erfc beside normal_cdf")


@pytest.mark.parametrize("target", TARGETS)
def test_logm_code_is_nan_where_the_principal_logarithm_is_not_defined(target, request):
    if target != "numpy":
        request.getfixturevalue(target)
    d = mc.derive("x.T @ logm(S) @ y + x.T @ sqrtm(S) @ y", "x", where="S: matrix(n, n)")
    arrays = {"S": np.diag([2.0, -1.0, 3.0]), "x": np.ones(3), "y": np.arange(3.0)}
    got = as_numpy(d.to_function(target=target)(**arrays))
    assert np.all(np.isnan(got)) and np.all(np.isnan(d.matrix(arrays)))
