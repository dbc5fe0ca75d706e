"""Code generation's own cost-aware rewriting (matcalc/codegen/cheap.py, matcalc/codegen/cost.py).

Each rewrite fires on its pattern (the generated source shows it: no identity matrix, no outer product, no
diagonal of a product), keeps the value (the generated gradient equals the closed form `Derivative.matrix`
on random inputs of distinct sizes), and a near miss, where the rewrite would not lower the cost, is left as
the reader's form. The printed derivative never changes: only the code does.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from codegen_corpus import close, values
from hypothesis import HealthCheck, given, settings
from random_exprs import any_expr

import matcalc as mc
from matcalc.checking import sample_point
from matcalc.codegen import cheap as cheap_module
from matcalc.codegen.cheap import cheap
from matcalc.codegen.cost import cost
from matcalc.expr import Add, MatMul, Symbol, Transpose
from matcalc.numeric import evaluate
from matcalc.shapes import Dim

n, m = Dim.of("n"), Dim.of("m")
ONE = Dim.of(1)


def body(d) -> str:
    """The computing lines of the generated NumPy function (no docstring, no argument conversions)."""
    lines = d.to_source("g").split('"""')[-1].splitlines()
    return "\n".join(line for line in lines if "np.asarray" not in line and "shape[" not in line)


def agrees(d):
    """The generated function equals the closed form at a random point of distinct sizes."""
    arrays = values(d, sizes=(7, 4, 5, 3, 6))
    close(d.to_function()(**arrays), d.matrix(arrays), str(d))


@pytest.mark.parametrize("expr, wrt, where, absent, present", [
    ("x.T @ a @ b.T @ x", "x", None, r"@ b\.T\b(?! @ x)|a @ b\.T", r"a \* \(b\.T @ x\)"),
    ("x.T @ (I + a @ a.T) @ x", "x", None, r"np\.eye", r"x \+ a \* \(a\.T @ x\)"),
    ("x.T @ A @ x", "x", None, r"\(A \+ A\.T\)", r"A @ x \+ A\.T @ x"),
    ("sum(diag(x) @ A @ diag(x))", "x", None, r"np\.diag\(|np\.ones\(\(n, n\)\)", r"A\.T @ x"),
    ("trace(A @ diag(x) @ B @ diag(x))", "x", None, r"np\.diag\(", r"@ np\.ones\(\(n, 1\)\)"),
    ("trace(A @ diag(x) @ B @ diag(y))", "x", "x: vector(n); y: vector(m)", r"np\.diag\(", r"np\.ones\(\(m, 1\)\)"),
    ("y.T @ (a @ b.T + C) @ z", "z", "y: vector(n); a: vector(n); b: vector(m); C: matrix(n, m)",
     r"b @ a\.T", r"b \* \(a\.T @ y\)"),
])
def test_each_rewrite_fires_on_its_pattern_and_keeps_the_value(expr, wrt, where, absent, present):
    d = mc.derive(expr, wrt, where=where)
    printed = str(d)
    code = body(d)
    assert not re.search(absent, code), code
    assert re.search(present, code), code
    assert str(d) == printed  # the reader's form is untouched
    agrees(d)


def test_a_relu_network_computes_its_step_as_a_mask():
    d = mc.derive("sum((W2 @ relu(W1 @ X) - Y)**2)", "W1")
    assert "heaviside" not in body(d) and "np.greater(" in body(d)


@pytest.mark.parametrize("expr, wrt, where", [
    ("(A + B) @ X", "X", None),  # a sum times a matrix: distributing would double the n³ product
    ("sum((W2 @ tanh(W1 @ x + b1) + b2 - y)**2)", "W1", None),
])
def test_near_misses_are_left_as_they_are(expr, wrt, where):
    d = mc.derive(expr, wrt, where=where)
    cheap_module.ENABLED = False
    try:
        plain = d.to_source("g")
    finally:
        cheap_module.ENABLED = True
    assert d.to_source("g") == plain


@pytest.mark.parametrize("expr, wrt, scaled", [
    ("x.T @ inv(A) @ x", "A", r"@ -x \* "),  # -(P x xᵀ P): the sign on x, not a pass over the n×n result
    ("det(X)", "X", r"_kron_commuted\(t\d \* t\d, t\d\)"),  # c (u vᵀ − A ⊗ B K): c on u and on A
    ("trace(X.T @ X @ X.T @ X)", "X", r"_kron_commuted\(4 \* X\.T, X\)"),
])
def test_a_scalar_lands_where_it_multiplies_fewest_entries(expr, wrt, scaled):
    d = mc.derive(expr, wrt) if expr.startswith("x.T") else mc.hessian(expr, wrt)
    source = d.to_source("g")
    assert re.search(scaled, source), source
    assert not re.search(r"^\s+return (-|\w+ \* )\(", source, re.M)  # no scalar on a whole large result
    if expr.startswith("x.T"):
        agrees(d)


