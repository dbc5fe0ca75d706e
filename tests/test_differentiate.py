"""Differentials (matcalc.differentiate) and the rule table (matcalc.rules).

* Every rule differentiate.py or a function's definition cites has a case below (a coverage test fails
  when a new rule is added without one), and each case's derivation cites it.
* The differential itself is checked numerically: ``df`` evaluated at a random direction ``dx`` equals
  the central-difference directional derivative of ``f``, at distinct sizes for every dimension.
* The whole pipeline (``mc.derive(...).check()``) passes for each case in every layout.
* The lecture lemmas L1–L7 are cited by name where their pattern is differentiated.
"""

from __future__ import annotations

import ast
import inspect

import numpy as np
import pytest

import matcalc as mc
import matcalc.differentiate as differentiate_module
from matcalc.checking import SIZE_SETS, dim_names_of, sample_point
from matcalc.differentiate import differential
from matcalc.expr import symbols
from matcalc.functions import BUILT_IN, ELEMENTWISE
from matcalc.numeric import value_2d
from matcalc.rewrite import LEMMAS, PRESENTATION
from matcalc.rules import RULES

LAYOUTS = ("mixed", "numerator", "denominator")
SQ = "A, B: matrix(n, n)"
SPD = "S: matrix(n, n) spd"

# rule name -> derivations that must cite it: (expression, variable, where)
RULE_CASES: dict[str, list[tuple[str, str, str | None]]] = {
    "L1": [("A@x", "x", None), ("A@x + b", "x", None)],
    "L2": [("A@(B@z)", "z", None)],
    "L3": [("y.T@A@x", "x", None), ("y.T@A@x", "y", None)],
    "L4": [("x.T@A@x", "x", None), ("x.T@A@x", "x", "A: symmetric")],
    "L5": [("(A@z).T@(B@z)", "z", None)],
    "L6": [("x.T@x", "x", None), ("(A@z).T@(A@z)", "z", None)],
    "L7": [("(B@z).T@C@(D@z)", "z", None)],
    "product-rule": [("x @ x.T @ a", "x", None), ("trace(x@x.T)", "x", None)],
    "sum-rule": [("w + x", "w", None), ("w - x", "x", None)],
    "broadcast": [("x + z", "z", "z: scalar"), ("x + s**2", "s", "s: scalar")],
    "scaling": [("3*x", "x", None), ("s*x", "x", "s: scalar")],
    "hadamard-product-rule": [("x ∘ y", "x", None), ("x ∘ x", "x", None), ("s*x", "s", "s: scalar")],
    "power-rule": [("x**3", "x", None), ("w / x", "x", None)],
    "quotient-rule": [("w / x", "x", None), ("2 / x", "x", None), ("x / s", "s", "s: scalar"),
                      ("sum(y / (A@x))", "x", None)],
    "general-power-rule": [("x**s", "s", "s: scalar"), ("s**s", "s", "s: scalar")],
    "transpose": [("x.T", "x", None), ("x.T@a", "x", None)],
    "block": [("[log(x**2); sin(3*x)]", "x", "x: scalar"), ("[s*x; s**2*y]", "s", "s: scalar")],
    "elementwise-chain": [("exp(x)", "x", None), ("sum(tanh(A@x))", "x", None)],
    "sum": [("sum(x)", "x", None), ("sum(exp(A@x))", "x", None)],
    "trace": [("trace(x@y.T)", "x", None), ("trace(A@diag(x))", "x", None)],
    "diag": [("y.T @ diag(x) @ z", "x", None), ("sum(diag(A@diag(x)))", "x", None)],
    "vec": [("vec(x)", "x", None), ("vec(x.T)", "x", None)],
    "kron": [("kron(s*x, y)", "s", "s: scalar"), ("sum(kron(s*x, y))", "s", "s: scalar")],
    "det": [("det(x@x.T + I)", "x", None), ("det(A + s*B)", "s", f"s: scalar; {SQ}")],
    "logdet": [("logdet(x@x.T + I)", "x", None), ("logdet(A + s*B)", "s", f"s: scalar; {SQ}")],
    "inverse": [("inv(A + s*B)", "s", f"s: scalar; {SQ}"), ("y.T@inv(x@x.T + I)@y", "x", None)],
    "norm": [("norm(x)", "x", None), ("||A@x||", "x", None), ("norm(x.T)", "x", None), ("norm(s)", "s", "s: scalar")],
    "norm1": [("norm1(x)", "x", None), ("norm1(A@x)", "x", None)],
    "norm-fro": [("norm_fro(x)", "x", None), ("norm_fro(x@y.T)", "x", None)],
    "softmax": [("softmax(x)", "x", None), ("y.T@softmax(A@x)", "x", None), ("softmax(s*x)", "s", "s: scalar"),
                ("softmax(x.T @ B)", "x", None), ("softmax(x.T) @ y", "x", None), ("softmax(s*x.T)", "s", "s: scalar")],
    "logsumexp": [("logsumexp(x)", "x", None), ("logsumexp(A@x)", "x", None), ("logsumexp(x.T @ B)", "x", None),
                  ("logsumexp(X)", "X", None), ("logsumexp(A @ X @ B)", "X", None), ("logsumexp(s*X)", "s", "s: scalar"),
                  ("logsumexp(X @ x)", "X", None)],
    "mean": [("mean(x)", "x", None), ("mean(A @ X)", "X", None), ("mean(s*x) * y", "s", "s: scalar")],
    "log-softmax": [("log_softmax(x)", "x", None), ("y.T@log_softmax(A@x)", "x", None),
                    ("log_softmax(x.T) @ y", "x", None), ("log_softmax(s*x)", "s", "s: scalar")],
    "trace-of-function": [("trace(expm(X))", "X", "X: matrix(n, n)"),
                          ("trace(expm(A@X))", "X", "A: matrix(n, m); X: matrix(m, n)"),
                          ("trace(logm(S))", "S", SPD), ("trace(sqrtm(S))", "S", SPD)],
    "expm": [("expm(s*A)", "s", "s: scalar; A: matrix(n, n)"), ("x.T@expm(s**2*A)@x", "s", "s: scalar; A: matrix(n, n)")],
    "logm": [("logm(s*S)", "s", f"s: scalar; {SPD}")],
    "sqrtm": [("sqrtm(s*S)", "s", f"s: scalar; {SPD}")],
}

