"""How fast does `matcalc grade` grade a class? A generated class of 500 answers over 10 lecture questions.

The answers mix the kinds a TA meets: right answers (in each layout), transposed ones, the symmetric
slip (2 A x for xᵀAx), forgotten factors and signs, answers of an impossible shape, plain wrong ones
and a few that do not parse. They are written to a temporary CSV, graded in-process (``matcalc.cli.main``)
and by the command (``python -m matcalc grade``, a fresh interpreter), and the wall time and answers
per second of each are printed. Every row carries the diagnosis it was generated for; the script
also reports how many verdicts disagree with it (it should be none).

    python benchmarks/grade_benchmark.py [--answers 500] [--seed 0]
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

# (expression, wrt, where, layout, {diagnosis: [answers]}) — lecture notes 000–004
QUESTIONS = [
    ("x.T@A@x", "x", "", "", {
        "correct": ["(A + A.T)@x", "x.T@(A + A.T)", "A@x + A.T@x", "x^T (A + A^T)", "A x + A^T x"],
        "symmetric-slip": ["2*A@x", "2 A x", "2*x.T@A", "A@x"],
        "factor": ["0.5*(A + A.T)@x", "2*(A + A.T)@x"],
        "sign": ["-(A + A.T)@x"],
        "shape-mismatch": ["A + A.T", "x.T@x", "x @ x.T"],
        "wrong": ["A@x - A.T@x", "2*x", "(A + A.T)@x + x"],
    }),
    ("x.T@A@x", "x", "A: symmetric", "", {
        "correct": ["2*A@x", "2 x^T A", "(A + A.T)@x"],
        "factor": ["A@x", "4*A@x"],
        "sign": ["-2*A@x"],
        "shape-mismatch": ["2*A"],
        "wrong": ["A@x + x", "2*A.T@A@x"],
    }),
    ("||y - Phi theta||^2", "theta", "", "", {
        "correct": ["-2 Phi^T (y - Phi theta)", "-2 (y - Phi theta)^T Phi", "2*Phi.T@(Phi@theta - y)"],
        "sign": ["2 Phi^T (y - Phi theta)"],
        "factor": ["-Phi^T (y - Phi theta)", "Phi.T@(Phi@theta - y)"],
        "shape-mismatch": ["-2 (y - Phi theta)", "-2 Phi^T Phi"],
        "wrong": ["-2 Phi^T y", "-2 Phi^T (y - Phi theta) + theta"],
    }),
    ("y.T@A@x", "x", "", "mixed", {
        "correct": ["A.T@y", "A^T y"],
        "other-layout": ["y.T@A", "y^T A"],
        "factor": ["2*A.T@y"],
        "sign": ["-A.T@y"],
        "shape-mismatch": ["A@x", "y"],
        "wrong": ["A.T@y + x"],
    }),
    ("trace(A@X@B)", "X", "", "mixed", {
        "correct": ["A.T@B.T", "(B@A).T", "A^T B^T"],
        "other-layout": ["B@A", "B A"],
        "sign": ["-A.T@B.T"],
        "factor": ["2 A^T B^T"],
        "shape-mismatch": ["A@B", "trace(A@B)"],
        "wrong": ["A.T@B.T + X"],
    }),
    ("t*A + B", "t", "t: scalar", "", {
        "correct": ["A"],
        "transposed": ["A.T", "A^T"],
        "factor": ["2*A", "0.5 A"],
        "sign": ["-A"],
        "shape-mismatch": ["A@A.T", "t"],
        "wrong": ["A + B", "t*A"],
    }),
    ("0.5*||A@x - b||^2", "x", "", "", {
        "correct": ["A.T@(A@x - b)", "(A x - b)^T A", "A.T@A@x - A.T@b"],
        "factor": ["2*A.T@(A@x - b)"],
        "sign": ["A.T@(b - A@x)"],
        "shape-mismatch": ["A@x - b", "A.T@A"],
        "wrong": ["A.T@A@x", "A.T@(A@x + b)"],
    }),
    ("trace(X.T@A@X)", "X", "", "", {
        "correct": ["(A + A.T)@X", "A@X + A.T@X", "X.T@(A + A.T)"],
        "symmetric-slip": ["2*A@X", "2 X^T A"],
        "factor": ["0.5*(A + A.T)@X"],
        "sign": ["-(A + A.T)@X"],
        "shape-mismatch": ["A + A.T", "trace(A)"],
        "wrong": ["(A + A.T)@X + X"],
    }),
    ("tanh(W @ x + b)", "x", "", "", {
        "correct": ["diag(1 - tanh(W@x + b)**2)@W", "W.T@diag(1 - tanh(W@x + b)**2)"],
        "sign": ["-diag(1 - tanh(W@x + b)**2)@W"],
        "factor": ["2*diag(1 - tanh(W@x + b)**2)@W"],
        "shape-mismatch": ["1 - tanh(W@x + b)**2", "W.T@W"],
        "wrong": ["diag(tanh(W@x + b))@W", "W"],
    }),
    ("A@x", "A", "", "", {
        "correct": ["kron(x.T, I)", "kron(x, I)"],
        "vec-order": ["kron(I, x.T)"],
        "factor": ["2*kron(x.T, I)"],
        "sign": ["-kron(x.T, I)"],
        "shape-mismatch": ["x.T", "x @ x.T"],
        "wrong": ["kron(x.T, I) + kron(I, x.T)"],
    }),
]
USER_ERRORS = ["2*A@x +", "(A + A.T @ x", "A*B*x"]
CATEGORY_WEIGHTS = {"correct": 4, "other-layout": 1, "vec-order": 1, "transposed": 1, "symmetric-slip": 2,
                    "factor": 2, "sign": 1, "shape-mismatch": 1, "wrong": 2, "error": 0.3}


def make_class(n: int, seed: int) -> list[dict[str, str]]:
    """n rows: a question at random, then a kind of answer it has, then an answer of that kind."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        expr, wrt, where, layout, answers = rng.choice(QUESTIONS)
        kinds = [*answers, "error"]
        kind = rng.choices(kinds, weights=[CATEGORY_WEIGHTS[k] for k in kinds])[0]
        answer = rng.choice(USER_ERRORS if kind == "error" else answers[kind])
        rows.append({"id": f"s{i:03d}", "expression": expr, "wrt": wrt, "answer": answer, "where": where,
                     "layout": layout, "expected": kind})
    return rows


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "expression", "wrt", "answer", "where", "layout"],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def read_report(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--answers", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rows = make_class(args.answers, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        answers, report_in, report_cli = tmp / "class.csv", tmp / "in-process.csv", tmp / "cli.csv"
        write_csv(rows, answers)
        print(f"{len(rows)} answers over {len(QUESTIONS)} questions: "
              + ", ".join(f"{k} {v}" for k, v in sorted(Counter(r['expected'] for r in rows).items())))
        distinct = len({(r["expression"], r["wrt"], r["where"], r["layout"], r["answer"]) for r in rows})
        print(f"{distinct} distinct (question, answer) pairs")

        start = time.perf_counter()
        from matcalc.cli import main as matcalc_main  # the import is part of a cold start

        status = matcalc_main(["grade", str(answers), "--output", str(report_in)])
        in_process = time.perf_counter() - start
        assert status == 0, f"matcalc grade exited with {status}"

        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "matcalc", "grade", str(answers), "--output", str(report_cli)],
                              capture_output=True, text=True, encoding="utf-8")
        by_command = time.perf_counter() - start
        assert done.returncode == 0, done.stderr

        graded = read_report(report_in)
        assert graded == read_report(report_cli), "the command and the in-process run disagree"
        disagree = [(r["id"], r["answer"], r["expected"], graded[r["id"]]["diagnosis"]) for r in rows
                    if graded[r["id"]]["diagnosis"] != r["expected"]]

    # every row judged afresh (no reuse of identical answers; derivations still cached per question)
    from matcalc import MatcalcError, check_answer

    start = time.perf_counter()
    for r in rows:
        try:
            check_answer(r["expression"], r["wrt"], r["answer"], where=r["where"] or None, layout=r["layout"] or None)
        except MatcalcError:
            pass
    each = time.perf_counter() - start

    print()
    print(f"in-process (cold, import included): {in_process:6.2f} s   {len(rows) / in_process:7.0f} answers/s")
    print(f"python -m matcalc grade (fresh):     {by_command:6.2f} s   {len(rows) / by_command:7.0f} answers/s")
    print(f"check_answer on every row (warm):    {each:6.2f} s   {len(rows) / each:7.0f} answers/s")
    print(f"verdicts differing from the generated kind: {len(disagree)}")
    for row in disagree[:10]:
        print("  ", row)
    return 0 if not disagree else 1


if __name__ == "__main__":
    sys.exit(main())
