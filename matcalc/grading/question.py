"""A question prepared once for judging any number of answers to it.

The derivative is found once (:func:`matcalc.derivative.derive`, or :func:`matcalc.hessian.hessian` for a
second derivative). Every layout writes it either in its natural arrangement or transposed
(:mod:`matcalc.layout`), so the closed forms to compare with are few: per vec order, the natural one and
its transpose (one, when the two agree at every point: a symmetric derivative such as a Hessian). Their
values at :data:`DRAWS` random points come from one sampling (:func:`matcalc.checking.sample_point`); a
transposed form's values are the transposes, and its closed form is arranged only when a verdict shows it
(:meth:`Derivative.in_layout`, from the differential already found). Points where some square matrices are
symmetric, for the symmetric slip, are drawn the first time an answer needs them.

For a gradient with respect to a symmetric (spd) matrix the closed forms are in the asked convention
(:data:`matcalc.layout.SYMMETRIC`: sym(G), or the Matrix Cookbook's G + Gᵀ − G∘I); the other convention's
values are computed from theirs, C = 2S − I∘S or S = (C + I∘C)/2, when an answer needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import layout as layouts_table
from ..checking import SIZE_SETS, dim_names_of, sample_point, sizes_at
from ..declarations import Declaration, parse_where
from ..derivative import Derivative, derive
from ..errors import LimitError, MatcalcError
from ..expr import Expr, Symbol, substitute, symbols
from ..hessian import hessian
from ..layout import LAYOUTS, symmetric_convention
from ..numeric import value_2d
from ..printing import to_text
from ..properties import SYMMETRIC_PROPERTIES
from ..shapes import ONE, Dim, Shape
from .compare import equal

DRAWS = 4  # independent random points per question (each with its own sizes)
ROLES = ("primary", "layout", "vec")  # what was asked; another layout; another vec order


@dataclass
class Draw:
    """One random point: the sizes, the arrays, and the function's size there (the floor of comparisons)."""

    sizes: dict[str, int]
    arrays: dict[str, np.ndarray]
    f_scale: float


@dataclass
class Arrangement:
    """One closed form the derivative may take: the layouts writing it so, its vec order, its values at the draws."""

    layouts: tuple[str, ...]
    vec: tuple[str, str]
    role: str  # one of ROLES
    shape: Shape
    values: list[np.ndarray]
    arrange: Callable[[], Derivative]  # the closed form, arranged when first shown
    transposed: bool = False  # values are the transposes of an arranged form's
    _derivative: Derivative | None = field(default=None, repr=False)

    @property
    def derivative(self) -> Derivative:
        if self._derivative is None:
            self._derivative = self.arrange()
        return self._derivative

    def layout_words(self) -> str:
        return f"{' or '.join(self.layouts)} layout"

    def meaning(self) -> str:
        """What the shape means, in words (:func:`matcalc.layout.meaning`), in brackets."""
        d = self.derivative
        if d.kind == "hessian":
            return f"({d.convention})"
        f_text = to_text(d.f) if d.kind == "tensor" else ""
        return f"({layouts_table.meaning(d.kind, d.layout, d.f, d.wrt.name, d.wrt.shape, d.vec, f_text)})"


