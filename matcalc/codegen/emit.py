"""Expressions as code text for one target: the emitter shared by every backend.

``Emitter.expr(e)`` gives ``(text, level)``, the level from the one precedence table every printer
uses (:mod:`matcalc.printing.precedence`), so a child is bracketed when it binds less tightly than its
place needs. One function per node kind (``functools.singledispatch``, as the printers do); products
of matrices are :mod:`matcalc.codegen.products`' job. What the code spells — an array of ones, a
block, a registry function — comes from the target's table (:class:`~matcalc.codegen.backend.Backend`).
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import singledispatch

from ..errors import UnsupportedError
from ..expr import (
    Add,
    Block,
    Call,
    Commutation,
    Expr,
    Identity,
    MatMul,
    Mul,
    Number,
    Ones,
    Power,
    Symbol,
    Transpose,
    Zeros,
    distinct_nodes,
)
from ..printing.precedence import ADD, ATOM, NEG, POWER, PRODUCT
from ..shapes import ONE, Dim, is_scalar
from .backend import Backend
from .cost import selection
from .products import diagonal_vector, matmul, merge_diagonals
from .text import MAX_TEXT_DEPTH, is_atom_text, number, python_name, split_sign

MAX_OPERANDS = 200  # terms of a sum (factors of a product) written in one expression before the first ones are named


class Emitter:
    """Statements and expressions for one function body, written for one target."""

    def __init__(self, taken: set[str], backend: Backend):
        self.backend = backend
        self.lines: list[str] = []
        self.helpers: dict[str, str] = {}
        self.taken = set(taken)
        self.dims: dict[str, str] = {}  # dim name -> Python variable holding its size
        self.counter = 0
        self.memo: dict[Expr, tuple[str, int]] = {}  # each node emitted once: its hoisted lines written once
        self.depth: dict[Expr, int] = {}  # levels of nodes a node's text holds (its named parts count as one)

    # ---------------------------------------------------------------- names and statements
    def fresh(self, base: str) -> str:
        self.counter += 1
        name = f"{base}{self.counter}"
        while name in self.taken:
            self.counter += 1
            name = f"{base}{self.counter}"
        self.taken.add(name)
        return name

    def hoist(self, text: str) -> str:
        """A name for `text` (a new assignment unless it already is a name)."""
        if text.isidentifier():
            return text
        name = self.fresh("u")
        self.lines.append(f"{name} = {text}")
        return name

    def helper(self, source: str) -> None:
        """Make the helper functions in `source` part of the module (each written once; two different helpers of
        one name are an error, never one silently replacing the other)."""
        for name, block in _definitions(source):
            if self.helpers.get(name, block) != block:
                raise UnsupportedError(f"generated code: two different helpers are called {name}")
            self.helpers[name] = block

    def size(self, d: Dim) -> str:
        """Python text for a dimension's size."""
        parts = []
        for monomial, coeff in d.terms:
            factors = [self.dims_var(n) for n in monomial]
            if coeff != 1 or not factors:
                factors.insert(0, str(coeff))
            parts.append(" * ".join(factors))
        text = " + ".join(parts) or "0"
        return text.replace("+ -", "- ")

    def dims_var(self, name: str) -> str:
        if name not in self.dims:
            raise UnsupportedError(f"generated code: no argument tells the size {name}")
        return self.dims[name]

    def shape_text(self, shape) -> str:
        return f"({self.size(shape[0])}, {self.size(shape[1])})"

    # ---------------------------------------------------------------- expressions: (text, level)
    def expr(self, e: Expr) -> tuple[str, int]:
        hit = self.memo.get(e)
        if hit is None:
            hit = _emit(e, self)
            depth = 1 + max((self.depth.get(a, 0) for a in e.args), default=0)
            if depth > MAX_TEXT_DEPTH:  # Python's parser refuses ~200 nested brackets: a deep part gets a name
                hit, depth = (self.hoist(hit[0]), ATOM), 1
            self.depth[e] = depth
            self.memo[e] = hit
        return hit

    def text(self, e: Expr) -> str:
        return self.expr(e)[0]

    def wrap(self, e: Expr, need: int) -> str:
        text, level = self.expr(e)
        return f"({text})" if level < need else text

    def commutation(self, m: str, n: str) -> str:
        """The row order of K(m, n), computed by the target's helper."""
        self.helper(self.backend.commutation_order)
        return f"_commutation_order({m}, {n})"

    def user_function(self, fn) -> str:
        """A helper for a user's function, written from its definition."""
        helper = f"_fn_{fn.name}"  # the built-in helpers never start so: a user's erfc is not _erfc
        if helper not in self.helpers:
            u = Symbol("u", (Dim.of("n"), ONE))
            inner = Emitter({"u", self.backend.namespace}, self.backend)
            body = inner.text(fn.definition(u))
            for block in inner.helpers.values():
                self.helper(block)
            self.helper(f"def {helper}(u):\n    return {body}\n")
        return helper + "({0})"


