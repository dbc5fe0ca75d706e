"""What a named function is: the :class:`Function` record, the rules it cites, and the registry.

A function f is defined by its shape rule (with whether its argument must be square), its differential
d f (element-wise rows: f'(u) ∘ du; linear rows: f(dU); other rows: a builder of their own), the
adjoint f* with ⟨g, f(dA)⟩ = ⟨f*(g), dA⟩ and the vec-Jacobian L with vec f(dA) = L vec(dA) of a linear
row (both used to identify gradients), the rules it cites, its spellings (NumPy text, Unicode math,
LaTeX, generated code) and what numeric checks must know (the interval to sample, a kink at 0, a
symmetric positive definite argument, conditioning). Everything else dispatches on these fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..expr import Call, Expr, Mul
from ..shapes import SCALAR, Shape, describe, is_covector, is_scalar, is_vector

Array = np.ndarray
Diffs = list["Expr | None"]


@dataclass(frozen=True)
class Rule:
    """A derivative rule: its name (cited by derivation steps), its identity and where it comes from."""

    name: str
    statement: str
    source: str


@dataclass(frozen=True)
class Notation:
    """How the math or LaTeX printer writes a call.

    ``call``: ``mark(args)`` (mark empty: the function's spelling); ``bars``: ``opening arg mark``
    (‖x‖); ``postfix``: ``arg mark`` (X⁻¹); ``infix``: ``a mark b`` (A ⊗ B). ``column``, when set, is the
    prefix that replaces the call for a column-vector argument (sum(x) = 1ᵀx)."""

    form: str = "call"
    mark: str = ""
    opening: str = ""
    column: str = ""


def call(mark: str = "", column: str = "") -> Notation:
    return Notation("call", mark, column=column)


def bars(opening: str, closing: str) -> Notation:
    return Notation("bars", closing, opening)


def postfix(mark: str) -> Notation:
    return Notation("postfix", mark)


def infix(mark: str) -> Notation:
    return Notation("infix", mark)


# (e, ds) -> (df, name of the rule applied); ds holds the arguments' differentials (None: constant)
DifferentialRule = Callable[[Call, Diffs], "tuple[Expr, str]"]
# e -> (inner, build(inner, d_inner) -> df, rule name) or None: a differential taken through `inner`
ThroughRule = Callable[[Call], "tuple[Expr, Callable[[Expr, Expr], Expr], str] | None"]


@dataclass(frozen=True, eq=False)
class Function:
    """One named function, completely. Identity is the name."""

    name: str
    kind: str  # 'elementwise' | 'reduction' | 'matrix'
    arity: int
    numpy: Callable[..., Array]
    shape_rule: Callable[[tuple[Shape, ...]], Shape]
    latex: Notation | str  # LaTeX; a plain string is the operator of the call form, e.g. r"\exp"
    doc: str
    aliases: tuple[str, ...] = ()
    sympy: Callable[[Any, Any], Any] | None = None  # (sympy module, symbol) -> scalar definition
    domain: tuple[float, float] = (-2.0, 2.0)  # element-wise rows: where random check points are drawn
    linear: bool = False
    # element-wise rows: f'(u) as a matcalc expression of the argument u, and its one-line statement
    derivative: Callable[[Expr], Expr] | None = None
    derivative_text: str = ""
    kink: bool = False  # not differentiable where the argument has a zero entry: checks keep away from 0
    # generated code: a template in the arguments {0}, {1}, and the helper functions it calls, if any, written
    # against ``xp``, the array namespace of the code target (``np``, ``jnp``, ``torch``); a target whose
    # namespace spells it otherwise overrides it in its own table (matcalc/codegen/)
    code: str = ""
    code_helper: str = ""
    # a user's function: its definition as a matcalc expression of an argument (for generated code)
    definition: Callable[[Expr], Expr] | None = None
    # ---- shape
    square: bool = False  # the argument must be a square matrix
    square_matrix_reading: str = ""  # the row this spelling names when the argument is not a vector (diag)
    # element-wise exp/log/sqrt: the matrix function their name means to most readers on a square matrix
    # (expm, logm, sqrtm); math notation refuses to guess, and printers write the entry-wise one np.exp(A)
    square_matrix_meaning: str = ""
    # ---- derivative
    differential: DifferentialRule | None = None
    rules: tuple[Rule, ...] = ()  # the rules `differential` (and `through`) cite, beyond the structural ones
    through: ThroughRule | None = None  # a differential taken past the argument (tr f(U) = tr(f'(U) dU))
    matrix_derivative: Callable[[Expr], Expr] | None = None  # analytic f: f'(U), with d tr f(U) = tr(f'(U) dU)
    adjoint: Callable[[Call, Expr], Expr] | None = None  # linear: f*(g), ⟨g, f(dA)⟩ = ⟨f*(g), dA⟩
    vec_jacobian: Callable[[Call], Expr | None] | None = None  # linear: L with vec f(dA) = L vec(dA) (None: I)
    # ---- what rewriting may assume
    identity_on_scalar: bool = False  # f(s) = s for a 1×1 argument
    symmetric_result: bool = False  # f(U)ᵀ = f(U) always (diag of a vector)
    preserves_symmetry: bool = False  # f(S)ᵀ = f(S) for a symmetric S
    # ---- spellings: NumPy text (parsed back) and Unicode math; LaTeX is `latex`
    spelling: str = ""
    math: Notation = field(default_factory=Notation)
    # ---- numeric checks
    argument: str = "any"  # 'any' | 'spd': the kind of matrix the argument must be (sampled so)
    conditioning: bool = False  # meaningless near a singular argument: checks redraw ill-conditioned points

    def __post_init__(self):
        spelling = self.spelling or self.name
        object.__setattr__(self, "spelling", spelling)
        if isinstance(self.latex, str):
            object.__setattr__(self, "latex", call(self.latex))
        if not self.math.mark and self.math.form == "call":
            object.__setattr__(self, "math", Notation("call", spelling, column=self.math.column))

    def shape_of(self, arg_shapes: tuple[Shape, ...]) -> Shape:
        if len(arg_shapes) != self.arity:
            raise ShapeError(f"{self.spelling} takes {self.arity} argument(s), got {len(arg_shapes)}")
        row = self.for_arguments(arg_shapes)
        if row is not self:
            return row.shape_of(arg_shapes)
        result = self.shape_rule(arg_shapes)
        if self.square and arg_shapes[0][0] != arg_shapes[0][1]:
            raise ShapeError(f"{self.spelling} needs a square matrix, got {describe(arg_shapes[0])}")
        return result

    def for_arguments(self, arg_shapes: tuple[Shape, ...]) -> Function:
        """The row a call with these arguments means: a spelling shared by two rows (diag) picks by its argument."""
        if self.square_matrix_reading and arg_shapes and not _vectorish(arg_shapes[0]):
            return REGISTRY[self.square_matrix_reading]
        return self

    def __eq__(self, other) -> bool:
        return isinstance(other, Function) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"Function({self.name})"


REGISTRY: dict[str, Function] = {}
ALIASES: dict[str, str] = {}


def register(fn: Function) -> Function:
    """Add a row; names and aliases must be new."""
    for key in (fn.name, *fn.aliases):
        if key in REGISTRY or key in ALIASES:
            raise ValueError(f"function name {key!r} is already registered")
    REGISTRY[fn.name] = fn
    for alias in fn.aliases:
        ALIASES[alias] = fn.name
    return fn


def lookup(name: str) -> Function | None:
    """The row for a name or alias, or None."""
    return REGISTRY.get(ALIASES.get(name, name))


def resolve(name: str, argument_is_vector: bool) -> Function | None:
    """The row a surface name means for its argument: ``diag`` of a vector is the diagonal matrix, ``diag``
    of a square matrix its diagonal; any other name is :func:`lookup`."""
    fn = lookup(name)
    if fn is not None and fn.square_matrix_reading and not argument_is_vector:
        return REGISTRY[fn.square_matrix_reading]
    return fn


def _vectorish(s: Shape) -> bool:
    return s[0] == SCALAR[0] or s[1] == SCALAR[1]


# ---------------------------------------------------------------- shape rules


def same(shapes: tuple[Shape, ...]) -> Shape:
    return shapes[0]


def to_scalar(shapes: tuple[Shape, ...]) -> Shape:
    return SCALAR


def vector_only(name: str, result: str, hint: str) -> Callable[[tuple[Shape, ...]], Shape]:
    def rule(shapes):
        s = shapes[0]
        if not (is_vector(s) or is_covector(s) or is_scalar(s)):
            raise ShapeError(f"{name} needs a vector, got {describe(s)}; {hint}")
        return SCALAR if result == "scalar" else s

    return rule


# ---------------------------------------------------------------- differentials shared by many rows


def elementwise_chain(e: Call, ds: Diffs) -> tuple[Expr, str]:
    """d f(u) = f'(u) ∘ du."""
    return Mul(e.fn.derivative(e.args[0]), ds[0]), "elementwise-chain"


def linear_in(rule: Rule) -> DifferentialRule:
    """A linear function's differential is the function of the differential: d f(U) = f(dU)."""
    return lambda e, ds: (Call(e.fn, ds[0]), rule.name)


def elementwise_row(name: str, numpy: Callable[[Array], Array], latex: str, doc: str, sympy, derivative,
                    derivative_text: str, code: str = "", domain=(-2.0, 2.0), aliases=(), kink: bool = False,
                    code_helper: str = "", definition=None, square_matrix_meaning: str = "") -> Function:
    """An element-wise row: shape kept, d f(u) = f'(u) ∘ du with f' = `derivative`."""
    return Function(
        name, "elementwise", 1, numpy, same, latex, doc, tuple(aliases), sympy, tuple(domain),
        derivative=derivative, derivative_text=derivative_text, kink=kink, code=code, code_helper=code_helper,
        definition=definition, differential=elementwise_chain, square_matrix_meaning=square_matrix_meaning,
    )


def entrywise_on_square_matrix(fn: Function, arguments) -> bool:
    """Is this call an entry-wise exp/log/sqrt of a square matrix (which math notation would read as expm …)?"""
    if not fn.square_matrix_meaning or not arguments:
        return False
    rows, cols = arguments[0].shape
    return rows == cols and rows != SCALAR[0]


def rows() -> list[Function]:
    """Every registered row, in the order of registration."""
    return list(REGISTRY.values())
