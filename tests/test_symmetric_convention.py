"""The convention for the gradient w.r.t. a symmetric matrix (issue 19): matcalc's sym(G) = (G + Gᵀ)/2, or the
Matrix Cookbook's G + Gᵀ − G∘I (Petersen & Pedersen, 2012, §2.8, eqs. 138–141), as a course setting, a
keyword, a command-line option and a diagnosis (``other-convention``).

The closed forms the tests expect are verified here first, numerically, on the symmetric parametrisation:
the Cookbook's entry (i, j) is ∂f/∂X_ij with X_ij and X_ji moved together, and sym(G) halves its
off-diagonal entries."""

from __future__ import annotations

import numpy as np
import pytest

import matcalc as mc
from matcalc import cli
from matcalc.course import Course, find_course
from matcalc.gradebook import grade_rows, read_answers
from matcalc.grading import DIAGNOSES, grade_answers

RNG = np.random.default_rng(19)


def _symmetric(n: int) -> np.ndarray:
    a = RNG.standard_normal((n, n))
    return a + a.T


def _spd(n: int) -> np.ndarray:
    a = RNG.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def _inv(x):
    return np.linalg.inv(x)


def _dg(m):
    return np.diag(np.diag(m))


# (expr, where, answer in sym(G), answer in the Cookbook's convention, f(X, names), Cookbook's closed form, names)
# with n = 3 for X and m = 5 for the other dimension (distinct sizes where the problem has two)
PROBLEMS = [
    ("log(det(X))", "X: spd", "inv(X)", "2*inv(X) - diag(diag(inv(X)))",  # Cookbook eq. 141
     lambda X, v: np.linalg.slogdet(X)[1], lambda X, v: 2 * _inv(X) - _dg(_inv(X)), {}),
    ("det(X)", "X: spd", "det(X)*inv(X)", "det(X)*(2*inv(X) - diag(diag(inv(X))))",  # eq. 140
     lambda X, v: np.linalg.det(X), lambda X, v: np.linalg.det(X) * (2 * _inv(X) - _dg(_inv(X))), {}),
    ("trace(A@X)", "X: symmetric", "(A + A.T)/2", "A + A.T - diag(diag(A))",  # eq. 139
     lambda X, v: np.trace(v["A"] @ X), lambda X, v: v["A"] + v["A"].T - _dg(v["A"]), {"A": (3, 3)}),
    ("a.T@X@b", "X: symmetric", "(a@b.T + b@a.T)/2", "a@b.T + b@a.T - diag(a*b)",
     lambda X, v: (v["a"].T @ X @ v["b"]).item(),
     lambda X, v: v["a"] @ v["b"].T + v["b"] @ v["a"].T - np.diag((v["a"] * v["b"]).ravel()),
     {"a": (3, 1), "b": (3, 1)}),
    ("trace(X.T@A@X)", "X: symmetric", "((A + A.T)@X + X@(A + A.T))/2",
     "(A + A.T)@X + X@(A + A.T) - diag(diag((A + A.T)@X))",
     lambda X, v: np.trace(X.T @ v["A"] @ X),
     lambda X, v: (v["A"] + v["A"].T) @ X + X @ (v["A"] + v["A"].T) - _dg((v["A"] + v["A"].T) @ X), {"A": (3, 3)}),
    ("trace(B.T@X@B)", "X: symmetric; B: matrix(n, m)", "B@B.T", "2*B@B.T - diag(diag(B@B.T))",
     lambda X, v: np.trace(v["B"].T @ X @ v["B"]), lambda X, v: 2 * v["B"] @ v["B"].T - _dg(v["B"] @ v["B"].T),
     {"B": (3, 5)}),
]
IDS = [p[0] for p in PROBLEMS]


