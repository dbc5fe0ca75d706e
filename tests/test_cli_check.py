"""`matcalc check` and `matcalc grade` (matcalc.cli): exit codes, messages, and the CSV round trip.

Exit status of check: 0 the answer is correct, 3 it is not, 1 a user error in either input (one
message, no traceback), 2 bad usage. grade writes a report (CSV or Markdown) with a verdict per row
and a summary; a row with a user error is reported as such.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pytest

from matcalc.cli import main


def run(*args: str, timeout: float = 120):
    return subprocess.run([sys.executable, "-m", "matcalc", *args], capture_output=True, text=True,
                          timeout=timeout, encoding="utf-8")


# ---------------------------------------------------------------- matcalc check, as a user runs it


def test_done_when_symmetric_slip_exits_3_and_shows_the_general_form():
    r = run("check", "x.T@A@x", "wrt", "x", "--answer", "2*A@x")
    assert r.returncode == 3, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("wrong unless A is symmetric")
    assert "  correct: (A + A.T) @ x" in lines
    assert r.stderr == ""


def test_done_when_correct_in_numerator_layout_exits_0():
    r = run("check", "x.T@A@x", "wrt", "x", "--answer", "x.T@(A + A.T)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "correct, in numerator layout (the gradient w.r.t. x as a row)"


def test_a_user_error_in_the_answer_exits_1_with_one_message():
    r = run("check", "x.T@A@x", "wrt", "x", "--answer", "2*A@x +")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith("error: in the answer: unexpected end of input")
    assert "Traceback" not in r.stderr and "^" in r.stderr


def test_a_user_error_in_the_question_exits_1():
    r = run("check", "x.T@A@", "wrt", "x", "--answer", "2*A@x")
    assert r.returncode == 1
    assert r.stderr.startswith("error: ") and "in the answer" not in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_usage_exits_2():
    r = run("check", "x.T@A@x", "wrt", "x")  # no --answer
    assert r.returncode == 2
    assert "--answer" in r.stderr
    r = run("check", "x.T@A@x", "wrt", "x", "--answer", "x", "--layout", "sideways")
    assert r.returncode == 2


# in-process: quicker, same program


@pytest.mark.parametrize("args,status,first_line", [
    (["x.T@A@x", "wrt", "x", "--answer", "(A + A.T) @ x"], 0, "correct, in mixed or denominator layout"),
    (["x.T@A@x", "wrt", "x", "--answer", "2*A@x", "--where", "A: symmetric"], 0, "correct, in mixed or denominator"),
    (["x.T@A@x", "wrt", "x", "--answer", "x.T@(A + A.T)", "--layout", "mixed"], 3,
     "correct in numerator layout, but mixed was asked"),
    (["x.T@A@x", "wrt", "x", "--answer", "x.T@(A + A.T)", "--layout", "numerator"], 0, "correct, in numerator layout"),
    (["||y - Phi theta||^2", "wrt", "theta", "--answer", "2 Phi^T (y - Phi theta)"], 3, "wrong sign"),
    (["||y - Phi theta||^2", "wrt", "theta", "--answer", "-Phi^T (y - Phi theta)"], 3, "off by a constant factor"),
    (["x.T@A@x", "wrt", "x", "--answer", "A + A.T"], 3, "shape mismatch"),
    (["x.T@A@x", "wrt", "x", "--answer", "A@x - A.T@x"], 3, "wrong: the derivative is (A + A.T) @ x"),
    (["t*A + B", "wrt", "t", "--answer", "A.T", "--where", "t: scalar"], 3, "wrong: this is the transpose"),
    (["A@x", "wrt", "A", "--answer", "kron(I, x.T)"], 3, "wrong vec order"),
    (["A@x", "wrt", "A", "--answer", "kron(I, x.T)", "--vec", "row"], 0, "correct"),
    (["x.T@A@x", "wrt", "x", "--answer=-(A + A.T)@x"], 3, "wrong sign"),
    (["x.T@A@x", "wrt", "x", "--hessian", "--answer", "A + A.T"], 0, "correct\n"),
    (["x.T@A@x", "wrt", "x", "--hessian", "--answer", "2*A"], 3,
     "wrong unless A is symmetric: the answer is the Hessian only when A = Aᵀ"),
    (["x.T@A@x", "wrt", "x", "--hessian", "--answer", "2 A", "--where", "A: symmetric"], 0, "correct\n"),
    (["sum(exp(x))", "wrt", "x", "--hessian", "--answer", "diag(exp(x))"], 0, "correct\n"),
    (["sum(exp(x))", "wrt", "x", "--hessian", "--answer", "exp(x)"], 3, "shape mismatch: the answer cannot be the Hessian"),
    (["trace(X.T@A@X)", "wrt", "X", "--hessian", "--answer", "kron(A + A.T, I)"], 3, "wrong vec order"),
    (["trace(X.T@A@X)", "wrt", "X", "--hessian", "--vec", "row", "--answer", "kron(A + A.T, I)"], 0, "correct\n"),
])
def test_check_exit_status_and_first_line(capsys, args, status, first_line):
    assert main(["check", *args]) == status
    out = capsys.readouterr()
    assert out.out.startswith(first_line), out.out
    assert out.err == ""


def test_check_hessian_shows_the_hessian_and_refuses_a_vector_expression(capsys):
    assert main(["check", "0.5*||A@x - b||^2", "wrt", "x", "--hessian", "--answer", "A.T@A"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:5] == ["correct", "  answer:  A.T @ A", "  correct: A.T @ A", "  shape:   matrix(m, m)",
                       "  layout:  Hessian ∂²f/∂x∂xᵀ (symmetric)"]
    assert main(["check", "A@x", "wrt", "x", "--hessian", "--answer", "A"]) == 1
    assert capsys.readouterr().err.startswith("error: a Hessian needs a scalar expression")


def test_check_steps(capsys):
    assert main(["check", "x.T@A@x", "wrt", "x", "--answer", "2*A@x", "--steps"]) == 3
    out = capsys.readouterr().out
    assert "\nsteps:\n" in out and "[L4]" in out


# ---------------------------------------------------------------- matcalc grade: the CSV round trip

CLASS = [
    {"id": "ada", "expression": "x.T@A@x", "wrt": "x", "answer": "(A + A.T) @ x", "where": ""},
    {"id": "ben", "expression": "x.T@A@x", "wrt": "x", "answer": "2*A@x", "where": ""},
    {"id": "cy", "expression": "x.T@A@x", "wrt": "x", "answer": "2*A@x", "where": "A: symmetric"},
    {"id": "dee", "expression": "||y - Phi theta||^2", "wrt": "theta", "answer": "-2 Phi^T (y - Phi theta)",
     "where": ""},
    {"id": "eli", "expression": "||y - Phi theta||^2", "wrt": "theta", "answer": "2 Phi^T (y - Phi theta)",
     "where": ""},
    {"id": "fay", "expression": "x.T@A@x", "wrt": "x", "answer": "2*A@x +", "where": ""},
    {"id": "gus", "expression": "x.T@A@", "wrt": "x", "answer": "x", "where": ""},
    {"id": "hal", "expression": "x.T@A@x", "wrt": "x", "answer": "A + A.T", "where": ""},
    {"id": "ivy", "expression": "x.T@A@x", "wrt": "x", "answer": "", "where": ""},
    {"id": "jo", "expression": "x.T@A@x", "wrt": "x", "answer": "2*A@x", "where": ""},  # same answer as ben
    {"id": "kim", "expression": "||x||", "wrt": "x", "answer": "x / ||x||", "where": ""},
]
EXPECTED = {"ada": "correct", "ben": "symmetric-slip", "cy": "correct", "dee": "correct", "eli": "sign",
            "fay": "error", "gus": "error", "hal": "shape-mismatch", "ivy": "error", "jo": "symmetric-slip",
            "kim": "correct"}


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "homework.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "expression", "wrt", "answer", "where"])
        writer.writeheader()
        writer.writerows(CLASS)
    return path


def test_grade_csv_round_trip(tmp_path, answers, capsys):
    report = tmp_path / "report.csv"
    assert main(["grade", str(answers), "--output", str(report)]) == 0
    out = capsys.readouterr().out
    with report.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["id"] for row in rows] == [row["id"] for row in CLASS]
    assert {row["id"]: row["diagnosis"] for row in rows} == EXPECTED
    by_id = {row["id"]: row for row in rows}
    assert by_id["ada"]["correct"] == "yes" and by_id["ben"]["correct"] == "no"
    assert by_id["ben"]["expected"] == "(A + A.T) @ x" and by_id["cy"]["expected"] == "2 * A @ x"
    assert by_id["ben"]["answer"] == "2*A@x" and by_id["cy"]["where"] == "A: symmetric"
    assert by_id["fay"]["message"].startswith("in the answer: unexpected end of input")
    assert by_id["gus"]["message"].startswith("in the question: ")
    assert by_id["ivy"]["message"] == "the row has no answer"
    assert "\n" not in by_id["ben"]["message"]
    # the summary: counts per diagnosis
    assert out.splitlines()[0] == "11 answers, 4 correct"
    assert "  symmetric-slip  2" in out.splitlines() and "  error           3" in out.splitlines()
    assert out.splitlines()[-1] == f"report written to {report}"


def test_grade_markdown_report(tmp_path, answers, capsys):
    report = tmp_path / "report.md"
    assert main(["grade", str(answers), "-o", str(report)]) == 0
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Grading report: homework.csv\n")
    assert "| ben | no | symmetric-slip | `2*A@x` | wrong unless A is symmetric" in text
    assert r"`-2 Phi^T (y - Phi theta)`" in text
    assert "## Summary" in text and "| symmetric-slip | 2 |" in text and "11 answers, 4 correct." in text
    # a cell holding '|' (a norm) does not break the table: every row of verdicts has 5 cells
    rows = text.split("## Summary")[0]
    table = [line for line in rows.splitlines() if line.startswith("| ") and line.count("|") > 3]
    assert len(table) == 1 + len(CLASS)
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 6 for line in table)
    assert "| kim | yes | correct | `x / \\|\\|x\\|\\|` |" in text
    # a summary per question: right answers, the expected form, the most common mistakes with an example
    assert "### `x.T@A@x` w.r.t. `x`" in text and "| symmetric-slip | 2 | `2*A@x` |" in text


def test_grade_to_standard_output(answers, capsys):
    assert main(["grade", str(answers)]) == 0
    out = capsys.readouterr()
    rows = list(csv.DictReader(out.out.splitlines()))
    assert len(rows) == len(CLASS)
    assert out.err.startswith("11 answers, 4 correct")
    assert main(["grade", str(answers), "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# Grading report")


def test_grade_column_names_are_case_insensitive_and_where_is_optional(tmp_path, capsys):
    path = tmp_path / "a.csv"
    path.write_text("ID,Expression,WRT,Answer,Layout\n1,x.T@A@x,x,x.T@(A + A.T),mixed\n2,x.T@A@x,x,(A+A.T)@x,\n",
                    encoding="utf-8")
    assert main(["grade", str(path)]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["diagnosis"] for r in rows] == ["other-layout", "correct"]


def test_grade_user_errors_in_the_file(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert main(["grade", str(missing)]) == 1
    assert capsys.readouterr().err.startswith("error: cannot read")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,question\nx,y\n", encoding="utf-8")
    assert main(["grade", str(bad)]) == 1
    assert "needs the columns id, expression, wrt, answer" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert main(["grade", str(empty)]) == 1


def test_grade_by_the_command(tmp_path, answers):
    report = tmp_path / "r.csv"
    r = run("grade", str(answers), "--output", str(report))
    assert r.returncode == 0, r.stderr
    with report.open(newline="", encoding="utf-8") as fh:
        assert {row["id"]: row["diagnosis"] for row in csv.DictReader(fh)} == EXPECTED
