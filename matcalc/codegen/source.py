"""A standalone function around generated code: its arguments, sizes, shared subexpressions and result.

``function_source(expr, params, name, doc, ...)`` writes a function that takes the expression's names as
keyword arguments (arrays; vectors may be 1-D) and returns the expression's value, 2-D like
:func:`matcalc.evaluate` (a scalar when it is 1×1). With ``value=`` it returns ``(value, result)``
from one body, every subexpression the two share computed once — what an optimiser calls
(``scipy.optimize.minimize(fun, x0, jac=True)``). Both are computed in their stable forms
(:mod:`matcalc.codegen.stable`) and their cheap ones (:mod:`matcalc.codegen.cheap`). The source names
nothing but the target's library, so it can be pasted into any project.
"""

from __future__ import annotations

import keyword

from ..errors import UnsupportedError
from ..expr import Commutation, Expr, Identity, MatMul, Ones, Symbol, Zeros, distinct_nodes, symbols
from ..limits import bounded, written_size_at_most
from ..printing.lets import SHORT_RESULT, shared_lets
from ..printing.text import to_text
from ..shapes import ONE, describe, is_scalar
from .backend import backend as backend_of
from .backend import reserved_names
from .cheap import cheap
from .cost import selection
from .emit import Emitter, inline
from .stable import stable
from .text import python_name


@bounded
def function_source(expr: Expr, params: list[Symbol], name: str, doc: str, returns: str = "",
                    target: str = "numpy", like: Symbol | None = None, value: Expr | None = None) -> str:
    """The source of a standalone function `name(*, params…)` returning the value of `expr`, written for
    `target` (``"numpy"``, ``"jax"``, ``"torch"``). With `like` (a vector parameter of the result's shape:
    the variable of a gradient) the result is 1-D when that argument is given 1-D. With `value` (a
    scalar expression) the function returns ``(value, result)``."""
    if not name.isidentifier() or keyword.iskeyword(name) or name in reserved_names() or name.startswith("_"):
        raise ValueError(f"not a function name: {name!r} (an identifier, not a keyword, a library's name or _private)")
    b = backend_of(target)
    names = [python_name(p.name) for p in params]
    for p, py in zip(params, names):  # the grammar only makes identifiers; a hand-built Symbol may not be one
        if not py.isidentifier():
            raise ValueError(f"generated code: the name {p.name!r} is not a Python identifier")
    taken = set(names) | {b.namespace, name, "xp"}
    roots = [cheap(stable(root)) for root in ([expr] if value is None else [value, expr])]
    definitions, bodies = shared_lets(roots, inline=inline, taken=taken)
    w = Emitter(taken | {s.name for s, _ in definitions}, b)
    lines = []
    flat = None
    if like is not None and like in params:
        flat = w.fresh("flat_")
        lines.append(f"{flat} = {b.ndim.format(names[params.index(like)])} == 1  # the gradient comes back 1-D too")
    for p, py in zip(params, names):
        lines.append(_argument_line(p, py, b))
    needed = sorted({n for root in roots for node in distinct_nodes(root) for d in _sizes_used(node) for n in d.names()})
    for dim in needed:
        source = next(((py, axis) for p, py in zip(params, names) for axis, d in enumerate(p.shape) if d.name == dim), None)
        if source is None:
            raise UnsupportedError(f"generated code: no argument has the size {dim} on its own")
        plain = dim.isidentifier() and not keyword.iskeyword(dim) and dim not in reserved_names()
        var = dim if plain and dim not in w.taken else w.fresh((dim if plain else "size") + "_")
        w.taken.add(var)
        w.dims[dim] = var
        lines.append(f"{var} = {source[0]}.shape[{source[1]}]")
    for sym, definition in definitions:
        w.lines.append(f"{sym.name} = {w.text(definition)}")
    results = [w.text(body) for body in bodies]
    lines += w.lines
    out_texts = []
    for i, (root, text) in enumerate(zip(roots, results)):
        if is_scalar(root.shape):
            out_texts.append(b.scalar_result.format(text))
        elif flat is not None and i == len(roots) - 1:  # the derivative (the value comes first)
            result = w.fresh("value_")
            lines.append(f"{result} = {text}")
            out_texts.append(f"{b.flat.format(result)} if {flat} else {result}")
        else:
            out_texts.append(text)
    if value is None:
        lines.append(f"return {out_texts[0]}")
    else:
        lines.append(f"return {_tuple_item(out_texts[0])}, {_tuple_item(out_texts[1])}")
    return _module(b, w, name, names, doc, returns, lines)


