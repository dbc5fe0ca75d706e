"""The front door for text: ``parse(text, where)`` → a typed expression tree; ``read`` also says how it read it.

Text goes through the grammar (:mod:`matcalc.syntax`), declarations are read
(:mod:`matcalc.declarations`), the notation pass decides what the text means over the whole expression
(:mod:`matcalc.reading`), and shapes are inferred (:mod:`matcalc.infer`). Every decision a reader could
doubt — a run-together name split, ``-N/2 logdet(Σ)`` read as ``(-N/2) logdet(Σ)``, an undeclared name
read as a scalar because it only scales — is kept as a note, shown on the ``assumes:`` line.
An already-built expression passes through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .declarations import Declaration, parse_where
from .errors import DeclarationError, MatcalcError, ParseError
from .expr import Expr, symbols
from .infer import NOTATIONS, Inference
from .latex_lexing import looks_like_latex
from .latex_syntax import parse_latex
from .limits import bounded, check_size
from .names import one_spelling
from .reading import apply_notation
from .shapes import describe, is_scalar
from .syntax import parse_syntax


@dataclass
class Reading:
    """A parsed expression and the notes on how its text was read."""

    expr: Expr
    notes: list[str] = field(default_factory=list)


@bounded
def read(text: str | Expr, where: str | None | dict[str, Declaration] = None, *, notation: str = "auto",
         known=(), strict: bool = False) -> Reading:
    """Parse `text` and say how it was read.

    `notation` fixes what ``*`` and ``sum(W, 1)`` mean ("numpy", "matlab", "math"; "auto" decides from the
    markers of the whole expression); "latex" reads LaTeX, which "auto" also recognises by its commands. `known`
    are names a run-together name may be made of although the
    text does not use them alone (the variable, the question's names). `strict` refuses declarations of
    names that do not occur (as ``derive`` and the command line do: a declared name that is not there is
    most likely misspelt); without it one declaration may serve many expressions."""
    if isinstance(text, Expr):
        return Reading(text)
    if not isinstance(text, str):
        raise MatcalcError(f"expected an expression string, got {type(text).__name__}")
    if notation not in NOTATIONS:
        raise MatcalcError(f"notation must be one of {', '.join(NOTATIONS)}, not {notation!r}")
    decls = parse_where(where)
    syntax_notes: list[str] = []
    latex_scalars: list = []  # name nodes LaTeX makes scalars (\frac{1}{N}, \sum_i c x_i, b\mathbf{1})
    latex = notation == "latex" or looks_like_latex(text)
    if not latex:
        try:
            node, markers = parse_syntax(text, notes=syntax_notes)
        except ParseError as error:  # `K_{m,n}`, `\mathbf`-less LaTeX with braces: LaTeX when only LaTeX reads it
            if "{" not in text:
                raise
            try:
                parse_latex(text)
            except MatcalcError:
                raise error from None
            latex = True
    if latex:
        node, markers = parse_latex(text, syntax_notes, names=(*decls, *known), scalars=latex_scalars)
        notation = "math" if notation in ("auto", "latex") else notation
    node, decls = one_spelling(node, decls, known)
    scalars = frozenset(n.data for n in latex_scalars) - set(decls)
    try:
        chosen = apply_notation(text, node, markers, decls, known)
        try:
            expr, inference, notes = _infer(text, decls, chosen, notation, scalars)
        except MatcalcError as error:
            if not chosen.splits:
                raise
            # a run-together name whose pieces do not fit together stays one name (`xx` beside x)
            plain = apply_notation(text, node, markers, decls, known, split=False)
            try:
                expr, inference, notes = _infer(text, decls, plain, notation, scalars)
            except MatcalcError:
                raise error from None
            notes.insert(0, f"{', '.join(sorted(chosen.splits))} kept as one name (as a product it does not fit)")
    except RecursionError:
        raise MatcalcError("expression too deeply nested") from None
    notes = syntax_notes + notes
    if strict:
        unused = sorted(set(decls) - set(inference.symbols))
        if unused:
            raise DeclarationError(
                f"{', '.join(unused)} {'is' if len(unused) == 1 else 'are'} declared but "
                f"{'does' if len(unused) == 1 else 'do'} not occur in the expression"
            )
    return Reading(check_size(expr, "the expression"), _unique(notes))


def parse(text: str | Expr, where: str | None | dict[str, Declaration] = None, *, notation: str = "auto",
          known=(), strict: bool = False) -> Expr:
    """Parse `text` (NumPy, MATLAB or math notation) into an expression with inferred shapes.

    >>> str(parse("x^T A x"))
    'x.T @ A @ x'
    """
    return read(text, where, notation=notation, known=known, strict=strict).expr


def _infer(text: str, decls, chosen, notation: str, fixed: frozenset[str] = frozenset()):
    """Shapes for the chosen reading; undeclared names that only scale a scalar are read as scalars (a second
    inference), when that turns an array-valued reading into a scalar one or is the only reading that fits.
    The `fixed` names are scalars from the start (LaTeX says so: ``\frac{1}{N}``)."""
    notes = list(chosen.notes)
    inference = Inference(text, decls, chosen.markers, notation, fixed)
    try:
        expr, error = inference.run(chosen.node), None
    except MatcalcError as e:
        expr, error = None, e
    scalars = inference.scalar_fits(chosen.node, failed=error is not None)
    unsure = inference.unsure_scalars(chosen.node) if error is None else []
    if scalars and (error is not None or not is_scalar(expr.shape)):
        second, scalar_expr = _scalar_reading(text, decls, chosen, notation, scalars | fixed)
        if scalar_expr is None and error is not None:
            raise error
        if scalar_expr is not None and (error is not None or is_scalar(scalar_expr.shape)):
            expr, inference = scalar_expr, second
            notes += [f"{name} read as a scalar (it only scales; declare {name} otherwise)"
                      for name in sorted(second.scalars - fixed)]
    elif error is not None:
        raise error
    for name in unsure:  # the default reading is kept; say that a scalar fits too
        if name in inference.symbols and name not in inference.scalars:
            kind = describe(inference.final_shape(inference.symbols[name][0])).split("(")[0]
            notes.append(f"{name} read as a {kind}; a scalar fits too: declare {name}: scalar if it is one")
    return expr, inference, notes + inference.notes


def _scalar_reading(text, decls, chosen, notation, scalars):
    """Inference with `scalars` read as scalars, widened while more names turn out to only scale
    (``λ‖w‖² + c``: c is added to a scalar only once λ is one); (inference, expression or None)."""
    expr = None
    for _ in range(4):
        second = Inference(text, decls, chosen.markers, notation, scalars)
        try:
            expr = second.run(chosen.node)
        except MatcalcError:
            expr = None
        more = scalars | second.scalar_fits(chosen.node, failed=expr is None)
        if more == scalars:
            return second, expr
        scalars = more
    return second, expr


def _unique(notes: list[str]) -> list[str]:
    return list(dict.fromkeys(notes))


def assumptions(e: Expr, notes=()) -> str:
    """What the expression assumes of its names: ``x: vector(n), A: matrix(n, n) symmetric``, then the notes."""
    parts = []
    for s in symbols(e):
        props = " ".join(sorted(s.props))
        parts.append(f"{s.name}: {describe(s.shape)}" + (f" {props}" if props else ""))
    return "; ".join(p for p in (", ".join(parts), *notes) if p)