def test_a_sum_times_a_matrix_stays_factored():
    A, B, X = Symbol("A", (n, n)), Symbol("B", (n, n)), Symbol("X", (n, m))
    e = MatMul(Add(A, B), X)
    assert cheap(e) == e


def test_the_cost_model_counts_degree_first():
    a, b, x = (Symbol(s, (n, ONE)) for s in "abx")
    outer_first = MatMul(MatMul(a, Transpose(b)), x)
    inner_first = MatMul(a, MatMul(Transpose(b), x))
    assert cost(inner_first) * 100 < cost(outer_first)
    A = Symbol("A", (n, n))
    assert cost(MatMul(A, x)) + cost(MatMul(Transpose(A), x)) < cost(MatMul(Add(A, Transpose(A)), x))


def test_the_pass_can_be_turned_off_for_comparisons():
    d = mc.derive("x.T @ a @ b.T @ x", "x")
    cheap_module.ENABLED = False
    try:
        assert "a * b.T" in body(d)  # the n×n outer product a bᵀ (a broadcast multiplication)
    finally:
        cheap_module.ENABLED = True
    assert "a * b.T" not in body(d)


@pytest.mark.parametrize("target", ["jax", "torch"])
def test_every_target_gets_the_cheap_form(target):
    d = mc.derive("x.T @ (I + a @ a.T) @ x", "x")
    source = d.to_source("g", target=target)
    assert "eye" not in source


def test_a_kronecker_product_times_a_vec_is_the_product_of_its_factors():
    """(A ⊗ B) vec(M) = vec(B M Aᵀ) and vec(M)ᵀ (A ⊗ B) = vec(Bᵀ M A)ᵀ (Magnus & Neudecker, ch. 2), at distinct
    sizes p, q, r, s, so that no transpose can hide: the rewritten form has no Kronecker product and the same
    value."""
    import numpy as np

    from matcalc.expr import Call
    from matcalc.functions import KRON, VEC
    from matcalc.numeric import evaluate

    p, q, r, s = (Dim.of(name) for name in "pqrs")
    A, B = Symbol("A", (p, r)), Symbol("B", (q, s))
    M, N = Symbol("M", (s, r)), Symbol("N", (q, p))
    sizes = {"p": 2, "q": 3, "r": 4, "s": 5}
    rng = np.random.default_rng(0)
    values = {"A": rng.standard_normal((2, 4)), "B": rng.standard_normal((3, 5)), "M": rng.standard_normal((5, 4)),
              "N": rng.standard_normal((3, 2)), "y": rng.standard_normal((2 * 3, 1))}
    y = Symbol("y", (p * q, ONE))
    for e in (MatMul(Call(KRON, A, B), Call(VEC, M)), MatMul(Transpose(Call(VEC, N)), Call(KRON, A, B)),
              MatMul(y.T, Call(KRON, A, B), Call(VEC, M))):
        rewritten = cheap(e)
        assert "kron" not in str(rewritten), rewritten
        np.testing.assert_allclose(evaluate(rewritten, values, sizes), evaluate(e, values, sizes), rtol=1e-12)


def test_choosing_forms_works_out_each_nodes_own_cost_once(monkeypatch):
    """cheap() compares many forms sharing most of their nodes; within it a node's own work (a product's chain
    search) is worked out once, and the forms chosen are those chosen without remembering."""
    import contextlib
    from collections import Counter

    from matcalc.codegen import cost as cost_module

    h = "x"
    for k in range(1, 9):
        h = f"tanh(W{k} @ {h})"
    d = mc.derive(f"norm(W9 @ {h} - y)**2", "W1")
    counts: Counter = Counter()
    real = cost_module._own
    monkeypatch.setattr(cost_module, "_own", lambda node: (counts.update([id(node)]), real(node))[1])
    remembered = cheap(d.expr)
    assert counts and max(counts.values()) == 1
    monkeypatch.setattr(cheap_module, "remembering", contextlib.nullcontext)
    counts.clear()
    assert cheap(d.expr) == remembered and max(counts.values()) > 1


