"""The judgement on one proposed derivative, and how it shows itself: as text, in HTML and in LaTeX.

One job: hold what the diagnoses found (:mod:`matcalc.grading.diagnoses`) and render it. Nothing here
compares numbers or reads answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..derivative import Derivative
from ..expr import Expr
from ..printing import to_latex, to_text
from ..printing.display import derivative_operator, math_bundle
from ..shapes import describe


@dataclass
class Verdict:
    """The judgement on one proposed derivative.

    ``correct`` is the bottom line, ``diagnosis`` one of :data:`matcalc.grading.DIAGNOSES`, ``message`` the
    sentence a teaching assistant would say, ``derivative`` the correct closed form (a :class:`Derivative`,
    in the layout the answer used when it is right, else in the requested layout or the one matching the
    answer's shape). ``str(verdict)`` gives the message with the answer, the correct closed form, its
    layout and the assumptions (and the steps when they were asked for)."""

    correct: bool
    diagnosis: str
    message: str
    derivative: Derivative
    answer: Expr | None = None
    answer_text: str = ""
    layouts: tuple[str, ...] = ()  # layouts in which the answer is (or would be) right
    factor: Fraction | float | None = None  # answer = factor × derivative, for 'factor' and 'sign'
    symmetric: tuple[str, ...] = ()  # the matrices that would have to be symmetric ('symmetric-slip')
    differences: list[tuple[tuple[int, ...], float, float]] = field(default_factory=list)  # (index, expected, got)
    sizes: dict[str, int] = field(default_factory=dict)  # the sizes of the point the differences were found at
    method: str = "numeric"  # 'symbolic' when the simplifier proved it, 'numeric' otherwise
    draws: int = 0  # random points compared
    show_steps: bool = False

    def __bool__(self) -> bool:
        return self.correct

    @property
    def steps(self):
        """The derivation of the correct closed form, each step naming its rule."""
        return self.derivative.steps

    @property
    def headline(self) -> str:
        return self.message.split("\n", 1)[0]

    def __str__(self) -> str:
        d = self.derivative
        lines = [self.message]
        if self.answer is not None:
            lines.append(f"  answer:  {to_text(self.answer)}")
        elif self.answer_text:
            lines.append(f"  answer:  {self.answer_text}")
        lines += [
            f"  correct: {d}",
            f"  shape:   {describe(d.shape)}",
            f"  layout:  {d.convention}",
            *([f"  symmetric: {d.symmetric_convention}"] if getattr(d, "symmetric_convention", "") else []),
            f"  assumes: {d.assumptions or '(nothing)'}",
        ]
        if self.show_steps:
            lines += ["steps:", d.steps_text()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Verdict {self.diagnosis}: {self.headline}>"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """Typeset maths in Jupyter: the verdict as a bold line, the answer and the correct closed form as
        maths (and the derivation, when asked for), the rest of the message and the conventions as notes."""
        d = self.derivative
        rows = []
        if self.answer is not None:
            rows.append(rf"\text{{answer: }} {to_latex(self.answer)}")
        rows.append(rf"{_operator(d)}\left({to_latex(d.f)}\right) = {d.latex()}")
        latex = r"\begin{array}{l}" + r" \\ ".join(rows) + r"\end{array}"
        if self.show_steps:
            latex += r" \\[1em] " + d.steps_latex()
        mark = "✓" if self.correct else "✗"
        conventions = "; ".join(t for t in (d.convention, getattr(d, "symmetric_convention", "")) if t)
        notes = tuple(self.message.split("\n")[1:]) + (f"{describe(d.shape)}; {conventions}; {d.assumptions}",)
        bundle = math_bundle(latex, str(self), notes, heading=f"{mark} {self.headline}")
        bundle["text/latex"] = self._repr_latex_()  # the verdict itself in the maths, for LaTeX-only front ends
        return bundle

    def _repr_latex_(self) -> str:
        d = self.derivative
        mark = r"\checkmark" if self.correct else r"\times"
        parts = [rf"{mark}\ \text{{{latex_text(self.headline)}}}"]
        if self.answer is not None:
            parts.append(rf"\text{{answer: }} {to_latex(self.answer)}")
        parts.append(rf"{_operator(d)}\left({to_latex(d.f)}\right) = {d.latex()}")
        return r"$\begin{array}{l}" + r" \\ ".join(parts) + r"\end{array}$"


def _operator(d: Derivative) -> str:
    """∂/∂x, or ∂²/∂x∂xᵀ for a Hessian."""
    return derivative_operator(d.kind, to_latex(d.wrt))


def latex_text(text: str) -> str:
    """Text safe inside \\text{...}."""
    out = []
    for ch in text:
        if ch in "\\":
            out.append(r"\textbackslash{}")
        elif ch in "{}_#%&$":
            out.append("\\" + ch)
        elif ch in "^~":
            out.append(rf"\{ch}{{}}")
        else:
            out.append(ch)
    return "".join(out)


__all__ = ["Verdict", "latex_text"]
