r"""Names in LaTeX input: runs of letters, Greek letters, styled letters and upright words.

A run of letters is a product of one-letter names, as LaTeX typesets it (``Xw`` is X w, ``x^TAx`` is xᵀ A x),
unless it is a word: a function (``tr``, ``log``), a Greek letter written out, or a declared name; a long
lowercase run that is none of these is refused (``softplus`` is not s·o·f·t·…). A letter set in bold
(``\mathbf{x}``) is an array by convention, never made a scalar; ``\mathit{Sb}`` is one name.
"""

from __future__ import annotations

import re
from fractions import Fraction

from lark import Token, v_args

from .latex_lexing import GREEK_COMMANDS
from .latex_words import function_named, is_word, upright, word_name
from .syntax import Syntax, _ToSyntax


@v_args(meta=True)
class Letters(_ToSyntax):
    """The transformer's methods for names (mixed into the LaTeX transformer)."""

    def _name(self, name: str, pos: int, end: int) -> Syntax:
        return Syntax("name", [], name, pos, end)

    def _run(self, token: Token, call_args=None, call_end=None) -> Syntax:
        """A run of letters: one word, or a product of one-letter names (the last taking the call's arguments)."""
        word, pos = str(token), token.start_pos
        if len(word) == 1 or is_word(word, self.names) or re.fullmatch(r"[A-Za-z][0-9]+", word):
            head = [(word, pos)]
        else:
            letters = word.rstrip("0123456789")
            if len(letters) >= 4 and letters.islower():
                self._error(f"{word}: in LaTeX a run of letters is a product of one-letter names; write "
                            f"\\operatorname{{{word}}}(…) for a function or \\mathit{{{word}}} for a name", pos)
            head = [(m.group(0), pos + m.start()) for m in re.finditer(r"[A-Za-z][0-9]*", word)]
        nodes = [self._name(word_name(w) if call_args is not None else w, p, p + len(w)) for w, p in head]
        if call_args is not None:
            last = nodes[-1]
            nodes[-1] = Syntax("call", call_args, (last.data, last.pos, ""), last.pos, call_end)
        if len(nodes) == 1:
            return nodes[0]
        for node in nodes[1:]:
            self._mark("juxtaposition", node.pos)
        return Syntax("juxt", nodes, "letters", nodes[0].pos, nodes[-1].end)

    def letters(self, meta, items):
        return self._run(items[0])

    def greek(self, meta, items):
        return self._name(GREEK_COMMANDS[str(items[0])[1:]], meta.start_pos, meta.end_pos)

    def styled(self, meta, items):
        token = items[0]
        inner = re.sub(r"^\\[A-Za-z]+\s*", "", str(token)).strip("{} \t\n")
        pos, end = token.start_pos, token.end_pos
        if inner == "1":
            return Syntax("ones_column", [], None, pos, end)
        if inner == "0":
            return Syntax("number", [], Fraction(0), pos, end)
        if inner.startswith("\\"):
            greek = GREEK_COMMANDS.get(inner[1:])
            if greek is None:
                self._error(f"{inner} is not a letter", pos)
            node = self._name(greek, pos, end)
        elif str(token).startswith("\\mathit"):  # \mathit{Sb}: one name set in italics
            node = self._name(inner, pos, end)
        else:  # \mathbf{Ax} is a bold A times a bold x, as it is typeset
            start = pos + str(token).index(inner)
            node = self._run(Token("LETTERS", inner, start_pos=start, end_pos=start + len(inner)))
        if re.match(r"\\(mathbf|boldsymbol|bm|pmb|bold|vec|textbf)", str(token)):
            for n in node.args if node.op == "juxt" else [node]:
                self.bold.add(id(n))
        return node

    def word(self, meta, items):
        token = items[0]
        name = upright(str(token))
        if str(token).startswith("\\operatorname") and function_named(name) is None:
            self._error(f"unknown function {name!r} (an \\operatorname names a function)", token.start_pos)
        return self._name(name, token.start_pos, token.end_pos)

    def func_word(self, meta, items):
        token = items[0]
        word = re.sub(r"\s+", "", str(token)).replace("\\", "")
        name = "logdet" if word in ("logdet", "lndet") else word_name(word)
        node = self._name(name, token.start_pos, token.end_pos)
        self.function_words.add(id(node))
        return node

    def group_greek(self, meta, items):
        return self.greek(meta, items)

    def group_styled(self, meta, items):
        return self.styled(meta, items)
