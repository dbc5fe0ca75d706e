"""Differentials: one rule per node type, a single entry point.

``differential(f, x)`` returns ``df`` as an expression linear in the placeholder ``dx`` (a symbol of
x's shape), or None when f does not depend on x. Each rule is the textbook identity named in
:mod:`matcalc.rules`; a named function's differential is its definition's (``fn.differential``, see
:mod:`matcalc.functions`), and a definition may take the differential past its argument instead
(``fn.through``: d tr f(U) = tr(f'(U) dU)). Each application is recorded as a step, with composite
subexpressions given intermediate names (``u1 = y - Phi @ theta``) the way the chain rule is taught.
The differential is then turned into a gradient or Jacobian by :mod:`matcalc.identify`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import singledispatch

from . import limits
from .errors import UnsupportedError
from .expr import (
    Add,
    Block,
    Call,
    Expr,
    MatMul,
    Mul,
    Number,
    Ones,
    Power,
    Symbol,
    Transpose,
    Zeros,
    distinct_nodes,
    nary,
    substitute,
)
from .functions import LOG
from .rules import RULES
from .shapes import is_scalar

Diffs = list["Expr | None"]


class Step:
    """One line of a derivation: the rule or lemma applied and what it produced.

    `text` (human text, NumPy syntax) may be given as a function that writes it: a deep expression
    prints in time proportional to its written-out size, so texts are written only when read. `after` may be
    given as a function too: a differentiation step restates its rule with named parts (du2 = (1 - u2**2) * du1),
    which costs as much as the rule itself and is built only when the steps are read."""

    __slots__ = ("rule", "_text", "before", "_after", "form")

    def __init__(self, rule: str, text: str | Callable[[], str], before: Expr | None = None,
                 after: Expr | Callable[[], Expr] | None = None, form: str | None = None):
        # `form` writes the text from before and after printed another way ("d({before}) = {after}"): a long
        # step is printed with names for its subexpressions (matcalc.printing.step_text)
        self.rule, self._text, self.before, self._after, self.form = rule, text, before, after, form

    @property
    def text(self) -> str:
        if callable(self._text):
            self._text = self._text()
        return self._text

    @property
    def after(self) -> Expr | None:
        if callable(self._after):
            self._after = self._after()
        return self._after

    def __repr__(self) -> str:
        return f"Step({self.rule!r}, {self.text!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Step) and (self.rule, self.text, self.before, self.after) == (
            other.rule, other.text, other.before, other.after)

    __hash__ = None

    @property
    def statement(self) -> str:
        rule = RULES.get(self.rule)
        return rule.statement if rule else ""


@dataclass
class Differential:
    df: Expr | None
    dvar: Symbol
    steps: list[Step] = field(default_factory=list)


def differential_symbol(var: Symbol, taken: set[str]) -> Symbol:
    """The placeholder ``dx`` for a variable x (a fresh name if ``dx`` is taken)."""
    name = "d" + var.name
    while name in taken:
        name = "d_" + name
    return Symbol(name, var.shape)


def differential(f: Expr, var: Symbol, record: bool = True) -> Differential:
    """df as an expression linear in dx (None when f does not depend on x)."""
    taken = {s.name for s in distinct_nodes(f) if isinstance(s, Symbol)}
    dvar = differential_symbol(var, taken)
    run = _Run(var, dvar, taken, record)
    run.root = f
    df = run.d(f)
    return Differential(df, dvar, run.steps)


class _Run:
    def __init__(self, var: Symbol, dvar: Symbol, taken: set[str], record: bool):
        self.var, self.dvar, self.taken, self.record = var, dvar, taken, record
        self.memo: dict[Expr, Expr | None] = {}
        self.depends: dict[Expr, bool] = {}
        self.names: dict[Expr, Symbol] = {}
        self.steps: list[Step] = []
        self.root: Expr | None = None

    def depends_on_var(self, e: Expr) -> bool:
        hit = self.depends.get(e)
        if hit is None:
            hit = e == self.var or any(self.depends_on_var(a) for a in e.args)
            self.depends[e] = hit
        return hit

    def d(self, e: Expr) -> Expr | None:
        if e in self.memo:
            return self.memo[e]
        if not self.depends_on_var(e):
            self.memo[e] = None
            return None
        if e == self.var:
            self.memo[e] = self.dvar
            return self.dvar
        through = e.fn.through(e) if isinstance(e, Call) and e.fn.through is not None else None
        if through is not None:
            return self._through(e, *through)
        ds = [self.d(a) for a in e.args]
        limits.tick()
        result, rule = _d(e, ds)
        result = _fit(result, e)
        if self.record:
            self._record(e, ds, rule, result)
        self.memo[e] = result
        return result

    def _through(self, e: Expr, inner: Expr, build: Callable[[Expr, Expr], Expr], rule: str) -> Expr:
        """df taken past the argument: built from `inner` and d(inner) (d tr f(U) from U and dU)."""
        dinner = self.d(inner)
        limits.tick()
        result = _fit(build(inner, dinner), e)
        if self.record:
            named = self._name(inner)
            shown = substitute(e, {inner: named})
            self._step(e, shown, build(named, self._dname(named)), rule)
        self.memo[e] = result
        return result

    # ---- steps with intermediate names
    def _name(self, e: Expr) -> Expr:
        """How a child appears in a step: itself if a leaf or constant, else its let-name."""
        if not e.args or not self.depends_on_var(e) or (isinstance(e, Transpose) and not e.arg.args):
            return e
        if e not in self.names:
            i = len(self.names) + 1
            while f"u{i}" in self.taken:
                i += 1
            sym = Symbol(f"u{i}", e.shape)
            self.names[e] = sym
            self.taken.add(sym.name)
            shown = e.rebuild(*[self._name(a) for a in e.args])
            self.steps.append(Step("let", lambda: f"let {sym.name} = {shown}", sym, e))  # written when read
        return self.names[e]

    def _record(self, e: Expr, ds: Diffs, rule: str, result: Expr) -> None:
        children = [self._name(a) for a in e.args]
        shown = e.rebuild(*children)
        dshown = [None if d is None else self._dname(c) for c, d in zip(children, ds)]

        def local() -> Expr:  # the rule restated on the named children, built when the step is read
            try:
                return _d(shown, dshown)[0]
            except UnsupportedError:  # a rule that reads its argument's structure (expm(c M)): the result, named
                names = {d: dn for d, dn in zip(ds, dshown) if d is not None}
                return substitute(result, {**names, **dict(zip(e.args, children))})
        self._step(e, shown, local, rule)

    def _step(self, e: Expr, shown: Expr, local: Expr | Callable[[], Expr], rule: str) -> None:
        """The step ``d(shown) = local``, or ``du = local`` once e has a let-name (`local` may be a function that
        builds it: it is built when the step is read)."""
        if e is not self.root:
            self._name(e)  # let u = e comes before du = ...
        target = self.names.get(e)

        built: list[Expr] = []

        # built once, for the step's `after` and for its text; the text must not refer to the step itself (a cycle
        # would leave every step to the cyclic collector)
        def after() -> Expr:
            if not built:
                named = local() if callable(local) else local
                # d‖u‖ = uᵀdu / ‖u‖ reads "u3.T @ du3 / u4"
                built.append(substitute(named, {shown: target}) if target is not None else named)
            return built[0]
        lhs = (lambda: f"d{target.name}") if target is not None else (lambda: f"d({shown})")
        self.steps.append(Step(rule, lambda: f"{lhs()} = {_fit(after(), shown)}", shown, after))  # written when read

    def _dname(self, child: Expr) -> Expr:
        """How d(child) appears in a step: dx, du1, or dxᵀ."""
        if child == self.var:
            return self.dvar
        if isinstance(child, Transpose):
            return Transpose(self._dname(child.arg))
        return Symbol("d" + child.name, child.shape) if isinstance(child, Symbol) else Symbol("d_", child.shape)


def _fit(d: Expr, e: Expr) -> Expr:
    """A scalar differential of a broadcast term takes the node's shape (dz → dz·1)."""
    if d.shape == e.shape:
        return d
    if is_scalar(d.shape):
        return Mul(d, Ones(e.shape))
    raise AssertionError(f"differential of shape {d.shape} for node of shape {e.shape}")  # pragma: no cover