CASES = [(rule, *case) for rule, cases in RULE_CASES.items() for case in cases]
CASE_IDS = [f"{rule}:{e} wrt {v}" for rule, e, v, _ in CASES]


def _cited_rule_names() -> set[str]:
    """The rule names differentiate.py cites (string constants of its source that name a rule), and those the
    function definitions cite."""
    tree = ast.parse(inspect.getsource(differentiate_module))
    consts = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return (consts & set(RULES)) | {rule.name for fn in BUILT_IN for rule in fn.rules} | {"elementwise-chain"}


# ---------------------------------------------------------------- the table


def test_every_cited_rule_has_a_case():
    cited = _cited_rule_names()
    assert cited, "found no rule names in differentiate.py"
    missing = cited - set(RULE_CASES)
    assert not missing, f"rules cited by differentiate.py or a definition without a test case: {sorted(missing)}"
    assert set(RULE_CASES) <= set(RULES), "a test case names a rule that is not in the table"


def test_textbook_lemmas_are_in_the_table_with_a_public_source():
    for name in ("L1", "L2", "L3", "L4", "L5", "L6", "L7"):
        assert name in RULES
        assert RULES[name].statement and ("Matrix Cookbook" in RULES[name].source or "Magnus" in RULES[name].source)
    assert "xᵀ (A + Aᵀ)" in RULES["L4"].statement


def test_every_rule_has_a_statement_and_a_source():
    for name, rule in RULES.items():
        assert rule.name == name
        assert rule.statement.strip(), name
        assert rule.source.strip(), name


def test_every_function_with_a_rule_of_its_own_has_a_case():
    """Every non-element-wise function is differentiated in some case (which cites its rule, checked above)."""
    own = {fn.name for fn in BUILT_IN if fn.kind != "elementwise"}
    seen = set()
    for _, e, _, where in CASES:
        seen |= _calls(mc.parse(e, where)) & own
    assert own <= seen, f"functions without a case: {sorted(own - seen)}"


