"""Evidence that an undeclared name is a scalar: how a name is used, gathered while shapes are inferred.

Undeclared names take their default kind (lowercase: a vector, uppercase: a matrix). A name that only
scales a scalar made of arrays (``λ‖w‖²``, ``-N/2 logdet(Σ)``, ``sum(x)/n``) is read as a scalar when
that is what the text is usually meant to say; :class:`ScalarEvidence` records, for each name, where it
was met (scaling a scalar, dividing, over a number, beside an identity, in an exponent, as the coefficient
written first) and says which names the second inference (in :mod:`matcalc.parser`) reads as scalars,
and which plain lowercase names keep their default with a note that a scalar fits too.
"""

from __future__ import annotations

from . import functions
from .names import is_greek
from .reading import walk
from .syntax import Syntax


class ScalarEvidence:
    """Mixed into :class:`matcalc.infer.Inference`: the bookkeeping of names that only scale."""

    def _bare(self, node: Syntax) -> str | None:
        """The name of an undeclared bare name (maybe bracketed, or as 1/name), else None."""
        while node.op == "paren":
            node = node.args[0]
        if node.op == "power" and node.args[1].op == "number" and node.args[1].data == -1:
            node = node.args[0]
        if node.op == "name" and node.data not in self.decls and node.data not in self.scalars:
            fn = functions.lookup(node.data)
            return None if fn is not None and fn.arity == 0 else node.data  # pi is a constant, not a name
        return None

    def _scalar_of_arrays(self, node: Syntax, constants: bool = True) -> bool:
        """Is `node` (known to be a scalar) a value made of arrays (``xᵀAx``, ``sum(x)``, ``logdet(Σ)``) or of
        constants only (``log(2π)``)? A product of declared scalars (``s t``) is not: an array it scales
        is an array."""
        if _is_number(node):
            return False
        nodes = list(_walk(node))
        names = [n.data for n in nodes if n.op == "name"]
        if not names:  # a constant: log(2π) counts (unless only arrays count), (1/3) does not
            return constants and any(n.op == "call" for n in nodes)
        return any(not self._declared_scalar(n) for n in names)

    def _declared_scalar(self, name: str) -> bool:
        decl = self.decls.get(name)
        return name in self.scalars or (decl is not None and decl.kind == "scalar")

    def _fits(self, name: str, strong: bool = False, of_arrays: bool = True) -> None:
        self.scaling[name] = self.scaling.get(name, 0) + 1
        self.recent_fits.append(name)
        if strong:
            self.strong.add(name)
        if of_arrays:
            self.beside_arrays.add(name)  # scales a value made of arrays (not only e or log(2π))

    def _scaling_names(self, node: Syntax) -> list[str] | None:
        """The undeclared names of a product of names and numbers (``N``, ``(λ/2)``, ``-N/2``), else None."""
        while node.op in ("paren", "neg"):
            node = node.args[0]
        name = self._bare(node)
        if name is not None:
            if node.op == "power":  # 1/n: a divisor
                self.strong.add(name)
            return [name]
        if node.op == "power" and node.args[1].op == "number" and node.args[1].data == -1:
            names = _divisor_names(node.args[0], self._bare)  # 1/(2*m), 1/(N - 1): the names divide
            if names is not None:
                self.strong.update(names)
            return names
        if node.op in ("power", "caret") and len(node.args) == 2 and node.args[1].op == "number":
            base = self._bare(node.args[0])  # sigma**2 scales as sigma does
            return [base] if base is not None else None
        if node.op == "caret" and node.data and node.data[0] == "num":
            base = self._bare(node.args[0])  # σ²
            return [base] if base is not None else None
        if node.op == "number":
            return []
        if node.op in ("chain", "juxt"):
            ops = [o for o, _ in node.data] if node.op == "chain" else ["juxt"]
            if all(o in ("*", "/", "juxt", "·", "⋅") for o in ops):
                names = []
                for i, a in enumerate(node.args):
                    inner = self._scaling_names(a)
                    if inner is None:
                        return None
                    if node.op == "chain" and i and ops[i - 1] == "/":  # `(a/n)`: n divides
                        self.strong.update(inner)
                    if node.op == "chain" and i and ops[i - 1] == "/" and _is_number(a):  # `(λ/2)`
                        self.strong.update(names)
                    names += inner
                return names
        return None

    def _fitting(self, node: Syntax) -> list[str]:
        """Undeclared names every occurrence of which scales a scalar made of arrays."""
        counts = self._counts(node)
        # a divisor (x / N) or a fraction of a name (N/2) is scalar where it stands: it fits wherever else it scales
        return sorted(name for name, fits in self.scaling.items()
                      if (fits >= counts.get(name, 0) or name in self.divisors) and counts.get(name, 0) > 0 and name != "I")

    def scalar_fits(self, node: Syntax, failed: bool = False) -> frozenset[str]:
        """Names read as scalars: they only scale, and they divide or are divided by a number (``sum(x)/n``,
        ``N/2``), scale an identity (``λ I``), are added to a scalar (``xᵀAx + c``), or are Greek letters
        (``λ‖w‖²``, ``lam * w.T@w``). When inference `failed` (it stopped at the first error), the names
        met where only a scalar fits (an exponent, σ²) are tried as scalars too."""
        names = {n for n in self._fitting(node) if n in self.strong or is_greek(n)}
        if failed:  # only names whose default is a vector (lowercase) or Greek: an uppercase name is a matrix
            counts = self._counts(node)
            vectorish = {n for n in (*self.strong, *self.factors) if n not in self.decls and (n.islower() or is_greek(n))}
            names |= {n for n in vectorish if n in self.strong}
            names |= {n for n in vectorish if self.factors.get(n, 0) >= counts.get(n, 0) > 0}
            names |= {n for n in self.divisors if n not in self.decls}  # x / (N - 1): only a scalar divides a vector
        return frozenset(names)

    @staticmethod
    def _counts(node: Syntax) -> dict[str, int]:
        counts: dict[str, int] = {}
        for n in _walk(node, skip_sizes=True):
            if n.op == "name":
                counts[n.data] = counts.get(n.data, 0) + 1
        return counts

    def unsure_scalars(self, node: Syntax) -> list[str]:
        """Plain lowercase names that only scale a scalar (``-y wᵀx``): a vector (the default) fits, a scalar
        too; the default is kept and the reading says so."""
        return [n for n in self._fitting(node)
                if n not in self.strong and not is_greek(n) and n.islower() and n in self.beside_arrays]


