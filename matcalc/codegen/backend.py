"""What a code target is: one table of spellings an array library needs.

The emitter (:mod:`matcalc.codegen.emit`) decides *what* to compute — which products, in which order,
which subexpressions once — and asks the target's table *how* to spell each construct it needs: an
argument converted to a float array, a matrix of ones, a block matrix, a Kronecker product applied
to a matrix without forming it, a registry function. Adding a target is one such table (see
``numpy_target.py``, ``jax_target.py``, ``torch_target.py``) plus its tests; docs/api.md says how.

Registry functions carry one template each, written against ``xp``, the array namespace of the
target (the name the Python array API standard gives it); a table binds ``xp`` to its own namespace
and overrides the rows its library spells otherwise (``torch.relu`` for ``np.maximum(x, 0.0)``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

KRON_COMMUTED = '''def _kron_commuted(a, b):
    """kron(a, b) @ K(s, q) for an r×s a and a p×q b, formed in one pass (no commutation matrix multiplied):
    entry [i*p + k, l*s + j] = a[i, j] * b[k, l]."""
    (r, s), (p, q) = a.shape, b.shape
    return (a[:, None, None, :] * b[None, :, :, None]).reshape(r * p, q * s)
'''  # indexing, broadcasting and a row-major reshape: the same in NumPy, JAX and PyTorch


@dataclass(frozen=True)
class Backend:
    """The spellings of one code target. Templates take their operands as ``{0}``, ``{1}``."""

    name: str  # the target's name: to_source(target=...), --code ...
    namespace: str  # the name the code calls the library by (np, jnp, torch)
    imports: tuple[str, ...]  # the import lines at the top of the source
    arrays: str  # what the function takes, in words ("NumPy arrays")
    scalar_words: str  # what a scalar result is ("a float")
    array_word: str  # what an array result is ("array", "tensor")
    argument: str  # an argument as an array of the target's float type
    scalar_argument: str  # a scalar argument
    scalar_result: str  # the value returned for a 1×1 result
    ndim: str  # the number of axes of an argument as the caller gave it
    ones: str  # {0}: a shape tuple
    zeros: str
    eye: str  # {0}: a size
    flat: str  # a column as a 1-D array
    item_1x1: str  # a scalar as a 1×1 block of a block matrix
    block: Callable[[list[list[str]]], str]  # rows of items -> a block matrix
    kron_matmul: str  # helper source: def _kron_matmul(a, b, m): kron(a, b) @ m without forming kron(a, b)
    commutation_order: str  # helper source: def _commutation_order(m, n): the row order of K(m, n)
    kron_commuted: str = KRON_COMMUTED  # helper source: def _kron_commuted(a, b): kron(a, b) @ K, formed at once
    multi_dot: str = "xp.linalg.multi_dot([{0}])"  # {0}: the factors of a chain, ordered by their shapes at call time
    functions: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # row name -> (template, helper)
    constant: str = "{0}"  # a plain number passed to a library function
    reserved: tuple[str, ...] = ()  # further names the code uses besides the namespace

    def spell(self, text: str) -> str:
        """A registry template or helper with ``xp`` bound to this target's namespace."""
        return re.sub(r"\bxp\.", self.namespace + ".", text)

    def function(self, fn) -> tuple[str, str]:
        """(template, helper source) of a registry row for this target ('' when it has no code)."""
        if fn.name in self.functions:
            return self.functions[fn.name]
        return self.spell(fn.code), self.spell(fn.code_helper)


BACKENDS: dict[str, Backend] = {}


def register(backend: Backend) -> Backend:
    BACKENDS[backend.name] = backend
    return backend


def backend(target: str) -> Backend:
    """The table of a target by name; a ValueError naming the targets there are for another."""
    if target not in BACKENDS:
        raise ValueError(f"no code target {target!r}; choose one of {', '.join(BACKENDS)}")
    return BACKENDS[target]


def reserved_names() -> set[str]:
    """Names no argument may take in code for any target (they would shadow the library or a helper)."""
    names = {"float", "xp"}
    for b in BACKENDS.values():
        names |= {b.namespace, *b.reserved}
    return names