def derivative_source(d, name: str, target: str = "numpy", with_value: bool = False) -> str:
    """The source of a function computing the derivative `d` (a Derivative or Hessian): its arguments are the
    names of the expression and the variable; the docstring says what it computes, in which layout, and
    what it takes and returns. ``with_value``: the function returns ``(value, derivative)``."""
    b = backend_of(target)
    params = list(symbols(d.f))
    if d.wrt not in params:
        params.append(d.wrt)
    doc = f"∂/∂{d.wrt.name} of {to_text(d.f)}\n\nLayout: {d.convention}."
    if written_size_at_most(d.expr, SHORT_RESULT):  # every node prints at least one character: a long one is not printed
        closed = to_text(d.expr)
        if len(closed) <= SHORT_RESULT:
            doc += f"\nClosed form: {closed}"
    shape = d.expr.shape
    args = ", ".join(f"{p.name}: {describe(p.shape)}" for p in params)
    like = d.wrt if (d.kind == "gradient" and shape == d.wrt.shape and d.wrt.shape[1] == ONE) else None
    result = (f"{b.scalar_words}" if is_scalar(shape) else f"a 2-D {b.array_word} of shape ({shape[0]}, {shape[1]})"
              + (f", or 1-D when {d.wrt.name} is given 1-D (so that {d.wrt.name} - lr * grad keeps its shape)"
                 if like else ""))
    if with_value:
        value = b.scalar_words if is_scalar(d.f.shape) else f"a 2-D {b.array_word}, {describe(d.f.shape)}"
        result = f"(value, derivative): the value of the expression ({value}) and {result}"
    returns = f"Arguments ({b.arrays}; a vector may be 1-D): {args}.\nReturns {result}."
    return function_source(d.expr, params, name, doc, returns, target, like=like, value=d.f if with_value else None)


def _tuple_item(text: str) -> str:
    return f"({text})" if " if " in text else text


def _argument_line(p: Symbol, py: str, b) -> str:
    """The statement converting one argument to the target's float array of the parameter's shape."""
    rows, cols = p.shape
    if is_scalar(p.shape):
        return f"{py} = {b.scalar_argument.format(py)}  # scalar"
    converted = b.argument.format(py)
    if cols == ONE:
        return f"{py} = {converted}.reshape(-1, 1)  # {describe(p.shape)}"
    if rows == ONE:
        return f"{py} = {converted}.reshape(1, -1)  # {describe(p.shape)}"
    return f"{py} = {converted}  # {describe(p.shape)}"


def _module(b, w: Emitter, name: str, names: list[str], doc: str, returns: str, lines: list[str]) -> str:
    """The whole source: imports, helpers, then the function with its docstring and body."""
    out = [*b.imports, "", ""]
    for helper in sorted(w.helpers):
        out += [w.helpers[helper].rstrip("\n"), "", ""]
    out.append(f"def {name}(*, {', '.join(names)}):" if names else f"def {name}():")
    doc_lines = [_docstring_safe(line) for line in
                 doc.strip("\n").split("\n") + ([""] + returns.split("\n") if returns else [])]
    out.append('    """' + doc_lines[0])
    out += [("    " + line).rstrip() for line in doc_lines[1:]]
    out.append('    """' if len(doc_lines) > 1 else "")
    if len(doc_lines) == 1:
        out[-2] += '"""'
        out.pop()
    out += ["    " + line for line in lines]
    return "\n".join(out) + "\n"


def _docstring_safe(line: str) -> str:
    """A docstring line that cannot end the docstring or start an escape (it is printed as written)."""
    return line.replace("\\", "\\\\").replace('"', '\\"')


def _sizes_used(node: Expr):
    """Dimensions whose sizes the code for `node` needs."""
    if isinstance(node, (Ones, Zeros)):
        return node.shape
    if isinstance(node, Identity):
        return node.shape[:1]
    if isinstance(node, Commutation):
        return node.dims
    if isinstance(node, MatMul) and any(_pads(f) for f in node.args):  # zeros beside a slice: the sizes around it
        return tuple(d for f in node.args for d in f.shape)
    return ()


def _pads(f: Expr) -> bool:
    """Is f a selection ([I; 0]) whose product writes zeros (products._select): sized by the other factors?"""
    return any(pick is None for picks in (selection(f) or [], selection(f, right=True) or []) for _, pick in picks)
