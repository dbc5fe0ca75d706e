"""A class's answers: a CSV file in, a verdict per row, a report out (CSV or Markdown) — ``matcalc grade``.

``read_answers`` reads the file (columns id, expression, wrt, answer, and optionally where and layout),
``grade_rows`` judges every row (each distinct question prepared once, the questions shared out between
processes when asked), and ``report_csv`` / ``report_markdown`` write the report with its summary.
"""

from __future__ import annotations

from collections.abc import Callable

from .classfile import read_class
from .course import Course
from .errors import MatcalcError
from .layout import LAYOUTS
from .reports import REPORT_COLUMNS, report_csv, report_html, report_markdown, summary, summary_text  # noqa: F401 - re-exported


def read_answers(path: str) -> list[dict[str, str]]:
    """The rows of a grading file (matcalc.classfile.read_class: any common encoding and delimiter; a row
    that cannot be graded carries its ``problem``); MatcalcError if the file cannot be read at all."""
    return read_class(path).rows


PARALLEL_ROWS = 200  # fewer rows than this are graded in this process: starting workers would cost more
CHUNKS_PER_JOB = 8  # batches of questions per process: the work balances, and progress is seen


def grade_rows(rows: list[dict[str, str]], jobs: int = 1, course: Course | None = None,
               done: Callable[[list[int], list[dict[str, str]]], None] | None = None) -> list[dict[str, str]]:
    """A verdict per row: the report rows. Each distinct question is prepared once and each distinct answer
    to it judged once, whatever the order of the rows (matcalc.grading.grade_answers). With `jobs` > 1 the
    questions are shared out between that many processes; the report is the same row for row, because a
    question's verdicts depend on the question alone (its random points come from a fixed seed). A row
    without a layout is judged in the `course`'s (matcalc.course), and every row in its vec order and its
    convention for a symmetric variable. `done(indices, report_rows)`, when given, is called as each batch
    of rows is graded (batches of whole questions, in no fixed order): a journal, a progress bar."""
    course = course or Course()
    out: list[dict[str, str]] = [{}] * len(rows)

    def finished(chunk: list[int], graded: list[dict[str, str]]) -> None:
        for k, row in zip(chunk, graded):
            out[k] = row
        if done is not None:
            done(chunk, graded)

    parallel = jobs > 1 and len(rows) >= PARALLEL_ROWS
    if parallel or done is not None:
        chunks = _question_chunks(rows, jobs if parallel else 1, course)
    else:
        chunks = [list(range(len(rows)))]
    if parallel and len(chunks) > 1:
        _grade_in_parallel(rows, chunks, jobs, course, finished)
    else:
        for chunk in chunks:
            finished(chunk, _grade_here([rows[k] for k in chunk], course))
    return out


def _question_key(row, course: Course) -> tuple:
    """check_answer's arguments after the answer (expr, wrt, where, layout, vec, seed, notation, order,
    symmetric), for this row."""
    return (row.get("expression"), row.get("wrt"), row.get("where") or None, _row_layout(row, course), course.vec,
            0, "auto", 1, course.symmetric)


def _question_chunks(rows, jobs: int, course: Course | None = None) -> list[list[int]]:
    """Row indices in chunks that keep every question's rows together, about CHUNKS_PER_JOB chunks per process,
    balanced by row count (largest questions first, each to the lightest chunk; the largest chunks first):
    deterministic for given rows."""
    course = course or Course()
    groups: dict[tuple, list[int]] = {}
    for k, row in enumerate(rows):
        groups.setdefault(_question_key(row, course), []).append(k)
    count = min(len(groups), CHUNKS_PER_JOB * jobs)
    chunks: list[list[int]] = [[] for _ in range(count)]
    for indices in sorted(groups.values(), key=lambda g: (-len(g), g[0])):
        min(chunks, key=len).extend(indices)
    return sorted((sorted(c) for c in chunks if c), key=lambda c: (-len(c), c[0]))


def _grade_in_parallel(rows, chunks: list[list[int]], jobs: int, course: Course, finished) -> None:
    """Grade the chunks in `jobs` processes, each handed to `finished` as it comes back. The workers ignore
    Ctrl-C (the terminal sends it to them too): this process stops them, and keeps what was finished."""
    import multiprocessing
    from functools import partial

    methods = multiprocessing.get_all_start_methods()  # fork: the workers start with matcalc already imported
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    work = [(n, [rows[k] for k in chunk]) for n, chunk in enumerate(chunks)]
    with context.Pool(min(jobs, len(chunks)), initializer=_ignore_interrupts) as pool:  # leaving it stops them
        for n, graded in pool.imap_unordered(partial(_grade_chunk, course=course), work):
            finished(chunks[n], graded)


def _ignore_interrupts() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _grade_chunk(item: tuple[int, list[dict[str, str]]], course: Course) -> tuple[int, list[dict[str, str]]]:
    n, rows = item
    return n, _grade_here(rows, course)


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
                    "layout": row.get("layout") or "", "line": row.get("line", "")})
    return out


def _row_layout(row, course: Course) -> str | None:
    """The row's layout: its own ("any": every layout), else the course's."""
    layout = row.get("layout") or None
    if layout is None:
        return course.layout
    return None if layout == "any" else layout


def _row_problem(row) -> str | None:
    """Why the row cannot be graded at all, or None."""
    if row.get("problem"):
        return row["problem"]
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
