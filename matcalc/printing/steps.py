r"""A derivation as the reader sees it: numbered text steps, each naming its rule, and the LaTeX rendering.

The LaTeX reads as lecture notes do, one ``aligned`` line per step, each citing its rule:

* a let step names a subexpression: ``u_{1} &= \Phi \theta && \text{let}``;
* a differential step: ``d\left(x^{\top} A x\right) &= dx^{\top} A x + x^{\top} A\, dx && \text{(L4)}``, or
  ``du_{1} &= \Phi\, d\theta`` once the node has a let-name; differentials of names print as ``dx``, ``d\theta``;
* the identification: ``\frac{\partial f}{\partial x} &= ...``;
* the rewrites that tidy the closed form continue it, ``&= ...``, each line the whole expression with the
  rewrites so far applied (a rewrite of a large expression is shown on its own: ``lhs &\Rightarrow rhs``);
* a step with no expressions (the derivative is zero, a Hessian's second pass) as a line of its own.

A long derivation (a deep network's, a deep nest's) is written with the names its text uses
(:mod:`matcalc.printing.step_names`): each long step's shared subexpressions named once, ``v_{1} &= ...``
on a row of their own before the step that first uses them, and its rewrites shown one by one, so the LaTeX
grows linearly with the depth, as the text does; a short one is written out.
"""

from __future__ import annotations

from ..expr import Expr, Symbol, distinct_nodes, substitute
from ..limits import bounded
from .display import math_bundle
from .latex import differential_latex, latex_name, to_latex
from .step_names import StepNamer, derivation_namer, is_let, is_long_derivation, step_symbols
from .step_text import steps_text

IDENTIFIED = "∂/∂"  # how an identification step's text begins: ∂/∂x = ...
CONTINUED = 1500  # a closed form whose LaTeX is longer has its rewrites shown one by one, not as whole lines
FIXPOINT = 20  # passes of the rewrites so far over the closed form (one rewrite may enable another)


@bounded
def steps_latex(steps) -> str:
    """The derivation as one LaTeX ``aligned`` block; a long one with names for its shared subexpressions."""
    writer = _Writer(derivation_namer(steps))
    for s in steps:
        writer.step(s)
    return r"\begin{aligned} " + r" \\ ".join(writer.rows) + r" \end{aligned}"


def _cite(rule: str, parenthesised: bool = True) -> str:
    text = _text_mode(rule)
    return rf"\text{{({text})}}" if parenthesised else rf"\text{{{text}}}"


TEXT_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "#": r"\#", "$": r"\$",
    "%": r"\%", "&": r"\&", "~": r"\~{}",
}


def _text_mode(text: str) -> str:
    """Plain text safe inside ``\\text{...}`` (hyphens stay hyphens)."""
    return "".join(TEXT_ESCAPES.get(ch, ch) for ch in text)


def _names(e: Expr) -> set[Symbol]:
    return {n for n in distinct_nodes(e) if isinstance(n, Symbol)}


def _differentials(candidates: set[Symbol], *known: set[str]) -> dict[Symbol, str]:
    """The names among `candidates` that are d followed by a name in one of the `known` sets, printed as ``dx``,
    ``d\\theta`` (the engine writes d_dx when dx is taken)."""
    symbols: dict[Symbol, str] = {}
    for n in candidates:
        base = n.name
        while base.startswith("d_"):
            base = base[2:]
        if base.startswith("d") and any(base[1:] in names for names in known):
            symbols[n] = "d" + latex_name(base[1:])
    return symbols


