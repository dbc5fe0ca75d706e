"""The lemma lists in the order the engine tries them, and ``tidy``: simplify then present."""

from __future__ import annotations

from ..expr import Expr
from . import algebra, hadamard, identities, inverse, kronecker, presentation, transpose
from .engine import Firing, simplify

LEMMAS = [*transpose.LEMMAS, *algebra.LEMMAS, *inverse.LEMMAS, *identities.LEMMAS, *hadamard.LEMMAS, *kronecker.LEMMAS]
PRESENTATION = list(presentation.LEMMAS)


def tidy(e: Expr, trace: list[Firing] | None = None) -> Expr:
    """The closed form as printed: simplified to a fixpoint, then laid out for reading."""
    return presentation.present(simplify(e, LEMMAS, trace), trace)