@singledispatch
def _emit(e: Expr, w: Emitter) -> tuple[str, int]:
    raise UnsupportedError(f"generated code for {type(e).__name__}")


@_emit.register
def _(e: Symbol, w: Emitter):
    return python_name(e.name), ATOM


@_emit.register
def _(e: Number, w: Emitter):
    return number(e.value)


@_emit.register
def _(e: Ones, w: Emitter):
    return w.backend.ones.format(w.shape_text(e.shape)), ATOM


@_emit.register
def _(e: Zeros, w: Emitter):
    return w.backend.zeros.format(w.shape_text(e.shape)), ATOM


@_emit.register
def _(e: Identity, w: Emitter):
    return w.backend.eye.format(w.size(e.shape[0])), ATOM


@_emit.register
def _(e: Commutation, w: Emitter):
    order = w.commutation(*(w.size(d) for d in e.dims))
    return f"{w.backend.eye.format(w.size(e.shape[0]))}[{order}]", ATOM


@_emit.register
def _(e: Transpose, w: Emitter):
    if is_scalar(e.shape):
        return w.expr(e.arg)
    return f"{w.wrap(e.arg, ATOM)}.T", ATOM


@_emit.register
def _(e: MatMul, w: Emitter):
    return matmul(w, list(e.args))


@_emit.register
def _(e: Block, w: Emitter):
    rows = [[w.backend.item_1x1.format(w.text(item)) if is_scalar(item.shape) else w.text(item) for item in row]
            for row in e.rows]
    return w.backend.block(rows), ATOM


@_emit.register
def _(e: Add, w: Emitter):
    merged = merge_diagonals(e)
    if merged is not None:  # diag(a) + diag(b) + M: one diagonal matrix, diag(a + b), is formed
        return w.expr(merged)
    out = ""
    for i, term in enumerate(e.args):
        negative, rest = split_sign(term)
        text = w.wrap(rest, ADD + 1) if negative else w.wrap(term, ADD)
        if i == 0:
            out = f"-{w.wrap(rest, PRODUCT)}" if negative else text
        else:
            if i % MAX_OPERANDS == 0:  # Python compiles a + b + … recursively: a long sum is summed in parts
                out = w.hoist(out)
            out += f" - {text}" if negative else f" + {text}"
    return out, ADD


@_emit.register
def _(e: Mul, w: Emitter):
    negative, rest = split_sign(e)
    if rest == Number(0) and not is_scalar(e.shape):  # 0 ∘ M: an array of zeros, not the number 0
        return w.backend.zeros.format(w.shape_text(e.shape)), ATOM
    scaled = _scaled_product(e)
    if scaled is not None:  # c · (a product): the scalars land where they multiply fewest entries (products.matmul)
        return matmul(w, scaled)
    if not isinstance(rest, Mul):
        text, level = w.expr(rest)
        return (f"-({text})" if level < POWER else f"-{text}", NEG) if negative else (text, level)
    top, bottom = [], []  # one pass: `f not in top` compared each factor with every other (quadratic in a long product)
    for f in rest.args:
        if isinstance(f, Power) and f.exponent == Number(-1):
            bottom.append(f.args[0])
        else:
            top.append(f)
    text = ""
    for k, f in enumerate(top):
        if k and k % MAX_OPERANDS == 0:  # a long product is multiplied in parts, as a long sum is summed
            text = w.hoist(text)
        text += w.wrap(f, PRODUCT) if k == 0 else f" * {w.wrap(f, PRODUCT + 1)}"
    text = text or "1.0"
    for f in bottom:
        text += f" / {w.wrap(f, PRODUCT + 1)}"
    if negative:  # -a is unary, -a * b a product ((-a) * b): `x ** -0.5 * n` is not x ** (-0.5 * n)
        single = len(top) == 1 and not bottom
        if top and w.expr(top[0])[1] >= POWER:
            return f"-{text}", NEG if single else PRODUCT
        return f"-({text})", NEG
    return text, PRODUCT


