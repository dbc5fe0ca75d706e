"""The LaTeX corpus (latex_corpus.py), judged with numbers.

- Lecture formulas: the LaTeX derivative and the derivative of the NumPy reference are evaluated at
  random points honouring the names' properties, at two sets of distinct sizes, and must agree; the
  names must be read with the reference's kinds; the reference itself is checked against finite
  differences. A formula with a ``point`` must also give the numbers the notes print there.
- Values: LaTeX expressions evaluated at a worked example's numbers.
- Answers: ``mc.check_answer`` on textbook answers written in LaTeX (right ones judged correct, wrong
  ones judged wrong with the expected diagnosis).
- Hessians: ``mc.hessian`` of a LaTeX question against the textbook's Hessian written in LaTeX.
- Refusals: LaTeX that must raise a ``MatcalcError`` whose message names the problem, never another
  exception.

Cases that fail today are strict expected failures, so that a case that starts passing is reported
(and its entry then removed):

- ``PENDING``: matcalc refuses (or crashes on) a text it should read.
- ``MISREAD``: the text is read, but as another function, or the verdict on an answer is wrong.
- ``NOT_REFUSED``: LaTeX that must be refused is read (or refused with another exception, or with a
  message that does not name the problem).
"""

from __future__ import annotations

import re
import subprocess
import sys
import zlib

import numpy as np
import pytest
from latex_corpus import ANSWERS, FORMULAS, HESSIANS, REFUSALS, VALUES, Answer, Formula, HessianCase, Refusal, Value
from spelling_corpus import ALIASES, CONSTANTS

import matcalc as mc
from matcalc.names import GREEK

RTOL = 1e-8  # two closed forms are compared, not finite differences
NOTES_ATOL = 6e-5  # the notes print 4 decimals
SIZE_SETS = ({"n": 5, "m": 3, "p": 4, "k": 6}, {"n": 3, "m": 6, "p": 2, "k": 4})


class NotRead(Exception):
    """matcalc refused the text (or crashed on it)."""


# ---------------------------------------------------------------------------------------------
# Expected failures, keyed by case id, with the reason

PENDING: dict[str, str] = {
}

MISREAD: dict[str, str] = {
}

NOT_REFUSED: dict[str, str] = {
}

# ---------------------------------------------------------------------------------------------
# names and values


def spellings_of(name: str) -> set[str]:
    """The ways a text may write the reference's name: θ and theta, W_1 and W1, λ and lam, λ_2 and lam2."""
    names = {name} | {alias for alias, meant in ALIASES.items() if meant == name}
    match = re.fullmatch(r"([A-Za-z]+?)(\d+)", name)
    stems = {name}
    if match:
        base, digits = match.groups()
        stems = {base}
        names |= {f"{base}_{digits}", f"{base}_{{{digits}}}"}
        names |= {f"{alias}_{digits}" for alias, meant in ALIASES.items() if meant == base}
        if base in GREEK:
            names.add(f"{GREEK[base]}_{digits}")
    for stem in stems:
        if stem in GREEK:
            names.add(GREEK[stem])
    return names


def _dim(token: str, sizes: dict[str, int]) -> int:
    return sum(int(part) if part.isdigit() else sizes[part] for part in token.split("+"))


def sample(case_id: str, specs: dict[str, str], sizes: dict[str, int]) -> dict[str, object]:
    """Random values for the reference's names (vectors 1-D, scalars floats), honouring their properties."""
    rng = np.random.default_rng(zlib.crc32(f"{case_id} {sorted(sizes.items())}".encode()))
    env: dict[str, object] = {}
    for name, spec in specs.items():
        kind, *rest = spec.split()
        ndims = {"scalar": 0, "vector": 1, "matrix": 2}[kind]
        dims, props = tuple(_dim(t, sizes) for t in rest[:ndims]), rest[ndims:]
        if kind == "scalar":
            env[name] = float(rng.choice([-1.0, 1.0])) if "pm1" in props else float(rng.uniform(0.5, 2.0))
            continue
        if "positive" in props or "probability" in props:
            value = rng.uniform(0.5, 2.0, size=dims)
            if "probability" in props:
                value = value / value.sum()
        elif "labels01" in props:
            value = rng.integers(0, 2, size=dims).astype(float)
        elif "pm1" in props:
            value = rng.choice([-1.0, 1.0], size=dims)
        else:
            value = rng.normal(size=dims)
        if "symmetric" in props:
            value = (value + value.T) / 2
        if "spd" in props:
            value = value @ value.T + dims[0] * np.eye(dims[0])
        if "invertible" in props:
            value = value / np.sqrt(dims[0]) + 2 * np.eye(dims[0])
        env[name] = value
    return env


