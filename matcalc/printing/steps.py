"""A derivation as the reader sees it: numbered text steps, each naming its rule, and the LaTeX rendering."""

from __future__ import annotations

from .latex import to_latex


def steps_latex(steps) -> str:
    rows = []
    for s in steps:
        if s.after is None:
            continue
        lhs = to_latex(s.before) if s.before is not None else ""
        rule = s.rule.replace("-", r"\text{-}")
        rows.append(rf"{lhs} &\to {to_latex(s.after)} && \text{{{rule}}}")
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


class Steps(list):
    """A derivation: a list of :class:`Step` that prints as numbered text and renders as LaTeX."""

    def __str__(self) -> str:
        return "\n".join(f"{i:>3}. [{s.rule}] {s.text}" for i, s in enumerate(self, 1))

    def _repr_latex_(self) -> str:
        return "$$" + steps_latex(self) + "$$"
