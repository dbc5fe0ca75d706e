r"""``\\sum`` in LaTeX input: read only as the sum of all entries of an entry-wise summand.

``\\sum_i x_i``, ``\\sum_{i=1}^{n} (y_i - z_i)^2``, ``\\sum_{i,j} X_{ij}^2``, ``\\sum_i \\sum_j``, and with a
factor before it (``\\lambda \\sum_j \\beta_j^2``): every name carrying the index is that array, a name without
it is a scalar (the same in every term), products, quotients and powers become entry-wise. Anything else
(``\\sum_i (y_i - w^\\top x_i)^2``, ``\\sum_i A_{ij} x_j``) is refused with a matrix spelling to use instead.
"""

from __future__ import annotations

import re

from lark import v_args

from . import functions
from .syntax import Syntax, _ToSyntax


@v_args(meta=True)
class IndexSums(_ToSyntax):
    """The transformer's methods for ``\\sum`` (mixed into the LaTeX transformer)."""

    # ---- \sum_i: the sum of all entries of an element-wise summand
    def big_sum(self, meta, items):
        head, summand = items
        text = re.sub(r"\s+", "", str(head))
        m = re.fullmatch(r"\\sum(?:_\{?([a-z](?:,?[a-z])?)(?:=(?:0|1))?\}?)?(?:\^\{?([A-Za-z0-9]+)\}?)?", text)
        if m is None and text.startswith("\\sum_"):
            self._error(r"the range of this \sum is not read: only \sum_i, \sum_{i,j} and \sum_{i=1}^{n}, a sum over "
                        r"all entries", head.start_pos)
        if m is None or m.group(1) is None:
            self._error(r"\sum is read only over an index as the sum of all entries, e.g. \sum_i x_i; "
                        r"otherwise write \mathbf{1}^\top x or sum(x)", head.start_pos)
        indices = m.group(1).replace(",", "")
        return Syntax("index_sum", [summand], (indices, head.start_pos), meta.start_pos, meta.end_pos)

    def scaled_sum(self, meta, items):
        r"""``\lambda \sum_j \beta_j^2``, ``\log \sum_i e^{x_i}``: a factor before the sum."""
        left, head, summand = items
        total = self.big_sum(meta, [head, summand])
        total.pos = head.start_pos
        self._mark("juxtaposition", head.start_pos)
        items = left.args if left.op == "juxt" else [left]
        return Syntax("juxt", [*items, total], None, left.pos, meta.end_pos)

    def _sums(self, node: Syntax) -> Syntax:
        r"""Each ``\sum`` read as the sum of all entries, once the whole tree is known: directly nested sums
        (``\sum_i \sum_j X_{ij}``) are one sum over both indices."""
        if node.op == "index_sum":
            indices, pos = node.data
            summand = node.args[0]
            while summand.op == "index_sum" or (summand.op == "paren" and summand.args[0].op == "index_sum"):
                summand = summand.args[0] if summand.op == "paren" else summand
                if set(summand.data[0]) & set(indices):
                    self._error(f"\\sum_{summand.data[0]} inside \\sum_{indices}: the index is summed twice", summand.pos)
                indices, summand = indices + summand.data[0], summand.args[0]
            body = self._entrywise(self._sums(summand), indices, pos)
            self.summed.update(indices)
            return Syntax("call", [body], ("sum", pos, ""), node.pos, node.end)
        node.args = [self._sums(a) for a in node.args]
        return node

    def _outside_sums(self, node: Syntax) -> None:
        r"""An entry written outside the sums: ``\sum_i x_i \cdot y_i`` (the sum takes the product after it, up to
        \cdot), ``\frac{e^{a_k}}{\sum_j e^{a_j}}`` (one entry of a beside the sum over all of them): refused, as
        matcalc reads arrays, not their entries."""
        if not self.summed:
            return
        stack = [node]
        while stack:
            n = stack.pop()
            stack.extend(n.args)
            name = n.data if n.op == "name" else n.data[1] if n.op == "caret" and n.data[0] == "name" else None
            if name is None or "_" not in name:
                continue
            stem, _, sub = name.rpartition("_")
            if sub.isalpha() and sub.islower() and (set(sub) & self.summed or stem in self.summed_stems):
                entry = self.text[n.pos:n.end]
                self._error(f"{entry} is outside the \\sum: an entry of an array is read only inside a sum over its "
                            f"index; put the whole summand in brackets, \\sum_i (x_i y_i), or write it with vectors",
                            n.pos)

    def _entrywise(self, node: Syntax, indices: str, pos: int) -> Syntax:
        """The summand with its indices dropped (x_i → x) and products, quotients and powers made entry-wise; a
        name without the index is a scalar; refused when an index is used otherwise (∑ᵢ wᵀxᵢ, ∑ᵢ Aᵢⱼ xⱼ)."""
        def refuse(why: str, at: int):
            self._error(f"\\sum_{indices}: {why}; only a sum of all entries of an entry-wise expression is read "
                        f"(write it with matrices, e.g. \\mathbf{{1}}^\\top (x \\odot y))", at)

        def visit(n: Syntax) -> Syntax:
            if n.op == "juxt":  # `y_i \log p_i`: a function word applies to the factor after it
                args = list(n.args)
                for i in range(len(args) - 2, -1, -1):
                    a = args[i]
                    fn = functions.lookup(a.data) if a.op == "name" and len(a.data) > 1 else None
                    if fn is not None and fn.kind == "elementwise":
                        args[i:i + 2] = [Syntax("call", [args[i + 1]], (fn.name, a.pos, ""), a.pos, args[i + 1].end)]
                n = args[0] if len(args) == 1 else Syntax("juxt", args, n.data, n.pos, n.end)
            if n.op == "number":
                return n
            if n.op == "name":
                stem, _, sub = n.data.rpartition("_")
                if stem and sub == indices:
                    self.summed_stems.add(stem)
                    return Syntax("name", [], stem, n.pos, n.end)
                if n.data in indices:
                    refuse(f"the index {n.data} itself is not read", n.pos)
                if stem and sub.isalpha():
                    refuse(f"{self.text[n.pos:n.end]} has another index than {indices}", n.pos)
                if n.data != "e":
                    self.scalars.append(n)  # a name without the index is the same in every term: a scalar
                return n
            args = [visit(a) for a in n.args]
            if n.op in ("neg", "add", "paren", "bars"):
                return Syntax(n.op, args, n.data, n.pos, n.end)
            if n.op == "juxt":
                ops = [("⊙", a.pos) for a in args[1:]]
                return Syntax("chain", args, ops, n.pos, n.end)
            if n.op == "chain" and all(op in ("*", "·", "⊙", "∘", "/", "⊘", "juxt") for op, _ in n.data):
                ops = [("⊘" if op in ("/", "⊘") else "⊙", p) for op, p in n.data]
                return Syntax("chain", args, ops, n.pos, n.end)
            if n.op == "caret" and n.data[0] in ("num", "name", "expr"):
                base = args[0]
                if base.op == "name" and base.data == "e":
                    if n.data[0] == "name" and n.data[1].endswith("_" + indices):
                        self.summed_stems.add(n.data[1][: -len(indices) - 1])
                        return Syntax("caret", args, ("name", n.data[1][: -len(indices) - 1]), n.pos, n.end)
                    return Syntax("caret", args, n.data, n.pos, n.end)
                if n.data[0] == "name" and n.data[1].endswith("_" + indices):
                    self.summed_stems.add(n.data[1][: -len(indices) - 1])
                    exponent = Syntax("name", [], n.data[1][: -len(indices) - 1], n.pos, n.end)
                elif n.data[0] == "expr":
                    exponent = args[1]
                elif n.data[0] == "num":
                    exponent = Syntax("number", [], n.data[1], n.pos, n.end)
                else:
                    refuse(f"the exponent {n.data[1]} has no index {indices}", n.pos)
                return Syntax("power", [base, exponent], ".^", n.pos, n.end)
            if n.op == "power" and n.data in ("**", ".^"):
                return Syntax("power", args, ".^", n.pos, n.end)
            if n.op == "call" and functions.lookup(n.data[0]) is not None and functions.lookup(n.data[0]).kind == "elementwise":
                return Syntax("call", args, n.data, n.pos, n.end)
            refuse(f"{self.text[n.pos:n.end].strip()} is not an entry-wise expression", n.pos)

        return visit(node)
