"""``derive``: expression and variable in, a :class:`Derivative` out (closed form, steps, check).

The pipeline is parse → differential (:mod:`matcalc.differentiate`) → identification in the requested
layout (:mod:`matcalc.identify`) → simplification (:mod:`matcalc.rewrite`). Layouts (:mod:`matcalc.layout`):

* ``mixed`` (default): a scalar's derivative has the variable's shape; a vector's derivative w.r.t. a
  vector is the m×n Jacobian.
* ``numerator``: gradients are rows, Jacobians m×n.
* ``denominator``: gradients are columns, Jacobians n×m.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from . import layout, limits
from .checking import CheckReport, check_jacobian
from .differentiate import Step, _fit, differential
from .directional import check_directional
from .errors import MatcalcError
from .expr import Add, Call, Commutation, Expr, MatMul, Mul, Number, Symbol, Transpose, Zeros, distinct_nodes, symbols
from .functions import REGISTRY
from .identify import gradient_of, scalar_variable_derivative, vec_jacobian_of
from .layout import LAYOUTS, symmetric_convention, vec_orders
from .limits import bounded, check_size, written_size_at_most
from .numeric import bind, commutation_matrix, size_of
from .numeric import evaluate as evaluate_expr
from .parser import assumptions
from .printing import to_latex, to_math, to_text
from .printing.display import derivative_operator, math_bundle
from .printing.lets import SHORT_RESULT, to_latex_lets, with_lets
from .printing.step_text import steps_text
from .printing.steps import Steps, steps_latex
from .rewrite import LEMMAS, simplify, tidy
from .shapes import ONE, describe, is_scalar
from .variable import read_question, variable_of

DIAG = REGISTRY["diag"]
CHECK_METHODS = {"directional": check_directional, "entries": check_jacobian}  # Derivative.check(method=...)
FUNCTION_NAMES = {"gradient": "gradient", "jacobian": "jacobian", "hessian": "hessian"}


def _function_name(kind: str, with_value: bool) -> str:
    """The generated function's default name: gradient, jacobian, hessian (value_and_gradient …)."""
    base = FUNCTION_NAMES.get(kind, "derivative")
    return f"value_and_{base}" if with_value else base


