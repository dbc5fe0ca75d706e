"""The directional check (matcalc.directional), the default of ``check()``: it rejects what the entry-wise one rejects.

The entry-wise check (``method="entries"``) differences f once per entry of the variable; the directional one
applies the closed form to a few random directions V and compares with differences of f along them. Over a
corpus of right closed forms (the golden, structured, tensor and Hessian cases of the other test modules) and
their mutations — a sign flipped, a factor of 2, the whole result or one symbol in it transposed, one term of a
sum dropped or negated — every mutation the entry-wise check fails, the directional one fails too, at
several seeds (each seed draws other points and other directions).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest

import matcalc as mc
from matcalc.checking import TOLERANCE, check_jacobian, finite_difference_jacobian
from matcalc.derivative import Derivative
from matcalc.directional import check_directional, random_directions
from matcalc.expr import Add, Mul, Number, Symbol, Transpose, substitute, symbols
from matcalc.shapes import Dim

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

CORPUS = [
    # (expression, variable, where, layout)
    ("x.T@A@x", "x", None, "mixed"),
    ("x.T@A@x", "x", None, "numerator"),
    ("x.T@A@x", "x", "A: symmetric", "mixed"),
    ("||y - Phi theta||^2", "theta", None, "mixed"),
    ("||A@x||", "x", None, "mixed"),
    ("-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w", None, "mixed"),
    ("sum(exp(A@x))", "x", None, "mixed"),
    ("y.T@A@x", "x", None, "numerator"),
    ("A@x", "x", None, "mixed"),
    ("A@x", "x", None, "denominator"),
    ("B@x", "x", "B: matrix(n, n)", "mixed"),
    ("sigmoid(x)", "x", None, "mixed"),
    ("softmax(A@x)", "x", None, "mixed"),
    ("trace(A@X@B)", "X", None, "mixed"),
    ("trace(X.T@A@X)", "X", None, "mixed"),
    ("trace(X@X)", "X", "X: symmetric", "mixed"),
    ("a.T@X@b", "X", "X: symmetric", "mixed"),
    ("a.T@X@b", "X", "X: diagonal", "mixed"),
    ("logdet(X)", "X", "X: spd", "mixed"),
    ("y.T@S@x", "S", "S: symmetric", "mixed"),
    ("A@X@B", "X", None, "mixed"),
    ("X@X", "X", None, "mixed"),
    ("inv(X)", "X", "X: invertible", "mixed"),
    ("x @ y.T", "x", None, "mixed"),
    ("norm(W2 @ tanh(W1 @ x) - y)**2", "W1", None, "mixed"),
    ("sin(x**2) * s", "s", "x, s: scalar", "mixed"),
]


def _mutations(closed):
    """Wrong closed forms near a right one: sign, factor 2, transposes (whole, or of one symbol), a term
    dropped or negated."""
    out = {"sign": Mul(Number(-1), closed), "factor 2": Mul(Number(2), closed)}
    if closed.shape[0] == closed.shape[1]:
        out["transposed"] = Transpose(closed)
    for s in symbols(closed):
        if s.shape[0] == s.shape[1] and s.shape[0] != Dim.of(1):
            out[f"{s.name} transposed"] = substitute(closed, {s: Transpose(s)})
    if isinstance(closed, Add) and len(closed.args) > 1:
        out["a term dropped"] = Add(*closed.args[1:]) if len(closed.args) > 2 else closed.args[1]
        out["a term negated"] = Add(Mul(Number(-1), closed.args[0]), *closed.args[1:])
    return out


def _with(d: Derivative, closed) -> Derivative:
    return Derivative(closed, d.f, d.wrt, d.layout, d.kind, [])


@pytest.mark.parametrize("expr,wrt,where,layout", CORPUS, ids=[f"{e} wrt {v} ({w or layout})" for e, v, w, layout in CORPUS])
def test_the_directional_check_rejects_what_the_entrywise_one_rejects(expr, wrt, where, layout):
    d = mc.derive(expr, wrt, layout=layout, where=where)
    assert d.check().status == "pass", d.check()
    assert d.check(method="entries").status == "pass"
    rejected = 0
    for name, wrong in _mutations(d.expr).items():
        bad = _with(d, wrong)
        entries = bad.check(method="entries")
        if entries.status != "fail":
            continue  # the mutation is still right (a symmetric A transposed, …)
        rejected += 1
        for seed in range(4):
            report = bad.check(seed=seed)
            assert report.status == "fail", f"{name} ({wrong}) accepted for d({expr})/d{wrt}, seed {seed}: {report}"
    assert rejected >= 2  # the corpus says something about every case


def test_a_hessian_is_checked_along_directions():
    h = mc.hessian("x.T@A@x + sum(exp(x))", "x")
    assert h.check().status == "pass" and h.check(method="entries").status == "pass"
    for wrong in ("A + A.T", "A.T + diag(exp(x))", "2 * (A + A.T + diag(exp(x)))"):
        bad = mc.hessian("x.T@A@x + sum(exp(x))", "x")
        bad.inner = _with(bad.inner, mc.parse(wrong))
        assert bad.check(method="entries").status == "fail"
        for seed in range(3):
            assert bad.check(seed=seed).status == "fail", wrong


def test_directions_honour_the_variable_structure():
    rng = np.random.default_rng(0)
    sym = Symbol("S", (Dim.of("n"), Dim.of("n")), frozenset({"symmetric"}))
    diag = Symbol("D", (Dim.of("n"), Dim.of("n")), frozenset({"diagonal"}))
    for var, test in ((sym, lambda v: np.allclose(v, v.T)), (diag, lambda v: np.allclose(v, np.diag(np.diag(v))))):
        basis = random_directions(var, (4, 4), True, rng, 3)
        assert basis.shape == (16, 3)
        for k in range(3):
            v = basis[:, k].reshape(4, 4, order="F")
            assert test(v) and np.max(np.abs(v)) == 1.0
        free = random_directions(var, (4, 4), False, rng, 1)[:, 0].reshape(4, 4, order="F")
        assert not np.allclose(free, free.T)


def test_differences_along_random_directions_of_a_linear_map_are_the_map_applied():
    f = mc.parse("A@x")
    x = next(s for s in symbols(f) if s.name == "x")
    rng = np.random.default_rng(0)
    a, xv = rng.normal(size=(3, 4)), rng.normal(size=(4, 1))
    basis = rng.normal(size=(4, 2))
    got = finite_difference_jacobian(f, x, {"A": a, "x": xv}, {"n": 3, "m": 4}, basis)
    np.testing.assert_allclose(got, a @ basis, atol=1e-8)


def test_the_report_reads_as_before():
    d = mc.derive("y.T@A@x + sum(B@z)", "x")
    new, old = d.check(), d.check(method="entries")
    assert [t.sizes for t in new.trials] == [t.sizes for t in old.trials]
    assert str(new).split("max relative error")[0] == str(old).split("max relative error")[0]
    assert str(new).split(" over ")[1] == str(old).split(" over ")[1]
    assert new.max_error < TOLERANCE
    with pytest.raises(mc.MatcalcError, match="method must be one of directional, entries"):
        d.check(method="both")


@pytest.mark.parametrize("expr", ["1e-12 * x.T @ A @ x + 1", "1e8 + sum(x)"])
def test_noise_is_inconclusive_along_directions_too(expr):
    d = mc.derive(expr, "x")
    assert check_directional(d.f, d.wrt, d.expr, d._to_vec_jacobian).status == "inconclusive"
    assert check_jacobian(d.f, d.wrt, d.expr, d._to_vec_jacobian).status == "inconclusive"


def test_a_deep_network_checks_quickly():
    from depth import tanh_mlp

    d = mc.derive(tanh_mlp(32), "W1")
    start = time.process_time()
    report = d.check()
    assert report.status == "pass", report
    assert time.process_time() - start < 5  # the entry-wise check differences f 2·2·mn times per trial