def fixed(point: dict) -> dict[str, object]:
    return {name: value if isinstance(value, float) else np.asarray(value, dtype=float) for name, value in point.items()}


def under_every_spelling(env: dict[str, object]) -> dict[str, object]:
    values = dict(CONSTANTS)
    for name, value in env.items():
        for spelled in spellings_of(name):
            values.setdefault(spelled, value)
    return values


_READ_NAME = re.compile(r"(?:^|, )([^\s:,;()]+): (scalar|vector|covector|matrix)\b")


def read_kinds(d) -> dict[str, str]:
    """The kind matcalc gave each name, from the assumptions line (before its notes)."""
    return dict(_READ_NAME.findall(d.assumptions.split("; ")[0]))


def kind_errors(specs: dict[str, str], got: dict[str, str]) -> list[str]:
    """Names the LaTeX text reads with another kind than the reference's, or that the reference does not have."""
    meaning = {spelled: name for name in specs for spelled in spellings_of(name)}
    errors = []
    for name, kind in got.items():
        if name in CONSTANTS:
            continue
        if name not in meaning:
            errors.append(f"{name} is not a name of the formula")
            continue
        meant = specs[meaning[name]].split()[0]
        if kind != meant:
            errors.append(f"{name} read as a {kind}, meant a {meant}")
    return errors


def _error_line(err: BaseException) -> str:
    text = getattr(err, "reason", None) or str(err)
    return f"{type(err).__name__}: {text.splitlines()[0] if text else ''}"


def _flat(value) -> np.ndarray:
    value = np.asarray(value, dtype=float)
    return value.reshape(-1) if value.ndim <= 2 and 1 in value.shape else value


def _agree(got, want, rtol: float = RTOL) -> float:
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape, f"shape {got.shape}, expected {want.shape}"
    scale = max(float(np.max(np.abs(want))) if want.size else 0.0, 1e-12)
    return float(np.max(np.abs(got - want))) / scale if want.size else 0.0


def _marks(case_id: str, refusal: bool = False) -> list:
    if case_id in PENDING:
        return [pytest.mark.xfail(strict=True, raises=NotRead, reason=PENDING[case_id])]
    if case_id in MISREAD:
        return [pytest.mark.xfail(strict=True, raises=AssertionError, reason=MISREAD[case_id])]
    if refusal and case_id in NOT_REFUSED:
        return [pytest.mark.xfail(strict=True, raises=AssertionError, reason=NOT_REFUSED[case_id])]
    return []


# ---------------------------------------------------------------------------------------------
# lecture formulas


def _derive(f: Formula, text: str, wrt: str, where: str | None, notation: str):
    if f.hessian:
        return mc.hessian(text, wrt, layout=f.layout, where=where, vec=f.vec, notation=notation)
    return mc.derive(text, wrt, layout=f.layout, where=where, vec=f.vec, notation=notation)


def run_formula(f: Formula) -> None:
    reference = _derive(f, f.reference, f.ref_wrt or f.wrt, f.ref_where if f.ref_where is not None else f.where, "auto")
    try:
        d = _derive(f, f.latex, f.wrt, f.where, f.notation)
    except Exception as err:  # noqa: BLE001 - every refusal (or crash) is "not read"
        raise NotRead(_error_line(err)) from err
    read = f"read as {d.f} [{d.assumptions}], derivative {d}"
    wrong = kind_errors(f.vars, read_kinds(d))
    assert not wrong, f"{read}: {'; '.join(wrong)}"
    assert d.kind == reference.kind, f"{read}: a {d.kind}, the reference's is a {reference.kind}"
    if f.point is not None:
        env = fixed(f.point)
        values = under_every_spelling(env)
        got, want = d.evaluate(values), reference.evaluate(values)
        assert _agree(_flat(got), _flat(want)) <= RTOL, f"{read}; the reference gives {reference}"
        expected = np.asarray(f.expected, dtype=float)
        assert np.allclose(_flat(got), _flat(expected), rtol=0, atol=NOTES_ATOL), (
            f"{read}: {np.round(_flat(got), 5).tolist()} at the notes' point, the notes print {expected.tolist()}")
        return
    for sizes in SIZE_SETS:
        values = under_every_spelling(sample(f.id, f.vars, sizes))
        try:
            got = d.evaluate(values)
        except mc.MatcalcError as err:
            raise AssertionError(f"{read}: cannot be evaluated: {_error_line(err)}") from err
        want = reference.evaluate(values)
        error = _agree(got, want)
        assert error <= RTOL, f"{read}; the reference {f.reference} gives {reference}: off by a relative {error:.3g} at {sizes}"


