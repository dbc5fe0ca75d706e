"""The spelling corpus (spelling_corpus.py), judged against its NumPy oracles.

One test case per (problem, spelling): matcalc derives the spelling with respect to the problem's
variable, the closed form is evaluated at a random point honouring the problem's sizes and
properties, and it is compared with central finite differences of the problem's oracle at the same
point (taken along symmetric directions for a symmetric or SPD variable, whose gradient is the
one in the space of symmetric matrices).

Each LaTeX spelling (``latex-…``) that is read is read once more with ``notation="latex"``, which must
give the same expression and derivative as recognising its commands.

Cases that fail today are listed below and marked as strict expected failures, so that a case that
starts passing is reported (and its entry then removed):

- ``PENDING``: the spelling is not read — ``mc.derive`` raises.
- ``NEEDS_NOTATION``: ``*`` between two non-scalars with no other marker (``A*x + b``) must be refused as
  ambiguous without a notation, and read as meant with the notation the author uses (``matlab``).
- ``MISREAD``: the spelling is read, but as another function — a name is read with another kind
  than the problem gives it (a scalar as a vector, a matrix as a scalar) or is not a name of the
  problem, the expression read has another shape than the oracle's value, or the derivative's
  shape or value disagrees with the oracle's.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest
from spelling_corpus import ALIASES, CONSTANTS, PROBLEMS, Problem, Spelling, plain_text, spelled_wrt

import matcalc as mc

RTOL = 1e-5
STEP = 1e-6


class NotRead(Exception):
    """mc.derive refused the spelling (or crashed on it)."""


# ---------------------------------------------------------------------------------------------
# Expected failures, keyed by case id. The reason is the error (PENDING) or the mismatch (MISREAD).

PENDING: dict[str, str] = {
    # unknown NumPy / MATLAB function
    # a dotted module path (scipy.special.…) is not read
    # 1-D NumPy semantics (v @ A, v @ v, v.dot(A)) not read
    # a function applied without brackets (log|X|, det X, log σ(z), log p)
    # MATLAB blocks separated by spaces ([A B])
    # subscripted names (W₁, λ₂) in wrt / where
    # np.linalg.slogdet
    # a computed exponent ^(-n/2) / ^{-n/2}
    # MATLAB colon indexing X(:)
    "frob-sq/matlab-colon": "ParseError: unexpected ':'",
    # LaTeX: a \sum inside a \sum (the mean inside the variance)
    "variance/latex-sums": "ParseError: \\sum is not supported in LaTeX input (a \\sum_j inside a \\sum_i)",
    # crash (not a MatcalcError)
    # a name that is a scalar by meaning (σ, λ, n, pi, np.pi, y) is not read as one, and the shapes then clash
}

# '*' between two non-scalars with no other marker is refused as ambiguous (matrix or element-wise product?):
# each case must be refused without a notation, and read as meant with the notation its author uses
NEEDS_NOTATION: dict[str, str] = {
    "jacobi-formula/matlab-implicit": "matlab",
    "lse-affine/matlab": "matlab",
    "log-barrier/matlab": "matlab",
    "diag-trace/matlab": "matlab",
    "trace-AXB/matlab": "matlab",
    "trace-XinvA/matlab": "matlab",
    "trace-AXinvB/matlab": "matlab",
    "trace-AXinvB/matlab-slash": "matlab",
    "trace-X2/matlab-star": "matlab",
    "norm-affine/matlab": "matlab",
    "l1-regression/matlab": "matlab",
    "l1-regression/matlab-sum": "matlab",
    "affine-jac/matlab": "matlab",
    "solve-jac/matlab-inv": "matlab",
    "square-jac/plain-star": "numpy",
    "tanh-layer/matlab": "matlab",
    "tanh-layer-b/matlab": "matlab",
    "relu-layer/matlab": "matlab",
    "log-cosh/matlab": "matlab",
    "graphical-lasso-smooth/matlab": "matlab",
}

MISREAD: dict[str, str] = {
    # ⋅ (U+22C5, dot operator) between vectors is read as the element-wise product; · (U+00B7) is the dot product
    # a glued product split for wrt keeps the superscript transpose on the whole product
    # MATLAB's sum of a matrix gives the column sums
    "col-sum/matlab": (
        "sum(sum(X).^2) read as sum(X)**2, the squared total (with a note; notation='matlab' reads the column sums); "
        "meant MATLAB's column sums, Σⱼ(Σᵢ Xᵢⱼ)² = ‖Xᵀ1‖²"
    ),
    # a name stacked under a block of a product: its length follows the other block's partition
    # the implicit-scalar rule applied to a name that is not only a scale factor
    # a scalar by meaning read as a vector or matrix: the function becomes vector- or matrix-valued
    "block-intercept/numpy-implicit": "X @ w + b read with b: vector(n); meant the scalar intercept b (NumPy broadcasting)",
    "logreg-single/math-implicit": "log(1 + exp(-y w^T x)) read as -(y @ w.T @ x) with y: vector(n); meant the scalar label y",
    "logreg-single/matlab-implicit": "log(1 + exp(-y*w'*x)) read as -y @ w.T @ x with y: vector(n); meant the scalar label y",
    "pseudo-huber/numpy-implicit": "delta**2 * … / delta read with delta: vector(n); meant δ a scalar",
    "logreg-single/latex-implicit": (
        "\\ln(1 + e^{-y\\,\\mathbf{w}^\\top\\mathbf{x}}) read as log(1 + exp(-(y @ w.T @ x))) with y: vector(n); "
        "meant the scalar label y (as logreg-single/math-implicit)"
    ),
}

# ---------------------------------------------------------------------------------------------


def _parse_spec(problem: Problem, spec: str):
    words = spec.split()
    kind, rest = words[0], words[1:]
    ndims = {"scalar": 0, "vector": 1, "matrix": 2}[kind]
    dims = tuple(problem.sizes[w] for w in rest[:ndims])
    return kind, dims, rest[ndims:]


def sample(problem: Problem) -> dict:
    """Deterministic random values for the problem's variables (vectors 1-D, scalars floats)."""
    rng = np.random.default_rng(zlib.crc32(problem.id.encode()))
    env = {}
    for name, spec in problem.vars.items():
        kind, dims, props = _parse_spec(problem, spec)
        fixed = [p for p in props if p.startswith("=")]
        if fixed:
            env[name] = float(fixed[0][1:])
            continue
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
    if problem.adjust is not None:
        problem.adjust(env, rng)
    return env


