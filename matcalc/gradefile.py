"""Grading a file into a report without losing a row: what ``matcalc grade`` does around the grading itself.

* The output is checked before any grading: it must not be the answers file, and its directory must be
  writable; a problem is found in a second, not after the whole class is graded.
* Graded rows go to a journal beside the report (``REPORT.journal``, one JSON line per row) as each batch
  of questions is finished, so an interrupted run (Ctrl-C, a kill, a crash) keeps them: the same command
  with ``--resume`` grades only the rows that are missing. The journal records the answers file's digest
  and the settings, so it cannot be resumed against another file.
* The report is written to a temporary file beside it and renamed into place: a report at the path is
  either the old one or the new one, whole, never one cut off mid-row (a full disk leaves the old one).
* A progress line on standard error once a run takes more than a moment, when that is a terminal.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from .course import Course
from .errors import MatcalcError
from .gradebook import grade_rows

JOURNAL_VERSION = 1


def check_output(output: Path, answers: Path) -> None:
    """MatcalcError unless a report can be written at `output` without touching the answers file."""
    if output.exists() and answers.exists() and os.path.samefile(output, answers):
        raise MatcalcError(f"the report would replace the answers file {answers}; choose another --output")
    if output.is_dir():
        raise MatcalcError(f"cannot write the report to {output}: it is a directory")
    folder = output.parent
    if not folder.is_dir():
        raise MatcalcError(f"cannot write the report to {output}: there is no directory {folder}")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{output.name}.", suffix=".check"):
            pass
    except OSError as err:
        raise MatcalcError(f"cannot write the report to {output}: {err.strerror or err}") from None


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` by way of a temporary file in the same directory, renamed into place."""
    handle = None
    try:
        handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent,
                                             prefix=f".{path.name}.", suffix=".tmp", delete=False)
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except OSError as err:
        if handle is not None:
            Path(handle.name).unlink(missing_ok=True)
        raise MatcalcError(f"cannot write {path}: {err.strerror or err}; the file there is unchanged") from None


def journal_path(output: Path) -> Path:
    return output.with_name(output.name + ".journal")


class Journal:
    """The rows graded so far, one JSON line each after a header line naming the answers and the settings."""

    def __init__(self, path: Path, header: dict):
        self.path, self.header = path, header
        self.graded: dict[int, dict[str, str]] = {}
        self.handle = None

    def load(self) -> None:
        """Read what an interrupted run kept; MatcalcError when it was for other answers or settings."""
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as err:
            raise MatcalcError(f"cannot read {self.path}: {err.strerror or err}") from None
        try:
            header = json.loads(lines[0]) if lines else None
        except ValueError:
            header = None
        if header != self.header:
            raise MatcalcError(f"{self.path} was written for another answers file or other settings; "
                               f"grade without --resume to start again")
        for line in lines[1:]:
            try:
                entry = json.loads(line)
                self.graded[int(entry["k"])] = {str(k): str(v) for k, v in entry["row"].items()}
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # a line cut off by the interruption: that row is graded again

    def open(self, keep: bool) -> None:
        """Start writing: after what is kept (`keep`), or afresh."""
        try:
            if keep:
                cut = not self.path.read_bytes().endswith(b"\n")  # a line cut off by the interruption ends here
                self.handle = self.path.open("a", encoding="utf-8")
                self.handle.write("\n" * cut)
                return
            self.handle = self.path.open("w", encoding="utf-8")
            self.handle.write(json.dumps(self.header, sort_keys=True) + "\n")
            self.handle.flush()
        except OSError as err:
            raise MatcalcError(f"cannot write {self.path}: {err.strerror or err}") from None

    def record(self, indices: list[int], rows: list[dict[str, str]]) -> None:
        lines = "".join(json.dumps({"k": k, "row": row}, sort_keys=True) + "\n" for k, row in zip(indices, rows))
        self.handle.write(lines)
        self.handle.flush()

    def close(self, remove: bool) -> None:
        if self.handle is not None:
            self.handle.close()
        if remove:
            self.path.unlink(missing_ok=True)