def _calls(e):
    from matcalc.expr import Call, preorder

    return {n.fn.name for n in preorder(e) if isinstance(n, Call)}


# derivations citing the rules derivative.py (not differentiate.py) applies
IDENTIFICATION_CASES = [
    ("x - x", "x", None),  # variable: the differential simplifies to zero
    ("y.T@S@x", "S", "S: symmetric"),  # symmetric-gradient
    ("y.T@D@x", "D", "D: diagonal"),  # diagonal-gradient
    ("x.T@A@x", "x", None), ("A@x", "x", None), ("sin(s*x)", "s", "s: scalar"),  # identify-*
]


def test_every_rule_in_the_table_is_cited_somewhere():
    cited = {s.rule for s in mc.hessian("x.T@A@x", "x").steps}
    for _, e, v, where in CASES:
        cited |= {s.rule for s in mc.derive(e, v, where=where).steps}
    for e, v, where in IDENTIFICATION_CASES:
        cited |= {s.rule for s in mc.derive(e, v, where=where).steps}
    cited |= {s.rule for s in mc.derive("y.T@S@x", "S", where="S: symmetric", symmetric="cookbook").steps}
    assert set(RULES) <= cited, f"rules never cited: {sorted(set(RULES) - cited)}"


@pytest.mark.parametrize("expr,wrt,where,rule", [
    ("w / x", "w", None, "hadamard-product-rule"),  # the dependent factor w is not a reciprocal
    ("x ∘ y", "x", None, "hadamard-product-rule"),
    ("3*x", "x", None, "scaling"),
])
def test_quotient_rule_only_for_a_dependent_reciprocal(expr, wrt, where, rule):
    rules = [s.rule for s in mc.derive(expr, wrt, where=where).steps]
    assert rule in rules and "quotient-rule" not in rules, rules


# ---------------------------------------------------------------- each case


@pytest.mark.parametrize("rule,expr,wrt,where", CASES, ids=CASE_IDS)
def test_derivation_cites_the_rule(rule, expr, wrt, where):
    d = mc.derive(expr, wrt, where=where)
    rules = [s.rule for s in d.steps]
    assert rule in rules, f"{expr} wrt {wrt}: steps cite {rules}, not {rule}"


def _directional_check(f, var, df, dvar, seed: int) -> list[tuple[dict, float]]:
    """df(dx) vs (f(x + h dx) - f(x - h dx)) / 2h at random points, distinct sizes per trial."""
    names = dim_names_of([f])
    rng = np.random.default_rng(seed)
    out = []
    for t in range(3):
        sizes = dict(zip(names, SIZE_SETS[t], strict=False))
        arrays = sample_point([f], sizes, rng, kink_expr=f)
        assert arrays is not None, "no valid random point"
        x0 = arrays[var.name]
        direction = rng.normal(size=x0.shape)
        h = 1e-6
        fp = value_2d(f, {**arrays, var.name: x0 + h * direction}, sizes)
        fm = value_2d(f, {**arrays, var.name: x0 - h * direction}, sizes)
        numeric = (fp - fm) / (2 * h)
        got = value_2d(df, {**arrays, dvar.name: direction}, sizes)
        assert got.shape == numeric.shape, f"df is {got.shape}, f is {numeric.shape}"
        scale = max(np.max(np.abs(numeric)), np.max(np.abs(got)), 1e-3)
        out.append((sizes, float(np.max(np.abs(got - numeric)) / scale)))
    return out


@pytest.mark.parametrize("rule,expr,wrt,where", CASES, ids=CASE_IDS)
def test_differential_matches_directional_finite_differences(rule, expr, wrt, where):
    f = mc.parse(expr, where)
    var = next(s for s in symbols(f) if s.name == wrt)
    d = differential(f, var)
    assert d.df is not None
    assert d.dvar.shape == var.shape and d.dvar.name != var.name
    assert d.df.shape == f.shape
    for sizes, err in _directional_check(f, var, d.df, d.dvar, seed=1):
        assert len(set(sizes.values())) == len(sizes), f"sizes not distinct: {sizes}"
        assert err < 1e-5, f"{expr}: df wrong at sizes {sizes} (relative error {err:.1e}): df = {d.df}"


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("rule,expr,wrt,where", CASES, ids=CASE_IDS)
def test_derivative_passes_the_finite_difference_check(rule, expr, wrt, where, layout):
    d = mc.derive(expr, wrt, layout=layout, where=where)
    report = d.check()
    assert report.status == "pass", f"{expr} wrt {wrt} [{layout}] = {d}: {report}"
    for trial in report.trials:
        sizes = list(trial.sizes.values())
        assert len(set(sizes)) == len(sizes), f"sizes must be distinct: {trial.sizes}"


