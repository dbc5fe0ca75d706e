"""Powers: ``a ** b`` element-wise, and ``base^k`` a power of a scalar, an inverse or a matrix power.

``^`` takes its meaning from the base's kind: any scalar exponent of a scalar, an integer power (or the
inverse) of a square matrix; on a vector it is refused with the spellings meant (``x**2``, ``x^T x``), and a
Greek letter squared (``σ²``) is read as a scalar. Plain functions of the inference run, which
:class:`matcalc.infer.Inference` calls for ``power`` and ``caret`` nodes.
"""

from __future__ import annotations

from . import functions, limits
from .errors import ParseError, ShapeError, UnsupportedError
from .expr import Call, MatMul, Number, Power, Symbol
from .names import is_greek
from .printing.precedence import format_number
from .product_shapes import elementwise_shape
from .scalar_reading import _walk
from .shapes import ONE


def infer_power(inf, node, want_array):
    """``a ** b`` element-wise: equal shapes, or a scalar on either side."""
    base, exponent = node.args
    if exponent.op in ("paren", "neg", "chain") and any(n.op == "number" for n in _walk(exponent)):
        for name in inf._scaling_names(exponent) or ():  # c**(-n/2): a fraction of a name is a scalar
            inf._fits(name, strong=True)
    bs, bb = inf.infer(base, want_array)
    es, eb = inf.infer(exponent)
    shape = elementwise_shape(inf, "**", inf.src(base), bs, inf.src(exponent), es, exponent.pos)
    return shape, lambda: Power(bb(), eb())


def infer_caret(inf, node, want_array):
    """``base^k``: a power of a scalar, an inverse or a matrix power of a square matrix."""
    base = node.args[0]
    kind, value = node.data
    bs, bb = inf.infer(base, want_array)
    rb = inf.u.settle(bs)
    base_text = inf.src(base)
    if kind == "expr":  # x^{-y}, (2πσ²)^{-n/2}: any scalar exponent of a scalar base
        exponent = node.args[1]
        for name in inf._scaling_names(exponent) or ():
            inf._fits(name, strong=True)  # an exponent is a scalar
        es, eb = inf.infer(exponent)
        if not inf.u.settle_scalar(es):
            raise ShapeError(f"the exponent {inf.src(exponent)} must be a scalar, but it is {inf.show(es)}",
                             inf.text, exponent.pos)
        if not inf.u.is_scalar(bs):
            raise UnsupportedError(f"{inf.src(node)}: only an integer power of a matrix (write a number)",
                                   inf.text, node.pos)
        return bs, lambda: Power(bb(), eb())
    if kind == "name":
        if value not in inf.decls and value not in inf.symbols:
            raise ParseError(
                f"the exponent {value} in {base_text}^{value} must be declared a scalar: where=\"{value}: scalar\"",
                inf.text, node.pos,
            )
        es, _ = inf.symbol(value, node, default_kind="scalar")
        if not inf.u.is_scalar(es):
            raise ShapeError(f"the exponent {value} must be a scalar, but it is {inf.show(es)}", inf.text, node.pos)
        exponent_builder = lambda: Symbol(value, inf.final_shape(es), inf.symbols[value][1])  # noqa: E731
    else:
        exponent_builder = lambda: Number(value)  # noqa: E731
    if inf.u.is_scalar(bs):
        return bs, lambda: Power(bb(), exponent_builder())
    if rb[0] == ONE or rb[1] == ONE:
        name = inf._bare(base)
        if name is not None and is_greek(name):  # σ², sigma^2: a Greek letter squared is a scalar
            inf._fits(name, strong=True)
        raise ShapeError(
            f"{base_text}^… on a {inf.show(bs).split('(')[0]} is ambiguous: write {base_text}**k or "
            f"{base_text}.^k for an element-wise power, {base_text}^T {base_text} for a squared norm, "
            f"or declare {base_text} a scalar",
            inf.text, node.pos,
        )
    if not inf.u.unify(bs[0], bs[1]):
        raise ShapeError(f"{base_text}^… needs a square matrix, but {base_text} is {inf.show(bs)}", inf.text, node.pos)
    if kind == "name" or value.denominator != 1:
        shown = value if kind == "name" else format_number(value)
        raise UnsupportedError(
            f"matrix power {base_text}^{shown} (only integer powers of a square matrix)", inf.text, node.pos
        )
    k = int(value)
    if k == 0:
        raise UnsupportedError(f"{base_text}^0 is the identity matrix: write I", inf.text, node.pos)
    if abs(k) > limits.MAX_MATRIX_POWER:
        raise UnsupportedError(
            f"matrix power {base_text}^{k}: at most ±{limits.MAX_MATRIX_POWER}", inf.text, node.pos
        )
    inv = functions.lookup("inv")

    def build():
        b = bb()
        factor = b if k > 0 else Call(inv, b)
        return factor if abs(k) == 1 else MatMul(*([factor] * abs(k)))

    return bs, build