@pytest.mark.parametrize("expr, wrt, where", [
    ("y.T @ (A @ B + C) @ y", "y", "A: matrix(n, m); B: matrix(m, n)"),
    ("y.T @ (A @ B @ C + D) @ y", "y", "A: matrix(n, m); B: matrix(m, p); C: matrix(p, n)"),
    ("x.T @ (2 * (A @ B) + C).T @ y", "x", "A: matrix(n, m); B: matrix(m, p); y: vector(n); x: vector(p)"),
])
def test_a_transposed_sum_times_a_vector_is_distributed(expr, wrt, where):
    """(P Q + R)ᵀ y = Qᵀ (Pᵀ y) + Rᵀ y: a transposed sum (the gradient of yᵀ M y is (M + Mᵀ) y) is distributed as a
    sum is, its products read factor by factor, so no matrix-matrix product is formed (O(n²), not O(n³))."""
    d = mc.derive(expr, wrt, where=where)
    code = body(d)
    assert not re.search(r"\bA @ B\b|multi_dot|\)\.T @", code), code
    agrees(d)


@pytest.mark.parametrize("expr, wrt, where, sliced", [
    ("norm_fro(relu([B, x]))", "B", "B: matrix(n, m); x: vector(n)", r"\[:, 0:m\]"),
    ("norm_fro(relu([B; x.T]))", "B", "B: matrix(n, m); x: vector(m)", r"\[0:n\]"),
    ("sum(tanh([x; 1; b]))", "b", "x: vector(n); b: scalar", r"\[:, 1 \+ n:2 \+ n\]"),
    ("norm_fro(relu([B, x]) @ [eye(m); zeros(1, m)])", "B", "B: matrix(n, m); x: vector(n)", r"np\.zeros\(\(n, 1\)\)"),
    ("sum(tanh([X, Y; Z, W]))", "W", "X: matrix(n, m); Y: matrix(n, p); Z: matrix(q, m); W: matrix(q, p)", r"\[n:n \+ q\]"),
])
def test_a_selection_is_a_slice(expr, wrt, where, sliced):
    """A block of identities and zeros ([I; 0], left by differentiating a block) picks slices of the other factor
    (zeros where it picks nothing); multiplying by it would cost O(n m²) for an O(n m) result."""
    d = mc.derive(expr, wrt, where=where)
    code = d.to_source("g").split('"""')[-1]
    assert "np.eye" not in code and re.search(sliced, code), code
    agrees(d)


@pytest.mark.parametrize("expr, wrt, where, half", [
    ("y.T @ S @ S @ y", "S", "S: matrix(n, n) symmetric", r"t1 = S @ y \* y\.T"),
    ("((3 + z.T * z.T)**-2 @ (D @ D @ z)).T * norm(x)", "D", "z: vector(m); D: matrix(m, m) symmetric; x: vector(n)",
     r"t2 = t1\.T \* \(z\.T @ D\) \+ z \* \(t1 @ D\)"),
])
def test_a_sum_of_terms_and_their_transposes_is_half_computed(expr, wrt, where, half):
    """The gradient w.r.t. a symmetric matrix, (G + Gᵀ)/2, written out as terms and their transposes: H = one of each
    pair is computed once, then H + H.T (half the products)."""
    d = mc.derive(expr, wrt, where=where)
    code = body(d)
    assert re.search(half, code) and re.search(r"\bt\d \+ t\d\.T\b", code), code
    agrees(d)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(any_expr())
def test_the_mirror_of_an_expression_is_its_transpose(e):
    """cheap._mirror pushes a transpose through products, sums, element-wise operations and symmetric symbols: its
    value is the transpose of e's, and _canonical keeps every value."""
    sizes = {"n": 3, "m": 4}
    point = sample_point([e], sizes, np.random.default_rng(0))
    if point is None:
        return
    want = np.asarray(evaluate(e, point, sizes), dtype=float)
    got = np.asarray(evaluate(cheap_module._mirror(e), point, sizes), dtype=float)
    np.testing.assert_allclose(got.reshape(want.T.shape), want.T, rtol=1e-9, atol=1e-12, err_msg=str(e))
    same = np.asarray(evaluate(cheap_module._canonical(e), point, sizes), dtype=float)
    np.testing.assert_allclose(same.reshape(want.shape), want, rtol=1e-9, atol=1e-12, err_msg=str(e))