def test_differential_of_a_constant_is_none():
    f = mc.parse("A@y + x")
    var = next(s for s in symbols(f) if s.name == "x")
    const = mc.parse("A@y", None)
    assert differential(const, var).df is None
    assert differential(f, var).df is not None


def test_differential_of_the_variable_is_the_placeholder():
    f = mc.parse("x")
    var = symbols(f)[0]
    d = differential(f, var)
    assert d.df == d.dvar and d.dvar.name == "dx"


def test_placeholder_name_avoids_clashes():
    f = mc.parse("x.T @ dx")
    var = next(s for s in symbols(f) if s.name == "x")
    d = differential(f, var)
    assert d.dvar.name not in {"x", "dx"}


# ---------------------------------------------------------------- lecture lemmas cited by name


@pytest.mark.parametrize("expr,wrt,where,lemma", [
    ("x.T@A@x", "x", None, "L4"),
    ("A@x", "x", None, "L1"),
    ("y.T@A@x", "x", None, "L3"),
    ("y.T@A@x", "y", None, "L3"),
    ("A@(B@z)", "z", None, "L2"),
    ("(A@z).T@(B@z)", "z", None, "L5"),
    ("x.T@x", "x", None, "L6"),
    ("(B@z).T@C@(D@z)", "z", None, "L7"),
])
def test_steps_name_the_lecture_lemma(expr, wrt, where, lemma):
    d = mc.derive(expr, wrt, where=where)
    step = next(s for s in d.steps if s.rule == lemma)
    assert step.statement == RULES[lemma].statement
    assert f"[{lemma}]" in d.steps_text()


def test_x_t_a_x_does_not_cite_the_wrong_lemmas():
    rules = {s.rule for s in mc.derive("x.T@A@x", "x").steps}
    assert "L4" in rules
    assert not rules & {"L3", "L5", "L6", "L7"}


def test_steps_name_only_known_rules():
    lemma_names = {lemma.name for lemma in [*LEMMAS, *PRESENTATION]}
    for _, e, v, where in CASES:
        d = mc.derive(e, v, where=where)
        for s in d.steps:
            assert s.rule in RULES or s.rule in lemma_names or s.rule in {"let", "substitute"}, s.rule
            if s.rule in RULES:
                assert s.statement == RULES[s.rule].statement


def test_chain_rule_steps_introduce_intermediate_names():
    """Note 001: name the inner expression, differentiate, substitute back."""
    d = mc.derive("||y - Phi theta||^2", "theta")
    lets = [s for s in d.steps if s.rule == "let"]
    assert lets and all(s.text.startswith("let u") for s in lets)
    assert any(s.rule == "substitute" for s in d.steps)
    rules = [s.rule for s in d.steps]
    # identification comes after the differential, the lemma firings after identification
    assert rules.index("substitute") < rules.index("identify-gradient")
    assert d.steps_latex().startswith(r"\begin{aligned}")


def test_elementwise_steps_name_the_node_before_its_differential():
    """σ' = σ(1 − σ) in the let-names: u2 = sigmoid(u1) is named first, then du2 reads u2 and 1 - u2."""
    d = mc.derive("sum(sigmoid(A@x))", "x")
    texts = [s.text for s in d.steps]
    chain = [s for s in d.steps if s.rule == "elementwise-chain"]
    assert [s.text for s in chain] == ["du2 = multiply(multiply(u2, 1 - u2), du1)"]
    assert "let u1 = A @ x" in texts and "let u2 = sigmoid(u1)" in texts
    assert texts.index("let u1 = A @ x") < texts.index("let u2 = sigmoid(u1)") < texts.index(chain[0].text)
    assert str(chain[0].before) == "sigmoid(u1)"
    assert "sigmoid" not in chain[0].text  # the node is shown by its name in its own step


