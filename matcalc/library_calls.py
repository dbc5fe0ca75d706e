"""Calls as people write them: NumPy and SciPy names, and function names written before a factor.

``expit`` is σ, ``logaddexp(0, z)`` softplus, ``divide(a, b)`` a / b, ``var(x)`` mean((x − mean(x))²),
``clip(z, 0, None)`` relu, ``hstack``/``vstack``/``block``/``concatenate`` of a list are blocks, and
``slogdet(X)[1]`` is logdet(X); ``log p``, ``det X``, ``log|Σ|`` apply the function to the one factor after
it, and ``log p q``, ``log p/q`` are refused with both readings. Mixed into
:class:`matcalc.reading.NotationPass`, whose text it reads.
"""

from __future__ import annotations

from fractions import Fraction

from . import functions
from .errors import ParseError
from .syntax import Syntax

# library names rewritten to the expressions they stand for (see NotationPass._library_call)
LIBRARY_CALLS = frozenset({"expit", "logaddexp", "divide", "true_divide", "hstack", "vstack", "block", "concatenate",
                           "var", "clip"})


class LibraryCalls:
    """Rewrites of library calls and function words into the syntax matcalc reads."""

    def _slogdet_index(self, node: Syntax) -> Syntax:
        """``np.linalg.slogdet(X)[1]`` is logdet(X): the one index of a call that matcalc reads."""
        args = list(node.args)
        for i in range(len(args) - 1):
            call, index = args[i], args[i + 1]
            if (call.op == "call" and call.data[0] == "slogdet" and index.op == "block" and call.end == index.pos
                    and len(index.args) == 1 and index.args[0].op == "number" and index.args[0].data == 1):
                args[i:i + 2] = [Syntax("call", call.args, ("logdet", call.data[1], call.data[2]), call.pos, index.end)]
                return args[0] if len(args) == 1 else Syntax("juxt", args, node.data, node.pos, node.end)
        return node

    def _library_call(self, node: Syntax) -> Syntax:
        """NumPy/SciPy names for what matcalc spells otherwise: ``expit`` is σ, ``logaddexp(0, z)`` softplus,
        ``divide(a, b)`` a / b, ``hstack``/``vstack``/``block`` of a list are blocks."""
        fname, pos, prefix = node.data
        args = node.args
        if fname in ("expit",):
            return Syntax("call", args, ("sigmoid", pos, prefix), node.pos, node.end)
        if fname == "logaddexp" and len(args) == 2:
            for a, b in (args, args[::-1]):
                if a.op == "number" and a.data == 0:
                    return Syntax("call", [b], ("softplus", pos, prefix), node.pos, node.end)
            exps = [Syntax("call", [a], ("exp", a.pos, prefix), a.pos, a.end) for a in args]
            total = Syntax("add", exps, None, node.pos, node.end)
            return Syntax("call", [total], ("log", pos, prefix), node.pos, node.end)
        if fname in ("divide", "true_divide") and len(args) == 2:
            operands = [Syntax("paren", [a], None, a.pos, a.end) for a in args]
            return Syntax("chain", operands, [("/", args[1].pos)], node.pos, node.end)
        if fname == "var" and len(args) == 1:  # np.var(x) = mean((x - mean(x))**2), the population variance
            x = args[0]
            mean = Syntax("call", [x], ("mean", pos, prefix), node.pos, node.end)
            centred = Syntax("add", [x, Syntax("neg", [mean], None, node.pos, node.end)], None, node.pos, node.end)
            two = Syntax("number", [], Fraction(2), node.pos, node.end)
            square = Syntax("power", [Syntax("paren", [centred], None, node.pos, node.end), two], "**", node.pos, node.end)
            return Syntax("call", [square], ("mean", pos, prefix), node.pos, node.end)
        if fname == "clip" and len(args) == 3 and args[1].op == "number" and args[1].data == 0 and (
                args[2].op == "name" and args[2].data == "None"):  # np.clip(z, 0, None) = relu(z)
            return Syntax("call", [args[0]], ("relu", pos, prefix), node.pos, node.end)
        if fname == "clip":
            raise ParseError(f"{self.src(node)}: only np.clip(z, 0, None) (relu) is supported", self.text, pos)
        if fname == "concatenate" and len(args) == 1 and args[0].op in ("block", "tuple"):
            fname = "vstack"  # of vectors (1-D arrays, columns here): stacked
        if fname in ("hstack", "vstack", "block") and len(args) == 1 and args[0].op in ("block", "tuple"):
            items = args[0].args
            if fname == "block" and all(a.op == "block" and len(a.data) == 1 for a in items):
                widths = [a.data[0] for a in items]
                return Syntax("block", [i for a in items for i in a.args], tuple(widths), node.pos, node.end)
            layout = (len(items),) if fname in ("hstack", "block") else (1,) * len(items)
            return Syntax("block", list(items), layout, node.pos, node.end)
        raise ParseError(f"{self.src(node)}: {fname} takes a list, as in np.{fname}([A, B])", self.text, pos)

    def _function_words(self, node: Syntax) -> Syntax:
        """``log p``, ``det X``, ``log|Σ|``, ``y log σ(Xw)``: a function name before one factor applies to it.

        ``log p q`` is refused: log(p q) and log(p) q are both plausible."""
        args = list(node.args)
        i = len(args) - 2
        changed = False
        while i >= 0:
            fname = _function_name(args[i], self.decls)
            if fname is not None:
                if i + 2 < len(args):
                    word, operand = self.text[args[i].pos:args[i].end], self.src(args[i + 1])
                    rest = self.text[args[i + 1].pos:node.end].strip()
                    raise ParseError(
                        f"{word} {rest}: write {word}({rest}) or {word}({operand}) {self.text[args[i + 2].pos:node.end].strip()}",
                        self.text, args[i].pos,
                    )
                operand = args[i + 1]
                call = Syntax("call", [operand], (fname, args[i].pos, ""), args[i].pos, operand.end)
                self.word_calls[id(call)] = call
                args[i:i + 2] = [call]
                changed = True
            i -= 1
        if not changed:
            return node
        if len(args) == 1:
            return args[0]
        return Syntax("juxt", args, node.data, node.pos, node.end)

    def _word_before_operator(self, node: Syntax) -> None:
        """``log p/q``, ``log p * q``: is the operator inside the function's argument? Refused, both spellings offered."""
        for (op, pos), left in zip(node.data, node.args):
            last = left.args[-1] if left.op == "juxt" else left
            if op in ("juxt", "+", "-") or id(last) not in self.word_calls:
                continue
            word = self.text[last.pos:last.args[0].pos].strip()
            operand = self.src(last.args[0])
            right = (" " if pos and self.text[pos - 1].isspace() else "") + self.text[pos:node.end].strip()
            raise ParseError(
                f"{word} {operand}{right} is ambiguous: write {word}({operand}{right}) or {word}({operand}){right}",
                self.text, last.pos,
            )


def _function_name(node: Syntax, decls) -> str | None:
    """The registry name when `node` is a bare name of a one-argument function (``log``, ``det``, ``σ``)."""
    if node.op != "name" or node.data in decls or (len(node.data) == 1 and not node.data.isascii()):
        return None  # a bare σ is a name: σ x is a product
    fn = functions.lookup(node.data)
    return fn.name if fn is not None and fn.arity == 1 else None
