"""How fast does `matcalc grade` grade a large class? Rows over many distinct questions, sorted and shuffled.

The questions are generated from ten lecture templates (xᵀAx, the same with A symmetric, least squares,
yᵀAx, tr(AXB), tA + B, ½‖Ax − b‖², tr(XᵀAX), tanh(Wx + b), Ax w.r.t. A) by varying the names, the
coefficient, the declared sizes and the requested layout, so that every question is a different one
with its own derivative. Each has right answers (in each layout), and the slips a TA meets: transposed
answers, the symmetric slip (2 A x for xᵀAx), forgotten factors and signs, answers of an impossible
shape, plain wrong ones and a few that do not parse. Every row carries the diagnosis it was generated
for; the script reports how many verdicts disagree with it (it should be none).

The rows are graded in a fresh interpreter each time (``matcalc.cli.grade_rows``, after the import),
once sorted by question and once shuffled, and the times are printed side by side. ``--baseline DIR``
also grades them with another copy of the package (a directory holding an older ``matcalc`` tree under
any package name, e.g. one extracted with ``git archive``), for a before/after comparison.

    python benchmarks/grade_benchmark.py [--rows 10000] [--questions 20 500] [--order both|sorted|shuffled]
                                         [--seed 0] [--repeat 1] [--baseline DIR] [--jobs 2]

One class is made per question count (default: 20 and 500 distinct questions). ``--jobs N`` (default 2)
also grades with ``grade_rows(rows, N)`` (``matcalc grade --jobs N``: the questions shared out between N
processes), beside one process. The summary gives rows per second for each, the shuffled / sorted time
ratio and the speed-up of N processes over one.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ["x", "z", "u", "v", "w", "q", "r", "s"]
MATRICES = ["A", "B", "C", "M", "P", "Q", "K", "L", "G", "H"]
COEFFICIENTS = [1, 2, 3, 4, 5, 6, 7]
SIZES = ["", "n", "k", "p", 3, 5]  # "" leaves the sizes to be inferred
USER_ERRORS = ["2*A@x +", "(A + A.T @ x", "A*B*x"]
CATEGORY_WEIGHTS = {"correct": 4, "other-layout": 1, "vec-order": 1, "transposed": 1, "symmetric-slip": 2,
                    "factor": 2, "sign": 1, "shape-mismatch": 1, "wrong": 2, "error": 0.3}


def _pick(pool: list, i: int, *avoid) -> str:
    return next(p for k in range(len(pool)) if (p := pool[(i + k) % len(pool)]) not in avoid)


def _dims(size, *names_and_kinds) -> str:
    """Declarations giving the names a size (`size` a dimension name or a number), or '' to infer them."""
    if size == "":
        return ""
    return "; ".join(f"{n}: {kind.format(d=size)}" for n, kind in names_and_kinds)


# each template: variant number i → (expression, wrt, where, layout, {diagnosis: [answers]})

def quadratic(i, c, size):
    x, a = _pick(VECTORS, i), _pick(MATRICES, i // 3)
    return (f"{c}*{x}.T@{a}@{x}", x, _dims(size, (x, "vector({d})"), (a, "matrix({d}, {d})")), "", {
        "correct": [f"{c}*({a} + {a}.T)@{x}", f"{c}*{x}.T@({a} + {a}.T)", f"{c}*{a}@{x} + {c}*{a}.T@{x}"],
        "symmetric-slip": [f"{2 * c}*{a}@{x}", f"{2 * c}*{x}.T@{a}", f"{c}*{a}@{x}"],
        "factor": [f"{2 * c}*({a} + {a}.T)@{x}"],
        "sign": [f"-{c}*({a} + {a}.T)@{x}"],
        "shape-mismatch": [f"{a} + {a}.T", f"{x}.T@{x}"],
        "wrong": [f"{c}*({a} - {a}.T)@{x}", f"{2 * c}*{x}"],
    })


def symmetric_quadratic(i, c, size):
    x, a = _pick(VECTORS, i + 1), _pick(MATRICES, i // 2 + 1)
    where = "; ".join(p for p in (_dims(size, (x, "vector({d})")), f"{a}: symmetric") if p)
    return (f"{c}*{x}.T@{a}@{x}", x, where, "", {
        "correct": [f"{2 * c}*{a}@{x}", f"{2 * c}*{x}.T@{a}", f"{c}*({a} + {a}.T)@{x}"],
        "factor": [f"{c}*{a}@{x}", f"{4 * c}*{a}@{x}"],
        "sign": [f"-{2 * c}*{a}@{x}"],
        "shape-mismatch": [f"{2 * c}*{a}"],
        "wrong": [f"{2 * c}*{a}@{x} + {x}", f"{2 * c}*{a}.T@{a}@{x}"],
    })


def least_squares(i, c, size):
    y, t, phi = _pick(VECTORS, i + 2), _pick(VECTORS, i + 5), _pick(MATRICES, i // 4 + 2)
    where = _dims(size, (t, "vector({d})"))
    return (f"{c}*||{y} - {phi}@{t}||^2", t, where, "", {
        "correct": [f"-{2 * c}*{phi}.T@({y} - {phi}@{t})", f"{2 * c}*{phi}.T@({phi}@{t} - {y})",
                    f"-{2 * c}*({y} - {phi}@{t}).T@{phi}"],
        "sign": [f"{2 * c}*{phi}.T@({y} - {phi}@{t})"],
        "factor": [f"-{c}*{phi}.T@({y} - {phi}@{t})"],
        "shape-mismatch": [f"-{2 * c}*({y} - {phi}@{t})", f"{phi}.T@{phi}"],
        "wrong": [f"-{2 * c}*{phi}.T@{y}", f"-{2 * c}*{phi}.T@({y} - {phi}@{t}) + {t}"],
    })


def bilinear(i, c, size):
    y, x, a = _pick(VECTORS, i + 3), _pick(VECTORS, i + 6), _pick(MATRICES, i // 5 + 3)
    where = _dims(size, (x, "vector({d})"))
    return (f"{c}*{y}.T@{a}@{x}", x, where, "mixed", {
        "correct": [f"{c}*{a}.T@{y}"],
        "other-layout": [f"{c}*{y}.T@{a}"],
        "factor": [f"{2 * c}*{a}.T@{y}"],
        "sign": [f"-{c}*{a}.T@{y}"],
        "shape-mismatch": [f"{a}@{x}"],
        "wrong": [f"{c}*{a}.T@{y} + {x}"],
    })


def trace_product(i, c, size):
    a, x, b = _pick(MATRICES, i + 4), "X", _pick(MATRICES, i // 2 + 7)
    if a == b:
        b = _pick(MATRICES, i + 5, a)
    where = _dims(size, (x, "matrix({d}, m)"))
    return (f"{c}*trace({a}@{x}@{b})", x, where, "mixed", {
        "correct": [f"{c}*{a}.T@{b}.T", f"{c}*({b}@{a}).T"],
        "other-layout": [f"{c}*{b}@{a}"],
        "sign": [f"-{c}*{a}.T@{b}.T"],
        "factor": [f"{2 * c}*{a}.T@{b}.T"],
        "shape-mismatch": [f"{a}@{b}"],
        "wrong": [f"{c}*{a}.T@{b}.T + {x}"],
    })


def matrix_by_scalar(i, c, size):
    a, b = _pick(MATRICES, i + 5), _pick(MATRICES, i // 3 + 6)
    if a == b:
        b = _pick(MATRICES, i + 6, a)
    where = "; ".join(p for p in ("t: scalar", _dims(size, (a, "matrix({d}, m)"))) if p)
    return (f"{c}*t*{a} + {b}", "t", where, "", {
        "correct": [f"{c}*{a}"],
        "transposed": [f"{c}*{a}.T"],
        "factor": [f"{2 * c}*{a}"],
        "sign": [f"-{c}*{a}"],
        "shape-mismatch": [f"{a}@{a}.T"],
        "wrong": [f"{c}*{a} + {b}"],
    })


def half_least_squares(i, c, size):
    a, x, b = _pick(MATRICES, i + 6), _pick(VECTORS, i + 7), _pick(VECTORS, i // 2 + 4)
    if b == x:
        b = _pick(VECTORS, i + 8, x)
    where = _dims(size, (x, "vector({d})"))
    return (f"{c}/2*||{a}@{x} - {b}||^2", x, where, "", {
        "correct": [f"{c}*{a}.T@({a}@{x} - {b})", f"{c}*({a}@{x} - {b}).T@{a}"],
        "factor": [f"{2 * c}*{a}.T@({a}@{x} - {b})"],
        "sign": [f"{c}*{a}.T@({b} - {a}@{x})"],
        "shape-mismatch": [f"{a}@{x} - {b}"],
        "wrong": [f"{c}*{a}.T@{a}@{x}", f"{c}*{a}.T@({a}@{x} + {b})"],
    })


def trace_quadratic(i, c, size):
    a, x = _pick(MATRICES, i + 7), _pick(["X", "Y", "Z"], i)
    where = _dims(size, (x, "matrix({d}, m)"))
    return (f"{c}*trace({x}.T@{a}@{x})", x, where, "", {
        "correct": [f"{c}*({a} + {a}.T)@{x}", f"{c}*{x}.T@({a} + {a}.T)"],
        "symmetric-slip": [f"{2 * c}*{a}@{x}"],
        "factor": [f"{c}*({a} + {a}.T)@{x}/2"],
        "sign": [f"-{c}*({a} + {a}.T)@{x}"],
        "shape-mismatch": [f"trace({a})"],
        "wrong": [f"{c}*({a} + {a}.T)@{x} + {x}"],
    })


def layer(i, c, size):
    w, x, b = _pick(MATRICES, i + 8), _pick(VECTORS, i), _pick(VECTORS, i // 2 + 3)
    if b == x:
        b = _pick(VECTORS, i + 1, x)
    where = _dims(size, (x, "vector({d})"))
    inner = f"{c}*{w}@{x} + {b}"
    return (f"tanh({inner})", x, where, "", {
        "correct": [f"{c}*diag(1 - tanh({inner})**2)@{w}", f"{c}*{w}.T@diag(1 - tanh({inner})**2)"],
        "sign": [f"-{c}*diag(1 - tanh({inner})**2)@{w}"],
        "factor": [f"{2 * c}*diag(1 - tanh({inner})**2)@{w}"],
        "shape-mismatch": [f"1 - tanh({inner})**2"],
        "wrong": [f"{c}*diag(tanh({inner}))@{w}", f"{w}"],
    })


def vector_by_matrix(i, c, size):
    a, x = _pick(MATRICES, i + 9), _pick(VECTORS, i + 2)
    where = _dims(size, (x, "vector({d})"))
    return (f"{c}*{a}@{x}", a, where, "", {
        "correct": [f"{c}*kron({x}.T, I)", f"{c}*kron({x}, I)"],
        "vec-order": [f"{c}*kron(I, {x}.T)"],
        "factor": [f"{2 * c}*kron({x}.T, I)"],
        "sign": [f"-{c}*kron({x}.T, I)"],
        "shape-mismatch": [f"{x}.T"],
        "wrong": [f"{c}*kron({x}.T, I) + kron(I, {x}.T)"],
    })


TEMPLATES = [quadratic, symmetric_quadratic, least_squares, bilinear, trace_product, matrix_by_scalar,
             half_least_squares, trace_quadratic, layer, vector_by_matrix]


def make_questions(count: int) -> list[tuple]:
    """`count` distinct questions, the templates taking turns, each varying names, coefficient and sizes."""
    questions: dict[tuple, tuple] = {}
    i = 0
    while len(questions) < count:
        template = TEMPLATES[i % len(TEMPLATES)]
        k = i // len(TEMPLATES)
        c = COEFFICIENTS[k % len(COEFFICIENTS)]
        size = SIZES[(k // len(COEFFICIENTS)) % len(SIZES)]
        q = template(k // (len(COEFFICIENTS) * len(SIZES)) + k, c, size)
        questions.setdefault(q[:4], q)
        i += 1
        if i > 100 * count:
            raise SystemExit(f"the templates give only {len(questions)} distinct questions")
    return list(questions.values())


def make_class(rows: int, questions: list[tuple], seed: int) -> list[dict[str, str]]:
    """`rows` answers, every question getting its share; each a kind of answer the question has, then one of it."""
    rng = random.Random(seed)
    out = []
    for n in range(rows):
        expr, wrt, where, layout, answers = questions[n % len(questions)]
        kinds = [*answers, "error"]
        kind = rng.choices(kinds, weights=[CATEGORY_WEIGHTS[k] for k in kinds])[0]
        answer = rng.choice(USER_ERRORS if kind == "error" else answers[kind])
        out.append({"id": f"s{n:05d}", "expression": expr, "wrt": wrt, "answer": answer, "where": where,
                    "layout": layout, "expected": kind})
    return out


def in_order(rows: list[dict[str, str]], order: str, seed: int) -> list[dict[str, str]]:
    if order == "sorted":  # the rows of one question together, in the order questions were made
        position = {}
        for r in rows:
            position.setdefault((r["expression"], r["wrt"], r["where"], r["layout"]), len(position))
        return sorted(rows, key=lambda r: (position[(r["expression"], r["wrt"], r["where"], r["layout"])], r["id"]))
    shuffled = list(rows)
    random.Random(seed + 1).shuffle(shuffled)
    return shuffled


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "expression", "wrt", "answer", "where", "layout"],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def worker(package: str, path: str, csv_in: str, report_out: str, jobs: str = "1", start_at: str = "") -> None:
    """Grade `csv_in` with `package` (importable from `path`) in `jobs` processes (when that copy can), write the
    report, print the seconds as JSON. `start_at`: a time.time() to wait for before grading."""
    import importlib
    import inspect

    sys.path.insert(0, path)
    start = time.perf_counter()
    cli = importlib.import_module(f"{package}.cli")
    imported = time.perf_counter() - start
    rows = cli.read_answers(csv_in)
    if start_at:
        time.sleep(max(0.0, float(start_at) - time.time()))
    start, cpu = time.perf_counter(), time.process_time()
    parallel = "jobs" in inspect.signature(cli.grade_rows).parameters
    report = cli.grade_rows(rows, int(jobs)) if parallel else cli.grade_rows(rows)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    Path(report_out).write_text(cli.report_csv(report), encoding="utf-8")
    print(json.dumps({"seconds": seconds, "cpu": cpu, "import": imported}))


def grade_in_fresh_interpreter(package: str, path: Path, csv_in: Path, report_out: Path,
                               jobs: int = 1) -> tuple[dict, dict]:
    """({"seconds": wall time, "cpu": processor time}, the report by id) of grading `csv_in` in a new interpreter."""
    done = subprocess.run([sys.executable, __file__, "--worker", package, str(path), str(csv_in), str(report_out),
                           str(jobs)],
                          capture_output=True, text=True, encoding="utf-8", check=False)
    if done.returncode != 0:
        raise SystemExit(f"grading with {package} failed:\n{done.stderr}")
    timing = json.loads(done.stdout.strip().splitlines()[-1])
    with report_out.open(newline="", encoding="utf-8") as fh:
        return timing, {row["id"]: _without_line(row) for row in csv.DictReader(fh)}


def _without_line(row: dict[str, str]) -> dict[str, str]:
    """A report row without its line number in the file (which the order of the rows changes)."""
    row.pop("line", None)
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10000, help="answers in the class (default 10000)")
    ap.add_argument("--questions", type=int, nargs="+", default=[20, 500],
                    help="distinct questions: one class per count (default 20 and 500)")
    ap.add_argument("--order", choices=["both", "sorted", "shuffled"], default="both")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1, help="grade each way this many times and keep the fastest")
    ap.add_argument("--baseline", type=Path, default=None,
                    help="a package directory (another copy of matcalc) to grade the same rows with, for comparison")
    ap.add_argument("--jobs", type=int, default=2,
                    help="processes grading (matcalc grade --jobs), beside one process (default 2; 1: one only)")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(*args.worker)
        return 0
    status, summary = 0, []
    for count in args.questions:
        code, times, ceiling = grade_class(args, count)
        status = status or code
        summary.append((count, times, ceiling))
    print("\nsummary (wall time, fastest of the repeats; ratios side by side from one run)")
    orders = ["sorted", "shuffled"] if args.order == "both" else [args.order]
    for count, times, ceiling in summary:
        labels = sorted({label for label, _ in times}, key=lambda label: (label != "baseline", label))
        for label in labels:
            print(f"  {count:4} questions, {label:10}" + "".join(f"  {o} {args.rows / times[label, o]:7.0f} rows/s"
                                                              for o in orders))
        if len(orders) == 2:
            print(f"  {count:4} questions: shuffled / sorted time, one process: "
                  f"{times['now', 'shuffled'] / times['now', 'sorted']:.2f}")
        if args.jobs > 1:
            print(f"  {count:4} questions: one process / {args.jobs} jobs: "
                  + ", ".join(f"{o} {times['now', o] / times[f'now -j{args.jobs}', o]:.2f}×" for o in orders))
            print(f"  {count:4} questions: this machine's ceiling for {args.jobs} processes ({args.jobs} whole gradings "
                  f"at once against one alone): {ceiling:.2f}×")
    return status



def concurrent_ceiling(csv_in: Path, jobs: int, repeat: int, tmp: str) -> float:
    """What `jobs` processes could gain at best on this machine, now, for this class: the whole one-process grading
    run alone, and in `jobs` fresh interpreters at once (each grading every row, started together); `jobs` × the
    median time alone over the median time of the slowest at once. Nothing of sharing out the work is in it: only
    what the machine gives several processes doing this work together (caches, memory, the host)."""
    import statistics

    alone, together = [], []
    for _ in range(repeat):
        alone.append(grade_in_fresh_interpreter("matcalc", ROOT, csv_in, Path(tmp) / "alone.out")[0]["seconds"])
        start_at = time.time() + 4  # after every interpreter has imported matcalc
        running = [subprocess.Popen([sys.executable, __file__, "--worker", "matcalc", str(ROOT), str(csv_in),
                                     str(Path(tmp) / f"together-{k}.out"), "1", str(start_at)],
                                    stdout=subprocess.PIPE, text=True) for k in range(jobs)]
        together.append(max(json.loads(p.communicate()[0].strip().splitlines()[-1])["seconds"] for p in running))
    return jobs * statistics.median(alone) / statistics.median(together)

def grade_class(args, count: int) -> tuple[int, dict[tuple[str, str], float], float]:
    """Grade a class of `args.rows` answers over `count` questions every way asked; (status, wall times, the
    machine's ceiling for `args.jobs` processes: concurrent_ceiling)."""
    questions = make_questions(count)
    rows = make_class(args.rows, questions, args.seed)
    kinds = Counter(r["expected"] for r in rows)
    distinct = len({(r["expression"], r["wrt"], r["where"], r["layout"], r["answer"]) for r in rows})
    print(f"{len(rows)} answers over {len(questions)} distinct questions ({distinct} distinct question-answer pairs): "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    packages = [("matcalc", ROOT, "now", 1)]
    if args.jobs > 1:
        packages.append(("matcalc", ROOT, f"now -j{args.jobs}", args.jobs))
    if args.baseline is not None:
        base = args.baseline.resolve()
        packages.insert(0, (base.name, base.parent, "baseline", 1))
    orders = ["sorted", "shuffled"] if args.order == "both" else [args.order]
    times: dict[tuple[str, str], float] = {}  # wall seconds, the fastest of the repeats
    cpus: dict[tuple[str, str], float] = {}  # processor seconds (less affected by a busy machine)
    reports: dict[tuple[str, str], dict] = {}
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):  # interleaved, so that a busy machine slows every way alike
            for order in orders:
                path = Path(tmp) / f"{order}.csv"
                write_csv(in_order(rows, order, args.seed), path)
                for package, where, label, jobs in packages:
                    timing, report = grade_in_fresh_interpreter(package, where, path, Path(tmp) / f"{label}-{order}.out",
                                                                jobs)
                    seconds, cpu = timing["seconds"], timing["cpu"]
                    times[label, order] = min(seconds, times.get((label, order), seconds))
                    cpus[label, order] = min(cpu, cpus.get((label, order), cpu))
                    reports[label, order] = report
                    print(f"  graded {order:8} with {label:8} ({package}): {seconds:7.2f} s ({cpu:.2f} s of processor"
                          f"{' in the first process' if jobs > 1 else ''})", flush=True)
        ceiling = concurrent_ceiling(path, args.jobs, max(3, args.repeat), tmp) if args.jobs > 1 else float("nan")
    print()
    print(f"{'':10}" + "".join(f"{order + ' (wall, processor)':>34}" for order in orders))
    for _, _, label, _ in packages:
        print(f"{label:10}" + "".join(f"{times[label, o]:10.2f} s {len(rows) / times[label, o]:6.0f}/s {cpus[label, o]:9.2f} s"
                                      for o in orders))
    if args.baseline is not None:
        for _, _, label, jobs in packages[1:]:
            ratios = [(times["baseline", o] / times[label, o], cpus["baseline", o] / cpus[label, o]) for o in orders]
            print(f"{'speed-up':10}" + "".join(f"{wall:17.1f}× {cpu if jobs == 1 else float('nan'):15.1f}×"
                                              for wall, cpu in ratios) + f"  ({label} / baseline)")
    for (label, order), report in reports.items():
        wrong = [(r["id"], r["expression"], r["answer"], r["expected"], report[r["id"]]["diagnosis"]) for r in rows
                 if report[r["id"]]["diagnosis"] != r["expected"]]
        if wrong:
            print(f"{label}, {order}: {len(wrong)} verdicts differ from the generated kind")
            for row in wrong[:10]:
                print("  ", row)
            status = status or (1 if label.startswith("now") else 0)
    first = reports["now", orders[0]]
    for key, report in reports.items():
        if key[0].startswith("now") and report != first:
            print(f"the verdicts of {key[1]} rows graded by {key[0]} differ from those of {orders[0]} rows")
            status = 1
    print()
    return status, times, ceiling


if __name__ == "__main__":
    sys.exit(main())
