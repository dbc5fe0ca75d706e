"""The property vocabulary, defined once: what a declaration may say of a name.

``symmetric``, ``spd``, ``invertible`` and ``diagonal`` need a square matrix; ``symmetric``, ``spd`` and
``diagonal`` make it equal its transpose; ``positive`` fits any kind. The values of data — ``probability`` (a
vector of entries ≥ 0 summing to 1), ``onehot`` (a case of it), ``pm1`` (entries ±1), ``binary`` (entries 0/1) —
describe data, not a variable to differentiate by. The grammar's PROPERTY terminal lists the same words (a test
holds them together).
"""

from __future__ import annotations

PROPERTIES = ("symmetric", "spd", "invertible", "positive", "diagonal", "probability", "onehot", "pm1", "binary")
SQUARE_PROPERTIES = frozenset({"symmetric", "spd", "invertible", "diagonal"})
SYMMETRIC_PROPERTIES = frozenset({"symmetric", "spd", "diagonal"})
VALUE_PROPERTIES = frozenset({"probability", "onehot", "pm1", "binary"})