@dataclass
class Derivative:
    """A derivative in closed form, with the derivation that produced it."""

    expr: Expr
    f: Expr
    wrt: Symbol
    layout: str
    kind: str  # 'gradient' | 'jacobian' | 'derivative' | 'tensor'
    steps: list[Step] = field(default_factory=list)
    vec: tuple[str, str] = ("col", "col")  # vec order of the output and of the variable (tensor results)
    notes: list[str] = field(default_factory=list)  # how the text was read (matcalc.parser.read)
    # the simplified differential, its dX and the steps up to it: another layout or vec order is arranged from
    # these without differentiating again (in_layout); None for a zero derivative
    differential: tuple[Expr, Symbol, list] | None = field(default=None, repr=False, compare=False)
    symmetric: str = "sym"  # the convention for a gradient w.r.t. a symmetric matrix (matcalc.layout.SYMMETRIC)

    @property
    def shape(self):
        return self.expr.shape

    def __str__(self) -> str:  # with its shared parts named when written out it would pass limits.MAX_WRITTEN
        return to_text(self.expr) if written_size_at_most(self.expr, limits.MAX_WRITTEN) else self.text_with_lets()

    def __repr__(self) -> str:
        if all(written_size_at_most(e, limits.MAX_WRITTEN) for e in (self.f, self.expr)):
            return f"<Derivative d({to_text(self.f)})/d{self.wrt.name} = {to_text(self.expr)}>"
        return f"<Derivative w.r.t. {self.wrt.name}: {describe(self.shape)}, too large to write out>"

    def latex(self) -> str:
        return to_latex(self.expr)

    def math(self) -> str:
        return to_math(self.expr)

    @property
    def assumptions(self) -> str:
        text = assumptions(self.f)
        if self.wrt not in symbols(self.f):
            text += (", " if text else "") + assumptions(self.wrt)
        return "; ".join(p for p in (text, *self.notes) if p)

    @property
    def convention(self) -> str:
        """One line saying what the result's shape means in its layout (:func:`matcalc.layout.convention`)."""
        f_text = to_text(self.f) if self.kind == "tensor" else ""
        return layout.convention(self.kind, self.layout, self.f, self.wrt.name, self.wrt.shape, self.vec, f_text)

    @property
    def symmetric_convention(self) -> str:
        """For a gradient w.r.t. a symmetric matrix, its convention in words (else "")."""
        return layout.symmetric_words(self.symmetric, self.wrt.name) if layout.symmetric_applies(self.kind, self.wrt) else ""

    def _sizes(self, values, sizes=None) -> dict[str, int]:
        """Dimension sizes from `sizes` and from the values of the expression's names (and the variable)."""
        known = dict(sizes or {})
        for s in [*symbols(self.f), self.wrt]:
            if s.name in (values or {}):
                for k, v in bind(s, {s.name: values[s.name]})[1].items():
                    known.setdefault(k, v)
        return known

    def matrix(self, values, sizes=None):
        """The closed form's value as it is printed: for a tensor-valued derivative the vec-Jacobian
        matrix in the chosen vec order and layout. Sizes also come from the expression's other names."""
        return evaluate_expr(self.expr, values, self._sizes(values, sizes))

    def evaluate(self, values, sizes=None):
        """The closed form's value: a float for a 1×1 result, else a 2-D array; a tensor-valued
        derivative gives the full tensor, axes out_shape + in_shape (in_shape + out_shape in
        denominator layout), a vector's axis being one axis.

        Sizes are also read from the values of the expression's other names (``sum(x)`` has the
        constant gradient ``vector(1)``, whose length comes from x)."""
        known = self._sizes(values, sizes)
        value = evaluate_expr(self.expr, values, known)
        if self.kind != "tensor":
            return value
        j = self._to_vec_jacobian(np.asarray(value), known)
        out_shape, in_shape = natural_shape(self.f, known), natural_shape(self.wrt, known)
        tensor = j.reshape(out_shape + in_shape, order="F")
        if layout.is_transposed(self.kind, self.layout, self.f.shape):
            tensor = np.transpose(tensor, [*range(len(out_shape), tensor.ndim), *range(len(out_shape))])
        return tensor

    def expected_shape(self):
        """The result's shape the layout promises (checked by :meth:`check`)."""
        return layout.expected_shape(self.kind, self.layout, self.f.shape, self.wrt.shape)

    @bounded
    def check(self, trials: int = 3, seed: int = 0, method: str = "directional") -> CheckReport:
        """Compare with central finite differences at random points of distinct sizes.

        ``method="directional"`` (the default) applies the closed form to a few random directions V at each
        point (J·vec(V); ⟨G, V⟩ for a gradient) and compares with differences of f along them;
        ``method="entries"`` differences f entry by entry of the variable and compares whole Jacobians.
        For a variable declared symmetric (or diagonal) the differences run along symmetric (diagonal)
        directions, and the result must itself be symmetric (diagonal)."""
        checker = CHECK_METHODS.get(method)
        if checker is None:
            raise MatcalcError(f"method must be one of {', '.join(CHECK_METHODS)}, not {method!r}")
        if self.expr.shape != self.expected_shape():
            return CheckReport("fail", float("inf"), [], f"the result is {describe(self.expr.shape)} but the "
                               f"{self.layout} layout needs {describe(self.expected_shape())}")
        return checker(self.f, self.wrt, self.expr, self._to_vec_jacobian, trials, seed,
                       structured=self.kind == "gradient")

    def _to_vec_jacobian(self, value: np.ndarray, sizes) -> np.ndarray:
        """The closed form's value rearranged as ∂vec(f)/∂vec(x)ᵀ (column-major vec)."""
        natural = layout.unarrange(value, self.kind, self.layout, self.f.shape)
        if self.symmetric == "cookbook" and layout.symmetric_applies(self.kind, self.wrt):  # back to sym(G)
            natural = (natural + natural * np.eye(natural.shape[0])) / 2
        if self.kind == "tensor":
            j = natural
            if self.vec[0] == "row":  # the value is K(p, q) J for the output F (p×q)
                j = commutation_matrix(*(size_of(d, sizes) for d in self.f.shape)).T @ j
            if self.vec[1] == "row":  # the value is J K(n, m) for the variable X (m×n)
                m, n = (size_of(d, sizes) for d in self.wrt.shape)
                j = j @ commutation_matrix(n, m).T
            return j
        if self.kind == "gradient":
            return natural.reshape(1, -1, order="F")
        if self.kind == "jacobian":
            return natural
        return natural.reshape(-1, 1, order="F")

    def to_source(self, name: str | None = None, target: str = "numpy", with_value: bool = False) -> str:
        """The source of a standalone function computing this derivative (see docs/api.md).

        It takes the expression's names (and the variable) as keyword arguments and returns what
        :meth:`matrix` returns, written for ``target`` ``"numpy"`` (default), ``"jax"`` or ``"torch"``.
        ``with_value=True``: it returns ``(value, derivative)``, their shared subexpressions computed once."""
        from .codegen import derivative_source  # only code needs it: not imported on every start

        return derivative_source(self, name or _function_name(self.kind, with_value), target, with_value)

    def to_function(self, name: str | None = None, target: str = "numpy", with_value: bool = False):
        """This derivative as a Python function (the code of :meth:`to_source`; ``target="jax"`` or
        ``"torch"`` needs that library installed). ``with_value=True``: it returns ``(value, derivative)``."""
        name = name or _function_name(self.kind, with_value)
        source = self.to_source(name, target, with_value)
        namespace: dict = {"__name__": "matcalc.generated"}
        # `source` is written by matcalc.codegen from the derivative's tree, never from user text: names are
        # grammar identifiers (re-checked there), numbers are printed from Fractions, calls come from the
        # function registry's and the code target's fixed templates, and the docstring is escaped.
        code = compile(source, f"<matcalc {name}>", "exec")
        try:
            exec(code, namespace)  # safe: generated from the tree (identifiers checked, docstring escaped), not user text
        except ImportError as err:  # the target's library is not installed: the source is still there
            raise ImportError(f"the {target} code needs {err.name} installed (pip install \"matcalc-engine[targets]\"); "
                              f"to_source(target={target!r}) writes the code without it") from err
        fn = namespace[name]
        fn.source = source
        return fn

    def steps_text(self) -> str:
        """The steps as numbered lines; a long step names its subexpressions (``let v1 = …``) instead of
        writing them out again, so that the text grows linearly with the derivation."""
        taken = {s.name for s in [*symbols(self.f), self.wrt]}
        return steps_text(self.steps, taken | {"d" + name for name in taken})

    def steps_latex(self) -> str:
        """The derivation as one LaTeX ``aligned`` block, each line naming its rule."""
        return steps_latex(self.steps)

    def show_steps(self) -> Steps:
        """The steps as an object that renders as an aligned derivation in Jupyter."""
        return Steps(self.steps)

    def display_latex(self) -> str:
        """The derivative as display maths: ∂/∂x (f) = the closed form, or for a long one the closed form with
        its shared subexpressions defined once (an ``aligned`` block)."""
        if len(str(self)) > SHORT_RESULT:
            return self.latex_with_lets()
        return rf"{derivative_operator(self.kind, to_latex(self.wrt))} \left({to_latex(self.f)}\right) = {self.latex()}"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """Typeset maths in Jupyter (see :mod:`matcalc.printing.display`), the description as plain text."""
        conventions = "; ".join(t for t in (self.convention, self.symmetric_convention) if t)
        notes = (f"{describe(self.shape)}; {conventions}; {self.assumptions}",)
        return math_bundle(self.display_latex(), self.describe(), notes)

    def _repr_latex_(self) -> str:
        return self._repr_mimebundle_()["text/latex"]

    def text_with_lets(self) -> str:
        """The closed form with every shared subexpression defined once (t1 = ..., then the result)."""
        definitions, body = with_lets(self.expr)
        lines = [f"{sym.name} = {to_text(definition)}" for sym, definition in definitions]
        return "\n".join([*lines, to_text(body)])

    def in_layout(self, layout_name: str, vec=("col", "col"), symmetric: str | None = None) -> Derivative:
        """The same derivative in another layout, vec order or symmetric-variable convention, arranged from the
        differential already found (the homework checker compares an answer with every layout without deriving
        the question again)."""
        vec, symmetric = vec_orders(vec), symmetric_convention(symmetric or self.symmetric)
        if layout_name not in LAYOUTS:
            raise MatcalcError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout_name!r}")
        if (layout_name, vec, symmetric) == (self.layout, self.vec, self.symmetric):
            return self
        if self.differential is None:
            result, kind = _zero(self.f, self.wrt, layout_name)
            return Derivative(result, self.f, self.wrt, layout_name, kind, list(self.steps), vec, self.notes,
                              symmetric=symmetric)
        df, dvar, steps = self.differential
        return _arranged(self.f, self.wrt, df, dvar, list(steps), layout_name, vec, self.notes, symmetric)

    def latex_with_lets(self) -> str:
        r"""The closed form in LaTeX with every shared subexpression defined once, as an ``aligned`` block
        (``t_{1} &= …`` lines, then ``\frac{\partial f}{\partial x} &= …``); :meth:`latex` when nothing is shared."""
        return to_latex_lets(self.expr, result=rf"\frac{{\partial f}}{{\partial {to_latex(self.wrt)}}}")

    def describe(self) -> str:
        plain = str(self)
        return "\n".join([
            plain if len(plain) <= SHORT_RESULT else self.text_with_lets(),
            f"  shape:   {describe(self.shape)}",
            f"  layout:  {self.convention}",
            *([f"  symmetric: {self.symmetric_convention}"] if self.symmetric_convention else []),
            f"  assumes: {self.assumptions or '(nothing)'}",
        ])


