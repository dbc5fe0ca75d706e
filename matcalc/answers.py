"""Judging a proposed derivative: ``check_answer(expr, wrt, answer)`` → a :class:`Verdict`.

One job: say whether a closed form someone proposes (a student's homework answer) is the derivative of
an expression with respect to a variable, and if it is not, how it is wrong. It does not derive
(:mod:`matcalc.derivative` does) and does not read files (the ``matcalc grade`` command does).

The answer is read with the question's names pinned to the question's shapes and properties, so
``2*A@x`` means the same ``A`` and ``x`` as in ``x.T@A@x``. Equivalence is decided numerically: the
answer and the closed forms matcalc derives (in every layout, and every vec order for tensor-valued
derivatives) are evaluated at :data:`DRAWS` independent random points, each giving the symbolic
dimensions different sizes, with values honouring the declared properties; two values agree when
their largest difference is below :data:`TOLERANCE` relative to their size. An answer that
matcalc's own simplifier turns into the derived tree is accepted without numbers.

Diagnoses (each a name in :data:`DIAGNOSES`). Names and shapes are looked at first, then the numbers,
in this order:

``unknown-name``    the answer uses a name the question does not have;
``shape-mismatch``  the answer cannot be the derivative: its shape is none the derivative has (or its
                    names' shapes contradict the question's);
``correct``         equal to the derivative (in the requested layout, or in any layout if none was
                    requested; the verdict says which one the answer used);
``other-layout``    equal to the derivative in another layout than the requested one;
``vec-order``       equal to the vec-Jacobian with matrices flattened in the other order;
``transposed``      equal to the transpose of a matrix-shaped derivative;
``sign``, ``factor`` a constant multiple of the derivative (−1, or another constant found by least
                    squares over all points and confirmed at each);
``symmetric-slip``  equal to the derivative (or a multiple of it) only when some square matrix is
                    symmetric, and it is not declared so (``2*A@x`` for ``x.T@A@x``);
``wrong``           none of these: the verdict says which entries differ at a sample point;
``inconclusive``    no three random points where the question and its derivative are defined.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from itertools import product

import numpy as np

from .checking import SIZE_SETS, dim_names_of, sample_point
from .declarations import Declaration, parse_where
from .derivative import Derivative, derive
from .errors import DeclarationError, LimitError, MatcalcError, ParseError, ShapeError, UnsupportedError
from .expr import Expr, Symbol, preorder, substitute, symbols
from .layout import LAYOUTS
from .layout import meaning as layout_meaning
from .limits import bounded
from .numeric import value_2d
from .parser import parse
from .printing import to_latex, to_text
from .properties import SYMMETRIC_PROPERTIES
from .rewrite import tidy
from .shapes import ONE, Dim, Shape, describe, is_scalar

DRAWS = 4  # independent random points per question (each with its own sizes)
TOLERANCE = 1e-7  # relative: closed forms are compared exactly, not against finite differences
DIAGNOSES = (
    "correct", "other-layout", "vec-order", "transposed", "symmetric-slip", "sign", "factor",
    "shape-mismatch", "unknown-name", "wrong", "inconclusive",
)
STRUCTURED = SYMMETRIC_PROPERTIES
ORDER_WORDS = {"col": "column by column", "row": "row by row"}
Binding = Callable[[dict[str, int]], "dict[str, int] | None"]  # sizes → the answer's own sizes


# ----------------------------------------------------------------------------------------- verdict


@dataclass
class Verdict:
    """The judgement on one proposed derivative.

    ``correct`` is the bottom line, ``diagnosis`` one of :data:`DIAGNOSES`, ``message`` the sentence a
    teaching assistant would say, ``derivative`` the correct closed form (a :class:`Derivative`, in the
    layout the answer used when it is right, else in the requested layout or the one matching the
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
        parts = [rf"{mark}\ \text{{{_latex_text(self.headline)}}}"]
        if self.answer is not None:
            parts.append(rf"\text{{answer: }} {to_latex(self.answer)}")
        parts.append(rf"\frac{{\partial}}{{\partial {to_latex(d.wrt)}}}\left({to_latex(d.f)}\right) = {d.latex()}")
        return r"$\begin{array}{l}" + r" \\ ".join(parts) + r"\end{array}$"


def _latex_text(text: str) -> str:
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


# ---------------------------------------------------------------------------------- the question


@dataclass
class _Group:
    """One closed form the derivative may take: a layout (or several giving the same tree), a vec order."""

    derivative: Derivative
    layouts: tuple[str, ...]
    vec: tuple[str, str]
    role: str  # 'primary' (what was asked), 'layout' (another layout), 'vec' (another vec order)

    @property
    def expr(self) -> Expr:
        return self.derivative.expr

    def layout_words(self) -> str:
        names = " or ".join(self.layouts)
        return f"{names} layout"

    def meaning(self) -> str:
        """What the shape means, in words (:func:`matcalc.layout.meaning`), in brackets."""
        d = self.derivative
        f_text = to_text(d.f) if d.kind == "tensor" else ""
        return f"({layout_meaning(d.kind, d.layout, d.f, d.wrt.name, d.wrt.shape, d.vec, f_text)})"


@dataclass
class _Draw:
    sizes: dict[str, int]
    arrays: dict[str, np.ndarray]
    f_scale: float


class _Question:
    """A question (expression, variable, declarations, layout, vec order) prepared for judging answers:
    its closed forms in every layout and vec order, the names pinned to their shapes, and random points
    reused for every answer."""

    def __init__(self, expr, wrt, where, layout: str | None, vec, seed: int, notation: str = "auto"):
        layout = None if layout == "any" else layout
        if layout is not None and layout not in LAYOUTS:
            raise MatcalcError(f"layout must be one of {', '.join(LAYOUTS)} (or None for any), not {layout!r}")
        self.layout = layout
        self.seed = seed
        self.notation = notation
        reference = derive(expr, wrt, layout=layout or "mixed", where=where, vec=vec, notation=notation)
        self.f, self.var, self.vec = reference.f, reference.wrt, reference.vec
        self.where = where
        self.user_decls = parse_where(where) if not isinstance(where, dict) else dict(where)
        self.groups = self._groups(reference)
        self.names = {s.name: s for s in [*symbols(self.f), self.var]}
        self.pins = self._pins()
        self.dim_names = dim_names_of([self.f, self.var, *(g.expr for g in self.groups)])
        self._draws: list[_Draw] | None = None
        self._values: dict[int, list[np.ndarray]] = {}
        self._sym_draws: dict[tuple[str, ...], list[_Draw]] = {}
        self._sym_values: dict[tuple[tuple[str, ...], int], list[np.ndarray]] = {}

    # ------------------------------------------------------------------ closed forms

    def _groups(self, reference: Derivative) -> list[_Group]:
        f, var, vec = self.f, self.var, self.vec
        orders = [vec]
        if reference.kind == "tensor":
            out_matrix = f.shape[0] != ONE and f.shape[1] != ONE
            var_matrix = var.shape[0] != ONE and var.shape[1] != ONE
            for a in ("col", "row") if out_matrix else (vec[0],):
                for b in ("col", "row") if var_matrix else (vec[1],):
                    if (a, b) not in orders:
                        orders.append((a, b))
        found: dict[tuple[Expr, tuple[str, str]], list] = {}
        for order in orders:
            for layout in LAYOUTS:
                same = layout == reference.layout and order == vec
                d = reference if same else reference.in_layout(layout, order)  # not derived again
                found.setdefault((d.expr, order), [d, []])[1].append(layout)
        groups = []
        seen_exprs: set[Expr] = set()
        for (e, order), (d, layouts) in found.items():
            if order == vec:
                role = "primary" if self.layout is None or self.layout in layouts else "layout"
            elif e in seen_exprs:
                continue  # the other vec order gives the same tree: nothing to tell apart
            else:
                role = "vec"
            seen_exprs.add(e)
            if self.layout in layouts:
                d = reference.in_layout(self.layout, order) if d.layout != self.layout else d
            groups.append(_Group(d, tuple(layouts), order, role))
        groups.sort(key=lambda g: ("primary", "layout", "vec").index(g.role))
        return groups

    def primary(self) -> list[_Group]:
        return [g for g in self.groups if g.role == "primary"]

    def reference(self) -> _Group:
        """The closed form shown when no better one is known: the requested layout, else mixed."""
        want = self.layout or "mixed"
        return next(g for g in self.primary() if want in g.layouts)

    # ------------------------------------------------------------------ reading the answer

    def _pins(self) -> dict[str, Declaration]:
        """Declarations fixing every name of the question to its shape and properties."""
        pins = dict(self.user_decls)
        rigid: set[str] = set()
        for s in self.names.values():
            rows, cols = s.shape
            if rows == ONE and cols == ONE:
                kind, dims = "scalar", None
            elif cols == ONE:
                kind, dims = "vector", (_dim_spec(rows),)
            elif rows == ONE:
                kind, dims = "covector", (_dim_spec(cols),)
            else:
                kind, dims = "matrix", (_dim_spec(rows), _dim_spec(cols))
            rigid |= {d for d in dims or () if isinstance(d, str)}
            pins[s.name] = Declaration(s.name, kind, dims, s.props)
        # names inside compound dimensions (m + 1) must not be reused for the answer's own sizes
        for s in self.names.values():
            for d in s.shape:
                for n in d.names() - rigid:
                    pins.setdefault(n, Declaration(n))
        return pins

    def read(self, answer) -> tuple[Expr | None, Verdict | None]:
        """The answer as an expression over the question's names, or a verdict when it cannot be one."""
        if isinstance(answer, Derivative):
            answer = answer.expr
        if isinstance(answer, Expr):
            for s in symbols(answer):
                mine = self.names.get(s.name)
                if mine is not None and (mine.shape != s.shape or mine.props != s.props):
                    return None, self._shape_verdict(answer, to_text(answer), (
                        f"in the answer {s.name} is {describe(s.shape)}, in the question {describe(mine.shape)}"))
            return answer, None
        if not isinstance(answer, str):
            raise MatcalcError(f"the answer must be an expression string, got {type(answer).__name__}")
        try:
            return parse(answer, self.pins, notation=self.notation, known=tuple(self.names), strict=False), None
        except RecursionError:
            raise MatcalcError("the answer is too deeply nested") from None
        except LimitError:
            raise
        except MatcalcError as err:
            try:
                parse(answer, self.user_decls, notation=self.notation, known=tuple(self.names), strict=False)
            except LimitError:
                raise
            except MatcalcError:
                raise _in_answer(err) from None
            # it reads on its own, but not with the question's shapes: it cannot be the derivative
            reason = getattr(err, "reason", str(err))
            return None, self._shape_verdict(None, answer, f"with the question's shapes, {reason}")

    # ------------------------------------------------------------------ random points

    def draws(self) -> list[_Draw]:
        if self._draws is None:
            self._draws = self._sample([self.f, self.var, *(g.expr for g in self.groups)], self.f)
        return self._draws

    def _sample(self, exprs: list[Expr], kink: Expr) -> list[_Draw]:
        rng = np.random.default_rng(self.seed)
        out: list[_Draw] = []
        for t in range(DRAWS + len(SIZE_SETS)):
            if len(out) == DRAWS:
                break
            sizes = _sizes(self.dim_names, t)
            try:
                arrays = sample_point(exprs, sizes, rng, kink_expr=kink)
            except LimitError:
                raise
            except (MatcalcError, ValueError, np.linalg.LinAlgError):
                arrays = None
            if arrays is None:
                continue
            f_scale = float(np.max(np.abs(value_2d(self.f, arrays, sizes)), initial=0.0))
            out.append(_Draw(sizes, arrays, f_scale))
        return out

    def values(self, i: int) -> list[np.ndarray]:
        """The values of group i at the draws."""
        if i not in self._values:
            self._values[i] = [value_2d(self.groups[i].expr, d.arrays, d.sizes) for d in self.draws()]
        return self._values[i]

    def symmetric_candidates(self) -> list[tuple[str, ...]]:
        """Square constant matrices not declared symmetric: each alone, then all together."""
        names = [s.name for s in symbols(self.f) if s.name != self.var.name and s.shape[0] == s.shape[1]
                 and s.shape[0] != ONE and not (s.props & STRUCTURED)]
        subsets = [(n,) for n in names]
        if len(names) > 1:
            subsets.append(tuple(names))
        return subsets

    def symmetric_draws(self, subset: tuple[str, ...]) -> list[_Draw]:
        if subset not in self._sym_draws:
            mapping = {}
            for s in symbols(self.f):
                if s.name in subset:
                    mapping[s] = Symbol(s.name, s.shape, s.props | {"symmetric"})
            exprs = [substitute(e, mapping) for e in [self.f, *(g.expr for g in self.groups)]]
            self._sym_draws[subset] = self._sample([*exprs, self.var], exprs[0])
        return self._sym_draws[subset]

    def symmetric_values(self, subset: tuple[str, ...], i: int) -> list[np.ndarray]:
        key = (subset, i)
        if key not in self._sym_values:
            self._sym_values[key] = [value_2d(self.groups[i].expr, d.arrays, d.sizes) for d in self.symmetric_draws(subset)]
        return self._sym_values[key]

    # ------------------------------------------------------------------ judging

    def judge(self, answer, show_steps: bool = False) -> Verdict:
        text = answer if isinstance(answer, str) else ""
        a, verdict = self.read(answer)
        if verdict is None:
            verdict = self._judge(a)
        verdict.answer_text = text
        verdict.show_steps = show_steps
        return verdict

    def _judge(self, a: Expr) -> Verdict:
        unknown = [s.name for s in symbols(a) if s.name not in self.names]
        if unknown:
            names = ", ".join(unknown)
            return self._verdict(False, "unknown-name", (
                f"wrong: the answer uses {names}, which {'is' if len(unknown) == 1 else 'are'} not in the question"), a)
        # symbolic: the simplifier gives the very tree derived
        try:
            simple = tidy(a)
        except LimitError:
            raise
        except (MatcalcError, RecursionError):
            simple = None
        for g in self.primary():
            if simple == g.expr:
                return self._correct(g, a, "symbolic")
        # which closed forms can the answer be, by shape?
        fits = {i: b for i, g in enumerate(self.groups) if (b := self._fit(a, g.expr.shape)) is not None}
        flips = {i: b for i, g in enumerate(self.groups) if g.role == "primary" and _is_matrix(g.expr.shape)
                 and (b := self._fit(a, _flipped(g.expr.shape))) is not None}
        if not fits and not flips:
            shapes = self._shape_list()
            why = f"it is {describe(a.shape)}, but the derivative is {shapes}" + self._diagonal_hint(a)
            return self._shape_verdict(a, to_text(a), why)
        draws = self.draws()
        if len(draws) < 3:
            verdict = self._verdict(False, "inconclusive", (
                "inconclusive: no three random points were found where the question and its derivative are defined"), a)
        else:
            verdict = self._by_numbers(a, fits, flips, draws)
        verdict.draws = len(draws)
        return verdict

    def _by_numbers(self, a: Expr, fits: dict[int, Binding], flips: dict[int, Binding], draws: list[_Draw]) -> Verdict:
        """The verdict from the values of the answer and of the closed forms its shape allows."""
        values = {i: self._answer_values(a, draws, b) for i, b in fits.items()}
        flip_values = {i: self._answer_values(a, draws, b) for i, b in flips.items()}
        for i, vals in list(values.items()) + list(flip_values.items()):
            if vals is None:
                continue
            bad = next((k for k, v in enumerate(vals) if not np.all(np.isfinite(v))), None)
            if bad is not None:
                g = self.groups[i]
                return self._verdict(False, "wrong", (
                    f"wrong: the answer is undefined (nan or inf) at a random point where the derivative is defined "
                    f"({_sizes_text(draws[bad].sizes)})"), a, group=g, sizes=draws[bad].sizes)
        # equal to one of the closed forms?
        for role in ("primary", "layout", "vec"):
            for i, vals in values.items():
                g = self.groups[i]
                if g.role == role and vals is not None and self._equal(vals, self.values(i), draws):
                    if role == "primary":
                        return self._correct(g, a, "numeric")
                    if role == "layout":
                        return self._other_layout(g, a)
                    return self._vec_order(g, a)
        for i, vals in flip_values.items():
            if vals is not None and self._equal(vals, [v.T for v in self.values(i)], draws):
                g = self.groups[i]
                return self._verdict(False, "transposed", (
                    f"wrong: this is the transpose of the derivative ({describe(a.shape)} instead of "
                    f"{describe(g.expr.shape)})"), a, group=g)
        for role in ("primary", "layout", "vec"):
            for i, vals in values.items():
                if self.groups[i].role == role and vals is not None:
                    c = _ratio(vals, self.values(i), draws)
                    if c is not None:
                        return self._factor(self.groups[i], a, c)
        slip = self._symmetric_slip(a, fits)
        if slip is not None:
            return slip
        return self._wrong(a, values, flip_values, draws)

    # ------------------------------------------------------------------ numbers

    def _fit(self, a: Expr, want: Shape) -> Binding | None:
        """How the answer's own free sizes (of an ``I`` or ``vector(1)`` nothing else fixes) are chosen so
        that its shape is `want` at given sizes; None if it cannot have that shape."""
        if is_scalar(a.shape) and not symbols(a) and not is_scalar(want):
            return lambda sizes: {}  # a constant such as 0 or 1, read as the array of that value
        free = {n for d in a.shape for n in d.names()} - set(self.dim_names)
        symbolic = _match_shape(a.shape, want, free)
        if symbolic is not None:
            return lambda sizes: {n: dim.evaluate(sizes) for n, dim in symbolic.items()}
        if not free or len(free) > 2:
            return None

        def solve(sizes: dict[str, int]) -> dict[str, int] | None:  # e.g. n*q = n*p: try small sizes for q
            target = tuple(d.evaluate(sizes) for d in want)
            names = sorted(free)
            for values in product(range(1, 13), repeat=len(names)):
                trial = {**sizes, **dict(zip(names, values))}
                if tuple(d.evaluate(trial) for d in a.shape) == target:
                    return dict(zip(names, values))
            return None

        if all(solve(_sizes(self.dim_names, t)) is not None for t in range(DRAWS)):
            return solve
        return None

    def _answer_values(self, a: Expr, draws: list[_Draw], binding: Binding) -> list[np.ndarray] | None:
        out = []
        for t, d in enumerate(draws):
            bound = binding(d.sizes)
            if bound is None:
                return None
            sizes = {**d.sizes, **bound}
            free = sorted(_all_dim_names(a) - set(sizes))  # sizes inside the answer that nothing fixes
            sizes.update({n: SIZE_SETS[t % len(SIZE_SETS)][k % 8] for k, n in enumerate(free)})
            try:
                out.append(value_2d(a, d.arrays, sizes))
            except LimitError:
                raise
            except (MatcalcError, ValueError, np.linalg.LinAlgError):
                return None
        return out

    def _equal(self, got: list[np.ndarray], want: list[np.ndarray], draws: list[_Draw]) -> bool:
        for g, w, d in zip(got, want, draws):
            if g.shape != w.shape:
                if g.shape == (1, 1):
                    g = np.full(w.shape, g[0, 0])
                else:
                    return False
            if _relative(g, w, d.f_scale) > TOLERANCE:
                return False
        return True

    # ------------------------------------------------------------------ diagnoses

    def _symmetric_slip(self, a: Expr, fits: dict[int, dict]) -> Verdict | None:
        for subset in self.symmetric_candidates():
            draws = self.symmetric_draws(subset)
            if len(draws) < 3:
                continue
            for role in ("primary", "layout", "vec"):
                for i, binding in fits.items():
                    g = self.groups[i]
                    if g.role != role:
                        continue
                    vals = self._answer_values(a, draws, binding)
                    if vals is None or not all(np.all(np.isfinite(v)) for v in vals):
                        continue
                    want = self.symmetric_values(subset, i)
                    exact = self._equal(vals, want, draws)
                    c = None if exact else _ratio(vals, want, draws)
                    if exact or c is not None:
                        return self._slip(g, a, subset, c)
        return None

    def _slip(self, g: _Group, a: Expr, subset: tuple[str, ...], c) -> Verdict:
        names = " and ".join(subset)
        are = "is" if len(subset) == 1 else "are"
        equal = " and ".join(f"{n} = {n}ᵀ" for n in subset)
        msg = (f"wrong unless {names} {are} symmetric: the answer is the derivative only when {equal}, and "
               f"{names} {are} not declared symmetric; in general the derivative is {g.derivative}")
        if c is not None:
            msg += f"; even then the answer is {_fraction_text(c)} times the derivative"
        if g.role == "layout":
            msg += f" (and the answer is in {g.layout_words()}, but {self.layout} was asked)"
        return self._verdict(False, "symmetric-slip", msg, a, group=g, symmetric=subset,
                             factor=_nice(c) if c is not None else None)

    def _correct(self, g: _Group, a: Expr, method: str) -> Verdict:
        if set(g.layouts) == set(LAYOUTS):
            msg = "correct"
        else:
            msg = f"correct, in {g.layout_words()} {g.meaning()}".rstrip()
        return self._verdict(True, "correct", msg, a, group=g, method=method)

    def _other_layout(self, g: _Group, a: Expr) -> Verdict:
        asked = self.reference()
        msg = (f"correct in {g.layout_words()}, but {self.layout} was asked: in {self.layout} layout the "
               f"derivative is {asked.derivative}")
        return self._verdict(False, "other-layout", msg, a, group=asked, layouts=g.layouts)

    def _vec_order(self, g: _Group, a: Expr) -> Verdict:
        asked = self.reference()
        msg = (f"wrong vec order: the answer flattens {self._order_text(g.vec)}, but the question asks for "
               f"{self._order_text(self.vec)}; in that order the derivative is {asked.derivative}")
        return self._verdict(False, "vec-order", msg, a, group=asked, layouts=g.layouts)

    def _order_text(self, vec: tuple[str, str]) -> str:
        parts = []
        f_matrix = self.f.shape[0] != ONE and self.f.shape[1] != ONE
        x_matrix = self.var.shape[0] != ONE and self.var.shape[1] != ONE
        if f_matrix:
            parts.append(f"the output {ORDER_WORDS[vec[0]]}")
        if x_matrix:
            parts.append(f"{self.var.name} {ORDER_WORDS[vec[1]]}")
        return " and ".join(parts)

    def _factor(self, g: _Group, a: Expr, c: float) -> Verdict:
        nice = _nice(c)
        in_layout = "" if g.role == "primary" else f" (in {g.layout_words()}, but {self.layout} was asked)"
        if nice == -1:
            msg = f"wrong sign: the answer is the negative of the derivative{in_layout}"
            return self._verdict(False, "sign", msg, a, group=g, factor=nice)
        hint = ""
        if isinstance(nice, Fraction) and nice > 0:
            if nice.numerator == 1:
                hint = f" (a factor {nice.denominator} is missing)"
            elif nice.denominator == 1:
                hint = f" (a factor {nice.numerator} too many, or a missing 1/{nice.numerator})"
        msg = f"off by a constant factor: the answer is {_fraction_text(c)} times the derivative{hint}{in_layout}"
        return self._verdict(False, "factor", msg, a, group=g, factor=nice)

    def _wrong(self, a, values, flip_values, draws) -> Verdict:
        """Say where the answer differs from the closed form of its shape (preferring what was asked)."""
        order = sorted(values, key=lambda i: ("primary", "layout", "vec").index(self.groups[i].role))
        pick = next((i for i in order if values[i] is not None), None)
        flipped = False
        if pick is None:
            pick = next((i for i, v in flip_values.items() if v is not None), None)
            flipped = pick is not None
        if pick is None:
            g = self.reference()
            return self._verdict(False, "wrong", f"wrong: the derivative is {g.derivative}", a, group=g)
        g = self.groups[pick]
        got = (flip_values if flipped else values)[pick]
        want = [v.T for v in self.values(pick)] if flipped else self.values(pick)
        k = min(range(len(draws)), key=lambda t: sum(draws[t].sizes.values()))
        diffs, total = _differences(got[k], want[k], draws[k].f_scale)
        sizes_text = _sizes_text(draws[k].sizes)
        where = f"at a random point ({sizes_text})" if sizes_text else "at a random point"
        if all(v.size == 1 for v in draws[k].arrays.values()):  # scalars only: name the point
            where = "at " + ", ".join(f"{n} = {_num(float(v[0, 0]))}" for n, v in draws[k].arrays.items())
        what = "entry differs" if len(diffs) == 1 else "entries differ"
        if total == 1 and got[k].size == 1:
            detail = f"the answer is {_num(diffs[0][2])} where the derivative is {_num(diffs[0][1])}"
        else:
            shown = "; ".join(f"[{', '.join(map(str, idx))}]: {_num(w)} expected, {_num(v)} given" for idx, w, v in diffs[:3])
            detail = f"{len(diffs)} of {total} {what}: {shown}" + ("; …" if len(diffs) > 3 else "")
        note = ""
        if flipped:
            note = " (compared with the transpose of the derivative, which has the answer's shape)"
        elif g.role == "layout":
            note = f" (compared with the derivative in {g.layout_words()}, which has the answer's shape)"
        elif g.role == "vec":
            note = f" (compared with the vec-Jacobian flattening {self._order_text(g.vec)})"
        msg = f"wrong: the derivative is {g.derivative}\n  {where}{note}, {detail}"
        return self._verdict(False, "wrong", msg, a, group=g, differences=diffs, sizes=draws[k].sizes)

    def _diagonal_hint(self, a: Expr) -> str:
        """A vector answer holding the diagonal of a diagonal Jacobian (f'(x) for an element-wise f): say so."""
        if a.shape[1] != ONE or a.shape[0] == ONE:
            return ""
        for i, g in enumerate(self.groups):
            rows, cols = g.expr.shape
            binding = self._fit(a, (rows, ONE)) if rows == cols and rows != ONE else None
            if binding is None or len(self.draws()) < 3:
                continue
            vals = self._answer_values(a, self.draws(), binding)
            if vals is not None and self._equal([np.diagflat(v) for v in vals], self.values(i), self.draws()):
                return f"; the answer holds its diagonal: the derivative is diag({to_text(a)})"
        return ""

    def _shape_list(self) -> str:
        seen: dict[str, list[str]] = {}
        for g in self.groups:
            if g.role == "vec":
                continue
            seen.setdefault(describe(g.expr.shape), []).extend(g.layouts)
        if len(seen) == 1:
            return next(iter(seen))
        return " or ".join(f"{shape} ({' or '.join(layouts)} layout)" for shape, layouts in seen.items())

    def _shape_verdict(self, a: Expr | None, text: str, why: str) -> Verdict:
        msg = f"shape mismatch: the answer cannot be the derivative: {why}"
        return self._verdict(False, "shape-mismatch", msg, a, answer_text=text)

    def _verdict(self, correct: bool, diagnosis: str, message: str, a: Expr | None, group: _Group | None = None,
                 **extra) -> Verdict:
        g = group or self.reference()
        extra.setdefault("layouts", g.layouts)
        return Verdict(correct, diagnosis, message, g.derivative, a, **extra)


# ----------------------------------------------------------------------------------------- helpers


def _dim_spec(d: Dim) -> str | int | Dim:
    if d.name is not None:
        return d.name
    if d.is_int:
        return d.value
    return d


def _all_dim_names(e: Expr) -> set[str]:
    return {n for node in preorder(e) for d in node.shape for n in d.names()}


def _is_matrix(s: Shape) -> bool:
    return s[0] != ONE and s[1] != ONE


def _flipped(s: Shape) -> Shape:
    return (s[1], s[0])


def _match_shape(got: Shape, want: Shape, free: set[str]) -> dict[str, Dim] | None:
    """A binding of the answer's free dimension names making `got` equal to `want`, or None."""
    binding: dict[str, Dim] = {}
    for g, w in zip(got, want):
        g = g.substitute(binding)
        if g != w and g.name is not None and g.name in free:
            binding[g.name] = w
    if all(g.substitute(binding) == w for g, w in zip(got, want)):
        return binding
    return None


def _sizes(names: list[str], t: int) -> dict[str, int]:
    base = SIZE_SETS[t % len(SIZE_SETS)]
    sizes = dict(zip(names, base))
    sizes.update({n: 2 + (i + t) % 7 for i, n in enumerate(names[len(base):])})
    return sizes


def _sizes_text(sizes: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items())


def _relative(got: np.ndarray, want: np.ndarray, f_scale: float) -> float:
    scale = max(float(np.max(np.abs(want), initial=0.0)), float(np.max(np.abs(got), initial=0.0)),
                1e-12 * (1.0 + f_scale))
    return float(np.max(np.abs(got - want), initial=0.0)) / scale


def _ratio(got: list[np.ndarray], want: list[np.ndarray], draws: list[_Draw]) -> float | None:
    """The constant c ≠ 0, 1 with got = c·want at every point (least squares over all, confirmed at each)."""
    got = [np.full(w.shape, g[0, 0]) if g.shape == (1, 1) and w.shape != (1, 1) else g for g, w in zip(got, want)]
    if any(g.shape != w.shape for g, w in zip(got, want)):
        return None
    num = sum(float(np.sum(g * w)) for g, w in zip(got, want))
    den = sum(float(np.sum(w * w)) for w in want)
    if not np.isfinite(num) or not np.isfinite(den) or den == 0.0:
        return None
    c = num / den
    if abs(c) < 1e-9 or abs(c - 1) < 1e-9:
        return None
    for g, w, d in zip(got, want, draws):
        if float(np.max(np.abs(w), initial=0.0)) == 0.0 or _relative(g, c * w, d.f_scale) > 1e-6:
            return None
    return c


def _nice(c: float) -> Fraction | float:
    """A ratio as a small fraction (2, 1/2, -1, 3/2) when it is one, else the float."""
    frac = Fraction(c).limit_denominator(24)
    if abs(float(frac) - c) <= 1e-6 * max(1.0, abs(c)):
        return frac
    return c


def _fraction_text(c: float) -> str:
    nice = _nice(c)
    if isinstance(nice, Fraction):
        return str(nice)
    return f"{nice:.6g}"


def _num(v: float) -> str:
    return f"{v:.6g}"


def _differences(got: np.ndarray, want: np.ndarray, f_scale: float):
    """Entries where got and want differ: [(index, expected, got)], and the number of entries."""
    if got.shape != want.shape:
        got = np.full(want.shape, got.reshape(-1)[0]) if got.size == 1 else got
    scale = max(float(np.max(np.abs(want), initial=0.0)), float(np.max(np.abs(got), initial=0.0)),
                1e-12 * (1.0 + f_scale))
    bad = np.argwhere(np.abs(got - want) > TOLERANCE * scale)
    rows, cols = want.shape
    out = []
    for i, j in bad:
        index = (int(i), int(j)) if rows > 1 and cols > 1 else ((int(i),) if cols == 1 else (int(j),))
        if rows == 1 and cols == 1:
            index = ()
        out.append((index, float(want[i, j]), float(got[i, j])))
    return out, want.size


def _in_answer(err: MatcalcError) -> MatcalcError:
    """The same error, saying that it is in the answer."""
    if isinstance(err, (ParseError, ShapeError, UnsupportedError)):
        return type(err)(f"in the answer: {err.reason}", err.text, err.pos)
    if isinstance(err, DeclarationError):
        return DeclarationError(f"in the answer: {err}")
    return MatcalcError(f"in the answer: {err}")


@lru_cache(maxsize=128)
def _cached_question(expr, wrt, where, layout, vec, seed, notation) -> _Question:
    return _Question(expr, wrt, where, layout, vec, seed, notation)


def question(expr, wrt, where=None, layout: str | None = None, vec="col", seed: int = 0,
             notation: str = "auto") -> _Question:
    """The prepared question (closed forms, pinned names, random points), cached when its inputs hash."""
    key = (expr, wrt, where, layout, vec, seed, notation)
    if all(isinstance(k, Hashable) for k in key):
        try:
            return _cached_question(*key)
        except TypeError:  # an unhashable part inside a tuple
            pass
    return _Question(*key)


# ------------------------------------------------------------------------------------------- API


@bounded
def check_answer(expr, wrt, answer, where=None, layout: str | None = None, vec="col", steps: bool = False,
                 seed: int = 0, notation: str = "auto") -> Verdict:
    """Judge `answer`, a proposed closed form of the derivative of `expr` with respect to `wrt`.

    The answer may use the expression's names, which keep the expression's shapes and declared
    properties (`where`). With ``layout=None`` an answer right in any layout is correct and the verdict
    says which layout it used; with a layout, an answer right only in another one is diagnosed
    ``other-layout``. `vec` is the vec order expected of a tensor-valued derivative ("col", "row" or a
    pair). ``steps=True`` adds the derivation of the correct closed form to ``str(verdict)``.

    Raises :class:`MatcalcError` for a user error in either input (bad syntax, inconsistent shapes
    within the answer itself, a derivative matcalc cannot give); the error says when it is in the answer.

    >>> v = check_answer("x.T@A@x", "x", "2*A@x")
    >>> v.correct, v.diagnosis
    (False, 'symmetric-slip')
    >>> str(v.derivative)
    '(A + A.T) @ x'
    >>> check_answer("x.T@A@x", "x", "x.T@(A + A.T)").message
    'correct, in numerator layout (the gradient w.r.t. x as a row)'
    """
    return question(expr, wrt, where, layout, vec, seed, notation).judge(answer, steps)


__all__ = ["check_answer", "Verdict", "DIAGNOSES", "TOLERANCE", "DRAWS"]
