"""Review tests for generated code: behaviour that holds today and is worth keeping.

Every target against ``Derivative.matrix`` (and ``with_value`` against ``matcalc.evaluate``) at random
points whose sizes are all distinct, near-misses of the stable rewrites (which must not be rewritten,
or must be rewritten into something equal), the stable forms at ±800, 1-D and column inputs, names
that are keywords or library names, the autodiff of the targets' own libraries, and determinism.
"""

from __future__ import annotations

import numpy as np
import pytest
from codegen_corpus import as_numpy, close, values

import matcalc as mc
from matcalc.codegen import python_name

SIZES = (3, 5, 2, 4, 6, 7)


def _point(d, seed=0):
    return values(d, seed, SIZES)


def _check_target(d, target, convert=lambda v: v, wrap=lambda f: f):
    values = _point(d)
    args = {python_name(k): convert(np.asarray(v, dtype=float)) for k, v in values.items()}
    want, value = d.matrix(values), mc.evaluate(d.f, values)
    close(wrap(d.to_function(target=target))(**args), want, f"{target} derivative")
    got_value, got = wrap(d.to_function(target=target, with_value=True))(**args)
    close(got_value, value, f"{target} value")
    close(got, want, f"{target} derivative beside the value")


# near-misses of the stable rewrites, and forms they do rewrite inside larger trees
NEAR_MISSES = [
    ("sum(log(2 * sigmoid(x)))", "x", None),
    ("sum(log(sigmoid(2 * x)))", "x", None),
    ("sum(log(1 - 2 * sigmoid(x)))", "x", None),
    ("sum(log(2 - sigmoid(x)))", "x", None),
    ("sum(log(1 + sigmoid(x)))", "x", None),
    ("sum(log(1 + 2 * exp(x)))", "x", None),
    ("sum(log(2 + exp(x)))", "x", None),
    ("sum(log(ones(n, m) + exp(U)))", "U", "U: matrix(n, m)"),
    ("a.T @ exp(u) / sum(exp(v))", "u", None),
    ("a.T @ exp(u) / sum(exp(v))", "v", None),
    ("exp(u).T @ M @ exp(u) / sum(exp(u))", "u", None),
    ("exp(u).T @ M @ exp(u) / sum(exp(u))**2", "u", None),
    ("sum(exp(2 * u)) / sum(exp(u))", "u", None),
    ("(A @ exp(u)).T @ exp(u) / sum(exp(u))", "u", None),
    ("log(sum(exp(u)) + 1)", "u", None),
    ("log(sum(exp(u)) * sum(exp(u)))", "u", None),
    ("(exp(x) / sum(exp(x))).T @ (exp(x) / sum(exp(x)))", "x", None),
]


@pytest.mark.parametrize("expr, wrt, where", NEAR_MISSES, ids=[e for e, _, _ in NEAR_MISSES])
def test_near_misses_of_the_stable_rewrites_compute_the_closed_form(expr, wrt, where):
    _check_target(mc.derive(expr, wrt, where=where), "numpy")


ML_FORMS = [
    ("-y.T @ log(softmax(W @ x))", "W", None, False),
    ("-y.T @ (W @ x) + log(sum(exp(W @ x)))", "x", None, True),
    ("0.5 * logdet(S) + 0.5 * (x - mu).T @ inv(S) @ (x - mu)", "S", "S: matrix(n, n) spd", False),
    ("norm(X @ w - y)**2 + lam * norm(w)**2", "w", "lam: scalar", False),
    ("sum((W2 @ tanh(W1 @ x + b1) + b2 - y)**2)", "W1", None, False),
    ("v.T @ exp(X @ w) / sum(exp(X @ w))", "w", None, False),
    ("V.T @ exp(K @ q) / sum(exp(K @ q))", "K", None, False),
    ("vec(A @ X @ B)", "X", "A: matrix(p, n); X: matrix(n, m); B: matrix(m, q)", False),
    ("norm_fro(A @ X @ B - C)**2", "X", "A: matrix(p, n); X: matrix(n, m); B: matrix(m, q)", True),
    ("[x; 1].T @ A @ [x; 1]", "x", None, True),
    ("y.T @ A @ diag(x) @ B @ z", "x", "A: matrix(p, n); B: matrix(n, q)", False),
]
ML_IDS = [f"{'hessian ' if h else ''}{e} wrt {v}" for e, v, _, h in ML_FORMS]


def _build(expr, wrt, where, hessian):
    return (mc.hessian if hessian else mc.derive)(expr, wrt, where=where)