def _neg(e: Expr) -> Expr:
    return Mul(Number(-1), e)


# ---------------------------------------------------------------- the rules, one per node type


@singledispatch
def _d(e: Expr, ds: Diffs) -> tuple[Expr, str]:
    raise UnsupportedError(f"no derivative rule for {type(e).__name__}")


@_d.register
def _(e: Symbol, ds):
    raise AssertionError("symbols are handled by the caller")  # pragma: no cover


@_d.register
def _(e: Add, ds):
    terms = [d for d in ds if d is not None]
    broadcast = not is_scalar(e.shape) and any(is_scalar(d.shape) for d in terms)
    if broadcast:
        terms = [_fit(d, e) for d in terms]
    return nary(Add, terms), ("broadcast" if broadcast else "sum-rule")


def _product_rule_counts(e: Expr, ds) -> tuple[int, int]:
    """(factors, dependent factors) of the product `e` with its nested products of the same kind counted by their
    factors, as simplification flattens them: ((A^16)^16)^16 is 4096 factors, all dependent, not 16."""
    memo: dict[Expr, int] = {}
    counts = [_flat_factors(a, type(e), memo) for a in e.args]
    return sum(counts), sum(c for c, d in zip(counts, ds) if d is not None)


def _flat_factors(a: Expr, kind: type, memo: dict[Expr, int]) -> int:
    if type(a) is not kind:
        return 1
    if a not in memo:
        memo[a] = sum(_flat_factors(b, kind, memo) for b in a.args)
    return memo[a]


