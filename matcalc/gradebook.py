"""A class's answers: a CSV file in, a verdict per row, a report out (CSV or Markdown) — ``matcalc grade``.

``read_answers`` reads the file (columns id, expression, wrt, answer, and optionally where and layout),
``grade_rows`` judges every row (each distinct question prepared once, the questions shared out between
processes when asked), and ``report_csv`` / ``report_markdown`` write the report with its summary.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .course import Course
from .errors import MatcalcError
from .layout import LAYOUTS

REQUIRED_COLUMNS = ("id", "expression", "wrt", "answer")
REPORT_COLUMNS = ("id", "correct", "diagnosis", "message", "expected", "expression", "wrt", "answer", "where", "layout")


def read_answers(path: str) -> list[dict[str, str]]:
    """The rows of a grading CSV (header names are matched case-insensitively); MatcalcError if unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise MatcalcError(f"cannot read {path}: {getattr(err, 'strerror', None) or err}") from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise MatcalcError(f"{path}: the header row needs the columns {', '.join(REQUIRED_COLUMNS)} "
                               f"(and optionally where, layout); missing: {', '.join(missing)}")
        rows = []
        for raw in reader:
            rows.append({key: (raw.get(name) or "").strip() for key, name in header.items()})
    except csv.Error as err:
        raise MatcalcError(f"{path}: not a readable CSV file ({err})") from None
    return rows


PARALLEL_ROWS = 200  # fewer rows than this are graded in this process: starting workers would cost more


def grade_rows(rows: list[dict[str, str]], jobs: int = 1, course: Course | None = None) -> list[dict[str, str]]:
    """A verdict per row: the report rows. Each distinct question is prepared once and each distinct answer
    to it judged once, whatever the order of the rows (matcalc.grading.grade_answers). With `jobs` > 1 the
    questions are shared out between that many processes; the report is the same row for row, because a
    question's verdicts depend on the question alone (its random points come from a fixed seed). A row
    without a layout is judged in the `course`'s (matcalc.course), and every row in its vec order."""
    course = course or Course()
    if jobs > 1 and len(rows) >= PARALLEL_ROWS:
        chunks = _question_chunks(rows, jobs, course)
        if len(chunks) > 1:
            return _grade_in_parallel(rows, chunks, jobs, course)
    return _grade_here(rows, course)


def _question_key(row, course: Course) -> tuple:
    """check_answer's arguments after the answer, for this row."""
    return (row.get("expression"), row.get("wrt"), row.get("where") or None, _row_layout(row, course), course.vec)


def _question_chunks(rows, jobs: int, course: Course | None = None) -> list[list[int]]:
    """Row indices in chunks that keep every question's rows together, about 4 chunks per process, balanced
    by row count (largest questions first, each to the lightest chunk): deterministic for given rows."""
    course = course or Course()
    groups: dict[tuple, list[int]] = {}
    for k, row in enumerate(rows):
        groups.setdefault(_question_key(row, course), []).append(k)
    count = min(len(groups), 4 * jobs)
    chunks: list[list[int]] = [[] for _ in range(count)]
    for indices in sorted(groups.values(), key=lambda g: (-len(g), g[0])):
        min(chunks, key=len).extend(indices)
    return [sorted(c) for c in chunks if c]


def _grade_in_parallel(rows, chunks: list[list[int]], jobs: int, course: Course) -> list[dict[str, str]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    methods = multiprocessing.get_all_start_methods()  # fork: the workers start with matcalc already imported
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    out: list[dict[str, str] | None] = [None] * len(rows)
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=context) as pool:
        for chunk, graded in zip(chunks, pool.map(partial(_grade_here, course=course),
                                                  [[rows[k] for k in c] for c in chunks])):
            for k, row in zip(chunk, graded):
                out[k] = row
    return out