@pytest.mark.parametrize("formula", [pytest.param(f, id=f.id, marks=_marks(f"formula/{f.id}")) for f in FORMULAS])
def test_formula(formula: Formula) -> None:
    run_formula(formula)


@pytest.mark.parametrize("formula", [pytest.param(f, id=f.id) for f in FORMULAS if f.point is None and not f.hessian])
def test_formula_reference_is_right(formula: Formula) -> None:
    """The reference (NumPy notation) passes matcalc's finite-difference check: the LaTeX is compared with a right answer."""
    reference = mc.derive(formula.reference, formula.ref_wrt or formula.wrt, layout=formula.layout,
                          where=formula.ref_where if formula.ref_where is not None else formula.where, vec=formula.vec)
    report = reference.check()
    assert report.passed, str(report)


def test_formula_derivatives_read_back_from_their_latex() -> None:
    """The round trip on this corpus: every derivative's printed LaTeX, read back, is the same function."""
    from test_round_trip import _reads_back

    problems, tried = [], 0
    for number, formula in enumerate(FORMULAS):
        if formula.hessian:
            continue
        try:
            d = mc.derive(formula.latex, formula.wrt, layout=formula.layout, where=formula.where, vec=formula.vec)
        except mc.MatcalcError:
            continue
        tried += 1
        problem = _reads_back(d.expr, [d.f], number, mc.to_latex, "latex")
        if problem:
            problems.append(f"{formula.id}: {problem}")
    assert tried >= 60
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# values at the notes' numbers


def run_value(v: Value) -> None:
    values = under_every_spelling(fixed(v.point))
    try:
        got = mc.evaluate(v.latex, values, where=v.where)
    except Exception as err:  # noqa: BLE001
        raise NotRead(_error_line(err)) from err
    expected = np.asarray(v.expected, dtype=float)
    assert np.allclose(_flat(got), _flat(expected), rtol=0, atol=NOTES_ATOL), f"{v.latex} = {got}, the notes print {v.expected}"


@pytest.mark.parametrize("value", [pytest.param(v, id=v.id, marks=_marks(f"value/{v.id}")) for v in VALUES])
def test_value(value: Value) -> None:
    run_value(value)


# ---------------------------------------------------------------------------------------------
# textbook answers


def run_answer(a: Answer) -> None:
    try:
        v = mc.check_answer(a.question, a.wrt, a.answer, where=a.where, layout=a.layout, notation=a.notation)
    except Exception as err:  # noqa: BLE001
        raise NotRead(_error_line(err)) from err
    said = f"{v.diagnosis}: {v.message.splitlines()[0]} (correct: {v.derivative})"
    if a.expect == "correct":
        assert v.correct, f"the right answer {a.answer} judged {said}"
    elif a.expect == "wrong-any":
        assert not v.correct, f"the wrong answer {a.answer} judged {said}"
    else:
        expected = (a.expect,) if isinstance(a.expect, str) else a.expect
        assert not v.correct and v.diagnosis in expected, f"{a.answer}: expected {' or '.join(expected)}, judged {said}"


@pytest.mark.parametrize("answer", [pytest.param(a, id=a.id, marks=_marks(f"answer/{a.id}")) for a in ANSWERS])
def test_answer(answer: Answer) -> None:
    run_answer(answer)


def test_acceptance_example() -> None:
    """The issue's example, as written there."""
    verdict = mc.check_answer(r"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|_2^2", "w", r"X^\top (X\mathbf{w} - \mathbf{y})")
    assert verdict.correct, verdict.message
    assert str(mc.derive(r"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|_2^2", "w")) == "X.T @ (X @ w - y)"