@pytest.mark.parametrize("case", ML_FORMS, ids=ML_IDS)
def test_ml_formsas_numpy(case):
    _check_target(_build(*case), "numpy")


@pytest.mark.parametrize("case", ML_FORMS, ids=ML_IDS)
def test_ml_forms_jax_jit(case, jax):
    _check_target(_build(*case), "jax", wrap=jax.jit)


@pytest.mark.parametrize("case", ML_FORMS, ids=ML_IDS)
def test_ml_forms_torch(case, torch):
    _check_target(_build(*case), "torch", convert=torch.as_tensor)


STABLE = [
    ("sum(log(1 + exp(u)))", lambda u: np.sum(np.logaddexp(0.0, u))),
    ("sum(log(sigmoid(u)))", lambda u: -np.sum(np.logaddexp(0.0, -u))),
    ("sum(log(1 - sigmoid(u)))", lambda u: -np.sum(np.logaddexp(0.0, u))),
    ("log(sum(exp(u)))", lambda u: np.max(u) + np.log(np.sum(np.exp(u - np.max(u))))),
]


@pytest.mark.parametrize("expr, exact", STABLE, ids=[e for e, _ in STABLE])
def test_stable_values_and_gradients_are_finite_at_800(expr, exact):
    u = np.array([800.0, -800.0, 799.0, -3.0])
    d = mc.derive(expr, "u")
    value, grad = d.to_function(with_value=True)(u=u)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert value == pytest.approx(exact(u), rel=1e-12)


def test_one_d_and_column_arguments_give_the_same_numbers():
    d = mc.derive("sum((X @ w - y)**2) + lam * w.T @ w", "w", where="lam: scalar")
    rng = np.random.default_rng(1)
    X, w, y = rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=3)
    f = d.to_function(with_value=True)
    v1, g1 = f(X=X, w=w, y=y, lam=0.3)
    v2, g2 = f(X=X, w=w[:, None], y=y[:, None], lam=np.array([[0.3]]))
    assert g1.shape == (5,) and g2.shape == (5, 1)
    assert v1 == pytest.approx(v2)
    np.testing.assert_allclose(g1, g2[:, 0])


def test_keyword_and_library_names_become_arguments_with_an_underscore():
    d = mc.derive("sum(np ∘ x + torch ∘ x + xp ∘ x + float ∘ x + lambda ∘ x + jnp ∘ x)", "lambda")
    source = d.to_source()
    assert "def gradient(*, np_, x, torch_, xp_, float_, lambda_, jnp_):" in source
    _check_target(d, "numpy")


def test_the_source_is_the_same_byte_for_byte():
    d = mc.derive("-y.T @ log(softmax(W2 @ tanh(W1 @ x + b1)))", "W1")
    for target in ("numpy", "jax", "torch"):
        for with_value in (False, True):
            assert d.to_source(target=target, with_value=with_value) == d.to_source(target=target, with_value=with_value)


def test_torch_func_grad_and_vmap_agree_with_the_generated_gradient(torch):
    from torch.func import grad, vmap

    d = mc.derive("sum(log(1 + exp(-y ∘ (X @ w)))) + sum(gelu(X @ w))", "w")
    values = _point(d)
    args = {k: torch.as_tensor(np.asarray(v, dtype=float)) for k, v in values.items()}
    f, g = d.to_function(target="torch", with_value=True), d.to_function(target="torch")
    auto = grad(lambda w: f(**{**args, "w": w})[0])(args["w"])
    close(g(**args), as_numpy(auto))
    ws = torch.stack([args["w"] + 0.1 * k for k in range(3)])
    batched = vmap(lambda w: g(**{**args, "w": w}))(ws)
    for k in range(3):
        close(batched[k], as_numpy(g(**{**args, "w": ws[k]})))


def test_jax_grad_and_vmap_agree_with_the_generated_gradient(jax):
    jnp = jax.numpy
    d = mc.derive("-y.T @ log(softmax(X @ w))", "w")
    values = _point(d)
    args = {k: jnp.asarray(np.asarray(v, dtype=float)) for k, v in values.items()}
    f, g = d.to_function(target="jax", with_value=True), d.to_function(target="jax")
    auto = jax.jit(jax.grad(lambda w: f(**{**args, "w": w})[0]))(args["w"])
    close(g(**args), np.asarray(auto))
    ws = jnp.stack([args["w"] + 0.1 * k for k in range(3)])
    batched = jax.vmap(lambda w: g(**{**args, "w": w}))(ws)
    for k in range(3):
        close(batched[k], np.asarray(g(**{**args, "w": ws[k]})))