def is_symmetric_variable(problem: Problem, name: str) -> bool:
    _, _, props = _parse_spec(problem, problem.vars[name])
    return "symmetric" in props or "spd" in props


def finite_differences(problem: Problem, env: dict, name: str) -> np.ndarray:
    """Central differences of the oracle, entry by entry; axes: the output's, then the variable's.

    For a symmetric variable, entries (i, j) and (j, i) move together and the directional derivative
    is split between them, which gives sym(G) = (G + Gᵀ)/2 of the unconstrained gradient G.
    """
    x0 = np.asarray(env[name], dtype=float)
    scalar = x0.ndim == 0
    symmetric = is_symmetric_variable(problem, name)
    f0 = np.asarray(problem.oracle(env), dtype=float)
    grad = np.zeros(f0.shape + x0.shape)

    def at(x):
        moved = dict(env)
        moved[name] = float(x) if scalar else x
        return np.asarray(problem.oracle(moved), dtype=float)

    for idx in np.ndindex(x0.shape):
        if symmetric and idx[0] > idx[1]:
            continue
        direction = np.zeros_like(x0)
        direction[idx] = 1.0
        offdiagonal = symmetric and idx[0] != idx[1]
        if offdiagonal:
            direction[idx[::-1]] = 1.0
        h = STEP * max(1.0, abs(float(x0[idx])))
        slope = (at(x0 + h * direction) - at(x0 - h * direction)) / (2 * h)
        if offdiagonal:
            grad[(...,) + idx] = slope / 2
            grad[(...,) + idx[::-1]] = slope / 2
        else:
            grad[(...,) + idx] = slope
    return grad


def values_for(problem: Problem, env: dict) -> dict:
    """The point under every name a spelling may use: the variables, their aliases, the constants."""
    values = dict(CONSTANTS)
    values.update(env)
    for alias, name in ALIASES.items():
        if name in env and alias not in problem.vars:
            values[alias] = env[name]
    return values


_READ_NAME = re.compile(r"(?:^|, )([^\s:,;()]+): (scalar|vector|covector|matrix)\b")


def read_kinds(d) -> dict[str, str]:
    """The kind matcalc gave each name, from the assumptions line (before its notes)."""
    return dict(_READ_NAME.findall(d.assumptions.split("; ")[0]))


def kind_errors(problem: Problem, d) -> list[str]:
    """Names read with another kind than the problem gives them, or names the problem does not have."""
    errors = []
    for name, kind in read_kinds(d).items():
        if name in CONSTANTS:
            meant = "scalar"
        elif ALIASES.get(name, name) in problem.vars:
            meant = problem.vars[ALIASES.get(name, name)].split()[0]
        else:
            errors.append(f"{name} is not a name of the problem")
            continue
        if kind != meant:
            errors.append(f"{name} read as a {kind}, meant a {meant}")
    return errors


def _read_shape_ok(d, oracle_shape: tuple) -> bool:
    rows, cols = (str(dim) for dim in d.f.shape)
    if oracle_shape == ():
        return rows == "1" and cols == "1"
    return len(oracle_shape) == 1 and cols == "1" and rows != "1"


def _as_oracle_shape(got, shape: tuple) -> np.ndarray:
    got = np.asarray(got, dtype=float)
    if got.shape == shape:
        return got
    if got.ndim == 2 and got.shape[1] == 1 and shape == (got.shape[0],):
        return got[:, 0]
    if got.shape == (1, 1) and shape == ():
        return got.reshape(())
    return got