@bounded
def derive(expr, wrt, layout: str = "mixed", where=None, vec="col", notation: str = "auto",
           symmetric: str = "sym") -> Derivative:
    """The derivative of `expr` with respect to the variable `wrt`, in closed form.

    `vec` orders the entries of matrices in a tensor-valued derivative: "col" (column-major,
    the default), "row" (row by row), or "col,row" / ("col", "row") for the output's and
    the variable's order separately. `notation` ("auto", "numpy", "matlab", "math") fixes what ``*``
    means when the text does not say. `symmetric` is the convention for the gradient w.r.t. a symmetric
    (spd) matrix: "sym", sym(G) = (G + Gᵀ)/2 (the default), or "cookbook", the Matrix Cookbook's
    G + Gᵀ − G∘I (:mod:`matcalc.layout`)."""
    if layout not in LAYOUTS:
        raise MatcalcError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    vec, symmetric = vec_orders(vec), symmetric_convention(symmetric)
    f, notes, wrt = read_question(expr, wrt, where, notation)
    var = variable_of(f, wrt, where)
    d = differential(f, var)
    steps = list(d.steps)
    if d.df is None:
        result, kind = _zero(f, var, layout)
        steps.append(Step("variable", f"{to_text(f)} does not depend on {var.name}: the derivative is zero"))
        return Derivative(result, f, var, layout, kind, steps, vec, notes, symmetric=symmetric)
    check_size(d.df, f"the differential with respect to {var.name}")
    trace: list = []
    df = simplify(d.df, LEMMAS, trace)
    if not any(node == d.dvar for node in distinct_nodes(df)):
        result, kind = _zero(f, var, layout)
        steps.append(Step("variable", f"d({to_text(f)}) simplifies to zero: the derivative is zero"))
        return Derivative(result, f, var, layout, kind, steps, vec, notes, symmetric=symmetric)
    if not steps or not _states(steps[-1], f, df):
        steps.append(Step("substitute", lambda: f"d({to_text(f)}) = {to_text(df)}", f, df, "d({before}) = {after}"))
    return _arranged(f, var, df, d.dvar, steps, layout, vec, notes, symmetric)