@_d.register
def _(e: Mul, ds):
    limits.check_product_rule(*_product_rule_counts(e, ds))
    terms = []
    for i, d in enumerate(ds):
        if d is None:
            continue
        limits.tick()
        factors = list(e.args)
        factors[i] = d
        terms.append(Mul(*factors))
    dependent = [i for i, d in enumerate(ds) if d is not None]
    if any(isinstance(e.args[i], Power) and e.args[i].exponent == Number(-1) for i in dependent):
        rule = "quotient-rule"
    elif len(dependent) == 1 and all(is_scalar(f.shape) for j, f in enumerate(e.args) if j != dependent[0]):
        rule = "scaling"
    else:
        rule = "hadamard-product-rule"
    return nary(Add, terms), rule


@_d.register
def _(e: MatMul, ds):
    limits.check_product_rule(*_product_rule_counts(e, ds))
    terms = []
    for i, d in enumerate(ds):
        if d is None:
            continue
        limits.tick()
        factors = list(e.args)
        factors[i] = d
        terms.append(MatMul(*factors))
    return nary(Add, terms), _matmul_lemma(e, ds)


def _matmul_lemma(e: MatMul, ds: Diffs) -> str:
    """The textbook lemma this product is an instance of (L1–L7), else the general product rule."""
    dependent = [i for i, d in enumerate(ds) if d is not None]
    f = e.args
    if len(dependent) == 1:
        i = dependent[0]
        if is_scalar(e.shape) and isinstance(f[0], Transpose) and len(f) >= 2:
            return "L3"
        return "L1" if not f[i].args and isinstance(f[i], Symbol) else "L2"
    if len(dependent) == 2 and dependent == [0, len(f) - 1] and is_scalar(e.shape) and isinstance(f[0], Transpose):
        same = f[0].arg == f[-1]
        if len(f) == 2:
            return "L6" if same else "L5"
        return "L4" if same and isinstance(f[-1], Symbol) else "L7"
    return "product-rule"


@_d.register
def _(e: Power, ds):
    base, exponent = e.args
    dbase, dexp = ds
    if dexp is None:
        if isinstance(exponent, Number):
            k = exponent.value
            if k == 1:
                return dbase, "power-rule"
            power = base if k == 2 else Power(base, Number(k - 1))
        else:
            power = Power(base, Add(exponent, Number(-1)))
        return Mul(exponent, power, dbase), "power-rule"
    terms = [Mul(e, Call(LOG, base), dexp)]
    if dbase is not None:
        terms.append(Mul(exponent, Power(base, Add(exponent, Number(-1))), dbase))
    return nary(Add, terms), "general-power-rule"


@_d.register
def _(e: Transpose, ds):
    return Transpose(ds[0]), "transpose"


@_d.register
def _(e: Block, ds):
    items = [d if d is not None else Zeros(a.shape) for a, d in zip(e.args, ds)]
    return Block(*items, layout=e.layout), "block"


@_d.register
def _(e: Call, ds):
    if e.fn.differential is None:
        raise UnsupportedError(f"no derivative rule for {e.fn.spelling}")
    return e.fn.differential(e, ds)


__all__ = ["differential", "Differential", "Step"]
