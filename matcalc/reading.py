"""The notation pass: syntax tree → syntax tree, deciding over the whole expression what its text means.

Between the grammar (:mod:`matcalc.syntax`) and shape inference (:mod:`matcalc.infer`), this pass makes
the decisions that depend on the whole expression rather than on the order in which inference meets
its parts, and records each decision a reader could doubt as a note (shown on the ``assumes:`` line):

* a name followed by a bracket is a product when the name is not a function: ``A (x + y)``, and a
  postfix after it applies to the bracket, ``A (x)ᵀ`` = A xᵀ; the juxtaposition marker it implies
  counts for every ``*`` of the expression, wherever it stands;
* a run-together name made of names the expression (or the variable, or the question) uses is their
  product: ``x'Ax`` is xᵀ A x, ``tr(AXB)`` by X is tr(A X B);
* methods are calls: ``A.dot(x)``, ``X.sum(axis=1)``, ``A.transpose()``;
* ``I_n``, ``I_{d}`` are identities of a named size; ``e^x`` is the exponential.

Library names and function words are rewritten by :mod:`matcalc.library_calls` (mixed in), run-together
names are split by :mod:`matcalc.run_together`; what names mean (Greek letters written out) is in
:mod:`matcalc.names`. The pass does not infer shapes and does not know what ``*`` means; it only rewrites
syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from . import functions, spellings
from .declarations import Declaration
from .errors import ParseError
from .library_calls import LIBRARY_CALLS, LibraryCalls
from .run_together import find_splits, split_apart
from .syntax import Syntax
from .syntax_tree import POSTFIX_OPS
from .syntax_walks import _copy, rewrite, walk

# method spellings: A.dot(x), X.sum(axis=1), ...; the value is the call it stands for
METHODS = {"dot": "dot", "sum": "sum", "mean": "mean", "trace": "trace", "transpose": "transpose",
           "diagonal": "diag"}
IDENTITY_NAME = re.compile(r"I_(\d+|[A-Za-z][A-Za-z0-9]*)$")


@dataclass
class Notation:
    """The outcome of the pass: the rewritten tree, the markers it implies, and the notes."""

    node: Syntax
    markers: list[tuple[str, int]]
    notes: list[str] = field(default_factory=list)
    splits: dict[str, list[str]] = field(default_factory=dict)  # run-together names read as products


class NotationPass(LibraryCalls):
    """One pass over one syntax tree."""

    def __init__(self, text: str, decls: dict[str, Declaration], markers, known=(), split: bool = True):
        self.text = text
        self.split = split
        self.splits: dict[str, list[str]] = {}
        self.run_on: set[str] = set()  # names after a transpose run on (x^TAy): Ay
        self.word_calls: dict[int, Syntax] = {}  # calls written as a word before a factor (log p), kept alive
        self.decls = decls
        self.markers = list(markers)
        self.known = set(known)
        self.notes: list[str] = []

    def run(self, node: Syntax) -> Notation:
        node = rewrite(node, self._calls_and_methods)
        if self.split:
            node = self._split_names(node)
        node = rewrite(node, self._names)
        return Notation(node, self.markers, self.notes, self.splits)

    # ------------------------------------------------------------ calls that are products, methods

    def _calls_and_methods(self, node: Syntax, args: list[Syntax]) -> Syntax:
        node = _copy(node, args)
        if node.op == "call":
            juxt = self._juxt_call(node)
            return juxt if juxt is not None else node
        if node.op == "method":
            return self._method(node)
        if node.op in POSTFIX_OPS and node.args and node.args[0].op == "juxt" and node.args[0].data in ("call", "run-on"):
            # `A (x)ᵀ`: the postfix applies to the bracket, not to the product A(x); `A^TB^T`: to B, not to Aᵀ B
            *head, operand = node.args[0].args
            applied = Syntax(node.op, [operand, *node.args[1:]], node.data, operand.pos, node.end)
            applied = self._calls_and_methods(applied, applied.args)  # `x^TA^TAx`: A^TAx runs on again
            if applied.op == "juxt" and applied.data == "run-on":
                return Syntax("juxt", [*head, *applied.args], "run-on", node.args[0].pos, node.end)
            return Syntax("juxt", [*head, applied], node.args[0].data, node.args[0].pos, node.end)
        if node.op == "caret" and node.data and node.data[0] == "name":
            run_on = self._transpose_run_on(node)
            if run_on is not None:
                return run_on
        return node

    def _juxt_call(self, node: Syntax) -> Syntax | None:
        """The juxtaposition a call like ``A (x + y)`` stands for, or None for a real function call.

        A name that is not a function, followed by one bracketed argument, is a factor when it is
        declared, uppercase, or separated from the bracket by a space (``x (y + z)ᵀ``)."""
        fname, name_pos, prefix = node.data
        fn = functions.lookup(fname)
        if len(node.args) != 1 or prefix or fname in spellings.HANDLERS or fname in LIBRARY_CALLS or (fn and fn.arity):
            return None
        if node.args[0].op in ("kwarg", "string"):
            return None
        spaced = self.text[name_pos + len(fname) : name_pos + len(fname) + 1].isspace()
        if not (fname in self.decls or not fname[:1].islower() or spaced or fn is not None):
            return None
        self.markers.append(("juxtaposition", name_pos))
        name_node = Syntax("name", [], fname, name_pos, name_pos + len(fname))
        paren_pos = self.text.find("(", name_pos + len(fname))
        argument = node.args[0]
        if argument.op == "tuple":
            raise ParseError(f"{fname} is not a function: {self.text[node.pos:node.end]} is not a product",
                             self.text, name_pos)
        paren = Syntax("paren", [argument], None, paren_pos, node.end)
        return Syntax("juxt", [name_node, paren], "call", node.pos, node.end)

    def _transpose_run_on(self, node: Syntax) -> Syntax | None:
        """``A^Tx`` is Aᵀ x (and ``x^TAx`` is xᵀ Ax): an exponent name starting with T that is not declared."""
        name = node.data[1]
        if len(name) < 2 or name[0] != "T" or name in self.decls or not name[1].isalpha():
            return None
        base = node.args[0]
        rest = name[1:]
        start = node.end - len(rest)
        self.notes.append(f"{self.text[node.pos:node.end].strip()} read as {self.src(base)}ᵀ {rest}")
        self.run_on.add(rest)
        self.markers.append(("juxtaposition", start))
        transposed = Syntax("transpose", [base], "^T", node.pos, start)
        return Syntax("juxt", [transposed, Syntax("name", [], rest, start, node.end)], "run-on", node.pos, node.end)

    def _method(self, node: Syntax) -> Syntax:
        name, pos = node.data
        base, *args = node.args
        target = METHODS.get(name)
        if target is None:
            known = ", ".join(f".{m}()" for m in sorted(METHODS))
            raise ParseError(f"the method .{name}() is not supported (known: {known})", self.text, pos)
        self.markers.append(("@", pos))  # a method call is NumPy notation
        return Syntax("call", [base, *args], (target, pos + 1, "."), node.pos, node.end)

    # ------------------------------------------------------------ run-together names

    def _split_names(self, node: Syntax) -> Syntax:
        """``x'Ax`` = xᵀ A x: a run-together name made of names used elsewhere is their product
        (:mod:`matcalc.run_together`)."""
        splits = find_splits(node, self.known | set(self.decls), self.run_on)
        self.splits = splits
        if not splits:
            return node
        for name, pieces in splits.items():
            shown = " ".join(pieces).replace(" ᵀ", "ᵀ")
            self.notes.append(f"{name} read as {shown} (declare {name} to keep it one name)")
        return split_apart(node, splits, self.markers)

    # ------------------------------------------------------------ function words, constants, identities

    def _matlab_block(self, node: Syntax) -> Syntax:
        """``[A B]``, ``[x 1]``, ``[X ones(n, 1); 0 1]``: inside brackets without commas, a space separates blocks
        side by side, as in MATLAB; ``[(A B)]`` is the product."""
        if any(n != 1 for n in node.data) or self.text.startswith("\\begin", node.pos):  # LaTeX separates with &
            return node
        for item in node.args:  # `[I -A]`: MATLAB reads a minus glued to what follows as a new block
            for term in (item.args if item.op == "add" else []):
                if term.op == "neg" and self._glued_minus(term):
                    raise ParseError(
                        f"{self.src(node)} is ambiguous: in MATLAB a space before '-' starts a new block; write "
                        f"[{self.src(item).replace(' -', ', -').replace(' −', ', −')}] for blocks or "
                        f"[{self.src(item).replace(' -', ' - ').replace(' −', ' − ')}] for the difference",
                        self.text, term.pos,
                    )
        items = [Syntax("juxt", [Syntax("neg", [a.args[0].args[0]], None, a.pos, a.args[0].args[0].end),
                                 *a.args[0].args[1:]], None, a.pos, a.end)
                 if a.op == "neg" and a.args[0].op == "juxt" else a for a in node.args]  # [-A B] is [-A, B]
        if not any(a.op == "juxt" for a in items):
            return node
        rows = [a.args if a.op == "juxt" else [a] for a in items]
        if len({len(r) for r in rows}) != 1:
            return node
        self.notes.append(f"{self.src(node)} read as blocks side by side (MATLAB); write [(…)] for a product")
        flat = [a for r in rows for a in r]
        return Syntax("block", flat, tuple(len(r) for r in rows), node.pos, node.end)

    def _glued_minus(self, term: Syntax) -> bool:
        """Is the minus before `term` written MATLAB's unary way, `x -y` (a space before it, none after)?"""
        k = term.pos - 1
        while k >= 0 and self.text[k].isspace():
            k -= 1
        return (k >= 1 and self.text[k] in "-−" and k + 1 == term.pos and self.text[k - 1].isspace())

    def src(self, node: Syntax) -> str:
        return self.text[node.pos:node.end].strip()


    def _names(self, node: Syntax, args: list[Syntax]) -> Syntax:
        node = _copy(node, args)
        if node.op == "juxt":
            node = self._slogdet_index(node)
        if node.op == "juxt":
            node = self._function_words(node)
        if node.op == "chain":
            self._word_before_operator(node)
        if node.op == "block":
            node = self._matlab_block(node)
        if node.op == "call" and node.data[0] in LIBRARY_CALLS:
            node = self._library_call(node)
        if node.op == "name" and node.data == "e" and self.text[node.pos:node.end].strip().endswith(".e"):
            one = Syntax("number", [], Fraction(1), node.pos, node.end)  # np.e, math.e: Euler's number
            return Syntax("call", [one], ("exp", node.pos, "np."), node.pos, node.end)
        if node.op == "name" and node.data not in self.decls:
            match = IDENTITY_NAME.match(node.data)
            if match:
                return Syntax("identity", [], _size(match.group(1)), node.pos, node.end)
        if node.op == "caret" and node.data and node.data[0] in ("num", "name", "expr"):
            base = node.args[0]
            if base.op == "name" and base.data == "e" and "e" not in self.decls:
                exponent = node.args[1] if node.data[0] == "expr" else _exponent_node(node.data, node, base, self.text)
                self.notes.append(f"e^{self.text[base.end:node.end].lstrip('^')} read as exp(…) (declare e to use it as a name)")
                return Syntax("call", [exponent], ("exp", base.pos, ""), node.pos, node.end)
        if node.op == "power" and node.args[0].op == "name" and node.args[0].data == "e" and "e" not in self.decls:
            self.notes.append("e**… read as exp(…) (declare e to use it as a name)")
            return Syntax("call", [node.args[1]], ("exp", node.pos, ""), node.pos, node.end)
        return node


def _size(text: str):
    return int(text) if text.isdigit() else text


def _exponent_node(data, node: Syntax, base: Syntax, text: str) -> Syntax:
    """The exponent of ``e^…`` as a node of its own, spanning the exponent's text (for messages)."""
    kind, value = data
    start = base.end + 1
    while start < node.end and text[start] in " {(":
        start += 1
    end = node.end
    while end > start and text[end - 1] in " })":
        end -= 1
    if kind == "num":
        return Syntax("number", [], value, start, end)
    if kind == "expr":
        return value
    return Syntax("name", [], value, start, end)


def apply_notation(text: str, node: Syntax, markers, decls, known=(), split: bool = True) -> Notation:
    return NotationPass(text, decls, markers, known, split).run(node)


__all__ = ["apply_notation", "Notation", "rewrite", "walk"]