def _is_greek_letter(name: str) -> bool:
    return len(name) == 1 and not name.isascii()


SIZE_CALLS = ("eye", "identity", "ones", "zeros", "commutation")


def _walk(node: Syntax, skip_sizes: bool = False):
    """Every node (:func:`matcalc.reading.walk`); with `skip_sizes`, not the sizes in eye(n), ones(n, 1)."""
    return walk(node, SIZE_CALLS if skip_sizes else ())


def _divisor_names(node: Syntax, bare) -> list[str] | None:
    """The undeclared names of a divisor made only of names and numbers (2 m, N - 1, n d, σ²), else None."""
    while node.op == "paren":
        node = node.args[0]
    name = bare(node)
    if name is not None:
        return [name]
    if node.op == "number":
        return []
    if node.op in ("power", "caret") and node.args and (len(node.args) == 1 or node.args[1].op == "number"):
        return _divisor_names(node.args[0], bare)
    if node.op in ("add", "neg", "juxt") or (node.op == "chain" and all(o in ("*", "/") for o, _ in node.data)):
        names: list[str] = []
        for a in node.args:
            inner = _divisor_names(a, bare)
            if inner is None:
                return None
            names += inner
        return names
    return None


def _is_identity(node: Syntax) -> bool:
    while node.op == "paren":
        node = node.args[0]
    return node.op == "identity" or (node.op == "name" and node.data == "I") or (
        node.op == "call" and node.data[0] in ("eye", "identity"))


def _is_number(node: Syntax) -> bool:
    while node.op == "paren":
        node = node.args[0]
    return node.op == "number"