@pytest.mark.parametrize("row", ELEMENTWISE, ids=lambda r: r.name)
def test_elementwise_steps_use_the_row_derivative(row):
    """The chain step du2 = f'(u1) du1 (written with u1 and u2 = f(u1)) is f's derivative: evaluated at
    random u1, u2 = f(u1) and du1 it equals the central difference (f(u1 + h du1) - f(u1 - h du1)) / 2h."""
    d = mc.derive(f"sum({row.name}(A@x))", "x")
    texts = [s.text for s in d.steps]
    assert f"let u2 = {row.name}(u1)" in texts
    chain = [s for s in d.steps if s.rule == "elementwise-chain"]
    assert len(chain) == 1 and chain[0].text.startswith("du2 = "), chain
    assert texts.index(f"let u2 = {row.name}(u1)") < texts.index(chain[0].text)
    rhs = chain[0].text.removeprefix("du2 = ")
    assert "du1" in rhs
    lo, hi = row.domain
    rng = np.random.default_rng(0)
    u1 = rng.uniform(lo, hi, size=200)
    if row.kink:
        u1 = u1[np.abs(u1) > 0.05]
    u1 = u1[:20]
    du1 = rng.normal(size=u1.size)
    f = lambda v: mc.evaluate(f"{row.name}(u)", {"u": v}).ravel()  # noqa: E731
    h = 1e-6
    numeric = (f(u1 + h * du1) - f(u1 - h * du1)) / (2 * h)
    where = "u1, u2, du1: vector(n)"
    got = mc.evaluate(rhs, {"u1": u1, "u2": f(u1), "du1": du1}, where=where)
    np.testing.assert_allclose(np.ravel(got), numeric, rtol=1e-5, atol=1e-7, err_msg=f"{row.name}: {rhs}")


# ---------------------------------------------------------------- every element-wise function in a chain


def _chain_argument(row) -> str:
    lo, hi = row.domain
    return "A@x" if (lo, hi) == (-2.0, 2.0) else "(A@x) / 8" if lo < 0 else "(A@x) ∘ (A@x) + 1"


@pytest.mark.parametrize("row", ELEMENTWISE, ids=lambda r: r.name)
def test_elementwise_chain_inside_a_gradient(row):
    """y.T @ f(A x) wrt x: the gradient is A.T @ (y ∘ f'(A x)), with no diag materialised
    (the zero vector for the piecewise-constant step and sign)."""
    arg = _chain_argument(row)
    d = mc.derive(f"y.T @ {row.name}({arg})", "x", where="A: matrix(m, n)" if "∘" in arg else None)
    assert d.kind == "gradient"
    assert d.shape == d.wrt.shape
    assert "diag(" not in str(d), f"materialised diag in {d}"
    if row.name in ("step", "sign"):
        assert str(d) == "vector(0)"
    report = d.check()
    assert report.status == "pass", f"{row.name}: {d}: {report}"


# ---------------------------------------------------------------- steps restated with names, when read


def test_each_rule_runs_once_and_its_named_restatement_when_read(monkeypatch):
    """A step restates its rule on named parts (du2 = (1 - u2**2) * du1). That costs as much as the rule, so it is
    built when the steps are read: differentiating runs each rule once per node; reading the steps runs it again."""
    calls = []
    real = differentiate_module._d
    monkeypatch.setattr(differentiate_module, "_d", lambda e, ds: (calls.append(e), real(e, ds))[1])
    f = mc.parse("norm(W3 @ tanh(W2 @ tanh(W1 @ x)) - y)**2")
    var = next(s for s in symbols(f) if s.name == "W1")
    d = differential(f, var)
    nodes = len(calls)
    assert nodes == 8  # W1 @ x, tanh, W2 @, tanh, W3 @, - y, norm, **2: each once
    texts = [s.text for s in d.steps]
    assert len(calls) == 2 * nodes
    assert "du2 = (1 - u2**2) * du1" in texts and "du3 = W2 @ du2" in texts
    assert [s.text for s in d.steps] == texts and len(calls) == 2 * nodes  # built once
