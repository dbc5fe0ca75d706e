"""``hessian``: the derivative of a scalar's gradient, in closed form, with its own check.

For a vector x the Hessian is the n×n matrix ∂²f/∂x∂xᵀ; for a matrix X the vec-Hessian
∂vec(∇f)/∂vec(X)ᵀ in the stated vec order. The gradient is derived first (mixed layout), then derived
again (:func:`matcalc.derivative.derive`); the steps of both are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from .checking import CheckReport
from .derivative import Derivative, derive
from .differentiate import Step
from .errors import MatcalcError
from .limits import bounded
from .printing import to_text
from .properties import SYMMETRIC_PROPERTIES
from .shapes import ONE, describe, is_scalar
from .variable import read_question


@dataclass
class Hessian(Derivative):
    """The Hessian of a scalar expression: the derivative of its gradient.

    For a vector x it is the n×n matrix ∂²f/∂x∂xᵀ; for a matrix X the vec-Hessian
    ∂vec(∇f)/∂vec(X)ᵀ (mn×mn, in the stated vec order). ``check`` verifies the gradient against
    finite differences of f, the Hessian against finite differences of the gradient, and symmetry.
    """

    gradient: Derivative | None = None
    inner: Derivative | None = None  # the Hessian as a derivative of the gradient expression

    @property
    def convention(self) -> str:
        name = self.wrt.name
        if is_scalar(self.wrt.shape):
            return f"second derivative w.r.t. the scalar {name}"
        if self.wrt.shape[1] == ONE:
            return f"Hessian ∂²f/∂{name}∂{name}ᵀ (symmetric)"
        order = {"col": "column by column (vec)", "row": "row by row"}[self.vec[1]]
        text = f"vec-Hessian ∂vec(∇f)/∂vec({name})ᵀ; {name} flattened {order}"
        if self.wrt.props & SYMMETRIC_PROPERTIES:
            text += f"; valid along directions that keep {name} {'diagonal' if 'diagonal' in self.wrt.props else 'symmetric'}"
        return text

    def expected_shape(self):
        return self.inner.expected_shape()

    def in_layout(self, layout_name: str, vec=("col", "col")) -> Hessian:
        """The same Hessian in another layout or vec order, arranged from the second differential already found."""
        inner = self.inner.in_layout(layout_name, vec)
        if inner is self.inner:
            return self
        g = self.gradient
        steps = [*g.steps, Step("hessian", lambda: f"H = ∂(∇f)/∂{g.wrt.name} with ∇f = {to_text(g.expr)}"), *inner.steps]
        return Hessian(inner.expr, self.f, self.wrt, layout_name, "hessian", steps, inner.vec, self.notes,
                       gradient=g, inner=inner)

    def evaluate(self, values, sizes=None):
        return self.inner.evaluate(values, sizes)

    def matrix(self, values, sizes=None):
        return self.inner.matrix(values, sizes)

    def check(self, trials: int = 3, seed: int = 0, method: str = "directional") -> CheckReport:
        """The gradient against f, then the Hessian against the gradient (H·vec(V) against differences of
        the gradient along random directions V, or with ``method="entries"`` entry by entry)."""
        first = self.gradient.check(trials, seed, method)
        if not first.passed:
            first.message = ("the gradient " + (first.message or "does not match f")).strip()
            return first
        second = self.inner.check(trials, seed, method)
        second.message = "; ".join(m for m in ("gradient checked against f", second.message) if m)
        return second


@bounded
def hessian(expr, wrt, layout: str = "mixed", where=None, vec="col", notation: str = "auto") -> Hessian:
    """The Hessian of a scalar expression w.r.t. a scalar, vector or matrix variable, in closed form."""
    f, notes, wrt = read_question(expr, wrt, where, notation)
    if not is_scalar(f.shape):
        raise MatcalcError(f"a Hessian needs a scalar expression; {to_text(f)} is {describe(f.shape)}")
    g = derive(f, wrt, "mixed", where, vec)
    inner = derive(g.expr, g.wrt, layout, where, vec)
    steps = [*g.steps, Step("hessian", lambda: f"H = ∂(∇f)/∂{g.wrt.name} with ∇f = {to_text(g.expr)}"), *inner.steps]
    return Hessian(inner.expr, f, g.wrt, layout, "hessian", steps, inner.vec, notes, gradient=g, inner=inner)
