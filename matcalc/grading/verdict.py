"""The judgement on one proposed derivative, and how it shows itself: as text, in HTML and in LaTeX.

One job: hold what the diagnoses found (:mod:`matcalc.grading.diagnoses`) and render it. Nothing here
compares numbers or reads answers.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from fractions import Fraction

from ..derivative import Derivative
from ..expr import Expr
from ..printing import to_latex, to_text
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
            f"  assumes: {d.assumptions or '(nothing)'}",
        ]
        if self.show_steps:
            lines += ["steps:", d.steps_text()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Verdict {self.diagnosis}: {self.headline}>"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.correct else "#b3261e"
        mark = "✓" if self.correct else "✗"
        rows = [f"<div><b style='color:{colour}'>{mark} {html.escape(self.headline)}</b>"]
        rest = self.message.split("\n", 1)[1:]
        if rest:
            rows.append(f"<br><span>{html.escape(rest[0])}</span>")
        if self.answer is not None:
            rows.append(f"<br>answer: <code>{html.escape(to_text(self.answer))}</code>")
        d = self.derivative
        rows.append(f"<br>correct: <code>{html.escape(str(d))}</code>")
        rows.append(f"<br><small>{html.escape(describe(d.shape))}; {html.escape(d.convention)}; "
                    f"{html.escape(d.assumptions)}</small>")
        if self.show_steps:
            rows.append("<pre>" + html.escape(d.steps_text()) + "</pre>")
        return "".join(rows) + "</div>"

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
    x = to_latex(d.wrt)
    if d.kind == "hessian":
        return rf"\frac{{\partial^2}}{{\partial {x}\,\partial {x}^{{\top}}}}"
    return rf"\frac{{\partial}}{{\partial {x}}}"


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
