"""Differential soak: random well-shaped expressions, each derived and checked against finite differences.

    python benchmarks/soak.py --n 1000 --seed 0 [--depth 4] [--size 60] [--coverage] [--only K]

Every case draws its own declarations (x, y: vector(n); z: vector(m); c, b: scalar; A, S: matrix(n, n);
B: matrix(n, m); C: matrix(m, n); D: matrix(m, m), S always spd, the others sometimes symmetric, spd,
diagonal, positive or invertible), an output shape (scalar, vector(n), vector(m), covector, n×n, n×m,
a block column), an expression of that shape over the whole vocabulary (sums, element-wise and matrix
products, transposes, powers, Hadamard division, element-wise functions, trace, det, logdet, inverse,
diag, norms, softmax, logsumexp, sum, vec, kron, block concatenation), a variable of the expression and
a layout; the derivative is then checked by finite differences. Domains are kept by construction: log
and sqrt see positive arguments, division a denominator bounded away from zero, logdet a positive
definite matrix, inv/det a matrix whose symmetric part is positive definite (or a plain square matrix;
the checker refuses ill-conditioned points), arcsin/arccos/tan an argument squeezed into (-1/2, 1/2).

Prints counts: correct, inconclusive (no valid random point), unsupported (grouped by construct),
error (other MatcalcErrors, grouped), wrong (each shrunk to a small failing expression, with a
reproduction snippet) and crashes (anything that is not a MatcalcError, shrunk too). Case K of a seed is
the same whatever --n is; ``--only K`` runs that case alone and prints it.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matcalc as mc  # noqa: E402
from matcalc.expr import (  # noqa: E402
    Add,
    Block,
    Call,
    Identity,
    MatMul,
    Mul,
    Number,
    Power,
    Symbol,
    Transpose,
    count_nodes,
    preorder,
    substitute,
    symbols,
)
from matcalc.functions import REGISTRY  # noqa: E402
from matcalc.shapes import SCALAR, Dim, describe  # noqa: E402

N, M = Dim.of("n"), Dim.of("m")
ONE = Dim.of(1)
NP1, MP1, NPM = N + 1, M + 1, N + M
PARTS = {NP1: (N, ONE), MP1: (M, ONE), NPM: (N, M)}  # the blocks a compound dimension is cut into

SMOOTH = ["exp", "sin", "cos", "tanh", "sigmoid", "softplus", "square", "arctan"]
POSITIVE = ["log", "sqrt"]  # argument kept positive
SQUEEZED = ["arcsin", "arccos", "tan"]  # argument kept in (-1/2, 1/2)
KINKED = ["relu", "abs", "leaky_relu"]  # the checker keeps away from the kink
FLAT = ["sign", "step"]  # zero derivative away from the kink

# name, shape; S is always spd (the base of the positive definite constructions)
BASE = [
    ("x", (N, ONE)), ("y", (N, ONE)), ("z", (M, ONE)), ("c", SCALAR), ("b", SCALAR),
    ("A", (N, N)), ("S", (N, N)), ("B", (N, M)), ("C", (M, N)), ("D", (M, M)),
]
SQUARE_PROPS = [("symmetric",), ("spd",), ("diagonal",), ("positive",), ("invertible",), ("positive", "symmetric")]
OTHER_PROPS = [("positive",)]

OUT_SHAPES = [SCALAR] * 10 + [(N, ONE)] * 4 + [(M, ONE)] * 2 + [(N, N)] * 2 + [(N, M)] * 2 + [(ONE, N), (NP1, ONE)]
ARG_SHAPES = [(N, ONE)] * 3 + [(M, ONE)] * 2 + [(N, N)] * 2 + [(N, M), (M, N), (M, M), (NP1, ONE), (N, MP1), (ONE, N)]
INNER = [N] * 3 + [M] * 3 + [ONE] * 2 + [NP1, MP1]


def fn(name: str, *args):
    return Call(REGISTRY[name], *args)


def num(value) -> Number:
    return Number(value)


def compound(shape) -> bool:
    return shape[0] in PARTS or shape[1] in PARTS


def square_atomic(shape) -> bool:
    return shape[0] == shape[1] and shape[0] in (N, M)


def free_dims(e) -> set[str]:
    """Dimensions no symbol fixes (``logdet(I)`` in an expression without another m-sized name): the
    checker cannot size them, so such a draw would only be inconclusive."""
    bound = {name for s in symbols(e) for d in s.shape for name in d.names()}
    return {name for node in preorder(e) for d in node.shape for name in d.names()} - bound


def declare(rng: random.Random, declared: bool) -> dict:
    """This case's symbols by shape; with `declared`, some carry random properties."""
    table: dict = collections.defaultdict(list)
    for name, shape in BASE:
        props: tuple = ()
        if name == "S":
            props = ("spd",)
        elif declared:
            square = shape[0] == shape[1] and shape != SCALAR
            if rng.random() < (0.7 if square else 0.3):
                props = rng.choice(SQUARE_PROPS if square else OTHER_PROPS)
        table[shape].append(Symbol(name, shape, frozenset(props)))
    return dict(table)