class _Writer:
    """The rows, and what the steps so far have introduced: let-names, the closed form being tidied."""

    def __init__(self, namer: StepNamer | None = None):
        self.rows: list[str] = []
        self.function = "f"  # the function differentiated: f, then ∇f in a Hessian's second pass
        self.namer = namer  # a long derivation's names (None: every step written out)
        self._reset()

    def _reset(self):
        self.lets: dict[Expr, Symbol] = {}  # a subexpression → its let-name
        self.let_names: set[str] = set()
        self.named: dict[Expr, Symbol] = {}  # a subexpression as its let step shows it → its let-name
        self.closed: Expr | None = None  # the closed form being tidied (after the identification)
        self.rewrites: dict[Expr, Expr] = {}
        self.pending: list[str] = []  # rules whose rewrite is not visible yet
        self.continued = True
        self.last: tuple[str, str, list[str]] | None = None  # the last row's lhs, rhs and rules (to extend)
        self.derived: Expr | None = None  # what the last differential row took d of
        self.seen: set[str] = set()  # with names: the names the rows so far showed of the function differentiated

    def cite(self, lhs: str, rhs: str, rules: list[str], parenthesised: bool = True) -> None:
        """A row; a row that prints as the last one did only adds its rules to the last one's citation."""
        if self.last is not None and self.last[1] == rhs and lhs.strip() in ("&=", self.last[0]):
            self.rows.pop()
            lhs, rules = self.last[0], self.last[2] + [r for r in rules if r not in self.last[2]]
        self.rows.append(f"{lhs} {rhs} && {_cite(', '.join(rules), parenthesised)}")
        self.last = (lhs, rhs, rules)

    def row(self, lhs: str, rhs: str, rule: str, parenthesised: bool = True) -> None:
        self.cite(lhs + " &=", rhs, [rule], parenthesised)

    def step(self, s) -> None:
        named = self.namer.named(s) if self.namer is not None else None
        if named is not None:
            self.long_step(s, *named)
        elif is_let(s):
            self.let(s.before, s.after)
        elif s.after is None or s.before is None:
            self.remark(s)
        elif self.closed is None and s.text.startswith(IDENTIFIED):
            self.identified(s)
        elif self.closed is not None:
            self.rewrite(s)
        else:
            self.differential(s)

    def let(self, name: Symbol, e: Expr) -> None:
        shown = e.rebuild(*[self.lets.get(a, a) for a in e.args]) if e.args else e  # children by their names
        self.lets[e] = name
        self.let_names.add(name.name)
        self.named[shown] = name
        if self.namer is not None:
            self.seen |= {n.name for n in _names(shown)}
        self.row(to_latex(name), to_latex(shown), "let", parenthesised=False)

    def differential(self, s) -> None:
        """d(before) = after, with the differentials of names printed as dx (a name new in `after` that is d
        followed by a name of `before` or a let-name; the engine writes d_dx when dx is taken)."""
        before, after = s.before, s.after
        present = _names(before)
        symbols = _differentials(_names(after) - present, {n.name for n in present}, self.let_names)
        if self.namer is not None:
            self.seen |= {n.name for n in present}
        self.differential_row(before, after, symbols, s.rule)

    def differential_row(self, before: Expr, after: Expr, symbols: dict[Symbol, str], rule: str) -> None:
        """``d(before) &= after``, ``du_{1} &= ...`` once the node has a let-name, or ``&= ...`` continuing the
        last row when it took d of the same."""
        if before == self.derived:  # d(f) = ... = ...: the substitution continues the last line
            self.cite("&=", to_latex(after, symbols), [rule])
            return
        self.derived = before
        name = self.named.get(before)
        lhs = "d" + to_latex(name) if name is not None else differential_latex(before)
        self.row(lhs, to_latex(after, symbols), rule)

    def identified(self, s) -> None:
        self.closed, self.rewrites, self.pending = s.after, {}, []
        text = to_latex(s.after)
        self.continued = len(text) <= CONTINUED
        self.row(self._identified_lhs(s.text), text, s.rule)

    def _identified_lhs(self, text: str) -> str:
        """H, or ∂f/∂x for the variable an identification's text (or form) names: ``∂/∂x = ...``."""
        if self.function == "H":
            return "H"
        variable = text[len(IDENTIFIED):].split(" = ", 1)[0]
        return rf"\frac{{\partial {self.function}}}{{\partial {latex_name(variable)}}}"

    def long_step(self, s, before: Expr | None, after: Expr | None, fresh: list[tuple[Symbol, Expr]]) -> None:
        """A long step as its text writes it: rows for the names it defines, then the step on names (a long
        rewrite on its own, ``lhs &\\Rightarrow rhs``: the closed form written whole would repeat its parts)."""
        shown = [e for e in (before, after, *(d for _, d in fresh)) if e is not None]
        symbols = self._shown_differentials(before, shown)
        for sym, definition in fresh:
            self.row(to_latex(sym), to_latex(definition, symbols), "let", parenthesised=False)
        if fresh:
            self.derived = None  # a row after let rows says what it takes d of
        if self.closed is None and s.form.startswith(IDENTIFIED):
            self.closed, self.rewrites, self.pending, self.continued = s.after, {}, [], False
            self.row(self._identified_lhs(s.form), to_latex(after, symbols), s.rule)
        elif self.closed is not None:
            self.continued = False
            self.cite(rf"{to_latex(before, symbols)} &\Rightarrow", to_latex(after, symbols), [s.rule])
        else:
            self.differential_row(before, after, symbols, s.rule)

    def _shown_differentials(self, before: Expr | None, shown: list[Expr]) -> dict[Symbol, str]:
        """The differentials among the names a long step shows: d and a name of the function (one the rows so far
        or `before` showed) or a let-name; a name of the function itself is not one."""
        present = {n.name for n in _names(before)} if before is not None else set()
        candidates = {n for e in shown for n in _names(e) if n.name not in present and n.name not in self.seen}
        return _differentials(candidates, present, self.seen, self.let_names)

    def rewrite(self, s) -> None:
        """The closed form with every rewrite so far applied, or the rewrite alone for a large one."""
        if not self.continued:
            self.cite(rf"{to_latex(s.before)} &\Rightarrow", to_latex(s.after), [s.rule])
            return
        self.rewrites[s.before] = s.after
        if s.rule not in self.pending:
            self.pending.append(s.rule)
        e = self.closed
        for _ in range(FIXPOINT):  # a rewrite recorded once may apply where a later one created its pattern
            new = substitute(e, self.rewrites)
            if new == e:
                break
            e = new
        if e != self.closed:
            self.closed = e
            self.cite("&=", to_latex(e), self.pending)
            self.pending = []

    def remark(self, s) -> None:
        """A step without expressions: the derivative is zero, or a Hessian's second pass begins."""
        if s.rule == "hessian":
            variable = s.text.split(" with ", 1)[0].rsplit("∂", 1)[-1]
            self.row("H", rf"\frac{{\partial \nabla f}}{{\partial {latex_name(variable)}}}", s.rule)
            self._reset()
            self.function = "H"
        elif s.rule == "variable":
            self.row("d" + (r"\nabla f" if self.function == "H" else "f"), "0", s.rule)
        else:
            self.cite("&", rf"\text{{{_text_mode(s.text)}}}", [s.rule])


class Steps(list):
    """A derivation: a list of :class:`Step` that prints as numbered text and renders as LaTeX."""

    def __str__(self) -> str:
        """The numbered steps, each its own text; a long derivation as :func:`steps_text` writes it (with names)."""
        if is_long_derivation(self):
            return steps_text(self, step_symbols(self))
        return "\n".join(f"{i:>3}. [{s.rule}] {s.text}" for i, s in enumerate(self, 1))

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """The derivation typeset in Jupyter (see :mod:`matcalc.printing.display`), numbered text as the fallback."""
        return math_bundle(steps_latex(self), str(self))

    def _repr_latex_(self) -> str:
        return "$$" + steps_latex(self) + "$$"

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's plain text of a list would be the Step tuples
        printer.text(str(self))
