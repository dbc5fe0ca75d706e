"""The rule table: every derivative rule matcalc applies, by name, with its identity and source.

The rules of the operators are listed here and implemented in :mod:`matcalc.differentiate`, which
cites these names in the derivation steps. A named function's rules are part of its definition
(``fn.rules``, :mod:`matcalc.functions`) and are collected into the table in the order of the
registry; element-wise functions are cited as ``elementwise-chain`` plus the row's own statement. The
lemmas L1–L7 are special cases of the matrix product rule and are cited by name when their
pattern is what was differentiated.
"""

from __future__ import annotations

from .functions import Rule, rows

COOKBOOK = "Matrix Cookbook (Petersen & Pedersen, 2012)"
MAGNUS = "Magnus & Neudecker, Matrix Differential Calculus (2019)"

_OPERATOR_RULES = [
    # the textbook lemmas of first-order matrix calculus (numerator layout)
    Rule("L1", "∂(A x)/∂x = A", COOKBOOK + ", §2.4.1; " + MAGNUS + ", ch. 9"),
    Rule("L2", "∂(A x)/∂z = A ∂x/∂z  for x = x(z)", "chain rule; " + MAGNUS + ", ch. 5"),
    Rule("L3", "∂(yᵀ A x)/∂x = yᵀ A ;  ∂(yᵀ A x)/∂y = xᵀ Aᵀ", COOKBOOK + ", §2.4.1"),
    Rule("L4", "∂(xᵀ A x)/∂x = xᵀ (A + Aᵀ)  (= 2 xᵀ A for symmetric A)", COOKBOOK + ", §2.4.2, eq. (81)"),
    Rule("L5", "∂(yᵀ x)/∂z = xᵀ ∂y/∂z + yᵀ ∂x/∂z", "product rule; " + MAGNUS + ", ch. 8"),
    Rule("L6", "∂(xᵀ x)/∂z = 2 xᵀ ∂x/∂z", "product rule; " + MAGNUS + ", ch. 8"),
    Rule("L7", "∂(yᵀ A x)/∂z = xᵀ Aᵀ ∂y/∂z + yᵀ A ∂x/∂z", "product and chain rules; " + MAGNUS + ", ch. 8"),
    # structural rules
    Rule("variable", "dx = dx ; d(constant) = 0", "definition of the differential"),
    Rule("sum-rule", "d(u + v) = du + dv  (∂(w ± x)/∂w = ±I)", "linearity; element-wise calculus"),
    Rule("broadcast", "d(u + z·1) = du + dz·1  (∂(x + z)/∂z = 1 for a scalar z)", "linearity; element-wise calculus"),
    Rule("product-rule", "d(A B) = dA B + A dB", "Magnus & Neudecker, ch. 8"),
    Rule("hadamard-product-rule", "d(u ∘ v) = du ∘ v + u ∘ dv  (∂(w ∘ x)/∂w = diag(x))", "linearity; element-wise calculus"),
    Rule("scaling", "d(c u) = c du for a constant c; d(c u) = dc u + c du otherwise", "linearity"),
    Rule("quotient-rule", "d(u / v) = du / v - u ∘ dv / v²  (∂(w ⊘ x)/∂x = diag(-w ⊘ x²))", "linearity; element-wise calculus"),
    Rule("power-rule", "d(u^k) = k u^(k-1) ∘ du  (constant k)", "calculus"),
    Rule("general-power-rule", "d(u^v) = u^v ∘ (log(u) ∘ dv + v ∘ du / u)", "calculus"),
    Rule("transpose", "d(uᵀ) = (du)ᵀ", "linearity of the transpose"),
    Rule("elementwise-chain", "d f(u) = f'(u) ∘ du  (∂f(x)/∂x = diag(f'(x)))", "chain rule; " + MAGNUS + ", ch. 8"),
    Rule("block", "d[U, V] = [dU, dV]", "linearity of concatenation"),
]

_IDENTIFICATION_RULES = [
    Rule("identify-gradient", "df = tr(Gᵀ dX) = sum(G ∘ dX)  ⇒  ∂f/∂X = G", "Magnus & Neudecker, first identification theorem"),
    Rule("identify-jacobian", "vec(dF) = J vec(dX)  ⇒  ∂vec(F)/∂vec(X)ᵀ = J", "Magnus & Neudecker, first identification theorem"),
    Rule("symmetric-gradient", "X symmetric: ∂f/∂X = sym(G) = (G + Gᵀ)/2, the gradient within symmetric matrices",
         "design: the gradient on the subspace of symmetric matrices"),
    Rule("cookbook-gradient", "X symmetric, the Matrix Cookbook's convention: ∂f/∂X = G + Gᵀ − G∘I, the partial "
         "derivatives by the independent entries X_ij = X_ji", COOKBOOK + ", §2.8, eq. 138"),
    Rule("diagonal-gradient", "X diagonal: ∂f/∂X = I ∘ G, the gradient within diagonal matrices",
         "the gradient on the subspace of diagonal matrices"),
    Rule("hessian", "H = ∂(∇f)/∂xᵀ: the Jacobian of the gradient (vec-Hessian for a matrix variable)",
         MAGNUS + ", ch. 10"),
    Rule("identify-scalar-variable", "dF = D dx for a scalar x  ⇒  ∂F/∂x = D", "definition of the derivative"),
]


def _function_rules() -> list[Rule]:
    """The rules the registered functions cite, each once (two rows may share one: the two diags)."""
    seen: dict[str, Rule] = {}
    for fn in rows():
        for rule in fn.rules:
            if seen.setdefault(rule.name, rule) != rule:
                raise ValueError(f"two different rules are named {rule.name!r}")
    return list(seen.values())


RULES: dict[str, Rule] = {}
for _rule in [*_OPERATOR_RULES, *_function_rules(), *_IDENTIFICATION_RULES]:
    if RULES.setdefault(_rule.name, _rule) is not _rule:
        raise ValueError(f"two rules are named {_rule.name!r}")