def _entry_derivatives(f, X: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """∂f/∂X_ij on the symmetric parametrisation: X_ij and X_ji moved together (central differences)."""
    n = X.shape[0]
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            E = np.zeros((n, n))
            E[i, j] = E[j, i] = 1.0
            out[i, j] = out[j, i] = (f(X + h * E) - f(X - h * E)) / (2 * h)
    return out


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_the_expected_closed_forms_are_the_cookbooks_partial_derivatives(problem):
    expr, where, _, _, f, cookbook, shapes = problem
    X = _spd(3) if "spd" in where else _symmetric(3)
    values = {name: RNG.standard_normal(shape) for name, shape in shapes.items()}
    numeric = _entry_derivatives(lambda Y: f(Y, values), X)
    C = cookbook(X, values)
    assert np.allclose(numeric, C, rtol=1e-5, atol=1e-6)
    S = (C + _dg(C)) / 2  # sym(G): the off-diagonal partial derivatives halved
    V = _symmetric(3)  # and sym(G) is the gradient: its inner product with a symmetric direction is the change of f
    change = (f(X + 1e-6 * V, values) - f(X - 1e-6 * V, values)) / 2e-6
    assert np.sum(S * V) == pytest.approx(change, rel=1e-5)
    # matcalc's closed forms, in each convention, have these values
    named = {"X": X, **{k: v.ravel() if v.shape[1] == 1 else v for k, v in values.items()}}
    for symmetric, want in (("sym", S), ("cookbook", C)):
        d = mc.derive(expr, "X", where=where, symmetric=symmetric)
        assert np.allclose(d.evaluate(named), want, rtol=1e-8, atol=1e-10), (symmetric, str(d))
        assert d.check().passed


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_each_convention_accepts_its_answer_and_diagnoses_the_other(problem):
    expr, where, sym_answer, cookbook_answer = problem[:4]
    right = mc.check_answer(expr, "X", sym_answer, where=where)
    assert right.correct and "sym(G) = (G + Gᵀ)/2" in str(right)
    v = mc.check_answer(expr, "X", cookbook_answer, where=where)
    assert not v.correct and v.diagnosis == "other-convention", str(v)
    assert v.message.startswith("correct in the Matrix Cookbook's convention G + Gᵀ − G∘I for a symmetric X")
    assert "but the convention sym(G) = (G + Gᵀ)/2 was asked" in v.message
    right = mc.check_answer(expr, "X", cookbook_answer, where=where, symmetric="cookbook")
    assert right.correct, str(right)
    assert "\n  symmetric: G + Gᵀ − G∘I, the Matrix Cookbook's (§2.8)" in str(right)
    v = mc.check_answer(expr, "X", sym_answer, where=where, symmetric="cookbook")
    assert not v.correct and v.diagnosis == "other-convention", str(v)
    assert v.message.startswith("correct in the convention sym(G) = (G + Gᵀ)/2 for a symmetric X, but the Matrix "
                                "Cookbook's convention G + Gᵀ − G∘I was asked: in it the derivative is ")


@pytest.mark.parametrize("expr, where, answer", [
    ("log(det(X))", "X: spd", "2*inv(X)"),  # twice sym(G): the diagonal is wrong in the Cookbook's convention
    ("log(det(X))", "X: spd", "inv(X) - diag(diag(inv(X)))"),
    ("log(det(X))", "X: spd", "0.5*inv(X)"),
    ("trace(A@X)", "X: symmetric", "A + A.T"),
    ("trace(A@X)", "X: symmetric", "A"),
    ("a.T@X@b", "X: symmetric", "a@b.T + b@a.T"),
    ("trace(B.T@X@B)", "X: symmetric; B: matrix(n, m)", "B@B.T - diag(diag(B@B.T))"),
])
@pytest.mark.parametrize("symmetric", ["sym", "cookbook"])
def test_wrong_answers_stay_wrong_in_both_conventions(expr, where, answer, symmetric):
    v = mc.check_answer(expr, "X", answer, where=where, symmetric=symmetric)
    assert not v.correct and v.diagnosis != "other-convention", str(v)


@pytest.mark.parametrize("symmetric", ["sym", "cookbook"])
def test_where_the_conventions_agree_the_answer_is_plainly_correct(symmetric):
    # a diagonal gradient: sym(G) = G + Gᵀ − G∘I, so both conventions write the same matrix
    v = mc.check_answer("trace(D@X)", "X", "D", where="X: symmetric; D: diagonal", symmetric=symmetric)
    assert v.correct and v.diagnosis == "correct", str(v)
    assert mc.check_answer("trace(D@X)", "X", "2*D", where="X: symmetric; D: diagonal",
                           symmetric=symmetric).diagnosis == "factor"


def test_the_convention_touches_only_gradients_wrt_a_symmetric_matrix():
    hessian = str(mc.hessian("trace(X.T@A@X)", "X", where="X: symmetric"))
    for symmetric in ("sym", "cookbook"):
        v = mc.check_answer("log(det(X))", "X", "inv(X).T", symmetric=symmetric)  # X not declared symmetric
        assert v.correct and "\n  symmetric:" not in str(v)
        assert mc.check_answer("x.T@A@x", "x", "(A + A.T)@x", symmetric=symmetric).correct
        assert mc.check_answer("trace(X.T@A@X)", "X", hessian, where="X: symmetric", order=2,
                               symmetric=symmetric).correct  # a Hessian has no such convention
    assert str(mc.check_answer("x.T@A@x", "x", "2*A@x")).count("\n  symmetric:") == 0
    with pytest.raises(mc.MatcalcError, match=r"symmetric must be one of sym, cookbook \(.*\), not 'both'"):
        mc.check_answer("log(det(X))", "X", "inv(X)", where="X: spd", symmetric="both")
    with pytest.raises(mc.MatcalcError, match="symmetric must be one of sym, cookbook"):
        mc.derive("log(det(X))", "X", where="X: spd", symmetric="Cookbook")


def test_the_diagnosis_is_in_the_summary_order_next_to_other_layout():
    assert DIAGNOSES.index("other-convention") == DIAGNOSES.index("other-layout") + 1


def test_derive_in_either_convention_and_arranging_from_one_to_the_other():
    d = mc.derive("log(det(X))", "X", where="X: spd", symmetric="cookbook")
    assert str(d) == "2 * inv(X) - diag(diag(inv(X)))" and d.symmetric == "cookbook"
    assert "cookbook-gradient" in [s.rule for s in d.steps]
    assert "  symmetric: G + Gᵀ − G∘I, the Matrix Cookbook's (§2.8)" in d.describe()
    back = d.in_layout("mixed", symmetric="sym")
    assert str(back) == "inv(X)" and "  symmetric: sym(G) = (G + Gᵀ)/2" in back.describe()
    assert d.in_layout("numerator").symmetric == "cookbook"
    assert "symmetric:" not in mc.derive("log(det(X))", "X", symmetric="cookbook").describe()  # not symmetric: no line


def test_a_question_is_derived_once_whatever_the_convention(monkeypatch):
    from matcalc import derivative

    calls = []
    original = derivative._arranged
    monkeypatch.setattr(derivative, "_arranged", lambda *a: calls.append(a) or original(*a))
    key = ("log(det(Y)) + trace(A@Y)", "Y", "Y: spd", None, "col", 0, "auto", 1, "cookbook")
    answers = ["2*inv(Y) - diag(diag(inv(Y))) + A + A.T - diag(diag(A))", "inv(Y) + (A + A.T)/2", "2*inv(Y)",
               "inv(Y) + (A + A.T)/2"]
    verdicts = grade_answers([(key, a) for a in answers])
    assert [v.diagnosis for v in verdicts] == ["correct", "other-convention", "wrong", "other-convention"]
    assert len(calls) == 1  # one derivation, in the course's convention; the other's values come from its values


# ---------------------------------------------------------------- the course setting


def test_course_files_set_the_convention(tmp_path):
    (tmp_path / "matcalc.toml").write_text('symmetric = "cookbook"\n', encoding="utf-8")
    course = find_course(tmp_path)
    assert course.symmetric == "cookbook" and course.layout is None
    assert course.describe().startswith("layout any, vec col, symmetric cookbook (from ")
    assert course.describe(leave_out=["layout", "symmetric"]).startswith("vec col (from ")
    assert course.check_answer("log(det(X))", "X", "2*inv(X) - diag(diag(inv(X)))", where="X: spd").correct
    assert course.check_answer("log(det(X))", "X", "inv(X)", where="X: spd").diagnosis == "other-convention"
    assert course.check_answer("log(det(X))", "X", "inv(X)", where="X: spd", symmetric="sym").correct  # a keyword wins
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.matcalc]\nlayout = "mixed"\nsymmetric = "sym"\n', encoding="utf-8")
    course = find_course(project)
    assert (course.layout, course.symmetric) == ("mixed", "sym") and "[tool.matcalc]" in course.source
    assert Course().symmetric == "sym"


