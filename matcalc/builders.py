"""Builders of typed subtrees, deferred until every dimension is named: the pieces inference assembles."""

from __future__ import annotations

from collections.abc import Callable

from . import functions
from .expr import Call, Expr, MatMul, Mul, Number, Power, Transpose, negate
from .syntax import Syntax

Builder = Callable[[], Expr]


def _is_literal(node: Syntax) -> bool:
    """A literal ``1`` or ``0``, maybe bracketed or transposed (``1ᵀ``): an array whose size is inferred."""
    while node.op in ("paren", "transpose"):
        node = node.args[0]
    return node.op == "number"


def _negated(build: Builder) -> Builder:
    return lambda: negate(build())


def _inverse(build: Builder) -> Builder:
    return lambda: Call(functions.lookup("inv"), build())


def _transposed(build: Builder) -> Builder:
    """The transpose of a NumPy 1-D row read back as a column: (xᵀ)ᵀ is built as x."""
    def transposed():
        built = build()
        return built.arg if isinstance(built, Transpose) else Transpose(built)

    return transposed


def _reciprocal(build: Builder) -> Builder:
    return lambda: Power(build(), Number(-1))


def _dot(left: Builder, right: Builder) -> Builder:
    return lambda: MatMul(Transpose(left()), right())


def _kron(left: Builder, right: Builder) -> Builder:
    return lambda: Call(functions.lookup("kron"), left(), right())


def _group(kind: str | None, items: list[Builder]) -> Builder:
    if kind is None:
        return items[0]
    cls = MatMul if kind == "matmul" else Mul
    return lambda: cls(*[b() for b in items])
