"""What one operator of a chain of products means where notations differ, and blocks aligned with blocks.

``*`` between non-scalars follows the dialect markers of the whole expression (or the notation chosen);
``a / B`` is MATLAB's right division a B⁻¹ outside NumPy notation; NumPy's 1-D vector on the left of ``@`` is
a row, its 1-D result a column again, and ``v @ w.T`` of two vectors an outer product; blocks multiplied by
blocks align their parts. Each function reads the notation, the unifier and the names of the inference run
it is given; used for the chains of :mod:`matcalc.products`.
"""

from __future__ import annotations

from .builders import _group, _transposed
from .errors import ParseError, ShapeError
from .shapes import ONE, Shape
from .syntax import Syntax
from .unify import FLEX_PREFIX


def end_row_chain(u, shape, group, group_kind):
    """NumPy's ``x @ A`` is 1-D: as a column here, (xᵀA)ᵀ; ``x @ A @ y`` stays the scalar xᵀAy."""
    if u.resolve(shape[1]) == ONE:
        return shape, group, group_kind, False
    return (shape[1], shape[0]), [_transposed(_group(group_kind, group))], None, False


def align_blocks(inf, left: Syntax, right: Syntax) -> None:
    """``[A, B] @ [x; z]``: partitions of as many blocks multiply block by block (A x + B z), as
    written; unaligned sizes (A with p + q - m columns) are not a reading anyone means."""
    while left.op == "paren":
        left = left.args[0]
    while right.op == "paren":
        right = right.args[0]
    lp, rp = inf.partitions.get(id(left)), inf.partitions.get(id(right))
    if lp is None or rp is None or lp[0] is not left or rp[0] is not right or len(lp[2]) != len(rp[1]):
        return
    layout = right.data
    for j, (width, height) in enumerate(zip(lp[2], rp[1])):
        if inf.u.unify(width, height):
            continue
        item = right.args[sum(layout[:j])]
        while item.op in ("paren", "block") and len(item.args) == 1:
            item = item.args[0]
        name = inf._bare(item)
        if name is not None:  # `[X, 1] @ [w; b]`: b stands against one column, so b is a scalar
            inf._fits(name, strong=True)
            raise ShapeError(f"the blocks of {inf.src(left)} and {inf.src(right)} do not align as vectors: "
                             f"{name} stands against {inf.show((width, ONE))}", inf.text, item.pos)


def outer_of_columns(inf, ls: Shape, rs: Shape, right: Syntax) -> bool:
    """``v @ w.T`` of two vectors: an outer product here, an inner product for NumPy's 1-D arrays."""
    if inf.notation in ("matlab", "math") or right.op != "transpose":
        return False
    left, r = inf.u.shape(ls), inf.u.shape(rs)
    return left[1] == ONE and left[0] != ONE and r[0] == ONE and r[1] != ONE


def numpy_row(inf, ls: Shape, rs: Shape) -> bool:
    """Is the left operand of ``@`` a column that NumPy would read as a 1-D row? When it is a vector,
    the right operand's rows cannot be 1, and the notation is not MATLAB's or math's."""
    if inf.notation in ("matlab", "math"):
        return False
    left, right = inf.u.shape(ls), inf.u.shape(rs)
    if left[1] != ONE or left[0] == ONE or right[0] == ONE:
        return False
    name = right[0].name
    if name and name.startswith(FLEX_PREFIX) and name not in inf.u.nonunit:
        return False  # the right side may still have one row (a literal 1, a block)
    return True


def right_division(inf, rs: Shape) -> bool:
    """Is ``a / B`` MATLAB's right division a B⁻¹? When B is a matrix and the notation is MATLAB's or math's."""
    if inf.notation == "numpy" or (inf.notation == "auto" and not inf.math_only()):
        return False
    r = inf.u.shape(rs)
    return r[0] != ONE and r[1] != ONE and not inf.u.settle_scalar(rs)


def star_meaning(inf, ls: Shape, rs: Shape, pos: int, left_text: str, right_text: str) -> str:
    """What `*` means here: 'mul' (scaling or element-wise) or 'matmul' (docs/syntax.md, "The meaning of *")."""
    if inf.u.is_scalar(ls) or inf.u.is_scalar(rs):
        return "mul"
    if inf.notation == "numpy" or (inf.notation == "auto" and inf.numpy_markers and not inf.math_markers):
        return "mul"
    if inf.notation in ("matlab", "math") or (inf.math_markers and not inf.numpy_markers):
        if not inf.u.unify(ls[1], rs[0]) and (inf.u.settle_scalar(ls) or inf.u.settle_scalar(rs)):
            return "mul"
        return "matmul"
    suggestion = (
        f"write {left_text} @ {right_text} for the matrix product or {left_text} ∘ {right_text} "
        f"(or .*) for the element-wise product"
    )
    if inf.numpy_markers and inf.math_markers:
        np_m, np_p = inf.numpy_markers[0]
        ma_m, ma_p = inf.math_markers[0]
        reason = (
            f"'*' between two non-scalars is ambiguous: the expression mixes NumPy notation "
            f"({np_m!r} at {np_p}) and math notation ({ma_m!r} at {ma_p}); {suggestion}"
        )
    else:
        reason = f"'*' between two non-scalars is ambiguous; {suggestion}"
    raise ParseError(reason, inf.text, pos)
