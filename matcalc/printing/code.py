"""Generated NumPy code: a derivative as a plain, standalone Python function.

``function_source(expr, params, name, doc)`` writes a function that takes the expression's names as
keyword arguments (NumPy arrays; vectors may be 1-D) and returns the expression's value, 2-D like
:func:`matcalc.evaluate` (a float when it is 1×1). What makes the code fast, beyond computing every
shared subexpression once:

* a product by ``diag(v)`` is a Hadamard product (``v * M``, ``M * v.T``), never a diagonal matrix;
* a product ``kron(A, B) @ M`` is applied as ``vec(B X Aᵀ)`` (an ``einsum`` with an optimised
  contraction order), and a commutation matrix as an index permutation, when something multiplies
  them; only a Kronecker product or commutation matrix that *is* the result is formed;
* a chain of matrix products is evaluated in the cheapest order for large sizes (a matrix-chain
  search with every symbolic size taken as 1000), so ``A @ B @ x`` runs as ``A @ (B @ x)``;
* a 1×1 factor of a product is a scalar multiplication.

The source names nothing but NumPy, so it can be pasted into any project. With ``target="jax"`` the same
code is written against ``jax.numpy`` (scalars stay arrays, so the function can be ``jax.jit``-ed and
differentiated again).
"""

from __future__ import annotations

import keyword
import re
from fractions import Fraction

from ..errors import UnsupportedError
from ..expr import (
    Add,
    Block,
    Call,
    Commutation,
    Expr,
    Identity,
    MatMul,
    Mul,
    Number,
    Ones,
    Power,
    Symbol,
    Transpose,
    Zeros,
    nary,
    preorder,
)
from ..functions import DIAG, KRON
from ..limits import bounded
from ..shapes import ONE, Dim, describe, is_scalar
from .lets import with_lets

NOMINAL_SIZE = 1000  # every symbolic size, when choosing the order of a matrix chain

ATOM, POWER, UNARY, PRODUCT, SUM = 5, 4, 3, 2, 1

KRON_HELPER = '''def _kron_matmul(a, b, m):
    """kron(a, b) @ m without forming kron(a, b): column by column, vec(b X a.T) with vec(X) = m[:, k]."""
    (p, q), (r, s) = b.shape, a.shape
    x = m.reshape(q, s, m.shape[1], order="F")
    return np.einsum("pq,qsk,rs->prk", b, x, a, optimize=True).reshape(p * r, m.shape[1], order="F")
'''

COMMUTATION_HELPER = '''def _commutation_order(m, n):
    """Row order of the commutation matrix K(m, n): (K @ v)[i] = v[order[i]], so K vec(A) = vec(A.T)."""
    return np.arange(m * n).reshape(m, n, order="F").T.reshape(-1, order="F")
'''


def python_name(name: str) -> str:
    """A symbol's name as a Python identifier (a keyword gets a trailing underscore)."""
    return name + "_" if keyword.iskeyword(name) or name in ("np", "jnp", "float") else name


def _is_atom_text(text: str) -> bool:
    """Is `text` one name, one call or one subscripted call (needs no parentheses anywhere)?"""
    if text.isidentifier():
        return True
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0 and i < len(text) - 1 and text[i + 1] not in "[.":
                return False
        elif depth == 0 and not (ch.isalnum() or ch in "._"):
            return False
    return text.endswith((")", "]"))