@pytest.mark.parametrize("text, message", [
    ('symmetric = "both"\n', "symmetric must be one of sym, cookbook (sym(G) = (G + Gᵀ)/2, or the Matrix Cookbook's"),
    ("symmetric = 2\n", "symmetric must be one of sym, cookbook"),
    ('symetric = "sym"\n', "unknown setting symetric; the settings are layout, vec, symmetric"),
])
def test_bad_convention_settings_name_the_file(tmp_path, text, message):
    (tmp_path / "matcalc.toml").write_text(text, encoding="utf-8")
    with pytest.raises(mc.MatcalcError, match="matcalc.toml") as err:
        find_course(tmp_path)
    assert message in str(err.value)
    with pytest.raises(mc.MatcalcError, match="symmetric must be one of"):
        Course(symmetric="Cookbook")


# ---------------------------------------------------------------- the command line


LOGDET = ["check", "log(det(X))", "wrt", "X", "--where", "X: spd"]
COOKBOOK_ANSWER = ["--answer", "2*inv(X) - diag(diag(inv(X)))"]


def test_check_takes_the_convention_from_the_option_or_the_course(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main([*LOGDET, *COOKBOOK_ANSWER]) == 3
    out = capsys.readouterr().out
    assert out.startswith("correct in the Matrix Cookbook's convention") and "course:" not in out
    assert "  symmetric: sym(G) = (G + Gᵀ)/2, G the gradient as if X were not symmetric\n" in out
    assert cli.main([*LOGDET, *COOKBOOK_ANSWER, "--symmetric", "cookbook"]) == 0
    with pytest.raises(SystemExit) as bad:
        cli.main([*LOGDET, *COOKBOOK_ANSWER, "--symmetric", "both"])
    assert bad.value.code == 2  # bad usage: not one of the choices
    capsys.readouterr()
    (tmp_path / "matcalc.toml").write_text('symmetric = "cookbook"\n', encoding="utf-8")
    assert cli.main([*LOGDET, *COOKBOOK_ANSWER]) == 0
    assert "  course:  layout any, vec col, symmetric cookbook (from " in capsys.readouterr().out
    assert cli.main([*LOGDET, *COOKBOOK_ANSWER, "--symmetric", "sym"]) == 3  # the option wins
    out = capsys.readouterr().out
    assert "other-convention" not in out and "  course:  layout any, vec col (from " in out
    assert cli.main(["check", "det(X)", "wrt", "X", "--answer", "det(X) inv(X).T"]) == 0
    assert "  course:  layout any, vec col (from " in capsys.readouterr().out  # X not symmetric: not mentioned


def test_derive_takes_the_convention(capsys):
    assert cli.main(["derive", "log(det(X))", "wrt", "X", "--where", "X: spd", "--symmetric", "cookbook",
                     "--check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 * inv(X) - diag(diag(inv(X)))\n") and "check: PASS" in out
    assert "  symmetric: G + Gᵀ − G∘I, the Matrix Cookbook's (§2.8)" in out


def _answers(tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text("id,expression,wrt,answer,where\n"
                       "a,log(det(X)),X,2*inv(X) - diag(diag(inv(X))),X: spd\n"
                       "b,log(det(X)),X,inv(X),X: spd\n"
                       "c,trace(A@X),X,A + A.T - diag(diag(A)),X: symmetric\n"
                       "d,trace(A@X),X,A + A.T,X: symmetric\n"
                       "e,det(X),X,det(X) inv(X).T,\n", encoding="utf-8")
    return answers


def test_grade_rows_in_the_course_convention(tmp_path):
    rows = read_answers(str(_answers(tmp_path)))
    cookbook = [r["diagnosis"] for r in grade_rows(rows, course=Course(symmetric="cookbook"))]
    assert cookbook == ["correct", "other-convention", "correct", "wrong", "correct"]
    plain = [r["diagnosis"] for r in grade_rows(rows)]
    assert plain == ["other-convention", "correct", "other-convention", "factor", "correct"]


def test_grade_with_a_course_file_and_the_option(tmp_path, capsys):
    answers = _answers(tmp_path)
    (tmp_path / "matcalc.toml").write_text('symmetric = "cookbook"\n', encoding="utf-8")
    assert cli.main(["grade", str(answers), "-o", str(tmp_path / "r.csv"), "-j", "1"]) == 0
    report = (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()[1:]
    rows = {line.split(",")[0]: line for line in report}
    assert ",yes,correct," in rows["a"] and ",no,other-convention," in rows["b"] and ",no,wrong," in rows["d"]
    assert "Matrix Cookbook's convention G + Gᵀ − G∘I was asked" in rows["b"]
    assert "course: layout any, vec col, symmetric cookbook (from " in capsys.readouterr().err
    assert cli.main(["grade", str(answers), "-o", str(tmp_path / "r.csv"), "-j", "1", "--symmetric", "sym"]) == 0
    report = (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()[1:]
    rows = {line.split(",")[0]: line for line in report}
    assert ",no,other-convention," in rows["a"] and ",yes,correct," in rows["b"]
    err = capsys.readouterr().err
    assert "course: layout any, vec col (from " in err and "symmetric cookbook" not in err


def test_the_verdict_shows_its_convention_in_jupyter():
    v = mc.check_answer("log(det(X))", "X", "2*inv(X) - diag(diag(inv(X)))", where="X: spd", symmetric="cookbook")
    bundle = v._repr_mimebundle_()
    assert "G + Gᵀ − G∘I" in bundle["text/plain"] and "G + Gᵀ − G∘I" in bundle["text/markdown"]
    d = mc.derive("log(det(X))", "X", where="X: spd", symmetric="cookbook")
    assert "G + Gᵀ − G∘I" in d._repr_mimebundle_()["text/markdown"]
