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


CONTENT = ("expression", "wrt", "where", "layout", "answer", "problem")  # the columns grading reads
PARALLEL_ROWS = 200  # fewer rows than this are graded in this process: starting workers would cost more
CHUNKS_PER_JOB = 8  # batches of questions per process: the work balances, and progress is seen
QUESTION_WEIGHT = 3  # preparing a question costs about as much as judging this many answers to it


def grade_rows(rows: list[dict[str, str]], jobs: int = 1, course: Course | None = None,
               done: Callable[[list[int], list[dict[str, str]]], None] | None = None) -> list[dict[str, str]]:
    """A verdict per row: the report rows. The rows are reduced to their distinct (question, answer) items
    first: each distinct question is prepared once and each distinct answer to it judged once, whatever the
    order of the rows (matcalc.grading.grade_answers). With `jobs` > 1 the questions are shared out between
    that many processes (only the distinct items travel); the report is the same row for row, because a
    question's verdicts depend on the question alone (its random points come from a fixed seed). A row
    without a layout is judged in the `course`'s (matcalc.course), and every row in its vec order and its
    convention for a symmetric variable. `done(indices, report_rows)`, when given, is called as each batch
    of rows is graded (batches of whole questions, in no fixed order): a journal, a progress bar."""
    course = course or Course()
    out: list[dict[str, str]] = [{}] * len(rows)
    contents = [tuple(map(row.get, CONTENT)) for row in rows]  # rows alike but for id and line are met once
    distinct = list(dict.fromkeys(contents))
    problems = [_row_problem(dict(zip(CONTENT, c))) for c in distinct]
    keys = [None if p is not None else (_question_key(dict(zip(CONTENT, c)), course), c[CONTENT.index("answer")])
            for c, p in zip(distinct, problems)]
    items = list(dict.fromkeys(k for k in keys if k is not None))  # distinct, in the order first met
    number = {item: n for n, item in enumerate(items)}
    contents_of: list[list[int]] = [[] for _ in items]
    for k, key in enumerate(keys):
        if key is not None:
            contents_of[number[key]].append(k)
    rows_of: dict[tuple, list[int]] = {}
    for k, c in enumerate(contents):
        rows_of.setdefault(c, []).append(k)

    def finish(indices: list[int], results: list[dict[str, str]]) -> None:  # distinct contents → their rows
        templates = [(rows_of[distinct[c]], _report_template(distinct[c], result)) for c, result in zip(indices, results)]
        pairs = sorted(((k, template) for ks, template in templates for k in ks), key=lambda pair: pair[0])
        for k, template in pairs:  # the row's id and line, in the template's places
            out[k] = {**template, "id": rows[k].get("id", ""), "line": rows[k].get("line", "")}
        if done is not None:
            done([k for k, _ in pairs], [out[k] for k, _ in pairs])

    def finished(chunk: list[int], results: list[dict[str, str]]) -> None:  # a chunk of items → their contents
        finish([c for n in chunk for c in contents_of[n]], [result for n, result in zip(chunk, results)
                                                              for _ in contents_of[n]])

    unreadable = [c for c, p in enumerate(problems) if p is not None]
    if unreadable:
        finish(unreadable, [_error_row(problems[c]) for c in unreadable])
    parallel = jobs > 1 and len(rows) >= PARALLEL_ROWS
    if parallel or done is not None:
        chunks = _question_chunks(items, jobs if parallel else 1)
    else:
        chunks = [list(range(len(items)))]
    if parallel and len(chunks) > 1:
        _grade_in_parallel(items, chunks, jobs, finished)
    else:
        for chunk in chunks:
            finished(chunk, _judge([items[n] for n in chunk]))
    return out


def _question_key(row, course: Course) -> tuple:
    """check_answer's arguments after the answer (expr, wrt, where, layout, vec, seed, notation, order,
    symmetric), for this row."""
    return (row.get("expression"), row.get("wrt"), row.get("where") or None, _row_layout(row, course), course.vec,
            0, "auto", 1, course.symmetric)


def _question_chunks(items: list[tuple], jobs: int) -> list[list[int]]:
    """Indices of the (question, answer) items in chunks that keep every question's items together, about
    CHUNKS_PER_JOB chunks per process, balanced by work (preparing a question costs about as much as judging
    three answers; largest questions first, each to the lightest chunk; the heaviest chunks first):
    deterministic for given items."""
    groups: dict[tuple, list[int]] = {}
    for n, (question, _) in enumerate(items):
        groups.setdefault(question, []).append(n)
    count = min(len(groups), CHUNKS_PER_JOB * jobs)
    chunks: list[list[int]] = [[] for _ in range(count)]
    load = [0] * count
    for indices in sorted(groups.values(), key=lambda g: (-len(g), g[0])):
        lightest = min(range(count), key=lambda c: (load[c], c))
        chunks[lightest].extend(indices)
        load[lightest] += QUESTION_WEIGHT + len(indices)
    order = sorted(range(count), key=lambda c: (-load[c], c))
    return [sorted(chunks[c]) for c in order if chunks[c]]


def _grade_in_parallel(items: list[tuple], chunks: list[list[int]], jobs: int, finished) -> None:
    """Judge the chunks of items in `jobs` processes, each handed to `finished` as it comes back. The workers
    ignore Ctrl-C (the terminal sends it to them too): this process stops them, and keeps what was finished."""
    import gc
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()  # fork: the workers start with matcalc already imported
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    work = [(n, [items[i] for i in chunk]) for n, chunk in enumerate(chunks)]
    _warm_up()
    gc.freeze()  # the workers' collections then leave the objects they share with this process untouched
    try:
        with context.Pool(min(jobs, len(chunks)), initializer=_ignore_interrupts) as pool:  # leaving it stops them
            for n, results in pool.imap_unordered(_judge_chunk, work):
                finished(chunks[n], results)
    finally:
        gc.unfreeze()


def _warm_up() -> None:
    """Load what every worker needs (the grammar's tables, NumPy's random module) once, before forking."""
    import numpy.random  # noqa: F401

    from .syntax import lark_parser

    lark_parser()


def _ignore_interrupts() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _judge_chunk(work: tuple[int, list[tuple]]) -> tuple[int, list[dict[str, str]]]:
    n, items = work
    return n, _judge(items)


def _judge(items: list[tuple]) -> list[dict[str, str]]:
    """The verdict columns of each (question, answer) item, judged in this process."""
    from .grading import grade_answers

    texts: dict[int, str] = {}  # the answers to one question share its closed forms: each printed once
    return [_result_row(v, texts) for v in grade_answers(items)]


def _report_template(content: tuple, result: dict[str, str]) -> dict[str, str]:
    """The report row of every row with these contents (CONTENT's columns), but for its id and line."""
    row = dict(zip(CONTENT, content))
    return {"id": "", **result, "expression": row["expression"] or "", "wrt": row["wrt"] or "",
            "answer": row["answer"] or "", "where": row["where"] or "", "layout": row["layout"] or "", "line": ""}


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
