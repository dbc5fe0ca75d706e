"""Text → syntax tree: loads the one lark grammar and turns lark's parse tree into :class:`Syntax` nodes.

This module knows the notation, not the meaning: it records which dialect markers were used
(NumPy ``@ .T **`` vs MATLAB/math ``' .* ./ .^ ^ ᵀ`` and juxtaposition), keeps source positions for
error messages, and flattens chains (``a + b - c``, ``a @ b * c``) so the typed tree can be n-ary.
Shapes and the meaning of ``*`` are decided later, in ``matcalc.infer``.

The transformer's rule methods are grouped by part of the grammar: atoms (:mod:`matcalc.syntax_atoms`),
sums and products (:mod:`matcalc.syntax_products`) and postfix operators (:mod:`matcalc.syntax_postfix`),
on the nodes and base of :mod:`matcalc.syntax_tree`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from lark import Lark, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from .errors import MatcalcError, ParseError
from .grammar_cache import cache_file
from .lexing import INVISIBLE, _expected, check_size, prepare_text
from .syntax_atoms import Atoms
from .syntax_postfix import Postfixes
from .syntax_products import SumsAndProducts
from .syntax_tree import Syntax


def grammar_text(name: str = "matcalc.lark") -> str:
    """A grammar file (``matcalc.lark``, ``latex.lark``): shipped inside the package, or at the top of a checkout."""
    try:
        packaged = resources.files("matcalc").joinpath(f"grammar/{name}")
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover
        pass
    source = Path(__file__).resolve().parent.parent / "grammar" / name
    return source.read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def lark_parser(name: str = "matcalc.lark") -> Lark:
    """The LALR parser of a grammar; its tables are cached per user (building them takes ~0.5 s, loading ~10 ms)."""
    text = grammar_text(name)
    starts = ["expr", "where"] if name == "matcalc.lark" else ["expr"]
    options = dict(parser="lalr", start=starts, propagate_positions=True)
    cache = cache_file(text)
    if cache is not None:
        try:
            return Lark(text, cache=str(cache), **options)
        except Exception:  # noqa: BLE001 - an unreadable or unwritable cache only costs time
            pass
    return Lark(text, **options)


def parse_syntax(text: str, start: str = "expr", notes: list | None = None):
    """Parse `text` with the grammar; returns (syntax tree, markers) or raises ParseError.

    Readings decided while building the tree (``-N/2 logdet(Σ)`` as ``(-N/2) logdet(Σ)``) are appended
    to `notes` when a list is given."""
    check_size(text, "expression" if start == "expr" else "declaration")
    if start == "expr" and not text.translate(INVISIBLE).strip():
        raise ParseError("empty expression", text, 0)
    if start == "where":
        return run_parser(lark_parser(), text.translate(INVISIBLE), text, start), []
    node, markers, built_notes = _expression_syntax(text)
    if notes is not None:
        notes.extend(built_notes)
    return node, list(markers)


@lru_cache(maxsize=4096)
def _expression_syntax(text: str) -> tuple[Syntax, tuple, tuple]:
    """The syntax tree of an expression's text, its markers and notes; kept for texts met again (a class's
    answers repeat, and an answer that does not fit a question's shapes is read a second time on its own).
    Syntax trees are never changed once built (later passes rebuild what they change), so one can be shared."""
    tree = run_parser(lark_parser(), prepare_text(text), text, "expr")
    builder = _ToSyntax(text)
    try:
        node = builder.transform(tree)
    except VisitError as e:
        if isinstance(e.orig_exc, MatcalcError):
            raise e.orig_exc from None
        raise
    return node, tuple(builder.markers), tuple(builder.notes)


def run_parser(parser: Lark, lexed: str, text: str, start: str):
    """Run a lark parser on the prepared text; lark's errors become ParseErrors pointing into `text`."""
    try:
        return parser.parse(lexed, start=start)
    except UnexpectedCharacters as e:
        ch = text[e.pos_in_stream] if e.pos_in_stream < len(text) else ""
        raise ParseError(f"unexpected character {ch!r}", text, e.pos_in_stream) from None
    except UnexpectedEOF as e:
        raise ParseError("unexpected end of input" + _expected(e.expected), text, len(text)) from None
    except UnexpectedToken as e:
        if e.token.type == "$END":
            raise ParseError("unexpected end of input" + _expected(e.expected), text, len(text)) from None
        pos = e.token.start_pos if e.token.start_pos is not None else len(text)
        shown = text[pos : e.token.end_pos] if e.token.end_pos is not None else str(e.token)
        hint = "; for MATLAB's X(:) write vec(X)" if shown == ":" else ""
        raise ParseError(f"unexpected {shown!r}" + (hint or _expected(e.expected)), text, pos) from None
    except UnexpectedInput as e:  # pragma: no cover - other lark input errors
        raise ParseError(f"cannot parse: {e}", text, getattr(e, "pos_in_stream", None)) from None


@v_args(meta=True)
class _ToSyntax(Atoms, SumsAndProducts, Postfixes):
    """lark tree → Syntax; one method per grammar alias, grouped by part of the grammar into the mixins
    :class:`~matcalc.syntax_atoms.Atoms`, :class:`~matcalc.syntax_products.SumsAndProducts` and
    :class:`~matcalc.syntax_postfix.Postfixes`."""


__all__ = ["Syntax", "grammar_text", "lark_parser", "parse_syntax", "run_parser"]
