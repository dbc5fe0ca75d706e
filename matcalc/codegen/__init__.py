"""Generated code: an expression (a derivative, or a value and its gradient) as a standalone function.

One layer with one job per module:

* :mod:`~matcalc.codegen.backend` — what a code target is: a table of spellings;
* :mod:`~matcalc.codegen.numpy_target`, :mod:`~matcalc.codegen.jax_target`,
  :mod:`~matcalc.codegen.torch_target` — one table per target;
* :mod:`~matcalc.codegen.emit` — expressions as code text, the same for every target;
* :mod:`~matcalc.codegen.products` — matrix products: diagonal folding, Kronecker products applied
  without forming them, the cheapest order of a chain;
* :mod:`~matcalc.codegen.stable`, :mod:`~matcalc.codegen.cheap` — exact rewrites of the computed form: values
  that do not overflow, and forms that cost less (judged by :mod:`~matcalc.codegen.cost`);
* :mod:`~matcalc.codegen.source` — the function around the code: arguments, sizes, shared
  subexpressions, the result (and the value beside it).
"""

from __future__ import annotations

# each module registers its table; the first is the default, the order is the one help and errors list
from . import numpy_target  # noqa: F401  # isort: skip
from . import jax_target  # noqa: F401  # isort: skip
from . import torch_target  # noqa: F401  # isort: skip
from .backend import BACKENDS, Backend, backend

TARGETS = tuple(BACKENDS)  # the array libraries generated code can be written for

_LAZY = {"derivative_source": "source", "function_source": "source", "python_name": "text"}


def __getattr__(name: str):
    """The emitter is imported when code is first written, not when the command line lists the targets."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["BACKENDS", "TARGETS", "Backend", "backend", "derivative_source", "function_source", "python_name"]
