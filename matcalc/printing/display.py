"""What a notebook shows: typeset maths, with plain text as the fallback.

JupyterLab, Notebook 7 and VS Code show the richest output they can render, and they rank HTML above
Markdown above LaTeX: an object that offers HTML is shown as HTML, its maths as code. So matcalc's
display objects (a derivative, a verdict, a derivation) offer no HTML. They offer

* ``text/markdown``: the maths between ``$$`` (typeset by MathJax in JupyterLab and Notebook, by KaTeX in
  VS Code), then the notes (shape, layout, assumptions) as code spans;
* ``text/latex``: the maths alone, for front ends and converters that prefer it (nbconvert to PDF);
* ``text/plain``: what ``print`` shows.
"""

from __future__ import annotations


def math_bundle(latex: str, plain: str, notes: tuple[str, ...] = (), heading: str = "") -> dict[str, str]:
    """The MIME bundle of a display object: `latex` (display maths, without delimiters), the `plain` text,
    `notes` shown as code under the maths, and a `heading` (plain text, shown bold) above it."""
    parts = []
    if heading:
        parts.append(f"**{markdown_text(heading)}**")
    parts.append(f"$$\n{latex}\n$$")
    if notes:
        parts.append("  \n".join(code_span(note) for note in notes))
    return {"text/markdown": "\n\n".join(parts), "text/latex": f"$$\n{latex}\n$$", "text/plain": plain}


def code_span(text: str) -> str:
    """`text` as a Markdown code span (its own backticks need a longer fence)."""
    longest = 0
    run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_text(text: str) -> str:
    """Plain text that Markdown shows as written: its markup characters escaped (not brackets: ``\\(`` would
    open inline maths in Jupyter)."""
    return "".join("\\" + ch if ch in "\\`*_{}[]<>#|$~" else ch for ch in text)


def derivative_operator(kind: str, wrt_latex: str) -> str:
    """∂/∂x in LaTeX, or ∂²/∂x∂xᵀ for a Hessian."""
    if kind == "hessian":
        return rf"\frac{{\partial^2}}{{\partial {wrt_latex}\,\partial {wrt_latex}^{{\top}}}}"
    return rf"\frac{{\partial}}{{\partial {wrt_latex}}}"