def test_acceptance_example_on_the_command_line() -> None:
    text = r"\frac{1}{2}\|X\mathbf{w} - \mathbf{y}\|_2^2"
    run = [sys.executable, "-m", "matcalc"]
    derived = subprocess.run([*run, "derive", text, "wrt", "w", "--notation", "latex"], capture_output=True, text=True,
                             encoding="utf-8", timeout=60)
    assert derived.returncode == 0, derived.stderr
    assert derived.stdout.splitlines()[0] == "X.T @ (X @ w - y)"
    checked = subprocess.run([*run, "check", text, "wrt", "w", r"--answer=X^\top (X\mathbf{w} - \mathbf{y})"],
                             capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert "correct" in checked.stdout.splitlines()[0]


# ---------------------------------------------------------------------------------------------
# Hessians


def run_hessian(h: HessianCase) -> None:
    try:
        hess = mc.hessian(h.question, h.wrt, where=h.where)
        textbook = mc.parse(h.hessian, h.where, notation="latex")
    except Exception as err:  # noqa: BLE001
        raise NotRead(_error_line(err)) from err
    for sizes in SIZE_SETS:
        values = under_every_spelling(sample(h.id, h.vars, sizes))
        got = hess.evaluate(values)
        want = mc.evaluate(textbook, values)
        error = _agree(got, want)
        assert error <= RTOL, f"{h.question}: Hessian {hess}, the textbook's {textbook}: off by a relative {error:.3g} at {sizes}"


@pytest.mark.parametrize("case", [pytest.param(h, id=h.id, marks=_marks(f"hessian/{h.id}")) for h in HESSIANS])
def test_hessian(case: HessianCase) -> None:
    run_hessian(case)


# ---------------------------------------------------------------------------------------------
# refusals


def run_refusal(r: Refusal, notation: str) -> None:
    try:
        if r.answer_to is not None:
            question, wrt = r.answer_to
            mc.check_answer(question, wrt, r.text, where=r.where, notation=notation)
        else:
            mc.derive(r.text, r.wrt, where=r.where, notation=notation)
    except mc.MatcalcError as err:
        message = getattr(err, "reason", None) or str(err)  # the message without the echoed input
        assert re.search(r.keyword, message, re.IGNORECASE), f"refused, but the message does not name the problem: {message}"
        return
    except Exception as err:  # noqa: BLE001 - anything but a MatcalcError is a bug
        raise AssertionError(f"crashed instead of refusing: {type(err).__name__}: {err}") from err
    raise AssertionError(f"{r.text!r} is not refused ({r.why})")


def _refusal_cases():
    for r in REFUSALS:
        for notation in r.notations:
            case_id = f"refusal/{r.id}/{notation}"
            yield pytest.param(r, notation, id=f"{r.id}/{notation}", marks=_marks(case_id, refusal=True))


@pytest.mark.parametrize(("refusal", "notation"), list(_refusal_cases()))
def test_refusal(refusal: Refusal, notation: str) -> None:
    run_refusal(refusal, notation)


# ---------------------------------------------------------------------------------------------
# the corpus itself


def _ids() -> list[str]:
    ids = [f"formula/{f.id}" for f in FORMULAS] + [f"value/{v.id}" for v in VALUES]
    ids += [f"answer/{a.id}" for a in ANSWERS] + [f"hessian/{h.id}" for h in HESSIANS]
    ids += [f"refusal/{r.id}/{n}" for r in REFUSALS for n in r.notations]
    return ids


def test_corpus_shape() -> None:
    ids = _ids()
    assert len(ids) == len(set(ids))
    assert len(FORMULAS) >= 50 and len(ANSWERS) >= 60 and len(REFUSALS) >= 15
    for f in FORMULAS:
        assert f.source and (f.notation == "latex" or "\\" in f.latex or "$" in f.latex), f.id
        assert set(f.vars) >= {f.ref_wrt or f.wrt} or f.wrt in {s for n in f.vars for s in spellings_of(n)}, f.id
    for a in ANSWERS:
        assert a.source and ("\\" in a.question + a.answer or "$" in a.question + a.answer or a.notation == "latex"), a.id
    for r in REFUSALS:
        assert r.notations == ("latex",) or "\\" in r.text or "$" in r.text, r.id
    assert any(a.expect != "correct" for a in ANSWERS)
    assert any("\\" not in a.question for a in ANSWERS) and any("\\" not in a.answer for a in ANSWERS)


def test_expected_failures_name_cases() -> None:
    ids = set(_ids())
    for table in (PENDING, MISREAD, NOT_REFUSED):
        assert not set(table) - ids, sorted(set(table) - ids)
    assert not set(PENDING) & set(MISREAD)