class _Writer:
    """Emits statements and expressions for one function body."""

    def __init__(self, taken: set[str], target: str = "numpy"):
        self.target = target
        self.lines: list[str] = []
        self.helpers: dict[str, str] = {}
        self.taken = set(taken)
        self.dims: dict[str, str] = {}  # dim name -> Python variable holding its size
        self.counter = 0

    # ---------------------------------------------------------------- names and statements
    def fresh(self, base: str) -> str:
        self.counter += 1
        name = f"{base}{self.counter}"
        while name in self.taken:
            self.counter += 1
            name = f"{base}{self.counter}"
        self.taken.add(name)
        return name

    def hoist(self, text: str) -> str:
        """A name for `text` (a new assignment unless it already is a name)."""
        if text.isidentifier():
            return text
        name = self.fresh("u")
        self.lines.append(f"{name} = {text}")
        return name

    def size(self, d: Dim) -> str:
        """Python text for a dimension's size."""
        parts = []
        for monomial, coeff in d.terms:
            factors = [self.dims_var(n) for n in monomial]
            if coeff != 1 or not factors:
                factors.insert(0, str(coeff))
            parts.append(" * ".join(factors))
        text = " + ".join(parts) or "0"
        return text.replace("+ -", "- ")

    def dims_var(self, name: str) -> str:
        if name not in self.dims:
            raise UnsupportedError(f"generated code: no argument tells the size {name}")
        return self.dims[name]

    def shape_text(self, shape) -> str:
        return f"({self.size(shape[0])}, {self.size(shape[1])})"

    # ---------------------------------------------------------------- expressions: (text, precedence)
    def expr(self, e: Expr) -> tuple[str, int]:
        if isinstance(e, Symbol):
            return python_name(e.name), ATOM
        if isinstance(e, Number):
            return _number(e.value)
        if isinstance(e, Ones):
            return f"np.ones({self.shape_text(e.shape)})", ATOM
        if isinstance(e, Zeros):
            return f"np.zeros({self.shape_text(e.shape)})", ATOM
        if isinstance(e, Identity):
            return f"np.eye({self.size(e.shape[0])})", ATOM
        if isinstance(e, Commutation):
            self.helpers["_commutation_order"] = COMMUTATION_HELPER
            m, n = (self.size(d) for d in e.dims)
            return f"np.eye({self.size(e.shape[0])})[_commutation_order({m}, {n})]", ATOM
        if isinstance(e, Transpose):
            if is_scalar(e.shape):
                return self.expr(e.arg)
            return f"{self.wrap(e.arg, ATOM)}.T", ATOM
        if isinstance(e, Add):
            return self.add(e)
        if isinstance(e, Mul):
            return self.mul(e)
        if isinstance(e, MatMul):
            return self.matmul(list(e.args))
        if isinstance(e, Power):
            return self.power(e)
        if isinstance(e, Call):
            return self.call(e)
        if isinstance(e, Block):
            rows = []
            for row in e.rows:
                items = []
                for item in row:
                    text = self.text(item)
                    items.append(f"np.reshape({text}, (1, 1))" if is_scalar(item.shape) else text)
                rows.append("[" + ", ".join(items) + "]")
            return "np.block([" + ", ".join(rows) + "])", ATOM
        raise UnsupportedError(f"generated code for {type(e).__name__}")

    def text(self, e: Expr) -> str:
        return self.expr(e)[0]

    def wrap(self, e: Expr, need: int) -> str:
        text, prec = self.expr(e)
        return f"({text})" if prec < need else text

    def add(self, e: Add) -> tuple[str, int]:
        diagonal = [(t, v) for t, v in ((t, _diagonal_vector(t)) for t in e.args) if v is not None]
        if len(diagonal) > 1:  # diag(a) + diag(b) + M: one diagonal matrix, diag(a + b), is formed
            merged = Call(DIAG, nary(Add, [v for _, v in diagonal]))
            rest = [t for t in e.args if all(t is not d for d, _ in diagonal)]
            return self.expr(nary(Add, rest + [merged]))
        out = ""
        for i, term in enumerate(e.args):
            negative, rest = _split_sign(term)
            text = self.wrap(rest, SUM + 1) if negative else self.wrap(term, SUM)
            if i == 0:
                out = f"-{self.wrap(rest, PRODUCT)}" if negative else text
            else:
                out += f" - {text}" if negative else f" + {text}"
        return out, SUM

    def mul(self, e: Mul) -> tuple[str, int]:
        negative, rest = _split_sign(e)
        if not isinstance(rest, Mul):
            text, prec = self.expr(rest)
            return (f"-{_parenthesised(text, prec, POWER)}", UNARY) if negative else (text, prec)
        factors = list(rest.args) if isinstance(rest, Mul) else [rest]
        top = [f for f in factors if not (isinstance(f, Power) and f.exponent == Number(-1))]
        bottom = [f.args[0] for f in factors if f not in top]
        text = " * ".join(self.wrap(f, PRODUCT) if k == 0 else self.wrap(f, PRODUCT + 1) for k, f in enumerate(top))
        text = text or "1.0"
        for f in bottom:
            text += f" / {self.wrap(f, PRODUCT + 1)}"
        if negative:  # -a is unary, -a * b a product ((-a) * b): `x ** -0.5 * n` is not x ** (-0.5 * n)
            single = len(top) == 1 and not bottom
            if top and self.expr(top[0])[1] >= POWER:
                return f"-{text}", UNARY if single else PRODUCT
            return f"-({text})", UNARY
        return text, PRODUCT

    def power(self, e: Power) -> tuple[str, int]:
        base, exponent = e.args
        if exponent == Number(Fraction(1, 2)):
            return f"np.sqrt({self.text(base)})", ATOM
        if exponent == Number(-1):
            return f"1.0 / {self.wrap(base, PRODUCT + 1)}", PRODUCT
        return f"{self.wrap(base, ATOM)} ** {self.wrap(exponent, UNARY)}", POWER

    def call(self, e: Call) -> tuple[str, int]:
        """The function's code template (``fn.code``) filled in, with the helpers it calls."""
        fn = e.fn
        if fn.identity_on_scalar and is_scalar(e.args[0].shape):
            return self.expr(e.args[0])
        template = fn.code
        if not template and fn.definition is not None:
            template = self.user_function(fn)
        if not template:
            raise UnsupportedError(f"generated code for the function {fn.spelling}")
        helper = fn.jax_code_helper if self.target == "jax" and fn.jax_code_helper else fn.code_helper
        for name, source in _definitions(helper):
            self.helpers[name] = source
        if template.count("{0}") > 1:
            args = [self.hoist(self.text(a)) for a in e.args]
        elif _whole_arguments(template):
            args = [self.text(a) for a in e.args]
        else:  # an operand inside a formula, e.g. np.tanh(0.5 * {0})
            args = [self.wrap(a, ATOM) for a in e.args]
        text = template.format(*args)
        return (text, ATOM) if _is_atom_text(text) else (text, SUM if " + " in text else PRODUCT)

    def user_function(self, fn) -> str:
        """A helper for a user's function, written from its definition."""
        helper = f"_{fn.name}"
        if helper not in self.helpers:
            u = Symbol("u", (Dim.of("n"), ONE))
            inner = _Writer({"u", "np"}, self.target)
            body = inner.text(fn.definition(u))
            self.helpers.update(inner.helpers)
            self.helpers[helper] = f"def {helper}(u):\n    return {body}\n"
        return helper + "({0})"

    # ---------------------------------------------------------------- products
    def matmul(self, factors: list[Expr]) -> tuple[str, int]:
        scalars, matrices = [], []
        for f in factors:  # scalar factors, also inside a factor c * M, multiply the product once
            if is_scalar(f.shape):
                scalars.append(f)
            elif isinstance(f, Mul) and sum(not is_scalar(a.shape) for a in f.args) == 1:
                scalars += [a for a in f.args if is_scalar(a.shape)]
                matrices += [a for a in f.args if not is_scalar(a.shape)]
            else:
                matrices.append(f)
        if not matrices:
            return " * ".join(self.wrap(f, PRODUCT + 1) for f in scalars), PRODUCT
        items = self.fold_diagonals(matrices)
        text, prec = self.chain(items)
        if scalars:
            negative, lead = _split_sign(Mul(*scalars) if len(scalars) > 1 else scalars[0])
            body = f"{self.wrap(lead, PRODUCT)} * {text if prec > PRODUCT else f'({text})'}"
            if lead == Number(1):
                body = text if prec > PRODUCT or not negative else f"({text})"
            return (f"-{body}", UNARY) if negative else (body, PRODUCT)
        return text, prec

    def fold_diagonals(self, factors: list[Expr]) -> list[tuple[str, int, tuple[Dim, Dim], Expr | None]]:
        """Items (text, precedence, shape, operator) with every diag(v) folded into a neighbour as v * M."""
        items: list[tuple[str, int, tuple[Dim, Dim], Expr | None]] = []
        pending: list[str] = []  # diagonal vectors waiting for the next factor
        for f in factors:
            v = _diagonal_vector(f)
            if v is not None:
                pending.append(self.wrap(v, PRODUCT))
                continue
            if isinstance(f, Identity):
                continue
            if pending:  # diag(v) @ F = v * F (a Kronecker factor is formed then: it is scaled anyway)
                text = " * ".join([*pending, self.wrap(f, PRODUCT + 1)])
                items.append((text, PRODUCT, f.shape, None))
                pending = []
            elif _is_operator(f):
                items.append(("", ATOM, f.shape, f))
            else:
                items.append((*self.expr(f), f.shape, None))
        if pending:
            if items:  # F @ diag(v) = F * v.T
                text, prec, shape, op = items[-1]
                if op is not None:
                    text, prec = self.expr(op)
                body = text if prec >= PRODUCT else f"({text})"
                for p in pending:
                    body = f"{body} * {_transposed_text(p)}"
                items[-1] = (body, PRODUCT, shape, None)
            else:
                diagonal = " * ".join(pending)
                items.append((f"np.diagflat({diagonal})", ATOM, (factors[-1].shape[0],) * 2, None))
        if not items:  # a product of identities
            return [(f"np.eye({self.size(factors[0].shape[0])})", ATOM, factors[0].shape, None)]
        return items

    def chain(self, items) -> tuple[str, int]:
        """The product of `items` in the cheapest order (matrix-chain search at NOMINAL_SIZE)."""
        n = len(items)
        dims = [_nominal(items[0][2][0])] + [_nominal(item[2][1]) for item in items]
        cost = [[0.0] * n for _ in range(n)]
        split = [[0] * n for _ in range(n)]
        for length in range(2, n + 1):
            for i in range(n - length + 1):
                j = i + length - 1
                best = None
                for k in range(i, j):
                    c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                    if best is None or c < best:
                        best, split[i][j] = c, k
                cost[i][j] = best

        def build(i, j):
            if i == j:
                text, prec, shape, op = items[i]
                return text, prec, shape, op
            k = split[i][j]
            left, right = build(i, k), build(k + 1, j)
            return self.product(left, right)

        text, prec, _, op = build(0, n - 1)
        if op is not None:
            text, prec = self.expr(op)
        return text, prec

    def product(self, left, right):
        """left @ right for items (text, precedence, shape, operator)."""
        ltext, lprec, lshape, lop = left
        rtext, rprec, rshape, rop = right
        shape = (lshape[0], rshape[1])
        if lop is not None and rop is None:
            return self.apply_operator(lop, rtext), ATOM, shape, None
        if rop is not None and lop is None:
            applied = self.apply_operator(Transpose(rop), f"{_parenthesised(ltext, lprec, ATOM)}.T")
            return f"{applied}.T", ATOM, shape, None
        if lop is not None:
            ltext, lprec = self.expr(lop)
        if rop is not None:
            rtext, rprec = self.expr(rop)
        text = f"{_parenthesised(ltext, lprec, PRODUCT)} @ {_parenthesised(rtext, rprec, PRODUCT + 1)}"
        return text, PRODUCT, shape, None

    def apply_operator(self, op: Expr, m: str) -> str:
        """op @ m for a Kronecker product or commutation matrix op (possibly transposed)."""
        transposed = isinstance(op, Transpose)
        core = op.arg if transposed else op
        if isinstance(core, Commutation):
            self.helpers["_commutation_order"] = COMMUTATION_HELPER
            a, b = (self.size(d) for d in core.dims)
            if transposed:  # K(m, n)ᵀ = K(n, m)
                a, b = b, a
            return f"{_parenthesised(m, PRODUCT, ATOM)}[_commutation_order({a}, {b})]"
        self.helpers["_kron_matmul"] = KRON_HELPER
        a, b = core.args
        if transposed:
            a, b = Transpose(a), Transpose(b)
        return f"_kron_matmul({self.text(a)}, {self.text(b)}, {m})"