@_emit.register
def _(e: Power, w: Emitter):
    base, exponent = e.args
    if exponent == Number(Fraction(1, 2)) and not _constant(base):
        return f"{w.backend.namespace}.sqrt({w.text(base)})", ATOM
    if exponent == Number(-1):
        return f"1.0 / {w.wrap(base, PRODUCT + 1)}", PRODUCT
    return f"{w.wrap(base, ATOM)} ** {w.wrap(exponent, NEG)}", POWER


@_emit.register
def _(e: Call, w: Emitter):
    """The function's code template filled in, with the helpers it calls."""
    fn = e.fn
    if fn.identity_on_scalar and is_scalar(e.args[0].shape):
        return w.expr(e.args[0])
    template, helper = w.backend.function(fn)
    if not template and fn.definition is not None:
        template = w.user_function(fn)
    if not template:
        raise UnsupportedError(f"generated code for the function {fn.spelling}")
    w.helper(helper)
    if template.count("{0}") > 1:
        args = [w.hoist(_argument(a, w, ADD)) for a in e.args]
    elif _whole_arguments(template):
        args = [_argument(a, w, ADD) for a in e.args]
    else:  # an operand inside a formula, e.g. np.tanh(0.5 * {0})
        args = [_argument(a, w, ATOM) for a in e.args]
    text = template.format(*args)
    return (text, ATOM) if is_atom_text(text) else (text, ADD if " + " in text else PRODUCT)


def _argument(a: Expr, w: Emitter, need: int) -> str:
    """A call's argument (bracketed below level `need`); a constant (a number, π, exp(2): a Python number in
    the code) as the target wants it given to a library function."""
    if _constant(a):
        return w.backend.constant.format(w.text(a))
    return w.wrap(a, need)


def _constant(e: Expr) -> bool:
    """Is `e` a 1×1 constant, which the code computes as a Python number?"""
    return is_scalar(e.shape) and not any(isinstance(n, (Symbol, Ones, Zeros, Identity)) for n in distinct_nodes(e))


def _definitions(source: str) -> list[tuple[str, str]]:
    """The top-level functions of a helper's source, by name (a helper shared by two rows is written once)."""
    blocks = re.split(r"\n(?=def )", source.strip("\n")) if source else []
    return [(re.match(r"def (\w+)", block).group(1), block + "\n") for block in blocks]


def _whole_arguments(template: str) -> bool:
    """Does every {k} in the template stand alone as an argument of a call, like np.exp({0})?"""
    return all(re.search(r"[(,] ?\{" + k + r"\}(?=[,)])", template) for k in re.findall(r"\{(\d)\}", template))


def _scaled_product(e: Mul) -> list[Expr] | None:
    """The factors of c · P for a product or Kronecker product P (its own factors in place of it), else None."""
    if any(isinstance(f, Power) and f.exponent == Number(-1) for f in e.args):
        return None
    matrices = [f for f in e.args if not is_scalar(f.shape)]
    if len(matrices) != 1:
        return None
    if isinstance(matrices[0], MatMul):
        return [f for f in e.args if is_scalar(f.shape)] + list(matrices[0].args)
    if isinstance(matrices[0], Call) and matrices[0].fn.name == "kron":
        return list(e.args)
    return None


def inline(e: Expr) -> bool:
    """Subexpressions kept in place even when shared: diagonal matrices are folded into products, selections
    ([I, 0]) applied as slices."""
    return diagonal_vector(e) is not None or selection(e) is not None
