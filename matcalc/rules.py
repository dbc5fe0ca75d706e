"""The rule table: every derivative rule matcalc applies, by name, with its identity and source.

The differential rules (one per operator and per non-element-wise function) are implemented in
:mod:`matcalc.differentiate`, which cites these names in the derivation steps; element-wise functions
carry their derivative in their registry row (:mod:`matcalc.functions`) and are cited as
``elementwise-chain`` plus the row's own statement. The lecture lemmas L1–L7 are special cases of the
matrix product rule and are cited by name when their pattern is what was differentiated.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    statement: str
    source: str


_RULES = [
    # lecture lemmas (note 002, numerator layout)
    Rule("L1", "∂(A x)/∂x = A", "note 002, Differentiation of Matrix 1"),
    Rule("L2", "∂(A x)/∂z = A ∂x/∂z  for x = x(z)", "note 002, Differentiation of Matrix 1"),
    Rule("L3", "∂(yᵀ A x)/∂x = yᵀ A ;  ∂(yᵀ A x)/∂y = xᵀ Aᵀ", "note 002, Differentiation of Matrix 2"),
    Rule("L4", "∂(xᵀ A x)/∂x = xᵀ (A + Aᵀ)  (= 2 xᵀ A for symmetric A)", "note 002, Differentiation of Matrix 3"),
    Rule("L5", "∂(yᵀ x)/∂z = xᵀ ∂y/∂z + yᵀ ∂x/∂z", "note 002, Differentiation of Matrix 4"),
    Rule("L6", "∂(xᵀ x)/∂z = 2 xᵀ ∂x/∂z", "note 002, Differentiation of Matrix 4"),
    Rule("L7", "∂(yᵀ A x)/∂z = xᵀ Aᵀ ∂y/∂z + yᵀ A ∂x/∂z", "note 002, Differentiation of Matrix 5"),
    # structural rules
    Rule("variable", "dx = dx ; d(constant) = 0", "definition of the differential"),
    Rule("sum-rule", "d(u + v) = du + dv  (∂(w ± x)/∂w = ±I)", "note 003, element-wise rules"),
    Rule("broadcast", "d(u + z·1) = du + dz·1  (∂(x + z)/∂z = 1 for a scalar z)", "note 003, element-wise rules"),
    Rule("product-rule", "d(A B) = dA B + A dB", "Magnus & Neudecker, ch. 8; note 002"),
    Rule("hadamard-product-rule", "d(u ∘ v) = du ∘ v + u ∘ dv  (∂(w ∘ x)/∂w = diag(x))", "note 003, element-wise rules"),
    Rule("scaling", "d(c u) = c du for a constant c; d(c u) = dc u + c du otherwise", "linearity"),
    Rule("quotient-rule", "d(u / v) = du / v - u ∘ dv / v²  (∂(w ⊘ x)/∂x = diag(-w ⊘ x²))", "note 003, element-wise rules"),
    Rule("power-rule", "d(u^k) = k u^(k-1) ∘ du  (constant k)", "calculus"),
    Rule("general-power-rule", "d(u^v) = u^v ∘ (log(u) ∘ dv + v ∘ du / u)", "calculus"),
    Rule("transpose", "d(uᵀ) = (du)ᵀ", "linearity of the transpose"),
    Rule("elementwise-chain", "d f(u) = f'(u) ∘ du  (∂f(x)/∂x = diag(f'(x)))", "note 003, chain rule; note 001"),
    Rule("sum", "d sum(U) = sum(dU)  (∂ sum(x)/∂x = 1ᵀ)", "note 003, element-wise rules"),
    Rule("trace", "d tr(U) = tr(dU)", "Matrix Cookbook (99)"),
    Rule("diag", "d diag(u) = diag(du)", "linearity of diag"),
    Rule("vec", "d vec(U) = vec(dU)", "linearity of vec"),
    Rule("kron", "d(A ⊗ B) = dA ⊗ B + A ⊗ dB", "Magnus & Neudecker, ch. 9"),
    Rule("block", "d[U, V] = [dU, dV]", "linearity of concatenation"),
    Rule("norm", "d‖u‖ = uᵀ du / ‖u‖", "Matrix Cookbook (129)"),
    Rule("norm1", "d‖u‖₁ = sign(u)ᵀ du", "calculus (away from zero entries)"),
    Rule("norm-fro", "d‖U‖_F = tr(Uᵀ dU) / ‖U‖_F", "Matrix Cookbook (121)"),
    Rule("det", "d det(U) = det(U) tr(U⁻¹ dU)", "Jacobi's formula; Matrix Cookbook (46)"),
    Rule("logdet", "d log det(U) = tr(U⁻¹ dU)", "Matrix Cookbook (57)"),
    Rule("inverse", "d(U⁻¹) = -U⁻¹ dU U⁻¹", "Matrix Cookbook (59)"),
    Rule("softmax", "d softmax(u) = s ∘ du - s (sᵀ du),  s = softmax(u)  (a row u: s ∘ du - (du sᵀ) s)", "calculus"),
    Rule("logsumexp", "d logsumexp(u) = softmax(u)ᵀ du;  a matrix U: sum(P ∘ dU), P = exp(U - logsumexp(U))",
         "calculus"),
    # identification
    Rule("identify-gradient", "df = tr(Gᵀ dX) = sum(G ∘ dX)  ⇒  ∂f/∂X = G", "Magnus & Neudecker, first identification theorem"),
    Rule("identify-jacobian", "vec(dF) = J vec(dX)  ⇒  ∂vec(F)/∂vec(X)ᵀ = J", "Magnus & Neudecker, first identification theorem"),
    Rule("symmetric-gradient", "X symmetric: ∂f/∂X = sym(G) = (G + Gᵀ)/2, the gradient within symmetric matrices",
         "design: the gradient on the subspace of symmetric matrices"),
    Rule("diagonal-gradient", "X diagonal: ∂f/∂X = I ∘ G, the gradient within diagonal matrices",
         "the gradient on the subspace of diagonal matrices"),
    Rule("hessian", "H = ∂(∇f)/∂xᵀ: the Jacobian of the gradient (vec-Hessian for a matrix variable)",
         "note 001, Hessian"),
    Rule("identify-scalar-variable", "dF = D dx for a scalar x  ⇒  ∂F/∂x = D", "definition of the derivative"),
]

RULES: dict[str, Rule] = {r.name: r for r in _RULES}