def _grade_here(rows: list[dict[str, str]], course: Course) -> list[dict[str, str]]:
    """grade_rows in this process."""
    from .grading import grade_answers

    problems = [_row_problem(row) for row in rows]
    items = [(_question_key(row, course), row["answer"]) for row, problem in zip(rows, problems) if problem is None]
    results = grade_answers(items)
    texts: dict[int, str] = {}  # the answers to one question share its closed forms: each printed once
    shown = {id(v): _result_row(v, texts) for v in results}  # rows with the same answer share one verdict
    results = iter(results)
    out = []
    for row, problem in zip(rows, problems):
        result = _error_row(problem) if problem is not None else shown[id(next(results))]
        out.append({"id": row.get("id", ""), **result, "expression": row.get("expression", ""),
                    "wrt": row.get("wrt", ""), "answer": row.get("answer", ""), "where": row.get("where") or "",
                    "layout": row.get("layout") or ""})
    return out


def _row_layout(row, course: Course) -> str | None:
    """The row's layout: its own ("any": every layout), else the course's."""
    layout = row.get("layout") or None
    if layout is None:
        return course.layout
    return None if layout == "any" else layout


def _row_problem(row) -> str | None:
    """Why the row cannot be graded at all, or None."""
    missing = [c for c in ("expression", "wrt", "answer") if not row.get(c)]
    if missing:
        return f"the row has no {' or '.join(missing)}"
    layout = row.get("layout") or None
    if layout is not None and layout not in (*LAYOUTS, "any"):
        return f"layout must be one of {', '.join(LAYOUTS)} or any, not {layout!r}"
    return None


def _result_row(v, texts: dict[int, str]) -> dict[str, str]:
    """A verdict, or the error judging the row raised, as report columns (`texts`: closed forms printed so far)."""
    if isinstance(v, MatcalcError):
        message = _one_line(v)
        return _error_row(message if message.startswith("in the answer") else f"in the question: {message}")
    if isinstance(v, Exception):  # a bug in matcalc: report the row, grade the others
        return _error_row(f"internal error ({type(v).__name__}): {v}")
    if id(v.derivative) not in texts:
        texts[id(v.derivative)] = str(v.derivative)
    return {"correct": "yes" if v.correct else "no", "diagnosis": v.diagnosis, "message": v.message.replace("\n  ", "; "),
            "expected": texts[id(v.derivative)]}


def _error_row(message: str) -> dict[str, str]:
    return {"correct": "no", "diagnosis": "error", "message": message, "expected": ""}


def _one_line(err: MatcalcError) -> str:
    """An error message without its caret lines (the position, when known, is given as a column)."""
    reason = getattr(err, "reason", None)
    if reason is None:
        return str(err).split("\n", 1)[0]
    pos = getattr(err, "pos", None)
    return reason + (f" (at column {pos + 1})" if pos is not None else "")


def summary(report: list[dict[str, str]]) -> list[tuple[str, int]]:
    """Counts per diagnosis, in the order of matcalc.grading.DIAGNOSES, errors last."""
    from .grading import DIAGNOSES

    counts: dict[str, int] = {}
    for row in report:
        counts[row["diagnosis"]] = counts.get(row["diagnosis"], 0) + 1
    order = [*DIAGNOSES, "error"]
    return sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


def summary_text(report: list[dict[str, str]]) -> str:
    right = sum(row["correct"] == "yes" for row in report)
    lines = [f"{len(report)} answers, {right} correct"]
    lines += [f"  {name:<15} {count}" for name, count in summary(report)]
    return "\n".join(lines)


def report_csv(report: list[dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(report)
    return out.getvalue()


def _cell(text: str, code: bool = False) -> str:
    """A Markdown table cell; in a code span (an answer) a backslash is literal (LaTeX answers), only | is escaped."""
    if not code:
        text = text.replace("\\", "\\\\")
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(report: list[dict[str, str]], title: str) -> str:
    lines = [f"# Grading report: {title}", "", "| id | correct | diagnosis | answer | message |", "|---|---|---|---|---|"]
    for row in report:
        answer = f"`{_cell(row['answer'], code=True)}`" if row["answer"] else ""
        cells = [_cell(row["id"]), row["correct"], row["diagnosis"], answer, _cell(row["message"])]
        lines.append("| " + " | ".join(cells) + " |")
    right = sum(row["correct"] == "yes" for row in report)
    lines += ["", "## Summary", "", f"{len(report)} answers, {right} correct.", "", "| diagnosis | count |", "|---|---|"]
    lines += [f"| {name} | {count} |" for name, count in summary(report)]
    return "\n".join(lines) + "\n"