def _error_line(err: BaseException) -> str:
    text = getattr(err, "reason", None) or str(err)
    return f"{type(err).__name__}: {text.splitlines()[0] if text else ''}"


def run_case(problem: Problem, spelling: Spelling) -> None:
    wrt = spelled_wrt(problem, spelling)
    where = problem.where if spelling.where is None else spelling.where
    notation = NEEDS_NOTATION.get(f"{problem.id}/{spelling.label}", "auto")
    if notation != "auto":
        with pytest.raises(mc.ParseError, match="ambiguous"):
            mc.derive(spelling.text, wrt=wrt, where=where or None)
    try:
        d = mc.derive(spelling.text, wrt=wrt, where=where or None, notation=notation)
    except Exception as err:  # noqa: BLE001 - every refusal (or crash) is "not read"
        raise NotRead(_error_line(err)) from err

    env = sample(problem)
    expected = finite_differences(problem, env, problem.wrt)
    assert np.all(np.isfinite(expected)), f"oracle not finite at the sample point of {problem.id}"
    read = f"read as {d.f} [{d.assumptions}]"
    wrong_kinds = kind_errors(problem, d)
    assert not wrong_kinds, f"{read}: {'; '.join(wrong_kinds)}"
    f_shape = np.shape(problem.oracle(env))
    assert _read_shape_ok(d, f_shape), f"{read}: the expression has shape {d.f.shape}, the oracle's value {f_shape}"
    try:
        got = d.evaluate(values_for(problem, env))
    except mc.MatcalcError as err:
        raise AssertionError(f"{read}; its derivative {d} cannot be evaluated: {_error_line(err)}") from err
    got = _as_oracle_shape(got, expected.shape)
    assert got.shape == expected.shape, f"{read}; derivative {d} has shape {got.shape}, the oracle's is {expected.shape}"
    scale = max(float(np.max(np.abs(expected))) if expected.size else 0.0, 1e-12)
    error = float(np.max(np.abs(got - expected))) / scale if expected.size else 0.0
    assert error <= RTOL, f"{read}; derivative {d} is off by a relative {error:.3g}"


def _cases():
    for problem in PROBLEMS:
        for spelling in problem.spellings:
            case_id = f"{problem.id}/{spelling.label}"
            marks = []
            if case_id in PENDING:
                marks.append(pytest.mark.xfail(strict=True, raises=NotRead, reason=PENDING[case_id]))
            elif case_id in MISREAD:
                marks.append(pytest.mark.xfail(strict=True, raises=AssertionError, reason=MISREAD[case_id]))
            yield pytest.param(problem, spelling, id=case_id, marks=marks)


CASES = list(_cases())
CASE_IDS = [case.id for case in CASES]


@pytest.mark.parametrize(("problem", "spelling"), CASES)
def test_spelling(problem: Problem, spelling: Spelling) -> None:
    run_case(problem, spelling)


LATEX_CASES = [case for case in CASES if case.id.split("/")[1].startswith("latex") and not case.marks]


@pytest.mark.parametrize(("problem", "spelling"), LATEX_CASES)
def test_latex_spelling_with_explicit_notation(problem: Problem, spelling: Spelling) -> None:
    """A LaTeX spelling reads the same with notation='latex' as when its commands are recognised."""
    wrt = spelled_wrt(problem, spelling)
    where = (problem.where if spelling.where is None else spelling.where) or None
    recognised = mc.derive(spelling.text, wrt=wrt, where=where)
    explicit = mc.derive(spelling.text, wrt=wrt, where=where, notation="latex")
    assert (str(explicit.f), str(explicit)) == (str(recognised.f), str(recognised))


def test_corpus_shape() -> None:
    assert len(PROBLEMS) >= 60
    assert len({p.id for p in PROBLEMS}) == len(PROBLEMS)
    assert len(set(CASE_IDS)) == len(CASE_IDS)
    for problem in PROBLEMS:
        assert problem.wrt in problem.vars, problem.id
        assert problem.source, problem.id
        spelled = {problem.wrt} | {alias for alias, name in ALIASES.items() if name == problem.wrt}
        for spelling in problem.spellings:
            assert ALIASES.get(spelled_wrt(problem, spelling), spelled_wrt(problem, spelling)) == problem.wrt
            assert any(name in plain_text(spelling.text) for name in spelled), f"{problem.id}/{spelling.label}"


def test_expected_failures_name_cases() -> None:
    ids = set(CASE_IDS)
    assert not set(PENDING) - ids, sorted(set(PENDING) - ids)
    assert not set(MISREAD) - ids, sorted(set(MISREAD) - ids)
    assert not set(PENDING) & set(MISREAD)
    assert not set(NEEDS_NOTATION) - ids, sorted(set(NEEDS_NOTATION) - ids)