class Gen:
    """Random expressions of a requested shape over one case's symbols."""

    def __init__(self, rng: random.Random, table: dict):
        self.rng, self.table = rng, table

    # ------------------------------------------------------------ leaves and helpers

    def leaf(self, shape):
        r = self.rng
        if compound(shape):
            return self.block(shape, 0)
        if shape == SCALAR:
            if r.random() < 0.6:
                return r.choice(self.table[SCALAR])
            return num(r.choice([2, 3, "1/2", -1, "-3/2"]))
        if square_atomic(shape) and r.random() < 0.08:
            return Identity(shape[0])
        flipped = self.table.get((shape[1], shape[0]))
        if shape in self.table and (not flipped or r.random() < 0.85):
            return r.choice(self.table[shape])
        return Transpose(r.choice(flipped))

    def positive_leaf(self, shape):
        """A symbol of this shape declared positive, if there is one."""
        options = [s for s in self.table.get(shape, []) if "positive" in s.props]
        return self.rng.choice(options) if options else None

    def block(self, shape, d):
        """Block concatenation cutting the compound dimensions of `shape` ([x; 1], [A, x; x.T, c], ...)."""
        r = self.rng
        rows = list(PARTS.get(shape[0], (shape[0],)))
        cols = list(PARTS.get(shape[1], (shape[1],)))
        if r.random() < 0.3:
            rows.reverse()
        if r.random() < 0.3:
            cols.reverse()
        items = [self.of((h, w), d) for h in rows for w in cols]
        return Block(*items, layout=(len(cols),) * len(rows))

    def positive(self, shape, d):
        """An expression whose entries are positive (bounded away from 0)."""
        r = self.rng
        leaf = self.positive_leaf(shape)
        if leaf is not None and r.random() < 0.4:
            return leaf
        g = self.of(shape, d)
        choice = r.choice(["square", "exp", "softplus", "cos", "gram"])
        if choice == "square":
            return Add(num(2), fn("square", g))
        if choice == "exp":
            return fn("exp", g)
        if choice == "softplus":
            return Add(num(1), fn("softplus", g))
        if choice == "cos":
            return Add(num(2), fn("cos", g))
        return Add(num(3), Mul(g, g))

    def squeezed(self, shape, d):
        return Mul(num("1/2"), fn("tanh", self.of(shape, d)))

    def pd(self, k, d):
        """A positive definite k×k matrix: an spd base plus a scaled Gram matrix."""
        r = self.rng
        spd = [s for s in self.table.get((k, k), []) if "spd" in s.props]
        base = r.choice(spd) if spd and r.random() < 0.8 else Identity(k)
        if d <= 0 or r.random() < 0.2:
            return base
        inner = r.choice([N, M, ONE])
        g = self.of((k, inner), d)
        return Add(base, Mul(num("1/10"), MatMul(g, Transpose(g))))

    def invertible(self, k, d):
        """A general (non-symmetric) invertible k×k matrix: positive definite plus skew-symmetric."""
        p = self.pd(k, d)
        if d <= 0 or self.rng.random() < 0.3:
            return p
        g = self.of((k, k), d)
        return Add(p, g, Mul(num(-1), Transpose(g)))

    # ------------------------------------------------------------ the generator

    def sized(self, shape, depth: int, size: int):
        """An expression of `shape` with at most `size` nodes (regenerated until it fits)."""
        for attempt in range(400):
            e = self.of(shape, max(0, depth - attempt // 100), top=True)
            if count_nodes(e) <= size and ((symbols(e) and not free_dims(e)) or attempt >= 50):
                return e
        return e

    def of(self, shape, depth: int, top: bool = False):
        r = self.rng
        if depth <= 0 or (not top and r.random() < 0.2):
            return self.leaf(shape)
        d = depth - 1
        if compound(shape) and r.random() < 0.5:
            return self.block(shape, d)
        kinds = ["add"] * 3 + ["sub"] * 2 + ["mul"] * 2 + ["scale"] * 2 + ["transpose"] * 2 + ["power"] * 2
        kinds += ["matmul"] * 4 + ["fn"] * 4 + ["div"] * 2 + ["genpower", "blockmatmul"]
        if shape == SCALAR:
            kinds += ["reduce"] * 12
            kinds.remove("blockmatmul")
        if square_atomic(shape):
            kinds += ["inv"] * 2 + ["diagm"]
        if shape[1] == ONE and shape[0] != ONE:
            kinds += ["softmax", "diagv"]
        if shape[0] == ONE and shape[1] != ONE and r.random() < 0.1:
            kinds += ["softmax_row"]  # softmax of a row vector
        kind = r.choice(kinds)
        return getattr(self, "k_" + kind)(shape, d)

    def k_add(self, shape, d):
        if self.rng.random() < 0.2:
            return Add(self.of(shape, d), self.of(shape, d), self.of(shape, d))
        return Add(self.of(shape, d), self.of(shape, d))

    def k_sub(self, shape, d):
        return Add(self.of(shape, d), Mul(num(-1), self.of(shape, d)))

    def k_mul(self, shape, d):
        return Mul(self.of(shape, d), self.of(shape, d))

    def k_scale(self, shape, d):
        return Mul(self.of(SCALAR, d), self.of(shape, d))

    def k_transpose(self, shape, d):
        arg = self.of((shape[1], shape[0]), d)
        return arg if isinstance(arg, Number) else Transpose(arg)

    def k_power(self, shape, d):
        r = self.rng
        if r.random() < 0.6:
            return Power(self.of(shape, d), num(r.choice([2, 3])))
        return Power(self.positive(shape, d), num(r.choice(["1/2", "-1/2", -2, "3/2", -1])))

    def k_genpower(self, shape, d):
        """u ** v with a positive base and a bounded exponent, one side possibly a scalar."""
        r = self.rng
        choice = r.choice(["scalar-exponent", "scalar-base", "same"])
        if choice == "scalar-exponent":
            return Power(self.positive(shape, d), Mul(num("1/2"), fn("tanh", self.of(SCALAR, d))))
        if choice == "scalar-base":
            base = num(2) if r.random() < 0.5 else self.positive(SCALAR, d)
            return Power(base, fn("sin", self.of(shape, d)))
        return Power(self.positive(shape, d), fn("sin", self.of(shape, d)))

    def k_div(self, shape, d):
        """Hadamard division by a denominator bounded away from 0 (scalar or same shape)."""
        r = self.rng
        den_shape = SCALAR if r.random() < 0.25 else shape
        den = Power(self.positive(den_shape, d), num(-1))
        if r.random() < 0.15 and den_shape == shape:
            return den
        return Mul(self.of(shape, d), den)

    def k_matmul(self, shape, d):
        r = self.rng
        options = [k for k in INNER if k != ONE or (shape[0] != ONE and shape[1] != ONE)]
        inner = r.choice(options)
        if r.random() < 0.2:
            second = r.choice([N, M])
            return MatMul(self.of((shape[0], inner), d), self.of((inner, second), d), self.of((second, shape[1]), d))
        return MatMul(self.of((shape[0], inner), d), self.of((inner, shape[1]), d))

    def k_blockmatmul(self, shape, d):
        """A product through a compound inner dimension: both sides tend to be block matrices."""
        inner = self.rng.choice([NP1, MP1, NPM])
        return MatMul(self.block((shape[0], inner), d), self.block((inner, shape[1]), d))

    def k_fn(self, shape, d):
        r = self.rng
        name = r.choice(SMOOTH * 2 + POSITIVE + SQUEEZED + KINKED + FLAT[: 1 if r.random() < 0.3 else 0])
        if name in POSITIVE:
            arg = self.positive(shape, d)
        elif name in SQUEEZED:
            arg = self.squeezed(shape, d)
        else:
            arg = self.of(shape, d)
        return fn(name, arg)

    def k_inv(self, shape, d):
        r = self.rng
        k = shape[0]
        choice = r.random()
        if choice < 0.5:
            return fn("inv", self.invertible(k, d))
        if choice < 0.8:
            return fn("inv", self.pd(k, d))
        return fn("inv", self.leaf(shape))  # a plain square matrix (declared or not); bad points are refused

    def k_diagm(self, shape, d):
        return fn("diag", self.of((shape[0], ONE), d))

    def k_diagv(self, shape, d):
        k = shape[0]
        return fn("diag", self.of((k, k), d))

    def k_softmax(self, shape, d):
        return fn("softmax", self.of(shape, d))

    def k_softmax_row(self, shape, d):
        return fn("softmax", self.of(shape, d))

    def k_reduce(self, shape, d):
        r = self.rng
        choice = r.choice([
            "sum", "sum", "trace", "trace", "norm", "norm2", "norm1", "norm_fro", "logsumexp", "logdet",
            "det", "det", "quad", "inner", "kron", "vec",
        ])
        if choice == "sum":
            return fn("sum", self.of(r.choice(ARG_SHAPES), d))
        if choice == "trace":
            k = r.choice([N, N, M, NP1])
            return fn("trace", self.of((k, k), d))
        if choice in ("norm", "norm2", "norm1"):
            v = self.of(r.choice([(N, ONE), (N, ONE), (M, ONE), (NP1, ONE), (ONE, N)]), d)
            if choice == "norm1":
                return fn("norm1", v)
            return fn("norm", v) if choice == "norm" else Power(fn("norm", v), num(2))
        if choice == "norm_fro":
            return fn("norm_fro", self.of(r.choice([(N, M), (N, N), (M, N), (N, MP1)]), d))
        if choice == "logsumexp":
            if r.random() < 0.1:  # logsumexp of a matrix
                return fn("logsumexp", self.of((N, M), d))
            return fn("logsumexp", self.of(r.choice([(N, ONE), (M, ONE), (NP1, ONE)]), d))
        if choice == "logdet":
            k = r.choice([N, M])
            return fn("logdet", self.pd(k, d) if r.random() < 0.6 else self.invertible(k, d))
        if choice == "det":
            k = r.choice([N, M, NP1])
            if k != NP1 and r.random() < 0.5:
                return fn("det", self.invertible(k, d))
            return fn("det", self.of((k, k), d))  # det is defined everywhere; singular points are refused
        if choice == "quad":
            k = r.choice([N, M, NP1])
            v = self.of((k, ONE), d)
            return MatMul(Transpose(v), self.of((k, k), d), v)
        if choice == "inner":
            k = r.choice([N, M, NP1])
            return MatMul(self.of((ONE, k), d), self.of((k, ONE), d))
        if choice == "kron":
            sub = r.choice(["trace", "sum"])
            if sub == "trace":
                return fn("trace", fn("kron", self.of((M, M), d), self.of((N, N), d)))
            return fn("sum", fn("kron", self.of((N, ONE), d), self.of((ONE, M), d)))
        # vec: the Frobenius inner product written through vec
        shape2 = r.choice([(N, M), (N, N)])
        return MatMul(Transpose(fn("vec", self.of(shape2, d))), fn("vec", self.of(shape2, d)))


# ---------------------------------------------------------------- outcomes


def classify(e, wrt: str, layout: str):
    """(status, detail): pass / fail / inconclusive / unsupported / error / crash."""
    try:
        report = mc.derive(e, wrt, layout=layout).check(trials=2)
    except mc.UnsupportedError as err:
        return "unsupported", str(err)
    except mc.MatcalcError as err:
        return "error", f"{type(err).__name__}: {err}"
    except Exception as err:  # noqa: BLE001 - the point of the soak is to find these
        return "crash", (type(err).__name__, traceback.format_exc(limit=-4))
    return report.status, str(report)


def normalise(message: str, expr, wrt: str) -> str:
    """A short reason that aggregates: the first line, the expression-specific parts cut out."""
    line = message.split("\n")[0]
    texts = sorted({str(node) for node in preorder(expr) if node.args}, key=len, reverse=True)
    for t in texts:
        if len(t) > 2 and t in line:
            line = line.replace(t, "…")
    line = re.sub(r"\|\|[^|]*\|\|", "||…||", line)
    line = re.sub(r"'[^']*'", "'…'", line)
    names = {s.name for s in symbols(expr)} | {wrt}
    for name in sorted(names):
        line = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w(])", "<name>", line)
    return line.strip()


def kind_of(shape) -> str:
    return describe(shape).split("(")[0]


def failure_kind(report: str, e, var: Symbol, layout: str) -> str:
    """What kind of wrong answer: layout, kinds of the variable and the output, the checker's complaint."""
    lines = report.split("\n")
    why = lines[1].strip() if len(lines) > 1 else "the closed form disagrees with finite differences"
    why = re.sub(r"\b(vector|covector|matrix)\([^)]*\)", r"\1(…)", why)
    return f"{layout} layout, {kind_of(var.shape)} variable, {kind_of(e.shape)} output: {why}"


def constructs(e) -> set[str]:
    """The construct names an expression uses (for --coverage)."""
    out = set()
    for node in preorder(e):
        if isinstance(node, Call):
            out.add(node.fn.name)
        elif isinstance(node, Power):
            exp = node.exponent
            if isinstance(exp, Number):
                out.add("power -1 (division)" if exp.value == -1 else
                        "power integer" if exp.value.denominator == 1 else "power fraction")
            else:
                out.add("power general")
        elif isinstance(node, Block):
            out.add(f"block {len(node.layout)}x{node.layout[0]}")
        elif isinstance(node, Symbol):
            for p in node.props:
                out.add(f"declared {p}")
        elif isinstance(node, MatMul) and len(node.args) > 2:
            out.add("matmul 3-ary")
        else:
            out.add(type(node).__name__)
    return out


def simplest(shape, table: dict, var: Symbol | None = None):
    """A small expression of `shape` (a leaf, or a block of leaves), using `var` where it fits; or None."""
    if compound(shape):
        items, layout = [], None
        rows, cols = PARTS.get(shape[0], (shape[0],)), PARTS.get(shape[1], (shape[1],))
        for h in rows:
            for w in cols:
                item = simplest((h, w), table, var)
                if item is None:
                    return None
                if var is not None and var in symbols(item):
                    var = None  # the variable once is enough
                items.append(item)
        layout = (len(cols),) * len(rows)
        return Block(*items, layout=layout)
    if var is not None and var.shape == shape:
        return var
    if var is not None and (var.shape[1], var.shape[0]) == shape:
        return Transpose(var)
    if shape == SCALAR:
        return num(2)
    if shape in table:
        return table[shape][0]
    if (shape[1], shape[0]) in table:
        return Transpose(table[(shape[1], shape[0])][0])
    return None


def leaves_like(shape, table: dict, var: Symbol) -> list:
    """Small expressions of `shape` a subtree may be replaced by while shrinking (those with the variable
    first: the variable itself, its transpose, a block holding it, a scalar variable times a leaf)."""
    out = []
    with_var = simplest(shape, table, var)
    if with_var is not None and var in symbols(with_var):
        out.append(with_var)
    elif var.shape == SCALAR and shape != SCALAR:
        plain = simplest(shape, table)
        if plain is not None:
            out.append(Mul(var, plain))
    out += [s for s in table.get(shape, []) if s != var]
    out += [Transpose(s) for s in table.get((shape[1], shape[0]), []) if shape[0] != shape[1] and s != var]
    if shape == SCALAR:
        out += [num(2), num(1)]
    elif square_atomic(shape):
        out.append(Identity(shape[0]))
    elif compound(shape):
        plain = simplest(shape, table)
        if plain is not None:
            out.append(plain)
    return out


def shrink(expr, var: Symbol, still_fails, table: dict, budget: int = 250):
    """A small expression that still fails (greedy): first the smallest failing subexpression that contains
    the variable, then subtrees replaced by one of their children or by a leaf of the same shape."""
    best = expr
    calls = 0

    def holds(e) -> bool:
        nonlocal calls
        calls += 1
        try:
            return var in symbols(e) and still_fails(e)
        except Exception:  # noqa: BLE001 - a candidate that cannot even be built does not count
            return False

    changed = True
    while changed and calls < budget:
        changed = False
        subs = sorted({n for n in preorder(best) if n is not best and n.args and var in symbols(n)}, key=count_nodes)
        for sub in subs:
            if calls >= budget:
                break
            if holds(sub):
                best, changed = sub, True
                break
        if changed:
            continue
        size = count_nodes(best)
        nodes = sorted({n for n in preorder(best) if n.args}, key=count_nodes, reverse=True)
        for node in nodes:
            candidates = [a for a in node.args if a.shape == node.shape] + leaves_like(node.shape, table, var)
            for cand in candidates:
                if calls >= budget:
                    break
                try:
                    smaller = substitute(best, {node: cand})
                except Exception:  # noqa: BLE001
                    continue
                if count_nodes(smaller) < size and holds(smaller):
                    best, changed = smaller, True
                    break
            if changed or calls >= budget:
                break
    return best


def where_of(syms) -> str:
    """Declarations that pin every symbol's kind, dimensions and properties."""
    parts = []
    for s in syms:
        props = " ".join(sorted(s.props))
        parts.append(f"{s.name}: {describe(s.shape)}" + (f" {props}" if props else ""))
    return "; ".join(parts)


def reproduction(e, var: Symbol, layout: str) -> tuple[str, str]:
    """The snippet that reproduces a case from text, and what running it gives."""
    syms = symbols(e)
    if var not in syms:
        syms.append(var)
    text, where = str(e), where_of(syms)
    snippet = f"mc.derive({text!r}, {var.name!r}, layout={layout!r}, where={where!r}).check()"
    try:
        got = str(mc.derive(text, var.name, layout=layout, where=where).check()).split("\n")[0]
    except Exception as err:  # noqa: BLE001
        got = f"{type(err).__name__}: {str(err).splitlines()[0]}"
    return snippet, got


# ---------------------------------------------------------------- the run


def make_case(seed: int, index: int, depth: int, size: int):
    """Case `index` of `seed`: (expression, variable, layout, table); the same whatever --n is."""
    rng = random.Random(f"soak/{seed}/{index}")
    table = declare(rng, declared=rng.random() < 0.5)
    gen = Gen(rng, table)
    out_shape = rng.choice(OUT_SHAPES)
    expr = gen.sized(out_shape, depth, size)
    syms = symbols(expr)
    var = rng.choice(syms) if syms else None
    layout = rng.choice(["mixed", "numerator", "denominator"])
    return expr, var, layout, table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of cases")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--depth", type=int, default=4, help="maximum nesting depth of the generator")
    parser.add_argument("--size", type=int, default=60, help="maximum node count (bigger draws are regenerated)")
    parser.add_argument("--coverage", action="store_true", help="print how many cases used each construct")
    parser.add_argument("--only", type=int, default=None, help="run case K alone and print it")
    parser.add_argument("--slow", type=float, default=2.0, help="list cases whose derivation and check take longer "
                        "(CPU seconds)")
    args = parser.parse_args(argv)
    counts: collections.Counter = collections.Counter()
    reasons: collections.Counter = collections.Counter()
    errors: collections.Counter = collections.Counter()
    coverage: collections.Counter = collections.Counter()
    failures: collections.Counter = collections.Counter()
    wrong: dict = {}
    slow: list = []
    crashes: dict = {}
    indices = [args.only] if args.only is not None else range(args.n)
    start = time.time()
    for i in indices:
        expr, var, layout, table = make_case(args.seed, i, args.depth, args.size)
        if var is None:
            counts["no variable"] += 1
            continue
        coverage.update(constructs(expr))
        coverage[f"wrt {'scalar' if var.shape == SCALAR else 'vector' if var.shape[1] == ONE else 'matrix'}"] += 1
        coverage[f"output {describe(expr.shape).split('(')[0]}"] += 1
        tick = time.process_time()
        status, detail = classify(expr, var.name, layout)
        spent = time.process_time() - tick
        if spent >= args.slow:
            slow.append((spent, i, expr, var, layout))
        if args.only is not None:
            print(f"case {i}: d({expr})/d{var.name} [{layout}] where {where_of(symbols(expr))!r}\n  {status}: {detail}")
        if status == "pass":
            counts["correct"] += 1
        elif status == "inconclusive":
            counts["inconclusive"] += 1
        elif status == "unsupported":
            counts["unsupported"] += 1
            reasons[normalise(detail, expr, var.name)] += 1
        elif status == "error":
            counts["error"] += 1
            errors[normalise(detail, expr, var.name)] += 1
        elif status == "crash":
            counts["crash"] += 1
            kind = detail[0]

            def crashes_alike(e, kind=kind):
                got = classify(e, var.name, layout)
                return got[0] == "crash" and got[1][0] == kind

            small = shrink(expr, var, crashes_alike, table)
            crashes.setdefault((str(small), var.name, layout), [i, small, var, classify(small, var.name, layout)[1][1], 0])
            crashes[(str(small), var.name, layout)][-1] += 1
        else:
            counts["wrong"] += 1
            small = shrink(expr, var, lambda e: classify(e, var.name, layout)[0] == "fail", table)
            key = (str(small), var.name, layout)
            report = classify(small, var.name, layout)[1]
            wrong.setdefault(key, [i, small, var, report, 0])
            wrong[key][-1] += 1
            failures[failure_kind(report, small, var, layout)] += 1
    elapsed = time.time() - start
    total = len(indices)
    print(f"soak: {total} expressions, seed {args.seed}, depth {args.depth}, size {args.size}, {elapsed:.1f} s "
          f"({1000 * elapsed / max(total, 1):.1f} ms per case)")
    for key in ("correct", "inconclusive", "unsupported", "error", "wrong", "crash", "no variable"):
        print(f"  {key:13} {counts[key]}")
    if reasons:
        print("  unsupported, by construct:")
        for reason, k in reasons.most_common():
            print(f"    {k:5}  {reason}")
    if failures:
        print("  wrong, by failure:")
        for reason, k in failures.most_common():
            print(f"    {k:5}  {reason}")
    if errors:
        print("  errors, by reason:")
        for reason, k in errors.most_common():
            print(f"    {k:5}  {reason}")
    if args.coverage:
        print("  coverage (cases using each construct):")
        for name, k in sorted(coverage.items()):
            print(f"    {k:5}  {name}")
    for (text, wrt, layout), (i, small, var, report, k) in list(wrong.items())[:20]:
        snippet, got = reproduction(small, var, layout)
        print(f"  WRONG  d({text})/d{wrt} [{layout}]  (case {i}; {k} case(s) shrink to it)")
        print(f"         {report.splitlines()[0]}" + "".join(f"\n         {ln}" for ln in report.splitlines()[1:]))
        print(f"         {snippet}\n         -> from text: {got}")
    for (text, wrt, layout), (i, small, var, tb, k) in list(crashes.items())[:10]:
        snippet, got = reproduction(small, var, layout)
        print(f"  CRASH  d({text})/d{wrt} [{layout}]  (case {i}; {k} case(s) shrink to it)")
        print(f"         {snippet}\n         -> from text: {got}")
        print("         " + tb.rstrip().replace("\n", "\n         "))
    if slow:
        print(f"  slow (≥ {args.slow:g} s CPU): {len(slow)} case(s); the slowest:")
        for spent, i, expr, var, layout in sorted(slow, key=lambda t: -t[0])[:5]:
            syms = symbols(expr)
            where = where_of(syms if var in syms else [*syms, var])
            print(f"    {spent:6.1f} s  case {i}: mc.derive({str(expr)!r}, {var.name!r}, layout={layout!r}, where={where!r})")
    return 1 if wrong or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
