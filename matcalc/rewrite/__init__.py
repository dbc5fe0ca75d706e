"""Rewriting: named, sound lemmas applied by one engine; the firings are the derivation's steps.

Lemmas live in theme modules (``algebra``, ``transpose``, ``hadamard``, ``presentation``); the engine
(:mod:`matcalc.rewrite.engine`) applies a lemma list bottom-up to a fixpoint.
"""

from .engine import Lemma, simplify
from .lemmas import LEMMAS, PRESENTATION, tidy

__all__ = ["Lemma", "simplify", "LEMMAS", "PRESENTATION", "tidy"]