def test_distributed_terms_share_the_end_of_their_chains():
    """((B D + C) A A + …) y distributed: every term ends in A (A y), computed once (the chains are written as
    products from their vector end, so equal ends are one subexpression)."""
    d = mc.derive("y.T @ (B @ D + C) @ A @ A @ y", "y", where="B: matrix(n, m); D: matrix(m, n)")
    code = body(d)
    assert code.count("A @ (A @ y)") == 1 and re.search(r"B @ \(D @ t\d\) \+ C @ t\d", code), code
    agrees(d)


def test_nested_sums_share_one_budget_of_products():
    """A sum inside a term of a sum is distributed too (at most _MAX_TERMS products in all, however deep): the
    gradient of yᵀ (P + Pᵀ-like sums of products) y forms no matrix-matrix product."""
    d = mc.derive("y.T @ (((B @ D + E @ F) @ C + G) @ K + L) @ y", "y",
                  where="B: matrix(n, m); D: matrix(m, p); E: matrix(n, q); F: matrix(q, p); C: matrix(p, n)")
    code = body(d)
    assert "multi_dot" not in code and not re.search(r"\b[BDEF] @ [BDEF]\b|\)\.T @", code), code
    agrees(d)


@pytest.mark.parametrize("expr, wrt, where", [
    ("sin(y.T @ X @ [1; 1])", "y", "X: matrix(n, 2)"),  # [1; 1] on the right sums two columns: it selects none
    ("sum(sin(X @ [I_n, I_n]))", "X", "X: matrix(m, n)"),  # [I, I] on the right: two copies side by side
    ("sum(sin(X @ [I_n, I_n; zeros(1, n), zeros(1, n)])) + sum(v)", "X", "v: vector(n)"),  # X: m×(n+1)
])
def test_a_block_that_selects_nothing_on_its_side_is_multiplied(expr, wrt, where):
    """A block of identities and zeros is applied as slices only on the side where it selects (at most one
    identity per block row on the left, per block column on the right); otherwise it is written out."""
    d = mc.derive(expr, wrt, where=where)
    agrees(d)


def test_a_transposed_scaled_product_keeps_its_scalar_out_of_the_chain():
    """((xᵀAx) y)ᵀ z: the 1×1 factor xᵀAx scales the chain; it is not spliced into it (a shape error)."""
    d = mc.derive("((x.T @ A @ x) * y).T @ z", "z", where="x: vector(n); y, z: vector(m)")
    arrays = values(d, sizes=(7, 4, 5, 3, 6))
    value, grad = d.to_function(with_value=True)(**arrays)
    close(grad, d.matrix(arrays), str(d))


def test_a_chain_of_many_sums_is_not_tried_every_way(monkeypatch):
    """yᵀ (A₀ + B₀) … (A₁₁ + B₁₁) y: each product's search builds at most _MAX_WORK candidate products (it was
    every order of distributing the sums: 95 s for twelve)."""
    calls = []
    real = cheap_module._product
    monkeypatch.setattr(cheap_module, "_product", lambda *a, **k: (calls.append(1), real(*a, **k))[1])
    text = "y.T @ " + " @ ".join(f"(A{i} + B{i})" for i in range(12)) + " @ y"
    d = mc.derive(text, "y")
    body(d)
    assert 0 < len(calls) <= 4 * cheap_module._MAX_WORK


@pytest.mark.parametrize("text, where", [
    ("A + ones(n, n)", None), ("2 * eye(n) + A", None), ("x @ ones(1, m)", None), ("[A, B]", "A: matrix(n, n); B: matrix(n, m)"),
    ("diag(x) @ A", None), ("S * (x @ y.T)", "S: matrix(n, n) symmetric; y: vector(n)"), ("zeros(n, m) + C", None),
])
def test_the_mirror_of_constants_blocks_and_symmetric_symbols(text, where):
    """The node kinds the random expressions do not draw: all-ones, identity and zero arrays, blocks, diag(v)."""
    e = mc.parse(text, where)
    sizes = {"n": 3, "m": 4}
    point = sample_point([e], sizes, np.random.default_rng(1))
    want = np.asarray(evaluate(e, point, sizes), dtype=float)
    got = np.asarray(evaluate(cheap_module._mirror(e), point, sizes), dtype=float)
    np.testing.assert_allclose(got, want.T, rtol=1e-12, atol=1e-12, err_msg=text)


def test_the_step_of_a_constant_computes():
    """step(c) of a number: the mask is np.greater(c, 0).astype(float) (a Python bool has no astype)."""
    d = mc.derive("step(2.5) * sum(x) + sum(step(x) ∘ x)", "x")
    arrays = values(d, sizes=(5, 4, 3, 6, 7))
    close(d.to_function()(**arrays), d.matrix(arrays), str(d))
