"""Grading a file without losing a row (matcalc/gradefile.py and ``matcalc grade``): the output is checked
first, the report is replaced whole or not at all, an interrupted run resumes, and a report cannot carry
a spreadsheet formula or a terminal escape to the teacher."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matcalc import cli
from matcalc.course import Course
from matcalc.errors import MatcalcError
from matcalc.gradebook import grade_rows, read_answers, report_csv
from matcalc.gradefile import (
    Journal,
    Progress,
    check_output,
    for_terminal,
    grade_into,
    journal_header,
    journal_path,
    write_atomic,
)

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,expression,wrt,answer\n"


def _class_text(questions: int, per_question: int = 2) -> str:
    """A class over many distinct questions (c*x.T@A@x for several c), right and wrong answers."""
    lines = [HEADER.strip()]
    for q in range(questions):
        c = q + 1
        for s in range(per_question):
            answer = f"{c}*(A + A.T)@x" if s % 2 == 0 else f"{2 * c}*A@x"
            lines.append(f"s{q}-{s},{c}*x.T@A@x,x,{answer}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------- the output


def test_the_answers_file_is_never_the_report(tmp_path, capsys):
    answers = tmp_path / "class.csv"
    answers.write_text(_class_text(2), encoding="utf-8")
    before = answers.read_bytes()
    assert cli.main(["grade", str(answers), "-o", str(answers)]) == 1
    assert "would replace the answers file" in capsys.readouterr().err
    assert answers.read_bytes() == before
    with pytest.raises(MatcalcError, match="would replace"):
        check_output(tmp_path / "." / "class.csv", answers)


@pytest.mark.parametrize("where, match", [("missing/report.csv", "no directory"), (".", "is a directory")])
def test_an_impossible_output_is_found_before_grading(tmp_path, where, match):
    answers = tmp_path / "class.csv"
    answers.write_text(_class_text(1), encoding="utf-8")
    with pytest.raises(MatcalcError, match=match):
        check_output(tmp_path / where, answers)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a directory this user cannot write")
def test_an_unwritable_directory_is_found_before_grading(tmp_path, capsys):
    answers = tmp_path / "class.csv"
    answers.write_text(_class_text(1), encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        started = time.monotonic()
        assert cli.main(["grade", str(answers), "-o", str(locked / "report.csv")]) == 1
        assert "cannot write the report" in capsys.readouterr().err
        assert time.monotonic() - started < 5
    finally:
        locked.chmod(0o700)


def test_a_failed_write_leaves_the_old_report_whole(tmp_path, monkeypatch):
    report = tmp_path / "report.csv"
    report.write_text("the old report\n", encoding="utf-8")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(MatcalcError, match="No space left.*unchanged"):
        write_atomic(report, "a new report\n" * 1000)
    assert report.read_text(encoding="utf-8") == "the old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]  # no temporary file left behind


def test_the_report_is_replaced_whole(tmp_path):
    report = tmp_path / "report.csv"
    report.write_text("old\n", encoding="utf-8")
    write_atomic(report, "new\n")
    assert report.read_text(encoding="utf-8") == "new\n"


# ----------------------------------------------------------------------------------------- the journal


def test_a_resumed_run_grades_only_what_is_missing_and_gives_the_same_report(tmp_path):
    answers = tmp_path / "class.csv"
    answers.write_text(_class_text(6), encoding="utf-8")
    rows = read_answers(str(answers))
    whole = grade_rows(rows)
    output = tmp_path / "report.csv"
    header = journal_header(len(rows), answers, Course())
    with journal_path(output).open("w", encoding="utf-8") as f:  # an interrupted run kept rows 0-4, one cut off
        f.write(json.dumps(header, sort_keys=True) + "\n")
        for k in range(5):
            f.write(json.dumps({"k": k, "row": whole[k]}) + "\n")
        f.write('{"k": 5, "row": {"id": "s2-1", "corr')
    notes, graded = [], []
    report = grade_into(rows, answers, output, Course(), 1, resume=True, on_note=notes.append)
    assert report == whole
    assert notes == ["resuming: 5 of 12 rows were graded before"]
    lines = journal_path(output).read_text(encoding="utf-8").splitlines()
    graded = [json.loads(line)["k"] for line in lines[1:] if line.endswith("}")]
    assert sorted(graded) == list(range(12))  # rows 5-11 graded now, 0-4 not again


def test_a_journal_for_other_answers_is_not_resumed(tmp_path):
    answers = tmp_path / "class.csv"
    answers.write_text(_class_text(2), encoding="utf-8")
    output = tmp_path / "report.csv"
    journal_path(output).write_text('{"journal": "matcalc grade", "answers": "another"}\n', encoding="utf-8")
    with pytest.raises(MatcalcError, match="another answers file"):
        grade_into(read_answers(str(answers)), answers, output, Course(), 1, resume=True)


def test_resume_needs_an_output(tmp_path):
    answers = tmp_path / "class.csv"
    answers.write_text(_class_text(1), encoding="utf-8")
    with pytest.raises(MatcalcError, match="--output"):
        grade_into(read_answers(str(answers)), answers, None, Course(), 1, resume=True)


def test_the_journal_is_gone_once_the_report_is_written(tmp_path, capsys):
    answers = tmp_path / "class.csv"
    answers.write_text(_class_text(2), encoding="utf-8")
    output = tmp_path / "report.csv"
    assert cli.main(["grade", str(answers), "-o", str(output)]) == 0
    assert output.exists() and not journal_path(output).exists()


def test_a_journal_line_cut_off_is_graded_again(tmp_path):
    path = tmp_path / "r.journal"
    path.write_text('{"a": 1}\n{"k": 0, "row": {"id": "s"}}\n{"k": 1, "ro', encoding="utf-8")
    journal = Journal(path, {"a": 1})
    journal.load()
    assert journal.graded == {0: {"id": "s"}}


@pytest.mark.skipif(os.name != "posix", reason="sends signals")
@pytest.mark.parametrize("jobs, how", [("1", "SIGINT"), ("2", "SIGINT"), ("1", "SIGKILL")])
def test_an_interrupted_run_resumes_without_losing_or_repeating_a_row(tmp_path, jobs, how):
    """Ctrl-C (SIGINT: exit 130, a message saying how to resume) or a kill (SIGKILL: nothing runs, the
    journal is as the last batch left it); either way the same command with --resume gives the report an
    uninterrupted run gives, byte for byte."""
    answers = tmp_path / "class.csv"
    answers.write_text(_class_text(160, per_question=2), encoding="utf-8")  # 320 rows, 160 questions
    expected = tmp_path / "expected.csv"
    assert cli.main(["grade", str(answers), "-o", str(expected), "--jobs", "1"]) == 0
    output = tmp_path / "report.csv"
    command = [sys.executable, "-m", "matcalc", "grade", str(answers), "-o", str(output), "--jobs", jobs]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    journal = journal_path(output)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and len(journal.read_text(encoding="utf-8").splitlines()) > 1:
            break
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    proc.send_signal(getattr(signal, how))
    out, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    if how == "SIGINT":
        assert proc.returncode == 130, err
        assert "--resume" in err and "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGKILL
    assert not output.exists()
    kept = len(journal.read_text(encoding="utf-8").splitlines()) - 1
    assert 0 < kept
    resumed = subprocess.run([*command, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming:" in resumed.stderr
    assert output.read_bytes() == expected.read_bytes()
    assert not journal.exists()


# ----------------------------------------------------------------------------------------- safe output


@pytest.mark.parametrize("answer", ['=HYPERLINK("http://example.com","x")', "+2*x", "-2*x", "@SUM(A1)", "\t=1+1"])
def test_a_csv_report_cannot_carry_a_live_formula(answer):
    report = grade_rows([{"id": "s1", "expression": "x.T@x", "wrt": "x", "answer": answer}])
    text = report_csv(report)
    cells = text.splitlines()[1]
    assert ",'" + answer.replace('"', '""')[:3] in cells or ",\"'" + answer.replace('"', '""')[:3] in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells.split(","))


def test_terminal_escapes_in_answers_are_shown_not_run():
    text = "s1,x.T@x,x,\x1b[2J\x1b]0;owned\x07 2*x\u202e\n"
    shown = for_terminal(text)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "\\x1b[2J" in shown and shown.endswith("\\u202e\n")
    assert for_terminal("plain, with tabs\tand ∂ ᵀ\n") == "plain, with tabs\tand ∂ ᵀ\n"


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_shown_on_a_terminal_only():
    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        p = Progress(10, stream, after=0)
        p.add(4)
        p.add(6)
        p.close()
    assert "graded 4 of 10 rows" in terminal.getvalue() and "graded 10 of 10 rows" in terminal.getvalue()
    assert pipe.getvalue() == ""


# ----------------------------------------------------------------------------------------- broken files, end to end

GOOD = [("s1", "x.T@A@x", "x", "(A + A.T)@x", "yes"), ("Zoë", "x.T@A@x", "x", "2*A@x", "no")]


def _good_lines(delimiter=","):
    return [delimiter.join(row[:4]) for row in GOOD]


BROKEN = {  # name: (file bytes, {line: expected diagnosis of the row there}, a warning expected on stderr)
    "latin-1": ("\n".join(["id,expression,wrt,answer", *_good_lines(), "José,x.T@x,x,2*x"]).encode("cp1252"),
                {2: "correct", 3: "symmetric-slip", 4: "correct"}, "Windows-1252"),
    "utf-16": ("\n".join(["id,expression,wrt,answer", *_good_lines()]).encode("utf-16"),
               {2: "correct", 3: "symmetric-slip"}, ""),
    "semicolons": ("\n".join(["id;expression;wrt;answer;where", *(line + ";A: matrix(n, n)" for line in
                                                                  _good_lines(";"))]).encode(),
                   {2: "correct", 3: "symmetric-slip"}, "semicolons"),
    "open quote": ("\n".join(["id,expression,wrt,answer", 's0,x.T@x,x,"2*x', *_good_lines()]).encode(),
                   {2: "error", 3: "correct", 4: "symmetric-slip"}, "quote is left open"),
    "repeated header": ("\n".join(["id,expression,wrt,answer", GOOD[0][0] + ",x.T@A@x,x,(A + A.T)@x",
                                   "id,expression,wrt,answer", _good_lines()[1]]).encode(),
                        {2: "correct", 4: "symmetric-slip"}, "repeats the header"),
    "unquoted comma": ("\n".join(["id,expression,wrt,answer,where", "s0,x.T@A@x,x,2*A@x,A: matrix(n, n)",
                                  _good_lines()[0] + ","]).encode(),
                       {2: "error", 3: "correct"}, "unquoted comma"),
    "duplicate student": ("\n".join(["id,expression,wrt,answer", *_good_lines(), "s1,x.T@A@x,x,2*A@x"]).encode(),
                          {2: "correct", 3: "symmetric-slip", 4: "symmetric-slip"}, "answers this question again"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_every_row_of_a_broken_file_is_reported_once(tmp_path, capsys, name):
    data, expected, warning = BROKEN[name]
    answers = tmp_path / "class.csv"
    answers.write_bytes(data)
    output = tmp_path / "report.csv"
    assert cli.main(["grade", str(answers), "-o", str(output)]) == 0
    err = capsys.readouterr().err
    assert warning in err
    import csv

    with output.open(encoding="utf-8", newline="") as f:
        report = list(csv.DictReader(f))
    assert {int(r["line"]): r["diagnosis"] for r in report} == expected
    assert len(report) == len(expected)  # each row once
    for r in report:
        if r["diagnosis"] == "error":
            assert r["message"] and r["correct"] == "no"


def test_two_answer_columns_refuse_the_file(tmp_path, capsys):
    answers = tmp_path / "class.csv"
    answers.write_text("id,expression,wrt,answer,answer\ns1,x.T@x,x,2*x,x\n", encoding="utf-8")
    assert cli.main(["grade", str(answers)]) == 1
    assert "two answer columns" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_question_out_of_time_fails_alike_for_every_row(monkeypatch, jobs):
    """However the rows are ordered or shared out, a question that cannot be prepared in time gives every
    row that asks it the same verdict (it is prepared once, up front)."""
    import matcalc.limits

    rows = [{"id": f"s{k}", "expression": "x.T@A@x", "wrt": "x", "answer": "2*A@x"} for k in range(250)]
    monkeypatch.setattr(matcalc.limits, "MAX_SECONDS", 0.0)
    report = grade_rows(rows, jobs=jobs)
    assert {(r["diagnosis"], r["message"]) for r in report} == {("error", report[0]["message"])}
    assert "gave up after" in report[0]["message"]
