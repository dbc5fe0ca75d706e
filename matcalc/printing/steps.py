r"""A derivation as the reader sees it: numbered text steps, each naming its rule, and the LaTeX rendering.

The LaTeX reads as lecture notes do, one ``aligned`` line per step, each citing its rule:

* a let step names a subexpression: ``u_{1} &= \Phi \theta && \text{let}``;
* a differential step: ``d\left(x^{\top} A x\right) &= dx^{\top} A x + x^{\top} A\, dx && \text{(L4)}``, or
  ``du_{1} &= \Phi\, d\theta`` once the node has a let-name; differentials of names print as ``dx``, ``d\theta``;
* the identification: ``\frac{\partial f}{\partial x} &= ...``;
* the rewrites that tidy the closed form continue it, ``&= ...``, each line the whole expression with the
  rewrites so far applied (a rewrite of a large expression is shown on its own: ``lhs &\Rightarrow rhs``);
* a step with no expressions (the derivative is zero, a Hessian's second pass) as a line of its own.
"""

from __future__ import annotations

from ..expr import Expr, Symbol, distinct_nodes, substitute
from .display import math_bundle
from .latex import differential_latex, latex_name, to_latex

IDENTIFIED = "∂/∂"  # how an identification step's text begins: ∂/∂x = ...
CONTINUED = 1500  # a closed form whose LaTeX is longer has its rewrites shown one by one, not as whole lines
FIXPOINT = 20  # passes of the rewrites so far over the closed form (one rewrite may enable another)


def steps_latex(steps) -> str:
    """The derivation as one LaTeX ``aligned`` block."""
    writer = _Writer()
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


class _Writer:
    """The rows, and what the steps so far have introduced: let-names, the closed form being tidied."""

    def __init__(self):
        self.rows: list[str] = []
        self.function = "f"  # the function differentiated: f, then ∇f in a Hessian's second pass
        self._reset()

    def _reset(self):
        self.lets: dict[Expr, Symbol] = {}  # a subexpression → its let-name
        self.named: dict[Expr, Symbol] = {}  # a subexpression as its let step shows it → its let-name
        self.closed: Expr | None = None  # the closed form being tidied (after the identification)
        self.rewrites: dict[Expr, Expr] = {}
        self.pending: list[str] = []  # rules whose rewrite is not visible yet
        self.continued = True
        self.last: tuple[str, str, list[str]] | None = None  # the last row's lhs, rhs and rules (to extend)
        self.derived: Expr | None = None  # what the last differential row took d of

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
        if s.rule == "let" and isinstance(s.before, Symbol) and s.after is not None:
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
        self.named[shown] = name
        self.row(to_latex(name), to_latex(shown), "let", parenthesised=False)

    def differential(self, s) -> None:
        """d(before) = after, with the differentials of names printed as dx (a name new in `after` that is d
        followed by a name of `before` or a let-name; the engine writes d_dx when dx is taken)."""
        before, after = s.before, s.after
        present = _names(before)
        known = {n.name for n in present} | {n.name for n in self.lets.values()}
        symbols: dict[Symbol, str] = {}
        for n in _names(after) - present:
            base = n.name
            while base.startswith("d_"):
                base = base[2:]
            if base.startswith("d") and base[1:] in known:
                symbols[n] = "d" + latex_name(base[1:])
        name = self.named.get(before)
        if before == self.derived:  # d(f) = ... = ...: the substitution continues the last line
            self.cite("&=", to_latex(after, symbols), [s.rule])
            return
        self.derived = before
        lhs = "d" + to_latex(name) if name is not None else differential_latex(before)
        self.row(lhs, to_latex(after, symbols), s.rule)

    def identified(self, s) -> None:
        variable = s.text[len(IDENTIFIED):].split(" = ", 1)[0]
        self.closed, self.rewrites, self.pending = s.after, {}, []
        text = to_latex(s.after)
        self.continued = len(text) <= CONTINUED
        if self.function == "H":
            lhs = "H"
        else:
            lhs = rf"\frac{{\partial {self.function}}}{{\partial {latex_name(variable)}}}"
        self.row(lhs, text, s.rule)

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
        return "\n".join(f"{i:>3}. [{s.rule}] {s.text}" for i, s in enumerate(self, 1))

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """The derivation typeset in Jupyter (see :mod:`matcalc.printing.display`), numbered text as the fallback."""
        return math_bundle(steps_latex(self), str(self))

    def _repr_latex_(self) -> str:
        return "$$" + steps_latex(self) + "$$"

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's plain text of a list would be the Step tuples
        printer.text(str(self))