class Question:
    """A question (expression, variable, declarations, layout, vec order, order of derivative) prepared for
    judging answers: its closed forms, the names pinned to their shapes, and random points with the
    closed forms' values there."""

    def __init__(self, expr, wrt, where, layout: str | None, vec, seed: int, notation: str = "auto", order: int = 1,
                 symmetric: str = "sym"):
        layout = None if layout == "any" else layout
        if layout is not None and layout not in LAYOUTS:
            raise MatcalcError(f"layout must be one of {', '.join(LAYOUTS)} (or None for any), not {layout!r}")
        if order not in (1, 2):
            raise MatcalcError(f"order must be 1 (the derivative) or 2 (the Hessian), not {order!r}")
        symmetric_convention(symmetric)
        self.layout, self.seed, self.notation, self.order = layout, seed, notation, order
        self.noun = "Hessian" if order == 2 else "derivative"
        options = {"symmetric": symmetric} if order == 1 else {}  # (a Hessian has no such convention)
        find = hessian if order == 2 else derive
        self.base = find(expr, wrt, layout=layout or "mixed", where=where, vec=vec, notation=notation, **options)
        self.f, self.var, self.vec = self.base.f, self.base.wrt, self.base.vec
        # the convention of a gradient w.r.t. a symmetric matrix, None when there is none to choose
        self.symmetric = symmetric if order == 1 and layouts_table.symmetric_applies(self.base.kind, self.var) else None
        self.arranged = self.base.inner if order == 2 else self.base  # what the layout table arranges
        self.user_decls = parse_where(where) if not isinstance(where, dict) else dict(where)
        self.names = {s.name: s for s in [*symbols(self.f), self.var]}
        self.pins = self._pins()
        self.forms = self._forms()  # one arranged closed form per vec order
        exprs = [d.expr for d in self.forms.values()]
        self.dim_names = dim_names_of([self.f, self.var, *exprs])
        self.draws, found = self._sample([self.f, self.var, *exprs], self.f)
        self.arrangements = self._arrangements(self.forms, found)
        self._symmetric: dict[tuple[str, ...], tuple[list[Draw], list[list[np.ndarray]]]] = {}
        self.fits: dict[tuple, Callable | None] = {}  # how an answer of a shape fits each closed form (answer.py)
        self._later: dict[str, list[np.ndarray] | None] = {}  # values computed when an answer first needs them

    # ------------------------------------------------------------------ closed forms

    def _orders(self) -> list[tuple[str, str]]:
        """The vec orders an answer may use: the asked one first, then the others that mean something."""
        if self.arranged.kind != "tensor":
            return [self.vec]
        if self.order == 2:  # the gradient has the variable's shape: both flattened alike
            return [self.vec, *[(o, o) for o in ("col", "row") if (o, o) != self.vec]]
        out_matrix, var_matrix = _is_matrix(self.f.shape), _is_matrix(self.var.shape)
        orders = [self.vec]
        for a in ("col", "row") if out_matrix else (self.vec[0],):
            for b in ("col", "row") if var_matrix else (self.vec[1],):
                if (a, b) not in orders:
                    orders.append((a, b))
        return orders

    def _forms(self) -> dict[tuple[str, str], Derivative]:
        return {o: self.base if o == self.vec else self.base.in_layout(self.base.layout, o) for o in self._orders()}

    def transposes(self, layout_name: str) -> bool:
        """Does `layout_name` write the derivative transposed (relative to the natural arrangement)?"""
        return layouts_table.is_transposed(self.arranged.kind, layout_name, self.arranged.f.shape)

    def _arrangements(self, forms: dict, found: list[list[np.ndarray]]) -> list[Arrangement]:
        """Per vec order, the layouts writing the form as arranged and those writing its transpose (merged when
        the two agree at every point), the one holding mixed first; the asked order's forms first."""
        scales = [d.f_scale for d in self.draws]
        known = len(self.draws) >= 3  # enough points to tell closed forms apart by their values
        flip = self.transposes(self.base.layout)
        out: list[Arrangement] = []
        for k, (order, d) in enumerate(forms.items()):
            values = [v[2 + k] for v in found]
            same = tuple(n for n in LAYOUTS if self.transposes(n) == flip)
            other = tuple(n for n in LAYOUTS if self.transposes(n) != flip)
            shape, flipped = d.expr.shape, [v.T for v in values]
            if other and _flipped(shape) == shape and known and equal(flipped, values, scales):
                same, other = LAYOUTS, ()  # symmetric: every layout writes the same closed form
            parts = [(same, shape, values, False), (other, _flipped(shape), flipped, True)]
            for names, part_shape, part_values, transposed in sorted(parts, key=lambda p: "mixed" not in p[0]):
                if not names or (order != self.vec and known and any(
                        a.shape == part_shape and equal(part_values, a.values, scales) for a in out)):
                    continue  # (another vec order giving the same closed form: nothing to tell apart)
                role = "vec" if order != self.vec else ("primary" if self.layout in (None, *names) else "layout")
                shown = self.layout if self.layout in names else names[0]
                arrange = (lambda d=d, shown=shown, order=order: d.in_layout(shown, order))
                out.append(Arrangement(names, order, role, part_shape, part_values, arrange, transposed))
        out.sort(key=lambda a: ROLES.index(a.role))
        return out

    def primary(self) -> list[Arrangement]:
        return [a for a in self.arrangements if a.role == "primary"]

    def reference(self) -> Arrangement:
        """The closed form shown when no better one is known: the requested layout, else mixed."""
        want = self.layout or "mixed"
        return next(a for a in self.primary() if want in a.layouts)

    # ------------------------------------------------------------------ the names

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

    # ------------------------------------------------------------------ random points

    def _sample(self, exprs: list[Expr], kink: Expr) -> tuple[list[Draw], list[list[np.ndarray]]]:
        """DRAWS points (and the values of `exprs` at each), the t-th with the sizes of trial t."""
        rng = np.random.default_rng(self.seed)
        draws: list[Draw] = []
        found: list[list[np.ndarray]] = []
        for t in range(DRAWS + len(SIZE_SETS)):  # a size set where nothing is defined gives way to the next
            if len(draws) == DRAWS:
                break
            sizes = sizes_at(self.dim_names, t)
            values: list[np.ndarray] = []
            try:
                arrays = sample_point(exprs, sizes, rng, kink_expr=kink, values=values)
            except LimitError:
                raise
            except (MatcalcError, ValueError, np.linalg.LinAlgError):
                arrays = None
            if arrays is None:
                continue
            draws.append(Draw(sizes, arrays, float(np.max(np.abs(values[0]), initial=0.0))))
            found.append(values)
        return draws, found

    def gradient_values(self) -> list[np.ndarray] | None:
        """For a Hessian question, the gradient's values at the draws (an answer may be the gradient instead)."""
        if "gradient" not in self._later:
            try:
                self._later["gradient"] = [value_2d(self.base.gradient.expr, d.arrays, d.sizes)
                                                          for d in self.draws]
            except LimitError:
                raise
            except (MatcalcError, ValueError, np.linalg.LinAlgError):
                self._later["gradient"] = None
        return self._later["gradient"]

    def other_convention(self, i: int) -> list[np.ndarray] | None:
        """Arrangement i's values in the other symmetric-variable convention (None when none applies): the
        Matrix Cookbook's C = 2S − I∘S from S = sym(G), or S = (C + I∘C)/2 from C."""
        if self.symmetric is None:
            return None
        key = f"other-convention {i}"
        if key not in self._later:
            to_cookbook = self.symmetric == "sym"
            self._later[key] = [2 * v - np.diag(np.diag(v)) if to_cookbook else (v + np.diag(np.diag(v))) / 2
                                for v in self.arrangements[i].values]
        return self._later[key]

    def symmetric_candidates(self) -> list[tuple[str, ...]]:
        """Square constant matrices not declared symmetric: each alone, then all together."""
        names = [s.name for s in symbols(self.f) if s.name != self.var.name and s.shape[0] == s.shape[1]
                 and s.shape[0] != ONE and not (s.props & SYMMETRIC_PROPERTIES)]
        subsets = [(n,) for n in names]
        if len(names) > 1:
            subsets.append(tuple(names))
        return subsets

    def symmetric_points(self, subset: tuple[str, ...]) -> tuple[list[Draw], list[list[np.ndarray]]]:
        """Points where the matrices of `subset` are symmetric, and each arrangement's values there."""
        if subset not in self._symmetric:
            mapping = {s: Symbol(s.name, s.shape, s.props | {"symmetric"}) for s in symbols(self.f) if s.name in subset}
            exprs = [substitute(e, mapping) for e in [self.f, *(d.expr for d in self.forms.values())]]
            draws, found = self._sample([*exprs, self.var], exprs[0])
            index = {order: 1 + k for k, order in enumerate(self.forms)}
            values = [[v[index[a.vec]].T if a.transposed else v[index[a.vec]] for v in found] for a in self.arrangements]
            self._symmetric[subset] = (draws, values)
        return self._symmetric[subset]


# ----------------------------------------------------------------------------------------- helpers


def _dim_spec(d: Dim) -> str | int | Dim:
    if d.name is not None:
        return d.name
    if d.is_int:
        return d.value
    return d


def _is_matrix(s: Shape) -> bool:
    return s[0] != ONE and s[1] != ONE


def _flipped(s: Shape) -> Shape:
    return (s[1], s[0])


__all__ = ["Question", "Arrangement", "Draw", "DRAWS", "ROLES"]