def _arranged(f: Expr, var: Symbol, df: Expr, dvar: Symbol, steps: list, layout_name: str, vec, notes,
              symmetric: str = "sym") -> Derivative:
    """The derivative identified from the simplified differential df and arranged in a layout and vec order
    (and, for a symmetric variable, a convention)."""
    base = list(steps)
    result, kind, rule = _identify(f, var, df, dvar, layout_name, vec, symmetric)
    check_size(result, f"the derivative with respect to {var.name}")
    steps.append(Step(rule, lambda: f"∂/∂{var.name} = {to_text(result)}", df, result, f"∂/∂{var.name} = {{after}}"))
    firings: list = []
    closed = tidy(result, firings)
    for name, before, after in firings:
        steps.append(Step(name, _firing_text(before, after), before, after, "{before}  ⇒  {after}"))
    return Derivative(closed, f, var, layout_name, kind, steps, vec, notes, differential=(df, dvar, base),
                      symmetric=symmetric)


def _firing_text(before: Expr, after: Expr):
    return lambda: f"{to_text(before)}  ⇒  {to_text(after)}"


def _states(step: Step, f: Expr, df: Expr) -> bool:
    """Does the last differentiation step already say d(f) = df (so no substitute step is needed)?
    Only a step on f itself can (compared structurally first: printing a deep f is costly)."""
    return step.before == f and step.after is not None and to_text(_fit(step.after, f)) == to_text(df)


