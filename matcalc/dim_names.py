"""Names of the flexible dimensions of one inference run: n, m, p, … in order of first appearance.

Undeclared names get flexible dimensions (``?1``, ``?2``, …). The typed tree names them with letters no
declared dimension and no name of the text takes; error messages name them too, before the tree is built,
and the same dimension keeps its name in every message of one run.
"""

from __future__ import annotations

from .shapes import Dim, Shape, describe
from .syntax import Syntax
from .unify import FLEX_PREFIX, Unifier

NICE_DIM_NAMES = ("n", "m", "p", "q", "r", "s", "t", "k", "l", "d", "u", "v")


class DimNames:
    """The names of one run's flexible dimensions, in the typed tree and in messages."""

    def __init__(self, u: Unifier, taken: set[str]):
        self.u = u
        self.taken = taken  # names a dimension may not take: declared dimensions and names
        self.names: dict[str, str] | None = None  # final names of flexible dims, set before building
        self.display: dict[str, str] = {}  # names of flexible dims in error messages

    def take_names_of(self, node: Syntax) -> None:
        """The names of the text (and the sizes of identities, ``I_n``) are not dimension names."""
        out, stack = set(), [node]
        while stack:
            n = stack.pop()
            if n.op == "name" or (n.op == "identity" and isinstance(n.data, str)):
                out.add(n.data)
            stack.extend(n.args)
        self.taken |= out

    def name_all(self, symbols: dict[str, tuple[Shape, frozenset[str]]]) -> None:
        """Give flexible dimensions readable names (n, m, p, …) in order of first appearance."""
        self.names = {}
        for shape, _ in symbols.values():
            for d in self.u.shape(shape):
                for name in sorted(d.names()):
                    fixed = name in self.names or name in self.u.default_one
                    if name.startswith(FLEX_PREFIX) and not fixed:
                        self.names[name] = self._next_name()

    def _next_name(self) -> str:
        used = set(self.names.values()) | self.taken
        for cand in NICE_DIM_NAMES:
            if cand not in used:
                return cand
        i = 1
        while f"n{i}" in used:
            i += 1
        return f"n{i}"

    def final(self, d: Dim) -> Dim:
        """The dimension as it appears in the typed tree."""
        d = self.u.resolve(d)
        mapping = {}
        for name in sorted(d.names()):
            if not name.startswith(FLEX_PREFIX):
                continue
            if name not in self.names:
                self.names[name] = "1" if name in self.u.default_one else self._next_name()
            final = self.names[name]
            mapping[name] = Dim.of(1) if final == "1" else Dim.of(final)
        return d.substitute(mapping)

    def show(self, s: Shape) -> str:
        """A shape for an error message; flexible dims get readable names, the same in one run."""
        r = self.u.shape(s)
        for d in r:
            for name in sorted(d.names()):
                if name.startswith(FLEX_PREFIX) and name not in self.display:
                    used = set(self.display.values()) | self.taken
                    self.display[name] = next(
                        (c for c in NICE_DIM_NAMES if c not in used),
                        f"n{len(self.display) + 1}",
                    )
        mapping = {k: Dim.of(v) for k, v in self.display.items()}
        return describe((r[0].substitute(mapping), r[1].substitute(mapping)))