class Progress:
    """``graded 5230 of 10000 rows`` on a terminal, shown once the run has taken `after` seconds."""

    def __init__(self, total: int, stream=None, after: float = 1.5):
        self.stream = stream if stream is not None else sys.stderr
        self.total, self.after, self.start, self.count, self.shown = total, after, time.monotonic(), 0, False
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())

    def add(self, count: int) -> None:
        self.count += count
        if self.live and time.monotonic() - self.start >= self.after:
            self.stream.write(f"\rgraded {self.count} of {self.total} rows")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * (len(str(self.total)) * 2 + 24) + "\r")
            self.stream.flush()


def journal_header(rows: int, answers: Path, course: Course) -> dict:
    """What a journal must match to be resumed: the answers file's digest, its row count and the settings."""
    return {"journal": "matcalc grade", "version": JOURNAL_VERSION, "rows": rows,
            "answers": hashlib.sha256(answers.read_bytes()).hexdigest(),
            "course": [course.layout, course.vec, course.symmetric]}


def grade_into(rows: list[dict[str, str]], answers: Path, output: Path | None, course: Course, jobs: int,
               resume: bool = False, on_note: Callable[[str], None] = print, stream=None) -> list[dict[str, str]]:
    """Grade `rows` (read from `answers`), journalling them beside `output` when there is one (resuming an
    interrupted run when asked), with a progress line on `stream`. Returns the report rows, every input row
    once. `on_note` receives what the run says about itself (a journal found, rows resumed)."""
    if output is None:
        if resume:
            raise MatcalcError("--resume continues a report written with --output; give the same --output")
        return _graded(rows, course, jobs, None, stream)
    journal = Journal(journal_path(output), journal_header(len(rows), answers, course))
    if resume and journal.path.exists():
        journal.load()
        on_note(f"resuming: {len(journal.graded)} of {len(rows)} rows were graded before")
    elif resume:
        on_note(f"nothing to resume ({journal.path} does not exist): grading every row")
    elif journal.path.exists():
        on_note(f"{journal.path} from an interrupted run is replaced (--resume would continue it)")
    journal.open(keep=bool(journal.graded))
    left = [k for k in range(len(rows)) if k not in journal.graded]
    try:
        graded = _graded([rows[k] for k in left], course, jobs, journal, stream, left)
    finally:
        journal.close(remove=False)
    report = [journal.graded.get(k) for k in range(len(rows))]
    for k, row in zip(left, graded):
        report[k] = row
    return report


def _graded(rows, course: Course, jobs: int, journal: Journal | None, stream, indices: list[int] | None = None):
    progress = Progress(len(rows), stream)

    def done(chunk: list[int], graded: list[dict[str, str]]) -> None:
        if journal is not None:
            journal.record([indices[k] for k in chunk], graded)
        progress.add(len(chunk))

    try:
        return grade_rows(rows, jobs, course, done=done)
    finally:
        progress.close()


def finish(output: Path, text: str) -> None:
    """Put the report in place, then let the journal go."""
    write_atomic(output, text)
    journal_path(output).unlink(missing_ok=True)


def for_terminal(text: str) -> str:
    """`text` with control characters (terminal escape sequences) and bidirectional overrides written as
    escapes, for printing answers to a terminal; line breaks and tabs are kept."""
    def safe(ch: str) -> str:
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\u200b\u200c\u200d\u2060\ufeff":
            return ch
        return ch.encode("unicode_escape").decode("ascii")

    return "".join(map(safe, text)) if any(unicodedata.category(c) in ("Cc", "Cf") for c in text) else text


__all__ = ["check_output", "write_atomic", "grade_into", "finish", "for_terminal", "journal_path", "journal_header", "Journal",
           "Progress"]