def _definitions(source: str) -> list[tuple[str, str]]:
    """The top-level functions of a helper's source, by name (a helper shared by two rows is written once)."""
    blocks = re.split(r"\n(?=def )", source.strip("\n")) if source else []
    return [(re.match(r"def (\w+)", block).group(1), block + "\n") for block in blocks]


def _is_operator(f: Expr) -> bool:
    core = f.arg if isinstance(f, Transpose) else f
    return isinstance(core, Commutation) or (isinstance(core, Call) and core.fn is KRON)


def _diagonal_vector(e: Expr) -> Expr | None:
    """v with e = diag(v), for diag(v), sums and scalar multiples of such (else None)."""
    if isinstance(e, Call) and e.fn is DIAG and not is_scalar(e.args[0].shape):
        return e.args[0]
    if isinstance(e, Transpose):
        return _diagonal_vector(e.arg)
    if isinstance(e, Add):
        parts = [_diagonal_vector(t) for t in e.args]
        return Add(*parts) if all(p is not None for p in parts) else None
    if isinstance(e, Mul):
        matrices = [f for f in e.args if not is_scalar(f.shape)]
        if len(matrices) == 1:
            v = _diagonal_vector(matrices[0])
            if v is not None:
                return Mul(*[f if f is not matrices[0] else v for f in e.args])
    return None


