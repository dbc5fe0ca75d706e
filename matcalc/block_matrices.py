"""Block matrices: ``[A, B; C, D]``, blocks side by side with as many rows, stacked with as many columns.

The partition is recorded for :mod:`matcalc.product_readings`, which aligns blocks multiplied by blocks; a
literal 1 or 0 whose size no other block fixes is one entry. A plain function of the inference run, which
:class:`matcalc.infer.Inference` calls for ``block`` nodes.
"""

from __future__ import annotations

from .errors import ParseError, ShapeError
from .expr import Block
from .shapes import Dim


def infer_block(inf, node, want_array):
    """The shape of a block matrix, its rows and columns of blocks unified, and its builder."""
    layout = node.data
    if len(set(layout)) != 1:
        raise ShapeError("every block row needs the same number of blocks", inf.text, node.pos)
    latex = inf.text.startswith("\\begin", node.pos)  # LaTeX separates blocks with &: a space is a product
    if layout[0] == 1 and not latex and any(item.op == "juxt" for item in node.args):  # `[x 1]`, as notes write it
        item = next(item for item in node.args if item.op == "juxt")
        parts = " ".join(inf.src(a) for a in item.args)
        raise ParseError(
            f"[{inf.src(item)}] is ambiguous: write [{', '.join(inf.src(a) for a in item.args)}] to put the "
            f"blocks side by side, or [({parts})] for their product",
            inf.text, item.pos,
        )
    parts = [inf.infer(item, True) for item in node.args]
    rows, i = [], 0
    for n in layout:
        rows.append(list(zip(node.args[i : i + n], parts[i : i + n])))
        i += n
    for row in rows:
        (first, (fs, _)) = row[0]
        for item, (s, _) in row[1:]:
            if not inf.u.unify(fs[0], s[0]):
                raise inf.mismatch(",", inf.src(first), fs, inf.src(item), s, item.pos,
                                    "blocks side by side need the same number of rows")
    for j in range(layout[0]):
        (first, (fs, _)) = rows[0][j]
        for row in rows[1:]:
            item, (s, _) = row[j]
            if not inf.u.unify(fs[1], s[1]):
                raise inf.mismatch(";", inf.src(first), fs, inf.src(item), s, item.pos,
                                    "stacked blocks need the same number of columns")
    # a literal 1 or 0 whose size no other block fixed is one entry: [zeros(n, 1); 1] is (n + 1)×1
    shapes = [inf.u.settle(s) for s, _ in parts]
    inf.partitions[id(node)] = (node, [shapes[sum(layout[:i])][0] for i in range(len(layout))],
                                 [shapes[j][1] for j in range(layout[0])])
    height = sum((shapes[sum(layout[:i])][0] for i in range(len(layout))), Dim.of(0))
    width = sum((shapes[j][1] for j in range(layout[0])), Dim.of(0))
    return (height, width), lambda: Block(*[b() for _, b in parts], layout=layout)
