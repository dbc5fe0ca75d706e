"""The derivation as numbered text lines, long steps written with names for their shared subexpressions.

A short step prints its own text. A long step is written from its form (``d({before}) = {after}``) with the
names :mod:`matcalc.printing.step_names` decides: the let steps' (u1, u2, …) and new ones, each defined once,
``let v1 = …`` on a line of its own before the first step that uses it, so the text grows linearly.
"""

from __future__ import annotations

from ..limits import bounded
from .step_names import StepNamer
from .text import to_text


@bounded
def steps_text(steps, taken=()) -> str:
    """Numbered lines ``  n. [rule] text``; long steps name their subexpressions (``let v1 = …`` lines).
    New names avoid `taken` (the function's names and their differentials) and the let-names."""
    namer = StepNamer(steps, taken)
    lines = []
    for i, s in enumerate(steps, 1):
        named = namer.named(s)
        if named is None:
            lines.append(f"{i:>3}. [{s.rule}] {s.text}")
            continue
        before, after, fresh = named
        lines.extend(f"       let {sym.name} = {to_text(definition)}" for sym, definition in fresh)
        text = s.form.format(before=to_text(before) if before is not None else "",
                             after=to_text(after) if after is not None else "")
        lines.append(f"{i:>3}. [{s.rule}] {text}")
    return "\n".join(lines)
