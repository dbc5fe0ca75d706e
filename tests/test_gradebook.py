"""Grading a class's file (matcalc/gradebook.py): the report is the same however many processes grade it."""

from __future__ import annotations

import random

import pytest

from matcalc import cli
from matcalc.gradebook import PARALLEL_ROWS, _question_chunks, grade_rows

QUESTIONS = [
    ("x.T@A@x", "x", "", ["(A + A.T)@x", "2*A@x", "A@x", "x.T@(A + A.T)", "(A + A.T)@x +"]),
    ("trace(A@X@B)", "X", "", ["A.T@B.T", "B@A", "(B@A).T", "-A.T@B.T"]),
    ("0.5*||A@x - b||^2", "x", "", ["A.T@(A@x - b)", "A@(A@x - b)", "A.T@A@x - b", "2*A.T@(A@x - b)"]),
    ("sum(exp(W@x))", "W", "W: matrix(k, n)", ["exp(W@x)@x.T", "x@exp(W@x).T", "exp(W@x)"]),
    ("y.T@A@x", "A", "", ["y@x.T", "x@y.T", "y.T@x"]),
]


def _class(rows: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        expr, wrt, where, answers = QUESTIONS[i % len(QUESTIONS)]
        out.append({"id": f"s{i}", "expression": expr, "wrt": wrt, "answer": rng.choice(answers), "where": where,
                    "layout": rng.choice(["", "mixed", "numerator"])})
    rng.shuffle(out)
    return out


def test_the_report_is_the_same_in_parallel():
    rows = _class(PARALLEL_ROWS + 40, seed=1)
    alone = grade_rows(rows, jobs=1)
    assert grade_rows(rows, jobs=2) == alone
    assert grade_rows(rows, jobs=3) == alone
    assert {r["diagnosis"] for r in alone} >= {"correct", "symmetric-slip", "other-layout", "sign", "error"}


def test_chunks_keep_each_question_together_and_cover_every_item():
    rows = _class(500, seed=2)
    items = list(dict.fromkeys(((r["expression"], r["wrt"], r["where"], r["layout"]), r["answer"]) for r in rows))
    chunks = _question_chunks(items, 2)
    assert sorted(n for c in chunks for n in c) == list(range(len(items)))
    owner = {}
    for c, chunk in enumerate(chunks):
        for n in chunk:
            assert owner.setdefault(items[n][0], c) == c
    assert chunks == _question_chunks(items, 2)  # deterministic


def test_only_distinct_answers_are_judged(monkeypatch):
    """A class of 400 rows over 3 distinct (question, answer) items judges 3 items, in one process or two."""
    from matcalc import gradebook

    judged = []
    real = gradebook._judge
    monkeypatch.setattr(gradebook, "_judge", lambda items: judged.extend(items) or real(items))
    rows = [{"id": f"s{k}", "expression": "x.T@A@x", "wrt": "x", "answer": ["2*A@x", "(A + A.T)@x", "A@x"][k % 3]}
            for k in range(400)]
    report = grade_rows(rows, jobs=1)
    assert len(judged) == 3
    assert [r["diagnosis"] for r in report[:3]] == ["symmetric-slip", "correct", "symmetric-slip"]
    assert grade_rows(rows, jobs=2) == report


def test_jobs_must_be_positive(tmp_path, capsys):
    path = tmp_path / "class.csv"
    path.write_text("id,expression,wrt,answer\ns1,x.T@x,x,2*x\n", encoding="utf-8")
    assert cli.main(["grade", str(path), "--jobs", "0"]) == 1
    assert "--jobs must be at least 1" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_command_grades_with_jobs(tmp_path, capsys, jobs):
    path = tmp_path / "class.csv"
    rows = _class(PARALLEL_ROWS, seed=3)
    lines = ["id,expression,wrt,answer,where,layout"] + [
        ",".join(f'"{r[c]}"' for c in ("id", "expression", "wrt", "answer", "where", "layout")) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["grade", str(path), "--jobs", jobs, "-o", str(tmp_path / f"report{jobs}.csv")]) == 0
    assert (tmp_path / f"report{jobs}.csv").read_text(encoding="utf-8").count("\n") == len(rows) + 1
