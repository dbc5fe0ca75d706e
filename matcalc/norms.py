"""Norms written with bars: ``‖x‖``, ``‖x‖₁``, ``‖X‖_F``, named by their subscript and their argument's shape.

``‖x‖`` of a vector is its 2-norm; of a matrix it is ambiguous and refused with the Frobenius spelling, and the
spectral and matrix 1-norms are not supported. A plain function of the inference run, which
:class:`matcalc.infer.Inference` calls for ``norm`` nodes.
"""

from __future__ import annotations

from . import functions
from .errors import ShapeError, UnsupportedError
from .expr import Call
from .shapes import ONE


def infer_norm(inf, node, want_array):
    """The norm a ``norm`` node names, as a call of a registry function; a scalar."""
    (inner,) = node.args
    s, b = inf.infer(inner)
    r = inf.u.settle(s)
    is_vec = r[0] == ONE or r[1] == ONE
    sub = node.data
    text = inf.src(inner)
    if sub in ("F", "fro"):
        fn = functions.lookup("norm_fro")
    elif sub == "1":
        if not is_vec:
            raise UnsupportedError(f"the matrix 1-norm ||{text}||_1")
        fn = functions.lookup("norm1")
    else:
        if not is_vec:
            if sub == "2":
                raise UnsupportedError(f"the spectral norm ||{text}||_2 of a matrix")
            raise ShapeError(
                f"||{text}|| of a matrix is ambiguous ({text} is {inf.show(s)}): "
                f"write ||{text}||_F for the Frobenius norm",
                inf.text, node.pos,
            )
        fn = functions.lookup("norm")
    return (ONE, ONE), lambda: Call(fn, b())