def _zero(f: Expr, var: Symbol, layout_name: str):
    """The zero derivative, shaped as :func:`_identify` would shape a non-zero one."""
    (fr, fc), (xr, xc) = f.shape, var.shape
    if is_scalar(var.shape) and is_scalar(f.shape):
        return Number(0), "derivative"
    if is_scalar(var.shape):
        kind = "derivative"
    elif is_scalar(f.shape):
        kind = "gradient"
    else:
        kind = "jacobian" if (fr == ONE or fc == ONE) and (xr == ONE or xc == ONE) else "tensor"
    return Zeros(layout.expected_shape(kind, layout_name, f.shape, var.shape)), kind


def _identify(f: Expr, var: Symbol, df: Expr, dvar: Symbol, layout_name: str, vec=("col", "col"), symmetric="sym"):
    f_scalar, x_scalar = is_scalar(f.shape), is_scalar(var.shape)
    f_vectorish = f.shape[0] == ONE or f.shape[1] == ONE
    x_vectorish = var.shape[0] == ONE or var.shape[1] == ONE
    if x_scalar:
        result = scalar_variable_derivative(df, dvar)
        return layout.arrange(result, "derivative", layout_name, f.shape), "derivative", "identify-scalar-variable"
    if f_scalar:
        g = gradient_of(df, dvar)
        rule = "identify-gradient"
        if var.props & {"symmetric", "spd"} and not x_vectorish and symmetric == "cookbook":
            g, rule = Add(g, Transpose(g), Mul(Number(-1), Call(DIAG, Call(DIAG, g)))), "cookbook-gradient"
        elif var.props & {"symmetric", "spd"} and not x_vectorish:
            g, rule = Mul(Number(Fraction(1, 2)), Add(g, Transpose(g))), "symmetric-gradient"
        elif "diagonal" in var.props and not x_vectorish:
            g, rule = Call(DIAG, Call(DIAG, g)), "diagonal-gradient"
        return layout.arrange(g, "gradient", layout_name, f.shape), "gradient", rule
    j = vec_jacobian_of(df, dvar)
    if f_vectorish and x_vectorish:
        return layout.arrange(j, "jacobian", layout_name, f.shape), "jacobian", "identify-jacobian"
    if vec[0] == "row" and not f_vectorish:  # vec_r(F) = K(p, q) vec(F)
        j = MatMul(Commutation(*f.shape), j)
    if vec[1] == "row" and not x_vectorish:  # vec(X) = K(n, m) vec_r(X)
        j = MatMul(j, Commutation(var.shape[1], var.shape[0]))
    return layout.arrange(j, "tensor", layout_name, f.shape), "tensor", "identify-jacobian"


def natural_shape(e: Expr, sizes) -> tuple[int, ...]:
    """The axes an array of e's shape contributes to a tensor: () scalar, (n,) vector, (p, q) matrix."""
    rows, cols = (size_of(d, sizes) for d in e.shape)
    if rows == 1 and cols == 1:
        return ()
    if e.shape[0] == ONE or e.shape[1] == ONE:
        return (rows * cols,)
    return (rows, cols)


def gradient(expr, wrt, layout: str = "mixed", where=None, notation: str = "auto", symmetric: str = "sym") -> Derivative:
    """The gradient of a scalar expression (`symmetric`: the convention w.r.t. a symmetric matrix, as for derive)."""
    d = derive(expr, wrt, layout, where, notation=notation, symmetric=symmetric)
    if not is_scalar(d.f.shape):
        raise MatcalcError(f"gradient needs a scalar expression; {to_text(d.f)} is {describe(d.f.shape)} (use jacobian)")
    return d


def jacobian(expr, wrt, layout: str = "mixed", where=None, notation: str = "auto") -> Derivative:
    """The Jacobian of a vector expression with respect to a vector (or scalar)."""
    return derive(expr, wrt, layout, where, notation=notation)
