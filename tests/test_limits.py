"""Every limit of matcalc/limits.py: exceeded, it gives a clear MatcalcError at once; below it, work goes on.

Each constant is also documented in docs/limits.md (checked here).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest

import matcalc as mc
from matcalc import limits
from matcalc.cli import main

DOC = Path(__file__).resolve().parent.parent / "docs" / "limits.md"
CONSTANTS = sorted(n for n in vars(limits) if n.isupper() and not n.startswith("_"))


@pytest.mark.parametrize("name", CONSTANTS)
def test_every_limit_is_documented_with_its_value(name):
    value = getattr(limits, name)
    shown = f"{value:,}".replace(",", " ") if isinstance(value, int) else f"{value:g}"
    row = re.search(rf"^\| `{name}` \| ([^|]+) \|", DOC.read_text(), re.M)
    assert row, f"{name} is not in the table of docs/limits.md"
    assert row.group(1).strip() == shown


def test_input_length():
    mc.parse("x" * limits.MAX_INPUT_LENGTH)
    with pytest.raises(mc.ParseError, match="the limit is 20000"):
        mc.parse("x" * (limits.MAX_INPUT_LENGTH + 1))
    start = time.monotonic()
    with pytest.raises(mc.ParseError):
        mc.parse("x+" * 500_000 + "x")  # 1 MB: refused before parsing
    assert time.monotonic() - start < 1


def test_nesting_depth():
    depth = limits.MAX_NESTING_DEPTH
    assert str(mc.parse("(" * depth + "x" + ")" * depth)) == "x"
    with pytest.raises(mc.ParseError, match="nested deeper"):
        mc.parse("(" * (depth + 1) + "x" + ")" * (depth + 1))
    with pytest.raises(mc.ParseError, match="nested deeper"):
        mc.parse("exp(" * 3_000 + "x" + ")" * 3_000)


def test_nesting_without_brackets_is_bounded_by_the_recursion_room():
    with pytest.raises(mc.MatcalcError, match="too deeply nested"):
        mc.parse("-" * 19_000 + "x")
    assert str(mc.derive("-" * 301 + "x", "x", where="x: scalar")) == "-1"


def test_number_digits_and_exponent():
    mc.parse("9" * limits.MAX_NUMBER_DIGITS)
    with pytest.raises(mc.ParseError, match="number too large"):
        mc.parse("9" * (limits.MAX_NUMBER_DIGITS + 1))
    mc.parse(f"1e{limits.MAX_NUMBER_EXPONENT} * x")
    with pytest.raises(mc.ParseError, match="number too large"):
        mc.parse(f"1e{limits.MAX_NUMBER_EXPONENT + 1} * x")


def test_matrix_power():
    k = limits.MAX_MATRIX_POWER
    assert len(mc.parse(f"A^{k}").args) == k
    with pytest.raises(mc.UnsupportedError, match=f"at most ±{k}"):
        mc.parse(f"A^{k + 1}")


def test_element_wise_powers_are_not_limited():
    d = mc.derive("x**99999999", "x", where="x: scalar")
    assert str(d) == "99999999 * x**99999998"


def test_tree_size_counts_shared_subexpressions_each_time():
    e = mc.parse("(A^4)^4")
    assert limits.tree_size(e) == 1 + 4 * 5
    assert limits.tree_size(mc.parse("x")) == 1


def test_tree_size_of_the_expression(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TREE_SIZE", 50)
    mc.parse("x" + " + x" * 48)
    with pytest.raises(mc.LimitError, match="the expression has 51 nodes; the limit is 50"):
        mc.parse("x" + " + x" * 49)


def test_tree_size_of_the_derivative():
    start = time.monotonic()
    with pytest.raises(mc.LimitError, match=r"the product rule on 4,096 factors, 4,096 of them dependent.*200,000"):
        mc.derive("((A^16)^16)^16", "A")  # a product of 4096 factors: 4096 terms of 4096 factors
    assert time.monotonic() - start < 5


def test_a_derivative_under_the_size_limit_is_right():
    d = mc.derive("(A^4)^4", "A")
    assert d.check(trials=1).passed


@pytest.mark.parametrize("call", [
    lambda: mc.derive("x.T @ A @ x", "x"),
    lambda: mc.hessian("logsumexp(x)", "x"),
    lambda: mc.check_answer("x.T @ A @ x", "x", "2*A@x"),
])
def test_time_limit(monkeypatch, call):
    monkeypatch.setattr(limits, "MAX_SECONDS", 0.0)
    with pytest.raises(mc.LimitError, match="gave up after 0 s"):
        call()


def test_time_limit_covers_the_numeric_check(monkeypatch):
    d = mc.derive("x.T @ A @ x", "x")
    monkeypatch.setattr(limits, "MAX_SECONDS", 0.0)
    with pytest.raises(mc.LimitError):
        d.check()


def test_time_limit_is_per_operation_and_restored():
    mc.derive("x.T @ A @ x", "x")
    assert getattr(limits._state, "deadline", None) is None


def test_time_limit_on_the_command_line(monkeypatch, capsys):
    monkeypatch.setattr(limits, "MAX_SECONDS", 0.0)
    assert main(["derive", "x.T@A@x", "wrt", "x"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: gave up after 0 s") and "Traceback" not in err


def test_rewrite_budget_stops_early_and_stays_sound(monkeypatch):
    monkeypatch.setattr(limits, "MAX_REWRITES", 3)
    d = mc.derive("sum(exp(A @ x + b) * (A @ x))", "x")
    assert d.check(trials=1).passed


def test_recursion_room_is_restored(monkeypatch):
    import sys

    before = sys.getrecursionlimit()
    with pytest.raises(mc.MatcalcError):
        mc.parse("-" * 19_000 + "x")
    assert sys.getrecursionlimit() == before
    assert np.isfinite(mc.evaluate("-" * 2000 + "c", {"c": 1.0}))


def test_product_rule_too_large_is_refused_before_it_is_built():
    start = time.monotonic()
    with pytest.raises(mc.LimitError, match=r"product rule on 6,001 factors, 6,001 of them dependent.*MAX_TREE_SIZE"):
        mc.derive("x" + "∘x" * 6000, "x")
    with pytest.raises(mc.LimitError, match="MAX_TREE_SIZE"):
        mc.derive("c" + "/c" * 6000, "c")
    assert time.monotonic() - start < 20


def test_product_rule_below_the_limit_is_right():
    d = mc.derive("x" + "∘x" * 30, "x")  # x.^31: 31 diag(x.^30)
    assert d.check().passed


def test_check_entries_refuses_huge_declared_sizes():
    d = mc.derive("x.T@A@x", "x", where="x: vector(100000)")
    with pytest.raises(mc.LimitError, match=r"A as a 100,000 × 100,000 array .* MAX_CHECK_ENTRIES"):
        d.check()
    with pytest.raises(mc.LimitError, match="MAX_CHECK_ENTRIES"):
        mc.check_answer("x.T@A@x", "x", "2*A@x", where="x: vector(100000)")


def test_check_entries_below_the_limit_checks(monkeypatch):
    d = mc.derive("x.T@A@x", "x", where="x: vector(30)")
    assert d.check().passed
    monkeypatch.setattr(limits, "MAX_CHECK_ENTRIES", 899)  # A is 30 × 30 = 900 entries
    with pytest.raises(mc.LimitError, match="900 entries"):
        d.check()


def _doubling(depth: int):
    """f = sum(u_depth) with u_{k+1} = tanh(u_k) ∘ u_k: each level uses the one below twice, so the expression
    written out doubles with every level (2^depth) while it has 3 distinct nodes per level."""
    from matcalc.expr import Call, Mul, Symbol
    from matcalc.functions import lookup
    from matcalc.shapes import Dim

    u = Symbol("x", (Dim.of("n"), Dim.of(1)))
    for _ in range(depth):
        u = Mul(Call(lookup("tanh"), u), u)
    return Call(lookup("sum"), u)


def test_the_size_limit_counts_each_distinct_subexpression_once():
    e = mc.parse("(A^4)^4")
    assert limits.dag_size(e) == 1 + 4 + 4  # two products of four operands; written out it is 21 nodes
    assert limits.dag_size(_doubling(60)) < 400  # 2^60 written out
    assert limits.dag_size(mc.parse("x" + " + x" * 49)) == limits.tree_size(mc.parse("x" + " + x" * 49)) == 51


def test_a_derivative_whose_tree_written_out_is_exponential_is_refused_at_once_or_printed_with_names():
    start = time.monotonic()
    with pytest.raises(mc.LimitError, match=r"stands for [\d,]+ written out.*MAX_EXPANSION"):
        mc.derive(_doubling(60), "x")  # 2^60 written out: refused before simplifying
    assert time.monotonic() - start < 5
    d = mc.derive(_doubling(10), "x")  # about 3 million nodes written out
    text = str(d)  # past MAX_WRITTEN: printed with its shared parts named
    assert text == d.text_with_lets() and len(text) < 200_000
    assert "too large to write out" in repr(d)
    assert d._repr_mimebundle_()["text/plain"]  # a notebook shows it, named parts and all, without an error
    with pytest.raises(mc.LimitError, match="MAX_WRITTEN"):
        d.latex()
    assert len(d.to_source()) < 200_000
    small = mc.derive(_doubling(5), "x")  # the same construction, small enough to check against differences
    assert small.check().passed
    x = np.linspace(-0.5, 0.5, 4).reshape(-1, 1)
    np.testing.assert_allclose(small.to_function()(x=x), small.matrix({"x": x}), rtol=1e-9, atol=1e-12)
    assert time.monotonic() - start < 60
