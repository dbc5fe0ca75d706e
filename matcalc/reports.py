"""A graded class as a report: CSV (for a spreadsheet), Markdown, or an HTML page a teacher opens in a browser.

Each has every row once, the counts per diagnosis, and (Markdown and HTML) a summary per question: how
many answers were right, the expected closed form, and the most common mistakes with an example answer
for each. Cells are made inert for what reads them: a CSV cell a spreadsheet would run as a formula starts
with an apostrophe, and the HTML page escapes everything (it has no script).
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from dataclasses import dataclass, field

REPORT_COLUMNS = ("id", "correct", "diagnosis", "message", "expected", "expression", "wrt", "answer", "where",
                  "layout", "line")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell starting so as a formula
MISTAKES_SHOWN = 5  # the most common mistakes listed per question


def summary(report: list[dict[str, str]]) -> list[tuple[str, int]]:
    """Counts per diagnosis, in the order of matcalc.grading.DIAGNOSES, errors last."""
    from .grading import DIAGNOSES

    counts = Counter(row["diagnosis"] for row in report)
    order = [*DIAGNOSES, "error"]
    return sorted(counts.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))


def summary_text(report: list[dict[str, str]]) -> str:
    right = sum(row["correct"] == "yes" for row in report)
    lines = [f"{len(report)} answers, {right} correct"]
    lines += [f"  {name:<15} {count}" for name, count in summary(report)]
    return "\n".join(lines)


@dataclass
class QuestionSummary:
    """One question of the class: its rows' count, how many were right, its expected closed form, and the
    mistakes made (diagnosis, count, the most common answer given with it), most common first."""

    expression: str
    wrt: str
    where: str
    layout: str
    answers: int = 0
    right: int = 0
    expected: str = ""
    mistakes: list[tuple[str, int, str]] = field(default_factory=list)



def by_question(report: list[dict[str, str]]) -> list[QuestionSummary]:
    """A summary per question, in the order the questions first appear."""
    groups: dict[tuple, list[dict[str, str]]] = {}
    for row in report:
        key = (row.get("expression", ""), row.get("wrt", ""), row.get("where", ""), row.get("layout", ""))
        groups.setdefault(key, []).append(row)
    out = []
    for key, rows in groups.items():
        q = QuestionSummary(*key, answers=len(rows), right=sum(r["correct"] == "yes" for r in rows))
        q.expected = next((r["expected"] for r in rows if r.get("expected")), "")
        wrong = [r for r in rows if r["correct"] != "yes"]
        counts = Counter(r["diagnosis"] for r in wrong)
        for diagnosis, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MISTAKES_SHOWN]:
            answers = Counter(r["answer"] for r in wrong if r["diagnosis"] == diagnosis)
            example = min(answers.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            q.mistakes.append((diagnosis, count, example))
        out.append(q)
    return out


# ----------------------------------------------------------------------------------------- CSV


def report_csv(report: list[dict[str, str]]) -> str:
    """The report as CSV. A cell a spreadsheet would run as a formula (``=HYPERLINK(…)``, but also ``-2*x``)
    starts with an apostrophe, as OWASP's "CSV injection" page recommends: the spreadsheet shows it as text."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: _inert(v) for k, v in row.items()} for row in report)
    return out.getvalue()


def _inert(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


# ----------------------------------------------------------------------------------------- Markdown


def _cell(text: str, code: bool = False) -> str:
    """A Markdown table cell; in a code span (an answer) a backslash is literal (LaTeX answers), only | is escaped."""
    if not code:
        text = text.replace("\\", "\\\\")
    text = text.replace("|", "\\|").replace("\n", " ")
    if code and text:
        fence = "``" if "`" in text else "`"
        return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"
    return text


def report_markdown(report: list[dict[str, str]], title: str) -> str:
    lines = [f"# Grading report: {title}", "", "| id | correct | diagnosis | answer | message |", "|---|---|---|---|---|"]
    for row in report:
        cells = [_cell(row["id"]), row["correct"], row["diagnosis"], _cell(row["answer"], code=True),
                 _cell(row["message"])]
        lines.append("| " + " | ".join(cells) + " |")
    right = sum(row["correct"] == "yes" for row in report)
    lines += ["", "## Summary", "", f"{len(report)} answers, {right} correct.", "", "| diagnosis | count |", "|---|---|"]
    lines += [f"| {name} | {count} |" for name, count in summary(report)]
    lines += ["", "## By question"]
    for q in by_question(report):
        title = f"{_cell(q.expression, code=True)} w.r.t. {_cell(q.wrt, code=True)}"
        title += f", where {_cell(q.where, code=True)}" * bool(q.where) + f", layout {q.layout}" * bool(q.layout)
        lines += ["", f"### {title}", "", f"{q.right} of {q.answers} right."]
        if q.expected:
            lines[-1] += f" Expected: {_cell(q.expected, code=True)}."
        if q.mistakes:
            lines += ["", "| mistake | answers | most common answer |", "|---|---|---|"]
            lines += [f"| {name} | {count} | {_cell(example, code=True)} |" for name, count, example in q.mistakes]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------- HTML

STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:80em}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;
vertical-align:top}th{background:#f3f3f3}code{font-family:ui-monospace,monospace}
.yes{color:#1a7f37}.no{color:#b3261e}h3{margin-top:2em}"""


def report_html(report: list[dict[str, str]], title: str) -> str:
    """The report as one self-contained HTML page (no script, every text escaped)."""
    e = html.escape
    right = sum(row["correct"] == "yes" for row in report)
    out = ["<!DOCTYPE html>", '<html lang="en">', '<head><meta charset="utf-8">',
           f"<title>Grading report: {e(title)}</title>", f"<style>{STYLE}</style></head>", "<body>",
           f"<h1>Grading report: {e(title)}</h1>", f"<p>{len(report)} answers, {right} correct.</p>",
           "<table><tr><th>diagnosis</th><th>count</th></tr>"]
    out += [f"<tr><td>{e(name)}</td><td>{count}</td></tr>" for name, count in summary(report)]
    out += ["</table>", "<h2>By question</h2>"]
    for q in by_question(report):
        out.append(f"<h3><code>{e(q.expression)}</code> w.r.t. <code>{e(q.wrt)}</code>"
                   + (f", where <code>{e(q.where)}</code>" if q.where else "")
                   + (f", layout {e(q.layout)}" if q.layout else "") + "</h3>")
        expected = f" Expected: <code>{e(q.expected)}</code>." if q.expected else ""
        out.append(f"<p>{q.right} of {q.answers} right.{expected}</p>")
        if q.mistakes:
            out.append("<table><tr><th>mistake</th><th>answers</th><th>most common answer</th></tr>")
            out += [f"<tr><td>{e(name)}</td><td>{count}</td><td><code>{e(example)}</code></td></tr>"
                    for name, count, example in q.mistakes]
            out.append("</table>")
    out += ["<h2>Every answer</h2>", "<table><tr><th>id</th><th>correct</th><th>diagnosis</th><th>answer</th>"
            "<th>message</th></tr>"]
    for row in report:
        out.append(f'<tr><td>{e(row["id"])}</td><td class="{"yes" if row["correct"] == "yes" else "no"}">'
                   f'{e(row["correct"])}</td><td>{e(row["diagnosis"])}</td><td><code>{e(row["answer"])}</code></td>'
                   f'<td>{e(row["message"])}</td></tr>')
    out += ["</table>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


__all__ = ["REPORT_COLUMNS", "report_csv", "report_markdown", "report_html", "summary", "summary_text",
           "by_question", "QuestionSummary"]
