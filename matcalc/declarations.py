"""`where` declarations: what the user says about names (kind, dimensions, properties).

``"c, b: scalar; A: matrix(n, n) symmetric; X: spd"`` becomes one :class:`Declaration` per name. The
text is parsed with the ``where`` rule of the one grammar. Undeclared names get their default kind in
``matcalc.infer`` (lowercase: vector, uppercase: matrix).
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Tree

from .errors import DeclarationError, ParseError
from .lexing import canonical_name
from .properties import SQUARE_PROPERTIES
from .syntax import parse_syntax


@dataclass(frozen=True)
class Declaration:
    """What is known of one name: its kind (or None for the default), dimensions, properties."""

    name: str
    kind: str | None = None  # 'scalar' | 'vector' | 'covector' | 'matrix' | None
    dims: tuple[str | int, ...] | None = None
    props: frozenset[str] = frozenset()


def parse_where(where: str | None | dict[str, Declaration]) -> dict[str, Declaration]:
    """Parse a declaration string into {name: Declaration}."""
    if where is None:
        return {}
    if isinstance(where, dict):
        return dict(where)
    if not isinstance(where, str):
        raise DeclarationError(f"where must be a string like 'A: symmetric', not {type(where).__name__}")
    if not where.strip():
        return {}
    if "\\" in where:
        from .latex_lexing import latex_names_in

        where = latex_names_in(where)
    try:
        tree, _ = parse_syntax(where, start="where")
    except ParseError as e:
        raise DeclarationError(f"cannot read the declarations: {e}") from None
    out: dict[str, Declaration] = {}
    for decl in tree.children:
        if decl is None:
            continue
        names = [canonical_name(str(t)) for t in decl.children if getattr(t, "type", None) == "NAME"]
        kind_tree = next((c for c in decl.children if isinstance(c, Tree)), None)
        props = frozenset(str(t) for t in decl.children if getattr(t, "type", None) == "PROPERTY")
        kind, dims = None, None
        if kind_tree is not None:
            kind = str(kind_tree.children[0])
            dim_trees = [c for c in kind_tree.children[1:] if c is not None]
            if dim_trees:
                dims = tuple(_dim(d) for d in dim_trees)
        _validate(names, kind, dims, props)
        for name in names:
            if name in out:
                raise DeclarationError(f"{name} is declared twice")
            out[name] = Declaration(name, kind, dims, props)
    return out


def _dim(tree: Tree) -> str | int:
    token = tree.children[0]
    if token.type == "NUMBER":
        text = str(token)
        if not text.isdigit() or int(text) < 1 or len(text) > 9:
            raise DeclarationError(f"a dimension must be a positive integer or a name, not {text}")
        return int(text)
    return str(token)


def _validate(names, kind, dims, props) -> None:
    label = ", ".join(names)
    expected = {"scalar": 0, "vector": 1, "covector": 1, "matrix": 2}
    if kind is not None and dims is not None and len(dims) != expected[kind]:
        raise DeclarationError(
            f"{label}: {kind} takes {expected[kind]} dimension(s), got {len(dims)}"
        )
    if props & {"probability", "onehot"} and kind in ("scalar", "covector", "matrix"):
        raise DeclarationError(f"{label}: a {kind} cannot be {'/'.join(sorted(props & {'probability', 'onehot'}))} "
                               f"(a vector whose entries sum to 1)")
    if len(props & {"probability", "onehot", "pm1", "binary"}) > 1 and not props <= {"probability", "onehot"}:
        raise DeclarationError(f"{label}: {' and '.join(sorted(props & {'probability', 'onehot', 'pm1', 'binary'}))} "
                               f"contradict each other")
    if props & SQUARE_PROPERTIES:
        if kind in ("scalar", "vector", "covector"):
            raise DeclarationError(f"{label}: a {kind} cannot be {'/'.join(sorted(props & SQUARE_PROPERTIES))}")
        if dims is not None and len(dims) == 2 and dims[0] != dims[1]:
            raise DeclarationError(
                f"{label}: a {'/'.join(sorted(props))} matrix must be square, got matrix({dims[0]}, {dims[1]})"
            )
