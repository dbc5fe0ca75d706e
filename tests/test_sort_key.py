"""The structural sort key (matcalc.walks.sort_key) that orders terms in the rewriting.

The key is built from the tree alone: node kinds, names, numbers, shapes and the children's keys, never from a
printer. It must be a total order that is the same in every run, give equal trees equal keys and different trees
different keys, cope with deep and heavily shared trees, and follow the written order in the common cases so
that printed answers keep their form.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_exprs import any_expr
from trees import trees

import matcalc as mc
from matcalc.expr import Add, Block, Call, Commutation, Identity, MatMul, Mul, Number, Ones, Symbol, Transpose, Zeros
from matcalc.functions import REGISTRY
from matcalc.shapes import ONE, SCALAR, Dim
from matcalc.walks import bottom_up, sort_key

ROOT = Path(__file__).resolve().parent.parent
N, M = Dim.of("n"), Dim.of("m")
WHERE = "s, t: scalar; A: matrix(n, n); B: matrix(n, n)"
TEXTS = ["x", "y", "A", "a.T @ x", "x.T @ a", "A @ x + b", "exp(x)", "log(s)", "s * t", "(x - y).T @ (x + y)",
         "2 * x", "-x", "1 / s", "x**2", "[x; 1]", "sum(sigmoid(A @ x))", "x.T @ A @ x", "trace(A @ B)"]


def _copy(e):
    """The same tree built again from new nodes (leaves are shared, every operator node is new)."""
    return bottom_up(e, lambda node: node.rebuild(*node.args) if node.args else node)


def _cmp(a, b) -> int:
    return (sort_key(a) > sort_key(b)) - (sort_key(a) < sort_key(b))


# ---------------------------------------------------------------- determinism


@pytest.mark.parametrize("text", TEXTS)
def test_a_tree_read_twice_gets_the_same_key(text):
    first, second = mc.parse(text, WHERE), mc.parse(text, WHERE)
    assert sort_key(first) == sort_key(second)
    assert sort_key(first).flat() == sort_key(second).flat()
    assert not sort_key(first) < sort_key(second) and not sort_key(first) > sort_key(second)


def test_the_key_and_the_order_are_the_same_in_every_process():
    """The key holds no hashes or ids: another hash seed gives the same keys and the same order."""
    code = (
        "import matcalc as mc\n"
        "from matcalc.walks import sort_key\n"
        f"texts = {TEXTS!r}\n"
        f"keys = [sort_key(mc.parse(t, {WHERE!r})) for t in texts]\n"
        "print([k.flat() for k in keys])\n"
        "print(sorted(range(len(texts)), key=keys.__getitem__))\n"
    )
    outs = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert run.returncode == 0, run.stderr
        outs.append(run.stdout)
    assert outs[0] == outs[1]


# ---------------------------------------------------------------- equal trees, equal keys; a total order


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(trees(), any_expr()), min_size=2, max_size=8))
def test_keys_tell_trees_apart_exactly_and_order_them_totally(exprs):
    exprs = exprs + [_copy(e) for e in exprs]
    for a in exprs:
        for b in exprs:
            assert (sort_key(a) == sort_key(b)) == (a == b), (str(a), str(b))
            assert _cmp(a, b) == -_cmp(b, a)
            assert (_cmp(a, b) == 0) == (a == b)
    ordered = sorted(exprs, key=sort_key)
    for i, a in enumerate(ordered):  # sorted stays sorted pairwise: the order is transitive on the sample
        for b in ordered[i:]:
            assert _cmp(a, b) <= 0


def test_everything_that_tells_two_trees_apart_tells_their_keys_apart():
    x = Symbol("x", (N, ONE))
    a, b = Symbol("a", SCALAR), Symbol("b", SCALAR)
    distinct = [
        x, Symbol("x", (M, ONE)), Symbol("x", (N, N)), Symbol("x", (N, N), frozenset({"symmetric"})), Symbol("y", (N, ONE)),
        Number(1), Number(-1), Number("1/2"), Number(2),
        Identity(N), Identity(M), Ones((N, ONE)), Ones((ONE, N)), Zeros((N, ONE)), Zeros((N + 1, ONE)),
        Commutation(N, M), Commutation(M, N),
        Add(a, b), Add(b, a), Mul(a, b), MatMul(a, b), Add(a, b, a), Add(Add(a, b), a), Add(a, Add(b, a)),
        Call(REGISTRY["exp"], a), Call(REGISTRY["log"], a), Transpose(x), Transpose(Transpose(x)),
        Block(a, b, a, b, layout=(2, 2)), Block(a, b, a, b, layout=(4,)), Block(a, b, a, b, layout=(1, 1, 1, 1)),
    ]
    keys = [sort_key(e) for e in distinct]
    for i in range(len(keys)):
        for j in range(len(keys)):
            assert (keys[i] == keys[j]) == (i == j), (distinct[i], distinct[j])
    assert Number("0.5") == Number("1/2") and sort_key(Number("0.5")) == sort_key(Number("1/2"))


# ---------------------------------------------------------------- the written order in the common cases


def _order(*texts: str) -> list[str]:
    return sorted(texts, key=lambda t: sort_key(mc.parse(t, WHERE)))


def test_names_sort_alphabetically_capitals_first():
    assert _order("y", "x", "b", "A", "B") == ["A", "B", "b", "x", "y"]
    assert _order("x.T @ a", "a.T @ x") == ["a.T @ x", "x.T @ a"]
    assert _order("sigmoid(x)", "log(s)", "exp(x)") == ["exp(x)", "log(s)", "sigmoid(x)"]


def test_a_name_comes_before_a_product_or_sum_that_starts_with_it():
    assert _order("s * t", "s") == ["s", "s * t"]
    assert _order("x + y", "x") == ["x", "x + y"]
    assert _order("x.T", "x") == ["x", "x.T"]


def test_numbers_and_brackets_come_first_as_they_are_written():
    assert _order("s", "2 * s", "-s") == ["-s", "2 * s", "s"]
    assert _order("x", "1 / s", "(s + t)**2") == ["(s + t)**2", "1 / s", "x"]
    assert _order("dx.T @ (x - y)", "(x - y).T @ dx") == ["(x - y).T @ dx", "dx.T @ (x - y)"]


# ---------------------------------------------------------------- deep and shared trees


def _chain(leaf: str, depth: int = 2000):
    e = Symbol(leaf, (N, ONE))
    for _ in range(depth):
        e = Transpose(e)
    return e


def test_a_deep_chain_of_transposes_needs_no_recursion():
    """Keys of 2000 nested transposes, built and compared with a recursion limit far below the depth."""
    x_chain, x_again, y_chain = _chain("x"), _chain("x"), _chain("y")
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(400)
    try:
        start = time.perf_counter()
        assert sort_key(x_chain) < sort_key(y_chain) and sort_key(y_chain) > sort_key(x_chain)
        assert sort_key(x_chain) == sort_key(x_again)
        assert sort_key(_chain("x", 1999)) < sort_key(x_chain)  # a prefix first: x before x.T
        elapsed = time.perf_counter() - start
    finally:
        sys.setrecursionlimit(old)
    assert len(sort_key(x_chain).flat()) == 2001
    assert elapsed < 2


def test_a_long_sum_and_a_deep_sum_need_no_recursion():
    terms = [Symbol(f"x{i}", (N, ONE)) for i in range(5000)]
    wide = Add(*terms)
    deep = terms[0]
    for t in terms[1:]:
        deep = Add(deep, t)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(400)
    try:
        start = time.perf_counter()
        assert sort_key(wide) != sort_key(deep)
        assert sort_key(Add(*terms[:-1], terms[0])) < sort_key(wide)  # x0 before x4999 in the last place
        longer = Add(deep, terms[0])
        assert (sort_key(deep) < sort_key(longer)) != (sort_key(longer) < sort_key(deep))
        elapsed = time.perf_counter() - start
    finally:
        sys.setrecursionlimit(old)
    assert elapsed < 2


def test_a_shared_subtree_is_keyed_once():
    """x doubled 200 times is 2^200 nodes written out and 201 distinct nodes: the key must be linear in those."""
    def doubled(leaf: str):
        e = Symbol(leaf, SCALAR)
        for _ in range(200):
            e = Add(e, e)
        return e

    start = time.perf_counter()
    assert sort_key(doubled("a")) == sort_key(doubled("a"))
    assert sort_key(doubled("a")) < sort_key(doubled("b"))
    assert time.perf_counter() - start < 5


# ---------------------------------------------------------------- the rewriting never reads printed text


def _imported_modules(path: Path) -> set[str]:
    """Every matcalc module `path` imports, at module level or inside a function, relative names resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_the_rewriting_and_the_key_do_not_import_the_printers():
    files = sorted((ROOT / "matcalc" / "rewrite").glob("*.py")) + [ROOT / "matcalc" / "walks.py"]
    assert len(files) > 5
    for path in files:
        printing = sorted(m for m in _imported_modules(path) if m == "matcalc.printing" or m.startswith("matcalc.printing."))
        assert not printing, f"{path.relative_to(ROOT)} imports {printing}"


def test_the_import_reader_sees_a_printer_import():
    """The check above would notice: the printers' own modules import one another."""
    assert "matcalc.printing.precedence" in _imported_modules(ROOT / "matcalc" / "printing" / "text.py")
