"""Course settings (matcalc/course.py): a teacher fixes the layout and vec order once, in matcalc.toml or
[tool.matcalc] of pyproject.toml; check and grade apply them, and say so; an explicit setting wins."""

from __future__ import annotations

import pytest

import matcalc as mc
from matcalc import cli
from matcalc.course import Course, find_course

MISSING_TRANSPOSE = ("det(X)", "X", "det(X) inv(X)")  # ∂det(X)/∂X = det(X) X⁻ᵀ: the classic slip


def test_without_a_course_any_layout_is_accepted(tmp_path):
    assert find_course(tmp_path) == Course()
    assert mc.check_answer(*MISSING_TRANSPOSE).correct  # as numerator layout


def test_a_course_file_fixes_the_layout(tmp_path, monkeypatch, capsys):
    (tmp_path / "matcalc.toml").write_text('layout = "mixed"\nvec = "col"\n', encoding="utf-8")
    course = find_course(tmp_path / "sub" / "dir")  # found from below, too
    assert course.layout == "mixed" and course.source.endswith("matcalc.toml")
    v = course.check_answer(*MISSING_TRANSPOSE)
    assert not v.correct and v.diagnosis == "other-layout"
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "det(X)", "wrt", "X", "--answer", "det(X) inv(X)"]) == 3
    out = capsys.readouterr().out
    assert "but mixed was asked" in out and "course:  layout mixed, vec col (from" in out
    assert cli.main(["check", "det(X)", "wrt", "X", "--answer", "det(X) inv(X)", "--layout", "any"]) == 0
    assert "course:  vec col (from" in capsys.readouterr().out  # the explicit layout won; only vec was the course's
    assert cli.main(["check", "det(X)", "wrt", "X", "--answer", "det(X) inv(X)", "--layout", "any", "--vec", "col"]) == 0
    assert "course:" not in capsys.readouterr().out


def test_pyproject_tool_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "hw"\n\n[tool.matcalc]\nlayout = "numerator"\n',
                                             encoding="utf-8")
    course = find_course(tmp_path)
    assert course.layout == "numerator" and "[tool.matcalc]" in course.source
    assert course.check_answer(*MISSING_TRANSPOSE).correct
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "hw"\n', encoding="utf-8")
    assert find_course(tmp_path) == Course()  # a pyproject.toml without the table sets nothing


def test_grade_applies_the_course_to_rows_without_a_layout(tmp_path, capsys):
    (tmp_path / "matcalc.toml").write_text('layout = "mixed"\n', encoding="utf-8")
    answers = tmp_path / "answers.csv"
    answers.write_text("id,expression,wrt,answer,layout\na,det(X),X,det(X) inv(X),\n"
                       "b,det(X),X,det(X) inv(X).T,\nc,det(X),X,det(X) inv(X),numerator\n", encoding="utf-8")
    assert cli.main(["grade", str(answers), "-o", str(tmp_path / "r.csv")]) == 0
    report = (tmp_path / "r.csv").read_text(encoding="utf-8")
    rows = {line.split(",")[0]: line for line in report.splitlines()[1:]}
    assert ",no,other-layout," in rows["a"] and ",yes,correct," in rows["b"] and ",yes,correct," in rows["c"]
    assert "course: layout mixed, vec col" in capsys.readouterr().err


@pytest.mark.parametrize("text, message", [
    ('layout = "sideways"\n', "layout must be one of mixed, numerator, denominator or any, not 'sideways'"),
    ('vec = "diagonal"\n', "vec must be one of col, row"),
    ('colour = "red"\n', "unknown setting colour; the settings are layout, vec"),
    ("layout = 3\n", "layout and vec are strings"),
    ("layout = \n", "not a readable TOML file"),
])
def test_bad_settings_are_refused_with_the_file_named(tmp_path, text, message):
    (tmp_path / "matcalc.toml").write_text(text, encoding="utf-8")
    with pytest.raises(mc.MatcalcError, match="matcalc.toml") as err:
        find_course(tmp_path)
    assert message in str(err.value)
