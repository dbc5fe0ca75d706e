"""Printed results read back: every closed form, parsed again with the printed assumptions, is the same function.

The derivatives come from the differential soak (random well-shaped expressions over the whole
vocabulary, benchmarks/soak.py) and from the spelling corpus (classic problems as people type them).
Each closed form is printed (``str(d)``), parsed again with declarations pinning every name to its
printed shape and properties, and both are evaluated at random points of distinct sizes: a constant
whose size nothing fixes (``[0; 1]``, ``sum(vector(1))``) or an entry-wise ``exp`` of a square matrix
that reads back as ``expm`` would fail here.
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import numpy as np
import pytest
from spelling_corpus import PROBLEMS

import matcalc as mc
from matcalc.checking import dim_names_of, sample_point
from matcalc.expr import Expr, Symbol, symbols
from matcalc.numeric import evaluate
from matcalc.shapes import Dim, describe

SOAK_FILE = Path(__file__).resolve().parent.parent / "benchmarks" / "soak.py"
SOAK_CASES = 400


def _soak():
    spec = importlib.util.spec_from_file_location("soak_for_round_trip", SOAK_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _where(names: list[Symbol]) -> str:
    parts = []
    for s in names:
        props = " ".join(sorted(s.props))
        parts.append(f"{s.name}: {describe(s.shape)}" + (f" {props}" if props else ""))
    return "; ".join(parts)


def _reads_back(closed: Expr, context: list[Expr], seed: int, printer=mc.to_text, notation="auto") -> str | None:
    """None when the printed closed form, parsed again, has the same values; else what differs."""
    text = printer(closed)
    names: dict[str, Symbol] = {}
    for e in [closed, *context]:
        for s in symbols(e):
            names.setdefault(s.name, s)
    try:
        where = _where(list(names.values()))
        again = mc.parse(text, where=where or None, notation=notation)
    except mc.DeclarationError:
        return None  # a compound dimension (m + 1) cannot be declared: nothing to pin
    except mc.MatcalcError as err:
        return f"{text!r} does not read back: {err}"
    rename = _renaming(again.shape, closed.shape)
    if rename is None:
        return f"{text!r} reads back as {describe(again.shape)}, not {describe(closed.shape)}"
    rng = np.random.default_rng(seed)
    dims = dim_names_of([closed, *context])
    sizes = {d: 2 + (k + seed) % 4 for k, d in enumerate(dims)}
    # a closed form without names (3 * I, matrix(0)) carries no sizes: its own dimensions are the printed ones
    for mine, theirs in rename.items():
        value = theirs.substitute({name: Dim.of(sizes[name]) for name in theirs.names() if name in sizes})
        if value.is_int:
            sizes[mine] = value.value
    point = sample_point([closed, again], sizes, rng)
    if point is None:
        return None
    want, got = evaluate(closed, point, sizes), evaluate(again, point, sizes)
    if not np.allclose(np.asarray(want, dtype=float), np.asarray(got, dtype=float), rtol=1e-9, atol=1e-12,
                       equal_nan=True):
        return f"{text!r} reads back as another function"
    return None


def _renaming(got, want) -> dict | None:
    """Dimension names of `got` standing for dimensions of `want` (equal shapes: no renaming), or None."""
    rename: dict = {}
    for g, w in zip(got, want):
        if g == w:
            continue
        if g.name is None or rename.get(g.name, w) != w:
            return None
        rename[g.name] = w
    return rename


PRINTERS = {"text": (mc.to_text, "auto"), "latex": (mc.to_latex, "latex")}


@pytest.mark.parametrize("form", PRINTERS)
def test_soak_derivatives_read_back(form):
    printer, notation = PRINTERS[form]
    soak = _soak()
    problems = []
    tried = 0
    for index in range(SOAK_CASES):
        expr, var, layout, _ = soak.make_case(23, index, 3, 40)
        if var is None:
            continue
        try:
            d = mc.derive(expr, var, layout=layout)
        except mc.MatcalcError:
            continue
        tried += 1
        problem = _reads_back(d.expr, [d.f], index, printer, notation)
        if problem:
            problems.append(f"d({mc.to_text(expr)})/d{var.name} [{layout}]: {problem}")
    assert tried > SOAK_CASES // 2
    assert not problems, "\n".join(problems[:10])


@pytest.mark.parametrize("form", PRINTERS)
@pytest.mark.parametrize("problem", PROBLEMS, ids=[p.id for p in PROBLEMS])
def test_corpus_derivatives_read_back(problem, form):
    """Every spelling of the problem that is read: its closed form reads back (one test per problem and printed form)."""
    printer, notation = PRINTERS[form]
    problems = []
    for spelling in problem.spellings:
        where = problem.where if spelling.where is None else (spelling.where or None)
        try:
            d = mc.derive(spelling.text, spelling.wrt or problem.wrt, where=where)
        except mc.MatcalcError:
            continue  # not read without a notation (listed in the corpus)
        seed = random.Random(f"{problem.id}/{spelling.label}").randrange(1000)
        problem_text = _reads_back(d.expr, [d.f], seed, printer, notation)
        if problem_text:
            problems.append(f"{spelling.label}: {problem_text}")
    assert not problems, "\n".join(problems)