def _transposed_text(text: str) -> str:
    return f"{text}.T" if _is_atom_text(text) else f"({text}).T"


def _parenthesised(text: str, prec: int, need: int) -> str:
    return f"({text})" if prec < need else text


def _nominal(d: Dim) -> float:
    return float(sum(c * NOMINAL_SIZE ** len(m) for m, c in d.terms)) or 1.0


def _number(value: Fraction) -> tuple[str, int]:
    if value.denominator == 1 and abs(value.numerator) < 10**15:
        text = str(value.numerator)
    else:
        as_float = float(value)
        exact = Fraction(as_float) == value or not 1e-15 < abs(as_float) < 1e15
        text = repr(as_float).replace("inf", "np.inf") if exact else f"{value.numerator} / {value.denominator}"
    if "/" in text:
        return text, PRODUCT
    return text, UNARY if text.startswith("-") else ATOM


def _split_sign(e: Expr) -> tuple[bool, Expr]:
    """(negative, magnitude): the numeric factors of a product multiplied out, -x as (True, x)."""
    if isinstance(e, Number):
        return e.value < 0, Number(abs(e.value))
    if not isinstance(e, Mul):
        return False, e
    coeff, rest = Fraction(1), []
    stack = list(reversed(e.args))
    while stack:
        f = stack.pop()
        if isinstance(f, Mul):
            stack.extend(reversed(f.args))
        elif isinstance(f, Number):
            coeff *= f.value
        else:
            rest.append(f)
    if coeff == 0:
        return False, Number(0)
    if abs(coeff) != 1 or not rest:
        rest.insert(0, Number(abs(coeff)))
    return coeff < 0, (rest[0] if len(rest) == 1 else Mul(*rest))


