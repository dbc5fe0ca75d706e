"""Named constants: π, a function of no arguments (``pi``, ``np.pi``, ``π``).

A constant is a row of arity 0, so that it needs no node type of its own: it prints as its name (``pi``,
``π``, ``\\pi``, ``np.pi``), evaluates to its value and has a zero differential. Euler's number needs
no row: ``e`` in ``e^x`` is read as ``exp(x)`` and elsewhere is written ``exp(1)``.
"""

from __future__ import annotations

import numpy as np

from .definition import Function, Notation, register


def constant(mark: str) -> Notation:
    return Notation("constant", mark)


def _scalar(value: float):
    return lambda: np.full((1, 1), value)


def _no_arguments(shapes):
    from ..shapes import SCALAR

    return SCALAR


PI = register(Function(
    "pi", "constant", 0, _scalar(np.pi), _no_arguments, constant(r"\pi"), "the circle constant π = 3.14159…",
    aliases=("π",), code="xp.pi", math=constant("π"), differential=lambda e, ds: (None, "constant"),
    identity_on_scalar=False,
))

__all__ = ["PI"]