def _whole_arguments(template: str) -> bool:
    """Does every {k} in the template stand alone as an argument of a call, like np.exp({0})?"""
    import re

    return all(re.search(r"[(,] ?\{" + k + r"\}(?=[,)])", template) for k in re.findall(r"\{(\d)\}", template))


def _inline(e: Expr) -> bool:
    """Subexpressions kept in place even when shared: diagonal matrices are folded into products."""
    return _diagonal_vector(e) is not None


TARGETS = ("numpy", "jax")  # the array libraries generated code can be written for


@bounded
def function_source(expr: Expr, params: list[Symbol], name: str, doc: str, returns: str = "",
                    target: str = "numpy", like: Symbol | None = None) -> str:
    """The source of a standalone function `name(*, params…)` returning the value of `expr`, written
    for NumPy (`target="numpy"`) or for ``jax.numpy`` (`target="jax"`). With `like` (a vector parameter of the
    result's shape: the variable of a gradient) the result is 1-D when that argument is given 1-D."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"not a function name: {name!r}")
    if target not in TARGETS:
        raise ValueError(f"no code target {target!r}; choose one of {', '.join(TARGETS)}")
    jax = target == "jax"
    names = [python_name(p.name) for p in params]
    for p, py in zip(params, names):  # the grammar only makes identifiers; a hand-built Symbol may not be one
        if not py.isidentifier():
            raise ValueError(f"generated code: the name {p.name!r} is not a Python identifier")
    taken = set(names) | {"np", "jnp", name}
    definitions, body = with_lets(expr, inline=_inline, taken=taken)
    writer = _Writer(taken | {s.name for s, _ in definitions}, target)
    lines = []
    flat = None
    if like is not None and like in params:
        flat = writer.fresh("flat_")
        writer.taken.add(flat)
        lines.append(f"{flat} = np.ndim({names[params.index(like)]}) == 1  # the gradient comes back 1-D too")
    for p, py in zip(params, names):
        rows, cols = p.shape
        if is_scalar(p.shape):
            lines.append(f"{py} = np.asarray({py}, dtype=float)  # scalar" if jax else
                         f"{py} = np.asarray({py}, dtype=float).item()  # scalar")
        elif cols == ONE:
            lines.append(f"{py} = np.asarray({py}, dtype=float).reshape(-1, 1)  # {describe(p.shape)}")
        elif rows == ONE:
            lines.append(f"{py} = np.asarray({py}, dtype=float).reshape(1, -1)  # {describe(p.shape)}")
        else:
            lines.append(f"{py} = np.asarray({py}, dtype=float)  # {describe(p.shape)}")
    needed = sorted({n for node in preorder(expr) for d in _sizes_used(node) for n in d.names()})
    for dim in needed:
        source = next(((py, axis) for p, py in zip(params, names) for axis, d in enumerate(p.shape) if d.name == dim), None)
        if source is None:
            raise UnsupportedError(f"generated code: no argument has the size {dim} on its own")
        plain = dim.isidentifier()
        var = dim if plain and dim not in writer.taken else writer.fresh((dim if plain else "size") + "_")
        writer.taken.add(var)
        writer.dims[dim] = var
        lines.append(f"{var} = {source[0]}.shape[{source[1]}]")
    for sym, definition in definitions:
        writer.lines.append(f"{sym.name} = {writer.text(definition)}")
    result = writer.text(body)
    lines += writer.lines
    if is_scalar(expr.shape):
        lines.append(f"return np.reshape({result}, ())" if jax else f"return np.asarray({result}, dtype=float).item()")
    elif flat is not None:
        value = writer.fresh("value_")
        lines.append(f"{value} = {result}")
        lines.append(f"return np.reshape({value}, (-1,)) if {flat} else {value}")
    else:
        lines.append(f"return {result}")
    helpers = [writer.helpers[helper].rstrip("\n") for helper in sorted(writer.helpers)]
    if jax:  # the same calls from jax.numpy; dtype=float is JAX's default float (float64 with x64 enabled)
        lines = [_to_jax(line) for line in lines]
        helpers = [_to_jax(helper) for helper in helpers]
    out = ["import jax.numpy as jnp" if jax else "import numpy as np", "", ""]
    for helper in helpers:
        out += [helper, "", ""]
    signature = f"def {name}(*, {', '.join(names)}):" if names else f"def {name}():"
    out.append(signature)
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


def _to_jax(code: str) -> str:
    """NumPy code as jax.numpy code: every ``np.`` call is the ``jnp.`` one of the same name."""
    return re.sub(r"\bnp\.", "jnp.", code).replace("dtype=float", "dtype=jnp.result_type(float)")


def _sizes_used(node: Expr):
    """Dimensions whose sizes the code for `node` needs."""
    if isinstance(node, (Ones, Zeros)):
        return node.shape
    if isinstance(node, Identity):
        return node.shape[:1]
    if isinstance(node, Commutation):
        return node.dims
    return ()
